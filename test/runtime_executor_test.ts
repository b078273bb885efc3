import assert from "node:assert/strict";
import {
  emptyState,
  type ExecuteOptions,
  executePlan,
  makeRedactor,
  planRun,
  type RunEvent,
  type RunState,
} from "../src/runtime/mod.ts";
import type { Dokkufile } from "../src/dokkufile/types.ts";
import {
  cmd,
  dokkufile,
  FakeRunner,
  miniDokku,
  overlaps,
  stage,
  step,
} from "./support/fake_runner.ts";

const NO_INPUTS = { secretHashes: new Map<string, string>(), archiveHashes: new Map() };

async function run(
  df: Dokkufile,
  runner: FakeRunner,
  options: Partial<ExecuteOptions> & { state?: RunState } = {},
) {
  const state = options.state ?? emptyState(runner.target, df.project);
  const plan = planRun(df, state, NO_INPUTS);
  assert.deepEqual(plan.diagnostics, []);
  const events: RunEvent[] = [];
  const saved: RunState[] = [];
  const report = await executePlan(plan, {
    runner,
    state,
    saveState: (s) => saved.push(structuredClone(s)),
    emit: (e) => events.push(e),
    verify: { timeoutMs: 200, intervalMs: 10 },
    ...options,
  });
  return { report, events, saved, plan };
}

Deno.test("executor: independent steps run in parallel up to the concurrency limit", async () => {
  const steps = Array.from({ length: 8 }, (_, i) => step(`a${i}/x`));
  const runner = new FakeRunner(() => ({ delayMs: 15 }));
  const { report } = await run(dokkufile([stage("s", steps)]), runner, { concurrency: 3 });
  assert.equal(report.status, "ok");
  assert.equal(runner.calls.length, 8);
  assert.equal(runner.maxInFlight, 3);
});

Deno.test("executor: concurrency 1 runs steps one at a time in file order", async () => {
  const steps = Array.from({ length: 5 }, (_, i) => step(`a${i}/x`));
  const runner = new FakeRunner(() => ({ delayMs: 2 }));
  await run(dokkufile([stage("s", steps)]), runner, { concurrency: 1 });
  assert.equal(runner.maxInFlight, 1);
  assert.deepEqual(runner.lines(), ["a0", "a1", "a2", "a3", "a4"].map((a) => `ps:restart ${a}`));
});

Deno.test("executor: steps with the same lock never overlap; global steps never overlap", async () => {
  const steps = [
    step("web/a", { lock: "app:web", run: [cmd("ps:restart", "w1")] }),
    step("web/b", { lock: "app:web", run: [cmd("ps:restart", "w2")] }),
    step("g/1", { lock: "global", run: [cmd("network:create", "n1")] }),
    step("g/2", { lock: "global", run: [cmd("network:create", "n2")] }),
    step("api/a", { lock: "app:api", run: [cmd("ps:restart", "a1")] }),
  ];
  const runner = new FakeRunner(() => ({ delayMs: 15 }));
  const { report } = await run(dokkufile([stage("s", steps)]), runner, { concurrency: 8 });
  assert.equal(report.status, "ok");
  const call = (line: string) => runner.calls.find((c) => c.line === line)!;
  assert.ok(!overlaps(call("ps:restart w1"), call("ps:restart w2")));
  assert.ok(!overlaps(call("network:create n1"), call("network:create n2")));
  // Different locks do overlap: the limit is the lock, not a global serialization.
  assert.ok(overlaps(call("ps:restart w1"), call("ps:restart a1")));
  assert.ok(overlaps(call("ps:restart w1"), call("network:create n1")));
});

Deno.test("executor: a step waits for its needs and for the stages its stage needs", async () => {
  const df = dokkufile([
    stage("setup", [step("net/x", { lock: "global", run: [cmd("network:create", "n")] })]),
    stage("level-1", [
      step("db/create", { lock: "datastore:postgres:db", run: [cmd("postgres:create", "db")] }),
      step("web/create", { run: [cmd("apps:create", "web")] }),
      step("web/link", {
        needs: ["db/create", "web/create"],
        run: [cmd("postgres:link", "db", "web")],
      }),
    ], ["setup"]),
  ]);
  const runner = new FakeRunner(() => ({ delayMs: 10 }));
  await run(df, runner, { concurrency: 8 });
  const call = (line: string) => runner.calls.find((c) => c.line === line)!;
  const net = call("network:create n");
  for (const l of ["postgres:create db", "apps:create web", "postgres:link db web"]) {
    assert.ok(call(l).start >= net.end, `${l} started before the setup stage was done`);
  }
  assert.ok(call("postgres:link db web").start >= call("postgres:create db").end);
  assert.ok(call("postgres:link db web").start >= call("apps:create web").end);
  assert.ok(overlaps(call("postgres:create db"), call("apps:create web")));
});

