import assert from "node:assert/strict";
import {
  counters,
  createDouble,
  type Double,
  DOUBLE_PATH,
  snapshotState,
} from "./support/double.ts";
import { emptyState, execute, splitSshCommand, splitXargs } from "./dokku_double/mod.ts";
import { commandNames, findCommand, validateArgv } from "./support/dokku_spec.ts";

async function must(d: Double, args: string[], stdin?: string | Uint8Array) {
  const r = await d.run(args, stdin === undefined ? {} : { stdin });
  assert.equal(r.code, 0, `dokku ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r;
}

/** A one-file ustar archive. */
function tinyTar(name: string, content: string): Uint8Array {
  const enc = new TextEncoder();
  const body = enc.encode(content);
  const header = new Uint8Array(512);
  const put = (offset: number, text: string) => header.set(enc.encode(text), offset);
  put(0, name);
  put(100, "0000644\0");
  put(108, "0000000\0");
  put(116, "0000000\0");
  put(124, body.length.toString(8).padStart(11, "0") + "\0");
  put(136, "00000000000\0");
  put(156, "0");
  put(257, "ustar\0");
  put(263, "00");
  put(148, "        ");
  const sum = header.reduce((a, b) => a + b, 0);
  put(148, sum.toString(8).padStart(6, "0") + "\0 ");
  const padded = new Uint8Array(Math.ceil(body.length / 512) * 512);
  padded.set(body);
  const out = new Uint8Array(512 + padded.length + 1024);
  out.set(header);
  out.set(padded, 512);
  return out;
}

Deno.test("double: refuses to run without DOKKU_DOUBLE_STATE", async () => {
  const out = await new Deno.Command(DOUBLE_PATH, {
    args: ["apps:list"],
    env: { DOKOMPOSE_DENO: Deno.execPath() },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 1);
  assert.match(new TextDecoder().decode(out.stderr), /DOKKU_DOUBLE_STATE is not set/);
});

Deno.test("double: apps lifecycle and exit codes", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  const again = await d.run(["apps:create", "shop"]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /Name is already taken/);
  assert.equal((await d.run(["apps:exists", "shop"])).code, 0);
  assert.equal((await d.run(["apps:exists", "nope"])).code, 20);
  assert.equal((await d.run(["apps:exists", "Bad_Name!"])).code, 1);
  await must(d, ["apps:create", "alpha"]);
  assert.deepEqual((await must(d, ["apps:list"])).stdout.split("\n").slice(1, 3), [
    "alpha",
    "shop",
  ]);
  const unforced = await d.run(["apps:destroy", "shop"]);
  assert.equal(unforced.code, 1);
  await must(d, ["apps:destroy", "shop", "--force"]);
  await must(d, ["--force", "apps:destroy", "alpha"]);
  const gone = await d.run(["apps:destroy", "shop", "--force"]);
  assert.equal(gone.code, 20);
  assert.match(gone.stderr, /App shop does not exist/);
  assert.deepEqual((await d.state()).apps, {});
  assert.equal((await d.run(["config:set", "ghost", "A=1"])).code, 20);
});

Deno.test("double: invalid argv is rejected like Dokku and logged", async () => {
  await using d = await createDouble();
  const unknown = await d.run(["foo:bar"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /`foo:bar` is not a dokku command/);
  const removed = await d.run(["proxy:ports-set", "shop", "http:80:5000"]);
  assert.equal(removed.code, 1);
  assert.match(removed.stderr, /use `ports:set`/);
  const goFlag = await d.run(["config:set", "shop", "--bogus", "A=1"]);
  assert.equal(goFlag.code, 2);
  assert.match(goFlag.stderr, /^unknown flag: --bogus/);
  const log = await d.log();
  assert.deepEqual(log.map((e) => [e.argv[1], e.exit]), [
    ["foo:bar", 1],
    ["proxy:ports-set", 1],
    ["config:set", 2],
  ]);
  assert.ok(log.every((e) => e.argv[0] === "dokku" && e.stdin === null && e.end >= e.start));
});

Deno.test("double: config set/get/unset/export and restarts of deployed apps", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  await must(d, ["config:set", "shop", "A=1", "B=two words", "C=x=y"]);
  assert.equal((await must(d, ["config:get", "shop", "B"])).stdout, "two words\n");
  assert.equal((await d.run(["config:get", "shop", "NOPE"])).code, 1);
  assert.deepEqual(
    JSON.parse((await must(d, ["config:export", "--format", "json", "shop"])).stdout),
    {
      A: "1",
      B: "two words",
      C: "x=y",
    },
  );
  assert.equal(
    (await must(d, ["config:export", "--format", "envfile", "shop"])).stdout,
    'A="1"\nB="two words"\nC="x=y"\n',
  );
  assert.equal(
    (await must(d, ["config:export", "shop"])).stdout,
    "export A='1'\nexport B='two words'\nexport C='x=y'\n",
  );
  assert.equal(
    (await must(d, ["config:export", "--format", "shell", "shop"])).stdout,
    "A='1' B='two words' C='x=y'\n",
  );
  const unset = await must(d, ["config:unset", "--no-restart", "shop", "A", "MISSING"]);
  assert.match(unset.stdout, /Skipping MISSING/);
  // Not deployed yet: no restarts.
  assert.equal(counters(await d.state())["shop"]!.restarts, 0);
  await must(d, ["git:from-image", "shop", "nginx:1"]);
  await must(d, ["config:set", "shop", "D=4"]);
  await must(d, ["config:set", "--no-restart", "shop", "E=5"]);
  await must(d, ["config:set", "shop", "D=4"]); // unchanged values still restart
  await must(d, ["config:unset", "shop", "NOT_THERE"]); // so does unsetting nothing
  const c = counters(await d.state())["shop"]!;
  assert.deepEqual(c, { deploys: 1, restarts: 3 });
  // Global config never restarts.
  await must(d, ["config:set", "--global", "G=1"]);
  assert.equal((await d.state()).global.config["G"], "1");
  assert.equal(counters(await d.state())["shop"]!.restarts, 3);
  // ps:stop sets restore=false: config changes then do not restart.
  await must(d, ["ps:stop", "shop"]);
  await must(d, ["config:set", "shop", "F=6"]);
  assert.equal(counters(await d.state())["shop"]!.restarts, 3);
});

Deno.test("double: config --encoded values and bad base64", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  const value = "multi\nline 'quoted' $HOME ü";
  const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(value)));
  await must(d, ["config:set", "--encoded", "--no-restart", "shop", `SECRET=${b64}`]);
  assert.equal((await d.state()).apps["shop"]!.config["SECRET"], value);
  const bad = await d.run(["config:set", "--encoded", "shop", "X=@@@"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Unable to decode value for X/);
  assert.equal((await d.state()).apps["shop"]!.config["X"], undefined);
});

Deno.test("double: config:import from stdin (json, envfile, --replace) logs stdin", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  await must(d, ["config:set", "--no-restart", "shop", "OLD=1"]);
  const json = JSON.stringify({ DB_PASSWORD: 's3cr"et', TOKEN: "a b" });
  await must(d, ["config:import", "--no-restart", "--format", "json", "shop", "-"], json);
  assert.deepEqual((await d.state()).apps["shop"]!.config, {
    OLD: "1",
    DB_PASSWORD: 's3cr"et',
    TOKEN: "a b",
  });
  const last = (await d.log()).at(-1)!;
  assert.equal(last.stdin, json);
  assert.equal(last.stdinBytes, new TextEncoder().encode(json).length);
  await must(
    d,
    ["config:import", "--no-restart", "--replace", "shop", "-"],
    '# comment\nexport A="x\\ny"\nB=plain\n',
  );
  assert.deepEqual((await d.state()).apps["shop"]!.config, { A: "x\ny", B: "plain" });
  const badJson = await d.run(["config:import", "--format", "json", "shop", "-"], {
    stdin: "[1]",
  });
  assert.equal(badJson.code, 1);
  const badKey = await d.run(["config:import", "--format", "json", "shop", "-"], {
    stdin: '{"a-b":"1"}',
  });
  assert.equal(badKey.code, 1);
  assert.match(badKey.stderr, /Invalid key name/);
});

Deno.test("double: datastore create/link/unlink/destroy with Dokku's link rules", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  await must(d, ["postgres:create", "db", "--image-version", "16"]);
  const dup = await d.run(["postgres:create", "db"]);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /already exists/);
  assert.equal((await d.run(["postgres:exists", "db"])).code, 0);
  assert.equal((await d.run(["postgres:exists", "nope"])).code, 1);
  assert.equal((await d.run(["postgres:linked", "db", "shop"])).code, 1);
  await must(d, ["postgres:link", "db", "shop", "--no-restart"]);
  assert.equal((await d.run(["postgres:linked", "db", "shop"])).code, 0);
  let st = await d.state();
  const url = st.apps["shop"]!.config["DATABASE_URL"]!;
  assert.match(url, /^postgres:\/\/postgres:[0-9a-f]+@dokku-postgres-db:5432\/db$/);
  assert.deepEqual(st.apps["shop"]!.dockerOptions.deploy, [
    "--link dokku.postgres.db:dokku-postgres-db",
  ]);
  assert.equal(st.datastores["postgres"]!["db"]!.imageVersion, "16");
  const again = await d.run(["postgres:link", "db", "shop"]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /Already linked as DATABASE_URL/);
  // DATABASE_URL is taken: the next link falls back to the first colour.
  await must(d, ["postgres:create", "replica"]);
  await must(d, ["postgres:link", "replica", "shop", "-n"]);
  st = await d.state();
  assert.ok(st.apps["shop"]!.config["DOKKU_POSTGRES_AQUA_URL"]?.includes("dokku-postgres-replica"));
  // --alias is upper-cased and a trailing _URL stripped; an alias in use fails.
  await must(d, ["redis:create", "cache"]);
  await must(d, ["redis:link", "cache", "shop", "--alias", "session_url", "--no-restart"]);
  assert.match(
    (await d.state()).apps["shop"]!.config["SESSION_URL"]!,
    /^redis:\/\/:.+@dokku-redis-cache:6379$/,
  );
  await must(d, ["redis:create", "cache2"]);
  const taken = await d.run(["redis:link", "cache2", "shop", "--alias", "SESSION"]);
  assert.equal(taken.code, 1);
  // Destroy refuses while linked; unlink fails when not linked.
  const refused = await d.run(["postgres:destroy", "db", "--force"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Cannot delete linked service/);
  await must(d, ["--no-restart", "postgres:unlink", "db", "shop"]);
  const notLinked = await d.run(["postgres:unlink", "db", "shop"]);
  assert.equal(notLinked.code, 1);
  assert.match(notLinked.stderr, /Not linked to app/);
  st = await d.state();
  assert.equal(st.apps["shop"]!.config["DATABASE_URL"], undefined);
  assert.deepEqual(st.apps["shop"]!.dockerOptions.deploy, [
    "--link dokku.postgres.replica:dokku-postgres-replica",
    "--link dokku.redis.cache:dokku-redis-cache",
  ]);
  assert.equal((await d.run(["postgres:destroy", "db"])).code, 1); // prompt without --force
  await must(d, ["postgres:destroy", "db", "-f"]);
  assert.equal((await d.run(["postgres:exists", "db"])).code, 1);
  assert.equal((await d.run(["postgres:link", "replica", "ghost"])).code, 20);
});

Deno.test("double: link restarts a deployed app unless -n or the global --no-restart", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  await must(d, ["git:from-image", "shop", "nginx:1"]);
  await must(d, ["mysql:create", "m"]);
  await must(d, ["mysql:link", "m", "shop"]);
  assert.equal(counters(await d.state())["shop"]!.restarts, 1);
  await must(d, ["mysql:unlink", "m", "shop", "-n"]); // -n is ignored by unlink
  assert.equal(counters(await d.state())["shop"]!.restarts, 2);
  await must(d, ["mysql:link", "m", "shop", "-n"]);
  await must(d, ["--no-restart", "mysql:unlink", "m", "shop"]);
  assert.equal(counters(await d.state())["shop"]!.restarts, 2);
});

Deno.test("double: every datastore plugin links with its own variable", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  const expected: Record<string, RegExp> = {
    postgres: /^DATABASE_URL=postgres:\/\//,
    mysql: /^DOKKU_MYSQL_AQUA_URL=mysql:\/\/mysql:/,
    mariadb: /^DOKKU_MARIADB_AQUA_URL=mysql:\/\/mariadb:/,
    redis: /^REDIS_URL=redis:\/\/:/,
    mongo: /^MONGO_URL=mongodb:\/\/svc-mongo:.+:27017\/svc_mongo$/,
    rabbitmq: /^RABBITMQ_URL=amqp:\/\//,
    memcached: /^MEMCACHED_URL=memcached:\/\/dokku-memcached-svc-memcached:11211$/,
    elasticsearch: /^ELASTICSEARCH_URL=http:\/\/dokku-elasticsearch-svc-elasticsearch:9200$/,
    clickhouse: /^CLICKHOUSE_URL=clickhouse:\/\//,
    meilisearch: /^MEILISEARCH_URL=http:\/\/:/,
  };
  for (const plugin of Object.keys(expected)) {
    const svc = `svc-${plugin}`;
    await must(d, [`${plugin}:create`, svc]);
    const before = new Set(Object.keys((await d.state()).apps["shop"]!.config));
    await must(d, [`${plugin}:link`, svc, "shop", "--no-restart"]);
    const config = (await d.state()).apps["shop"]!.config;
    const added = Object.keys(config).filter((k) => !before.has(k));
    assert.equal(added.length, 1, plugin);
    assert.match(`${added[0]}=${config[added[0]!]}`, expected[plugin]!, plugin);
  }
});

Deno.test("double: ports set/add/remove/clear and report", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  await must(d, ["ports:set", "shop", "http:80:5000", "https:443:5000"]);
  assert.equal(
    (await must(d, ["ports:report", "shop", "--ports-map"])).stdout,
    "http:80:5000 https:443:5000\n",
  );
  await must(d, ["ports:set", "shop", "http:8080:3000"]); // replaces
  const dupAdd = await d.run(["ports:add", "shop", "http:8080:4000"]);
  assert.equal(dupAdd.code, 1);
  assert.match(dupAdd.stderr, /same scheme:host-port/);
  assert.equal((await d.run(["ports:set", "shop", "http:1:1", "http:1:2"])).code, 1);
  await must(d, ["ports:add", "shop", "grpc:9000:9000"]);
  await must(d, ["ports:remove", "shop", "8080"]);
  assert.deepEqual((await d.state()).apps["shop"]!.ports, ["grpc:9000:9000"]);
  await must(d, ["ports:clear", "shop"]);
  assert.equal((await must(d, ["ports:report", "shop", "--ports-map"])).stdout, "\n");
  assert.equal(
    JSON.parse((await must(d, ["ports:report", "shop", "--format", "json"])).stdout)["ports-map"],
    "",
  );
});

Deno.test("double: storage entries, named and legacy mounts", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  assert.equal((await d.run(["storage:info", "data"])).code, 1);
  await must(d, ["storage:create", "data"]);
  await must(d, ["storage:create", "data"]); // idempotent
  assert.equal((await d.run(["storage:create", "data", "--scheduler", "k3s"])).code, 1);
  assert.equal((await d.run(["storage:info", "data"])).code, 0);
  const entries = JSON.parse((await must(d, ["storage:list-entries", "--format", "json"])).stdout);
  assert.deepEqual(entries.map((e: { name: string }) => e.name), ["data"]);
  const missing = await d.run(["storage:mount", "shop", "other", "--container-dir", "/x"]);
  assert.equal(missing.code, 1);
  await must(d, ["storage:mount", "shop", "data", "--container-dir", "/data"]);
  await must(d, ["storage:mount", "shop", "data", "--container-dir", "/data", "--volume-readonly"]);
  assert.equal((await d.state()).apps["shop"]!.mounts.length, 1); // upsert
  await must(d, ["storage:mount", "shop", "/srv/uploads:/uploads"]);
  const rerun = await d.run(["storage:mount", "shop", "/srv/uploads:/uploads"]);
  assert.equal(rerun.code, 1);
  assert.match(rerun.stderr, /Mount path already exists\./);
  const list = JSON.parse((await must(d, ["storage:list", "shop", "--format", "json"])).stdout);
  assert.deepEqual(list, [
    {
      container_path: "/data",
      host_path: "/var/lib/dokku/data/storage/data",
      name: "data",
      volume_options: "ro",
    },
    { container_path: "/uploads", host_path: "/srv/uploads", volume_options: "" },
  ]);
  const busy = await d.run(["storage:destroy", "data", "--force"]);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, /still mounted by app\(s\): shop/);
  await must(d, ["storage:unmount", "shop", "data"]);
  await must(d, ["storage:unmount", "shop", "/srv/uploads:/uploads"]);
  assert.equal((await d.run(["storage:unmount", "shop", "/srv/uploads:/uploads"])).code, 1);
  await must(d, ["storage:destroy", "data", "--force"]);
  assert.deepEqual((await d.state()).storage, {});
});

Deno.test("double: networks", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  assert.equal((await d.run(["network:exists", "backend"])).code, 1);
  await must(d, ["network:create", "backend"]);
  assert.equal((await d.run(["network:create", "backend"])).code, 1);
  assert.equal((await d.run(["network:exists", "backend"])).code, 0);
  await must(d, ["network:set", "shop", "attach-post-create", "backend", "other"]);
  assert.equal(
    (await must(d, ["network:report", "shop", "--network-attach-post-create"])).stdout,
    "backend other\n",
  );
  await must(d, ["network:set", "shop", "attach-post-create"]);
  assert.equal(
    (await must(d, ["network:report", "shop", "--network-attach-post-create"])).stdout,
    "\n",
  );
  assert.equal((await d.run(["network:destroy", "backend"])).code, 1); // prompt
  await must(d, ["network:destroy", "--force", "backend"]);
  assert.equal((await d.run(["network:destroy", "--force", "backend"])).code, 1);
});

Deno.test("double: deploys from an image, ps scale and ps:report", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  let ps = JSON.parse((await must(d, ["ps:report", "shop", "--format", "json"])).stdout);
  assert.equal(ps["deployed"], "false");
  assert.equal(ps["processes"], "0");
  await must(d, ["ps:scale", "--skip-deploy", "shop", "web=2", "worker=1"]);
  await must(d, ["ps:set", "shop", "restart-policy", "always"]);
  await must(d, ["git:from-image", "shop", "ghcr.io/acme/shop:1.0"]);
  const same = await d.run(["git:from-image", "shop", "ghcr.io/acme/shop:1.0"]);
  assert.equal(same.code, 1);
  assert.match(same.stderr + same.stdout, /No changes detected, skipping git commit/);
  ps = JSON.parse((await must(d, ["ps:report", "shop", "--format", "json"])).stdout);
  assert.equal(ps["deployed"], "true");
  assert.equal(ps["running"], "true");
  assert.equal(ps["processes"], "3");
  assert.equal(ps["ps-restart-policy"], "always");
  assert.deepEqual(
    Object.keys(ps).filter((k) => k.startsWith("status-")),
    ["status-web.1", "status-web.2", "status-worker.1"],
  );
  assert.match(ps["status-web.1"], /^running \(CID: [0-9a-f]{11}\)$/);
  assert.equal((await must(d, ["ps:report", "shop", "--deployed"])).stdout, "true\n");
  await must(d, ["ps:scale", "shop", "web=2"]); // unchanged: no redeploy
  await must(d, ["ps:scale", "shop", "web=1"]);
  assert.deepEqual(counters(await d.state())["shop"], { deploys: 1, restarts: 1 });
  await must(d, ["ps:stop", "shop"]);
  ps = JSON.parse((await must(d, ["ps:report", "shop", "--format", "json"])).stdout);
  assert.equal(ps["running"], "false");
  assert.equal(ps["restore"], "false");
  await must(d, ["ps:start", "shop"]);
  await must(d, ["ps:rebuild", "shop"]);
  await must(d, ["ps:restart", "shop"]);
  assert.deepEqual(counters(await d.state())["shop"], { deploys: 2, restarts: 3 });
  assert.equal((await must(d, ["ps:scale", "shop"])).stdout.includes("web: 1"), true);
});

Deno.test("double: git:from-archive reads a tar from stdin and detects no change", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  const tar = tinyTar("Dockerfile", "FROM nginx\n");
  await must(d, ["git:from-archive", "--archive-type", "tar", "shop", "--"], tar);
  const st = await d.state();
  assert.equal(st.apps["shop"]!.source?.kind, "archive");
  const same = await d.run(["git:from-archive", "--archive-type", "tar", "shop", "--"], {
    stdin: tar,
  });
  assert.equal(same.code, 1);
  assert.match(same.stderr, /No changes detected/);
  await must(d, ["git:from-archive", "shop", "--"], tinyTar("Dockerfile", "FROM nginx:2\n"));
  assert.equal(counters(await d.state())["shop"]!.deploys, 2);
  const empty = await d.run(["git:from-archive", "shop", "--"], { stdin: "" });
  assert.equal(empty.code, 1);
  const notTar = await d.run(["git:from-archive", "shop", "--"], { stdin: "x".repeat(600) });
  assert.equal(notTar.code, 1);
  const log = await d.log();
  assert.equal(log[1]!.stdinBytes, tar.length);
  assert.match(log[1]!.stdinSha256!, /^[0-9a-f]{64}$/);
});

Deno.test("double: git:sync deploys only with --build or when --build-if-changes sees a change", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  await must(d, ["git:sync", "shop", "https://example.com/r.git"]);
  assert.equal((await d.state()).apps["shop"]!.deployed, false);
  await must(d, ["git:sync", "--build-if-changes", "shop", "https://example.com/r.git", "v1"]);
  await must(d, ["git:sync", "--build-if-changes", "shop", "https://example.com/r.git", "v1"]);
  assert.equal(counters(await d.state())["shop"]!.deploys, 1);
  await must(d, ["git:sync", "--build", "shop", "https://example.com/r.git", "v1"]);
  assert.equal(counters(await d.state())["shop"]!.deploys, 2);
});

Deno.test("double: generic :set properties and the report contract", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  await must(d, ["nginx:set", "shop", "client-max-body-size", "20m"]);
  await must(d, ["nginx:set", "--global", "hsts", "false"]);
  await must(d, ["builder-dockerfile:set", "shop", "dockerfile-path", "docker/Dockerfile"]);
  assert.equal(
    (await must(d, ["nginx:report", "shop", "--nginx-client-max-body-size"])).stdout,
    "20m\n",
  );
  assert.equal(
    (await must(d, ["nginx:report", "shop", "--nginx-proxy-read-timeout"])).stdout,
    "\n",
  );
  const nginx = JSON.parse((await must(d, ["nginx:report", "shop", "--format", "json"])).stdout);
  assert.equal(nginx["nginx-client-max-body-size"], "20m");
  assert.equal(nginx["nginx-global-hsts"], "false");
  assert.equal(nginx["nginx-computed-hsts"], "false");
  assert.equal(nginx["nginx-computed-proxy-read-timeout"], "60s");
  const bad = await d.run(["nginx:report", "shop", "--nginx-nope"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Invalid flag passed/);
  assert.equal(
    (await must(d, ["builder-dockerfile:report", "shop", "--builder-dockerfile-dockerfile-path"]))
      .stdout,
    "docker/Dockerfile\n",
  );
  await must(d, ["nginx:set", "shop", "client-max-body-size"]); // clears
  assert.deepEqual((await d.state()).apps["shop"]!.properties, {
    "builder-dockerfile": { "dockerfile-path": "docker/Dockerfile" },
  });
  await must(d, ["proxy:disable", "shop"]);
  assert.equal((await must(d, ["proxy:report", "shop", "--proxy-enabled"])).stdout, "false\n");
  await must(d, ["proxy:disable", "shop"]); // already disabled: exit 0
  await must(d, ["domains:set", "shop", "a.example.com", "b.example.com"]);
  assert.equal(
    (await must(d, ["domains:report", "shop", "--domains-app-vhosts"])).stdout,
    "a.example.com b.example.com\n",
  );
  await must(d, ["docker-options:add", "shop", "deploy,run", "-v /a:/b -p 53:53/udp"]);
  await must(d, ["docker-options:add", "shop", "deploy", "-v /a:/b"]); // appends, no de-dup
  const dopts = JSON.parse(
    (await must(d, ["docker-options:report", "shop", "--format", "json"])).stdout,
  );
  assert.equal(dopts["docker-options-deploy"], "-v /a:/b -p 53:53/udp -v /a:/b");
  assert.deepEqual(JSON.parse(dopts["docker-options-run-list"]), ["-v /a:/b", "-p 53:53/udp"]);
  await must(d, ["docker-options:remove", "shop", "deploy", "-v /a:/b"]);
  assert.deepEqual((await d.state()).apps["shop"]!.dockerOptions.deploy, ["-p 53:53/udp"]);
  await must(d, ["resource:limit", "--cpu", "2", "--memory", "512m", "shop"]);
  await must(d, ["resource:reserve", "--process-type", "worker", "--memory", "256m", "shop"]);
  const res = JSON.parse((await must(d, ["resource:report", "shop", "--format", "json"])).stdout);
  assert.equal(res["resource-_default_.limit.cpu"], "2");
  assert.equal(res["resource-_default_.limit.memory"], "512m");
  assert.equal(res["resource-worker.reserve.memory"], "256m");
  await must(d, ["resource:limit", "--cpu", "clear", "shop"]);
  await must(d, ["resource:reserve-clear", "shop"]);
  assert.deepEqual((await d.state()).apps["shop"]!.resources, {
    limit: { _default_: { memory: "512m" } },
    reserve: {},
  });
  assert.equal(
    (await must(d, ["nginx:report", "--global", "--nginx-global-hsts"])).stdout,
    "false\n",
  );
});

Deno.test("double: letsencrypt needs domains and an email, and adds http:80", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  await must(d, ["ports:set", "shop", "https:443:3000"]);
  assert.equal((await d.run(["letsencrypt:enable", "shop"])).code, 1); // no domain
  await must(d, ["domains:set", "shop", "shop.example.com"]);
  assert.equal((await d.run(["letsencrypt:enable", "shop"])).code, 1); // no email
  await must(d, ["letsencrypt:set", "--global", "email", "ops@example.com"]);
  await must(d, ["letsencrypt:enable", "shop"]);
  assert.equal((await must(d, ["letsencrypt:active", "shop"])).stdout, "true\n");
  assert.deepEqual((await d.state()).apps["shop"]!.ports, ["https:443:3000", "http:80:3000"]);
  await must(d, ["letsencrypt:disable", "shop"]);
  assert.equal((await must(d, ["letsencrypt:active", "shop"])).stdout, "false\n");
});

Deno.test("double: 20 concurrent config:set invocations all land", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  const runs = await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) => d.run(["config:set", "--no-restart", "shop", `K${i}=${i}`]),
    ),
  );
  assert.deepEqual(runs.map((r) => r.code), Array(20).fill(0));
  const config = (await d.state()).apps["shop"]!.config;
  assert.equal(Object.keys(config).length, 20);
  for (let i = 0; i < 20; i++) assert.equal(config[`K${i}`], String(i));
  const log = await d.log();
  assert.equal(log.length, 21);
  assert.equal(new Set(log.map((e) => e.pid)).size, 21);
});

Deno.test("double: faults fail matching commands a limited number of times", async () => {
  await using d = await createDouble({
    faults: [{ match: ["apps:create", "shop-web"], exit: 1, stderr: "boom", times: 1 }],
  });
  const first = await d.run(["apps:create", "shop-web"]);
  assert.equal(first.code, 1);
  assert.equal(first.stderr, "boom\n");
  assert.equal((await d.state()).apps["shop-web"], undefined);
  await must(d, ["apps:create", "shop-web"]); // times exhausted
  await must(d, ["apps:create", "other"]); // does not match
  const rules = JSON.parse(await Deno.readTextFile(`${d.stateDir}/faults.json`));
  assert.equal(rules[0].times, 0);
  await d.setFaults([{ match: ["config:set"], exit: 7, stdout: "partial" }]);
  const always = await d.run(["config:set", "other", "A=1"]);
  assert.equal(always.code, 7);
  assert.equal(always.stdout, "partial");
  assert.equal((await d.run(["config:set", "other", "A=1"])).code, 7);
  // Invalid argv is rejected before faults apply.
  assert.equal((await d.run(["config:set", "other", "bad-key=1"])).code, 1);
  assert.deepEqual((await d.log()).map((e) => e.exit), [1, 0, 0, 7, 7, 1]);
});

Deno.test("double: delays (fault rule and DOKKU_DOUBLE_DELAY_MS) and overlap", async () => {
  await using d = await createDouble({
    faults: [{ match: ["apps:exists", "slow"], delayMs: 700 }],
  });
  const t0 = Date.now();
  const slow = await d.run(["apps:exists", "slow"]);
  assert.equal(slow.code, 20); // delay only, no failure
  assert.ok(Date.now() - t0 >= 700);
  await Promise.all([d.run(["apps:exists", "slow"]), d.run(["apps:exists", "slow"])]);
  const [, a, b] = await d.log();
  assert.ok(a!.end - a!.start >= 700 && b!.end - b!.start >= 700);
  assert.ok(a!.start < b!.end && b!.start < a!.end, "parallel commands must overlap");
  await using fixed = await createDouble({ delayMs: 150 });
  const t1 = Date.now();
  await fixed.run(["apps:list"]);
  assert.ok(Date.now() - t1 >= 150);
  const [entry] = await fixed.log();
  assert.ok(entry!.end - entry!.start >= 150);
});

Deno.test("double: SSH_ORIGINAL_COMMAND is split with xargs rules", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  const line = `-- config:set --no-restart shop 'SQ=a "b" $HOME' "DQ=it's \`x\`" ` +
    `BS=a\\ b\\'c UNI=héllo✓ EMPTY=''`;
  const r = await d.run([], { env: { SSH_ORIGINAL_COMMAND: line } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((await d.state()).apps["shop"]!.config, {
    SQ: 'a "b" $HOME',
    DQ: "it's `x`",
    BS: "a b'c",
    UNI: "héllo✓",
    EMPTY: "",
  });
  const last = (await d.log()).at(-1)!;
  assert.equal(last.ssh, true);
  assert.deepEqual(last.argv.slice(0, 4), ["dokku", "config:set", "--no-restart", "shop"]);
  const unmatched = await d.run([], { env: { SSH_ORIGINAL_COMMAND: "config:set shop 'A=1" } });
  assert.equal(unmatched.code, 1);
  assert.match(unmatched.stderr, /unmatched single quote/);
  const viaSsh = await d.run([], { env: { SSH_ORIGINAL_COMMAND: "apps:exists nope" } });
  assert.equal(viaSsh.code, 20);
  const stdin = await d.run([], {
    env: { SSH_ORIGINAL_COMMAND: "config:import --no-restart --format json shop -" },
    stdin: '{"FROM_SSH":"yes"}',
  });
  assert.equal(stdin.code, 0, stdin.stderr);
  assert.equal((await d.state()).apps["shop"]!.config["FROM_SSH"], "yes");
});

Deno.test("double: xargs splitting unit cases", () => {
  assert.deepEqual(splitXargs(`a 'b c' "d e" f\\ g`), {
    ok: true,
    words: ["a", "b c", "d e", "f g"],
  });
  assert.deepEqual(splitXargs(`'it'"'"'s'`), { ok: true, words: ["it's"] });
  assert.deepEqual(splitXargs(`"a\\b"`), { ok: true, words: ["a\\b"] });
  assert.deepEqual(splitXargs(`  x\t\ny  `), { ok: true, words: ["x", "y"] });
  assert.deepEqual(splitXargs(`''`), { ok: true, words: [""] });
  assert.equal(splitXargs(`"open`).ok, false);
  assert.equal(splitXargs(`trailing\\`).ok, false);
  assert.deepEqual(splitSshCommand(`-- --quiet apps:list`), {
    ok: true,
    words: ["--quiet", "apps:list"],
  });
  // git commands are split on whitespace only.
  assert.deepEqual(splitSshCommand(`git-receive-pack 'shop'`), {
    ok: true,
    words: ["git-receive-pack", "'shop'"],
  });
});

Deno.test("double: mutatingLog and snapshotState support rollback assertions", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "keep"]);
  await must(d, ["config:set", "keep", "A=1"]);
  const before = snapshotState(await d.state());
  // Apply, then undo, the way a rollback would.
  await must(d, ["apps:create", "shop"]);
  await must(d, ["postgres:create", "db"]);
  await must(d, ["postgres:link", "db", "keep", "--no-restart"]);
  await must(d, ["config:set", "keep", "B=2"]);
  await must(d, ["git:from-image", "keep", "img:1"]);
  assert.notDeepEqual(snapshotState(await d.state()), before);
  await must(d, ["--no-restart", "postgres:unlink", "db", "keep"]);
  await must(d, ["postgres:destroy", "db", "--force"]);
  await must(d, ["apps:destroy", "shop", "--force"]);
  await must(d, ["config:unset", "keep", "B"]);
  const after = snapshotState(await d.state());
  // The deploy is not undone, so only the source, deployed flag and default scale differ.
  assert.equal(after.apps["keep"]!.source, "img:1");
  assert.deepEqual(
    { ...after.apps["keep"], source: null, deployed: false, scale: {} },
    before.apps["keep"],
  );
  assert.deepEqual(after.datastores, before.datastores);
  await must(d, ["apps:exists", "keep"]);
  await must(d, ["config:export", "--format", "json", "keep"]);
  const mutating = await d.mutatingLog();
  assert.ok(mutating.every((e) => e.argv[1] !== "apps:exists" && e.argv[1] !== "config:export"));
  assert.equal(mutating.length, 11);
});

