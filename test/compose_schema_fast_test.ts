/**
 * The two shortcuts of compose shape validation give the same results as the full zod model:
 * `isPlainlyValid` accepts only what the model accepts, and `composeSchemaFor` (the model built
 * for the keys a document uses) reports exactly the model's issues.
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { isPlainlyValid, validateComposeShape } from "../src/compose/schema.ts";
import { buildComposeSchema, composeSchemaFor, usedKeys } from "../src/compose/_schema.ts";
import { composeYaml } from "../bench/_gen.ts";

const CONFORMANCE = new URL("../../shared/compose-conformance/", import.meta.url);
const FIXTURES = new URL("../fixtures/", import.meta.url);

function docs(text: string): unknown[] {
  const parsed = parseAllDocuments(text, {
    merge: true,
    customTags: [
      { tag: "!reset", resolve: (v: unknown) => v },
      { tag: "!override", resolve: (v: unknown) => v },
    ],
  });
  return (Array.isArray(parsed) ? parsed : [parsed]).map((d) => d.toJS());
}

function yamlFiles(dir: URL, out: URL[] = []): URL[] {
  // Sorted: directory order is up to the file system.
  const entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1);
  for (const entry of entries) {
    if (entry.isDirectory) yamlFiles(new URL(`${entry.name}/`, dir), out);
    else if (/\.ya?ml$/.test(entry.name)) out.push(new URL(entry.name, dir));
  }
  return out;
}

/** Variants near the fast path's edges: each is accepted or refused by it for a reason. */
function variants(): [string, unknown][] {
  const base = () => ({
    name: "shop",
    services: {
      web: {
        image: "nginx",
        environment: { A: "1", B: 2, C: true, D: null },
        ports: ["80:80", 8080],
        depends_on: ["db"],
      },
      db: { image: "postgres", environment: ["A=1", "B=2"] },
    },
  });
  const cases: [string, (t: ReturnType<typeof base>) => unknown][] = [
    ["base", (t) => t],
    [
      "x- keys",
      (t) => ({
        ...t,
        "x-a": { anything: [1] },
        services: { ...t.services, web: { ...t.services.web, "x-b": 1 } },
      }),
    ],
    ["version", (t) => ({ ...t, version: "3.9" })],
    ["numeric version", (t) => ({ ...t, version: 3 })],
    ["numeric name", (t) => ({ ...t, name: 3 })],
    ["no services", () => ({ name: "x" })],
    ["empty", () => ({})],
    ["root list", () => [1]],
    ["root null", () => null],
    ["services list", (t) => ({ ...t, services: [t.services.web] })],
    ["services null", (t) => ({ ...t, services: null })],
    ["service null", (t) => ({ ...t, services: { web: null } })],
    ["service list", (t) => ({ ...t, services: { web: ["image"] } })],
    ["bad service name", (t) => ({ ...t, services: { "we b": t.services.web } })],
    ["empty service name", (t) => ({ ...t, services: { "": t.services.web } })],
    ["image number", (t) => ({ services: { web: { ...t.services.web, image: 5 } } })],
    ["image null", (t) => ({ services: { web: { ...t.services.web, image: null } } })],
    ["env empty key", () => ({ services: { web: { environment: { "": "x" } } } })],
    ["env object value", () => ({ services: { web: { environment: { A: { b: 1 } } } } })],
    ["env list value", () => ({ services: { web: { environment: { A: [1] } } } })],
    ["env infinity", () => ({ services: { web: { environment: { A: Infinity } } } })],
    ["env NaN", () => ({ services: { web: { environment: { A: NaN } } } })],
    ["env list duplicate", () => ({ services: { web: { environment: ["A=1", "A=1"] } } })],
    ["env list number", () => ({ services: { web: { environment: ["A=1", 2] } } })],
    ["env string", () => ({ services: { web: { environment: "A=1" } } })],
    ["ports duplicate", () => ({ services: { web: { ports: ["80:80", "80:80"] } } })],
    ["ports number and string", () => ({ services: { web: { ports: [80, "80"] } } })],
    ["ports duplicate number", () => ({ services: { web: { ports: [80, 80] } } })],
    ["ports object", () => ({ services: { web: { ports: [{ target: 80 }] } } })],
    ["ports bad object", () => ({ services: { web: { ports: [{ target: 80, bad: 1 }] } } })],
    ["ports boolean", () => ({ services: { web: { ports: [true] } } })],
    ["ports string", () => ({ services: { web: { ports: "80:80" } } })],
    ["ports float", () => ({ services: { web: { ports: [80.5] } } })],
    [
      "depends_on map",
      () => ({ services: { web: { depends_on: { db: { condition: "service_started" } } } } }),
    ],
    [
      "depends_on bad map",
      () => ({ services: { web: { depends_on: { db: { condition: "x" } } } } }),
    ],
    ["depends_on duplicate", () => ({ services: { web: { depends_on: ["db", "db"] } } })],
    ["depends_on number", () => ({ services: { web: { depends_on: [1] } } })],
    ["unknown service key", () => ({ services: { web: { imagee: "x" } } })],
    ["unknown root key", () => ({ servics: {} })],
    ["other service key", () => ({ services: { web: { image: "x", restart: "always" } } })],
    [
      "other bad service key",
      () => ({ services: { web: { image: "x", deploy: { replicas: "x", bad: 1 } } } }),
    ],
    ["prototype key", () => JSON.parse('{"services":{"web":{"__proto__":{"image":"x"}}}}')],
    ["constructor key", () => ({ services: { web: { constructor: "x" } } })],
    [
      "networks",
      () => ({ services: { web: { image: "x", networks: ["a"] } }, networks: { a: null } }),
    ],
    ["bad network", () => ({ networks: { a: { driver: 1, bad: true } } })],
    // The other keys the fast path knows, in accepted forms and just outside them.
    [
      "common keys",
      () => ({
        services: {
          web: {
            image: "x",
            command: ["npm", "start", "start"],
            entrypoint: "sh -c",
            labels: { "com.example": "1", n: 2 },
            volumes: ["data:/data", "./src:/src:ro"],
            networks: { front: null },
            profiles: ["debug"],
            expose: ["80", 443],
            container_name: "web-1",
            env_file: [".env", "web.env"],
            hostname: "web",
            restart: "unless-stopped",
            stop_grace_period: "30s",
            user: "1000:1000",
            working_dir: "/app",
            init: true,
            tty: "true",
          },
        },
        volumes: { data: null },
        networks: { front: null, back: null },
      }),
    ],
    ["command null", () => ({ services: { web: { command: null } } })],
    ["command number", () => ({ services: { web: { command: 1 } } })],
    ["command list with number", () => ({ services: { web: { command: ["a", 1] } } })],
    ["labels list", () => ({ services: { web: { labels: ["a=1", "b=2"] } } })],
    ["labels duplicate", () => ({ services: { web: { labels: ["a=1", "a=1"] } } })],
    ["labels object value", () => ({ services: { web: { labels: { a: { b: 1 } } } } })],
    ["volumes duplicate", () => ({ services: { web: { volumes: ["a:/a", "a:/a"] } } })],
    ["volumes long form", () => ({ services: { web: { volumes: [{ type: "tmpfs" }] } } })],
    [
      "networks map settings",
      () => ({ services: { web: { networks: { a: { aliases: ["x"] } } } } }),
    ],
    ["networks bad name", () => ({ services: { web: { networks: { "a b": null } } } })],
    ["networks duplicate", () => ({ services: { web: { networks: ["a", "a"] } } })],
    ["expose float", () => ({ services: { web: { expose: [80.5] } } })],
    ["expose duplicate", () => ({ services: { web: { expose: [80, 80] } } })],
    ["container_name one letter", () => ({ services: { web: { container_name: "a" } } })],
    ["container_name symbols", () => ({ services: { web: { container_name: "--" } } })],
    ["container_name number", () => ({ services: { web: { container_name: 12 } } })],
    ["env_file object", () => ({ services: { web: { env_file: [{ path: ".env" }] } } })],
    ["env_file number", () => ({ services: { web: { env_file: 1 } } })],
    ["restart number", () => ({ services: { web: { restart: 1 } } })],
    ["init number", () => ({ services: { web: { init: 1 } } })],
    ["tty null", () => ({ services: { web: { tty: null } } })],
    ["profiles string", () => ({ services: { web: { profiles: "debug" } } })],
    ["root volume settings", () => ({ volumes: { data: { driver: "local" } } })],
    ["root volume bad name", () => ({ volumes: { "d a": null } })],
    ["root volume empty name", () => ({ volumes: { "": null } })],
    ["root networks list", () => ({ networks: ["a"] })],
    ["root secrets", () => ({ secrets: { s: { file: "./s" } } })],
    [
      "healthcheck and build",
      () => ({
        services: {
          web: {
            build: { context: ".", dockerfile: "Dockerfile.prod", target: "app", args: ["A=1"] },
            healthcheck: {
              test: ["CMD", "curl", "-f", "http://localhost", "-f"],
              interval: "30s",
              timeout: "5s",
              retries: 3,
              start_period: "10s",
              disable: false,
            },
          },
          worker: { build: ".", healthcheck: { test: "true", retries: "3" } },
        },
      }),
    ],
    ["healthcheck unknown key", () => ({ services: { web: { healthcheck: { tst: "x" } } } })],
    ["healthcheck retries NaN", () => ({ services: { web: { healthcheck: { retries: NaN } } } })],
    ["healthcheck test number", () => ({ services: { web: { healthcheck: { test: 1 } } } })],
    ["healthcheck string", () => ({ services: { web: { healthcheck: "x" } } })],
    ["build unknown key", () => ({ services: { web: { build: { contxt: "." } } } })],
    ["build cache_from", () => ({ services: { web: { build: { cache_from: ["a"] } } } })],
    ["build number", () => ({ services: { web: { build: 1 } } })],
    ["build args object value", () => ({ services: { web: { build: { args: { A: [1] } } } } })],
  ];
  return cases.map(([name, make]) => [name, make(base())]);
}

