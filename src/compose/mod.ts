/**
 * The compose loader: compose files in, the canonical model out.
 *
 * {@linkcode loadProject} runs the pipeline of `../shared/compose-conformance/RULES.md` section 1
 * (stage A: project environment; stage B: per file parse, interpolate, validate, canonicalize,
 * include, `!reset`/`!override`, extends, merge; stage C: defaults, checks, profiles, container
 * environment). All I/O goes through the injected {@linkcode LoaderFs}; the loader never reads
 * the real environment, prints or throws for bad input.
 *
 * @module
 */
import type { LoadOptions } from "./_context.ts";
import { loadProjectWith, type LoadResult } from "./_load.ts";
import { validateComposeShape } from "./schema.ts";
import { parseYaml } from "../source/mod.ts";

export type { LoadResult } from "./_load.ts";
export { loadProjectAsync } from "./loader.ts";
export type { LoaderFs, LoadOptions, ReadFailure, ReadResult } from "./_context.ts";
export { DEFAULT_MAX_FILE_SIZE } from "./_context.ts";
export { sortKeysDeep, toCanonicalJson, toCanonicalYaml } from "./_json.ts";
export type * from "./types.ts";

/**
 * Loads compose files into the canonical model (RULES.md section 1, steps 1-25). Never throws for
 * bad input: problems are located diagnostics, and `project` is absent when there is an error.
 * (The CLI uses {@linkcode loadProjectAsync}, which loads `yaml` and zod only for files that
 * need them.)
 */
export function loadProject(options: LoadOptions): LoadResult {
  const result = loadProjectWith(options, { parse: parseYaml, validate: validateComposeShape });
  if (result === undefined) throw new Error("bug: the full parser and model always decide");
  return result;
}
