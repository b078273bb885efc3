/**
 * Runs every case of `../shared/compose-conformance/` through `loadProject` with the real file
 * system, following the runner algorithm of its README: subset match against `expected.json`
 * (`<CASE_DIR>`, `"<absent>"`), or a required failure when `expected-error.txt` exists (the key
 * phrase is compared case-insensitively and a mismatch is only a soft note).
 */
import assert from "node:assert/strict";
import {
  type LoaderFs,
  loadProject,
  toCanonicalJson,
  toCanonicalYaml,
} from "../src/compose/mod.ts";
import { realFs } from "../src/cli/_fs.ts";

const CORPUS = new URL("../../shared/compose-conformance/", import.meta.url);

/** Cases allowed to fail (should stay empty). */
const KNOWN_GAPS: readonly string[] = [];

interface Params {
  files?: string[];
  env?: Record<string, string>;
  profiles?: string[];
  project_name?: string;
  normative?: boolean;
}

/** Subset match (README step 4); returns the first mismatch as a path and a reason. */
export function subsetMismatch(expected: unknown, actual: unknown, path = "$"): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${JSON.stringify(actual)}`;
    if (actual.length !== expected.length) {
      return `${path}: expected ${expected.length} items, got ${actual.length}: ${
        JSON.stringify(actual)
      }`;
    }
    for (let i = 0; i < expected.length; i++) {
      const m = subsetMismatch(expected[i], actual[i], `${path}[${i}]`);
      if (m !== undefined) return m;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
      return `${path}: expected an object, got ${JSON.stringify(actual)}`;
    }
    const act = actual as Record<string, unknown>;
    for (const [key, value] of Object.entries(expected)) {
      if (value === "<absent>") {
        if (Object.hasOwn(act, key)) {
          return `${path}.${key}: expected absent, got ${JSON.stringify(act[key])}`;
        }
        continue;
      }
      if (!Object.hasOwn(act, key)) return `${path}.${key}: missing`;
      const m = subsetMismatch(value, act[key], `${path}.${key}`);
      if (m !== undefined) return m;
    }
    return undefined;
  }
  return expected === actual
    ? undefined
    : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

function readIfExists(url: URL): string | undefined {
  try {
    return Deno.readTextFileSync(url);
  } catch {
    return undefined;
  }
}

interface Outcome {
  readonly name: string;
  readonly normative: boolean;
  readonly failure?: string;
  readonly note?: string;
}

function runCase(name: string): Outcome {
  const dir = new URL(`${name}/`, CORPUS);
  const caseDir = decodeURIComponent(dir.pathname).replace(/\/$/, "");
  const params = JSON.parse(Deno.readTextFileSync(new URL("params.json", dir))) as Params;
  const normative = params.normative !== false;
  const result = loadProject({
    files: params.files ?? ["case.yml"],
    cwd: caseDir,
    env: params.env ?? {},
    profiles: params.profiles ?? [],
    ...(params.project_name === undefined ? {} : { projectName: params.project_name }),
    fs: realFs(),
  });
  const errorPhrase = readIfExists(new URL("expected-error.txt", dir))?.trim();
  if (errorPhrase !== undefined) {
    if (result.project !== undefined) return { name, normative, failure: "loaded, but must fail" };
    const text = result.diagnostics.map((d) => d.message).join("\n").toLowerCase();
    const phrases = errorPhrase.toLowerCase().split("|");
    const matched = text.includes(errorPhrase.toLowerCase()) ||
      phrases.every((p) => text.includes(p));
    return matched ? { name, normative } : {
      name,
      normative,
      note: `key phrase "${errorPhrase}" not in: ${
        result.diagnostics.map((d) => d.message).join(" / ")
      }`,
    };
  }
  if (result.project === undefined) {
    return {
      name,
      normative,
      failure: `failed to load: ${
        result.diagnostics.map((d) => `${d.code} ${d.message}`).join(" / ")
      }`,
    };
  }
  const json = toCanonicalJson(result.project.model).replaceAll(caseDir, "<CASE_DIR>");
  const expected = JSON.parse(Deno.readTextFileSync(new URL("expected.json", dir)));
  const mismatch = subsetMismatch(expected, JSON.parse(json));
  return mismatch === undefined ? { name, normative } : { name, normative, failure: mismatch };
}

const cases = [...Deno.readDirSync(CORPUS)]
  .filter((e) => e.isDirectory)
  .map((e) => e.name)
  .sort();

Deno.test("the conformance corpus is present (154 cases)", () => {
  assert.equal(cases.length, 154);
});

Deno.test("compose-conformance: every normative case passes", () => {
  const outcomes = cases.map(runCase);
  const failed = outcomes.filter((o) => o.failure !== undefined);
  const blocking = failed.filter((o) => o.normative && !KNOWN_GAPS.includes(o.name));
  const lines = [
    `conformance: ${outcomes.length - failed.length}/${outcomes.length} cases pass` +
    ` (${failed.length - blocking.length} non-normative or known gaps)`,
    ...failed.map((o) =>
      `  ${o.normative ? "FAIL" : "note (non-normative)"} ${o.name}: ${o.failure}`
    ),
    ...outcomes.filter((o) => o.note !== undefined).map((o) => `  phrase ${o.name}: ${o.note}`),
  ];
  console.log(lines.join("\n"));
  assert.deepEqual(blocking.map((o) => o.name), []);
});

Deno.test("subset match: <absent>, type-strict scalars and array lengths", () => {
  assert.equal(subsetMismatch({ a: "<absent>" }, { b: 1 }), undefined);
  assert.notEqual(subsetMismatch({ a: "<absent>" }, { a: 1 }), undefined);
  assert.notEqual(subsetMismatch({ a: "80" }, { a: 80 }), undefined);
  assert.notEqual(subsetMismatch([1], [1, 2]), undefined);
  assert.equal(subsetMismatch({ a: null }, { a: null, b: 2 }), undefined);
  assert.notEqual(subsetMismatch({ a: null }, {}), undefined);
});

/** The real file system, plus one virtual file. */
function overlayFs(path: string, text: string): LoaderFs {
  const real = realFs();
  return {
    readFile: (p) => p === path ? { ok: true, text } : real.readFile(p),
    exists: (p) => p === path || real.exists(p),
    isDirectory: (p) => p !== path && (real.isDirectory?.(p) ?? false),
  };
}

Deno.test("round trip: the canonical YAML of every loadable case loads back to the same model", () => {
  let checked = 0;
  for (const name of cases) {
    const caseDir = decodeURIComponent(new URL(`${name}/`, CORPUS).pathname).replace(/\/$/, "");
    const params = JSON.parse(Deno.readTextFileSync(`${caseDir}/params.json`)) as Params;
    const options = {
      cwd: caseDir,
      env: params.env ?? {},
      profiles: params.profiles ?? [],
      ...(params.project_name === undefined ? {} : { projectName: params.project_name }),
    };
    const first = loadProject({ ...options, files: params.files ?? ["case.yml"], fs: realFs() });
    if (first.project === undefined) continue;
    const json = toCanonicalJson(first.project.model);
    // `$` would be interpolated again; disabled services are not in the output by design.
    if (json.includes("$") || first.project.disabledServices.length > 0) continue;
    const virtual = `${caseDir}/.roundtrip.yaml`;
    const again = loadProject({
      ...options,
      files: [".roundtrip.yaml"],
      fs: overlayFs(virtual, toCanonicalYaml(first.project.model)),
    });
    assert.deepEqual(again.diagnostics.filter((d) => d.severity === "error"), [], name);
    assert.equal(toCanonicalJson(again.project?.model), json, name);
    checked++;
  }
  assert.ok(checked > 100, `only ${checked} cases round-tripped`);
});
