/**
 * End-to-end: `dokompose run` against the stateful dokku double (no Docker, no Dokku).
 * The CLI runs in-process (test/support/cli.ts), except for the SIGKILL test, which needs a
 * real process to kill.
 */
import assert from "node:assert/strict";
import { createDouble, type Double, snapshotState } from "./support/double.ts";
import { cliProcessArgs, runCli } from "./support/cli.ts";
import { parseDokkufile } from "../src/dokkufile/mod.ts";

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const FIXTURE = `${REPO}/fixtures/run/shop/Dokkufile`;
const SECRET = "s3cr3t 'v\"$`x";
const MESSAGE = "hello \"$USER\" `x` 'q'\nnext ☃";

interface Target {
  readonly double: Double;
  readonly env: Record<string, string>;
  readonly state: string;
  run(file: string, extra?: string[]): ReturnType<typeof runCli>;
}

async function target(): Promise<Target> {
  const double = await createDouble();
  const env = { ...double.env, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", app_secret: SECRET };
  const state = `${double.stateDir}/dokompose-state.json`;
  return {
    double,
    env,
    state,
    run: (file, extra = []) =>
      runCli(
        [
          "run",
          file,
          "--dokku",
          double.path,
          "--state",
          state,
          "--verify-timeout",
          "5",
          "--concurrency",
          "8",
          ...extra,
        ],
        { env, cwd: REPO },
      ),
  };
}

/** Datastore passwords are random per double: compare snapshots without them. */
function normalized(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/:[0-9a-f]{16,}@/g, ":PW@");
}