Deno.test("executor: guard present skips the commands and records created=false", async () => {
  const mini = miniDokku();
  mini.state.apps.set("web", { config: new Map(), ports: [], props: new Map() });
  const runner = new FakeRunner(mini.handler);
  const df = dokkufile([stage("s", [
    step("web/create", {
      guard: { argv: ["dokku", "apps:exists", "web"], presentExit: [0], missingExit: [20] },
      run: [cmd("apps:create", "web")],
      undo: [cmd("apps:destroy", "web", "--force")],
    }),
  ])]);
  const { report, saved } = await run(df, runner);
  assert.equal(report.status, "ok");
  assert.deepEqual(runner.lines(), ["apps:exists web"]);
  assert.equal(report.results.get("web/create"), "present");
  assert.equal(saved.at(-1)!.steps["web/create"]!.created, false);
});

Deno.test("executor: guard missing runs; an unexpected guard exit fails the step", async () => {
  const mini = miniDokku();
  const runner = new FakeRunner(mini.handler);
  const guarded = (argvExit: number) =>
    dokkufile([stage("s", [
      step("web/create", {
        guard: { argv: ["dokku", "apps:exists", "web"], presentExit: [0], missingExit: [argvExit] },
        run: [cmd("apps:create", "web")],
      }),
    ])]);
  const ok = await run(guarded(20), runner);
  assert.equal(ok.report.status, "ok");
  assert.deepEqual(runner.lines(), ["apps:exists web", "apps:create web"]);
  assert.equal(ok.saved.at(-1)!.steps["web/create"]!.created, true);

  const strange = new FakeRunner(() => ({ code: 1, stderr: "App name invalid" }));
  const bad = await run(guarded(20), strange);
  assert.equal(bad.report.status, "failed");
  assert.deepEqual(strange.lines(), ["apps:exists web"]);
  assert.match(bad.report.failure!.message, /guard exited 1, which is neither "present" \(0\)/);
});

Deno.test("executor: an accepted outcome counts as unchanged and runs its `then`", async () => {
  const runner = new FakeRunner((argv) =>
    argv[1] === "git:from-image"
      ? { code: 1, stdout: "No changes detected, skipping git commit" }
      : {}
  );
  const df = dokkufile([stage("s", [
    step("web/deploy", {
      run: [{
        argv: ["dokku", "git:from-image", "web", "nginx:1"],
        accept: [{
          exit: 1,
          output: "No changes detected",
          as: "unchanged",
          then: ["dokku", "ps:rebuild", "web"],
        }],
      }],
    }),
  ])]);
  const { report } = await run(df, runner);
  assert.equal(report.status, "ok");
  assert.deepEqual(runner.lines(), ["git:from-image web nginx:1", "ps:rebuild web"]);
});

Deno.test("executor: an exit code an accept rule does not cover fails (never ignore every error)", async () => {
  for (
    const reply of [{ code: 1, stderr: "pull access denied" }, {
      code: 2,
      stdout: "No changes detected",
    }]
  ) {
    const runner = new FakeRunner((argv) => argv[1] === "git:from-image" ? reply : {});
    const df = dokkufile([stage("s", [
      step("web/deploy", {
        run: [{
          argv: ["dokku", "git:from-image", "web", "nginx:1"],
          accept: [{ exit: 1, output: "No changes detected", as: "unchanged" }],
        }],
      }),
    ])]);
    const { report } = await run(df, runner);
    assert.equal(report.status, "failed");
    assert.equal(report.failure!.exit, reply.code);
  }
});

