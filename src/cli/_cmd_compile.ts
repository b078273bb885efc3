/**
 * `dokompose compile` and `dokompose graph`.
 *
 * compile: load the compose files, compile them to a Dokkufile, print diagnostics on stderr and
 * write the result to stdout (`-o -`, the default) or to a file. A file is written atomically
 * (temporary file in the same directory, then rename): on any error nothing is written and an
 * existing output file is left untouched.
 */
import { dirname, relative, resolve } from "../path/mod.ts";
import type { CliIo } from "./_io.ts";
import { EXIT_FAILURE, EXIT_OK } from "./_io.ts";
import type { LoadOptions } from "./main.ts";
import type { Diagnostic } from "../diagnostics/mod.ts";
import { hasErrors, strict as strictDiagnostics } from "../diagnostics/mod.ts";
import { loadFromFlags, reportDiagnostics, writeOutputFile } from "./_project.ts";

export interface CompileCliOptions extends LoadOptions {
  output?: string;
  strict?: boolean;
  format: "dokkufile" | "json" | "stack";
}

export interface GraphCliOptions extends LoadOptions {
  format: "dot" | "mermaid" | "json";
}

/** `/`-separated relative path (the Dokkufile names contexts the same way on every OS). */
function posixRelative(from: string, to: string): string {
  const rel = relative(from, to);
  return rel === "" ? "." : rel;
}

export async function runCompile(opts: CompileCliOptions, io: CliIo): Promise<number> {
  const loaded = await loadFromFlags(opts, io);
  const strict = opts.strict === true;
  const diagnostics: Diagnostic[] = strict
    ? strictDiagnostics(loaded.diagnostics)
    : [...loaded.diagnostics];
  const project = loaded.project;
  if (project === undefined || hasErrors(diagnostics)) {
    reportDiagnostics(diagnostics, opts, io, loaded.sources);
    return EXIT_FAILURE;
  }

  const toFile = opts.output !== undefined && opts.output !== "-";
  const outPath = toFile ? resolve(io.cwd, opts.output ?? "") : undefined;
  // Build contexts are written relative to the Dokkufile's directory (stdout: the cwd).
  const artifactDir = posixRelative(
    project.projectDir,
    outPath === undefined ? io.cwd : dirname(outPath),
  );
  const { compileProject } = await import("../compiler/mod.ts");
  const compiled = await compileProject(project, { strict, artifactDir });
  diagnostics.push(...compiled.diagnostics);
  if (compiled.dokkufile === undefined || hasErrors(diagnostics)) {
    reportDiagnostics(diagnostics, opts, io, loaded.sources);
    return EXIT_FAILURE;
  }

  let text: string;
  if (opts.format === "stack") {
    const { stackToJson } = await import("../stack/mod.ts");
    text = compiled.stack === undefined ? "" : stackToJson(compiled.stack);
  } else {
    const { emitDokkufile, dokkufileToJson } = await import("../dokkufile/mod.ts");
    text = opts.format === "json"
      ? dokkufileToJson(compiled.dokkufile)
      : emitDokkufile(compiled.dokkufile);
  }

  if (outPath !== undefined) {
    const failure = writeOutputFile(opts.output ?? "", text, io);
    if (failure !== undefined) {
      diagnostics.push(failure);
      reportDiagnostics(diagnostics, opts, io, loaded.sources);
      return EXIT_FAILURE;
    }
  }
  reportDiagnostics(diagnostics, opts, io, loaded.sources);
  if (outPath === undefined) io.stdout(text);
  return EXIT_OK;
}

export async function runGraph(opts: GraphCliOptions, io: CliIo): Promise<number> {
  const loaded = await loadFromFlags(opts, io);
  const diagnostics = [...loaded.diagnostics];
  const project = loaded.project;
  if (project === undefined || hasErrors(diagnostics)) {
    reportDiagnostics(diagnostics, opts, io, loaded.sources);
    return EXIT_FAILURE;
  }
  const [{ transformToStack }, { renderGraph }] = await Promise.all([
    import("../stack/mod.ts"),
    import("../graph/mod.ts"),
  ]);
  const transformed = transformToStack(project);
  diagnostics.push(...transformed.diagnostics);
  reportDiagnostics(diagnostics, opts, io, loaded.sources);
  if (transformed.stack === undefined || hasErrors(diagnostics)) return EXIT_FAILURE;
  io.stdout(renderGraph(transformed.stack, opts.format));
  return EXIT_OK;
}
