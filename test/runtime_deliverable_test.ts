/**
 * A plan whose commands the target cannot deliver intact (a newline outside `config:set` over
 * ssh) is refused before anything runs, naming the step and the command.
 */
import assert from "node:assert/strict";
import { emptyState, planRun, undeliverableCommands } from "../src/runtime/mod.ts";
import { emitDokkufile } from "../src/dokkufile/mod.ts";
import { cmd, dokkufile, stage, step } from "./support/fake_runner.ts";
import { runCli } from "./support/cli.ts";

const noNewlines = (argv: readonly string[]) =>
  argv.some((a) => a.includes("\n")) ? "a value contains a newline" : undefined;

const FILE = dokkufile([
  stage("setup", [
    step("web/create", { run: [cmd("apps:create", "shop-web")] }),
    step("web/domains", {
      needs: ["web/create"],
      run: [cmd("domains:set", "shop-web", "a\nb.example.com")],
      undo: [cmd("domains:clear", "shop-web")],
    }),
    step("web/ps", {
      needs: ["web/create"],
      run: [cmd("ps:set", "shop-web", "restart-policy", "always")],
      undo: [cmd("ps:set", "shop-web", "dockerfile-start-cmd", "x\ny")],
    }),
  ]),
]);

Deno.test("undeliverableCommands: one DK5022 per command the runner refuses, run and undo alike", () => {
  const plan = planRun(FILE, emptyState("local", "shop"), {
    secretHashes: new Map(),
    archiveHashes: new Map(),
  });
  const found = undeliverableCommands(plan, noNewlines);
  assert.deepEqual(found.map((d) => [d.code, d.message.split(":")[0]]), [
    ["DK5022", 'Step "web/domains"'],
    ["DK5022", 'Step "web/ps"'],
  ]);
  assert.match(found[0]?.message ?? "", /"domains:set shop-web"/);
  assert.equal(undeliverableCommands(plan, () => undefined).length, 0);
});

Deno.test("plan --host refuses a Dokkufile with a value ssh cannot carry, before connecting", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/Dokkufile`, emitDokkufile(FILE));
    // Port 9 on loopback: nothing may be contacted; the refusal comes from the plan alone.
    const run = await runCli([
      "plan",
      "Dokkufile",
      "--host",
      "dokku@127.0.0.1:9",
      "--state",
      `${dir}/state.json`,
    ], { cwd: dir, env: { HOME: dir } });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /error DK5022: Step "web\/domains"/);
    assert.match(run.stderr, /newline/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
