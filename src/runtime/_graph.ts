/**
 * The walk graph of a Dokkufile: one node per step (its file position) plus one barrier node
 * per stage, so "a stage starts when the stages it needs are done" costs one edge per step
 * instead of one edge per pair of steps. Pure.
 *
 * Edges (`from` must finish before `to` may start):
 * - a step in `needs` -> the step;
 * - every step of a stage -> that stage's barrier;
 * - the barrier of a needed stage -> every step of the stage, and -> the stage's own barrier
 *   (so an empty stage still passes on what it waits for).
 */

/** Nodes `0..steps-1` are steps (file order); `steps..steps+stages-1` are stage barriers. */
export interface WalkGraph {
  readonly steps: number;
  /** For each node, the nodes that wait for it (sorted). */
  readonly dependents: readonly (readonly number[])[];
  /** For each node, how many nodes it waits for. */
  readonly indegree: readonly number[];
}

/** A step as the graph sees it. */
export interface GraphStep {
  readonly stage: number;
  /** File positions of the steps it needs. */
  readonly needs: readonly number[];
}

/** Builds the walk graph. `stageNeeds[i]` lists the indices of the stages stage `i` needs. */
export function buildWalkGraph(
  steps: readonly GraphStep[],
  stageNeeds: readonly (readonly number[])[],
): WalkGraph {
  const n = steps.length;
  const total = n + stageNeeds.length;
  const dependents: number[][] = Array.from({ length: total }, () => []);
  const indegree: number[] = new Array(total).fill(0);
  const edge = (from: number, to: number) => {
    dependents[from]!.push(to);
    indegree[to]!++;
  };
  const stageSteps: number[][] = stageNeeds.map(() => []);
  steps.forEach((s, i) => {
    stageSteps[s.stage]!.push(i);
    // Unique: a need listed twice is still one edge.
    for (const need of new Set(s.needs)) if (need !== i) edge(need, i);
    edge(i, n + s.stage);
  });
  stageNeeds.forEach((needs, stage) => {
    for (const need of new Set(needs)) {
      if (need === stage) continue;
      for (const i of stageSteps[stage]!) edge(n + need, i);
      edge(n + need, n + stage);
    }
  });
  // Sorted: the walk must not depend on the order edges were added.
  for (const list of dependents) list.sort((a, b) => a - b);
  return { steps: n, dependents, indegree };
}

/** A binary min-heap of numbers (file positions). */
export class MinHeap {
  readonly #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(value: number): void {
    const a = this.#items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  pop(): number {
    const a = this.#items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * A topological order of all nodes (Kahn; among ready nodes the lowest number first, so steps go
 * in file order). `stuck` lists the nodes on cycles (nothing after a cycle).
 */
export function topologicalOrder(graph: WalkGraph): { order: number[]; stuck: number[] } {
  const left = [...graph.indegree];
  const ready = new MinHeap();
  left.forEach((d, i) => {
    if (d === 0) ready.push(i);
  });
  const order: number[] = [];
  while (ready.size > 0) {
    const node = ready.pop();
    order.push(node);
    for (const d of graph.dependents[node]!) if (--left[d]! === 0) ready.push(d);
  }
  // What is left waits on a cycle; drop what merely comes after one (repeatedly remove nodes
  // nothing stuck waits for), so only the cycle is named.
  const stuckSet = new Set<number>();
  left.forEach((d, i) => {
    if (d > 0) stuckSet.add(i);
  });
  for (let changed = true; changed;) {
    changed = false;
    for (const node of stuckSet) {
      if (!graph.dependents[node]!.some((d) => stuckSet.has(d))) {
        stuckSet.delete(node);
        changed = true;
      }
    }
  }
  return { order, stuck: [...stuckSet].sort((a, b) => a - b) };
}

/**
 * The critical-path priority of every node (HLFET list scheduling): the heaviest chain of work
 * from the node to the end of the walk, the node's own weight included. `weights[i]` is the work
 * of step `i` (the dokku commands it will run; 0 for steps that are skipped); barriers weigh 0.
 * Starting the ready step with the highest priority first keeps the longest chain moving, so a
 * parallel walk is not held up at the end by a chain that started late.
 */
export function criticalPriorities(graph: WalkGraph, weights: readonly number[]): number[] {
  const total = graph.dependents.length;
  const priority: number[] = new Array(total).fill(0);
  const { order } = topologicalOrder(graph);
  // Reverse topological order: every dependent is final before the nodes it waits for.
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    let after = 0;
    for (const d of graph.dependents[node]!) after = Math.max(after, priority[d]!);
    priority[node] = (node < graph.steps ? weights[node] ?? 0 : 0) + after;
  }
  return priority;
}