Deno.test("executor: a failing `then` fails the step", async () => {
  const runner = new FakeRunner((argv) =>
    argv[1] === "git:from-image"
      ? { code: 1, stdout: "No changes detected" }
      : argv[1] === "ps:rebuild"
      ? { code: 1, stderr: "build failed" }
      : {}
  );
  const df = dokkufile([stage("s", [
    step("web/deploy", {
      run: [{
        argv: ["dokku", "git:from-image", "web", "nginx:1"],
        accept: [{
          exit: 1,
          output: "No changes detected",
          as: "unchanged",
          then: ["dokku", "ps:rebuild", "web"],
        }],
      }],
    }),
  ])]);
  const { report } = await run(df, runner);
  assert.equal(report.status, "failed");
  assert.deepEqual(report.failure!.argv, ["dokku", "ps:rebuild", "web"]);
});

function appStack(): Dokkufile {
  return dokkufile([
    stage("level-1", [
      step("db/create", {
        lock: "datastore:postgres:db",
        guard: { argv: ["dokku", "postgres:exists", "db"], presentExit: [0], missingExit: [1] },
        run: [cmd("postgres:create", "db")],
        undo: [cmd("postgres:destroy", "db", "--force")],
      }),
      step("web/create", {
        guard: { argv: ["dokku", "apps:exists", "web"], presentExit: [0], missingExit: [20] },
        run: [cmd("apps:create", "web")],
        undo: [cmd("apps:destroy", "web", "--force")],
      }),
      step("web/link", {
        needs: ["db/create", "web/create"],
        guard: {
          argv: ["dokku", "postgres:linked", "db", "web"],
          presentExit: [0],
          missingExit: [1],
        },
        run: [cmd("postgres:link", "db", "web", "--no-restart")],
        undo: [cmd("postgres:unlink", "db", "web", "--no-restart")],
      }),
      step("web/config", {
        needs: ["web/create"],
        run: [cmd("config:set", "--no-restart", "web", "A=1", "B=2")],
        undo: [cmd("config:unset", "--no-restart", "web", "A", "B")],
      }),
      step("web/ports", {
        needs: ["web/config"],
        run: [cmd("ports:set", "web", "http:80:5000")],
        undo: [cmd("ports:clear", "web")],
      }),
      step("web/ps", {
        needs: ["web/ports", "web/link"],
        run: [cmd("ps:set", "web", "restart-policy", "always")],
        undo: [cmd("ps:set", "web", "restart-policy")],
      }),
    ]),
  ]);
}

Deno.test("executor: a failure rolls back the steps of this run in reverse completion order", async () => {
  const mini = miniDokku((line) =>
    line.startsWith("ps:set web restart-policy always") ? { code: 1, stderr: "boom" } : undefined
  );
  const before = mini.snapshot();
  const runner = new FakeRunner(mini.handler);
  const { report, events, saved } = await run(appStack(), runner, { concurrency: 1 });
  assert.equal(report.status, "failed");
  assert.equal(report.failure!.step, "web/ps");
  assert.equal(mini.snapshot(), before);
  const undone = events.filter((e) => e.event === "step.undo").map((e) => e.step);
  const completed = events.filter((e) => e.event === "step.done").map((e) => e.step);
  assert.deepEqual(undone, [...completed].reverse());
  // Every undone step is gone from the state.
  assert.deepEqual(saved.at(-1)!.steps, {});
  assert.deepEqual(runner.lines().slice(-5), [
    "ports:clear web",
    "config:unset --no-restart web A B",
    "postgres:unlink db web --no-restart",
    "apps:destroy web --force",
    "postgres:destroy db --force",
  ]);
});

Deno.test("executor: rollback never undoes what the guard found present", async () => {
  const mini = miniDokku((line) =>
    line.startsWith("ports:set") ? { code: 1, stderr: "boom" } : undefined
  );
  mini.state.services.set("db", new Set());
  mini.state.apps.set("web", { config: new Map([["A", "old"]]), ports: [], props: new Map() });
  const before = mini.snapshot();
  const runner = new FakeRunner(mini.handler);
  const { report, events } = await run(appStack(), runner, { concurrency: 1 });
  assert.equal(report.status, "failed");
  assert.equal(mini.snapshot(), before, "rollback must restore the state before the run");
  assert.ok(!runner.lines().includes("apps:destroy web --force"));
  assert.ok(!runner.lines().includes("postgres:destroy db --force"));
  const kept = events.filter((e) => e.event === "step.undo" && e.result === "kept").map((e) =>
    e.event === "step.undo" ? e.step : ""
  );
  assert.deepEqual(kept.sort(), ["db/create", "web/create"]);
});

