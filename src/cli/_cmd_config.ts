/**
 * `dokompose config` (print the canonical model) and `dokompose validate` (diagnostics only).
 *
 * Diagnostics go to stderr (text, or JSON with `--diagnostics json`); `config` prints the model on
 * stdout or writes it atomically with `-o` (a temporary file in the same directory, then a
 * rename), so an error never leaves a partial file. `validate --diagnostics json` prints the JSON
 * document on stdout, since it is that command's only output.
 */
import { basename, dirname, resolve } from "node:path";
import type { CliIo } from "./_io.ts";
import { EXIT_FAILURE, EXIT_OK } from "./_io.ts";
import type { LoadOptions } from "./main.ts";
import {
  diag,
  type Diagnostic,
  hasErrors,
  renderJson,
  renderText,
  strict as strictDiagnostics,
} from "../diagnostics/mod.ts";
import type { LoadResult } from "../compose/mod.ts";

async function load(opts: LoadOptions, io: CliIo): Promise<LoadResult> {
  const [{ loadProject }, { realFs }] = await Promise.all([
    import("../compose/mod.ts"),
    import("./_fs.ts"),
  ]);
  return loadProject({
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

function report(
  diagnostics: readonly Diagnostic[],
  opts: LoadOptions,
  io: CliIo,
  sources: ReadonlyMap<string, string>,
): void {
  if (diagnostics.length === 0) return;
  if (opts.diagnostics === "json") io.stderr(renderJson(diagnostics));
  else io.stderr(renderText(diagnostics, { sources, color: io.isTty }));
}

/** Writes `text` to `path` atomically; returns a diagnostic on failure. */
export function writeAtomic(path: string, text: string): Diagnostic | undefined {
  let temp: string | undefined;
  try {
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
    const reason = error instanceof Error ? error.message : String(error);
    return diag("DK0006", { file: `"${path}"`, reason });
  }
}

/** `dokompose config`: exit 0 with the model, 1 on errors. */
export async function runConfig(
  opts: LoadOptions & { format: "yaml" | "json"; output?: string },
  io: CliIo,
): Promise<number> {
  const result = await load(opts, io);
  report(result.diagnostics, opts, io, result.sources);
  if (result.project === undefined || hasErrors(result.diagnostics)) return EXIT_FAILURE;
  const { toCanonicalJson, toCanonicalYaml } = await import("../compose/mod.ts");
  const model = result.project.model;
  const text = opts.format === "json" ? toCanonicalJson(model) : toCanonicalYaml(model);
  if (opts.output === undefined || opts.output === "-") {
    io.stdout(text);
    return EXIT_OK;
  }
  const failure = writeAtomic(resolve(io.cwd, opts.output), text);
  if (failure !== undefined) {
    report([failure], opts, io, new Map());
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

/** `dokompose validate`: diagnostics only; exit 0 without errors (`--strict`: warnings too). */
export async function runValidate(
  opts: LoadOptions & { strict?: boolean },
  io: CliIo,
): Promise<number> {
  const result = await load(opts, io);
  const diagnostics = opts.strict === true
    ? strictDiagnostics(result.diagnostics)
    : result.diagnostics;
  if (opts.diagnostics === "json") io.stdout(renderJson(diagnostics));
  else report(diagnostics, opts, io, result.sources);
  return hasErrors(diagnostics) || result.project === undefined ? EXIT_FAILURE : EXIT_OK;
}
