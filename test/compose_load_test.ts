/**
 * The loader with an in-memory file system: bad input gives located diagnostics (never a throw),
 * the source map, inputs, discovery, the project environment and determinism.
 */
import assert from "node:assert/strict";
import {
  type LoaderFs,
  type LoadOptions,
  loadProject,
  toCanonicalJson,
} from "../src/compose/mod.ts";
import type { Diagnostic } from "../src/diagnostics/mod.ts";

/** An in-memory {@linkcode LoaderFs}: absolute path -> text (or a read failure). */
function memoryFs(
  files: Record<string, string | { fail: "unreadable" | "too-large" | "binary" }>,
): LoaderFs {
  const dirs = new Set<string>();
  for (const path of Object.keys(files)) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/") || "/");
  }
  return {
    readFile(path) {
      const entry = files[path];
      if (entry === undefined) {
        return dirs.has(path)
          ? { ok: false, reason: "is-directory", detail: "is a directory" }
          : { ok: false, reason: "not-found", detail: "no such file" };
      }
      if (typeof entry === "string") return { ok: true, text: entry };
      return {
        ok: false,
        reason: entry.fail,
        detail: entry.fail === "too-large" ? "52428800" : entry.fail,
      };
    },
    exists: (path) => files[path] !== undefined || dirs.has(path),
    isDirectory: (path) => dirs.has(path),
  };
}

function load(
  files: Record<string, string | { fail: "unreadable" | "too-large" | "binary" }>,
  options: Partial<LoadOptions> = {},
) {
  return loadProject({
    cwd: "/p",
    env: {},
    files: ["compose.yaml"],
    fs: memoryFs(files),
    ...options,
  });
}

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => d.code);
}

function only(diagnostics: readonly Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(diagnostics)}`);
  return found[0]!;
}

const WEB = "services:\n  web:\n    image: nginx\n";

Deno.test("a valid file loads with zero diagnostics", () => {
  const r = load({ "/p/compose.yaml": WEB });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.project?.model.name, "p");
  assert.deepEqual(r.project?.model.services["web"]?.networks, { default: null });
});

Deno.test("YAML syntax error: located, no project", () => {
  const r = load({ "/p/compose.yaml": "services:\n  web:\n    image: [nginx\n" });
  assert.equal(r.project, undefined);
  const d = only(r.diagnostics, "DK1001");
  assert.equal(d.span?.file, "compose.yaml");
  assert.ok((d.span?.line ?? 0) >= 3);
});

Deno.test("an alias bomb is refused quickly with a diagnostic", () => {
  const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 12; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(10).fill("*" + prev).join(", ")}]`);
  }
  const start = performance.now();
  const r = load({
    "/p/compose.yaml": `x-bomb:\n${levels.map((l) => "  " + l).join("\n")}\n${WEB}`,
  });
  assert.ok(performance.now() - start < 5000);
  assert.equal(r.project, undefined);
  assert.equal(only(r.diagnostics, "DK1004").severity, "error");
});

Deno.test("file problems: missing, directory, too large, binary, unreadable", () => {
  const cases: [
    Record<string, string | { fail: "unreadable" | "too-large" | "binary" }>,
    string,
  ][] = [
    [{}, "DK0001"],
    [{ "/p/compose.yaml/x": "a" }, "DK0002"],
    [{ "/p/compose.yaml": { fail: "too-large" } }, "DK0003"],
    [{ "/p/compose.yaml": { fail: "binary" } }, "DK0004"],
    [{ "/p/compose.yaml": "services:\u0000\n" }, "DK0004"],
    [{ "/p/compose.yaml": { fail: "unreadable" } }, "DK0001"],
  ];
  for (const [files, code] of cases) {
    const r = load(files);
    assert.equal(r.project, undefined);
    assert.deepEqual(codes(r.diagnostics), [code], JSON.stringify(files));
    assert.match(r.diagnostics[0]!.message, /"compose\.yaml"/);
  }
});

