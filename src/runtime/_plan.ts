/**
 * Planning (pure): Dokkufile + recorded state -> one decision per step, with its reason
 * (terraform's plan, ninja's `-d explain`).
 *
 * A step runs when it has no record (`new`), its own content changed (`changed`), a step it
 * needs changed or runs (`upstream changed`), it was asked for (`forced`), or the state file
 * could not be used (`state reset`). Otherwise it is skipped (`unchanged`) and nothing about it
 * touches the target: no guard, no probe.
 */
import type { Dokkufile, Step } from "../dokkufile/types.ts";
import { diag, type Diagnostic } from "../diagnostics/mod.ts";
import { chainChecksum, type ChecksumInputs, ownChecksum } from "./_checksum.ts";
import type { RunState } from "./_state.ts";
import { buildWalkGraph, type GraphStep, topologicalOrder, type WalkGraph } from "./_graph.ts";

/** Why a step runs or is skipped. */
export type Reason =
  | "new"
  | "changed"
  | "upstream changed"
  | "forced"
  | "state reset"
  | "unchanged";

/** One step with its decision. */
export interface PlannedStep {
  readonly id: string;
  readonly stage: string;
  /** Position in the Dokkufile (0-based); output is ordered by it. */
  readonly index: number;
  readonly step: Step;
  readonly checksum: string;
  readonly own: string;
  readonly action: "run" | "skip";
  readonly reason: Reason;
  /** One line saying why (`--explain`). */
  readonly explain: string;
  /** The steps it needs (known ids, in file order); their checksums chain into its own. */
  readonly needs: readonly string[];
}

/** A plan: every step of the Dokkufile in file order. */
export interface Plan {
  readonly project: string;
  readonly steps: readonly PlannedStep[];
  /** Step ids recorded in state that the Dokkufile no longer has (left in place, sorted). */
  readonly orphans: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
  /** The order constraints of the walk (needs and stage needs); node `i < steps` is `steps[i]`. */
  readonly graph: WalkGraph;
}

const EMPTY_GRAPH: WalkGraph = { steps: 0, dependents: [], indegree: [] };

/** Options for {@linkcode planRun}. */
export interface PlanOptions extends ChecksumInputs {
  /** Step ids to run even when unchanged (their dependents run too). */
  readonly force?: readonly string[];
  /** True when the state file could not be used: every step runs (guarded) as `state reset`. */
  readonly stateReset?: boolean;
}

function short(checksum: string): string {
  return checksum.replace(/^sha256:/, "").slice(0, 12);
}

/** Counts of a plan's decisions. */
export interface PlanSummary {
  readonly run: number;
  readonly skip: number;
  readonly byReason: Readonly<Record<Reason, number>>;
}

/** Zero steps for every reason. */
export function reasonCounts(): Record<Reason, number> {
  return {
    "new": 0,
    "changed": 0,
    "upstream changed": 0,
    "forced": 0,
    "state reset": 0,
    "unchanged": 0,
  };
}

/** Counts decisions per reason. */
export function summarizePlan(plan: Plan): PlanSummary {
  const byReason = reasonCounts();
  let run = 0;
  for (const s of plan.steps) {
    byReason[s.reason]++;
    if (s.action === "run") run++;
  }
  return { run, skip: plan.steps.length - run, byReason };
}

/**
 * Decides, for every step, whether it runs and why. Never throws for a bad Dokkufile: unknown
 * needs and cycles are diagnostics (and the plan is then empty).
 */
