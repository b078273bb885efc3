/**
 * The run stamp: how a rerun of an unchanged Dokkufile knows it has nothing to do without parsing
 * and planning it (what keeps a no-op `dokompose run` close to Deno's start-up time; ninja skips
 * an up-to-date build the same way, from its log, before looking at any rule).
 *
 * Why it is exact: a plan is a pure function of the Dokkufile's text, the hashes of the secrets it
 * reads, the hashes of the build contexts it sends, the recorded state and the `--force-step`
 * option. The stamp is written at the end of a run that ended `ok` with no diagnostic at all, so
 * every step is recorded as applied with the checksum it has for exactly that text, those
 * secrets and those build contexts; any later state write drops it. A rerun whose text, secret
 * hashes and archive hashes (the contexts are read and tarred again: a source change is seen)
 * give the same value, against that state, with no `--force-step`, would plan every step
 * `unchanged`, run zero commands and report no diagnostic; the stamp holds what that run prints.
 *
 * The value also covers dokompose's version (a new version may checksum steps differently: its
 * first run plans in full), the state format version, and the state's step records as written
 * (a state file edited by hand, or by anything else, no longer matches).
 */
import { VERSION } from "../version.ts";
import { sha256Async } from "./_checksum.ts";
import { type RunState, serializeState, STATE_VERSION } from "./_state.ts";

/** What a stamp value is computed from. */
export interface StampInputs {
  /** The Dokkufile's text, exactly as read. */
  readonly text: string;
  /** Every secret name the Dokkufile declares; a name without a hash is hashed as `missing`. */
  readonly secrets: readonly string[];
  readonly secretHashes: ReadonlyMap<string, string>;
  /** Hash of each build-context archive, by its `archiveKey` (src/runtime/_archive.ts). */
  readonly archiveHashes: ReadonlyMap<string, string>;
  /** The state without its stamp, as {@linkcode serializeState} writes it. */
  readonly state: RunState;
}

/** The stamp value of a Dokkufile text, its secrets' hashes and the state it was applied to. */
export async function runStampValue(inputs: StampInputs): Promise<string> {
  // Sorted: declaration order is text, already covered; the pairs only add the values.
  const pairs = [...inputs.secrets].sort().map((n) =>
    `${n}\0${inputs.secretHashes.get(n) ?? "missing"}`
  );
  // Sorted: map order follows the order the contexts were read in.
  const archives = [...inputs.archiveHashes.keys()].sort().map((k) =>
    `${k}\0${inputs.archiveHashes.get(k)}`
  );
  const { stamp: _stamp, ...records } = inputs.state;
  const head = `dokompose-run-stamp\0${VERSION}\0${STATE_VERSION}\0${pairs.join("\0")}\0\0` +
    `${archives.join("\0")}\0\0`;
  const body = `${serializeState(records)}\0${inputs.text}`;
  return await sha256Async(new TextEncoder().encode(head + body));
}

/**
 * The project a Dokkufile names, read without parsing it (to find the default state file before
 * deciding whether to parse): the first `PROJECT <name>` line of the text format, or the `project`
 * of the JSON form. Undefined when not found.
 *
 * A wrong answer cannot make a rerun skip work: the state file found through it only matches when
 * it holds a stamp of this exact text, written by a run that parsed it and used its real project.
 */
export function peekProject(text: string): string | undefined {
  if (/^\s*\{/.test(text)) {
    try {
      const doc: unknown = JSON.parse(text);
      const project = typeof doc === "object" && doc !== null
        ? (doc as Record<string, unknown>)["project"]
        : undefined;
      return typeof project === "string" ? project : undefined;
    } catch {
      return undefined;
    }
  }
  return /^PROJECT ([a-z0-9][a-z0-9_-]*)[ \t]*\r?$/m.exec(text)?.[1];
}
