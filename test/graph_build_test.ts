import assert from "node:assert/strict";
import { buildGraph, findHostReferences, HostIndex, serviceHosts } from "../src/graph/mod.ts";
import type { ComposeModel } from "../src/compose/types.ts";
import { sourcesFor } from "./support/stack_project.ts";

function model(services: Record<string, Record<string, unknown>>): ComposeModel {
  return { name: "p", services } as ComposeModel;
}

function dep(condition = "service_started") {
  return { condition, required: true };
}

Deno.test("graph: edges come from depends_on, links, network_mode/ipc/pid, volumes_from", () => {
  const m = model({
    web: { image: "w", depends_on: { api: dep() }, links: ["cache:c"], volumes_from: ["data:ro"] },
    api: { image: "a", network_mode: "service:vpn", ipc: "service:shm", pid: "host" },
    cache: { image: "c" },
    data: { image: "d", volumes_from: ["container:other"] },
    vpn: { image: "v" },
    shm: { image: "s" },
  });
  const { graph, diagnostics } = buildGraph(m, { sources: sourcesFor(m) });
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(graph.nodes, ["api", "cache", "data", "shm", "vpn", "web"]);
  assert.deepEqual(graph.edges.map((e) => `${e.from}->${e.to}:${e.kind}@${e.key}`), [
    "api->shm:ipc@services.api.ipc",
    "api->vpn:network_mode@services.api.network_mode",
    "web->api:depends_on@services.web.depends_on.api",
    "web->cache:links@services.web.links.0",
    "web->data:volumes_from@services.web.volumes_from.0",
  ]);
});

Deno.test("graph: datastore references in environment values are datastore_link edges", () => {
  const m = model({
    web: {
      image: "w",
      environment: { DATABASE_URL: "postgres://u:p@db:5432/x", MODE: "db", API: "http://api" },
    },
    api: { image: "a" },
    db: { image: "postgres" },
  });
  const { graph } = buildGraph(m, { sources: sourcesFor(m), datastores: new Set(["db"]) });
  // MODE=db is not a host variable, and api is not a datastore: only one edge.
  assert.deepEqual(graph.edges.map((e) => `${e.from}->${e.to}:${e.kind}@${e.key}`), [
    "web->db:datastore_link@services.web.environment.DATABASE_URL",
  ]);
  const without = buildGraph(m, { sources: sourcesFor(m) });
  assert.deepEqual(without.graph.edges, []);
});

Deno.test("graph: levels are longest paths from roots, sorted in code-unit order", () => {
  const m = model({
    web: { image: "w", depends_on: { "10": dep(), "2": dep() } },
    "10": { image: "x", depends_on: { "2": dep() } },
    "2": { image: "y" },
    "1": { image: "z" },
    worker: { image: "q", depends_on: { "2": dep() } },
  });
  const { levels } = buildGraph(m, { sources: sourcesFor(m) });
  assert.deepEqual(levels, [["1", "2"], ["10", "worker"], ["web"]]);
});

Deno.test("graph: levels and edges do not depend on key order", () => {
  const a = model({
    "10": { image: "x", depends_on: { b: dep(), "2": dep() } },
    "2": { image: "y" },
    b: { image: "z", links: ["2"] },
  });
  const b = model({
    b: { links: ["2"], image: "z" },
    "2": { image: "y" },
    "10": { depends_on: { "2": dep(), b: dep() }, image: "x" },
  });
  const ra = buildGraph(a, { sources: sourcesFor(a) });
  const rb = buildGraph(b, { sources: sourcesFor(a) });
  assert.equal(JSON.stringify(ra), JSON.stringify(rb));
  assert.deepEqual(ra.levels, [["2"], ["b"], ["10"]]);
});

Deno.test("graph: a cycle is an error printing the cycle and each edge's location", () => {
  const m = model({
    web: { image: "w", depends_on: { api: dep() } },
    api: { image: "a", links: ["web"] },
    other: { image: "o" },
  });
  const { diagnostics, levels } = buildGraph(m, { sources: sourcesFor(m) });
  assert.equal(diagnostics.length, 1);
  const d = diagnostics[0]!;
  assert.equal(d.code, "DK3001");
  assert.equal(d.severity, "error");
  assert.equal(d.message, "Services depend on each other in a cycle: api -> web -> api");
  assert.equal(d.path, "services.api.links.0");
  const src = sourcesFor(m);
  assert.deepEqual(d.span, src.get(["services", "api", "links", 0]));
  assert.deepEqual(d.related?.map((r) => [r.message, r.span.line]), [
    ["'api' needs 'web' here ('links')", src.get(["services", "api", "links", 0])!.line],
    [
      "'web' needs 'api' here ('depends_on')",
      src.get(["services", "web", "depends_on", "api"])!.line,
    ],
  ]);
  assert.deepEqual(levels, []);
});