Deno.test("double: --app global flag, registry login from stdin, clone and rename", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  await must(d, ["--app", "shop", "config:set", "--no-restart", "A=1"]);
  assert.equal((await d.state()).apps["shop"]!.config["A"], "1");
  const noPw = await d.run(["registry:login", "--password-stdin", "shop", "ghcr.io", "bot"], {
    stdin: "",
  });
  assert.equal(noPw.code, 1);
  await must(d, ["registry:login", "--password-stdin", "shop", "ghcr.io", "bot"], "hunter2\n");
  assert.deepEqual((await d.state()).global.appRegistryLogins, { shop: { "ghcr.io": "bot" } });
  assert.equal((await d.log()).at(-1)!.stdin, "hunter2\n");
  await must(d, ["registry:login", "docker.io", "me", "pw"]); // 3 positionals: global (deprecated)
  assert.deepEqual((await d.state()).global.registryLogins, { "docker.io": "me" });
  await must(d, ["postgres:create", "db"]);
  await must(d, ["postgres:link", "db", "shop", "-n"]);
  await must(d, ["apps:rename", "--skip-deploy", "shop", "store"]);
  assert.deepEqual(Object.keys((await d.state()).apps), ["store"]);
  assert.deepEqual((await d.state()).datastores["postgres"]!["db"]!.links, {
    store: "DATABASE_URL",
  });
  await must(d, ["apps:clone", "--skip-deploy", "store", "store2"]);
  assert.equal((await d.run(["apps:clone", "store", "store2"])).code, 1);
  await must(d, ["apps:clone", "--ignore-existing", "store", "store2"]);
  assert.equal((await d.state()).apps["store2"]!.config["A"], "1");
});

