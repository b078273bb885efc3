/**
 * What every command that reads compose files shares: loading the project from the command-line
 * flags, printing diagnostics, and writing an output file atomically.
 */
import { basename, dirname, resolve } from "../path/mod.ts";
import type { CliIo } from "./_io.ts";
import type { LoadOptions } from "./main.ts";
import { diag, type Diagnostic, renderJson, renderText } from "../diagnostics/mod.ts";
import { isSpecialFile } from "../runtime/files.ts";
import type { LoadResult } from "../compose/loader.ts";

/** Loads the project the way every compose command does (flags, env, real file system). */
export async function loadFromFlags(opts: LoadOptions, io: CliIo): Promise<LoadResult> {
  // Imported here, not at the top: `--help`, `run` and `plan` never pay for the loader. The
  // loader's own entry, not compose/mod.ts: it loads zod only for files that need the model.
  const [{ loadProjectAsync }, { realFs }] = await Promise.all([
    import("../compose/loader.ts"),
    import("./_fs.ts"),
  ]);
  return await loadProjectAsync({
    cwd: io.cwd,
    env: io.env,
    fs: realFs(),
    ...(opts.file === undefined ? {} : { files: opts.file }),
    ...(opts.projectName === undefined ? {} : { projectName: opts.projectName }),
    ...(opts.projectDirectory === undefined ? {} : { projectDirectory: opts.projectDirectory }),
    ...(opts.profile === undefined ? {} : { profiles: opts.profile }),
    ...(opts.envFile === undefined ? {} : { envFiles: opts.envFile }),
  });
}

/** Prints diagnostics on stderr: text with source lines and carets, or one JSON document. */
export function reportDiagnostics(
  diagnostics: readonly Diagnostic[],
  opts: Pick<LoadOptions, "diagnostics">,
  io: CliIo,
  sources: ReadonlyMap<string, string>,
): void {
  if (diagnostics.length === 0) return;
  if (opts.diagnostics === "json") io.stderr(renderJson(diagnostics));
  else io.stderr(renderText(diagnostics, { sources, color: io.isTty }));
}

/** A short reason for a failed write (Deno's messages repeat the temporary file's full path). */
function writeFailure(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "its directory does not exist";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Writes `text` to `given` (resolved against the working directory) atomically: a temporary file
 * in the same directory, then a rename, so readers see the old file or the new one, never a
 * partial write. A device or FIFO (`-o /dev/null`) is written into directly. Returns a DK0006
 * diagnostic on failure, after removing the temporary file.
 */
export function writeOutputFile(given: string, text: string, io: CliIo): Diagnostic | undefined {
  const path = resolve(io.cwd, given);
  let temp: string | undefined;
  try {
    if (isSpecialFile(path)) {
      // `-o /dev/null` or a FIFO: renaming over it would replace the device node with a regular
      // file, so write into it directly (there is no partial file to protect).
      Deno.writeTextFileSync(path, text);
      return undefined;
    }
    temp = Deno.makeTempFileSync({
      dir: dirname(path),
      prefix: `.${basename(path)}.`,
      suffix: ".tmp",
    });
    Deno.writeTextFileSync(temp, text);
    Deno.renameSync(temp, path);
    return undefined;
  } catch (error) {
    if (temp !== undefined) {
      try {
        Deno.removeSync(temp);
      } catch {
        // The temporary file is gone already.
      }
    }
    return diag("DK0006", { file: `"${given}"`, reason: writeFailure(error) });
  }
}
