/** Pure `/`-separated path helpers (the compiler never touches the file system). */

/** Splits a path into its normalized segments (`.` and empty segments dropped, `..` folded). */
function segments(path: string): string[] {
  const out: string[] = [];
  for (const part of path.replaceAll("\\", "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(part);
  }
  return out;
}

/**
 * The path of `target` relative to `from`; both are relative to one base directory (the
 * project), or both absolute. Returns undefined when `from` climbs above the base (leading `..`)
 * and the way back down cannot be known without the base's own name.
 */
export function relativePath(from: string, target: string): string | undefined {
  const a = segments(from);
  const b = segments(target);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const up = a.slice(common);
  if (up.includes("..")) return undefined;
  const rel = [...up.map(() => ".."), ...b.slice(common)].join("/");
  return rel === "" ? "." : rel;
}

/** Joins an absolute directory and a relative path (no normalization beyond `.`/`..`). */
export function joinPath(base: string, rel: string): string {
  const absolute = base.startsWith("/");
  const joined = segments(`${base}/${rel}`).join("/");
  return absolute ? `/${joined}` : joined;
}