Deno.test("double: datastore info, expose, promote, set and networks", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  await must(d, ["network:create", "backend"]);
  await must(d, ["redis:create", "cache", "--post-start-network", "backend", "-p", "pw"]);
  assert.equal(
    (await must(d, ["redis:info", "cache", "--dsn"])).stdout,
    "redis://:pw@dokku-redis-cache:6379\n",
  );
  assert.equal(
    (await must(d, ["redis:info", "cache", "--post-start-network"])).stdout,
    "backend\n",
  );
  assert.equal((await must(d, ["redis:info", "cache", "--version"])).stdout, "redis:8.8.0\n");
  await must(d, ["redis:set", "cache", "initial-network", "backend"]);
  await must(d, ["redis:set", "cache", "post-start-network"]);
  assert.deepEqual((await d.state()).datastores["redis"]!["cache"]!.properties, {
    "initial-network": "backend",
  });
  await must(d, ["redis:expose", "cache", "16379"]);
  const twice = await d.run(["redis:expose", "cache", "16380"]);
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /already exposed/);
  await must(d, ["redis:unexpose", "cache"]);
  await must(d, ["redis:unexpose", "cache"]);
  assert.equal((await d.run(["redis:expose", "cache", "1", "2"])).code, 1); // one port per port
  await must(d, ["redis:link", "cache", "shop", "--alias", "SESSION", "-n"]);
  await must(d, ["redis:promote", "cache", "shop"]);
  const config = (await d.state()).apps["shop"]!.config;
  assert.equal(config["REDIS_URL"], config["SESSION_URL"]);
  assert.equal((await must(d, ["redis:links", "cache"])).stdout, "shop\n");
  assert.equal((await must(d, ["redis:app-links", "shop"])).stdout, "cache\n");
  assert.match((await must(d, ["redis:list"])).stdout, /\ncache\n$/);
  assert.equal((await d.run(["redis:info", "nope"])).code, 1);
});

