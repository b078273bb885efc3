/**
 * The run stamp (src/runtime/_stamp.ts, `<state file>.stamp`): a clean, complete run records it;
 * a rerun of the same text with the same secrets and build contexts against that state prints
 * exactly what the full path prints for a run with nothing to do, and runs no command; anything
 * that could change the plan (text, secrets, contexts, the state file, the target, options)
 * makes the rerun plan in full.
 */
import assert from "node:assert/strict";
import { createDouble, type Double } from "./support/double.ts";
import { runCli } from "./support/cli.ts";
import { parseDokkufile } from "../src/dokkufile/mod.ts";
import {
  parseStamp,
  peekProject,
  runStampValue,
  serializeStamp,
  type StampInputs,
} from "../src/runtime/mod.ts";

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const VAULT = `${REPO}/fixtures/compile/secrets/expected.Dokkufile`;
const SHOP = `${REPO}/fixtures/run/shop/Dokkufile`;
const SECRETS = { STRIPE_API_KEY: "sk_live_1", SESSION_SECRET: "s3ss'$`", db_password: "pw" };

interface Target {
  readonly double: Double;
  readonly state: string;
  run(file: string, extra?: string[], env?: Record<string, string>): ReturnType<typeof runCli>;
  stored(): Promise<Record<string, unknown>>;
  /** The stamp file's content, or undefined when there is none. */
  stamp(): Promise<Record<string, unknown> | undefined>;
}

async function target(): Promise<Target> {
  const double = await createDouble();
  const state = `${double.stateDir}/dokompose-state.json`;
  const base = {
    ...double.env,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    app_secret: "x",
    ...SECRETS,
  };
  return {
    double,
    state,
    run: (file, extra = [], env = {}) =>
      runCli(["run", file, "--dokku", double.path, "--state", state, ...extra], {
        env: { ...base, ...env },
        cwd: REPO,
      }),
    stored: async () => JSON.parse(await Deno.readTextFile(state)),
    stamp: () => Deno.readTextFile(`${state}.stamp`).then((t) => JSON.parse(t), () => undefined),
  };
}

/** Output with durations blanked (the only part that may differ between two runs). */
function timeless(text: string): string {
  return text.replace(/ in [0-9]+\.[0-9]{2}s\./g, " in Xs.");
}

