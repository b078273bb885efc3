import assert from "node:assert/strict";
import {
  emptyState,
  executePlan,
  JsonProgress,
  planRun,
  renderPlanText,
  TextProgress,
} from "../src/runtime/mod.ts";
import { cmd, dokkufile, FakeRunner, stage, step } from "./support/fake_runner.ts";

const NO_INPUTS = { secretHashes: new Map<string, string>(), archiveHashes: new Map() };

function df() {
  return dokkufile([stage("s", [
    step("a/x", { run: [cmd("ps:restart", "a")] }),
    step("b/x", { run: [cmd("ps:restart", "b")] }),
    step("c/x", { run: [cmd("ps:restart", "c")] }),
  ])]);
}

Deno.test("progress: parallel step output is printed whole per step, in Dokkufile order", async () => {
  // a is slowest, c fastest: completion order is c, b, a; printed order must be a, b, c.
  const delays: Record<string, number> = { a: 40, b: 20, c: 1 };
  const runner = new FakeRunner((argv) => ({
    delayMs: delays[argv[2]!]!,
    stdout: `out of ${argv[2]}\nline 2`,
  }));
  const plan = planRun(df(), emptyState("fake", "shop"), NO_INPUTS);
  let out = "";
  const progress = new TextProgress(plan, {
    write: (t) => out += t,
    tty: false,
    explain: false,
    clock: () => 0,
  });
  const report = await executePlan(plan, {
    runner,
    state: emptyState("fake", "shop"),
    concurrency: 3,
    clock: () => 0,
    emit: (e) => progress.onEvent(e),
  });
  assert.equal(report.status, "ok");
  assert.equal(
    out,
    [
      "+ a/x: new -> done in 0.00s",
      "    $ dokku ps:restart a",
      "      | out of a",
      "      | line 2",
      "+ b/x: new -> done in 0.00s",
      "    $ dokku ps:restart b",
      "      | out of b",
      "      | line 2",
      "+ c/x: new -> done in 0.00s",
      "    $ dokku ps:restart c",
      "      | out of c",
      "      | line 2",
      "",
    ].join("\n"),
  );
});

Deno.test("progress: a TTY gets a redrawn status line naming running steps", () => {
  const plan = planRun(df(), emptyState("fake", "shop"), NO_INPUTS);
  let out = "";
  let now = 1000;
  const progress = new TextProgress(plan, {
    write: (t) => out += t,
    tty: true,
    explain: false,
    clock: () => now,
  });
  progress.onEvent({
    event: "step.start",
    step: "b/x",
    stage: "s",
    index: 1,
    reason: "new",
    explain: "",
  });
  now = 2500;
  progress.tick();
  assert.ok(out.endsWith("\r\x1b[2K[0/3] running b/x 1.5s"), JSON.stringify(out));
});

Deno.test("progress: --explain shows skipped steps and why steps run", () => {
  const plan = planRun(df(), emptyState("fake", "shop"), NO_INPUTS);
  const text = renderPlanText(plan, { explain: true, target: "fake" });
  assert.ok(text.includes("+ run: new  a/x\n      no record of this step in the state\n"), text);
});

Deno.test("progress: JSON events are versioned lines", () => {
  let out = "";
  new JsonProgress((t) => out += t).onEvent({ event: "step.cancel", step: "a/x", index: 0 });
  assert.equal(out, '{"v":1,"event":"step.cancel","step":"a/x","index":0}\n');
});
