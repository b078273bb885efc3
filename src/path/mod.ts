/**
 * POSIX path arithmetic as pure string functions: the subset of `node:path`'s `posix` the loader,
 * the compiler and the CLI use, with the same results (`test/path_test.ts` compares them on
 * thousands of generated paths).
 *
 * Why not `node:path`: importing any Node built-in makes Deno initialise its Node compatibility
 * layer when the program loads (~8-10 ms, see `bench/out/results.md`), which every command paid
 * before it read a single file. These functions are a few lines each and load nothing.
 *
 * Paths always use `/`. {@linkcode resolve} is the one function that may consult the process: when
 * its segments do not make an absolute path, it resolves against `Deno.cwd()`, as `node:path`
 * resolves against `process.cwd()`; callers that know their base directory pass it first.
 *
 * @module
 */

/** The path separator. */
export const SEP = "/";

/** Whether `path` is absolute (starts with `/`). */
export function isAbsolute(path: string): boolean {
  return path.startsWith("/");
}

/**
 * The segments of `path` with `.` and empty segments dropped and `..` applied. A `..` that would
 * climb above the start is kept when the path is relative and dropped when it is absolute (there
 * is nothing above `/`).
 */
function normalizeSegments(path: string, absolute: boolean): string[] {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(segment);
  }
  return out;
}

/**
 * `path` without `.` segments, repeated slashes and resolvable `..` segments. Keeps a trailing
 * slash; an empty path normalizes to `.`.
 */
export function normalize(path: string): string {
  if (path === "") return ".";
  const absolute = isAbsolute(path);
  const body = normalizeSegments(path, absolute).join("/");
  const trailing = path.endsWith("/") ? "/" : "";
  if (absolute) return body === "" ? "/" : `/${body}${trailing}`;
  return `${body === "" ? "." : body}${trailing}`;
}

/** The segments joined with `/` and normalized; empty segments are skipped, no segments give `.`. */
export function join(...segments: string[]): string {
  const joined = segments.filter((s) => s !== "").join("/");
  return joined === "" ? "." : normalize(joined);
}

/**
 * The absolute path the segments name, processed right to left until one is absolute (like `cd`
 * into each in turn); relative to `Deno.cwd()` when none is. Normalized, with no trailing slash.
 */
export function resolve(...segments: string[]): string {
  let resolved = "";
  for (let i = segments.length - 1; i >= 0 && !isAbsolute(resolved); i--) {
    const segment = segments[i] as string;
    if (segment === "") continue;
    resolved = resolved === "" ? segment : `${segment}/${resolved}`;
  }
  if (!isAbsolute(resolved)) resolved = `${Deno.cwd()}/${resolved}`;
  return `/${normalizeSegments(resolved, true).join("/")}`;
}

/**
 * The directory part of `path`: everything before its last segment, without the slash in between
 * (`.` when it has none, `/` for the root); trailing slashes are ignored. Like `node:path`, other
 * slashes are left as they are, and a leading `//` is kept (POSIX leaves its meaning open).
 */
export function dirname(path: string): string {
  if (path === "") return ".";
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  const slash = path.lastIndexOf("/", end - 1);
  if (slash < 0) return ".";
  if (slash === 0) return "/";
  if (slash === 1 && path[0] === "/") return "//";
  return path.slice(0, slash);
}

/** The last segment of `path`, trailing slashes ignored (`""` for the root). */
export function basename(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === "/") end--;
  return path.slice(path.lastIndexOf("/", end - 1) + 1, end);
}

/**
 * The relative path from `from` to `to` (both resolved first), `""` when they are the same, e.g.
 * `relative("/a/b", "/a/c/d")` is `../c/d`.
 */
export function relative(from: string, to: string): string {
  const source = normalizeSegments(resolve(from), true);
  const target = normalizeSegments(resolve(to), true);
  let common = 0;
  while (
    common < source.length && common < target.length && source[common] === target[common]
  ) common++;
  const up: string[] = new Array(source.length - common).fill("..");
  return [...up, ...target.slice(common)].join("/");
}