Deno.test("double: a fault with exit 0 answers without running; bad files fail clearly", async () => {
  await using d = await createDouble();
  await d.setFaults([{ match: ["apps:list"], exit: 0, stdout: "faked\n" }]);
  assert.equal((await must(d, ["apps:list"])).stdout, "faked\n");
  await Deno.writeTextFile(`${d.stateDir}/faults.json`, "{not json");
  const badFaults = await d.run(["apps:list"]);
  assert.equal(badFaults.code, 1);
  assert.match(badFaults.stderr, /faults\.json is unreadable/);
  await Deno.remove(`${d.stateDir}/faults.json`);
  await Deno.writeTextFile(`${d.stateDir}/state.json`, JSON.stringify({ version: 99 }));
  const badState = await d.run(["apps:list"]);
  assert.equal(badState.code, 1);
  assert.match(badState.stderr, /state\.json is unreadable: unsupported state version 99/);
  assert.doesNotMatch(badState.stderr, /at .*\.ts:\d+/); // no stack trace
});

Deno.test("double: checks, domains, docker-options list/clear and logs:set validation", async () => {
  await using d = await createDouble();
  await must(d, ["apps:create", "shop"]);
  await must(d, ["checks:disable", "shop", "web,worker"]);
  await must(d, ["checks:skip", "shop", "worker"]);
  assert.deepEqual((await d.state()).apps["shop"]!.checks, {
    disabled: ["web"],
    skipped: ["worker"],
  });
  await must(d, ["checks:enable", "shop", "web,worker"]);
  assert.deepEqual((await d.state()).apps["shop"]!.checks, { disabled: [], skipped: [] });
  await must(d, ["domains:add", "shop", "a.test"]);
  await must(d, ["domains:add", "shop", "a.test", "b.test"]);
  await must(d, ["domains:remove", "shop", "a.test"]);
  assert.deepEqual((await d.state()).apps["shop"]!.domains, ["b.test"]);
  await must(d, ["domains:clear", "shop"]);
  await must(d, ["docker-options:add", "shop", "build", "--build-arg KEY"]);
  assert.equal(
    (await must(d, ["docker-options:list", "shop", "--phase", "build"])).stdout,
    "--build-arg KEY\n",
  );
  await must(d, ["docker-options:clear", "shop"]);
  assert.deepEqual((await d.state()).apps["shop"]!.dockerOptions, {
    build: [],
    deploy: [],
    run: [],
  });
  assert.equal((await d.run(["logs:set", "shop", "max-size", "huge"])).code, 1);
  await must(d, ["logs:set", "shop", "max-size", "20m"]);
  assert.equal((await must(d, ["logs:report", "shop", "--logs-max-size"])).stdout, "20m\n");
});