Deno.test("executor: settings of an existing app are captured and restored, not blindly undone", async () => {
  const mini = miniDokku((line) =>
    line.startsWith("ps:set web restart-policy always") ? { code: 1, stderr: "boom" } : undefined
  );
  mini.state.services.set("db", new Set(["web"]));
  mini.state.apps.set("web", {
    config: new Map([["A", "old-a"], ["DATABASE_URL", "postgres://x"], ["KEEP", "k"]]),
    ports: ["http:8080:80", "https:443:80"],
    props: new Map(),
  });
  const before = mini.snapshot();
  const runner = new FakeRunner(mini.handler);
  const { report } = await run(appStack(), runner, { concurrency: 1 });
  assert.equal(report.status, "failed");
  assert.equal(mini.snapshot(), before);
  const lines = runner.lines();
  assert.ok(lines.includes("config:export --format json web"));
  assert.ok(lines.includes("ports:report web --ports-map"));
  assert.ok(lines.includes("ps:report web --ps-restart-policy"));
  // Restore, not UNDO: the UNDO would have deleted the pre-existing A.
  assert.ok(!lines.includes("config:unset --no-restart web A B"));
  assert.ok(lines.includes("config:unset --no-restart web B"));
  const imp = runner.calls.find((c) =>
    c.line === "config:import --no-restart --format json web -"
  )!;
  assert.deepEqual(JSON.parse(imp.stdin as string), { A: "old-a" });
  assert.ok(lines.includes("ports:set web http:8080:80 https:443:80"));
});

Deno.test("executor: nothing is captured for an app created in this run", async () => {
  const mini = miniDokku();
  const runner = new FakeRunner(mini.handler);
  const { report } = await run(appStack(), runner, { concurrency: 2 });
  assert.equal(report.status, "ok");
  assert.ok(
    !runner.lines().some((l) => l.startsWith("config:export") || l.includes("--ports-map")),
  );
});

Deno.test("executor: --no-rollback leaves applied steps in place and recorded", async () => {
  const mini = miniDokku((line) =>
    line.startsWith("ports:set") ? { code: 1, stderr: "boom" } : undefined
  );
  const runner = new FakeRunner(mini.handler);
  const { report, saved } = await run(appStack(), runner, { concurrency: 1, rollback: false });
  assert.equal(report.status, "failed");
  assert.ok(mini.state.apps.has("web"));
  assert.deepEqual(Object.keys(saved.at(-1)!.steps).sort(), [
    "db/create",
    "web/config",
    "web/create",
    "web/link",
  ]);
  assert.ok(!runner.lines().some((l) => l.includes("destroy")));
});

Deno.test("executor: after a failure no new step starts; running steps finish", async () => {
  const steps = [
    step("a/x", { run: [cmd("ps:restart", "a")] }),
    step("b/x", { run: [cmd("ps:restart", "b")] }),
    step("c/x", { run: [cmd("ps:restart", "c")] }),
    step("d/x", { run: [cmd("ps:restart", "d")] }),
  ];
  const runner = new FakeRunner((argv) =>
    argv[2] === "a" ? { code: 1, delayMs: 5 } : { delayMs: 30 }
  );
  const { report } = await run(dokkufile([stage("s", steps)]), runner, { concurrency: 2 });
  assert.equal(report.status, "failed");
  assert.deepEqual(runner.lines(), ["ps:restart a", "ps:restart b"]);
  // b/x finished after the failure and was rolled back; it has no undo, so it is left.
  assert.equal(report.results.get("b/x"), "left");
  assert.equal(report.results.get("c/x"), "cancelled");
});

Deno.test("executor: the state is saved after every step", async () => {
  const steps = Array.from({ length: 3 }, (_, i) => step(`a${i}/x`));
  const runner = new FakeRunner(() => ({}));
  const { saved } = await run(dokkufile([stage("s", steps)]), runner, { concurrency: 1 });
  assert.deepEqual(saved.map((s) => Object.keys(s.steps).length), [1, 2, 3]);
});

