/**
 * The real file system behind the loader's {@linkcode LoaderFs}: size-limited, UTF-8-checked
 * reads that report why a file cannot be used instead of throwing.
 */
import { DEFAULT_MAX_FILE_SIZE, type LoaderFs, type ReadResult } from "../compose/loader.ts";

export interface RealFsOptions {
  /** Largest file read, in bytes (default 10 MiB): checked before reading. */
  readonly maxFileSize?: number;
}

function errorText(error: unknown): string {
  return error instanceof Error
    ? error.message.replace(/^[A-Za-z]+: /, "").split(",")[0] ?? ""
    : String(error);
}

/** A {@linkcode LoaderFs} on the real file system. */
export function realFs(options: RealFsOptions = {}): LoaderFs {
  const limit = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  return {
    readFile(path: string): ReadResult {
      let info: Deno.FileInfo;
      try {
        info = Deno.statSync(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) {
          return { ok: false, reason: "not-found", detail: "no such file" };
        }
        if (error instanceof Deno.errors.PermissionDenied) {
          return { ok: false, reason: "unreadable", detail: "permission denied" };
        }
        return { ok: false, reason: "unreadable", detail: errorText(error) };
      }
      if (info.isDirectory) return { ok: false, reason: "is-directory", detail: "is a directory" };
      if (info.size > limit) return { ok: false, reason: "too-large", detail: String(info.size) };
      let bytes: Uint8Array;
      try {
        bytes = Deno.readFileSync(path);
      } catch (error) {
        if (error instanceof Deno.errors.PermissionDenied) {
          return { ok: false, reason: "unreadable", detail: "permission denied" };
        }
        return { ok: false, reason: "unreadable", detail: errorText(error) };
      }
      if (bytes.length > limit) {
        return { ok: false, reason: "too-large", detail: String(bytes.length) };
      }
      if (bytes.includes(0)) return { ok: false, reason: "binary", detail: "NUL bytes" };
      try {
        return { ok: true, text: decoder.decode(bytes) };
      } catch {
        return { ok: false, reason: "binary", detail: "invalid UTF-8" };
      }
    },
    exists(path: string): boolean {
      try {
        Deno.statSync(path);
        return true;
      } catch {
        return false;
      }
    },
    isDirectory(path: string): boolean {
      try {
        return Deno.statSync(path).isDirectory;
      } catch {
        return false;
      }
    },
  };
}
