/**
 * File-system helpers shared by the two I/O edges (the CLI and the runtime). Importing it loads
 * nothing else. (Path arithmetic is in `src/path`.)
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
