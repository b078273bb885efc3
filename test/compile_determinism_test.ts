/**
 * Determinism of `dokompose compile`: shuffled mapping keys, another cwd, another `TZ`,
 * `LANG`/`LC_ALL` and another environment order give the same output; editing one env value
 * changes only the lines of the step that sets it.
 */
import assert from "node:assert/strict";
import { parseDocument, stringify } from "yaml";
import { cliProcessArgs, runCli } from "./support/cli.ts";
import { parseDokkufile } from "../src/dokkufile/mod.ts";
import type { Dokkufile } from "../src/dokkufile/types.ts";
import { emitDokkufile } from "../src/dokkufile/mod.ts";
import { compileProject } from "../src/compiler/mod.ts";
import { loadProject } from "../src/compose/mod.ts";
import { realFs } from "../src/cli/_fs.ts";

const REPO = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const FIXTURES = `${REPO}/fixtures/compile`;
const DENO = Deno.execPath();

/** Copies a fixture folder into a fresh temporary directory (another absolute path). */
function copyFixture(name: string): string {
  const dir = Deno.makeTempDirSync({ prefix: "dokompose-det-" });
  const copy = (from: string, to: string) => {
    for (const entry of Deno.readDirSync(from)) {
      if (entry.name.startsWith("expected.")) continue;
      if (entry.isDirectory) {
        Deno.mkdirSync(`${to}/${entry.name}`);
        copy(`${from}/${entry.name}`, `${to}/${entry.name}`);
      } else Deno.copyFileSync(`${from}/${entry.name}`, `${to}/${entry.name}`);
    }
  };
  copy(`${FIXTURES}/${name}`, dir);
  return dir;
}

/** A small seeded PRNG, so a failing shuffle can be reproduced. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, random));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  // A Map keeps the shuffled order even for integer-like keys (an object would sort them).
  return new Map(entries.map(([k, v]) => [k, shuffleKeys(v, random)]));
}

/** The Dokkufile without what legitimately depends on the text layout: lines and checksum. */
function layoutFree(text: string): unknown {
  const parsed = parseDokkufile(text, { file: "Dokkufile" });
  assert.ok(parsed.dokkufile, JSON.stringify(parsed.diagnostics));
  const d: Dokkufile = parsed.dokkufile;
  return {
    ...d,
    inputChecksum: "<input>",
    // Warnings are sorted by line, which the shuffle changes: compare them as a set.
    warnings: d.warnings.map((w) => JSON.stringify({ ...w, line: 0 })).sort(),
    stages: d.stages.map((stage) => ({
      ...stage,
      steps: stage.steps.map((step) => ({
        ...step,
        source: step.source.map((s) => JSON.stringify({ ...s, line: 0 })).sort(),
      })),
    })),
  };
}

async function compileIn(cwd: string, args: readonly string[] = []): Promise<string> {
  const run = await runCli(["compile", "-f", "compose.yaml", ...args], { cwd, env: {} });
  assert.equal(run.code, 0, run.stderr);
  return run.stdout;
}

