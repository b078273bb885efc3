/**
 * End to end over ssh: a real sshd on 127.0.0.1 whose forced command is the dokku double (the way
 * Dokku's own ssh access works), driven by `dokompose run --host user@127.0.0.1:PORT`.
 *
 * Scenario (the same as the local end-to-end run): compile a fixture project, run it (applies
 * everything, including a build context sent as a tar on stdin), run it again (zero mutating
 * commands), change one environment variable of one service, compile and run again (only that
 * app's config and deploy run). Also: values with quotes, `$`, backticks, newlines and unicode
 * reach the double byte for byte.
 */
import assert from "node:assert/strict";
import { cliProcessArgs, runCli } from "./support/cli.ts";
import { type Sshd, startSshd } from "./support/sshd.ts";
import { isReadOnlyCommand } from "./support/dokku_spec.ts";
import { type LogEntry, readLog, readState } from "./dokku_double/mod.ts";
import { SshRunner } from "../src/runtime/_ssh.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const DOUBLE = `${ROOT}/test/dokku_double/dokku`;
const FIXTURE = `${ROOT}/fixtures/compile/web-postgres-redis-worker`;

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyDir(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** The dokku command of a logged argv (after `dokku` and leading global flags). */
function commandOf(entry: LogEntry): string {
  let i = entry.argv[0] === "dokku" ? 1 : 0;
  while ((entry.argv[i] ?? "").startsWith("--")) i += entry.argv[i] === "--app" ? 2 : 1;
  return entry.argv[i] ?? "";
}

function mutating(entries: readonly LogEntry[]): LogEntry[] {
  return entries.filter((entry) => !isReadOnlyCommand(commandOf(entry)));
}

function show(entries: readonly LogEntry[]): string {
  return entries.map((entry) => entry.argv.join(" ")).join("\n");
}

async function startDoubleSshd(stateDir: string): Promise<Sshd> {
  // sshd gives the forced command a minimal environment: the double finds the repo's pinned deno
  // itself; the state dir comes through `env`.
  return await startSshd({
    command: [DOUBLE],
    env: {
      DOKKU_DOUBLE_STATE: stateDir,
      DOKOMPOSE_DENO: Deno.execPath(),
      LC_ALL: "C.UTF-8",
    },
  });
}

Deno.test("ssh: values reach the double byte for byte", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "dokompose-ssh-bytes-" });
  const stateDir = `${tmp}/double`;
  await Deno.mkdir(stateDir);
  const sshd = await startDoubleSshd(stateDir);
  const runner = new SshRunner({
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    sshOptions: sshd.sshOptions,
  });
  try {
    const values: Record<string, string> = {
      QUOTES: `it's "quoted" and 'single'`,
      SHELL: "$HOME ${PATH} $(id) `id` \\n \\\\ ; && | > <",
      SPACES: "  leading and trailing  ",
      EMPTY: "",
      UNICODE: "日本語 émoji 🎉 e\u0301 \u00a0nbsp",
      TABS: "a\tb\rc",
    };
    const created = await runner.run({ argv: ["dokku", "apps:create", "bytes"] });
    assert.equal(created.code, 0, created.stderr);
    const set = await runner.run({
      argv: [
        "dokku",
        "config:set",
        "--no-restart",
        "bytes",
        ...Object.entries(values).map(([k, v]) => `${k}=${v}`),
      ],
    });
    assert.equal(set.code, 0, set.stderr);
    const multiline = "-----BEGIN KEY-----\nline 'two' $x `y`\n日本\n-----END KEY-----\n";
    const encoded = await runner.run({
      argv: ["dokku", "config:set", "--no-restart", "bytes", `PEM=${multiline}`],
    });
    assert.equal(encoded.code, 0, encoded.stderr);

    const state = await readState(stateDir);
    assert.deepEqual(state.apps["bytes"]?.config, { ...values, PEM: multiline });
    const log = await readLog(stateDir);
    assert.ok(log.every((entry) => entry.ssh === true), "every command came through sshd");
    assert.deepEqual(log.at(-1)?.argv.slice(0, 4), [
      "dokku",
      "config:set",
      "--encoded",
      "--no-restart",
    ]);
    // And back out: what the double prints arrives intact too.
    const exported = await runner.run({
      argv: ["dokku", "config:export", "--format", "json", "bytes"],
    });
    assert.equal(exported.code, 0, exported.stderr);
    assert.deepEqual(JSON.parse(exported.stdout), { ...values, PEM: multiline });
  } finally {
    await runner.close();
    await sshd.stop();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("ssh: run applies, reruns nothing, and reruns only what an env change touches", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "dokompose-ssh-e2e-" });
  const project = `${tmp}/project`;
  const stateDir = `${tmp}/double`;
  await copyDir(FIXTURE, project);
  await Deno.mkdir(stateDir);
  const sshd = await startDoubleSshd(stateDir);
  const runArgs = [
    "run",
    "shop.dokkufile",
    "--host",
    sshd.hostSpec,
    ...sshd.sshOptions.flatMap((option) => ["--ssh-option", option]),
    "--state",
    `${tmp}/state.json`,
    "--concurrency",
    "4",
  ];
  let runsWithCommands = 0;
  const compile = async () => {
    const compiled = await runCli(["compile", "-f", "compose.yaml", "-o", "shop.dokkufile"], {
      cwd: project,
    });
    assert.equal(compiled.code, 0, compiled.stderr);
  };
  const run = async () => {
    const before = (await readLog(stateDir)).length;
    const result = await runCli(runArgs, { cwd: project });
    const entries = (await readLog(stateDir)).slice(before);
    if (entries.length > 0) runsWithCommands++;
    return { ...result, entries };
  };
  try {
    await compile();

    await t.step("the first run applies everything over ssh", async () => {
      const first = await run();
      assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}\n${sshd.log()}`);
      assert.ok(first.entries.length > 0);
      assert.ok(first.entries.every((entry) => entry.ssh === true), "every command via sshd");
      const state = await readState(stateDir);
      assert.deepEqual(Object.keys(state.apps).sort(), ["shop-web", "shop-worker"]);
      assert.equal(state.apps["shop-worker"]?.config["CONCURRENCY"], "4");
      assert.equal(state.apps["shop-web"]?.deployed, true);
      // The build context went over ssh as a tar on stdin.
      const archive = first.entries.find((entry) => commandOf(entry) === "git:from-archive");
      assert.ok(archive !== undefined, show(first.entries));
      assert.ok((archive.stdinBytes ?? 0) > 0, "the tar reached the double");
      assert.equal(state.apps["shop-web"]?.source?.kind, "archive");
    });

    await t.step("the second run runs zero mutating commands", async () => {
      const second = await run();
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual(mutating(second.entries), [], show(mutating(second.entries)));
    });

    await t.step("one env change reruns only that app's config and deploy", async () => {
      const compose = await Deno.readTextFile(`${project}/compose.yaml`);
      assert.ok(compose.includes(`CONCURRENCY: "4"`));
      await Deno.writeTextFile(
        `${project}/compose.yaml`,
        compose.replace(`CONCURRENCY: "4"`, `CONCURRENCY: "8"`),
      );
      await compile();
      const third = await run();
      assert.equal(third.code, 0, third.stderr);
      const changed = mutating(third.entries);
      assert.ok(changed.length > 0, "something ran");
      for (const entry of changed) {
        assert.ok(entry.argv.includes("shop-worker"), `only shop-worker: ${show(changed)}`);
      }
      assert.ok(
        changed.some((entry) => commandOf(entry).startsWith("config:")),
        `a config command ran: ${show(changed)}`,
      );
      const state = await readState(stateDir);
      assert.equal(state.apps["shop-worker"]?.config["CONCURRENCY"], "8");
      assert.equal(state.apps["shop-web"]?.counters.deploys, 1, "web was not redeployed");
    });

    await t.step("the CLI as its own process ends by itself after a run over ssh", async () => {
      // The CLI ends when its event loop is empty (no Deno.exit): the ssh master connection
      // must not keep it alive. A forced step makes the run use ssh.
      const before = (await readLog(stateDir)).length;
      const child = new Deno.Command(Deno.execPath(), {
        args: cliProcessArgs([...runArgs, "--force-step", "worker/config"]),
        cwd: project,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const out = await child.output();
      clearTimeout(timer);
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, text);
      assert.match(text, /worker\/config: forced/);
      if ((await readLog(stateDir)).length > before) runsWithCommands++;
    });

    await t.step("each run that ran commands used exactly one ssh connection", () => {
      const connections = sshd.log().match(/Accepted publickey/g)?.length ?? 0;
      assert.equal(connections, runsWithCommands, sshd.log());
    });
  } finally {
    await sshd.stop();
    await Deno.remove(tmp, { recursive: true });
  }
});