async function withFile(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  // Next to the fixture, so its build context `web` resolves the same way.
  const path = `${REPO}/fixtures/run/shop/.test-${crypto.randomUUID()}.Dokkufile`;
  await Deno.writeTextFile(path, text);
  try {
    await fn(path);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("e2e: the fixture parses and every command is one the double accepts", async () => {
  const { dokkufile, diagnostics } = parseDokkufile(await Deno.readTextFile(FIXTURE), {
    file: "Dokkufile",
  });
  assert.deepEqual(diagnostics, []);
  assert.equal(dokkufile?.stages.flatMap((s) => s.steps).length, 17);
});

Deno.test("e2e: first run applies; a rerun runs nothing; one env change reruns only its config and deploy", async () => {
  const t = await target();
  try {
    const first = await t.run(FIXTURE);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.stderr, "");
    assert.match(first.stdout, /Done: 17 applied/);
    assert.match(first.stdout, /shop-web\s+running\s+\(web 1\/1\)/);
    assert.ok(!first.stdout.includes("s3cr3t"), "the secret leaked into the output");
    assert.doesNotMatch(first.stdout, /postgres:\/\/postgres:[0-9a-f]+@/);

    const state = await t.double.state();
    const web = state.apps["shop-web"]!;
    assert.equal(web.config["MESSAGE"], MESSAGE);
    assert.equal(web.config["LOG_LEVEL"], "info");
    assert.equal(web.config["SECRET_KEY"], SECRET);
    assert.match(web.config["DATABASE_URL"]!, /^postgres:\/\//);
    assert.match(web.config["REDIS_URL"]!, /^redis:\/\//);
    assert.deepEqual(web.ports, ["http:80:80"]);
    assert.equal(web.deployed, true);
    assert.equal(web.source?.kind, "archive");
    const worker = state.apps["shop-worker"]!;
    assert.equal(worker.proxyEnabled, false);
    assert.deepEqual(worker.config["QUEUE"], "default");
    assert.equal(worker.source?.kind === "image" && worker.source.image, "busybox:1.36");
    assert.deepEqual(Object.keys(state.datastores["postgres"] ?? {}), ["shop-db"]);
    // The secret reached dokku on stdin, never in argv.
    const log = await t.double.log();
    assert.ok(!log.some((e) => e.argv.join(" ").includes("s3cr3t")));
    // Parallel: both apps' create steps overlapped in time.
    const created = log.filter((e) => e.argv[1] === "apps:create");
    assert.equal(created.length, 2);

    const before = log.length;
    const again = await t.run(FIXTURE);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Done: 17 unchanged/);
    assert.equal((await t.double.log()).length, before, "a no-op rerun ran commands");

    const text = (await Deno.readTextFile(FIXTURE)).replace(
      "config:set --no-restart shop-worker LOG_LEVEL=info",
      "config:set --no-restart shop-worker LOG_LEVEL=debug",
    );
    await withFile(text, async (path) => {
      const mutatingBefore = (await t.double.mutatingLog()).length;
      const changed = await t.run(path, ["--explain"]);
      assert.equal(changed.code, 0, changed.stdout + changed.stderr);
      assert.match(changed.stdout, /why: its content changed/);
      assert.match(changed.stdout, /why: it needs worker\/config, which runs/);
      const mutating = (await t.double.mutatingLog()).slice(mutatingBefore).map((e) =>
        e.argv.slice(1).join(" ")
      );
      assert.deepEqual(mutating, [
        "config:set --no-restart shop-worker LOG_LEVEL=debug QUEUE=default",
        "git:from-image shop-worker busybox:1.36",
        "ps:rebuild shop-worker",
      ]);
      assert.equal((await t.double.state()).apps["shop-worker"]!.config["LOG_LEVEL"], "debug");
    });
  } finally {
    await t.double.cleanup();
  }
});

Deno.test("e2e: a failure at any step rolls the target back to the state before the run", async () => {
  const { dokkufile } = parseDokkufile(await Deno.readTextFile(FIXTURE), { file: "Dokkufile" });
  const steps = dokkufile!.stages.flatMap((s) => s.steps);
  // Each step's first command fails in turn (six doubles at a time: the double is latency-bound).
  const queue = [...steps];
  const worker = async () => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      const t = await target();
      try {
        const before = normalized(snapshotState(await t.double.state()));
        const argv = s.run[0]!.argv.slice(1);
        await t.double.setFaults([{
          match: argv.slice(0, 3),
          exit: 1,
          stderr: `injected failure in ${s.id}`,
          times: 1,
        }]);
        // Concurrency 1: only the steps before the failing one run, which keeps this quick.
        const r = await t.run(FIXTURE, ["--concurrency", "1"]);
        assert.equal(r.code, 1, `${s.id}: ${r.stdout}`);
        assert.match(r.stderr, new RegExp(`Step "${s.id}" failed: .*injected failure in ${s.id}`));
        assert.equal(normalized(snapshotState(await t.double.state())), before, s.id);
        const saved = await Deno.readTextFile(t.state).then(JSON.parse, () => ({ steps: {} }));
        assert.deepEqual(saved.steps, {}, `${s.id}: state keeps undone steps`);
      } finally {
        await t.double.cleanup();
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, () => worker()));
});

Deno.test("e2e: a failed change on a deployed stack restores the captured settings", async () => {
  const t = await target();
  try {
    assert.equal((await t.run(FIXTURE)).code, 0);
    const before = normalized(snapshotState(await t.double.state()));
    const text = (await Deno.readTextFile(FIXTURE))
      .replace("shop-web LOG_LEVEL=info", "shop-web LOG_LEVEL=debug NEW_KEY=1")
      .replace(
        "UNDO dokku config:unset --no-restart shop-web LOG_LEVEL MESSAGE",
        "UNDO dokku config:unset --no-restart shop-web LOG_LEVEL NEW_KEY MESSAGE",
      )
      .replace("ports:set shop-web http:80:80", "ports:set shop-web http:8080:80")
      .replace("ps:scale --skip-deploy shop-web web=1", "ps:scale --skip-deploy shop-web web=2");
    await t.double.setFaults([{ match: ["git:from-archive"], exit: 1, stderr: "build failed" }]);
    await withFile(text, async (path) => {
      const r = await t.run(path, ["--concurrency", "1"]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, /web\/config: its captured settings restored/);
      assert.match(r.stdout, /web\/ports: its captured settings restored/);
      assert.match(r.stdout, /web\/scale: its captured settings restored/);
    });
    assert.equal(normalized(snapshotState(await t.double.state())), before);
    // The applied steps of the failed run are no longer recorded; the rest still are.
    const saved = JSON.parse(await Deno.readTextFile(t.state));
    assert.equal(Object.keys(saved.steps).length, 17);
  } finally {
    await t.double.cleanup();
  }
});

Deno.test("e2e: --no-rollback leaves applied steps; the next run resumes", async () => {
  const t = await target();
  try {
    await t.double.setFaults([{
      match: ["git:from-image"],
      exit: 1,
      stderr: "pull failed",
      times: 1,
    }]);
    const r = await t.run(FIXTURE, ["--no-rollback"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /DK5018/);
    assert.ok((await t.double.state()).apps["shop-worker"] !== undefined);
    const mutatingBefore = (await t.double.mutatingLog()).length;
    const resumed = await t.run(FIXTURE);
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    const mutating = (await t.double.mutatingLog()).slice(mutatingBefore).map((e) => e.argv[1]);
    // What the failed run applied is not redone; the failed deploy and what never started run.
    assert.ok(mutating.includes("git:from-image"));
    assert.ok(!mutating.includes("apps:create") && !mutating.includes("postgres:create"));
    assert.ok(
      !mutating.includes("config:set") || mutating.filter((m) => m === "config:set").length < 2,
    );
  } finally {
    await t.double.cleanup();
  }
});

Deno.test("e2e: two concurrent runs against one target: the second is refused, naming the holder", async () => {
  const t = await target();
  try {
    await t.double.setFaults([{ match: ["postgres:exists"], delayMs: 800 }]);
    const first = t.run(FIXTURE);
    for (let i = 0; i < 100; i++) {
      try {
        await Deno.stat(`${t.state}.lock`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const second = await t.run(FIXTURE);
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      new RegExp(`error DK5004: .*locked by another run \\(pid ${Deno.pid} on host "`),
    );
    assert.equal(second.stdout, "");
    assert.equal((await first).code, 0);
  } finally {
    await t.double.cleanup();
  }
});

/** `dokompose run` of the fixture as its own process (to be signalled), one step at a time. */
function spawnRun(t: Target, output: "null" | "piped"): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: cliProcessArgs([
      "run",
      FIXTURE,
      "--dokku",
      t.double.path,
      "--state",
      t.state,
      "--concurrency",
      "1",
    ]),
    env: t.env,
    stdout: output,
    stderr: output,
  }).spawn();
}

/**
 * Waits until the fixture's delayed `config:set` of shop-web is in flight: `web/link-cache` is
 * recorded just before it starts.
 */
async function untilConfigInFlight(t: Target): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await Deno.readTextFile(t.state)).includes('"web/link-cache"')) break;
    } catch {
      // Not written yet.
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 200));
}

