/**
 * A deterministic tar of a build context (for `git:from-archive --archive-type tar <app> --`).
 *
 * Same files in -> same bytes out: entries sorted by path, mtime 0, uid/gid 0, no user or group
 * names, modes normalized (directories and executables 0755, other files 0644), PAX headers only
 * for long or non-ASCII names. `.dockerignore` is honoured (patterns, `**`, `!` exceptions);
 * `Dockerfile` and `.dockerignore` are always sent, as the docker CLI does.
 *
 * {@linkcode buildTar} and {@linkcode dockerignoreMatcher} are pure; {@linkcode readContext} is the
 * file-system edge.
 */

/** One entry of the archive; `path` is relative with `/` separators, no leading `./`. */
export type TarEntry =
  | { readonly kind: "dir"; readonly path: string }
  | {
    readonly kind: "file";
    readonly path: string;
    readonly data: Uint8Array;
    readonly executable: boolean;
  }
  | { readonly kind: "symlink"; readonly path: string; readonly target: string };

const BLOCK = 512;
const encoder = new TextEncoder();

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function putString(block: Uint8Array, offset: number, width: number, text: string): void {
  const bytes = encoder.encode(text);
  block.set(bytes.subarray(0, width), offset);
}

function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function header(
  name: string,
  options: { mode: number; size: number; type: string; link?: string },
): Uint8Array {
  const block = new Uint8Array(BLOCK);
  putString(block, 0, 100, name);
  putString(block, 100, 8, octal(options.mode, 8));
  putString(block, 108, 8, octal(0, 8));
  putString(block, 116, 8, octal(0, 8));
  putString(block, 124, 12, octal(options.size, 12));
  putString(block, 136, 12, octal(0, 12));
  putString(block, 148, 8, "        ");
  putString(block, 156, 1, options.type);
  if (options.link !== undefined) putString(block, 157, 100, options.link);
  putString(block, 257, 6, "ustar\0");
  putString(block, 263, 2, "00");
  let sum = 0;
  for (const b of block) sum += b;
  putString(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = encoder.encode(body).length;
  let total = length + String(length).length;
  // The length counts its own digits; one more pass settles it.
  if (String(total).length !== String(length).length) total = length + String(total).length;
  length = total;
  return `${length}${body}`;
}

function padded(data: Uint8Array): Uint8Array[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, new Uint8Array(BLOCK - rest)];
}

/** Builds a tar from entries (sorted here by path, so the caller's order never matters). */
export function buildTar(entries: readonly TarEntry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  // Sorted by path bytes: the archive must not depend on directory listing order.
  const sorted = [...entries].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  for (const entry of sorted) {
    const name = entry.kind === "dir" ? `${entry.path}/` : entry.path;
    const link = entry.kind === "symlink" ? entry.target : undefined;
    const pax: string[] = [];
    if (encoder.encode(name).length > 100 || !isAscii(name)) pax.push(paxRecord("path", name));
    if (link !== undefined && (encoder.encode(link).length > 100 || !isAscii(link))) {
      pax.push(paxRecord("linkpath", link));
    }
    if (pax.length > 0) {
      const data = encoder.encode(pax.join(""));
      chunks.push(header("PaxHeader", { mode: 0o644, size: data.length, type: "x" }));
      chunks.push(...padded(data));
    }
    const shortName = pax.length > 0 ? name.replace(/[^\x20-\x7e]/g, "_").slice(-100) : name;
    if (entry.kind === "dir") {
      chunks.push(header(shortName, { mode: 0o755, size: 0, type: "5" }));
    } else if (entry.kind === "symlink") {
      const shortLink = link !== undefined && (encoder.encode(link).length > 100 || !isAscii(link))
        ? ""
        : link ?? "";
      chunks.push(header(shortName, { mode: 0o777, size: 0, type: "2", link: shortLink }));
    } else {
      chunks.push(header(shortName, {
        mode: entry.executable ? 0o755 : 0o644,
        size: entry.data.length,
        type: "0",
      }));
      if (entry.data.length > 0) chunks.push(...padded(entry.data));
    }
  }
  chunks.push(new Uint8Array(BLOCK * 2));
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function patternToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          re += "(?:.*/)?";
        } else {
          re += ".*";
        }
      } else {
        re += "[^/]*";
      }
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) {
        re += "\\[";
      } else {
        let cls = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
        if (cls.startsWith("!") || cls.startsWith("^")) cls = "^" + cls.slice(1);
        re += `[${cls}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) {
      i++;
      re += pattern[i]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${re}$`);
}

