/**
 * `loadProjectAsync` (the CLI's loader: plain YAML and plainly valid files without the `yaml`
 * package and zod, plain YAML with zod, anything else with both) gives exactly what the
 * library's synchronous `loadProject` gives: on every conformance case and compile fixture, the
 * same diagnostics, inputs, sources, model and spans. All three paths must be taken.
 */
import assert from "node:assert/strict";
import { type LoadOptions, loadProject, type LoadResult } from "../src/compose/mod.ts";
import { loadProjectAsync } from "../src/compose/loader.ts";
import { loadProjectWith } from "../src/compose/_load.ts";
import { isPlainlyValid } from "../src/compose/_plain.ts";
import { validateComposeShape } from "../src/compose/schema.ts";
import { parsePlainYaml } from "../src/source/plain.ts";
import { realFs } from "../src/cli/_fs.ts";
import { composeYaml } from "../bench/_gen.ts";

const CORPUS = new URL("../../shared/compose-conformance/", import.meta.url);
const FIXTURES = new URL("../fixtures/compile/", import.meta.url);

interface Params {
  files?: string[];
  env?: Record<string, string>;
  profiles?: string[];
  project_name?: string;
}

function dirs(url: URL): string[] {
  // Sorted: the order of cases should not depend on the file system.
  return [...Deno.readDirSync(url)].filter((e) => e.isDirectory).map((e) => e.name).sort();
}

function conformanceOptions(name: string): LoadOptions {
  const dir = new URL(`${name}/`, CORPUS);
  const params = JSON.parse(Deno.readTextFileSync(new URL("params.json", dir))) as Params;
  return {
    files: params.files ?? ["case.yml"],
    cwd: decodeURIComponent(dir.pathname).replace(/\/$/, ""),
    env: params.env ?? {},
    profiles: params.profiles ?? [],
    ...(params.project_name === undefined ? {} : { projectName: params.project_name }),
    fs: realFs(),
  };
}

/** Every path of a tree, for comparing the spans the two results give. */
function paths(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  }
  return out;
}

function assertSame(actual: LoadResult, expected: LoadResult, label: string): void {
  assert.deepEqual(actual.diagnostics, expected.diagnostics, label);
  assert.deepEqual(actual.inputs, expected.inputs, label);
  assert.deepEqual([...actual.sources], [...expected.sources], label);
  assert.equal(actual.project === undefined, expected.project === undefined, label);
  if (actual.project === undefined || expected.project === undefined) return;
  assert.deepEqual(actual.project.model, expected.project.model, label);
  assert.deepEqual(actual.project.disabledServices, expected.project.disabledServices, label);
  assert.equal(actual.project.projectDir, expected.project.projectDir, label);
  for (const path of paths(expected.project.model)) {
    assert.deepEqual(
      actual.project.sources.get(path),
      expected.project.sources.get(path),
      `${label}: ${path.join(".")}`,
    );
  }
}

/** Whether the first, plain-only load decides (the CLI then never loads yaml or zod). */
function plainDecides(options: LoadOptions): boolean {
  const plain = loadProjectWith(options, {
    parse: parsePlainYaml,
    validate: (tree) => isPlainlyValid(tree) ? [] : undefined,
  });
  return plain !== undefined;
}

/** Whether the second load (plain reader, zod model) decides (the CLI then never loads yaml). */
function plainParses(options: LoadOptions): boolean {
  return loadProjectWith(options, { parse: parsePlainYaml, validate: validateComposeShape }) !==
    undefined;
}

Deno.test("loadProjectAsync: the same result as loadProject, fast path or not", async () => {
  const cases: [string, LoadOptions][] = [
    ...dirs(CORPUS).map((name): [string, LoadOptions] => [name, conformanceOptions(name)]),
    ...dirs(FIXTURES).map((name): [string, LoadOptions] => [name, {
      cwd: decodeURIComponent(new URL(`${name}/`, FIXTURES).pathname).replace(/\/$/, ""),
      env: {},
      fs: realFs(),
    }]),
  ];
  let fast = 0;
  let plain = 0;
  for (const [label, options] of cases) {
    assertSame(await loadProjectAsync(options), loadProject(options), label);
    if (plainDecides(options)) fast++;
    else if (plainParses(options)) plain++;
  }
  const full = cases.length - fast - plain;
  const counts = `plain and plainly valid ${fast}, plain ${plain}, full ${full} of ${cases.length}`;
  console.log(counts);
  // All three paths are exercised.
  assert.ok(fast >= 10 && plain >= 10 && full >= 10, counts);
});

Deno.test("loadProjectAsync: a bench file takes the fast path, warnings and all", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/compose.yaml`, composeYaml(10));
    const options: LoadOptions = { cwd: dir, env: {}, fs: realFs() };
    assert.ok(plainDecides(options));
    const expected = loadProject(options);
    assert.ok(expected.project !== undefined);
    assertSame(await loadProjectAsync(options), expected, "bench");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadProjectAsync: a file changed between the two loads is read once", async () => {
  // Not plain YAML (an anchor), so the load runs three times; each must see the same text.
  let reads = 0;
  const text = "services:\n  web: &w\n    image: nginx\n";
  const result = await loadProjectAsync({
    cwd: "/p",
    env: {},
    fs: {
      readFile: (path) => {
        if (path !== "/p/compose.yaml") return { ok: false, reason: "not-found", detail: "no" };
        reads++;
        return { ok: true, text: reads === 1 ? text : "services: {}\n" };
      },
      exists: (path) => path === "/p/compose.yaml",
    },
  });
  assert.equal(reads, 1);
  assert.deepEqual(Object.keys(result.project?.model.services ?? {}), ["web"]);
});