Deno.test("e2e: SIGKILL mid-run, then a rerun finishes the job", async () => {
  const t = await target();
  try {
    await t.double.setFaults([{
      match: ["config:set", "--no-restart", "shop-web"],
      delayMs: 1500,
    }]);
    const child = spawnRun(t, "null");
    await untilConfigInFlight(t);
    child.kill("SIGKILL");
    const status = await child.status;
    assert.equal(status.signal, "SIGKILL");
    const saved = JSON.parse(await Deno.readTextFile(t.state));
    assert.ok(saved.steps["web/link-cache"] !== undefined);
    assert.equal(saved.steps["web/config"], undefined);
    // Let the orphaned dokku command finish before resuming (as a real server would).
    for (let i = 0; i < 200; i++) {
      if ((await t.double.log()).some((e) => e.argv[1] === "config:set")) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const resumed = await t.run(FIXTURE);
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.match(resumed.stderr, /warning DK5005: Taking over a stale lock/);
    assert.match(resumed.stdout, /Done: .*applied.*5 unchanged/);
    const state = await t.double.state();
    for (const app of ["shop-web", "shop-worker"]) {
      assert.equal(state.apps[app]?.deployed, true, app);
      assert.match(state.apps[app]!.config["DATABASE_URL"] ?? "", /^postgres:/);
      assert.match(state.apps[app]!.config["REDIS_URL"] ?? "", /^redis:/);
      assert.equal(state.apps[app]!.config["LOG_LEVEL"], "info");
    }
    assert.equal(state.apps["shop-web"]!.config["MESSAGE"], MESSAGE);
    assert.equal(state.apps["shop-web"]!.config["SECRET_KEY"], SECRET);
    // Nothing was created twice.
    const creates = (await t.double.log()).filter((e) =>
      /:create$/.test(e.argv[1]!) && e.exit === 0
    );
    assert.equal(creates.length, 4);
    const final = JSON.parse(await Deno.readTextFile(t.state));
    assert.equal(Object.keys(final.steps).length, 17);
  } finally {
    await t.double.cleanup();
  }
});

const GOLDEN = `${REPO}/fixtures/compile/web-postgres-redis-worker/expected.Dokkufile`;
const goldenExists = (() => {
  try {
    return Deno.statSync(GOLDEN).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "e2e: a compiled golden Dokkufile runs, and a rerun runs nothing",
  ignore: !goldenExists,
  fn: async () => {
    const text = await Deno.readTextFile(GOLDEN);
    const { dokkufile, diagnostics } = parseDokkufile(text, { file: "expected.Dokkufile" });
    assert.deepEqual(diagnostics.filter((d) => d.severity === "error"), []);
    const t = await target();
    try {
      const secrets = Object.fromEntries(dokkufile!.secrets.map((s) => [s, `value-of-${s}`]));
      const run = (extra: string[] = []) =>
        runCli(
          [
            "run",
            GOLDEN,
            "--dokku",
            t.double.path,
            "--state",
            t.state,
            "--verify-timeout",
            "5",
            ...extra,
          ],
          { env: { ...t.env, ...secrets }, cwd: REPO },
        );
      const first = await run();
      assert.equal(first.code, 0, first.stdout + first.stderr);
      const before = (await t.double.log()).length;
      const again = await run();
      assert.equal(again.code, 0, again.stderr);
      assert.equal((await t.double.log()).length, before);
    } finally {
      await t.double.cleanup();
    }
  },
});

Deno.test("e2e: SIGINT mid-run: the running step finishes, nothing new starts, all is rolled back", async () => {
  const t = await target();
  try {
    const before = normalized(snapshotState(await t.double.state()));
    await t.double.setFaults([{ match: ["config:set", "--no-restart", "shop-web"], delayMs: 800 }]);
    const child = spawnRun(t, "piped");
    await untilConfigInFlight(t);
    child.kill("SIGINT");
    const out = await child.output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, stdout + stderr);
    assert.match(stderr, /error DK5016: Interrupted; no new step was started/);
    assert.match(stdout, /\+ web\/config: new -> done/);
    assert.match(stdout, /- web\/secrets: not started/);
    assert.match(stdout, /Rollback complete\./);
    assert.equal(normalized(snapshotState(await t.double.state())), before);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(t.state)).steps, {});
    await assert.rejects(Deno.stat(`${t.state}.lock`));
  } finally {
    await t.double.cleanup();
  }
});
