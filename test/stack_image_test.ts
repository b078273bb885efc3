import assert from "node:assert/strict";
import { parseImageRef, pluginForImage } from "../src/stack/mod.ts";

const D = "sha256:" + "a".repeat(64);

// [reference, registry, path, repository, tag, digest]
const VALID: [string, string, string, string, string | undefined, string | undefined][] = [
  ["postgres", "docker.io", "library/postgres", "postgres", undefined, undefined],
  ["postgres:16-alpine", "docker.io", "library/postgres", "postgres", "16-alpine", undefined],
  ["library/postgres:16", "docker.io", "library/postgres", "postgres", "16", undefined],
  ["docker.io/postgres", "docker.io", "library/postgres", "postgres", undefined, undefined],
  ["docker.io/library/redis:7.2", "docker.io", "library/redis", "redis", "7.2", undefined],
  ["index.docker.io/library/mongo:7", "docker.io", "library/mongo", "mongo", "7", undefined],
  [
    "bitnami/postgresql:16",
    "docker.io",
    "bitnami/postgresql",
    "bitnami/postgresql",
    "16",
    undefined,
  ],
  ["mongo-express", "docker.io", "library/mongo-express", "mongo-express", undefined, undefined],
  ["ghcr.io/acme/api:1.2.3", "ghcr.io", "acme/api", "ghcr.io/acme/api", "1.2.3", undefined],
  ["localhost:5000/app", "localhost:5000", "app", "localhost:5000/app", undefined, undefined],
  ["localhost/app:dev", "localhost", "app", "localhost/app", "dev", undefined],
  [
    "registry.example.com:8443/team/svc/api:v2",
    "registry.example.com:8443",
    "team/svc/api",
    "registry.example.com:8443/team/svc/api",
    "v2",
    undefined,
  ],
  [`postgres@${D}`, "docker.io", "library/postgres", "postgres", undefined, D],
  [`postgres:16@${D}`, "docker.io", "library/postgres", "postgres", "16", D],
  [
    "clickhouse/clickhouse-server:24.8",
    "docker.io",
    "clickhouse/clickhouse-server",
    "clickhouse/clickhouse-server",
    "24.8",
    undefined,
  ],
  [
    "getmeili/meilisearch:v1.7",
    "docker.io",
    "getmeili/meilisearch",
    "getmeili/meilisearch",
    "v1.7",
    undefined,
  ],
  ["my_org/my__app", "docker.io", "my_org/my__app", "my_org/my__app", undefined, undefined],
  ["a.b-c/x", "a.b-c", "x", "a.b-c/x", undefined, undefined],
  ["[::1]:5000/app:1", "[::1]:5000", "app", "[::1]:5000/app", "1", undefined],
];

for (const [text, registry, path, repository, tag, digest] of VALID) {
  Deno.test(`image: '${text}' parses`, () => {
    const r = parseImageRef(text);
    assert.ok(r.ok, r.ok ? "" : r.reason);
    assert.equal(r.ref.registry, registry);
    assert.equal(r.ref.path, path);
    assert.equal(r.ref.repository, repository);
    assert.equal(r.ref.tag, tag);
    assert.equal(r.ref.digest, digest);
  });
}

const INVALID: [string, RegExp][] = [
  ["", /empty/],
  ["Postgres", /lower case/],
  ["postgres:", /not a valid tag/],
  ["postgres:-x", /not a valid tag/],
  ["postgres@sha256:abc", /digest/],
  [`postgres@sha256:${"a".repeat(65)}`, /64 hex/],
  ["post gres", /white space/],
  ["acme//api", /not a valid path component/],
  ["acme/-api", /not a valid path component/],
  [":16", /repository name is empty/],
];

for (const [text, reason] of INVALID) {
  Deno.test(`image: '${text}' is rejected with a reason`, () => {
    const r = parseImageRef(text);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, reason);
  });
}

Deno.test("image: official plugin images match exactly, look-alikes do not", () => {
  const plugin = (text: string) => {
    const r = parseImageRef(text);
    assert.ok(r.ok);
    return pluginForImage(r.ref)?.plugin;
  };
  assert.equal(plugin("postgres:16-alpine"), "postgres");
  assert.equal(plugin("docker.io/library/postgres"), "postgres");
  assert.equal(plugin("mysql:8"), "mysql");
  assert.equal(plugin("mariadb:11"), "mariadb");
  assert.equal(plugin("redis:7-alpine"), "redis");
  assert.equal(plugin("mongo:7"), "mongo");
  assert.equal(plugin("rabbitmq:3-management"), "rabbitmq");
  assert.equal(plugin("memcached:1.6"), "memcached");
  assert.equal(plugin("elasticsearch:8.13.0"), "elasticsearch");
  assert.equal(plugin("clickhouse/clickhouse-server:24"), "clickhouse");
  assert.equal(plugin("getmeili/meilisearch:v1.7"), "meilisearch");
  assert.equal(plugin("mongo-express"), undefined);
  assert.equal(plugin("bitnami/postgresql:16"), undefined);
  assert.equal(plugin("postgres-exporter"), undefined);
  assert.equal(plugin("ghcr.io/library/postgres"), undefined);
  assert.equal(plugin("redislabs/redis"), undefined);
  assert.equal(plugin("clickhouse"), undefined);
  assert.equal(plugin("meilisearch"), undefined);
});
