/**
 * Run events: what the executor reports while it works. The text/TTY progress and the
 * `--log-format json` stream are both views of this one stream. JSON lines carry `"v": 1`;
 * fields are only ever added (a consumer ignores unknown fields and events).
 */

/** Where a command ran within a step. */
export type CommandPhase = "guard" | "capture" | "run" | "then" | "verify" | "undo" | "restore";

/** Per-service status after verification. */
export interface ServiceStatus {
  readonly app: string;
  readonly step: string;
  /** `rolled back`: it was deployed in this run, then the run failed and was rolled back. */
  readonly status: "running" | "not running" | "unchanged" | "rolled back";
  /** Process type -> "running/expected". */
  readonly processes: Readonly<Record<string, string>>;
}

/** One event. Output text is already redacted. */
export type RunEvent =
  | {
    readonly event: "run.start";
    readonly project: string;
    readonly target: string;
    readonly steps: number;
    readonly toRun: number;
    readonly concurrency: number;
  }
  | {
    readonly event: "step.skip";
    readonly step: string;
    readonly stage: string;
    readonly index: number;
    readonly reason: string;
    readonly explain: string;
  }
  | {
    readonly event: "step.start";
    readonly step: string;
    readonly stage: string;
    readonly index: number;
    readonly reason: string;
    readonly explain: string;
  }
  | {
    readonly event: "command";
    readonly step: string;
    readonly phase: CommandPhase;
    readonly argv: readonly string[];
    readonly exit: number;
    readonly durationMs: number;
    readonly output: string;
    /** How the exit code was read: `ok`, `present`, `missing`, `accepted`, `failed`. */
    readonly outcome: string;
  }
  | {
    readonly event: "step.done";
    readonly step: string;
    readonly index: number;
    /** `applied`: its commands ran; `present`: its guard found the thing already there. */
    readonly result: "applied" | "present";
    readonly durationMs: number;
  }
  | {
    readonly event: "step.fail";
    readonly step: string;
    readonly index: number;
    readonly message: string;
    readonly argv?: readonly string[];
    readonly exit?: number;
    readonly output?: string;
    readonly durationMs: number;
  }
  | { readonly event: "step.cancel"; readonly step: string; readonly index: number }
  | { readonly event: "rollback.start"; readonly steps: number }
  | {
    readonly event: "step.undo";
    readonly step: string;
    /** `undone`; `restored` (captured settings put back); `kept` (not created by this run); `failed`. */
    readonly result: "undone" | "restored" | "kept" | "failed" | "nothing";
    readonly message: string;
  }
  | { readonly event: "rollback.done"; readonly ok: boolean }
  | ({ readonly event: "verify" } & ServiceStatus)
  | {
    readonly event: "run.done";
    readonly status: "ok" | "failed" | "interrupted";
    readonly exitCode: number;
    readonly durationMs: number;
    readonly applied: number;
    readonly present: number;
    readonly skipped: number;
    readonly failed: number;
    readonly undone: number;
  }
  | {
    readonly event: "diagnostic";
    readonly severity: string;
    readonly code: string;
    readonly message: string;
    readonly hint?: string;
  };

/** The version of the JSON event stream. */
export const EVENT_VERSION = 1;

/** One event as a JSON line (`{"v":1,"event":...}`), newline-terminated. */
export function eventJson(event: RunEvent): string {
  return JSON.stringify({ v: EVENT_VERSION, ...event }) + "\n";
}
