import assert from "node:assert/strict";
import { MAPPING, mappingRule, transformToStack } from "../src/stack/mod.ts";
import { SERVICE_KEYS } from "../src/compose/schema.ts";
import type { ComposeModel } from "../src/compose/types.ts";
import { loaded } from "./support/stack_project.ts";

Deno.test("mapping: every compose-spec service key is classified, and nothing else", () => {
  const missing = SERVICE_KEYS.filter((k) => mappingRule(k) === undefined);
  assert.deepEqual(missing, [], `keys without a classification: ${missing.join(", ")}`);
  const extra = MAPPING.map((r) => r.key).filter((k) => !SERVICE_KEYS.includes(k));
  assert.deepEqual(extra, []);
});

Deno.test("mapping: the table is sorted, unique, and every row has a reason", () => {
  const keys = MAPPING.map((r) => r.key);
  assert.deepEqual(keys, [...keys].sort());
  assert.equal(new Set(keys).size, keys.length);
  for (const r of MAPPING) {
    assert.ok(["converted", "lossy", "ignored"].includes(r.status), r.key);
    assert.ok(["converted", "lossy", "ignored"].includes(r.datastore), r.key);
    assert.ok(r.reason.length > 10, r.key);
    assert.ok(r.datastoreReason.length > 10, r.key);
    if (r.status === "converted") assert.notEqual(r.feature, "-", r.key);
  }
});

Deno.test("mapping: every ignored key an app sets is a located warning with the reason", () => {
  const ignored = MAPPING.filter((r) => r.status === "ignored" && !r.handled);
  const svc: Record<string, unknown> = { image: "x" };
  for (const r of ignored) svc[r.key] = r.key === "tty" ? true : "v";
  const model = { name: "p", services: { web: svc } } as ComposeModel;
  const r = transformToStack(loaded(model));
  const warned = r.diagnostics.filter((d) => d.code === "DK4001");
  assert.deepEqual(warned.map((d) => d.path).sort(), ignored.map((r) => `services.web.${r.key}`));
  for (const d of warned) {
    assert.equal(d.severity, "warning");
    assert.ok(d.span !== undefined && d.span.line > 1);
    assert.equal(d.hint, mappingRule(d.path!.split(".")[2]!)!.reason);
  }
  assert.equal(r.stack!.warnings.length, warned.length);
});

Deno.test("mapping: an unknown key is a warning, x-* keys are not", () => {
  const model = {
    name: "p",
    services: { web: { image: "x", enviroment: { A: "1" }, "x-other": { a: 1 } } },
  } as ComposeModel;
  const r = transformToStack(loaded(model));
  assert.deepEqual(r.diagnostics.map((d) => `${d.code} ${d.path}`), [
    "DK4003 services.web.enviroment",
  ]);
});

Deno.test("mapping: the table drives the warnings (options.mapping)", () => {
  const mapping = MAPPING.map((r) =>
    r.key === "labels" ? { ...r, status: "converted" as const, handled: true } : r
  );
  const model = {
    name: "p",
    services: { web: { image: "x", labels: { a: "b" } } },
  } as ComposeModel;
  assert.deepEqual(transformToStack(loaded(model)).diagnostics.map((d) => d.code), ["DK4001"]);
  assert.deepEqual(transformToStack(loaded(model), { mapping }).diagnostics, []);
});

Deno.test("mapping: strict mode turns mapping warnings into errors and withholds the Stack", () => {
  const model = {
    name: "p",
    services: { web: { image: "x", user: "1000", labels: { a: "b" } } },
  } as ComposeModel;
  const loose = transformToStack(loaded(model));
  assert.ok(loose.stack);
  // Sorted by place in the file: `user` is written before `labels`.
  assert.deepEqual(loose.stack.warnings.map((w) => [w.code, w.source.key]), [
    ["DK4001", "services.web.user"],
    ["DK4001", "services.web.labels"],
  ]);
  const strict = transformToStack(loaded(model), { strict: true });
  assert.equal(strict.stack, undefined);
  assert.deepEqual(strict.diagnostics.map((d) => d.severity), ["error", "error"]);
});

Deno.test("mapping: datastore keys managed by the plugin are DK4004 warnings", () => {
  const model = {
    name: "p",
    services: {
      db: { image: "postgres", command: ["postgres", "-c", "x=1"], user: "pg", expose: ["5432"] },
    },
  } as ComposeModel;
  const r = transformToStack(loaded(model));
  assert.deepEqual(r.diagnostics.map((d) => `${d.code} ${d.path}`).sort(), [
    "DK4004 services.db.command",
    "DK4004 services.db.user",
  ]);
});

Deno.test("mapping: a misspelt key or x-dokku key gets a did-you-mean hint", () => {
  const model = {
    name: "p",
    services: { web: { image: "x", enviroment: { A: "1" }, "x-dokku": { domain: ["a.io"] } } },
  } as ComposeModel;
  const r = transformToStack(loaded(model));
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.hint]), [
    ["DK4003", "Did you mean 'environment'?"],
    [
      "DK4072",
      "Did you mean 'domains'? Known keys: app, datastore, domains, git, letsencrypt, ports, process, scheme, secret-env, secrets",
    ],
  ]);
});

Deno.test("mapping: top-level network and volume options Dokku does not use are reported", () => {
  const model = {
    name: "p",
    services: {
      a: {
        image: "x",
        networks: { back: null },
        volumes: [{ type: "volume", source: "d", target: "/d" }],
      },
      b: { image: "y", networks: { back: null } },
    },
    networks: {
      back: {
        name: "p_back",
        driver: "overlay",
        internal: true,
        ipam: { config: [{ subnet: "10.0.0.0/24" }] },
      },
      plain: { name: "p_plain", driver: "bridge", internal: false },
      outside: { name: "x", external: true },
    },
    volumes: { d: { name: "p_d", driver: "local", driver_opts: { type: "nfs" } } },
  } as ComposeModel;
  const r = transformToStack(loaded(model));
  assert.deepEqual(r.diagnostics.map((d) => `${d.code} ${d.path}`).sort(), [
    "DK4068 networks.back.driver",
    "DK4068 networks.back.internal",
    "DK4068 networks.back.ipam",
    "DK4068 volumes.d.driver_opts",
  ]);
  assert.match(
    r.diagnostics.find((d) => d.path === "networks.back.driver")!.message,
    /'driver' of network 'back'/,
  );
});
