/**
 * The ideal-time model for `run` benchmarks, from a Dokkufile's step graph (its JSON form).
 *
 * A step's weight is the number of dokku commands it must run when applied: its guard probe (if
 * any), its run commands, and one `ps:report` when it verifies a deploy. With every command
 * taking d ms, no schedule can beat `d x max(L, ceil(N / c))` at concurrency c, where
 * - L is the heaviest chain: the longest path through the step graph (edges: step `needs`, and
 *   every step of a stage after every step of the stages it `needs`), or the heaviest lock
 *   (steps sharing a lock never overlap), whichever is larger;
 * - N is the sum of all weights.
 *
 * A stage that `needs` other stages starts only when they are all done, so the walk is also at
 * least, along every chain of stages, the sum of each stage's own bound `max(L_s, ceil(N_s / c))`
 * (L_s: heaviest path or lock inside the stage; N_s: its total). {@linkcode idealSlots} takes the
 * larger of the two; both are lower bounds, so their maximum is one too.
 */

/** The parts of a Dokkufile step the model reads. */
interface StepJson {
  readonly id: string;
  readonly lock?: string;
  readonly needs?: readonly string[];
  readonly guard?: unknown;
  readonly run?: readonly unknown[];
  readonly verify?: unknown;
}

interface StageJson {
  readonly name: string;
  readonly needs?: readonly string[];
  readonly steps: readonly StepJson[];
}

/** One stage's share: its own L and N, and the stages it needs. */
export interface StageSummary {
  readonly name: string;
  readonly needs: readonly string[];
  /** L_s: the heaviest path (step needs inside the stage) or lock inside the stage. */
  readonly longest: number;
  /** N_s: the stage's commands. */
  readonly total: number;
}

/** What {@linkcode criticalPath} found. */
export interface StepGraphSummary {
  readonly steps: number;
  /** L: the heaviest chain (path or lock), in commands. */
  readonly longest: number;
  /** N: all commands. */
  readonly total: number;
  /** Per stage, in file order. */
  readonly stages: readonly StageSummary[];
}

/**
 * The fewest command slots (one slot: every running command takes the same time) any schedule at
 * concurrency `c` needs: the larger of `max(L, ceil(N / c))` and the heaviest chain of stages.
 */
export function idealSlots(summary: StepGraphSummary, c: number): number {
  const byName = new Map(summary.stages.map((s) => [s.name, s]));
  const done = new Map<string, number>();
  const chain = (name: string): number => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const stage = byName.get(name);
    if (stage === undefined) throw new Error(`unknown stage ${name}`);
    let before = 0;
    for (const need of stage.needs) before = Math.max(before, chain(need));
    const end = before + Math.max(stage.longest, Math.ceil(stage.total / c));
    done.set(name, end);
    return end;
  };
  let stages = 0;
  for (const stage of summary.stages) stages = Math.max(stages, chain(stage.name));
  return Math.max(summary.longest, Math.ceil(summary.total / c), stages);
}

function weight(step: StepJson): number {
  return (step.guard === undefined ? 0 : 1) + (step.run?.length ?? 0) +
    (step.verify === undefined ? 0 : 1);
}

/** Computes L and N for a Dokkufile object (as `compile --format json` prints it). */
export function criticalPath(dokkufile: unknown): StepGraphSummary {
  const stages = (dokkufile as { stages?: readonly StageJson[] }).stages;
  if (!Array.isArray(stages)) throw new Error("no stages array");
  const byId = new Map<string, StepJson>();
  const stageOf = new Map<string, StageJson>();
  const stageByName = new Map<string, StageJson>();
  for (const stage of stages) {
    stageByName.set(stage.name, stage);
    for (const step of stage.steps) {
      byId.set(step.id, step);
      stageOf.set(step.id, stage);
    }
  }
  const finish = new Map<string, number>();
  const stageFinish = new Map<string, number>();
  const visiting = new Set<string>();

  const stageEnd = (name: string): number => {
    const known = stageFinish.get(name);
    if (known !== undefined) return known;
    const stage = stageByName.get(name);
    if (stage === undefined) throw new Error(`unknown stage ${name}`);
    let end = 0;
    for (const step of stage.steps) end = Math.max(end, stepEnd(step.id));
    stageFinish.set(name, end);
    return end;
  };

  const stepEnd = (id: string): number => {
    const known = finish.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new Error(`cycle through step ${id}`);
    visiting.add(id);
    const step = byId.get(id);
    const stage = stageOf.get(id);
    if (step === undefined || stage === undefined) throw new Error(`unknown step ${id}`);
    let start = 0;
    for (const need of stage.needs ?? []) start = Math.max(start, stageEnd(need));
    for (const need of step.needs ?? []) start = Math.max(start, stepEnd(need));
    visiting.delete(id);
    const end = start + weight(step);
    finish.set(id, end);
    return end;
  };

  let longest = 0;
  let total = 0;
  const perLock = new Map<string, number>();
  for (const [id, step] of byId) {
    longest = Math.max(longest, stepEnd(id));
    total += weight(step);
    const lock = step.lock ?? id;
    perLock.set(lock, (perLock.get(lock) ?? 0) + weight(step));
  }
  for (const sum of perLock.values()) longest = Math.max(longest, sum);
  return { steps: byId.size, longest, total, stages: stages.map(stageSummary) };
}

/** L_s and N_s of one stage: only the step needs inside it count. */
function stageSummary(stage: StageJson): StageSummary {
  const inside = new Map(stage.steps.map((step) => [step.id, step]));
  const finish = new Map<string, number>();
  const end = (step: StepJson): number => {
    const known = finish.get(step.id);
    if (known !== undefined) return known;
    let start = 0;
    for (const need of step.needs ?? []) {
      const other = inside.get(need);
      if (other !== undefined) start = Math.max(start, end(other));
    }
    const value = start + weight(step);
    finish.set(step.id, value);
    return value;
  };
  let longest = 0;
  let total = 0;
  const perLock = new Map<string, number>();
  for (const step of stage.steps) {
    longest = Math.max(longest, end(step));
    total += weight(step);
    const lock = step.lock ?? step.id;
    perLock.set(lock, (perLock.get(lock) ?? 0) + weight(step));
  }
  for (const sum of perLock.values()) longest = Math.max(longest, sum);
  return { name: stage.name, needs: stage.needs ?? [], longest, total };
}