Deno.test("empty file, top level not a mapping, non-string key, duplicate key", () => {
  assert.deepEqual(codes(load({ "/p/compose.yaml": "# nothing\n" }).diagnostics), ["DK1005"]);
  assert.deepEqual(codes(load({ "/p/compose.yaml": "just text\n" }).diagnostics), ["DK1006"]);
  const nonString = load({ "/p/compose.yaml": WEB + "    environment:\n      1: one\n" });
  const d = only(nonString.diagnostics, "DK1003");
  assert.deepEqual([d.span?.line, d.span?.column], [5, 7]);
  assert.match(d.message, /services\.web\.environment: 1/);
  const dup = only(load({ "/p/compose.yaml": WEB + "    image: httpd\n" }).diagnostics, "DK1002");
  assert.match(dup.message, /"image" already defined at line 3/);
});

Deno.test("a missing required variable names the file, line and variable", () => {
  const r = load({
    "/p/compose.yaml": WEB + "    environment:\n      PW: ${DB_PASSWORD:?set it}\n",
  });
  const d = only(r.diagnostics, "DK2102");
  assert.deepEqual([d.span?.file, d.span?.line], ["compose.yaml", 5]);
  assert.match(d.message, /DB_PASSWORD/);
  assert.match(d.message, /set it/);
});

Deno.test("an unset variable warns once and becomes empty", () => {
  const r = load({
    "/p/compose.yaml": "services:\n  web:\n    image: nginx:${TAG}\n    labels:\n      a: ${TAG}\n",
  });
  assert.equal(only(r.diagnostics, "DK2104").severity, "warning");
  assert.equal(r.project?.model.services["web"]?.image, "nginx:");
});

Deno.test("version is dropped with a warning", () => {
  const r = load({ "/p/compose.yaml": 'version: "3.8"\n' + WEB });
  const d = only(r.diagnostics, "DK2001");
  assert.equal(d.severity, "warning");
  assert.equal(d.span?.line, 1);
  assert.equal("version" in (r.project?.model ?? {}), false);
});

Deno.test("undefined references and a dependency cycle in sorted order", () => {
  const r = load({
    "/p/compose.yaml": `services:
  c:
    image: x
    depends_on: [b]
  b:
    image: x
    depends_on: [c]
    networks: [nope]
    secrets: [s]
    volumes: [data:/data]
`,
  });
  assert.deepEqual(codes(r.diagnostics).sort(), ["DK2603", "DK2604", "DK2605", "DK2608"]);
  assert.match(only(r.diagnostics, "DK2608").message, /b -> c -> b/);
});

Deno.test("source map: file:line:col, later file wins, ancestors as fallback", () => {
  const r = load({
    "/p/compose.yaml": WEB + "    environment:\n      - A=1\n      - B=2\n",
    "/p/over.yaml": "services:\n  web:\n    image: httpd\n",
  }, { files: ["compose.yaml", "over.yaml"] });
  const sources = r.project!.sources;
  assert.deepEqual(sources.get(["services", "web", "image"]), {
    file: "over.yaml",
    line: 3,
    column: 12,
    endLine: 3,
    endColumn: 17,
  });
  assert.equal(sources.get(["services", "web", "environment", "B"])?.line, 6);
  assert.equal(sources.get(["services", "web", "environment", "B", "deeper"])?.line, 6);
  assert.equal(sources.get(["services", "nope"])?.line, 1);
});

Deno.test("extends: values from the base point at the base", () => {
  const r = load({
    "/p/compose.yaml": "services:\n  web:\n    extends: {file: common.yaml, service: base}\n",
    "/p/common.yaml": "services:\n  base:\n    image: nginx\n",
  });
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.project!.sources.get(["services", "web", "image"])?.file, "common.yaml");
});

Deno.test("inputs: every file read, project-relative, sorted; spans outside use ../", () => {
  const r = load({
    "/p/compose.yaml":
      "services:\n  web:\n    image: nginx:${T}\n    env_file: ../shared/web.env\n",
    "/p/.env": "T=1\n",
    "/shared/web.env": "A=1\n",
  });
  // Sorted by UTF-16 code units: "../" sorts before ".env".
  assert.deepEqual(r.project?.inputs.map((i) => i.path), [
    "../shared/web.env",
    ".env",
    "compose.yaml",
  ]);
  assert.equal(r.project?.model.services["web"]?.environment?.["A"], "1");
});

