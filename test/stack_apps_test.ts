import assert from "node:assert/strict";
import { type StackApp, transformToStack } from "../src/stack/mod.ts";
import type { ComposeModel } from "../src/compose/types.ts";
import type { Diagnostic } from "../src/diagnostics/mod.ts";
import { loaded } from "./support/stack_project.ts";

function one(svc: Record<string, unknown>, extra: Record<string, unknown> = {}): {
  app: StackApp;
  diagnostics: readonly Diagnostic[];
} {
  const model = { name: "shop", services: { web: svc }, ...extra } as ComposeModel;
  const r = transformToStack(loaded(model));
  assert.ok(r.stack, JSON.stringify(r.diagnostics, null, 2));
  return { app: r.stack.apps[0]!, diagnostics: r.diagnostics };
}

function fails(svc: Record<string, unknown>): readonly Diagnostic[] {
  const model = { name: "shop", services: { web: svc } } as ComposeModel;
  const r = transformToStack(loaded(model));
  assert.equal(r.stack, undefined);
  return r.diagnostics.filter((d) => d.severity === "error");
}

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.code} ${d.path}`).sort();
const port = (target: number, published?: string, more: Record<string, unknown> = {}) => ({
  target,
  ...(published === undefined ? {} : { published }),
  protocol: "tcp",
  mode: "ingress",
  ...more,
});

Deno.test("apps: image deploy without published ports is still 'web', with the proxy off", () => {
  const { app, diagnostics } = one({ image: "ghcr.io/acme/worker:1" });
  assert.deepEqual(app.deploy, {
    kind: "image",
    image: "ghcr.io/acme/worker:1",
    source: { file: "compose.yaml", line: 4, key: "services.web.image" },
  });
  assert.equal(app.proxy, false);
  assert.deepEqual(app.ports, []);
  // An image deploy has exactly one process type, `web` (the image's CMD): never `worker`.
  assert.equal(app.process, "web");
  assert.deepEqual(app.processes, { web: 1 });
  assert.deepEqual(diagnostics, []);
});

Deno.test("apps: build -> context relative to the project, dockerfile, target, args", () => {
  const { app } = one({
    build: {
      context: "/home/dev/shop/services/api",
      dockerfile: "docker/Dockerfile",
      target: "prod",
      args: { B: "2", A: null },
    },
  });
  assert.equal(app.deploy.kind, "build");
  if (app.deploy.kind !== "build") return;
  assert.equal(app.deploy.context, "services/api");
  assert.equal(app.deploy.dockerfile, "docker/Dockerfile");
  assert.equal(app.deploy.target, "prod");
  assert.deepEqual(app.deploy.args, ["A", "B"]);
  assert.deepEqual(app.config.map((c) => [c.key, c.value]), [["B", "2"]]);
});

Deno.test("apps: a git build context and x-dokku.git become git sync", () => {
  const a = one({ build: { context: "https://github.com/acme/api.git#main:server" } }).app;
  assert.deepEqual(a.deploy.kind === "build" && [a.deploy.context, a.deploy.git], [
    "server",
    { repository: "https://github.com/acme/api.git", ref: "main" },
  ]);
  const b = one({
    image: "ignored",
    "x-dokku": { git: { repository: "git@github.com:acme/web.git", ref: "v2" } },
  }).app;
  assert.deepEqual(b.deploy.kind === "build" && b.deploy.git, {
    repository: "git@github.com:acme/web.git",
    ref: "v2",
  });
});

Deno.test("apps: unsupported build options are reported", () => {
  const { diagnostics } = one({
    build: { context: "/home/dev/shop", cache_from: ["x"], dockerfile_inline: "FROM x" },
  });
  assert.deepEqual(codes(diagnostics), [
    "DK4066 services.web.build.cache_from",
    "DK4066 services.web.build.dockerfile_inline",
  ]);
});

Deno.test("apps: port schemes", () => {
  const { app, diagnostics } = one({
    image: "x",
    ports: [
      port(3000, "80"),
      port(443, "443"),
      port(50051, "50051", { app_protocol: "grpc" }),
      port(8080, "8080"),
      port(9000),
    ],
  });
  assert.deepEqual(app.ports.map((p) => `${p.scheme}:${p.host}:${p.container}`), [
    "grpc:50051:50051",
    "http:80:3000",
    "http:8080:8080",
    "https:443:443",
  ]);
  assert.equal(app.proxy, true);
  assert.equal(app.process, "web");
  assert.deepEqual(diagnostics, []);
});

Deno.test("apps: UDP, raw TCP, ranges and host IPs are reported", () => {
  const { app, diagnostics } = one({
    image: "x",
    ports: [
      port(53, "53", { protocol: "udp" }),
      port(5432, "5432"),
      port(80, "8000-8010"),
      port(80, "8080", { host_ip: "10.0.0.5" }),
      port(81, "8080"),
      port(82, "9090", { host_ip: "127.0.0.1" }),
    ],
  });
  assert.deepEqual(app.ports.map((p) => `${p.scheme}:${p.host}:${p.container}`), ["http:8080:80"]);
  assert.deepEqual(codes(diagnostics), [
    "DK4030 services.web.ports.0",
    "DK4030 services.web.ports.1",
    "DK4031 services.web.ports.2",
    "DK4031 services.web.ports.5",
    "DK4032 services.web.ports.4",
    "DK4067 services.web.ports.3.host_ip",
  ]);
  assert.match(
    diagnostics.find((d) => d.path === "services.web.ports.5")!.message,
    /'127\.0\.0\.1:9090:82\/tcp' .* bound to the loopback address/,
  );
});

Deno.test("apps: x-dokku.scheme and x-dokku.ports override the scheme", () => {
  const a = one({ image: "x", ports: [port(5432, "5432")], "x-dokku": { scheme: "https" } }).app;
  assert.deepEqual(a.ports.map((p) => p.scheme), ["https"]);
  const b = one({ image: "x", "x-dokku": { ports: ["http:80:5000", "https:443:5000"] } }).app;
  assert.deepEqual(b.ports.map((p) => `${p.scheme}:${p.host}:${p.container}`), [
    "http:80:5000",
    "https:443:5000",
  ]);
  assert.equal(b.process, "web");
});

Deno.test("apps: process type, replicas and scale", () => {
  assert.deepEqual(one({ image: "x", deploy: { replicas: 3 } }).app.processes, { web: 3 });
  assert.deepEqual(one({ build: { context: "." }, scale: 2 }).app.processes, { web: 2 });
  assert.deepEqual(one({ image: "x", scale: 2, ports: [port(80, "80")] }).app.processes, {
    web: 2,
  });
  const c = one({ image: "x", "x-dokku": { process: "scheduler" } }).app;
  assert.deepEqual([c.process, c.processes], ["scheduler", { scheduler: 1 }]);
});

Deno.test("apps: resources in Dokku units; unsupported parts reported", () => {
  const { app, diagnostics } = one({
    image: "x",
    deploy: {
      resources: {
        limits: { cpus: "1.5", memory: "536870912", pids: 100 },
        reservations: { memory: "268435456", cpus: "0.25" },
      },
      placement: { constraints: ["node.role==manager"] },
    },
  });
  assert.deepEqual(app.resources, {
    limit: { cpu: "1.5", memory: "512m" },
    reserve: { memory: "256m" },
  });
  assert.deepEqual(codes(diagnostics), [
    "DK4067 services.web.deploy.placement",
    "DK4067 services.web.deploy.resources.limits.pids",
    "DK4067 services.web.deploy.resources.reservations.cpus",
  ]);
  const b = one({ image: "x", mem_limit: "1073741824", cpus: 2, mem_reservation: "1000000" }).app;
  assert.deepEqual(b.resources, { limit: { cpu: "2", memory: "1g" }, reserve: { memory: "977k" } });
});

Deno.test("apps: restart policies", () => {
  assert.equal(one({ image: "x", restart: "unless-stopped" }).app.restartPolicy, "unless-stopped");
  assert.equal(one({ image: "x", restart: "on-failure:5" }).app.restartPolicy, "on-failure:5");
  assert.equal(one({ image: "x", restart: "no" }).app.restartPolicy, "no");
  assert.equal(
    one({ image: "x", deploy: { restart_policy: { condition: "on-failure", max_attempts: 3 } } })
      .app
      .restartPolicy,
    "on-failure:3",
  );
  assert.equal(
    one({ image: "x", deploy: { restart_policy: { condition: "none" } } }).app.restartPolicy,
    "no",
  );
  assert.equal(one({ image: "x" }).app.restartPolicy, undefined);
});

Deno.test("apps: command is shell-quoted; entrypoint is lossy", () => {
  const { app, diagnostics } = one({
    image: "x",
    command: ["sh", "-c", "echo 'hi' && run $PORT", ""],
    entrypoint: ["/init"],
  });
  assert.equal(app.startCommand, `sh -c 'echo '\\''hi'\\'' && run $PORT' ''`);
  assert.deepEqual(codes(diagnostics), ["DK4062 services.web.entrypoint"]);
  assert.equal(one({ image: "x", command: null }).app.startCommand, undefined);
});

Deno.test("apps: healthcheck -> app.json startup check for build apps, lossy for images", () => {
  const hc = {
    test: ["CMD-SHELL", "curl -f http://localhost:5000/health"],
    interval: "1m30s",
    timeout: "500ms",
    retries: 5,
    start_period: "10s",
  };
  const b = one({ build: { context: "/home/dev/shop" }, healthcheck: hc }).app;
  assert.deepEqual(b.healthchecks, [{
    type: "startup",
    command: ["/bin/sh", "-c", "curl -f http://localhost:5000/health"],
    attempts: 5,
    timeout: 1,
    wait: 90,
    initialDelay: 10,
  }]);
  const cmd =
    one({ build: { context: "/home/dev/shop" }, healthcheck: { test: ["CMD", "check", "--fast"] } })
      .app;
  assert.deepEqual(cmd.healthchecks, [{ type: "startup", command: ["check", "--fast"] }]);
  const i = one({ image: "x", healthcheck: hc });
  assert.equal(i.app.healthchecks, undefined);
  assert.deepEqual(codes(i.diagnostics), ["DK4060 services.web.healthcheck"]);
  assert.equal(one({ image: "x", healthcheck: { test: ["NONE"] } }).app.healthchecks, undefined);
  assert.equal(one({ image: "x", healthcheck: { disable: true } }).diagnostics.length, 0);
});

Deno.test("apps: volumes -> storage and mounts; anonymous and tmpfs are lossy", () => {
  const { app, diagnostics } = one({
    image: "x",
    volumes: [
      { type: "volume", source: "data", target: "/data", volume: { subpath: "sub" } },
      { type: "volume", target: "/cache" },
      { type: "tmpfs", target: "/tmp" },
      { type: "volume", source: "shared", target: "/shared", read_only: true },
    ],
    tmpfs: ["/run"],
  }, { volumes: { data: { name: "shop_data" }, shared: { name: "ext", external: true } } });
  assert.deepEqual(app.mounts.map((m) => [m.storage, m.containerDir, m.readOnly, m.subpath]), [
    ["shop-data", "/data", false, "sub"],
    ["ext", "/shared", true, undefined],
  ]);
  assert.deepEqual(codes(diagnostics), [
    "DK4042 services.web.tmpfs",
    "DK4042 services.web.volumes.1",
    "DK4042 services.web.volumes.2",
  ]);
});

Deno.test("apps: domains and letsencrypt; letsencrypt without domains or http is an error", () => {
  const { app } = one({
    image: "x",
    ports: [port(5000, "80")],
    "x-dokku": { domains: ["b.example.com", "a.example.com"], letsencrypt: true },
  });
  assert.deepEqual([app.domains, app.letsencrypt], [["a.example.com", "b.example.com"], true]);
  assert.deepEqual(
    codes(fails({ image: "x", ports: [port(5000, "80")], "x-dokku": { letsencrypt: true } })),
    [
      "DK4070 services.web.x-dokku.letsencrypt",
    ],
  );
  assert.deepEqual(
    codes(fails({ image: "x", "x-dokku": { domains: ["a.io"], letsencrypt: true } })),
    [
      "DK4073 services.web.x-dokku.letsencrypt",
    ],
  );
});

Deno.test("apps: bad x-dokku values are errors; unknown keys are warnings", () => {
  assert.deepEqual(codes(fails({ image: "x", "x-dokku": { domains: "a.io", process: "Web!" } })), [
    "DK4071 services.web.x-dokku.domains",
    "DK4071 services.web.x-dokku.process",
  ]);
  const { diagnostics } = one({ image: "x", "x-dokku": { domain: ["a.io"] } });
  assert.deepEqual(codes(diagnostics), ["DK4072 services.web.x-dokku.domain"]);
});

Deno.test("apps: config is sorted and null values are unset", () => {
  const { app } = one({ image: "x", environment: { Z: "1", A: "2", UNSET: null, M: "" } });
  assert.deepEqual(app.config.map((c) => [c.key, c.value]), [["A", "2"], ["M", ""], ["Z", "1"]]);
});

Deno.test("apps: invalid image references are errors", () => {
  assert.deepEqual(codes(fails({ image: "Acme/App" })), ["DK4012 services.web.image"]);
});

Deno.test("apps: depends_on conditions other than service_started are ordering only", () => {
  const model = {
    name: "shop",
    services: {
      web: {
        image: "x",
        depends_on: { job: { condition: "service_completed_successfully", required: true } },
      },
      job: { image: "y" },
    },
  } as ComposeModel;
  const r = transformToStack(loaded(model));
  assert.deepEqual(codes(r.diagnostics), ["DK4063 services.web.depends_on.job"]);
  assert.deepEqual(r.stack!.levels.map((l) => l.services), [["job"], ["web"]]);
});

Deno.test("apps: empty and null values never throw and give no warnings", () => {
  const { app, diagnostics } = one({
    image: "x",
    command: null,
    entrypoint: null,
    environment: {},
    ports: [],
    volumes: [],
    labels: {},
    depends_on: {},
    networks: { default: null },
    secrets: [],
    deploy: {},
  });
  assert.equal(app.name, "shop-web");
  assert.deepEqual(diagnostics, []);
  const empty = transformToStack(loaded({ name: "shop", services: {} } as ComposeModel));
  assert.ok(empty.stack);
  assert.deepEqual([empty.stack.apps, empty.stack.levels, empty.stack.networks], [[], [], []]);
});

Deno.test("apps: an empty project name is an error, not a crash", () => {
  const r = transformToStack(
    loaded({ name: "", services: { db: { image: "postgres" } } } as ComposeModel),
  );
  assert.equal(r.stack, undefined);
  assert.ok(r.diagnostics.some((d) => d.code === "DK4023"));
});

Deno.test("apps: a project file bind (./nginx.conf) is reported, not mounted as a directory", () => {
  const { app, diagnostics } = one({
    image: "nginx",
    volumes: [
      { type: "bind", source: "/home/dev/shop/nginx.conf", target: "/etc/nginx/nginx.conf" },
      { type: "bind", source: "/home/dev/shop/site", target: "/usr/share/nginx/html" },
    ],
  });
  assert.deepEqual(app.mounts.map((m) => [m.storage, m.containerDir]), [
    ["shop-site", "/usr/share/nginx/html"],
  ]);
  assert.deepEqual(codes(diagnostics), [
    "DK4041 services.web.volumes.1",
    "DK4042 services.web.volumes.0",
  ]);
  const file = diagnostics.find((d) => d.code === "DK4042")!;
  assert.equal(
    file.message,
    "File bind mount './nginx.conf' at '/etc/nginx/nginx.conf' of service 'web' is not kept on Dokku",
  );
});
