import assert from "node:assert/strict";
import { type Stack, transformToStack } from "../src/stack/mod.ts";
import type { ComposeModel } from "../src/compose/types.ts";
import type { Diagnostic } from "../src/diagnostics/mod.ts";
import { loaded } from "./support/stack_project.ts";

const started = { condition: "service_started", required: true };

function ok(
  services: Record<string, Record<string, unknown>>,
): { stack: Stack; diagnostics: readonly Diagnostic[] } {
  const r = transformToStack(loaded({ name: "shop", services } as ComposeModel));
  assert.ok(r.stack, JSON.stringify(r.diagnostics, null, 2));
  return { stack: r.stack, diagnostics: r.diagnostics };
}

const linksOf = (stack: Stack) =>
  stack.links.map((l) => `${l.app} -> ${l.datastore} as ${l.alias}`);
const config = (stack: Stack, service: string) =>
  Object.fromEntries(
    stack.apps.find((a) => a.service === service)!.config.map((c) => [c.key, c.value]),
  );

Deno.test("links: one datastore of a plugin gets the plugin's default alias", () => {
  const { stack } = ok({
    web: { image: "app", depends_on: { db: started, cache: started } },
    db: { image: "postgres" },
    cache: { image: "redis" },
  });
  assert.deepEqual(linksOf(stack), [
    "shop-web -> shop-cache as REDIS",
    "shop-web -> shop-db as DATABASE",
  ]);
});

Deno.test("links: a *_URL variable naming the datastore host gives the alias and leaves config", () => {
  const { stack } = ok({
    web: {
      image: "app",
      environment: {
        DATABASE_URL: "postgres://u:s3cret@db:5432/app",
        ANALYTICS_DATABASE_URL: "postgres://a:b@analytics:5432/x",
        OTHER: "1",
      },
    },
    db: { image: "postgres:16" },
    analytics: { image: "postgres:16" },
  });
  assert.deepEqual(linksOf(stack), [
    "shop-web -> shop-analytics as ANALYTICS_DATABASE",
    "shop-web -> shop-db as DATABASE",
  ]);
  assert.deepEqual(config(stack, "web"), { OTHER: "1" });
  const link = stack.links.find((l) => l.datastore === "shop-db")!;
  assert.deepEqual(link.replaces, {
    key: "DATABASE_URL",
    from: "postgres://u:***@db:5432/app",
    reason: "set by linking the postgres datastore 'shop-db' with alias 'DATABASE'",
  });
  assert.equal(link.source.key, "services.web.environment.DATABASE_URL");
  assert.ok(!JSON.stringify(stack).includes("s3cret"));
});

Deno.test("links: two postgres without URL variables get distinct service-name aliases", () => {
  const { stack } = ok({
    web: { image: "app", depends_on: { db: started, "analytics-db": started } },
    db: { image: "postgres" },
    "analytics-db": { image: "postgres" },
  });
  // DB_URL would be found inside ANALYTICS_DB_URL by Dokku's substring check, so 'db' gets the
  // plugin suffix.
  assert.deepEqual(linksOf(stack), [
    "shop-web -> shop-analytics-db as ANALYTICS_DB",
    "shop-web -> shop-db as DB_POSTGRES",
  ]);
});

Deno.test("links: two postgres, one named by DATABASE_URL, the other by its service name", () => {
  const { stack } = ok({
    web: {
      image: "app",
      environment: { DATABASE_URL: "postgres://u:p@main:5432/app" },
      depends_on: { main: started, reports: started },
    },
    main: { image: "postgres" },
    reports: { image: "postgres" },
  });
  assert.deepEqual(linksOf(stack), [
    "shop-web -> shop-main as DATABASE",
    "shop-web -> shop-reports as REPORTS",
  ]);
});

Deno.test("links: the default alias is not used when a variable would collide", () => {
  const { stack } = ok({
    web: { image: "app", environment: { READ_REDIS_URL: "x" }, links: ["cache"] },
    cache: { image: "redis" },
  });
  assert.deepEqual(linksOf(stack), ["shop-web -> shop-cache as CACHE"]);
});

