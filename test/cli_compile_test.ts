/** `dokompose compile` and `dokompose graph`, run in-process. */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { dokkufileFromJson, parseDokkufile } from "../src/dokkufile/mod.ts";

const FIXTURES = new URL("../fixtures/compile/", import.meta.url).pathname;
const CLEAN = `${FIXTURES}networks`;
const WARNS = `${FIXTURES}security-lint`;
const BROKEN = `${FIXTURES}cycle`;

function compile(cwd: string, args: readonly string[] = []) {
  return runCli(["compile", "-f", "compose.yaml", ...args], { cwd, env: {} });
}

function tempFiles(dir: string): string[] {
  // Sorted: readDir order depends on the file system.
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("compile prints the Dokkufile on stdout and exits 0", async () => {
  const run = await compile(CLEAN);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^# syntax=dokkufile\/v1\n/);
  const parsed = parseDokkufile(run.stdout, { file: "stdout" });
  assert.deepEqual(parsed.diagnostics, []);
  assert.equal(parsed.dokkufile?.project, "mesh");
  const dash = await compile(CLEAN, ["-o", "-"]);
  assert.equal(dash.code, 0);
  assert.equal(dash.stdout, run.stdout);
});

Deno.test("warnings go to stderr with the exit code 0; --strict makes them errors (exit 1)", async () => {
  const run = await compile(WARNS);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /compose\.yaml:\d+:\d+: warning DK4/);
  assert.notEqual(run.stdout, "");
  const strict = await compile(WARNS, ["--strict"]);
  assert.equal(strict.code, 1);
  assert.equal(strict.stdout, "");
  assert.match(strict.stderr, /compose\.yaml:\d+:\d+: error DK4/);
  assert.doesNotMatch(strict.stderr, /warning/);
});

Deno.test("an input error exits 1 with located diagnostics and no output", async () => {
  const run = await compile(BROKEN);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /compose\.yaml:\d+:\d+: error DK/);
  assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/, "a stack trace was printed");
});

Deno.test("-o writes atomically; a failed compile leaves the old file untouched", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "dokompose-out-" });
  try {
    const out = `${dir}/Dokkufile`;
    const ok = await compile(CLEAN, ["-o", out]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "");
    const first = Deno.readTextFileSync(out);
    assert.match(first, /^# syntax=dokkufile\/v1\n/);
    assert.deepEqual(tempFiles(dir), ["Dokkufile"]);

    Deno.writeTextFileSync(out, "old content\n");
    const failed = await compile(BROKEN, ["-o", out]);
    assert.equal(failed.code, 1);
    assert.equal(Deno.readTextFileSync(out), "old content\n");
    assert.deepEqual(tempFiles(dir), ["Dokkufile"]);

    const strict = await compile(WARNS, ["-o", out, "--strict"]);
    assert.equal(strict.code, 1);
    assert.equal(Deno.readTextFileSync(out), "old content\n");
    assert.deepEqual(tempFiles(dir), ["Dokkufile"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("-o into a missing directory is a located I/O error, not a crash", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "dokompose-out-" });
  try {
    const run = await compile(CLEAN, ["-o", `${dir}/missing/Dokkufile`]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /error DK0006: Cannot write ".*missing\/Dokkufile": its directory does not exist/,
    );
    assert.deepEqual(tempFiles(dir), []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("-o naming a directory fails cleanly and leaves no temporary file", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "dokompose-out-" });
  try {
    Deno.mkdirSync(`${dir}/Dokkufile`);
    const run = await compile(CLEAN, ["-o", `${dir}/Dokkufile`]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /error DK0006: Cannot write /);
    assert.deepEqual(tempFiles(dir), ["Dokkufile"]);
    assert.deepEqual(tempFiles(`${dir}/Dokkufile`), []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--format json is the Dokkufile JSON contract, equal to the text form", async () => {
  const text = await compile(CLEAN);
  const json = await compile(CLEAN, ["--format", "json"]);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.format, "dokkufile/v1");
  assert.equal(doc.project, "mesh");
  assert.ok(Array.isArray(doc.stages) && doc.stages.length > 0);
  for (const stage of doc.stages) {
    assert.equal(typeof stage.name, "string");
    for (const step of stage.steps) {
      assert.equal(typeof step.id, "string");
      assert.ok(step.run.every((c: { argv: string[] }) => c.argv[0] === "dokku"));
    }
  }
  const fromJson = await dokkufileFromJson(json.stdout, { file: "stdout.json" });
  assert.deepEqual(fromJson.diagnostics, []);
  assert.deepEqual(fromJson.dokkufile, parseDokkufile(text.stdout, { file: "stdout" }).dokkufile);
});

Deno.test("--format stack prints the Stack JSON", async () => {
  const run = await compile(CLEAN, ["--format", "stack"]);
  assert.equal(run.code, 0, run.stderr);
  const stack = JSON.parse(run.stdout);
  assert.equal(stack.version, "stack/v1");
  assert.equal(stack.project, "mesh");
});

Deno.test("--diagnostics json prints one JSON document on stderr", async () => {
  const run = await compile(BROKEN, ["--diagnostics", "json"]);
  assert.equal(run.code, 1);
  const doc = JSON.parse(run.stderr);
  assert.equal(doc.version, 1);
  assert.ok(doc.diagnostics.length > 0);
  assert.ok(doc.diagnostics.every((d: { code: string }) => /^DK\d{4}$/.test(d.code)));
});

Deno.test("graph prints dot, mermaid and json", async () => {
  const dot = await runCli(["graph", "-f", "compose.yaml"], { cwd: CLEAN, env: {} });
  assert.equal(dot.code, 0, dot.stderr);
  assert.match(dot.stdout, /digraph/);
  const mermaid = await runCli(["graph", "-f", "compose.yaml", "--format", "mermaid"], {
    cwd: CLEAN,
    env: {},
  });
  assert.equal(mermaid.code, 0);
  assert.match(mermaid.stdout, /^(flowchart|graph)/m);
  const json = await runCli(["graph", "-f", "compose.yaml", "--format", "json"], {
    cwd: CLEAN,
    env: {},
  });
  assert.equal(json.code, 0);
  JSON.parse(json.stdout);
  const broken = await runCli(["graph", "-f", "compose.yaml"], { cwd: BROKEN, env: {} });
  assert.equal(broken.code, 1);
  assert.equal(broken.stdout, "");
});