export function planRun(dokkufile: Dokkufile, state: RunState, options: PlanOptions): Plan {
  const diagnostics: Diagnostic[] = [];
  const entries: { step: Step; stage: string; index: number }[] = [];
  const byId = new Map<string, { step: Step; stage: string; index: number }>();
  const stageIndex = new Map<string, number>();
  for (const stage of dokkufile.stages) {
    if (!stageIndex.has(stage.name)) stageIndex.set(stage.name, stageIndex.size);
  }
  for (const stage of dokkufile.stages) {
    for (const step of stage.steps) {
      const entry = { step, stage: stage.name, index: entries.length };
      if (byId.has(step.id)) {
        diagnostics.push(diag("DK5017", { step: step.id, reason: "its id is used twice" }));
        continue;
      }
      entries.push(entry);
      byId.set(step.id, entry);
    }
  }
  const stageNeeds: number[][] = [...stageIndex.keys()].map(() => []);
  for (const stage of dokkufile.stages) {
    for (const need of stage.needs) {
      const i = stageIndex.get(need);
      if (i === undefined) {
        diagnostics.push(
          diag("DK5017", {
            step: `stage ${stage.name}`,
            reason: `it needs unknown stage "${need}"`,
          }),
        );
      } else {
        stageNeeds[stageIndex.get(stage.name)!]!.push(i);
      }
    }
  }
  const needsOf = new Map<string, string[]>();
  const graphSteps: GraphStep[] = entries.map((e) => {
    const needs: number[] = [];
    for (const need of e.step.needs) {
      const target = byId.get(need);
      if (target === undefined) {
        diagnostics.push(
          diag("DK5017", { step: e.step.id, reason: `it needs unknown step "${need}"` }),
        );
      } else if (target.index !== e.index && !needs.includes(target.index)) {
        needs.push(target.index);
      }
    }
    // Sorted by file position: the order of `needs` in the file is not meaningful.
    needs.sort((a, b) => a - b);
    needsOf.set(e.step.id, needs.map((i) => entries[i]!.step.id));
    return { stage: stageIndex.get(e.stage)!, needs };
  });
  const graph = buildWalkGraph(graphSteps, stageNeeds);
  const { order: nodeOrder, stuck } = topologicalOrder(graph);
  if (stuck.length > 0) {
    const names = stuck.map((i) =>
      i < entries.length
        ? entries[i]!.step.id
        : `stage ${[...stageIndex.keys()][i - entries.length]}`
    );
    diagnostics.push(diag("DK5017", {
      step: names[0] ?? "?",
      reason: `its needs form a cycle (${names.join(", ")})`,
    }));
  }
  if (diagnostics.length > 0) {
    return { project: dokkufile.project, steps: [], orphans: [], diagnostics, graph: EMPTY_GRAPH };
  }
  const order = nodeOrder.filter((i) => i < entries.length).map((i) => entries[i]!.step.id);

  const force = new Set(options.force ?? []);
  const decided = new Map<string, PlannedStep>();
  for (const id of order) {
    const e = byId.get(id)!;
    const own = ownChecksum(e.step, options);
    // Sorted by id: reordering `needs` in the file is not a change.
    const needs = [...new Set(e.step.needs)].sort().map((n) =>
      [n, decided.get(n)!.checksum] as const
    );
    const checksum = chainChecksum(own, needs);
    const record = state.steps[id];
    const stepNeeds = needsOf.get(id) ?? [];
    let reason: Reason;
    let explain: string;
    if (options.stateReset === true) {
      reason = "state reset";
      explain = "the state file could not be used; every step runs, guarded";
    } else if (force.has(id)) {
      reason = "forced";
      explain = "asked for with --force-step";
    } else if (record === undefined) {
      reason = "new";
      explain = "no record of this step in the state";
    } else if (record.own !== undefined && record.own !== own) {
      reason = "changed";
      explain = `its content changed (checksum ${short(record.own)} -> ${short(own)})`;
    } else if (record.checksum !== checksum) {
      const changedNeeds = needs.filter(([n]) => {
        const d = decided.get(n);
        return d !== undefined && d.action === "run";
      }).map(([n]) => n);
      if (record.own === undefined && changedNeeds.length === 0) {
        reason = "changed";
        explain = `its checksum changed (${short(record.checksum)} -> ${short(checksum)})`;
      } else {
        reason = "upstream changed";
        explain = changedNeeds.length > 0
          ? `it needs ${changedNeeds.join(", ")}, which run${changedNeeds.length === 1 ? "s" : ""}`
          : `a step it needs changed (checksum ${short(record.checksum)} -> ${short(checksum)})`;
      }
    } else if (stepNeeds.some((d) => decided.get(d)?.action === "run")) {
      const names = stepNeeds.filter((d) => decided.get(d)?.action === "run");
      reason = "upstream changed";
      explain = `it needs ${names.join(", ")}, which run${names.length === 1 ? "s" : ""}`;
    } else {
      reason = "unchanged";
      explain = `checksum ${short(checksum)} is recorded as applied`;
    }
    decided.set(id, {
      id,
      stage: e.stage,
      index: e.index,
      step: e.step,
      checksum,
      own,
      action: reason === "unchanged" ? "skip" : "run",
      reason,
      explain,
      needs: stepNeeds,
    });
  }
  const steps = entries.map((e) => decided.get(e.step.id)!);
  const known = new Set(byId.keys());
  // Sorted: record order in the state object is not meaningful.
  const orphans = Object.keys(state.steps).filter((id) => !known.has(id)).sort();
  return { project: dokkufile.project, steps, orphans, diagnostics, graph };
}

/**
 * Commands of the steps that will run (guard, run, accept fallbacks, undo) that `check` says the
 * runner cannot deliver intact (for example a newline outside `config:set` over ssh): one DK5022
 * error each, so a run refuses the plan before its first mutation instead of failing half-way.
 */
export function undeliverableCommands(
  plan: Plan,
  check: (argv: readonly string[]) => string | undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const planned of plan.steps) {
    if (planned.action !== "run") continue;
    const { step } = planned;
    const argvs: (readonly string[])[] = [
      ...(step.guard === undefined ? [] : [step.guard.argv]),
      ...step.run.flatMap((c) => [
        c.argv,
        ...(c.accept ?? []).flatMap((a) => a.then === undefined ? [] : [a.then]),
      ]),
      ...step.undo.map((c) => c.argv),
    ];
    for (const argv of argvs) {
      const reason = check(argv);
      if (reason !== undefined) {
        out.push(diag("DK5022", { step: step.id, command: argv.slice(1, 3).join(" "), reason }));
      }
    }
  }
  return out;
}