function cleanPattern(raw: string): string {
  const parts: string[] = [];
  for (const part of raw.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

/**
 * A matcher for `.dockerignore` text: returns true when a context-relative path is excluded.
 * Later lines win; `!pattern` re-includes; a pattern that matches a directory excludes what is
 * inside it.
 */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules: { re: RegExp; negate: boolean }[] = [];
  for (const line of text.split(/\r?\n/)) {
    let p = line.trim();
    if (p === "" || p.startsWith("#")) continue;
    let negate = false;
    if (p.startsWith("!")) {
      negate = true;
      p = p.slice(1).trim();
    }
    p = cleanPattern(p);
    if (p === "") continue;
    rules.push({ re: patternToRegExp(p), negate });
  }
  return (path) => {
    let excluded = false;
    const parts = path.split("/");
    for (const rule of rules) {
      // A pattern matches the path itself or any of its parent directories.
      let hit = false;
      for (let n = parts.length; n >= 1 && !hit; n--) {
        hit = rule.re.test(parts.slice(0, n).join("/"));
      }
      if (hit) excluded = !rule.negate;
    }
    return excluded;
  };
}

/** Reads a build context directory into tar entries (the file-system edge). */
export function readContext(dir: string): { entries: TarEntry[]; error?: string } {
  let ignoreText = "";
  try {
    ignoreText = Deno.readTextFileSync(`${dir}/.dockerignore`);
  } catch {
    // No .dockerignore: nothing is excluded.
  }
  try {
    const info = Deno.statSync(dir);
    if (!info.isDirectory) return { entries: [], error: "it is not a directory" };
  } catch (error) {
    return {
      entries: [],
      error: error instanceof Deno.errors.NotFound
        ? "it does not exist"
        : error instanceof Error
        ? error.message
        : String(error),
    };
  }
  const ignored = dockerignoreMatcher(ignoreText);
  const alwaysSent = new Set(["Dockerfile", ".dockerignore"]);
  const entries: TarEntry[] = [];
  const walk = (rel: string): void => {
    const abs = rel === "" ? dir : `${dir}/${rel}`;
    // Sorted: directory listing order depends on the file system.
    const names = [...Deno.readDirSync(abs)].map((e) => e.name).sort();
    for (const name of names) {
      const path = rel === "" ? name : `${rel}/${name}`;
      const full = `${dir}/${path}`;
      const info = Deno.lstatSync(full);
      if (ignored(path) && !(rel === "" && alwaysSent.has(name))) {
        if (info.isDirectory) {
          // An exception pattern may re-include something inside; look, but keep only those.
          walkIgnored(path);
        }
        continue;
      }
      if (info.isSymlink) {
        entries.push({ kind: "symlink", path, target: Deno.readLinkSync(full) });
      } else if (info.isDirectory) {
        entries.push({ kind: "dir", path });
        walk(path);
      } else if (info.isFile) {
        entries.push({
          kind: "file",
          path,
          data: Deno.readFileSync(full),
          executable: ((info.mode ?? 0) & 0o111) !== 0,
        });
      }
    }
  };
  const walkIgnored = (rel: string): void => {
    const names = [...Deno.readDirSync(`${dir}/${rel}`)].map((e) => e.name).sort();
    for (const name of names) {
      const path = `${rel}/${name}`;
      const info = Deno.lstatSync(`${dir}/${path}`);
      if (info.isDirectory) {
        if (!ignored(path)) {
          entries.push({ kind: "dir", path });
          walk(path);
        } else {
          walkIgnored(path);
        }
      } else if (!ignored(path)) {
        if (info.isSymlink) {
          entries.push({ kind: "symlink", path, target: Deno.readLinkSync(`${dir}/${path}`) });
        } else if (info.isFile) {
          entries.push({
            kind: "file",
            path,
            data: Deno.readFileSync(`${dir}/${path}`),
            executable: ((info.mode ?? 0) & 0o111) !== 0,
          });
        }
      }
    }
  };
  try {
    walk("");
  } catch (error) {
    return { entries: [], error: error instanceof Error ? error.message : String(error) };
  }
  return { entries };
}

/** A file added to an archive, as written in a step (`STDIN archive` + `FILE`). */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/**
 * The key of an archive in the maps of tars and hashes: its context, plus its generated files
 * when it has any (two steps may send one context with different files). A plain context is its
 * own key, so the checksums of steps without generated files are what they always were.
 */
export function archiveKey(
  spec: { readonly context: string; readonly files?: readonly GeneratedFile[] },
): string {
  if (spec.files === undefined || spec.files.length === 0) return spec.context;
  const files = spec.files.map((f) => [f.path, f.content]);
  return `${spec.context}\u0000${JSON.stringify(files)}`;
}

/**
 * A context's entries plus generated files (mode 0644), with the directories they need. A
 * generated file never replaces what the context sends: when an entry already has its path, or a
 * file or link sits where one of its directories goes, the result is an error naming the path.
 * Pure.
 */
export function addGeneratedFiles(
  entries: readonly TarEntry[],
  files: readonly GeneratedFile[],
): { entries: TarEntry[]; conflict?: string } {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const out = [...entries];
  for (const file of files) {
    const parts = file.path.split("/");
    for (let n = 1; n < parts.length; n++) {
      const dir = parts.slice(0, n).join("/");
      const existing = byPath.get(dir);
      if (existing === undefined) {
        const entry: TarEntry = { kind: "dir", path: dir };
        byPath.set(dir, entry);
        out.push(entry);
      } else if (existing.kind !== "dir") {
        return {
          entries: [],
          conflict: `"${file.path}" needs the directory "${dir}", but the context has a ${
            existing.kind === "symlink" ? "symbolic link" : "file"
          } there`,
        };
      }
    }
    const existing = byPath.get(file.path);
    if (existing !== undefined) {
      return {
        entries: [],
        conflict: `the context already has ${
          existing.kind === "dir"
            ? "a directory"
            : existing.kind === "symlink"
            ? "a link"
            : "a file"
        } "${file.path}", which dokompose would replace with a generated one`,
      };
    }
    const entry: TarEntry = {
      kind: "file",
      path: file.path,
      data: encoder.encode(file.content),
      executable: false,
    };
    byPath.set(file.path, entry);
    out.push(entry);
  }
  return { entries: out };
}