function allTrees(): [string, unknown][] {
  const trees: [string, unknown][] = [...variants()];
  for (const file of [...yamlFiles(CONFORMANCE), ...yamlFiles(FIXTURES)]) {
    let parsed: unknown[];
    try {
      parsed = docs(Deno.readTextFileSync(file));
    } catch {
      continue;
    }
    parsed.forEach((tree, i) => trees.push([`${file.pathname}#${i}`, tree]));
  }
  for (const n of [1, 10, 40]) trees.push([`bench ${n}`, docs(composeYaml(n))[0]]);
  return trees;
}

Deno.test("whatever the fast path accepts, the full model accepts", () => {
  const root = buildComposeSchema().root;
  let accepted = 0;
  let refused = 0;
  for (const [name, tree] of allTrees()) {
    if (!isPlainlyValid(tree)) {
      refused++;
      continue;
    }
    accepted++;
    const result = root.safeParse(tree, { reportInput: true, jitless: true });
    assert.ok(result.success, `${name}: ${JSON.stringify(result.error?.issues)}`);
  }
  // Both branches are exercised.
  assert.ok(accepted >= 8, `accepted ${accepted}`);
  assert.ok(refused >= 40, `refused ${refused}`);
});

Deno.test("the fast path takes the generated benchmark files and refuses edge cases", () => {
  for (const n of [1, 10, 40]) assert.ok(isPlainlyValid(docs(composeYaml(n))[0]), `bench ${n}`);
  const byName = new Map(variants());
  const accepted = [
    "base",
    "x- keys",
    "version",
    "no services",
    "empty",
    "other service key",
    "networks",
    "common keys",
    "command null",
    "labels list",
    "healthcheck and build",
  ];
  for (const name of accepted) assert.ok(isPlainlyValid(byName.get(name)), name);
  for (
    const name of [
      "numeric version",
      "env infinity",
      "env NaN",
      "env empty key",
      "ports duplicate",
      "depends_on duplicate",
      "bad service name",
      "service null",
      "prototype key",
      "constructor key",
      "other bad service key",
      "command number",
      "labels duplicate",
      "volumes long form",
      "networks map settings",
      "container_name one letter",
      "env_file object",
      "root volume settings",
      "root secrets",
      "healthcheck unknown key",
      "healthcheck retries NaN",
      "healthcheck test number",
      "healthcheck string",
      "build unknown key",
      "build number",
      "build args object value",
    ]
  ) {
    assert.ok(!isPlainlyValid(byName.get(name)), name);
  }
});

Deno.test("the model built for a document's keys reports exactly the full model's issues", () => {
  const root = buildComposeSchema().root;
  for (const [name, tree] of allTrees()) {
    const full = root.safeParse(tree, { reportInput: true, jitless: true });
    const subset = composeSchemaFor(tree).safeParse(tree, { reportInput: true, jitless: true });
    assert.equal(subset.success, full.success, name);
    assert.deepEqual(subset.error?.issues, full.error?.issues, name);
  }
});

Deno.test("validateComposeShape is the same with and without the fast path", () => {
  for (const [name, tree] of allTrees()) {
    if (!isPlainlyValid(tree)) continue;
    assert.deepEqual(validateComposeShape(tree), [], name);
  }
});

Deno.test("usedKeys lists top-level keys and the keys of every service", () => {
  const keys = usedKeys({
    name: "x",
    services: { a: { image: "i" }, b: { ports: [], zz: 1 }, c: null },
  });
  assert.deepEqual([...keys.root].sort(), ["name", "services"]);
  assert.deepEqual([...keys.service].sort(), ["image", "ports", "zz"]);
  assert.deepEqual([...usedKeys([1]).root], []);
});