Deno.test("discovery (P1) and COMPOSE_FILE", () => {
  const files = {
    "/p/compose.yaml": WEB,
    "/p/docker-compose.yml": "services:\n  other:\n    image: x\n",
    "/p/compose.override.yaml": "services:\n  web:\n    image: httpd\n",
  };
  const r = loadProject({ cwd: "/p", env: {}, fs: memoryFs(files) });
  assert.deepEqual(Object.keys(r.project!.model.services), ["web"]);
  assert.equal(r.project!.model.services["web"]?.image, "httpd");
  const viaEnv = loadProject({
    cwd: "/p",
    env: { COMPOSE_FILE: "docker-compose.yml" },
    fs: memoryFs(files),
  });
  assert.deepEqual(Object.keys(viaEnv.project!.model.services), ["other"]);
  const none = loadProject({ cwd: "/q", env: {}, fs: memoryFs(files) });
  assert.deepEqual(codes(none.diagnostics), ["DK0005"]);
});

Deno.test("project environment: --env-file replaces .env; COMPOSE_DISABLE_ENV_FILE", () => {
  const files = {
    "/p/compose.yaml": "services:\n  web:\n    image: app:${TAG-none}\n",
    "/p/.env": "TAG=dot\n",
    "/p/alt.env": "TAG=alt\n",
  };
  const image = (options: Partial<LoadOptions>) =>
    load(files, options).project?.model.services["web"]?.image;
  assert.equal(image({}), "app:dot");
  assert.equal(image({ envFiles: ["alt.env"] }), "app:alt");
  assert.equal(image({ env: { COMPOSE_DISABLE_ENV_FILE: "1" } }), "app:none");
  assert.equal(image({ env: { TAG: "shell" } }), "app:shell");
});

Deno.test("profiles from COMPOSE_PROFILES in .env; disabled services are listed", () => {
  const r = load({
    "/p/compose.yaml": WEB +
      "  dbg:\n    image: x\n    profiles: [debug]\n  t:\n    image: x\n    profiles: [test]\n",
    "/p/.env": "COMPOSE_PROFILES=debug\n",
  });
  assert.deepEqual(Object.keys(r.project!.model.services).sort(), ["dbg", "web"]);
  assert.deepEqual(r.project!.disabledServices, ["t"]);
});

Deno.test("!reset and !override apply to earlier files only", () => {
  const r = load({
    "/p/compose.yaml": WEB + "    ports: ['80:80']\n    dns: [1.1.1.1]\n",
    "/p/b.yaml": "services:\n  web:\n    ports: !reset []\n    dns: !override [8.8.8.8]\n",
  }, { files: ["compose.yaml", "b.yaml"] });
  const web = r.project!.model.services["web"]!;
  assert.equal(web.ports, undefined);
  assert.deepEqual(web["dns"], ["8.8.8.8"]);
});

Deno.test("determinism: key order in the input does not change the output", () => {
  const a = load({
    "/p/compose.yaml":
      "services:\n  b:\n    image: x\n    environment: {Z: '1', A: '2'}\n  a:\n    image: y\n",
  });
  const b = load({
    "/p/compose.yaml":
      "services:\n  a:\n    image: y\n  b:\n    environment: {A: '2', Z: '1'}\n    image: x\n",
  });
  assert.equal(toCanonicalJson(a.project!.model), toCanonicalJson(b.project!.model));
});

Deno.test("-p must be valid; a top-level name is normalized", () => {
  assert.deepEqual(
    codes(load({ "/p/compose.yaml": WEB }, { projectName: "Bad Name" }).diagnostics),
    [
      "DK2002",
    ],
  );
  const r = load({ "/p/compose.yaml": "name: My.App\n" + WEB });
  assert.equal(r.project?.model.name, "myapp");
  assert.equal(r.project?.model.networks?.["default"]?.name, "myapp_default");
});
