/** `dokompose config` and `dokompose validate`, run in-process. */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";

const FIXTURES = decodeURIComponent(new URL("../fixtures/load/", import.meta.url).pathname);

const temps: string[] = [];

function tempProject(files: Record<string, string>): string {
  const dir = Deno.makeTempDirSync({ prefix: "dokompose-config-" });
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) Deno.writeTextFileSync(`${dir}/${name}`, text);
  return dir;
}

Deno.test("config --format json prints the canonical model; paths resolve against cwd", async () => {
  const run = await runCli(["config", "--format", "json", "-f", "compose.yaml"], {
    cwd: `${FIXTURES}include`,
  });
  assert.equal(run.stderr, "");
  assert.equal(run.code, 0);
  const model = JSON.parse(run.stdout);
  assert.equal(model.name, "include");
  assert.equal(model.services.db.image, "postgres:15");
  assert.deepEqual(Object.keys(model), ["name", "networks", "services"]);
});

Deno.test("config prints YAML by default, identical to the golden model", async () => {
  const run = await runCli(["config"], {
    cwd: `${FIXTURES}multi-file-dotenv`,
    env: { TAG: "1.4.2" },
  });
  assert.equal(run.code, 0);
  const golden = Deno.readTextFileSync(`${FIXTURES}multi-file-dotenv/expected.yaml`);
  assert.equal(run.stdout.replaceAll(`${FIXTURES}multi-file-dotenv`, "<PROJECT_DIR>"), golden);
});

Deno.test("config flags: -p, --profile, --env-file", async () => {
  const dir = tempProject({
    "compose.yaml": "services:\n  a:\n    image: a:${TAG}\n  b:\n    image: b\n    profiles: [x]\n",
    "alt.env": "TAG=alt\n",
  });
  const run = await runCli(
    ["config", "--format", "json", "-p", "demo", "--profile", "x", "--env-file", "alt.env"],
    { cwd: dir },
  );
  assert.equal(run.code, 0, run.stderr);
  const model = JSON.parse(run.stdout);
  assert.equal(model.name, "demo");
  assert.deepEqual(Object.keys(model.services), ["a", "b"]);
  assert.equal(model.services.a.image, "a:alt");
});

Deno.test("config -o writes atomically; a failed load leaves the old file untouched", async () => {
  const dir = tempProject({ "compose.yaml": "services:\n  web:\n    image: nginx\n" });
  const ok = await runCli(["config", "-o", "out.yaml"], { cwd: dir });
  assert.equal(ok.code, 0);
  assert.equal(ok.stdout, "");
  assert.match(Deno.readTextFileSync(`${dir}/out.yaml`), /image: nginx/);
  Deno.writeTextFileSync(`${dir}/compose.yaml`, "services:\n  web: [\n");
  const bad = await runCli(["config", "-o", "out.yaml"], { cwd: dir });
  assert.equal(bad.code, 1);
  assert.match(Deno.readTextFileSync(`${dir}/out.yaml`), /image: nginx/);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
    "compose.yaml",
    "out.yaml",
  ]);
});

Deno.test("config -o into a missing directory: exit 1 with DK0006, nothing written", async () => {
  const dir = tempProject({ "compose.yaml": "services:\n  web:\n    image: nginx\n" });
  const run = await runCli(["config", "-o", "no/such/dir/out.yaml"], { cwd: dir });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error DK0006: Cannot write/);
  assert.equal(run.stdout, "");
});

Deno.test("config -o onto a directory: exit 1 with DK0006, no temporary file left", async () => {
  const dir = tempProject({ "compose.yaml": "services:\n  web:\n    image: nginx\n" });
  Deno.mkdirSync(`${dir}/out`);
  const run = await runCli(["config", "-o", "out"], { cwd: dir });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error DK0006: Cannot write/);
  assert.doesNotMatch(run.stderr, /\bat .*\.ts:\d+/);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["compose.yaml", "out"]);
  assert.deepEqual([...Deno.readDirSync(`${dir}/out`)], []);
});

Deno.test("a missing file: exit 1, a located message, no stack trace", async () => {
  const dir = tempProject({});
  const run = await runCli(["config", "-f", "nope.yaml"], { cwd: dir });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error DK0001: Cannot read "nope.yaml": no such file/);
  assert.doesNotMatch(run.stderr, /\bat .*\.ts:\d+/);
});

Deno.test("validate: exit 0 with warnings, 1 with --strict; JSON on stdout", async () => {
  const dir = tempProject({
    "compose.yaml": 'version: "3"\nservices:\n  web:\n    image: nginx\n',
  });
  const plain = await runCli(["validate"], { cwd: dir });
  assert.equal(plain.code, 0);
  assert.equal(plain.stdout, "");
  assert.match(plain.stderr, /^compose\.yaml:1:10: warning DK2001: /);
  const strict = await runCli(["validate", "--strict"], { cwd: dir });
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /error DK2001/);
  const json = await runCli(["validate", "--diagnostics", "json"], { cwd: dir });
  assert.equal(json.code, 0);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.version, 1);
  assert.deepEqual(doc.diagnostics.map((d: { code: string }) => d.code), ["DK2001"]);
});

Deno.test("validate on a clean project prints nothing and exits 0", async () => {
  const run = await runCli(["validate"], { cwd: `${FIXTURES}include` });
  assert.deepEqual([run.code, run.stdout, run.stderr], [0, "", ""]);
});

for (
  const name of [
    "bad-references",
    "bad-yaml",
    "bad-port-volume",
    "bad-not-compose-k8s",
    "bad-yaml-colon",
    "bad-command-operators",
    "real-empty-image",
  ]
) {
  Deno.test(`validate renders the golden diagnostics of fixtures/load/${name}`, async () => {
    const run = await runCli(["validate"], { cwd: `${FIXTURES}${name}` });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, Deno.readTextFileSync(`${FIXTURES}${name}/expected.diagnostics.txt`));
  });
}

Deno.test("robustness: a 50 MB file, binary garbage, invalid UTF-8, a directory", async () => {
  const dir = tempProject({});
  const big = new Uint8Array(50 * 1024 * 1024).fill(0x61);
  Deno.writeFileSync(`${dir}/big.yaml`, big);
  Deno.writeFileSync(
    `${dir}/garbage.yaml`,
    new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]),
  );
  Deno.writeFileSync(`${dir}/latin1.yaml`, new Uint8Array([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
  Deno.mkdirSync(`${dir}/sub`);
  const cases: [string, RegExp][] = [
    [
      "big.yaml",
      /error DK0003: "big\.yaml" is too large \(52428800 bytes; the limit is 10485760 bytes\)/,
    ],
    ["garbage.yaml", /error DK0004: "garbage\.yaml" is not a text file \(it contains NUL bytes\)/],
    [
      "latin1.yaml",
      /error DK0004: "latin1\.yaml" is not a text file \(it contains invalid UTF-8\)/,
    ],
    ["sub", /error DK0002: "sub" is a directory, not a file/],
  ];
  for (const [file, expected] of cases) {
    const start = performance.now();
    const run = await runCli(["config", "-f", file], { cwd: dir });
    assert.ok(performance.now() - start < 2000, `${file} took too long`);
    assert.equal(run.code, 1, file);
    assert.match(run.stderr, expected);
    assert.equal(run.stdout, "");
  }
});

Deno.test("cleanup: remove the temporary projects", () => {
  for (const dir of temps.splice(0)) Deno.removeSync(dir, { recursive: true });
});
