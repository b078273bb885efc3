/**
 * Run state: which steps are applied on a target, with the checksum they were applied with.
 * Versioned JSON, one file per target and project, rewritten atomically after every step, plus a
 * lock file so two runs never work on the same target and project at once.
 *
 * State is advisory (ninja's build log): a missing, corrupt, truncated or future-version file
 * means "start over" (one warning, a full guarded run), never a crash.
 */
import { diag, type Diagnostic } from "../diagnostics/mod.ts";

export const STATE_VERSION = 1;

/** What is recorded for one applied step. */
export interface StepRecord {
  /** The full checksum (own content + needs) the step was applied with. */
  readonly checksum: string;
  /** The checksum of the step's own content, to tell `changed` from `upstream changed`. */
  readonly own?: string;
  /**
   * True when this step's commands ran (it created or changed something); false when its guard
   * found the thing already present, so nothing may ever undo it.
   */
  readonly created: boolean;
  /** When the step was applied (ISO 8601; state only, never in artifacts). */
  readonly appliedAt?: string;
}

/** The state file's content. */
export interface RunState {
  readonly version: typeof STATE_VERSION;
  readonly target: string;
  readonly project: string;
  readonly steps: Readonly<Record<string, StepRecord>>;
}

/** An empty state for a target and project. */
export function emptyState(target: string, project: string): RunState {
  return { version: STATE_VERSION, target, project, steps: {} };
}

/** The result of reading a state file: a usable state, plus a warning when it was reset. */
export interface LoadedState {
  readonly state: RunState;
  /** True when an existing file could not be used and the run starts over. */
  readonly reset: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses a state file's text. Never throws: anything unusable gives an empty state, `reset` and a
 * warning naming the file and the reason.
 */
export function parseState(
  text: string | undefined,
  options: { file: string; target: string; project: string },
): LoadedState {
  const fresh = emptyState(options.target, options.project);
  if (text === undefined) return { state: fresh, reset: false, diagnostics: [] };
  const bad = (reason: string): LoadedState => ({
    state: fresh,
    reset: true,
    diagnostics: [diag("DK5002", { file: options.file, reason })],
  });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const reason = text.trim() === ""
      ? "it is empty"
      : `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
    return bad(reason);
  }
  if (!isRecord(doc)) return bad("it is not a JSON object");
  const version = doc["version"];
  if (typeof version === "number" && version > STATE_VERSION) {
    return {
      state: fresh,
      reset: true,
      diagnostics: [
        diag("DK5003", { file: options.file, version, supported: STATE_VERSION }),
      ],
    };
  }
  if (version !== STATE_VERSION) return bad(`its "version" is ${JSON.stringify(version)}`);
  if (doc["target"] !== options.target || doc["project"] !== options.project) {
    return {
      state: fresh,
      reset: true,
      diagnostics: [
        diag("DK5014", {
          file: options.file,
          target: String(doc["target"]),
          project: String(doc["project"]),
          expectedTarget: options.target,
          expectedProject: options.project,
        }),
      ],
    };
  }
  const steps = doc["steps"];
  if (!isRecord(steps)) return bad(`its "steps" is not an object`);
  const out: Record<string, StepRecord> = {};
  for (const [id, raw] of Object.entries(steps)) {
    if (
      !isRecord(raw) || typeof raw["checksum"] !== "string" || typeof raw["created"] !== "boolean"
    ) {
      return bad(`the record of step "${id}" is malformed`);
    }
    const record: { -readonly [K in keyof StepRecord]: StepRecord[K] } = {
      checksum: raw["checksum"],
      created: raw["created"],
    };
    if (typeof raw["own"] === "string") record.own = raw["own"];
    if (typeof raw["appliedAt"] === "string") record.appliedAt = raw["appliedAt"];
    out[id] = record;
  }
  return {
    state: { version: STATE_VERSION, target: options.target, project: options.project, steps: out },
    reset: false,
    diagnostics: [],
  };
}

/** Serializes state: pretty JSON, steps sorted by id (stable diffs), newline-terminated. */
export function serializeState(state: RunState): string {
  const steps: Record<string, StepRecord> = {};
  // Sorted: record order follows completion order, which depends on timing.
  for (const id of Object.keys(state.steps).sort()) {
    const r = state.steps[id];
    if (r === undefined) continue;
    steps[id] = {
      checksum: r.checksum,
      ...(r.own === undefined ? {} : { own: r.own }),
      created: r.created,
      ...(r.appliedAt === undefined ? {} : { appliedAt: r.appliedAt }),
    };
  }
  const doc = { version: state.version, target: state.target, project: state.project, steps };
  return JSON.stringify(doc, null, 2) + "\n";
}

/** Turns any string into a file-name-safe part (`[A-Za-z0-9._-]`, never empty or dot-only). */
export function sanitizeFilePart(value: string): string {
  const out = value.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "");
  return out === "" ? "_" : out;
}

/**
 * The default state file: `$XDG_STATE_HOME/dokompose/<target>__<project>.json`, else
 * `$HOME/.local/state/dokompose/...`. Undefined when neither variable is set.
 */
export function defaultStatePath(
  env: Readonly<Record<string, string>>,
  key: { target: string; project: string },
): string | undefined {
  const xdg = env["XDG_STATE_HOME"];
  const home = env["HOME"];
  const base = xdg !== undefined && xdg.startsWith("/")
    ? xdg
    : home !== undefined && home !== ""
    ? `${home.replace(/\/+$/, "")}/.local/state`
    : undefined;
  if (base === undefined) return undefined;
  const name = `${sanitizeFilePart(key.target)}__${sanitizeFilePart(key.project)}.json`;
  return `${base.replace(/\/+$/, "")}/dokompose/${name}`;
}
