/**
 * The executor: a parallel walk of the plan's step graph (terraform's dag walk, ninja's
 * Builder). Steps start as soon as what they come after is done, at most `concurrency` at a
 * time, never two with the same lock; among ready steps, the one heading the longest chain of
 * remaining commands first (file order at concurrency 1). The first failure (or an interrupt)
 * stops new starts; running steps finish; then the steps applied in this run are rolled back.
 *
 * It reaches the target only through the injected {@linkcode CommandRunner} and reports through
 * events, so every ordering and failure is testable with a fake runner.
 */
import type { Command, Step } from "../dokkufile/types.ts";
import type { CommandRunner, RunResult } from "./runner.ts";
import type { Plan, PlannedStep } from "./_plan.ts";
import type { RunState, StepRecord } from "./_state.ts";
import type { CommandPhase, RunEvent, ServiceStatus } from "./_events.ts";
import { type Capture, captureFor, createdApp, type RestoreCommand } from "./_capture.ts";
import { type Redactor, secretsJson } from "./_secrets.ts";
import { rollbackSteps } from "./_rollback.ts";
import { archiveKey } from "./_archive.ts";
import { criticalPriorities } from "./_graph.ts";
import { diag, type Diagnostic } from "../diagnostics/mod.ts";

/** How deploys are verified. */
export interface VerifyOptions {
  /** Give up after this long (default 60 s). */
  readonly timeoutMs?: number;
  /** Time between two `ps:report` probes (default 1 s). */
  readonly intervalMs?: number;
}

