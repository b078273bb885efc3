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
export { loadProject } from "./_load.ts";
export type { LoadResult } from "./_load.ts";
export type { LoaderFs, LoadOptions, ReadFailure, ReadResult } from "./_context.ts";
export { DEFAULT_MAX_FILE_SIZE } from "./_context.ts";
export { sortKeysDeep, toCanonicalJson, toCanonicalYaml } from "./_json.ts";
export type * from "./types.ts";
