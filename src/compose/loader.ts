/**
 * The compose loader for one-shot processes (the CLI): {@linkcode loadProjectAsync} gives the
 * same result as `loadProject` in `mod.ts`, but loads the `yaml` package and the zod model of the
 * compose format only when a file needs them. Most files are plain YAML (`source/plain.ts`) and
 * plainly valid (`isPlainlyValid` in `_plain.ts`): reading and checking them needs neither, and
 * in a cold process initialising and running those libraries costs more than the rest of the
 * load. Otherwise the load starts again with the zod model (plain YAML that uses other keys), and
 * then with the `yaml` package too (anything else); the same files each time (reads are
 * remembered), so results never depend on the path taken.
 *
 * This module and everything it imports are free of zod and `yaml`; `mod.ts` is not (its
 * synchronous `loadProject` uses both directly).
 *
 * @module
 */
import { loadProjectWith, type LoadResult, type LoadStrategy } from "./_load.ts";
import type { LoaderFs, LoadOptions, ReadResult } from "./_context.ts";
import { isPlainlyValid } from "./_plain.ts";
import { parsePlainYaml } from "../source/plain.ts";

export type { LoadResult } from "./_load.ts";
export type { LoaderFs, LoadOptions, ReadFailure, ReadResult } from "./_context.ts";
export { DEFAULT_MAX_FILE_SIZE } from "./_context.ts";

/** Parses plain YAML only, and answers only for plainly valid trees (no issues). */
const PLAIN_ONLY: LoadStrategy = {
  parse: parsePlainYaml,
  validate: (tree) => isPlainlyValid(tree) ? [] : undefined,
};

/** `fs` with every answer remembered, so a retried load sees the very same files. */
function remembering(fs: LoaderFs): LoaderFs {
  const reads = new Map<string, ReadResult>();
  const exists = new Map<string, boolean>();
  const dirs = new Map<string, boolean>();
  const isDirectory = fs.isDirectory?.bind(fs);
  const once = <T>(cache: Map<string, T>, path: string, get: (p: string) => T): T => {
    if (cache.has(path)) return cache.get(path) as T;
    const value = get(path);
    cache.set(path, value);
    return value;
  };
  return {
    readFile: (path) => once(reads, path, (p) => fs.readFile(p)),
    exists: (path) => once(exists, path, (p) => fs.exists(p)),
    ...(isDirectory === undefined
      ? {}
      : { isDirectory: (path: string) => once(dirs, path, isDirectory) }),
  };
}

/**
 * Loads compose files into the canonical model, like `loadProject` (same project, diagnostics,
 * sources and inputs), importing the `yaml` package and the zod model only when some file is not
 * plain YAML or some document is not plainly valid.
 */
export async function loadProjectAsync(options: LoadOptions): Promise<LoadResult> {
  const fs = remembering(options.fs);
  const fast = loadProjectWith({ ...options, fs }, PLAIN_ONLY);
  if (fast !== undefined) return fast;
  // Plain YAML that is not plainly valid (most keys are not in the quick check): the zod model
  // decides, on the same trees the yaml package would give (the plain reader gives those or
  // nothing), so only files the plain reader cannot read pay for the yaml package.
  const { validateComposeShape } = await import("./schema.ts");
  const checked = loadProjectWith({ ...options, fs }, {
    parse: parsePlainYaml,
    validate: validateComposeShape,
  });
  if (checked !== undefined) return checked;
  // parseYaml still reads plain files with the plain reader (faster than the yaml package, same
  // trees); on the files that sent us here it gives up within the first lines it cannot read.
  const { parseYaml } = await import("../source/mod.ts");
  const full = loadProjectWith({ ...options, fs }, {
    parse: parseYaml,
    validate: validateComposeShape,
  });
  if (full === undefined) throw new Error("bug: the full parser and model always decide");
  return full;
}
