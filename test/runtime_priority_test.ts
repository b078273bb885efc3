/**
 * Scheduling among ready steps: in parallel, the step heading the longest chain of remaining
 * commands starts first (critical-path list scheduling); one at a time, file order.
 */
import assert from "node:assert/strict";
import { emptyState, executePlan, planRun } from "../src/runtime/mod.ts";
import { buildWalkGraph, criticalPriorities } from "../src/runtime/_graph.ts";
import type { Dokkufile } from "../src/dokkufile/types.ts";
import { cmd, dokkufile, FakeRunner, stage, step } from "./support/fake_runner.ts";

const NO_INPUTS = { secretHashes: new Map<string, string>(), archiveHashes: new Map() };

async function run(df: Dokkufile, concurrency: number): Promise<FakeRunner> {
  const runner = new FakeRunner(() => ({ delayMs: 10 }));
  const state = emptyState(runner.target, df.project);
  const plan = planRun(df, state, NO_INPUTS);
  assert.deepEqual(plan.diagnostics, []);
  const report = await executePlan(plan, { runner, state, concurrency });
  assert.equal(report.status, "ok");
  return runner;
}

/** Three short independent steps first in the file, then a chain of three steps. */
function shortsThenChain(): Dokkufile {
  return dokkufile([stage("s", [
    step("a/x", { run: [cmd("ps:restart", "a")] }),
    step("b/x", { run: [cmd("ps:restart", "b")] }),
    step("c/x", { run: [cmd("ps:restart", "c")] }),
    step("z/1", { run: [cmd("apps:create", "z")] }),
    step("z/2", { needs: ["z/1"], run: [cmd("config:set", "z", "A=1")] }),
    step("z/3", { needs: ["z/2"], run: [cmd("ps:rebuild", "z"), cmd("ps:restart", "z")] }),
  ])]);
}

Deno.test("criticalPriorities: the heaviest chain from each node to the end", () => {
  // 0 -> 1 -> 2, and 3 alone; stage barrier node 4.
  const graph = buildWalkGraph(
    [
      { stage: 0, needs: [] },
      { stage: 0, needs: [0] },
      { stage: 0, needs: [1] },
      { stage: 0, needs: [] },
    ],
    [[]],
  );
  assert.deepEqual(criticalPriorities(graph, [1, 2, 3, 5]), [6, 5, 3, 5, 0]);
});

Deno.test("executor: in parallel, the head of the longest chain starts before shorter steps", async () => {
  const runner = await run(shortsThenChain(), 2);
  const first = runner.calls.slice(0, 2).map((c) => c.line).sort();
  // z/1 heads 4 commands, the others 1 each: it starts at once although it is 4th in the file.
  assert.deepEqual(first, ["apps:create z", "ps:restart a"]);
});

Deno.test("executor: one at a time, steps still run in file order", async () => {
  const runner = await run(shortsThenChain(), 1);
  assert.deepEqual(runner.lines(), [
    "ps:restart a",
    "ps:restart b",
    "ps:restart c",
    "apps:create z",
    "config:set z A=1",
    "ps:rebuild z",
    "ps:restart z",
  ]);
});
