/**
 * Golden tests of the loader: every folder of `fixtures/load/` is a project (compose files, .env,
 * env files, `params.json` with `files`, `env`, `profiles`, `project_name`, `env_files`). Its
 * canonical model is compared with `expected.yaml` (absent when loading must fail) and its
 * rendered diagnostics with `expected.diagnostics.txt` (empty for a clean fixture).
 * `UPDATE_GOLDEN=1` rewrites them; the diff is the review.
 */
import assert from "node:assert/strict";
import { loadProject, toCanonicalYaml } from "../src/compose/mod.ts";
import { realFs } from "../src/cli/_fs.ts";
import { renderText } from "../src/diagnostics/mod.ts";

const ROOT = new URL("../fixtures/load/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";

interface Params {
  files?: string[];
  env?: Record<string, string>;
  profiles?: string[];
  project_name?: string;
  env_files?: string[];
}

function read(url: URL): string | undefined {
  try {
    return Deno.readTextFileSync(url);
  } catch {
    return undefined;
  }
}

function check(url: URL, actual: string | undefined): void {
  const expected = read(url);
  if (UPDATE) {
    if (actual === undefined) {
      if (expected !== undefined) Deno.removeSync(url);
    } else if (expected !== actual) Deno.writeTextFileSync(url, actual);
    return;
  }
  assert.equal(actual, expected, `${url.pathname} differs (UPDATE_GOLDEN=1 rewrites it)`);
}

const cases = [...Deno.readDirSync(ROOT)].filter((e) => e.isDirectory).map((e) => e.name).sort();

Deno.test("fixtures/load has cases", () => {
  assert.ok(cases.length >= 10);
});

for (const name of cases) {
  Deno.test(`fixtures/load/${name}`, () => {
    const dir = new URL(`${name}/`, ROOT);
    const dirPath = decodeURIComponent(dir.pathname).replace(/\/$/, "");
    const params = JSON.parse(read(new URL("params.json", dir)) ?? "{}") as Params;
    // Without `files`, the loader discovers compose.yaml (+ compose.override.yaml) itself.
    const files = params.files ?? [];
    for (const f of files.length === 0 ? ["compose.yaml"] : files) {
      assert.ok(read(new URL(f, dir)) !== undefined, `${name}: input ${f} is missing`);
    }
    const result = loadProject({
      files,
      cwd: dirPath,
      env: params.env ?? {},
      profiles: params.profiles ?? [],
      envFiles: params.env_files ?? [],
      ...(params.project_name === undefined ? {} : { projectName: params.project_name }),
      fs: realFs(),
    });
    const model = result.project === undefined
      ? undefined
      : toCanonicalYaml(result.project.model).replaceAll(dirPath, "<PROJECT_DIR>");
    check(new URL("expected.yaml", dir), model);
    check(
      new URL("expected.diagnostics.txt", dir),
      renderText(result.diagnostics, { sources: result.sources }),
    );
  });
}

Deno.test("fixtures/demo loads cleanly (discovery, .env, override, extends, profile)", () => {
  const dir = decodeURIComponent(new URL("../fixtures/demo", import.meta.url).pathname);
  const load = (profiles: string[]) => loadProject({ cwd: dir, env: {}, profiles, fs: realFs() });
  const plain = load([]);
  assert.deepEqual(plain.diagnostics, []);
  const project = plain.project!;
  assert.deepEqual(Object.keys(project.model.services), ["db", "redis", "web", "worker"]);
  assert.deepEqual(project.disabledServices, ["mailhog"]);
  assert.deepEqual(project.inputs.map((i) => i.path), [
    ".env",
    "common.yaml",
    "compose.override.yaml",
    "compose.yaml",
    "web/app.env",
  ]);
  check(
    new URL("../fixtures/demo/expected.config.yaml", import.meta.url),
    toCanonicalYaml(project.model).replaceAll(dir, "<PROJECT_DIR>"),
  );
  const debug = load(["debug"]);
  assert.deepEqual(debug.diagnostics, []);
  assert.ok(debug.project!.model.services["mailhog"] !== undefined);
});
