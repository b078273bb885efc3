/** `dokompose plan` and `dokompose run` in-process: output, exit codes, errors. */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { createDouble } from "./support/double.ts";

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const FIXTURE = "fixtures/run/shop/Dokkufile";
const ENV = { app_secret: "s3cr3t-value", PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "dokompose-cli-run-" });
}

function plan(state: string, extra: string[] = []) {
  return runCli(["plan", FIXTURE, "--dokku", "/bin/false", "--state", state, ...extra], {
    env: ENV,
    cwd: REPO,
  });
}

Deno.test("plan: every step new on a fresh target, with --detailed-exitcode 2", async () => {
  const dir = await tempDir();
  try {
    const r = await plan(`${dir}/s.json`, ["--detailed-exitcode"]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, "");
    const lines = r.stdout.split("\n");
    assert.equal(lines[0], 'Plan for project "shop" on local:/bin/false');
    assert.ok(lines.includes("stage level-1"));
    assert.ok(lines.includes("  + run: new  db/create"), r.stdout);
    assert.match(r.stdout, /^17 to run \(17 new\), 0 unchanged$/m);
    // The plan never touches the target (the dokku here is /bin/false).
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plan: after a recorded run, nothing to do (exit 0); a change shows reasons", async () => {
  const dir = await tempDir();
  try {
    const json = await plan(`${dir}/s.json`, ["--format", "json"]);
    assert.equal(json.code, 0);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.version, 1);
    assert.equal(doc.steps.length, 17);
    assert.equal(doc.summary.byReason.new, 17);
    // Record every step as applied, as a run would.
    const steps: Record<string, unknown> = {};
    for (const s of doc.steps) steps[s.id] = { checksum: s.checksum, created: true };
    await Deno.writeTextFile(
      `${dir}/s.json`,
      JSON.stringify({ version: 1, target: "local:/bin/false", project: "shop", steps }),
    );
    const none = await plan(`${dir}/s.json`, ["--detailed-exitcode"]);
    assert.equal(none.code, 0, none.stdout + none.stderr);
    assert.match(none.stdout, /^Nothing to run, 17 unchanged$/m);
    assert.ok(none.stdout.includes("  = skip: unchanged  web/deploy\n"), none.stdout);

    const changed = await runCli(
      ["plan", FIXTURE, "--dokku", "/bin/false", "--state", `${dir}/s.json`, "--explain"],
      { env: { ...ENV, app_secret: "rotated" }, cwd: REPO },
    );
    assert.equal(changed.code, 0);
    assert.match(changed.stdout, /~ run: changed +web\/secrets\n +its checksum changed/);
    assert.match(
      changed.stdout,
      /~ run: upstream changed +web\/deploy\n +it needs web\/secrets, which runs/,
    );
    assert.match(
      changed.stdout,
      /= skip: unchanged +worker\/deploy\n +checksum [0-9a-f]{12} is recorded as applied/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plan: a corrupt state file is one warning and a full run (state reset)", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/s.json`, '{"version":1,"target":"local:/bin/false","proj');
    const r = await plan(`${dir}/s.json`);
    assert.equal(r.code, 0);
    assert.equal(r.stderr.match(/warning DK5002/g)?.length, 1, r.stderr);
    assert.match(r.stdout, /17 to run \(17 state reset\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run: a missing secret fails before anything runs, naming it", async () => {
  await using double = await createDouble();
  const r = await runCli(
    ["run", FIXTURE, "--dokku", double.path, "--state", `${double.stateDir}/s.json`],
    { env: { ...double.env, PATH: ENV.PATH }, cwd: REPO },
  );
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error DK5001: Secret "app_secret" is not set; nothing was run/);
  assert.match(r.stderr, /hint: Set the environment variable "app_secret" or "APP_SECRET"/);
  assert.deepEqual(await double.log(), []);
});

Deno.test("run: --secrets-file provides secrets; --dry-run prints the plan and runs nothing", async () => {
  await using double = await createDouble();
  const file = `${double.stateDir}/secrets.env`;
  await Deno.writeTextFile(file, "app_secret='from file'\n");
  const r = await runCli(
    [
      "run",
      FIXTURE,
      "--dokku",
      double.path,
      "--state",
      `${double.stateDir}/s.json`,
      "--secrets-file",
      file,
      "--dry-run",
    ],
    { env: { ...double.env, PATH: ENV.PATH }, cwd: REPO },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /17 to run \(17 new\)/);
  assert.deepEqual(await double.log(), []);
});

Deno.test("run: --log-format json is a versioned event stream; failures name step, command, output; secrets redacted", async () => {
  await using double = await createDouble();
  await double.setFaults([{
    match: ["config:import"],
    exit: 1,
    stderr: "invalid value s3cr3t-value for SECRET_KEY",
  }]);
  const r = await runCli(
    [
      "run",
      FIXTURE,
      "--dokku",
      double.path,
      "--state",
      `${double.stateDir}/s.json`,
      "--log-format",
      "json",
      "--concurrency",
      "2",
    ],
    { env: { ...double.env, ...ENV }, cwd: REPO },
  );
  assert.equal(r.code, 1);
  const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(events.every((e) => e.v === 1 && typeof e.event === "string"));
  assert.equal(events[0].event, "run.start");
  assert.equal(events.at(-1).event, "run.done");
  assert.equal(events.at(-1).exitCode, 1);
  const fail = events.find((e) => e.event === "step.fail");
  assert.equal(fail.step, "web/secrets");
  assert.deepEqual(fail.argv.slice(1, 3), ["config:import", "--no-restart"]);
  assert.match(fail.output, /invalid value \*\*\* for SECRET_KEY/);
  assert.ok(events.some((e) => e.event === "rollback.start"));
  assert.ok(!r.stdout.includes("s3cr3t-value") && !r.stderr.includes("s3cr3t-value"));
  assert.match(
    r.stderr,
    /error DK5006: Step "web\/secrets" failed: "dokku config:import --no-restart --format json shop-web -" exited 1: invalid value \*\*\* for SECRET_KEY/,
  );
});

Deno.test("run/plan: usage errors exit 2; unreadable files exit 1 with DK0001", async () => {
  const bad = await runCli(["run", FIXTURE, "--concurrency", "0"], { env: ENV, cwd: REPO });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--concurrency <n>' argument '0' is invalid/);
  const both = await runCli(["plan", FIXTURE, "--dokku", "x", "--host", "h"], {
    env: ENV,
    cwd: REPO,
  });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--dokku and --host cannot be used together/);
  const host = await runCli(["plan", FIXTURE, "--host", "a@b@c"], { env: ENV, cwd: REPO });
  assert.equal(host.code, 2);
  const missing = await runCli(["plan", "nope.Dokkufile", "--state", "/tmp/x"], {
    env: ENV,
    cwd: REPO,
  });
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /error DK0001: Cannot read nope\.Dokkufile: no such file or directory/,
  );
  const force = await runCli(
    ["plan", FIXTURE, "--state", "/nonexistent/s.json", "--force-step", "nope"],
    { env: ENV, cwd: REPO },
  );
  assert.equal(force.code, 2);
  assert.match(force.stderr, /no step "nope"/);
});

Deno.test("plan: a broken Dokkufile prints located diagnostics and exits 1", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/Dokkufile`, "# syntax=dokkufile/v1\nPROJECT shop\nBOGUS x\n");
    const r = await runCli(["plan", "Dokkufile", "--state", `${dir}/s.json`], {
      env: ENV,
      cwd: dir,
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Dokkufile:\d+:\d+: error DK6\d{3}/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plan: no HOME, no XDG_STATE_HOME and no --state is a clear error", async () => {
  const r = await runCli(["plan", FIXTURE, "--dokku", "/bin/false"], { env: ENV, cwd: REPO });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /DK5015/);
});

Deno.test("plan: the default state file lives under XDG_STATE_HOME", async () => {
  const dir = await tempDir();
  try {
    const r = await runCli(["plan", FIXTURE, "--dokku", "/bin/false"], {
      env: { ...ENV, XDG_STATE_HOME: dir },
      cwd: REPO,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`state: ${dir}/dokompose/local_bin_false__shop\\.json`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
