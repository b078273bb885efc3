/**
 * Golden tests of `dokompose compile`: every folder under `fixtures/compile/` is a realistic
 * project; its expected outputs are pinned byte for byte.
 *
 * - `compose.yaml` (+ `.env`, env files, build contexts): the input; `args.txt` (optional) holds
 *   extra CLI arguments, one per line.
 * - success: `expected.Dokkufile` (stdout) and `expected.warnings.txt` (stderr, the rendered
 *   diagnostics; empty for a clean case, which then also has no artifact warnings);
 *   optional `expected.json` (`--format json`).
 * - failure: `expected.errors.txt` (stderr) and no Dokkufile.
 *
 * `UPDATE_GOLDEN=1` rewrites the expected files; the diff is the review.
 */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { compileProject } from "../src/compiler/mod.ts";
import { loadProject } from "../src/compose/mod.ts";
import { realFs } from "../src/cli/_fs.ts";
import { emitDokkufile, parseDokkufile } from "../src/dokkufile/mod.ts";

const ROOT = new URL("../fixtures/compile/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";
const INPUT = "compose.yaml";
/** The case whose `--format json` output is pinned too (the JSON contract). */
const FIRST_JSON = "web-postgres-redis-worker";
const EXPECTED = [
  "expected.Dokkufile",
  "expected.warnings.txt",
  "expected.errors.txt",
  "expected.json",
] as const;

function caseNames(): string[] {
  const names: string[] = [];
  for (const entry of Deno.readDirSync(ROOT)) if (entry.isDirectory) names.push(entry.name);
  // Sorted: readDir order depends on the file system.
  return names.sort();
}

function read(path: URL): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function extraArgs(dir: URL): string[] {
  const text = read(new URL("args.txt", dir));
  return text === undefined ? [] : text.split("\n").filter((line) => line !== "");
}

/** Compares with the golden file, or rewrites it (`UPDATE_GOLDEN=1`). */
function golden(dir: URL, name: string, actual: string | undefined): void {
  const path = new URL(name, dir);
  if (UPDATE) {
    if (actual === undefined) {
      try {
        Deno.removeSync(path);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    } else Deno.writeTextFileSync(path, actual);
    return;
  }
  const expected = read(path);
  if (actual === undefined) {
    assert.equal(expected, undefined, `${name} must not exist for this case (run UPDATE_GOLDEN=1)`);
    return;
  }
  assert.notEqual(expected, undefined, `${name} is missing (run UPDATE_GOLDEN=1)`);
  assert.equal(actual, expected, `${name} differs (run UPDATE_GOLDEN=1 and review the diff)`);
}

Deno.test("fixtures: at least 15 cases; every case has an input and expectations", () => {
  const names = caseNames();
  assert.ok(names.length >= 15, `only ${names.length} compile fixtures`);
  for (const name of names) {
    const dir = new URL(`${name}/`, ROOT);
    const hasInput = read(new URL(INPUT, dir)) !== undefined;
    const expectations = EXPECTED.filter((file) => read(new URL(file, dir)) !== undefined);
    assert.ok(hasInput || expectations.length === 0, `${name}: expected files without ${INPUT}`);
    assert.ok(hasInput, `${name}: a fixture folder without ${INPUT}`);
    if (!UPDATE) {
      assert.ok(
        expectations.includes("expected.errors.txt") ||
          (expectations.includes("expected.Dokkufile") &&
            expectations.includes("expected.warnings.txt")),
        `${name}: no expected output (run UPDATE_GOLDEN=1)`,
      );
    }
  }
});

for (const name of caseNames()) {
  Deno.test(`compile golden: ${name}`, async () => {
    const dir = new URL(`${name}/`, ROOT);
    const cwd = dir.pathname.replace(/\/$/, "");
    const args = ["compile", "-f", INPUT, ...extraArgs(dir)];
    const run = await runCli(args, { cwd, env: {} });
    if (run.code !== 0) {
      assert.equal(run.code, 1, `exit code ${run.code}: ${run.stderr}`);
      assert.equal(run.stdout, "");
      assert.notEqual(run.stderr, "");
      golden(dir, "expected.errors.txt", run.stderr);
      golden(dir, "expected.Dokkufile", undefined);
      golden(dir, "expected.warnings.txt", undefined);
      golden(dir, "expected.json", undefined);
      return;
    }
    golden(dir, "expected.errors.txt", undefined);
    golden(dir, "expected.Dokkufile", run.stdout);
    golden(dir, "expected.warnings.txt", run.stderr);
    assert.ok(!run.stdout.includes(cwd), "an absolute path leaked into the Dokkufile");

    // The library gives the same artifact, and the text form round-trips.
    const loaded = loadProject({
      files: [INPUT],
      cwd,
      env: {},
      fs: realFs(),
      ...(args.includes("--profile") ? { profiles: [args[args.indexOf("--profile") + 1]!] } : {}),
    });
    assert.ok(loaded.project);
    const compiled = await compileProject(loaded.project, { artifactDir: "." });
    assert.ok(compiled.dokkufile);
    assert.equal(emitDokkufile(compiled.dokkufile), run.stdout);
    const parsed = parseDokkufile(run.stdout, { file: "expected.Dokkufile" });
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepEqual(parsed.dokkufile, compiled.dokkufile);
    if (run.stderr === "") {
      assert.deepEqual(compiled.dokkufile.warnings, [], "a clean case must have no warnings");
    }

    if (read(new URL("expected.json", dir)) !== undefined || (UPDATE && name === FIRST_JSON)) {
      const json = await runCli([...args, "--format", "json"], { cwd, env: {} });
      assert.equal(json.code, 0);
      golden(dir, "expected.json", json.stdout);
    }
  });
}