Deno.test("double: every valid argv of every command runs in-process without throwing", () => {
  const state = emptyState();
  const names = commandNames();
  const sample = (arg: { name: string; format?: string }): string => {
    if (arg.name === "app") return "shop";
    if (arg.name === "service") return "svc";
    if (/KEY=VALUE/.test(arg.name)) return "K=V";
    if (arg.name === "KEY") return "K";
    if (/port-map|scheme/.test(arg.name)) return "http:80:5000";
    if (/process=count/.test(arg.name)) return "web=1";
    if (arg.name === "phases") return "deploy";
    return "x";
  };
  let ran = 0;
  for (const round of [0, 1]) {
    if (round === 1) {
      // Second round with the resources present, so the happy paths run too.
      for (
        const argv of [["apps:create", "shop"], ["network:create", "x"], ["storage:create", "x"]]
      ) {
        const v = validateArgv(["dokku", ...argv]);
        assert.ok(v.ok);
        execute(v, state, { stdin: null, readFile: () => undefined });
      }
    }
    for (const name of names) {
      const spec = findCommand(name)!;
      if (spec.family === "datastore" && round === 1) {
        const create = validateArgv(["dokku", `${spec.datastore}:create`, "svc"]);
        if (create.ok) execute(create, state, { stdin: null, readFile: () => undefined });
      }
      const required = spec.args.filter((a) => a.required).map(sample);
      const all = spec.args.map(sample);
      for (const positionals of [required, all]) {
        const v = validateArgv(["dokku", name, ...positionals]);
        if (!v.ok) continue;
        const r = execute(v, state, { stdin: null, readFile: () => undefined });
        assert.equal(typeof r.exit, "number", name);
        ran++;
      }
    }
  }
  assert.ok(ran > 500, `only ${ran} argvs ran`);
});
