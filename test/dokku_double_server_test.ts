/**
 * The double as a server (test/dokku_double/server.ts + dokku-client, what `make bench` runs):
 * the same answers, state and log as the process double, for arguments and standard input of
 * any bytes, and a whole run of the shop fixture ends in the same state.
 */
import assert from "node:assert/strict";
import { createDouble, snapshotState } from "./support/double.ts";
import { runCli } from "./support/cli.ts";
import { type RunningServer as Server, startServer } from "./dokku_double/server.ts";

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const CLIENT = `${REPO}/test/dokku_double/dokku-client`;
const FIXTURE = `${REPO}/fixtures/run/shop/Dokkufile`;

async function client(
  server: Server,
  args: readonly string[],
  stdin?: Uint8Array,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(CLIENT, {
    args: [...args],
    env: server.env,
    clearEnv: true,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin);
    await writer.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("double server: the same answers as the process double, any bytes in and out", async () => {
  const viaProcess = await createDouble();
  const viaServer = await createDouble();
  const server = await startServer(viaServer.env);
  try {
    const odd = "v=\"q\" $x `y` 'z'\nnext line \u2603 \u{1F600}";
    const json = new TextEncoder().encode(JSON.stringify({ ODD: odd, EMPTY: "" }));
    const calls: { args: string[]; stdin?: Uint8Array }[] = [
      { args: ["apps:create", "shop-web"] },
      { args: ["apps:exists", "nope"] },
      { args: ["config:set", "--no-restart", "shop-web", `MSG=${odd}`, "EMPTY="] },
      { args: ["config:import", "--no-restart", "--format", "json", "shop-web", "-"], stdin: json },
      { args: ["config:export", "--format", "json", "shop-web"] },
      { args: ["config:get", "shop-web", "MSG"] },
      { args: ["config:set", "--bogus", "shop-web"] },
      { args: ["apps:create", "shop-web"] },
      { args: [] },
    ];
    for (const call of calls) {
      const expected = await viaProcess.run(call.args, call.stdin ? { stdin: call.stdin } : {});
      const actual = await client(server, call.args, call.stdin);
      assert.deepEqual(actual, expected, call.args.join(" "));
    }
    assert.deepEqual(await viaServer.state(), await viaProcess.state());
    const strip = (log: { argv: string[]; exit: number; stdin: string | null }[]) =>
      log.map(({ argv, exit, stdin }) => ({ argv, exit, stdin }));
    assert.deepEqual(strip(await viaServer.log()), strip(await viaProcess.log()));
  } finally {
    await server.stop();
    await viaProcess.cleanup();
    await viaServer.cleanup();
  }
});

Deno.test("double server: a run of the shop fixture ends in the process double's state", async () => {
  const viaProcess = await createDouble();
  const viaServer = await createDouble();
  const server = await startServer(viaServer.env);
  try {
    const base = { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", app_secret: "s3cr3t" };
    const dir = viaServer.stateDir;
    const first = await runCli(
      ["run", FIXTURE, "--dokku", viaProcess.path, "--state", `${viaProcess.stateDir}/s.json`],
      { env: { ...viaProcess.env, ...base }, cwd: REPO },
    );
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const second = await runCli(
      ["run", FIXTURE, "--dokku", CLIENT, "--state", `${dir}/s.json`, "--concurrency", "8"],
      { env: { ...server.env, ...base }, cwd: REPO },
    );
    assert.equal(second.code, 0, second.stdout + second.stderr);
    // Datastore passwords are random per double.
    const normalized = (value: unknown) =>
      JSON.stringify(value, null, 1).replace(/:[0-9a-f]{16,}@/g, ":PW@");
    assert.equal(
      normalized(snapshotState(await viaServer.state())),
      normalized(snapshotState(await viaProcess.state())),
    );
  } finally {
    await server.stop();
    await viaProcess.cleanup();
    await viaServer.cleanup();
  }
});
