/**
 * The bundle (`make build` -> `dist/dokompose.js`) behaves exactly like the sources: same exit
 * code, stdout and stderr for `--help`, `--version`, `config` and `compile` as the in-process CLI.
 * When `dist/dokompose.js` is missing or older than any source file, the test bundles into a
 * temp dir itself, so it never tests a stale bundle.
 */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { composeYaml } from "../bench/_gen.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const DENO = Deno.execPath();

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) newest = Math.max(newest, await newestSource(path));
    else if (entry.name.endsWith(".ts")) {
      newest = Math.max(newest, (await Deno.stat(path)).mtime?.getTime() ?? Infinity);
    }
  }
  return newest;
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).mtime?.getTime();
  } catch {
    return undefined;
  }
}

/** `dist/dokompose.js` when fresh, else a new bundle in `tmp`. */
async function freshBundle(tmp: string): Promise<string> {
  const dist = `${ROOT}/dist/dokompose.js`;
  const built = await mtime(dist);
  const sources = Math.max(
    await newestSource(`${ROOT}/src`),
    (await mtime(`${ROOT}/deno.json`)) ?? Infinity,
    (await mtime(`${ROOT}/scripts/build.ts`)) ?? Infinity,
    (await mtime(`${ROOT}/scripts/event_emitter.js`)) ?? Infinity,
    (await mtime(`${ROOT}/scripts/_eager.ts`)) ?? Infinity,
  );
  if (built !== undefined && built >= sources) return dist;
  const out = `${tmp}/dokompose.js`;
  const result = await new Deno.Command(DENO, {
    args: ["run", "-A", "--config", `${ROOT}/deno.json`, `${ROOT}/scripts/build.ts`, out],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(result.code, 0, `build failed:\n${new TextDecoder().decode(result.stderr)}`);
  return out;
}

/** The environment both sides see (the CLI reads only what its io gives it). */
function sharedEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const key of ["PATH", "HOME", "DENO_DIR"]) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  return env;
}

async function runBundle(
  bundle: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(DENO, {
    args: ["run", "-A", "--no-config", bundle, ...args],
    cwd,
    clearEnv: true,
    env: sharedEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("the bundle matches the in-process CLI", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "dokompose-bundle-" });
  try {
    const bundle = await freshBundle(tmp);
    const project = `${tmp}/project`;
    await Deno.mkdir(project);
    await Deno.writeTextFile(`${project}/compose.yaml`, composeYaml(10));
    await Deno.writeTextFile(`${project}/broken.yaml`, "services:\n  web:\n    image: [unclosed\n");

    await t.step("the bundle holds no host paths", async () => {
      const code = await Deno.readTextFile(bundle);
      assert.ok(!code.includes(ROOT), "no absolute repo path");
      assert.ok(!code.includes("registry.npmjs.org/"), "npm cache paths rewritten");
      // Module names were comments: compactWhitespace drops them (scrubCachePaths has its test).
      assert.doesNotMatch(code, /^\/\/ /m, "no comment lines");
      const home = Deno.env.get("HOME");
      if (home !== undefined && home !== "/") assert.ok(!code.includes(`${home}/`), "no home dir");
    });

    await t.step("the bundle ends with the licences of the npm packages it contains", async () => {
      const code = await Deno.readTextFile(bundle);
      const notices = code.slice(code.lastIndexOf("/*! The npm packages in this bundle"));
      assert.ok(notices.endsWith("*/\n"), "one comment at the end");
      const imports = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).imports;
      for (const name of ["commander", "yaml", "zod"]) {
        const version = String(imports[name]).replace(`npm:${name}@`, "");
        assert.match(notices, new RegExp(`^${name} ${version.replaceAll(".", "\\.")}$`, "m"));
      }
      assert.match(notices, /Permission is hereby granted/, "MIT texts");
      assert.match(notices, /Permission to use, copy, modify, and\/or distribute/, "ISC (yaml)");
    });

    await t.step("the bundle loads no Node built-in at start-up", async () => {
      const code = await Deno.readTextFile(bundle);
      const eager = [...code.matchAll(/^import .* from "(node:[a-z_/]+)";$/gm)].map((m) => m[1]);
      assert.deepEqual(eager, []);
      assert.match(code, /^class EventEmitter \{$/m, "commander's EventEmitter is the shim");
      // ASCII only: Deno hands an ASCII module to V8 without decoding it (src/stack/_values.ts).
      const first = code.search(/[\u0080-\uffff]/);
      assert.equal(
        first,
        -1,
        `non-ASCII text in the bundle: ${code.slice(first - 40, first + 40)}`,
      );
      assert.doesNotMatch(code, /createRequire/, "no CommonJS shim (yaml's ESM build is bundled)");
      assert.match(code, /__lazyBuiltin\("node:child_process", "default"\)/);
    });

    await t.step("--help", async () => {
      const inProcess = await runCli(["--help"], { cwd: project, env: sharedEnv() });
      const bundled = await runBundle(bundle, ["--help"], project);
      assert.equal(bundled.code, inProcess.code);
      assert.equal(bundled.code, 0);
      // Help is wrapped at a fixed width, so the two are the same bytes.
      assert.equal(bundled.stdout, inProcess.stdout);
      assert.match(bundled.stdout, /Usage: dokompose/);
      for (const line of bundled.stdout.split("\n")) assert.ok(line.length <= 80, line);
      assert.equal(bundled.stderr, "");
    });

    await t.step("--version", async () => {
      const inProcess = await runCli(["--version"], { cwd: project, env: sharedEnv() });
      const bundled = await runBundle(bundle, ["--version"], project);
      assert.deepEqual(bundled, inProcess);
    });

    const same = async (args: readonly string[]) => {
      const inProcess = await runCli(args, { cwd: project, env: sharedEnv() });
      const bundled = await runBundle(bundle, args, project);
      assert.deepEqual(bundled, inProcess, `dokompose ${args.join(" ")}`);
      return bundled;
    };

    // Each case with the exit code it must have, so equal-but-broken output cannot pass.
    const cases: [readonly string[], number][] = [
      [["config", "-f", "compose.yaml"], 0],
      [["config", "-f", "compose.yaml", "--format", "json"], 0],
      [["compile", "-f", "compose.yaml"], 0],
      [["config", "-f", "broken.yaml"], 1],
      [["compile", "-f", "missing.yaml"], 1],
      [["compile", "--format", "nope"], 2],
    ];
    for (const [args, code] of cases) {
      await t.step(`dokompose ${args.join(" ")}`, async () => {
        const result = await same(args);
        assert.equal(result.code, code, result.stderr);
        if (code === 0) assert.notEqual(result.stdout, "");
        else assert.notEqual(result.stderr, "");
      });
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
