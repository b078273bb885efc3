/**
 * `dokompose compile` and `dokompose graph`.
 *
 * compile: load the compose files, compile them to a Dokkufile, print diagnostics on stderr and
 * write the result to stdout (`-o -`, the default) or to a file. A file is written atomically
 * (temporary file in the same directory, then rename): on any error nothing is written and an
 * existing output file is left untouched.
 */
import { basename, dirname, relative, resolve, sep } from "node:path";
import type { CliIo } from "./_io.ts";
import { EXIT_FAILURE, EXIT_OK } from "./_io.ts";
import type { LoadOptions } from "./main.ts";
import type { Diagnostic } from "../diagnostics/mod.ts";
import {
  diag,
  hasErrors,
  renderJson,
  renderText,
  strict as strictDiagnostics,
} from "../diagnostics/mod.ts";
import type { LoadedProject } from "../compose/types.ts";

export interface CompileCliOptions extends LoadOptions {
  output?: string;
  strict?: boolean;
  format: "dokkufile" | "json" | "stack";
}

export interface GraphCliOptions extends LoadOptions {
  format: "dot" | "mermaid" | "json";
}

interface Loaded {
  readonly project?: LoadedProject;
  readonly diagnostics: Diagnostic[];
  /** The text of every file read, keyed by `Span.file` (for source lines under diagnostics). */
  readonly sources: ReadonlyMap<string, string>;
}

/** Loads the project the way every compose command does (flags, env, real file system). */
async function load(opts: LoadOptions, io: CliIo): Promise<Loaded> {
  const [{ loadProject }, { realFs }] = await Promise.all([
    import("../compose/mod.ts"),
    import("./_fs.ts"),
  ]);
  const result = loadProject({
    cwd: io.cwd,
    env: io.env,
    fs: realFs(),
    ...(opts.file === undefined ? {} : { files: opts.file }),
    ...(opts.projectName === undefined ? {} : { projectName: opts.projectName }),
    ...(opts.projectDirectory === undefined ? {} : { projectDirectory: opts.projectDirectory }),
    ...(opts.profile === undefined ? {} : { profiles: opts.profile }),
    ...(opts.envFile === undefined ? {} : { envFiles: opts.envFile }),
  });
  return {
    ...(result.project === undefined ? {} : { project: result.project }),
    diagnostics: [...result.diagnostics],
    sources: result.sources,
  };
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

/** `/`-separated relative path (the Dokkufile names contexts the same way on every OS). */
function posixRelative(from: string, to: string): string {
  const rel = relative(from, to).split(sep).join("/");
  return rel === "" ? "." : rel;
}

/**
 * Writes `text` to `path` atomically: a temporary file in the same directory, then a rename,
 * so readers see the old file or the new one, never a partial write.
 */
async function writeAtomically(path: string, text: string): Promise<string | undefined> {
  const temp = resolve(
    dirname(path),
    `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
  try {
    await Deno.writeTextFile(temp, text, { createNew: true });
    await Deno.rename(temp, path);
    return undefined;
  } catch (error) {
    try {
      await Deno.remove(temp);
    } catch {
      // The temporary file was never created, or is already gone.
    }
    return writeFailure(error);
  }
}

/** A short reason for a failed write (Deno's messages repeat the temporary file's full path). */
function writeFailure(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "its directory does not exist";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (error instanceof Error) return error.message;
  return String(error);
}

export async function runCompile(opts: CompileCliOptions, io: CliIo): Promise<number> {
  const loaded = await load(opts, io);
  const strict = opts.strict === true;
  const diagnostics: Diagnostic[] = strict
    ? strictDiagnostics(loaded.diagnostics)
    : [...loaded.diagnostics];
  const project = loaded.project;
  if (project === undefined || hasErrors(diagnostics)) {
    report(diagnostics, opts, io, loaded.sources);
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
    report(diagnostics, opts, io, loaded.sources);
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
    const failure = await writeAtomically(outPath, text);
    if (failure !== undefined) {
      diagnostics.push(diag("DK0006", { file: opts.output ?? "", reason: failure }));
      report(diagnostics, opts, io, loaded.sources);
      return EXIT_FAILURE;
    }
  }
  report(diagnostics, opts, io, loaded.sources);
  if (outPath === undefined) io.stdout(text);
  return EXIT_OK;
}

export async function runGraph(opts: GraphCliOptions, io: CliIo): Promise<number> {
  const loaded = await load(opts, io);
  const diagnostics = [...loaded.diagnostics];
  const project = loaded.project;
  if (project === undefined || hasErrors(diagnostics)) {
    report(diagnostics, opts, io, loaded.sources);
    return EXIT_FAILURE;
  }
  const [{ transformToStack }, { renderGraph }] = await Promise.all([
    import("../stack/mod.ts"),
    import("../graph/mod.ts"),
  ]);
  const transformed = transformToStack(project);
  diagnostics.push(...transformed.diagnostics);
  report(diagnostics, opts, io, loaded.sources);
  if (transformed.stack === undefined || hasErrors(diagnostics)) return EXIT_FAILURE;
  io.stdout(renderGraph(transformed.stack, opts.format));
  return EXIT_OK;
}
