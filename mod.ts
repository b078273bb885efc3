/**
 * dokompose: run a Docker Compose stack on a Dokku server.
 *
 * The library API. Every stage is a pure function over in-memory values; the CLI
 * (`src/cli/main.ts`) is the only place that touches the process.
 *
 * @module
 */
export * from "./src/diagnostics/mod.ts";
export type * from "./src/compose/types.ts";
export type * from "./src/dokkufile/types.ts";
export { DOKKUFILE_FORMAT } from "./src/dokkufile/types.ts";
export { VERSION } from "./src/version.ts";
