import assert from "node:assert/strict";
import { transformToStack } from "../src/stack/mod.ts";
import type { ComposeModel } from "../src/compose/types.ts";
import { loaded, sourcesFor } from "./support/stack_project.ts";

function run(name: string, services: Record<string, Record<string, unknown>>, extra = {}) {
  const model = { name, services, ...extra } as ComposeModel;
  return { model, r: transformToStack(loaded(model)) };
}

Deno.test("naming: apps are <project>-<service>, normalized", () => {
  const { r } = run("My_Shop", {
    Web_App: { image: "x" },
    "api..v2": { image: "x" },
    "__odd__": { image: "x" },
  });
  assert.ok(r.stack, JSON.stringify(r.diagnostics));
  assert.deepEqual(r.stack.apps.map((a) => [a.service, a.name]), [
    ["api..v2", "my-shop-api.v2"],
    ["__odd__", "my-shop-odd"],
    ["Web_App", "my-shop-web-app"],
  ]);
  for (const app of r.stack.apps) assert.match(app.name, /^[a-z0-9][a-z0-9.-]*$/);
});

Deno.test("naming: datastores keep [A-Za-z0-9_-]; hostnames turn . and _ into -", () => {
  const { r } = run("shop", { "main.db": { image: "postgres" }, cache_1: { image: "redis" } });
  assert.ok(r.stack);
  assert.deepEqual(r.stack.datastores.map((d) => [d.name, d.hostname]), [
    ["shop-cache_1", "dokku-redis-shop-cache-1"],
    ["shop-main-db", "dokku-postgres-shop-main-db"],
  ]);
});

Deno.test("naming: two services with one app name are an error naming both, with locations", () => {
  const { model, r } = run("shop", { web_app: { image: "x" }, "web-app": { image: "y" } });
  assert.equal(r.stack, undefined);
  const d = r.diagnostics.filter((d) => d.code === "DK4020");
  assert.equal(d.length, 1);
  assert.equal(
    d[0]!.message,
    "Services 'web-app' and 'web_app' both become the Dokku app 'shop-web-app'",
  );
  const src = sourcesFor(model);
  assert.deepEqual(d[0]!.span, src.get(["services", "web_app"]));
  assert.deepEqual(d[0]!.related?.[0]?.span, src.get(["services", "web-app"]));
});

Deno.test("naming: datastore host name collisions are errors", () => {
  const { r } = run("shop", { "a.b": { image: "redis" }, a_b: { image: "redis" } });
  assert.equal(r.stack, undefined);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ["DK4020"]);
});

Deno.test("naming: invalid config keys are errors with a suggestion", () => {
  const { r } = run("shop", {
    web: { image: "x", environment: { "my.var-x": "1", "1ST": "2", OK_KEY: "3" } },
  });
  assert.equal(r.stack, undefined);
  const d = r.diagnostics.filter((d) => d.code === "DK4021");
  assert.deepEqual(d.map((x) => x.path).sort(), [
    "services.web.environment.1ST",
    "services.web.environment.my.var-x",
  ]);
  assert.deepEqual(
    new Set(d.map((x) => x.hint)),
    new Set([
      "Config keys must match '^[a-zA-Z_][a-zA-Z0-9_]*$'; rename it, e.g. to 'my_var_x'",
      "Config keys must match '^[a-zA-Z_][a-zA-Z0-9_]*$'; rename it, e.g. to '_1ST'",
    ]),
  );
});

Deno.test("naming: storage names are DNS-1123 labels of at most 45 characters, never legacy-", () => {
  const long = "a-very-long-volume-name-that-goes-on-and-on-and-on";
  const { r } = run("legacy", {
    web: {
      image: "x",
      volumes: [
        { type: "volume", source: long, target: "/a" },
        { type: "volume", source: `${long}-2`, target: "/b" },
        { type: "volume", source: "Data_Dir", target: "/c" },
      ],
    },
  }, { volumes: { [long]: {}, [`${long}-2`]: {}, Data_Dir: {} } });
  assert.ok(r.stack, JSON.stringify(r.diagnostics));
  const names = r.stack.storage.map((s) => s.name);
  assert.equal(new Set(names).size, 3);
  for (const n of names) {
    assert.ok(n.length <= 45, n);
    assert.match(n, /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    assert.ok(!n.startsWith("legacy-"), n);
  }
  assert.ok(names.includes("vol-legacy-data-dir"), names.join());
});

Deno.test("naming: networks use the compose platform name", () => {
  const { r } = run("shop", {
    a: { image: "x", networks: { back: null, solo: null } },
    b: { image: "y", networks: { back: null } },
  }, { networks: { back: { name: "custom_back" }, solo: { name: "shop_solo" } } });
  assert.ok(r.stack);
  // `solo` has one member: nothing to talk to, so no network is created for it.
  assert.deepEqual(r.stack.networks.map((n) => [n.key, n.name, n.external]), [
    ["back", "custom_back", false],
  ]);
});
