/**
 * File-system helpers shared by the two I/O edges (the CLI and the runtime). Importing it loads
 * nothing else.
 */

/**
 * True when `path` exists and is neither a regular file nor a directory: a device such as
 * `/dev/null`, or a FIFO. An atomic write (temporary file + rename) must never target one: the
 * rename would replace the device node with a regular file.
 */
export function isSpecialFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return !info.isFile && !info.isDirectory;
  } catch {
    return false;
  }
}

/**
 * `path` made absolute against the absolute directory `cwd`, with `.` and `..` resolved (POSIX
 * paths). Written here instead of using `node:path`, whose Node compatibility layer costs
 * start-up time on every `run`.
 */
export function resolvePath(cwd: string, path: string): string {
  if (path.startsWith("/")) return path;
  const parts = cwd.split("/").filter((p) => p !== "");
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}
