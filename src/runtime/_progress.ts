/**
 * Views of a run for people: the plan as text or JSON, and the progress of a run as plain lines
 * (not a TTY), a live status line (TTY) or the JSON event stream. Pure: output goes through the
 * `write` callback, time comes from the injected clock.
 *
 * Parallel steps' output is buffered and printed whole per step, in Dokkufile order, so the
 * text of a run does not depend on timing (except durations).
 */
import type { Plan, PlannedStep, PlanSummary, Reason } from "./_plan.ts";
import { summarizePlan } from "./_plan.ts";
import { eventJson, type RunEvent, type ServiceStatus } from "./_events.ts";

const SYMBOL: Readonly<Record<Reason, string>> = {
  "new": "+",
  "changed": "~",
  "upstream changed": "~",
  "forced": "~",
  "state reset": "~",
  "unchanged": "=",
};

function decision(p: PlannedStep): string {
  return `${SYMBOL[p.reason]} ${p.action === "run" ? "run" : "skip"}: ${p.reason}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** One line summarizing a plan: `3 to run (2 new, 1 changed), 5 unchanged`. */
export function planSummaryLine(plan: Plan): string {
  return summaryLine(summarizePlan(plan));
}

/** {@linkcode planSummaryLine} from the counts alone. */
export function summaryLine(s: PlanSummary): string {
  const parts = (["new", "changed", "upstream changed", "forced", "state reset"] as const)
    .filter((r) => s.byReason[r] > 0).map((r) => `${s.byReason[r]} ${r}`);
  const run = s.run === 0 ? "Nothing to run" : `${s.run} to run (${parts.join(", ")})`;
  return `${run}, ${s.byReason.unchanged} unchanged`;
}

/** The plan as text: per stage, one line per step (`+ run: new  web/create`). */
export function renderPlanText(
  plan: Plan,
  options: { explain?: boolean; target?: string; stateFile?: string } = {},
): string {
  const out: string[] = [];
  const where = options.target === undefined ? "" : ` on ${options.target}`;
  out.push(`Plan for project "${plan.project}"${where}`);
  if (options.stateFile !== undefined) out.push(`state: ${options.stateFile}`);
  const width = Math.max(0, ...plan.steps.map((p) => decision(p).length));
  let stage: string | undefined;
  for (const p of plan.steps) {
    if (p.stage !== stage) {
      stage = p.stage;
      out.push(`stage ${stage}`);
    }
    out.push(`  ${decision(p).padEnd(width)}  ${p.id}`);
    if (options.explain === true) out.push(`      ${p.explain}`);
  }
  if (plan.orphans.length > 0) {
    out.push("no longer in the Dokkufile (left in place):");
    for (const id of plan.orphans) out.push(`  - ${id}`);
  }
  out.push(planSummaryLine(plan));
  return out.join("\n") + "\n";
}

/** The plan as JSON (versioned), newline-terminated. */
export function renderPlanJson(
  plan: Plan,
  options: { target?: string; stateFile?: string } = {},
): string {
  const s = summarizePlan(plan);
  const doc = {
    version: 1,
    project: plan.project,
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.stateFile === undefined ? {} : { state: options.stateFile }),
    steps: plan.steps.map((p) => ({
      id: p.id,
      stage: p.stage,
      action: p.action,
      reason: p.reason,
      explain: p.explain,
      checksum: p.checksum,
    })),
    orphans: plan.orphans,
    summary: { run: s.run, skip: s.skip, byReason: s.byReason },
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

/** Options for {@linkcode TextProgress}. */
export interface ProgressOptions {
  readonly write: (text: string) => void;
  /** Live status line (redrawn in place). */
  readonly tty: boolean;
  readonly explain: boolean;
  readonly clock: () => number;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/** A command line for display (argv words quoted only when needed). */
export function showArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(" ");
}

function indentOutput(text: string, prefix: string): string[] {
  const trimmed = text.replace(/\s+$/, "");
  if (trimmed === "") return [];
  return trimmed.split("\n").map((l) => `${prefix}${l.replace(/\r$/, "")}`);
}

/** Human progress: blocks per step in file order, a rollback section, a summary. */
export class TextProgress {
  readonly #opts: ProgressOptions;
  readonly #steps: readonly PlannedStep[];
  readonly #blocks = new Map<number, string[]>();
  readonly #final = new Set<number>();
  readonly #running = new Map<string, number>();
  #next = 0;
  #status = false;
  #done = 0;
  #toRun = 0;

  constructor(plan: Plan, options: ProgressOptions) {
    this.#opts = options;
    this.#steps = plan.steps;
    this.#toRun = plan.steps.filter((s) => s.action === "run").length;
  }

  #block(index: number): string[] {
    let b = this.#blocks.get(index);
    if (b === undefined) {
      b = [];
      this.#blocks.set(index, b);
    }
    return b;
  }

  #indexOf(id: string): number {
    return this.#steps.find((s) => s.id === id)?.index ?? -1;
  }

  #print(text: string): void {
    this.#clearStatus();
    this.#opts.write(text);
    this.#drawStatus();
  }

  #clearStatus(): void {
    if (this.#status) {
      this.#opts.write("\r\x1b[2K");
      this.#status = false;
    }
  }

  #drawStatus(): void {
    if (!this.#opts.tty || this.#running.size === 0) return;
    const now = this.#opts.clock();
    // Sorted: map order is start order, which depends on timing.
    const names = [...this.#running.entries()].sort(([a], [b]) => a < b ? -1 : 1)
      .map(([id, start]) => `${id} ${((now - start) / 1000).toFixed(1)}s`);
    let line = `[${this.#done}/${this.#toRun}] running ${names.join(", ")}`;
    if (line.length > 110) line = line.slice(0, 107) + "...";
    this.#opts.write(line);
    this.#status = true;
  }

  #flush(): void {
    const out: string[] = [];
    while (this.#next < this.#steps.length && this.#final.has(this.#next)) {
      out.push(...(this.#blocks.get(this.#next) ?? []));
      this.#blocks.delete(this.#next);
      this.#next++;
    }
    if (out.length > 0) this.#print(out.join("\n") + "\n");
  }

  /** Redraws the live status line (TTY only; call it from a timer). */
  tick(): void {
    if (!this.#opts.tty) return;
    this.#clearStatus();
    this.#drawStatus();
  }

  /** Feeds one event. */
  onEvent(e: RunEvent): void {
    switch (e.event) {
      case "step.skip": {
        if (this.#opts.explain) {
          this.#block(e.index).push(`= ${e.step}: skipped, ${e.reason} (${e.explain})`);
        }
        this.#final.add(e.index);
        this.#flush();
        return;
      }
      case "step.start": {
        this.#running.set(e.step, this.#opts.clock());
        const b = this.#block(e.index);
        b.push(`${e.step}: ${e.reason}`);
        if (this.#opts.explain) b.push(`    why: ${e.explain}`);
        if (this.#opts.tty) this.tick();
        return;
      }
      case "command": {
        const index = this.#indexOf(e.step);
        const line = `    $ dokku ${showArgv(e.argv.slice(1))}`;
        if (index < 0 || this.#final.has(index)) {
          // A rollback command: printed as it happens, after every step block.
          this.#print(
            [line + (e.exit === 0 ? "" : `  (exit ${e.exit})`), ...indentOutput(e.output, "      ")]
              .join("\n") + "\n",
          );
          return;
        }
        const b = this.#block(index);
        if (e.phase === "guard" || e.phase === "capture" || e.phase === "verify") {
          if (e.outcome === "failed") {
            b.push(`${line}  -> exit ${e.exit}`, ...indentOutput(e.output, "      "));
          } else if (e.phase !== "verify" || e.outcome === "ok") {
            b.push(`${line}  -> ${e.phase === "guard" ? e.outcome : "ok"}`);
          }
          return;
        }
        const tail = e.outcome === "accepted"
          ? `  -> exit ${e.exit}, accepted as unchanged`
          : e.exit === 0
          ? ""
          : `  -> exit ${e.exit}`;
        b.push(line + tail, ...indentOutput(e.output, "      | "));
        return;
      }
      case "step.done": {
        this.#running.delete(e.step);
        this.#done++;
        const b = this.#block(e.index);
        const what = e.result === "present"
          ? "already present, left as is"
          : `done in ${seconds(e.durationMs)}`;
        b[0] = `${e.result === "present" ? "=" : "+"} ${b[0] ?? e.step} -> ${what}`;
        this.#final.add(e.index);
        this.#flush();
        return;
      }
      case "step.fail": {
        this.#running.delete(e.step);
        this.#done++;
        const b = this.#block(e.index);
        b[0] = `x ${b[0] ?? e.step} -> FAILED after ${seconds(e.durationMs)}: ${e.message}`;
        this.#final.add(e.index);
        this.#flush();
        return;
      }
      case "step.cancel": {
        this.#block(e.index).push(`- ${e.step}: not started`);
        this.#final.add(e.index);
        this.#flush();
        return;
      }
      case "rollback.start":
        this.#print(`Rolling back ${plural(e.steps, "step")} applied in this run:\n`);
        return;
      case "step.undo":
        this.#print(`  < ${e.step}: ${e.message}\n`);
        return;
      case "rollback.done":
        this.#print(e.ok ? "Rollback complete.\n" : "Rollback INCOMPLETE (see errors).\n");
        return;
      default:
        return;
    }
  }

  /** Prints the per-service status and the summary line. */
  finish(summary: RunSummary): void {
    this.#clearStatus();
    this.#opts.write(renderRunSummary(summary));
  }
}

/** How a run ended, for {@linkcode renderRunSummary}. */
export interface RunSummary {
  readonly status: "ok" | "failed" | "interrupted";
  readonly services: readonly Pick<ServiceStatus, "app" | "status" | "processes">[];
  readonly counts: string;
  readonly durationMs: number;
}

/** The end of a run's text: the per-service status and the summary line. */
export function renderRunSummary(summary: RunSummary): string {
  const out: string[] = [];
  if (summary.services.length > 0) {
    out.push("Services:");
    const width = Math.max(...summary.services.map((s) => s.app.length));
    // Sorted by app: services were verified in completion order.
    for (const s of [...summary.services].sort((a, b) => a.app < b.app ? -1 : 1)) {
      const procs = Object.entries(s.processes).map(([p, c]) => `${p} ${c}`).join(", ");
      const status = s.status === "unchanged" ? "unchanged (not checked)" : s.status;
      out.push(`  ${s.app.padEnd(width)}  ${status}${procs === "" ? "" : `  (${procs})`}`);
    }
  }
  const head = summary.status === "ok"
    ? "Done"
    : summary.status === "interrupted"
    ? "Interrupted"
    : "Failed";
  out.push(`${head}: ${summary.counts} in ${seconds(summary.durationMs)}.`);
  return out.join("\n") + "\n";
}

/** The `--log-format json` view: one versioned JSON object per line. */
export class JsonProgress {
  readonly #write: (text: string) => void;
  constructor(write: (text: string) => void) {
    this.#write = write;
  }
  onEvent(e: RunEvent): void {
    this.#write(eventJson(e));
  }
}