/** Options for {@linkcode executePlan}. */
export interface ExecuteOptions {
  readonly runner: CommandRunner;
  /** Steps run in parallel at most (default 4). */
  readonly concurrency?: number;
  /** Roll back the steps applied in this run when one fails (default true). */
  readonly rollback?: boolean;
  /** The state the plan was made against; records are added and removed as steps finish. */
  readonly state: RunState;
  /**
   * Persists the state (atomically); called after every step. Throwing fails the run. The object
   * is only valid during the call (it is updated in place afterwards).
   */
  readonly saveState?: (state: RunState) => void;
  /** Resolved secret values by name (kept in memory only). */
  readonly secrets?: ReadonlyMap<string, string>;
  /** Build-context tars by {@linkcode archiveKey} (the context written in the step, plus files). */
  readonly archives?: ReadonlyMap<string, Uint8Array>;
  /** Removes secret values from everything reported. */
  readonly redact?: Redactor;
  readonly emit?: (event: RunEvent) => void;
  readonly verify?: VerifyOptions;
  /** Stops starting steps (an interrupt); running ones finish, then the rollback runs. */
  readonly signal?: AbortSignal;
  /** Milliseconds for durations (default `Date.now`). */
  readonly clock?: () => number;
  /** Timestamps for `appliedAt` in state (default now, ISO 8601). */
  readonly timestamp?: () => string;
  /** Waits (default a timer); injected by tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What happened to one step. */
export type StepResult =
  | "applied"
  | "present"
  | "skipped"
  | "failed"
  | "cancelled"
  | "undone"
  | "restored"
  | "kept"
  /** Applied in this run, then the run failed, and it has no undo (a deploy). */
  | "left";

/** The failure that stopped a run. */
export interface RunFailure {
  readonly step: string;
  readonly message: string;
  readonly argv?: readonly string[];
  readonly exit?: number;
  readonly output?: string;
}

/** The result of a run. */
export interface RunReport {
  readonly status: "ok" | "failed" | "interrupted";
  readonly results: ReadonlyMap<string, StepResult>;
  readonly failure?: RunFailure;
  readonly services: readonly ServiceStatus[];
  /** The state after the run (also saved through `saveState`). */
  readonly state: RunState;
  readonly diagnostics: readonly Diagnostic[];
  /** True when the rollback could not undo everything. */
  readonly rollbackIncomplete: boolean;
}

/** A step applied (fully or partly) in this run, kept for the rollback. */
export interface AppliedStep {
  readonly planned: PlannedStep;
  /** False when the guard found the thing present: never undone. */
  readonly created: boolean;
  /** True when the step failed after some of its commands had changed something. */
  readonly partial: boolean;
  /** Restore commands for settings captured before the step ran, in command order. */
  readonly restores: readonly RestoreCommand[];
  /** True when every run command was captured (restore replaces UNDO). */
  readonly fullyCaptured: boolean;
}

class StepFailure extends Error {
  readonly failure: RunFailure;
  constructor(failure: RunFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

function defaultTimestamp(): string {
  return new Date().toISOString();
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs one command for the executor and the rollback: redacted event, duration. */
export class CommandContext {
  readonly #options: ExecuteOptions;
  readonly #clock: () => number;
  readonly redact: Redactor;

  constructor(options: ExecuteOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.redact = options.redact ?? ((t) => t);
  }

  /** The stdin bytes of a command, or an error message when they cannot be made. */
  stdinFor(command: Command): { stdin?: string | Uint8Array; error?: string } {
    const spec = command.stdin;
    if (spec === undefined) return {};
    if (spec.kind === "secrets-json") {
      const text = secretsJson(spec, this.#options.secrets ?? new Map());
      return text === undefined ? { error: "a secret it reads was not resolved" } : { stdin: text };
    }
    const tar = this.#options.archives?.get(archiveKey(spec));
    return tar === undefined
      ? { error: `the build context "${spec.context}" was not read` }
      : { stdin: tar };
  }

  async run(
    step: string,
    phase: CommandPhase,
    argv: readonly string[],
    options: { stdin?: string | Uint8Array | undefined; outcome?: (r: RunResult) => string },
  ): Promise<RunResult> {
    const start = this.#clock();
    let result: RunResult;
    try {
      result = await this.#options.runner.run({ argv, stdin: options.stdin });
    } catch (error) {
      // A runner that throws has a bug, but a run must still end in a rollback, not a crash.
      result = {
        code: -1,
        stdout: "",
        stderr: `dokompose: the command could not be run: ${
          error instanceof Error ? error.message : String(error)
        }\n`,
      };
    }
    const outcome = options.outcome?.(result) ?? (result.code === 0 ? "ok" : "failed");
    this.#options.emit?.({
      event: "command",
      step,
      phase,
      argv: argv.map(this.redact),
      exit: result.code,
      durationMs: this.#clock() - start,
      // A capture prints current settings (other secrets, URLs with passwords): never shown.
      output: phase === "capture" ? "" : this.redact(result.stdout + result.stderr),
      outcome,
    });
    return result;
  }

  emit(event: RunEvent): void {
    this.#options.emit?.(event);
  }
}

function acceptedBy(command: Command, result: RunResult) {
  return command.accept?.find((a) =>
    a.exit === result.code && (result.stdout.includes(a.output) || result.stderr.includes(a.output))
  );
}

function countProcesses(report: Record<string, unknown>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [key, value] of Object.entries(report)) {
    // Dokku prints `status-<proc>.<n>: "running (CID: ...)"`; `status-<proc>-<n>` is accepted too.
    const m = /^status-(.+)[.-](\d+)$/.exec(key);
    if (m === null || typeof value !== "string" || !/^running\b/.test(value)) continue;
    counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  return counts;
}

/** The dokku commands a step runs when applied: its guard, its commands, one verify probe. */
function stepWeight(step: Step): number {
  return (step.guard === undefined ? 0 : 1) + step.run.length + (step.verify === undefined ? 0 : 1);
}

/**
 * Runs the plan. Never throws for a failing command: failures are in the report. Throws only for
 * bugs.
 */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<RunReport> {
  const ctx = new CommandContext(options);
  const clock = options.clock ?? Date.now;
  const timestamp = options.timestamp ?? defaultTimestamp;
  const sleep = options.sleep ?? defaultSleep;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const diagnostics: Diagnostic[] = [];
  const results = new Map<string, StepResult>();
  const services: ServiceStatus[] = [];
  const records: Record<string, StepRecord> = { ...options.state.steps };
  let state: RunState = { ...options.state, steps: records };
  const applied: AppliedStep[] = [];
  const createdApps = new Set<string>();
  let failure: RunFailure | undefined;
  let interrupted = false;

  const save = (): boolean => {
    // No copy of the records: a copy per step makes a big run quadratic. `saveState` serializes
    // at once and must not keep the object.
    state = { ...state, steps: records };
    if (options.saveState === undefined) return true;
    try {
      options.saveState(state);
      return true;
    } catch (error) {
      diagnostics.push(diag("DK5012", {
        file: "the state file",
        reason: error instanceof Error ? error.message : String(error),
      }));
      return false;
    }
  };

  ctx.emit({
    event: "run.start",
    project: plan.project,
    target: options.runner.target,
    steps: plan.steps.length,
    toRun: plan.steps.filter((s) => s.action === "run").length,
    concurrency,
  });

  const pending: PlannedStep[] = [];
  for (const p of plan.steps) {
    if (p.action === "skip") {
      results.set(p.id, "skipped");
      ctx.emit({
        event: "step.skip",
        step: p.id,
        stage: p.stage,
        index: p.index,
        reason: p.reason,
        explain: p.explain,
      });
      if (p.step.verify !== undefined) {
        services.push({
          app: p.step.verify.app,
          step: p.id,
          status: "unchanged",
          processes: {},
        });
      }
    } else {
      pending.push(p);
    }
  }

  // Readiness by counting (terraform's walk): each node of the plan's graph waits for
  // `indegree` others; skipped steps and stage barriers pass on at once, steps that run join
  // `ready` when their count reaches zero. Linear in the graph's edges.
  const graph = plan.graph;
  const left = [...graph.indegree];
  const ready: PlannedStep[] = [];
  // Which ready step starts first: one at a time, the first in the Dokkufile (the file runs top
  // to bottom); in parallel, the one with the most commands still ahead of it on its longest
  // chain of needs (ties: file order), so the longest chain never waits for shorter ones.
  const priority = concurrency === 1
    ? undefined
    : criticalPriorities(graph, plan.steps.map((p) => p.action === "run" ? stepWeight(p.step) : 0));
  const before = (a: PlannedStep, b: PlannedStep): boolean => {
    const pa = priority?.[a.index] ?? 0;
    const pb = priority?.[b.index] ?? 0;
    return pa !== pb ? pa > pb : a.index < b.index;
  };
  const settle = (nodes: number[]): void => {
    while (nodes.length > 0) {
      const node = nodes.pop()!;
      const p = node < graph.steps ? plan.steps[node] : undefined;
      if (p !== undefined && p.action === "run") {
        // Kept sorted by `before`: the loop below starts ready steps from the front.
        let i = ready.length;
        while (i > 0 && before(p, ready[i - 1]!)) i--;
        ready.splice(i, 0, p);
        continue;
      }
      for (const d of graph.dependents[node]!) if (--left[d]! === 0) nodes.push(d);
    }
  };
  const markDone = (p: PlannedStep): void => {
    const next: number[] = [];
    for (const d of graph.dependents[p.index]!) if (--left[d]! === 0) next.push(d);
    settle(next);
  };
  settle(left.flatMap((d, i) => (d === 0 ? [i] : [])).reverse());

  const held = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const started = new Set<string>();

  const runStep = async (p: PlannedStep): Promise<void> => {
    const start = clock();
    const step = p.step;
    let mutated = false;
    const restores: RestoreCommand[] = [];
    let fullyCaptured = false;
    ctx.emit({
      event: "step.start",
      step: p.id,
      stage: p.stage,
      index: p.index,
      reason: p.reason,
      explain: p.explain,
    });
    try {
      if (step.guard !== undefined) {
        const guard = step.guard;
        const r = await ctx.run(p.id, "guard", guard.argv, {
          outcome: (r) =>
            guard.presentExit.includes(r.code)
              ? "present"
              : guard.missingExit.includes(r.code)
              ? "missing"
              : "failed",
        });
        if (guard.presentExit.includes(r.code)) {
          finishStep(p, { created: false, restores: [], fullyCaptured: false, start });
          return;
        }
        if (!guard.missingExit.includes(r.code)) {
          throw new StepFailure({
            step: p.id,
            message: `its guard exited ${r.code}, which is neither "present" (${
              guard.presentExit.join(", ")
            }) nor "missing" (${guard.missingExit.join(", ")})`,
            argv: guard.argv,
            exit: r.code,
            output: r.stdout + r.stderr,
          });
        }
      }
      // Capture what the step overwrites, unless its app was created in this run (its destroy
      // undoes everything).
      const captures: { capture: Capture }[] = [];
      let capturable = 0;
      for (const command of step.run) {
        const capture = captureFor(command);
        if (capture === undefined) continue;
        capturable++;
        if (!createdApps.has(capture.app)) captures.push({ capture });
      }
      fullyCaptured = step.run.length > 0 && capturable === step.run.length;
      for (const { capture } of captures) {
        const r = await ctx.run(p.id, "capture", capture.read, {});
        const restore = r.code === 0 ? capture.restore(r) : undefined;
        if (restore === undefined) {
          throw new StepFailure({
            step: p.id,
            message: "cannot read the current value of a setting before changing it",
            argv: capture.read,
            exit: r.code,
            output: r.stdout + r.stderr,
          });
        }
        restores.push(...restore);
      }
      for (const command of step.run) {
        const input = ctx.stdinFor(command);
        if (input.error !== undefined) {
          throw new StepFailure({ step: p.id, message: input.error, argv: command.argv });
        }
        const r = await ctx.run(p.id, "run", command.argv, {
          stdin: input.stdin,
          outcome: (r) => r.code === 0 ? "ok" : acceptedBy(command, r) ? "accepted" : "failed",
        });
        if (r.code !== 0) {
          const accept = acceptedBy(command, r);
          if (accept === undefined) {
            throw new StepFailure({
              step: p.id,
              message: `a command exited ${r.code}`,
              argv: command.argv,
              exit: r.code,
              output: r.stdout + r.stderr,
            });
          }
          if (accept.then !== undefined) {
            const t = await ctx.run(p.id, "then", accept.then, {});
            mutated = true;
            if (t.code !== 0) {
              throw new StepFailure({
                step: p.id,
                message: `the command run after an accepted outcome exited ${t.code}`,
                argv: accept.then,
                exit: t.code,
                output: t.stdout + t.stderr,
              });
            }
          }
        } else {
          mutated = true;
          const app = createdApp(command);
          if (app !== undefined) createdApps.add(app);
        }
      }
      if (step.verify !== undefined) await verifyStep(p);
      finishStep(p, { created: true, restores, fullyCaptured, start });
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error;
      const f = error.failure;
      failure ??= f;
      results.set(p.id, "failed");
      ctx.emit({
        event: "step.fail",
        step: p.id,
        index: p.index,
        message: f.message,
        ...(f.argv === undefined ? {} : { argv: f.argv.map(ctx.redact) }),
        ...(f.exit === undefined ? {} : { exit: f.exit }),
        ...(f.output === undefined ? {} : { output: ctx.redact(f.output) }),
        durationMs: clock() - start,
      });
      if (mutated || restores.length > 0) {
        applied.push({ planned: p, created: true, partial: true, restores, fullyCaptured });
      }
    }
  };

  const verifyStep = async (p: PlannedStep): Promise<void> => {
    const verify = p.step.verify!;
    const timeout = options.verify?.timeoutMs ?? 60_000;
    const interval = options.verify?.intervalMs ?? 1_000;
    const deadline = clock() + timeout;
    const expected = Object.entries(verify.processes).sort(([a], [b]) => a < b ? -1 : 1);
    let last = "no report";
    let lastCounts = new Map<string, number>();
    for (;;) {
      const r = await ctx.run(p.id, "verify", [
        "dokku",
        "ps:report",
        verify.app,
        "--format",
        "json",
      ], {});
      if (r.code === 0) {
        let report: unknown;
        try {
          report = JSON.parse(r.stdout);
        } catch {
          report = undefined;
        }
        if (typeof report === "object" && report !== null && !Array.isArray(report)) {
          const rec = report as Record<string, unknown>;
          lastCounts = countProcesses(rec);
          const total = expected.reduce((n, [, c]) => n + c, 0);
          const countsOk = expected.every(([proc, n]) => (lastCounts.get(proc) ?? 0) === n);
          const runningOk = total === 0 || rec["running"] === "true";
          last = `running is ${JSON.stringify(rec["running"] ?? null)}`;
          if (countsOk && runningOk) break;
        } else {
          last = "ps:report printed something that is not a JSON object";
        }
      } else {
        last = `ps:report exited ${r.code}`;
      }
      if (clock() + interval > deadline) {
        const procs = expected.map(([proc, n]) => `${proc} ${lastCounts.get(proc) ?? 0}/${n}`)
          .join(", ");
        services.push({
          app: verify.app,
          step: p.id,
          status: "not running",
          processes: Object.fromEntries(
            expected.map(([proc, n]) => [proc, `${lastCounts.get(proc) ?? 0}/${n}`]),
          ),
        });
        ctx.emit({ event: "verify", ...services[services.length - 1]! });
        throw new StepFailure({
          step: p.id,
          message: `app "${verify.app}" is not running as expected after ${
            Math.round(timeout / 100) / 10
          }s (${procs}; ${last})`,
        });
      }
      await sleep(interval);
    }
    const status: ServiceStatus = {
      app: verify.app,
      step: p.id,
      status: "running",
      processes: Object.fromEntries(expected.map(([proc, n]) => [proc, `${n}/${n}`])),
    };
    services.push(status);
    ctx.emit({ event: "verify", ...status });
  };

  const finishStep = (
    p: PlannedStep,
    r: { created: boolean; restores: RestoreCommand[]; fullyCaptured: boolean; start: number },
  ): void => {
    const previous = records[p.id];
    records[p.id] = {
      checksum: p.checksum,
      own: p.own,
      // Once dokompose created a thing, a later run that finds it present keeps that knowledge.
      created: r.created || (previous?.created ?? false),
      appliedAt: timestamp(),
    };
    applied.push({
      planned: p,
      created: r.created,
      partial: false,
      restores: r.restores,
      fullyCaptured: r.fullyCaptured,
    });
    results.set(p.id, r.created ? "applied" : "present");
    markDone(p);
    ctx.emit({
      event: "step.done",
      step: p.id,
      index: p.index,
      result: r.created ? "applied" : "present",
      durationMs: clock() - r.start,
    });
    if (!save()) {
      failure ??= { step: p.id, message: "cannot write the state file" };
    }
  };

  const onAbort = () => {
    interrupted = true;
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted === true) interrupted = true;

  try {
    for (;;) {
      if (failure === undefined && !interrupted) {
        for (let i = 0; i < ready.length && running.size < concurrency; i++) {
          const p = ready[i]!;
          if (held.has(p.step.lock)) continue;
          ready.splice(i, 1);
          i--;
          started.add(p.id);
          held.add(p.step.lock);
          const promise = runStep(p).finally(() => {
            held.delete(p.step.lock);
            running.delete(p.id);
          });
          running.set(p.id, promise);
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }

  const notStarted = pending.filter((p) => !started.has(p.id));
  if (failure === undefined && !interrupted && notStarted.length > 0) {
    // Nothing runs and nothing can start: the plan's graph was not a DAG (the planner refuses
    // cycles, so this is a bug).
    throw new Error(`Executor stalled with ${notStarted.length} steps pending`);
  }
  for (const p of notStarted) {
    results.set(p.id, "cancelled");
    ctx.emit({ event: "step.cancel", step: p.id, index: p.index });
  }

  let rollbackIncomplete = false;
  const stopped = failure !== undefined || interrupted;
  if (stopped && (options.rollback ?? true) && applied.length > 0) {
    const outcome = await rollbackSteps(applied, {
      ctx,
      onUndone: (id, how) => {
        // Settings put back as they were: the record of the earlier run is true again.
        const previous = options.state.steps[id];
        if (how === "restored" && previous !== undefined) records[id] = previous;
        else delete records[id];
        save();
      },
    });
    for (const [id, r] of outcome.results) results.set(id, r);
    services.forEach((svc, i) => {
      const r = results.get(svc.step);
      if (r === "left" || r === "undone" || r === "restored") {
        services[i] = { ...svc, status: "rolled back" };
      }
    });
    diagnostics.push(...outcome.diagnostics);
    rollbackIncomplete = !outcome.ok;
  }

  const status = failure !== undefined ? "failed" : interrupted ? "interrupted" : "ok";
  return {
    status,
    results,
    ...(failure === undefined ? {} : { failure }),
    services,
    state,
    diagnostics,
    rollbackIncomplete,
  };
}

/** The steps of a Dokkufile in order (helper for callers that have no plan). */
export function allSteps(stages: readonly { readonly steps: readonly Step[] }[]): Step[] {
  return stages.flatMap((s) => [...s.steps]);
}
