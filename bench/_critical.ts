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

/** What {@linkcode criticalPath} found. */
export interface StepGraphSummary {
  readonly steps: number;
  /** L: the heaviest chain (path or lock), in commands. */
  readonly longest: number;
  /** N: all commands. */
  readonly total: number;
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
  return { steps: byId.size, longest, total };
}
