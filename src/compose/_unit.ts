/** One YAML document of one compose file, as it moves through stage B. */
import type { Span } from "../diagnostics/mod.ts";
import type { TaggedPath } from "../source/plain.ts";
import type { Obj } from "./_util.ts";

export interface Unit {
  /** Absolute path of the file. */
  readonly abs: string;
  /** Project-relative path (spans and messages). */
  readonly rel: string;
  /** Directory relative paths in this file resolve against. */
  readonly baseDir: string;
  /** The tree: interpolated, validated and canonicalized (then includes and extends applied). */
  tree: Obj;
  /** Spans keyed by `pathKey`. */
  readonly spans: Map<string, Span>;
  readonly tags: readonly TaggedPath[];
}