async function subprocess(
  cwd: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = new Deno.Command(DENO, {
    args: cliProcessArgs(args),
    cwd,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
  const out = await command.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

for (const name of ["web-postgres-redis-worker", "networks", "numeric-names", "volumes"]) {
  Deno.test(`shuffled mapping keys give the same Dokkufile: ${name}`, async () => {
    const dir = copyFixture(name);
    try {
      const baseline = await compileIn(dir);
      const original = parseDocument(Deno.readTextFileSync(`${dir}/compose.yaml`)).toJS();
      for (const seed of [1, 2, 3]) {
        const shuffled = stringify(shuffleKeys(original, prng(seed)));
        Deno.writeTextFileSync(`${dir}/compose.yaml`, shuffled);
        const once = await compileIn(dir);
        assert.equal(await compileIn(dir), once, "two compiles of one input differ");
        assert.deepEqual(layoutFree(once), layoutFree(baseline), `seed ${seed}`);
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

/** Rebuilds every object of a value with its keys in a shuffled insertion order. */
function shuffleObjects(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleObjects(v, random));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleObjects(v, random)]));
}

for (const name of ["web-postgres-redis-worker", "volumes", "secrets", "two-postgres"]) {
  Deno.test(`a model with shuffled key order compiles to the same bytes: ${name}`, async () => {
    const cwd = `${FIXTURES}/${name}`;
    const loaded = loadProject({ files: ["compose.yaml"], cwd, env: {}, fs: realFs() });
    assert.ok(loaded.project, JSON.stringify(loaded.diagnostics));
    const compile = async (model: unknown) => {
      const project = { ...loaded.project!, model: model as typeof loaded.project.model };
      const out = await compileProject(project, { artifactDir: "." });
      assert.ok(out.dokkufile, JSON.stringify(out.diagnostics));
      return emitDokkufile(out.dokkufile);
    };
    const baseline = await compile(loaded.project.model);
    for (const seed of [7, 8, 9]) {
      assert.equal(await compile(shuffleObjects(loaded.project.model, prng(seed))), baseline);
    }
  });
}

Deno.test("another cwd, TZ, LANG/LC_ALL and env order give byte-identical output", async () => {
  const dir = copyFixture("web-postgres-redis-worker");
  const elsewhere = Deno.makeTempDirSync({ prefix: "dokompose-cwd-" });
  try {
    const base = Deno.env.toObject();
    const sortedEnv = Object.fromEntries(Object.entries(base).sort(([a], [b]) => a < b ? -1 : 1));
    const reversedEnv = Object.fromEntries(Object.entries(sortedEnv).reverse());
    const variants: { cwd: string; env: Record<string, string>; label: string }[] = [
      { cwd: dir, env: { ...sortedEnv, TZ: "UTC", LANG: "C", LC_ALL: "C" }, label: "baseline" },
      {
        cwd: dir,
        env: { TZ: "Pacific/Chatham", LANG: "tr_TR.UTF-8", LC_ALL: "tr_TR.UTF-8", ...reversedEnv },
        label: "tz+locale+reversed env",
      },
      {
        cwd: elsewhere,
        env: { ...reversedEnv, TZ: "America/St_Johns", LANG: "de_DE.UTF-8", LC_ALL: "ja_JP.UTF-8" },
        label: "another cwd",
      },
    ];
    const outputs: string[] = [];
    for (const v of variants) {
      const out = `${dir}/Dokkufile`;
      const run = await subprocess(
        v.cwd,
        ["compile", "-f", `${dir}/compose.yaml`, "-o", out],
        v.env,
      );
      assert.equal(run.code, 0, `${v.label}: ${run.stderr}`);
      outputs.push(Deno.readTextFileSync(out));
      Deno.removeSync(out);
    }
    assert.equal(outputs[1], outputs[0], "TZ/locale/env order changed the output");
    assert.equal(outputs[2], outputs[0], "the cwd changed the output");
    assert.ok(!outputs[0]!.includes(dir), "an absolute path leaked into the Dokkufile");
  } finally {
    Deno.removeSync(dir, { recursive: true });
    Deno.removeSync(elsewhere, { recursive: true });
  }
});

Deno.test("editing one env value changes only the lines of the step that sets it", async () => {
  const dir = copyFixture("web-postgres-redis-worker");
  try {
    const before = (await compileIn(dir)).split("\n");
    const text = Deno.readTextFileSync(`${dir}/compose.yaml`);
    assert.ok(text.includes(`CONCURRENCY: "4"`));
    Deno.writeTextFileSync(
      `${dir}/compose.yaml`,
      text.replace(`CONCURRENCY: "4"`, `CONCURRENCY: "8"`),
    );
    const after = (await compileIn(dir)).split("\n");
    assert.equal(after.length, before.length);
    const changedSteps = new Set<string>();
    let step = "<header>";
    let changedHeader: string[] = [];
    for (let i = 0; i < before.length; i++) {
      if (before[i]!.startsWith("STEP ")) step = before[i]!.split(" ")[1]!;
      if (before[i] === after[i]) continue;
      if (step === "<header>") changedHeader.push(before[i]!.split(" ")[0]!);
      else changedSteps.add(step);
    }
    changedHeader = [...new Set(changedHeader)];
    assert.deepEqual([...changedSteps], ["worker/config"]);
    assert.deepEqual(changedHeader, ["INPUT"]);
    const changed = after.filter((line, i) => line !== before[i]);
    assert.ok(changed.some((line) => line.includes("CONCURRENCY=8")));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