async function withText(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/Dokkufile`, text);
    await fn(`${dir}/Dokkufile`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("peekProject: the project of every golden Dokkufile, text and JSON", async () => {
  let checked = 0;
  for await (const entry of Deno.readDir(`${REPO}/fixtures/compile`)) {
    const path = `${REPO}/fixtures/compile/${entry.name}/expected.Dokkufile`;
    const text = await Deno.readTextFile(path).catch(() => undefined);
    if (text === undefined) continue;
    const parsed = parseDokkufile(text, { file: "Dokkufile" }).dokkufile;
    assert.ok(parsed !== undefined, entry.name);
    assert.equal(peekProject(text), parsed.project, entry.name);
    checked++;
  }
  assert.ok(checked >= 15, `only ${checked} golden Dokkufiles`);
  assert.equal(peekProject('{"format":"dokkufile/v1","project":"shop"}'), "shop");
  assert.equal(peekProject("{not json"), undefined);
  assert.equal(peekProject("# syntax=dokkufile/v1\nSTAGE x\n"), undefined);
  assert.equal(peekProject("  PROJECT indented\n"), undefined);
});

Deno.test("runStampValue: covers the key, text, secrets, build contexts and state bytes", async () => {
  const enc = new TextEncoder();
  const base: StampInputs = {
    target: "local:dokku",
    project: "p",
    text: "PROJECT p\n",
    secrets: ["A", "B"],
    secretHashes: new Map([["A", "sha256:a"], ["B", "sha256:b"]]),
    archiveHashes: new Map([["web", "sha256:w"]]),
    state: enc.encode('{"steps":{}}\n'),
  };
  const value = await runStampValue(base);
  assert.match(value, /^sha256:[0-9a-f]{64}$/);
  assert.equal(await runStampValue({ ...base }), value, "deterministic");
  const variants: StampInputs[] = [
    { ...base, target: "ssh:dokku@h:22" },
    { ...base, project: "q" },
    { ...base, text: "PROJECT p\n# edited\n" },
    { ...base, secretHashes: new Map([["A", "sha256:a"], ["B", "sha256:other"]]) },
    { ...base, secretHashes: new Map([["A", "sha256:a"]]) },
    { ...base, secrets: ["A"] },
    { ...base, archiveHashes: new Map([["web", "sha256:changed"]]) },
    { ...base, archiveHashes: new Map() },
    { ...base, state: enc.encode('{"steps":{"x":1}}\n') },
    { ...base, state: new Uint8Array() },
    // The state's bytes and the text cannot trade places.
    { ...base, state: enc.encode('{"steps":{}}\n\0\0PROJECT'), text: " p\n" },
  ];
  const values = await Promise.all(variants.map((v) => runStampValue(v)));
  assert.equal(new Set([value, ...values]).size, variants.length + 1);
});

Deno.test("stamp file: written and read back; anything malformed is no stamp", () => {
  const stamp = {
    value: "sha256:x",
    secrets: ["A"],
    archives: [{ kind: "archive" as const, context: "web", files: [{ path: "a", content: "b" }] }],
    steps: 3,
    apps: ["p-web"],
  };
  const text = serializeStamp(stamp);
  assert.deepEqual(parseStamp(text), stamp);
  const broken = [
    "",
    "{",
    "[]",
    text.replace('"steps": 3', '"steps": "3"'),
    text.replace('"version": 1', '"version": 2'),
    text.replace('"kind": "archive"', '"kind": 1'),
  ];
  for (const b of broken) assert.equal(parseStamp(b), undefined, b);
});

Deno.test("stamp: a rerun prints what the full path prints and runs nothing", async () => {
  const t = await target();
  try {
    const first = await t.run(VAULT);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.stderr, "");
    const stamp = (await t.stamp())!;
    assert.equal(stamp["steps"], 11);
    assert.deepEqual(stamp["apps"], ["vault-app"]);
    assert.deepEqual(stamp["secrets"], ["SESSION_SECRET", "STRIPE_API_KEY", "db_password"]);

    const logged = (await t.double.log()).length;
    const fast = await t.run(VAULT);
    assert.equal(fast.code, 0, fast.stderr);
    assert.equal(fast.stderr, "");
    assert.equal((await t.double.log()).length, logged, "the stamped rerun ran a command");

    // The same rerun through the full path: the stamp file removed.
    await Deno.remove(`${t.state}.stamp`);
    const full = await t.run(VAULT);
    assert.equal(full.code, 0, full.stderr);
    assert.equal((await t.double.log()).length, logged, "the full no-op rerun ran a command");
    assert.equal(timeless(fast.stdout), timeless(full.stdout));
    assert.equal(fast.stderr, full.stderr);
    assert.match(
      full.stdout,
      /Nothing to run, 11 unchanged\nServices:\n {2}vault-app {2}unchanged/,
    );
    // The full no-op run wrote the stamp again, with the same value.
    assert.deepEqual(await t.stamp(), stamp);
  } finally {
    await t.double.cleanup();
  }
});

Deno.test("stamp: another secret value, another text or edited records plan in full", async () => {
  const t = await target();
  try {
    assert.equal((await t.run(VAULT)).code, 0);
    const stamp = (await t.stamp())!;

    // A secret's value changed: its step and the deploy after it run.
    const changed = await t.run(VAULT, [], { SESSION_SECRET: "rotated" });
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /2 to run \(1 changed, 1 upstream changed\)/);
    const restamped = (await t.stamp())!;
    assert.notEqual(restamped["value"], stamp["value"]);

    // The text changed (a comment only): planned in full, nothing to do, a new stamp.
    const text = (await Deno.readTextFile(VAULT)) + "# reviewed\n";
    await withText(text, async (path) => {
      const logged = (await t.double.log()).length;
      const r = await t.run(path, [], { SESSION_SECRET: "rotated" });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Nothing to run, 11 unchanged/);
      assert.equal((await t.double.log()).length, logged);
      const again = (await t.stamp())!;
      assert.notEqual(again["value"], restamped["value"]);
    });

    // A step record edited behind dokompose's back (the stamp file left alone): the full plan
    // sees it.
    const stored = await t.stored();
    const steps = stored["steps"] as Record<string, Record<string, unknown>>;
    steps["app/ports"]!["checksum"] = "sha256:edited";
    await Deno.writeTextFile(t.state, JSON.stringify(stored, null, 2) + "\n");
    assert.notEqual(await t.stamp(), undefined);
    const edited = await t.run(VAULT, [], { SESSION_SECRET: "rotated" });
    assert.equal(edited.code, 0, edited.stderr);
    // Its own content still matches its record's "own" checksum: it reruns as upstream changed.
    assert.match(edited.stdout, /2 to run \(2 upstream changed\)/);
    assert.match(edited.stdout, /\$ dokku ports:set vault-app http:80:8080\n/);
  } finally {
    await t.double.cleanup();
  }
});

Deno.test("stamp: a held lock sends the rerun down the full path, which refuses it", async () => {
  const t = await target();
  try {
    assert.equal((await t.run(VAULT)).code, 0);
    // This test process holds the lock (a live pid on this host), as a concurrent run would.
    const holder = { pid: Deno.pid, host: Deno.hostname(), startedAt: new Date().toISOString() };
    await Deno.writeTextFile(`${t.state}.lock`, JSON.stringify(holder) + "\n");
    const refused = await t.run(VAULT);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /DK5004/);
    assert.doesNotMatch(refused.stdout, /Nothing to run/);
    await Deno.remove(`${t.state}.lock`);
    const free = await t.run(VAULT);
    assert.equal(free.code, 0, free.stderr);
    assert.match(free.stdout, /Nothing to run, 11 unchanged/);
  } finally {
    await t.double.cleanup();
  }
});

Deno.test("stamp: options that change what a run prints or plans take the full path", async () => {
  const t = await target();
  try {
    assert.equal((await t.run(VAULT)).code, 0);
    const explain = await t.run(VAULT, ["--explain"]);
    assert.match(explain.stdout, /= app\/deploy: skipped, unchanged \(/);
    const json = await t.run(VAULT, ["--log-format", "json"]);
    assert.equal(json.code, 0);
    const events = json.stdout.trim().split("\n").map((l) => JSON.parse(l).event);
    assert.equal(events.filter((e) => e === "step.skip").length, 11);
    const dry = await t.run(VAULT, ["--dry-run"]);
    assert.match(dry.stdout, /^Plan for project "vault"/);
    const forced = await t.run(VAULT, ["--force-step", "app/ports"]);
    assert.match(forced.stdout, /app\/ports: forced/);
  } finally {
    await t.double.cleanup();
  }
});

Deno.test("stamp: a run that changes the state makes it stale; another target never matches", async () => {
  const t = await target();
  try {
    assert.equal((await t.run(VAULT)).code, 0);
    const first = (await t.stamp())!;
    // A failed run after a first applied step: rolled back, the state rewritten. The old stamp
    // file is still there, but stale: the rerun with the old secret plans in full.
    await t.double.setFaults([{ match: ["ps:rebuild"], exit: 1, stderr: "boom", times: 1 }]);
    const failed = await t.run(VAULT, [], { SESSION_SECRET: "rotated" });
    assert.equal(failed.code, 1, failed.stdout);
    assert.deepEqual(await t.stamp(), first, "a failed run writes no stamp");
    const rerun = await t.run(VAULT);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.doesNotMatch(rerun.stdout, /Nothing to run/);
    assert.notDeepEqual(await t.stamp(), first);

    // The same state and stamp files used for another target (another dokku path: a link to
    // the double): DK5014, never the stamp.
    const other = await createDouble();
    const link = `${other.stateDir}/other-dokku`;
    await Deno.symlink(other.path, link);
    try {
      const r = await runCli(["run", VAULT, "--dokku", link, "--state", t.state], {
        env: { ...other.env, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...SECRETS },
        cwd: REPO,
      });
      assert.match(r.stderr, /DK5014/);
      assert.match(r.stdout, /11 to run/);
    } finally {
      await other.cleanup();
    }
  } finally {
    await t.double.cleanup();
  }
});

Deno.test("stamp: build contexts are read again; a source change redeploys", async () => {
  // A copy of the shop fixture (Dokkufile + its build context), so the test can edit the source.
  const dir = await Deno.makeTempDir();
  const t = await target();
  try {
    await Deno.copyFile(SHOP, `${dir}/Dokkufile`);
    await Deno.mkdir(`${dir}/web`);
    for await (const entry of Deno.readDir(`${REPO}/fixtures/run/shop/web`)) {
      if (entry.isFile) {
        await Deno.copyFile(
          `${REPO}/fixtures/run/shop/web/${entry.name}`,
          `${dir}/web/${entry.name}`,
        );
      }
    }
    const first = await t.run(`${dir}/Dokkufile`);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const stamp = (await t.stamp())!;
    assert.deepEqual((stamp["archives"] as { context: string }[]).map((a) => a.context), ["web"]);

    const logged = (await t.double.log()).length;
    const fast = await t.run(`${dir}/Dokkufile`);
    assert.equal(fast.code, 0, fast.stderr);
    assert.match(fast.stdout, /Nothing to run, 17 unchanged/);
    assert.equal((await t.double.log()).length, logged);

    await Deno.writeTextFile(`${dir}/web/added.txt`, "new source file\n");
    const changed = await t.run(`${dir}/Dokkufile`);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /web\/deploy: changed/);
    assert.match(changed.stdout, /\$ dokku git:from-archive --archive-type tar shop-web/);
  } finally {
    await t.double.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
});
