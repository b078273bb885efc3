/**
 * The run stamp: how a rerun of an unchanged Dokkufile knows it has nothing to do without parsing
 * and planning it (what keeps a no-op `dokompose run` close to Deno's start-up time; ninja skips
 * an up-to-date build the same way, from its log, before looking at any rule). It is a small file
 * next to the state file, `<state file>.stamp`.
 *
 * Why it is exact: a plan is a pure function of the Dokkufile's text, the hashes of the secrets it
 * reads, the hashes of the build contexts it sends, the recorded state and the `--force-step`
 * option. The stamp is written at the end of a run that ended `ok` with no diagnostic at all and
 * every step recorded as applied with its checksum. Its value hashes the target and project, the
 * Dokkufile's text, the secrets' and archives' hashes and the state file's bytes as they were
 * then. A later run whose inputs give the same value (the state file unchanged byte for byte, so
 * no other run wrote it since), with no `--force-step`, would plan every step `unchanged`, run
 * zero commands and report no diagnostic; the stamp holds what that run prints. Nothing has to
 * delete a stamp: any write of the state file makes it stale.
 *
 * The value also covers dokompose's version (a new version may checksum steps differently: its
 * first run plans in full).
 */
import { VERSION } from "../version.ts";
import { type ArchiveSpec, sha256Async } from "./_checksum.ts";
import { isRecord } from "./_state.ts";

/** What a stamp file holds. */
export interface RunStamp {
  /** {@linkcode runStampValue} of the run that wrote it. */
  readonly value: string;
  /** The secret names the Dokkufile declares (their hashes are part of `value`). */
  readonly secrets: readonly string[];
  /** The build contexts the Dokkufile sends (their archives' hashes are part of `value`). */
  readonly archives: readonly ArchiveSpec[];
  /** How many steps the Dokkufile has (all recorded as applied). */
  readonly steps: number;
  /** The apps whose deploy the run checks, as the run summary lists them. */
  readonly apps: readonly string[];
}

/** What a stamp value is computed from. */
export interface StampInputs {
  /** The state file's key. */
  readonly target: string;
  readonly project: string;
  /** The Dokkufile's text, exactly as read. */
  readonly text: string;
  /** Every secret name the Dokkufile declares; a name without a hash is hashed as `missing`. */
  readonly secrets: readonly string[];
  readonly secretHashes: ReadonlyMap<string, string>;
  /** Hash of each build-context archive, by its `archiveKey` (src/runtime/_archive.ts). */
  readonly archiveHashes: ReadonlyMap<string, string>;
  /** The state file's bytes, exactly as on disk (empty when there is none). */
  readonly state: Uint8Array;
}

/** The stamp value of a run's inputs (see the module documentation). */
export async function runStampValue(inputs: StampInputs): Promise<string> {
  // Sorted: declaration order is text, already covered; the pairs only add the values.
  const secrets = [...inputs.secrets].sort().map((n) =>
    `${n}\0${inputs.secretHashes.get(n) ?? "missing"}`
  );
  // Sorted: map order follows the order the contexts were read in.
  const archives = [...inputs.archiveHashes.keys()].sort().map((k) =>
    `${k}\0${inputs.archiveHashes.get(k)}`
  );
  const head = [
    "dokompose-run-stamp",
    VERSION,
    inputs.target,
    inputs.project,
    secrets.join("\0"),
    archives.join("\0"),
    // The state's length: its bytes and the text that follows cannot shift into each other.
    String(inputs.state.length),
  ].join("\0\0");
  const encoder = new TextEncoder();
  const before = encoder.encode(`${head}\0\0`);
  const after = encoder.encode(`\0\0${inputs.text}`);
  const body = new Uint8Array(before.length + inputs.state.length + after.length);
  body.set(before);
  body.set(inputs.state, before.length);
  body.set(after, before.length + inputs.state.length);
  return await sha256Async(body);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

function isArchiveSpec(value: unknown): value is ArchiveSpec {
  if (!isRecord(value) || value["kind"] !== "archive" || typeof value["context"] !== "string") {
    return false;
  }
  const files = value["files"];
  return files === undefined ||
    (Array.isArray(files) &&
      files.every((f) =>
        isRecord(f) && typeof f["path"] === "string" && typeof f["content"] === "string"
      ));
}

/**
 * A stamp file's content, or undefined when it is not a well-formed stamp (a missing or broken
 * stamp only means a full plan).
 */
export function parseStamp(text: string): RunStamp | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (
    !isRecord(raw) || raw["version"] !== 1 || typeof raw["value"] !== "string" ||
    !isStringList(raw["secrets"]) || !Array.isArray(raw["archives"]) ||
    !raw["archives"].every(isArchiveSpec) || !Number.isSafeInteger(raw["steps"]) ||
    !isStringList(raw["apps"])
  ) return undefined;
  return {
    value: raw["value"],
    secrets: raw["secrets"],
    archives: raw["archives"],
    steps: raw["steps"] as number,
    apps: raw["apps"],
  };
}

/** A stamp file's text: versioned JSON, newline-terminated. */
export function serializeStamp(stamp: RunStamp): string {
  const doc = {
    version: 1,
    value: stamp.value,
    secrets: stamp.secrets,
    archives: stamp.archives,
    steps: stamp.steps,
    apps: stamp.apps,
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

/**
 * The project a Dokkufile names, read without parsing it (to find the default state file before
 * deciding whether to parse): the first `PROJECT <name>` line of the text format, or the `project`
 * of the JSON form. Undefined when not found.
 *
 * A wrong answer cannot make a rerun skip work: the stamp value covers the project, and a stamp
 * is only written by a run that parsed the text and used its real project.
 */
export function peekProject(text: string): string | undefined {
  if (/^\s*\{/.test(text)) {
    try {
      const doc: unknown = JSON.parse(text);
      const project = isRecord(doc) ? doc["project"] : undefined;
      return typeof project === "string" ? project : undefined;
    } catch {
      return undefined;
    }
  }
  return /^PROJECT ([a-z0-9][a-z0-9_-]*)[ \t]*\r?$/m.exec(text)?.[1];
}
