import assert from "node:assert/strict";
import { PLUGINS, type Stack, transformToStack } from "../src/stack/mod.ts";
import type { ComposeModel } from "../src/compose/types.ts";
import type { Diagnostic } from "../src/diagnostics/mod.ts";
import { loaded } from "./support/stack_project.ts";

function run(
  services: Record<string, Record<string, unknown>>,
  extra: Record<string, unknown> = {},
) {
  const model = { name: "shop", services, ...extra } as ComposeModel;
  return transformToStack(loaded(model));
}

function ok(
  services: Record<string, Record<string, unknown>>,
): { stack: Stack; diagnostics: readonly Diagnostic[] } {
  const r = run(services);
  assert.ok(r.stack, JSON.stringify(r.diagnostics, null, 2));
  return { stack: r.stack, diagnostics: r.diagnostics };
}

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.code} ${d.path ?? ""}`);

Deno.test("datastores: the plugin table agrees with shared/dokku/commands.json", async () => {
  const json = JSON.parse(
    await Deno.readTextFile(new URL("../../shared/dokku/commands.json", import.meta.url)),
  );
  const names = Object.keys(json.datastores).sort();
  assert.deepEqual(PLUGINS.map((p) => p.plugin), names);
  for (const p of PLUGINS) {
    const d = json.datastores[p.plugin];
    assert.equal(p.image, d.image, p.plugin);
    assert.equal(p.defaultImageVersion, d.defaultImageVersion, p.plugin);
    assert.equal(p.defaultAlias, d.link.defaultAlias, p.plugin);
    const create = d.commands.find((c: { command: string }) => c.command === `${p.plugin}:create`);
    const flags = create.flags.map((f: { name: string }) => f.name);
    for (const flag of Object.values(p.envFlags)) {
      assert.ok(flags.includes(flag), `${p.plugin} ${flag}`);
    }
    assert.ok(flags.includes("--memory"));
  }
});

Deno.test("datastores: official images become datastores; tag -> imageVersion", () => {
  const { stack } = ok({
    db: { image: "postgres:16-alpine" },
    cache: { image: "docker.io/library/redis" },
    search: { image: "getmeili/meilisearch:v1.7" },
    ch: { image: "clickhouse/clickhouse-server:24.8" },
    admin: { image: "mongo-express" },
    pg2: { image: "bitnami/postgresql:16" },
  });
  assert.deepEqual(
    stack.datastores.map((d) => [d.service, d.plugin, d.name, d.hostname, d.imageVersion, d.image]),
    [
      ["cache", "redis", "shop-cache", "dokku-redis-shop-cache", undefined, undefined],
      ["ch", "clickhouse", "shop-ch", "dokku-clickhouse-shop-ch", "24.8", undefined],
      ["db", "postgres", "shop-db", "dokku-postgres-shop-db", "16-alpine", undefined],
      ["search", "meilisearch", "shop-search", "dokku-meilisearch-shop-search", "v1.7", undefined],
    ],
  );
  assert.deepEqual(stack.apps.map((a) => a.service), ["admin", "pg2"]);
});

Deno.test("datastores: x-dokku overrides: datastore for a look-alike, app for an official image", () => {
  const { stack, diagnostics } = ok({
    pg: { image: "bitnami/postgresql:16", "x-dokku": { datastore: "postgres" } },
    tool: { image: "redis:7", command: ["redis-cli", "monitor"], "x-dokku": { app: true } },
  });
  assert.deepEqual(stack.datastores.map((d) => [d.service, d.plugin, d.image, d.imageVersion]), [
    ["pg", "postgres", "bitnami/postgresql", "16"],
  ]);
  assert.deepEqual(stack.apps.map((a) => a.service), ["tool"]);
  assert.deepEqual(codes(diagnostics), ["DK4014 services.pg.image"]);
});

Deno.test("datastores: an unknown plugin override is an error listing the plugins", () => {
  const r = run({ db: { image: "postgres", "x-dokku": { datastore: "postgress" } } });
  assert.equal(r.stack, undefined);
  const d = r.diagnostics.find((d) => d.code === "DK4013")!;
  assert.equal(d.path, "services.db.x-dokku.datastore");
  assert.match(d.hint!, /'postgres'/);
});

Deno.test("datastores: a digest is dropped with a warning", () => {
  const { stack, diagnostics } = ok({ db: { image: `postgres:16@sha256:${"b".repeat(64)}` } });
  assert.equal(stack.datastores[0]!.imageVersion, "16");
  assert.deepEqual(codes(diagnostics), ["DK4010 services.db.image"]);
});

Deno.test("datastores: password variables become create flags, others are warnings", () => {
  const { stack, diagnostics } = ok({
    pg: {
      image: "postgres",
      environment: { POSTGRES_PASSWORD: "pw", POSTGRES_DB: "app", PGDATA: "/d" },
    },
    my: { image: "mysql:8", environment: { MYSQL_ROOT_PASSWORD: "root", MYSQL_PASSWORD: "u" } },
    mdb: { image: "mariadb", environment: { MARIADB_ROOT_PASSWORD: "r" } },
    mongo: { image: "mongo", environment: { MONGO_INITDB_ROOT_PASSWORD: "m" } },
    rmq: { image: "rabbitmq", environment: { RABBITMQ_DEFAULT_PASS: "q" } },
    meili: { image: "getmeili/meilisearch", environment: { MEILI_MASTER_KEY: "k" } },
    mc: { image: "memcached", environment: { MEMCACHED_MEMORY: "64" } },
  });
  const flags = Object.fromEntries(stack.datastores.map((d) => [d.service, d.createFlags]));
  assert.deepEqual(flags, {
    pg: { "--password": "pw" },
    my: { "--password": "u", "--root-password": "root" },
    mdb: { "--root-password": "r" },
    mongo: { "--root-password": "m" },
    rmq: { "--password": "q" },
    meili: { "--password": "k" },
    mc: {},
  });
  const warned = diagnostics.filter((d) => d.code === "DK4011");
  assert.deepEqual(warned.map((d) => d.path).sort(), [
    "services.mc.environment.MEMCACHED_MEMORY",
    "services.pg.environment.PGDATA",
    "services.pg.environment.POSTGRES_DB",
  ]);
  assert.ok(warned.some((d) => /'MEMCACHED_MEMORY' of datastore service 'mc'/.test(d.message)));
});

Deno.test("datastores: secret passwords become secret create flags, never values", () => {
  const { stack } = ok({
    db: {
      image: "postgres",
      environment: { POSTGRES_PASSWORD: "hunter2" },
      "x-dokku": { secrets: ["POSTGRES_PASSWORD"] },
    },
    my: {
      image: "mysql",
      environment: { MYSQL_ROOT_PASSWORD_FILE: "/run/secrets/mysql_root" },
      secrets: [{ source: "mysql_root", target: "/run/secrets/mysql_root" }],
    },
  });
  const db = stack.datastores.find((d) => d.service === "db")!;
  assert.deepEqual(db.createFlags, {});
  assert.deepEqual(db.secretCreateFlags, { "--password": "POSTGRES_PASSWORD" });
  const my = stack.datastores.find((d) => d.service === "my")!;
  assert.deepEqual(my.secretCreateFlags, { "--root-password": "mysql_root" });
  assert.deepEqual(stack.secrets, ["POSTGRES_PASSWORD", "mysql_root"]);
  assert.ok(!JSON.stringify(stack).includes("hunter2"));
});

Deno.test("datastores: ports, volumes, healthchecks are plugin-managed warnings; memory -> --memory", () => {
  const { stack, diagnostics } = ok({
    db: {
      image: "postgres",
      ports: [{ target: 5432, published: "5432", protocol: "tcp", mode: "ingress" }],
      volumes: [{ type: "volume", source: "pg", target: "/var/lib/postgresql/data" }],
      healthcheck: { test: ["CMD", "pg_isready"] },
      restart: "always",
      deploy: { resources: { limits: { memory: "1073741824", cpus: "1" } } },
    },
  });
  assert.deepEqual(stack.datastores[0]!.createFlags, { "--memory": "1024" });
  assert.deepEqual(
    new Set(codes(diagnostics)),
    new Set([
      "DK4004 services.db.healthcheck",
      "DK4004 services.db.ports",
      "DK4004 services.db.volumes",
      "DK4004 services.db.deploy.resources.limits.cpus",
    ]),
  );
  assert.deepEqual(stack.storage, []);
});

Deno.test("datastores: a datastore may depend on a datastore (ordering only)", () => {
  const { stack } = ok({
    primary: { image: "postgres" },
    cache: {
      image: "redis",
      depends_on: { primary: { condition: "service_started", required: true } },
    },
  });
  assert.deepEqual(stack.datastores.find((d) => d.service === "cache")!.dependsOn, ["primary"]);
  assert.deepEqual(stack.links, []);
  assert.deepEqual(stack.levels.map((l) => l.services), [["primary"], ["cache"]]);
});

Deno.test("datastores: app-only x-dokku keys on a datastore are reported", () => {
  const { diagnostics } = ok({
    db: { image: "postgres", "x-dokku": { domains: ["db.example.com"], process: "web" } },
  });
  assert.deepEqual(codes(diagnostics).sort(), [
    "DK4004 services.db.x-dokku.domains",
    "DK4004 services.db.x-dokku.process",
  ]);
});