Deno.test("links: host names of datastores are rewritten, ports stay, rewrites recorded", () => {
  const { stack, diagnostics } = ok({
    worker: {
      image: "app",
      environment: {
        REDIS_HOST: "redis",
        REDIS_ADDR: "redis:6379",
        MODE: "redis",
        DB_DSN: "postgres://u:pw@db/x",
      },
    },
    redis: { image: "redis" },
    db: { image: "postgres" },
  });
  const app = stack.apps[0]!;
  assert.deepEqual(config(stack, "worker"), {
    DB_DSN: "postgres://u:pw@dokku-postgres-shop-db/x",
    MODE: "redis",
    REDIS_ADDR: "dokku-redis-shop-redis:6379",
    REDIS_HOST: "dokku-redis-shop-redis",
  });
  const host = app.config.find((c) => c.key === "REDIS_HOST")!;
  assert.deepEqual(host.rewrite, {
    from: "redis",
    reason: "'redis' is the redis datastore 'shop-redis'",
  });
  assert.equal(app.config.find((c) => c.key === "MODE")!.rewrite, undefined);
  assert.equal(app.config.find((c) => c.key === "DB_DSN")!.rewrite!.from, "postgres://u:***@db/x");
  // Env references link the datastores, and order them first.
  assert.deepEqual(linksOf(stack), [
    "shop-worker -> shop-db as DATABASE",
    "shop-worker -> shop-redis as REDIS",
  ]);
  assert.deepEqual(app.dependsOn, ["db", "redis"]);
  // A URL with its own credentials is rewritten but flagged.
  assert.deepEqual(
    diagnostics.filter((d) => d.code === "DK4069").map((d) => d.path),
    ["services.worker.environment.DB_DSN"],
  );
});

Deno.test("links: sibling apps are rewritten to the Dokku network alias and share a network", () => {
  const { stack } = ok({
    web: {
      image: "web",
      environment: { API_URL: "http://api:3000/v1", JOBS: "jobs:9000" },
      ports: [{ target: 80, published: "80", protocol: "tcp", mode: "ingress" }],
    },
    api: {
      image: "api",
      ports: [{ target: 3000, published: "3000", protocol: "tcp", mode: "ingress" }],
    },
    jobs: { image: "jobs" },
  });
  assert.deepEqual(config(stack, "web"), {
    API_URL: "http://shop-api.web:3000/v1",
    // `jobs` publishes no port: still the `web` process (its alias is `<app>.web`).
    JOBS: "shop-jobs.web:9000",
  });
  assert.deepEqual(stack.networks.map((n) => [n.key, n.name]), [["default", "shop_default"]]);
  assert.deepEqual(stack.apps.map((a) => a.networks), [["shop_default"], ["shop_default"], [
    "shop_default",
  ]]);
  assert.deepEqual(stack.links, []);
  // A sibling reference does not order setup (only datastores do).
  assert.deepEqual(stack.levels.map((l) => l.services), [["api", "jobs", "web"]]);
});

Deno.test("links: a network alias resolves to its service", () => {
  const { stack } = ok({
    web: {
      image: "web",
      environment: { BACKEND: "http://backend:8080" },
      networks: { front: null },
    },
    api: { image: "api", networks: { front: { aliases: ["backend"] } } },
  });
  assert.deepEqual(config(stack, "web"), { BACKEND: "http://shop-api.web:8080" });
  assert.deepEqual(stack.networks.map((n) => n.name), ["shop_front"]);
});

Deno.test("links: an x-dokku.process app is reached as '<app>.<process>'", () => {
  const { stack } = ok({
    web: { image: "web", environment: { JOBS: "http://jobs:9000" } },
    jobs: { image: "jobs", "x-dokku": { process: "worker" } },
  });
  assert.deepEqual(config(stack, "web"), { JOBS: "http://shop-jobs.worker:9000" });
  const jobs = stack.apps.find((a) => a.service === "jobs")!;
  assert.deepEqual([jobs.process, jobs.processes], ["worker", { worker: 1 }]);
});

Deno.test("links: a lower-case url variable is rewritten, not turned into a link variable", () => {
  const { stack } = ok({
    web: { image: "web", environment: { database_url: "postgres://db/x" } },
    db: { image: "postgres" },
  });
  assert.deepEqual(config(stack, "web"), { database_url: "postgres://dokku-postgres-shop-db/x" });
  assert.deepEqual(linksOf(stack), ["shop-web -> shop-db as DATABASE"]);
});

Deno.test("links: a links alias (db:database) is a host name for the linking service", () => {
  const { stack } = ok({
    web: { image: "web", links: ["db:database"], environment: { DB_HOST: "database" } },
    db: { image: "postgres" },
  });
  assert.deepEqual(config(stack, "web"), { DB_HOST: "dokku-postgres-shop-db" });
  assert.deepEqual(linksOf(stack), ["shop-web -> shop-db as DATABASE"]);
});