Deno.test("executor: secrets go on stdin as JSON, never in argv, and are redacted from events", async () => {
  const secret = "p@ss 'w\"$`x\nyz";
  const runner = new FakeRunner((argv) =>
    argv[1] === "config:import"
      ? { code: 1, stderr: `invalid value ${secret}` }
      : argv[1] === "config:export"
      ? { stdout: "{}" }
      : {}
  );
  const df = dokkufile([stage("s", [
    step("web/secrets", {
      run: [{
        argv: ["dokku", "config:import", "--no-restart", "--format", "json", "web", "-"],
        stdin: { kind: "secrets-json", secrets: [{ key: "DB_PASSWORD", secret: "db" }] },
      }],
    }),
  ])], { secrets: ["db"] });
  const { report, events } = await run(df, runner, {
    secrets: new Map([["db", secret]]),
    redact: makeRedactor([secret]),
  });
  assert.equal(report.status, "failed");
  const imp = runner.calls.find((c) => c.argv[1] === "config:import")!;
  assert.deepEqual(JSON.parse(imp.stdin as string), { DB_PASSWORD: secret });
  assert.ok(!runner.calls.some((c) => c.argv.join(" ").includes("p@ss")));
  const text = JSON.stringify(events);
  assert.ok(!text.includes("p@ss"), text);
  assert.match(text, /invalid value \*\*\*/);
});

Deno.test("executor: verify polls ps:report until the expected processes run", async () => {
  let polls = 0;
  const runner = new FakeRunner((argv) => {
    if (argv[1] !== "ps:report") return {};
    polls++;
    return {
      stdout: JSON.stringify(
        polls < 3 ? { running: "false" } : {
          running: "true",
          "status-web-1": "running",
          "status-worker-1": "running",
          "status-worker-2": "running",
        },
      ),
    };
  });
  const df = dokkufile([stage("s", [
    step("web/deploy", { verify: { app: "web", processes: { web: 1, worker: 2 } } }),
  ])]);
  const { report } = await run(df, runner, { verify: { timeoutMs: 1000, intervalMs: 5 } });
  assert.equal(report.status, "ok");
  assert.equal(polls, 3);
  assert.deepEqual(report.services, [{
    app: "web",
    step: "web/deploy",
    status: "running",
    processes: { web: "1/1", worker: "2/2" },
  }]);
});

Deno.test("executor: verify gives up after its timeout and fails the step", async () => {
  const runner = new FakeRunner((argv) =>
    argv[1] === "ps:report"
      ? { stdout: JSON.stringify({ running: "mixed", "status-web-1": "exited" }) }
      : {}
  );
  const df = dokkufile([stage("s", [
    step("web/deploy", { verify: { app: "web", processes: { web: 1 } } }),
  ])]);
  const { report } = await run(df, runner, { verify: { timeoutMs: 40, intervalMs: 10 } });
  assert.equal(report.status, "failed");
  assert.match(report.failure!.message, /app "web" is not running as expected .*web 0\/1/);
  assert.equal(report.services[0]!.status, "not running");
});

Deno.test("executor: an interrupt stops new starts, then rolls back", async () => {
  const controller = new AbortController();
  const mini = miniDokku();
  const runner = new FakeRunner((argv, stdin) => {
    if (argv[1] === "config:set") controller.abort();
    return mini.handler(argv, stdin);
  });
  const before = mini.snapshot();
  const { report } = await run(appStack(), runner, { concurrency: 1, signal: controller.signal });
  assert.equal(report.status, "interrupted");
  assert.equal(mini.snapshot(), before);
  assert.ok(!runner.lines().includes("ports:set web http:80:5000"));
});

Deno.test("executor: a partly run step is undone too", async () => {
  const mini = miniDokku((line) => line.startsWith("ports:set") ? { code: 1 } : undefined);
  const runner = new FakeRunner(mini.handler);
  const df = dokkufile([stage("s", [
    step("web/create", {
      run: [cmd("apps:create", "web")],
      undo: [cmd("apps:destroy", "web", "--force")],
    }),
    step("web/settings", {
      needs: ["web/create"],
      run: [
        cmd("config:set", "--no-restart", "web", "A=1"),
        cmd("ports:set", "web", "http:80:5000"),
      ],
      undo: [cmd("config:unset", "--no-restart", "web", "A"), cmd("ports:clear", "web")],
    }),
  ])]);
  const { report } = await run(df, runner);
  assert.equal(report.status, "failed");
  assert.equal(mini.state.apps.size, 0);
  assert.ok(runner.lines().includes("config:unset --no-restart web A"));
});