Deno.test("graph: the reported cycle is the shortest through the smallest service", () => {
  const m = model({
    a: { image: "x", depends_on: { d: dep(), b: dep() } },
    b: { image: "x", depends_on: { c: dep() } },
    c: { image: "x", depends_on: { a: dep() } },
    d: { image: "x", depends_on: { a: dep() } },
    z: { image: "x", depends_on: { z: dep() } },
  });
  const { diagnostics } = buildGraph(m, { sources: sourcesFor(m) });
  assert.deepEqual(diagnostics.map((d) => d.message), [
    "Services depend on each other in a cycle: a -> d -> a",
    "Services depend on each other in a cycle: z -> z",
  ]);
});

Deno.test("graph: a reference to an undefined service is DK3002, located", () => {
  const m = model({ web: { image: "w", links: ["ghost"] } });
  const { diagnostics, graph } = buildGraph(m, { sources: sourcesFor(m) });
  assert.deepEqual(diagnostics.map((d) => [d.code, d.path]), [["DK3002", "services.web.links.0"]]);
  assert.match(diagnostics[0]!.message, /'web' refers to undefined service 'ghost'/);
  assert.deepEqual(graph.edges, []);
});

Deno.test("graph: host references in values", () => {
  const hosts = new Map([["db", "db"], ["api", "api"], ["redis", "redis"], [
    "cache-alias",
    "redis",
  ]]);
  const find = (k: string, v: string) =>
    findHostReferences(k, v, hosts).map((r) => `${r.kind}:${r.service}:${v.slice(r.start, r.end)}`);
  assert.deepEqual(find("DATABASE_URL", "postgres://db:p@db:5432/db"), ["url:db:db"]);
  assert.deepEqual(find("API", "http://api:3000/x"), ["url:api:api"]);
  assert.deepEqual(find("X", "redis:6379"), ["hostport:redis:redis"]);
  assert.deepEqual(find("NODES", "redis:6379,db:5432"), [
    "hostport:redis:redis",
    "hostport:db:db",
  ]);
  assert.deepEqual(find("REDIS_HOST", "cache-alias"), ["bare:redis:cache-alias"]);
  assert.deepEqual(find("MODE", "api"), []);
  assert.deepEqual(find("URL", "http://apiary:80"), []);
  assert.deepEqual(find("GREETING", "hello api"), []);
});

Deno.test("graph: service hosts include aliases, hostname and container_name; names win", () => {
  const m = model({
    web: { image: "w", hostname: "front", networks: { default: { aliases: ["api", "www"] } } },
    api: { image: "a", container_name: "api-container" },
  });
  const hosts = serviceHosts(m);
  assert.deepEqual([...hosts.entries()].sort(), [
    ["api", "api"],
    ["api-container", "api"],
    ["front", "web"],
    ["web", "web"],
    ["www", "web"],
  ]);
});

/** `n` services, each naming its neighbours as hosts, with `model.services` key listings counted. */
function countedModel(n: number): { model: ComposeModel; listings: () => number } {
  const name = (i: number) => `svc-${String(i).padStart(4, "0")}`;
  const services: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < n; i++) {
    services[name(i)] = {
      image: "x",
      environment: { UPSTREAM: `http://${name((i + 1) % n)}:80`, PEER: `${name((i + 2) % n)}:80` },
      ...(i % 2 === 0 ? { links: [`${name((i + 3) % n)}:alias-${i}`] } : {}),
    };
  }
  let listings = 0;
  const counted = new Proxy(services, {
    ownKeys(target) {
      listings++;
      return Reflect.ownKeys(target);
    },
  });
  return { model: { name: "p", services: counted } as ComposeModel, listings: () => listings };
}

Deno.test("graph: host tables are built once, not once per service (linear in services)", () => {
  // Listing every service for every service was the quadratic hot spot on 2,000 services.
  const { model: m, listings } = countedModel(300);
  const { diagnostics } = buildGraph(m, { sources: sourcesFor({}) });
  assert.deepEqual(diagnostics, []);
  assert.ok(listings() <= 4, `model.services listed ${listings()} times for 300 services`);
});

Deno.test("graph: HostIndex gives each service the shared hosts plus its own link aliases", () => {
  const m = model({
    web: { image: "w", links: ["db:database", "api:front"] },
    api: { image: "a", hostname: "front" },
    db: { image: "d" },
  });
  const index = new HostIndex(m);
  const web = index.of("web");
  assert.equal(web.get("database"), "db");
  // A shared name (here api's hostname) wins over a link alias.
  assert.equal(web.get("front"), "api");
  assert.equal(index.of("api").get("database"), undefined);
  for (const host of ["web", "api", "db", "front", "database", "nope"]) {
    assert.equal(web.get(host), serviceHosts(m, "web").get(host), host);
  }
});
