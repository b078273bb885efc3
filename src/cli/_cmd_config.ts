/**
 * `dokompose config` (print the canonical model) and `dokompose validate` (diagnostics only).
 *
 * Diagnostics go to stderr (text, or JSON with `--diagnostics json`); `config` prints the model on
 * stdout or writes it atomically with `-o` (a temporary file in the same directory, then a
 * rename), so an error never leaves a partial file. `validate --diagnostics json` prints the JSON
 * document on stdout, since it is that command's only output.
 */
import type { CliIo } from "./_io.ts";
import { EXIT_FAILURE, EXIT_OK } from "./_io.ts";
import type { LoadOptions } from "./main.ts";
import { hasErrors, renderJson, strict as strictDiagnostics } from "../diagnostics/mod.ts";
import { loadFromFlags, reportDiagnostics, writeOutputFile } from "./_project.ts";

/** `dokompose config`: exit 0 with the model, 1 on errors. */
export async function runConfig(
  opts: LoadOptions & { format: "yaml" | "json"; output?: string },
  io: CliIo,
): Promise<number> {
  const result = await loadFromFlags(opts, io);
  reportDiagnostics(result.diagnostics, opts, io, result.sources);
  if (result.project === undefined || hasErrors(result.diagnostics)) return EXIT_FAILURE;
  const { toCanonicalJson, toCanonicalYaml } = await import("../compose/mod.ts");
  const model = result.project.model;
  const text = opts.format === "json" ? toCanonicalJson(model) : toCanonicalYaml(model);
  if (opts.output === undefined || opts.output === "-") {
    io.stdout(text);
    return EXIT_OK;
  }
  const failure = writeOutputFile(opts.output, text, io);
  if (failure !== undefined) {
    reportDiagnostics([failure], opts, io, new Map());
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

/** `dokompose validate`: diagnostics only; exit 0 without errors (`--strict`: warnings too). */
export async function runValidate(
  opts: LoadOptions & { strict?: boolean },
  io: CliIo,
): Promise<number> {
  const result = await loadFromFlags(opts, io);
  const diagnostics = opts.strict === true
    ? strictDiagnostics(result.diagnostics)
    : result.diagnostics;
  if (opts.diagnostics === "json") io.stdout(renderJson(diagnostics));
  else reportDiagnostics(diagnostics, opts, io, result.sources);
  return hasErrors(diagnostics) || result.project === undefined ? EXIT_FAILURE : EXIT_OK;
}
