/**
 * End-to-end: compose healthchecks of a build app reach Dokku through a generated app.json.
 * `dokompose compile` a copy of `fixtures/compile/healthchecks`, `dokompose run` it against the
 * dokku double, then change only the healthcheck: the deploy reruns with a different archive.
 */
import assert from "node:assert/strict";
import { createDouble } from "./support/double.ts";
import { runCli } from "./support/cli.ts";
import { addGeneratedFiles, buildTar, readContext, sha256 } from "../src/runtime/mod.ts";
import { parseDokkufile } from "../src/dokkufile/mod.ts";
import { validateArgv } from "./support/dokku_spec.ts";

const FIXTURE = new URL("../fixtures/compile/healthchecks/", import.meta.url).pathname;

async function project(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "dokompose-appjson-" });
  await Deno.mkdir(`${dir}/api`);
  await Deno.copyFile(`${FIXTURE}compose.yaml`, `${dir}/compose.yaml`);
  await Deno.copyFile(`${FIXTURE}api/Dockerfile`, `${dir}/api/Dockerfile`);
  return dir;
}

async function compile(dir: string): Promise<void> {
  const run = await runCli(["compile", "-f", "compose.yaml", "-o", "Dokkufile"], {
    cwd: dir,
    env: {},
  });
  assert.equal(run.code, 0, run.stderr);
  // The build app's healthcheck is converted: only the image app's DK4060 is left.
  assert.doesNotMatch(run.stderr, /DK4802/);
  assert.match(run.stderr, /DK4060/);
}

/** The generated app.json written in the Dokkufile for the api app. */
async function appJson(dir: string): Promise<string> {
  const { dokkufile } = parseDokkufile(await Deno.readTextFile(`${dir}/Dokkufile`), {
    file: "Dokkufile",
  });
  const deploy = dokkufile?.stages.flatMap((s) => s.steps).find((s) => s.id === "api/deploy");
  const stdin = deploy?.run[0]?.stdin;
  assert.ok(stdin?.kind === "archive" && stdin.files !== undefined);
  assert.equal(stdin.files[0]?.path, ".dokompose/app.json");
  return stdin.files[0]?.content ?? "";
}

Deno.test("e2e: a build app's healthcheck reaches Dokku in the archive; changing only it redeploys", async () => {
  const dir = await project();
  await using double = await createDouble();
  const env = { ...double.env, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };
  const run = (extra: string[] = []) =>
    runCli(
      [
        "run",
        `${dir}/Dokkufile`,
        "--dokku",
        double.path,
        "--state",
        `${dir}/state.json`,
        "--verify-timeout",
        "5",
        ...extra,
      ],
      { env, cwd: dir },
    );
  /** What the double recorded as the deployed archive (sha256 of the bytes it read). */
  const deployed = async () => {
    const source = (await double.state()).apps["health-api"]?.source;
    assert.ok(source?.kind === "archive", JSON.stringify(source));
    return source.sha256;
  };
  /** The hash of the archive the runtime should have sent: the context plus the app.json. */
  const expected = async () => {
    const entries = readContext(`${dir}/api`).entries;
    const files = [{ path: ".dokompose/app.json", content: await appJson(dir) }];
    return sha256(buildTar(addGeneratedFiles(entries, files).entries)).replace(/^sha256:/, "");
  };
  try {
    await compile(dir);
    assert.deepEqual(JSON.parse(await appJson(dir)), {
      healthchecks: {
        web: [{
          attempts: 5,
          command: ["curl", "-f", "http://localhost:5000/health"],
          initialDelay: 20,
          timeout: 3,
          type: "startup",
          wait: 10,
        }],
      },
    });

    const first = await run();
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const state = await double.state();
    assert.equal(
      state.apps["health-api"]?.properties["app-json"]?.["appjson-path"],
      ".dokompose/app.json",
    );
    const firstHash = await deployed();
    assert.equal(firstHash, await expected(), "the double did not get the archive with app.json");
    // The double reads app.json from the archive at appjson-path, as Dokku does.
    assert.equal(state.apps["health-api"]?.appJson, await appJson(dir));
    assert.equal(state.apps["health-search"]?.appJson, undefined);

    const again = await run();
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Done: \d+ unchanged/);
    assert.equal(await deployed(), firstHash);

    // Only the healthcheck changes: retries 5 -> 6.
    const compose = await Deno.readTextFile(`${dir}/compose.yaml`);
    assert.ok(compose.includes("retries: 5"));
    await Deno.writeTextFile(`${dir}/compose.yaml`, compose.replace("retries: 5", "retries: 6"));
    await compile(dir);
    assert.match(await appJson(dir), /"attempts":6/);
    const mutatingBefore = (await double.mutatingLog()).length;
    const changed = await run(["--explain"]);
    assert.equal(changed.code, 0, changed.stdout + changed.stderr);
    const secondHash = await deployed();
    assert.notEqual(secondHash, firstHash, "the archive hash did not change");
    assert.equal(secondHash, await expected());
    assert.match((await double.state()).apps["health-api"]?.appJson ?? "", /"attempts":6/);
    // The deploy reran; the settings (appjson-path included) did not.
    const ran = (await double.mutatingLog()).slice(mutatingBefore).map((e) => e.argv[1]);
    assert.ok(ran.includes("git:from-archive"), ran.join(" "));
    assert.ok(!ran.includes("app-json:set"), ran.join(" "));
    assert.ok(!ran.includes("apps:create"), ran.join(" "));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the dokku double and the argv validator accept app-json:set appjson-path, set and clear", async () => {
  for (
    const argv of [
      ["dokku", "app-json:set", "shop-web", "appjson-path", ".dokompose/app.json"],
      ["dokku", "app-json:set", "shop-web", "appjson-path"],
    ]
  ) {
    const result = validateArgv(argv);
    assert.ok(result.ok, `${argv.join(" ")}: ${JSON.stringify(result)}`);
  }
  await using double = await createDouble();
  assert.equal((await double.run(["apps:create", "shop-web"])).code, 0);
  const set = await double.run(["app-json:set", "shop-web", "appjson-path", ".dokompose/app.json"]);
  assert.equal(set.code, 0, set.stderr);
  const props = async () => (await double.state()).apps["shop-web"]?.properties["app-json"];
  assert.deepEqual(await props(), { "appjson-path": ".dokompose/app.json" });
  const clear = await double.run(["app-json:set", "shop-web", "appjson-path"]);
  assert.equal(clear.code, 0, clear.stderr);
  assert.equal(await props(), undefined);
  const unknown = await double.run(["app-json:set", "shop-web", "appjson-paht", "x"]);
  assert.notEqual(unknown.code, 0, "an unknown property was accepted");
});
