import assert from "node:assert/strict";
import { cpuUsage } from "node:process";
import { lowerStack } from "../src/compiler/mod.ts";
import type { Command, Dokkufile, Step } from "../src/dokkufile/types.ts";
import type { Stack, StackApp } from "../src/stack/model.ts";
import { validateArgv } from "./support/dokku_spec.ts";
import { emitDokkufile, parseDokkufile, validateDokkufile } from "../src/dokkufile/mod.ts";

function ref(line: number, key: string) {
  return { file: "compose.yaml", line, key };
}

function app(service: string, extra: Partial<StackApp> = {}): StackApp {
  return {
    service,
    name: `shop-${service}`,
    deploy: {
      kind: "image",
      image: `example/${service}:1`,
      source: ref(3, `services.${service}.image`),
    },
    config: [],
    secretConfig: [],
    ports: [],
    proxy: false,
    mounts: [],
    networks: [],
    process: "web",
    processes: { web: 1 },
    resources: { limit: {}, reserve: {} },
    domains: [],
    letsencrypt: false,
    dependsOn: [],
    source: ref(2, `services.${service}`),
    ...extra,
  };
}

/** A realistic stack: web (build) + worker (image) + postgres + redis, a network and a volume. */
function shop(): Stack {
  return {
    version: "stack/v1",
    project: "shop",
    inputChecksum: `sha256:${"0".repeat(64)}`,
    networks: [{
      key: "front",
      name: "shop_front",
      external: false,
      source: ref(40, "networks.front"),
    }],
    storage: [{
      key: "uploads",
      name: "shop-uploads",
      chown: "root",
      external: false,
      source: ref(45, "volumes.uploads"),
    }],
    datastores: [
      {
        service: "db",
        plugin: "postgres",
        name: "shop-db",
        hostname: "dokku-postgres-shop-db",
        imageVersion: "16",
        createFlags: {},
        secretCreateFlags: { "--password": "db_password" },
        networks: ["shop_front"],
        dependsOn: [],
        source: ref(20, "services.db"),
      },
      {
        service: "cache",
        plugin: "redis",
        name: "shop-cache",
        hostname: "dokku-redis-shop-cache",
        createFlags: {},
        secretCreateFlags: {},
        networks: [],
        dependsOn: [],
        source: ref(30, "services.cache"),
      },
    ],
    apps: [
      app("worker", {
        config: [{
          key: "QUEUE",
          value: "default",
          source: ref(12, "services.worker.environment.QUEUE"),
        }],
        process: "worker",
        processes: { worker: 2 },
        dependsOn: ["cache", "web"],
        startCommand: "-c celery",
        restartPolicy: "always",
      }),
      app("web", {
        deploy: {
          kind: "build",
          context: "web",
          dockerfile: "Dockerfile.prod",
          target: "runtime",
          args: ["NODE_ENV", "APP_VERSION"],
          source: ref(5, "services.web.build"),
        },
        config: [
          { key: "Z_LAST", value: "z", source: ref(9, "services.web.environment.Z_LAST") },
          {
            key: "API_URL",
            value: "http://shop-api.web:3000",
            source: ref(8, "services.web.environment.API_URL"),
            rewrite: {
              from: "http://admin:hunter2@api:3000",
              reason: "service name -> Dokku alias",
            },
          },
          {
            key: "MOTD",
            value: "line one\nline two",
            source: ref(10, "services.web.environment.MOTD"),
          },
        ],
        secretConfig: [{
          key: "SECRET_KEY",
          secret: "django_secret",
          source: ref(11, "services.web.secrets"),
        }],
        ports: [{
          scheme: "http",
          host: 80,
          container: 8000,
          source: ref(6, "services.web.ports"),
        }],
        proxy: true,
        mounts: [{
          storage: "shop-uploads",
          containerDir: "/data",
          readOnly: true,
          source: ref(7, "services.web.volumes"),
        }],
        networks: ["shop_front"],
        resources: { limit: { cpu: "0.5", memory: "512m" }, reserve: { memory: "256m" } },
        domains: ["shop.example.com"],
        letsencrypt: true,
        dependsOn: ["db"],
      }),
    ],
    links: [
      {
        app: "shop-web",
        datastore: "shop-db",
        plugin: "postgres",
        alias: "DATABASE",
        source: ref(8, "services.web.depends_on"),
      },
      {
        app: "shop-worker",
        datastore: "shop-cache",
        plugin: "redis",
        alias: "REDIS",
        source: ref(13, "services.worker.depends_on"),
      },
    ],
    levels: [
      { index: 0, services: ["cache", "db"] },
      { index: 1, services: ["web"] },
      { index: 2, services: ["worker"] },
    ],
    secrets: ["db_password", "django_secret"],
    warnings: [{
      code: "DK4060",
      message: "Healthcheck ...",
      source: ref(14, "services.web.healthcheck"),
    }],
  };
}

function allSteps(d: Dokkufile): Step[] {
  return d.stages.flatMap((s) => [...s.steps]);
}

function byId(d: Dokkufile, id: string): Step {
  const s = allSteps(d).find((x) => x.id === id);
  assert.ok(s, `no step ${id}; have ${allSteps(d).map((x) => x.id).join(", ")}`);
  return s;
}

function argvs(commands: readonly Command[]): string[][] {
  return commands.map((c) => [...c.argv]);
}

Deno.test("stages: setup first, then one per level, each needing the previous", () => {
  const { dokkufile } = lowerStack(shop());
  assert.deepEqual(dokkufile.stages.map((s) => [s.name, s.needs]), [
    ["setup", []],
    ["level-1", ["setup"]],
    ["level-2", ["level-1"]],
    ["level-3", ["level-2"]],
  ]);
  assert.deepEqual(dokkufile.stages[0]!.steps.map((s) => s.id), [
    "network/shop-front",
    "storage/shop-uploads",
  ]);
  assert.deepEqual(dokkufile.stages[1]!.steps.map((s) => s.id), [
    "cache/create",
    "db/create",
    "db/network",
  ]);
});

Deno.test("every command, guard, undo and accept.then is valid against commands.json", () => {
  const { dokkufile } = lowerStack(shop());
  for (const s of allSteps(dokkufile)) {
    const all: (readonly string[])[] = [];
    for (const c of [...s.run, ...s.undo]) {
      all.push(c.argv);
      for (const a of c.accept ?? []) if (a.then !== undefined) all.push(a.then);
    }
    if (s.guard) all.push(s.guard.argv);
    for (const argv of all) {
      if (argv.length === 0) continue;
      const result = validateArgv(argv);
      assert.ok(result.ok, `${s.id}: ${argv.join(" ")}: ${result.ok ? "" : result.reason}`);
    }
  }
});

Deno.test("setup steps are guarded by probes with documented exit codes", () => {
  const { dokkufile } = lowerStack(shop());
  const net = byId(dokkufile, "network/shop-front");
  assert.deepEqual(net.guard, {
    argv: ["dokku", "network:exists", "shop_front"],
    presentExit: [0],
    missingExit: [1],
  });
  assert.deepEqual(argvs(net.undo), [["dokku", "network:destroy", "--force", "shop_front"]]);
  const st = byId(dokkufile, "storage/shop-uploads");
  assert.deepEqual(st.guard?.argv, ["dokku", "storage:info", "shop-uploads"]);
  assert.deepEqual(argvs(st.run), [["dokku", "storage:create", "shop-uploads", "--chown", "root"]]);
  assert.deepEqual(argvs(st.undo), [["dokku", "storage:destroy", "shop-uploads", "--force"]]);
});

Deno.test("datastores: flags after positionals, secret flags omitted with DK4800", () => {
  const { dokkufile, diagnostics } = lowerStack(shop());
  const db = byId(dokkufile, "db/create");
  assert.deepEqual(argvs(db.run), [[
    "dokku",
    "postgres:create",
    "shop-db",
    "--image-version",
    "16",
    "--post-start-network",
    "shop_front",
  ]]);
  assert.deepEqual(db.guard, {
    argv: ["dokku", "postgres:exists", "shop-db"],
    presentExit: [0],
    missingExit: [1],
  });
  assert.deepEqual(argvs(db.undo), [["dokku", "postgres:destroy", "shop-db", "--force"]]);
  assert.deepEqual(db.needs, ["network/shop-front"]);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.span?.line]), [[
    "DK4800",
    "warning",
    20,
  ]]);
  assert.ok(!allSteps(dokkufile).some((s) => s.run.some((c) => c.argv.includes("--password"))));
  assert.deepEqual(argvs(byId(dokkufile, "db/network").run), [[
    "dokku",
    "postgres:set",
    "shop-db",
    "post-start-network",
    "shop_front",
  ]]);
  assert.ok(dokkufile.warnings.some((w) => w.code === "DK4800" && w.line === 20));
});

Deno.test("app steps: ids, order, restart batching and one deploy", () => {
  const { dokkufile } = lowerStack(shop());
  const web = dokkufile.stages[2]!.steps.map((s) => s.id);
  assert.deepEqual(web, [
    "web/create",
    "web/builder",
    "web/links/db",
    "web/config",
    "web/secrets",
    "web/ports",
    "web/storage",
    "web/network",
    "web/resources",
    "web/scale",
    "web/domains",
    "web/deploy",
    "web/letsencrypt",
  ]);
  for (const s of allSteps(dokkufile)) {
    for (const c of s.run) {
      const [, cmd] = c.argv;
      if (cmd === "config:set" || cmd === "config:import") {
        assert.ok(c.argv.includes("--no-restart"));
      }
      if (cmd?.endsWith(":link")) assert.equal(c.argv[c.argv.length - 1], "--no-restart");
      if (cmd === "ps:scale") assert.equal(c.argv[2], "--skip-deploy");
    }
  }
  const deploys = allSteps(dokkufile).filter((s) => s.id.endsWith("/deploy"));
  assert.deepEqual(deploys.map((s) => s.id), ["web/deploy", "worker/deploy"]);
  const deploy = byId(dokkufile, "web/deploy");
  const settings = dokkufile.stages[2]!.steps.filter((s) =>
    !["web/deploy", "web/letsencrypt"].includes(s.id)
  );
  for (const s of settings) assert.ok(deploy.needs.includes(s.id), `deploy needs ${s.id}`);
  assert.ok(deploy.needs.includes("db/network"));
  assert.deepEqual(byId(dokkufile, "worker/deploy").needs.includes("web/deploy"), true);
  assert.deepEqual(byId(dokkufile, "worker/deploy").needs.includes("cache/create"), true);
  assert.deepEqual(deploy.verify, { app: "shop-web", processes: { web: 1 } });
  assert.deepEqual(byId(dokkufile, "web/letsencrypt").needs, ["web/deploy", "web/domains"]);
});

Deno.test("build deploy: archive relative to the artifact dir, builder options idempotent", () => {
  const { dokkufile } = lowerStack(shop(), { artifactDir: "deploy" });
  const run = byId(dokkufile, "web/deploy").run[0]!;
  assert.deepEqual(run.argv, [
    "dokku",
    "git:from-archive",
    "--archive-type",
    "tar",
    "shop-web",
    "--",
  ]);
  assert.deepEqual(run.stdin, { kind: "archive", context: "../web" });
  assert.equal(run.accept?.[0]?.then?.join(" "), "dokku ps:rebuild shop-web");
  const builder = argvs(byId(dokkufile, "web/builder").run).map((a) => a.slice(1).join(" "));
  assert.deepEqual(builder, [
    "builder:set shop-web selected dockerfile",
    "builder-dockerfile:set shop-web dockerfile-path Dockerfile.prod",
    "docker-options:remove shop-web build --build-arg APP_VERSION",
    "docker-options:add shop-web build --build-arg APP_VERSION",
    "docker-options:remove shop-web build --build-arg NODE_ENV",
    "docker-options:add shop-web build --build-arg NODE_ENV",
    "docker-options:remove shop-web build --target runtime",
    "docker-options:add shop-web build --target runtime",
  ]);
});

Deno.test("build context outside the artifact dir: resolved with projectDir, else DK4801", () => {
  const out = lowerStack(shop(), { artifactDir: "../out", projectDir: "/home/u/shop" });
  assert.deepEqual(byId(out.dokkufile, "web/deploy").run[0]!.stdin, {
    kind: "archive",
    context: "../shop/web",
  });
  const bad = lowerStack(shop(), { artifactDir: "../out" });
  assert.deepEqual(bad.diagnostics.map((d) => d.code).sort(), ["DK4800", "DK4801"]);
});

Deno.test("image deploy accepts 'No changes detected' and rebuilds instead", () => {
  const { dokkufile } = lowerStack(shop());
  assert.deepEqual(byId(dokkufile, "worker/deploy").run, [{
    argv: ["dokku", "git:from-image", "shop-worker", "example/worker:1"],
    accept: [{
      exit: 1,
      output: "No changes detected",
      as: "unchanged",
      then: ["dokku", "ps:rebuild", "shop-worker"],
    }],
  }]);
  assert.deepEqual(byId(dokkufile, "worker/deploy").undo, []);
});

Deno.test("config: one sorted command, exact values, multi-line values encoded, masked notes", () => {
  const { dokkufile } = lowerStack(shop());
  const config = byId(dokkufile, "web/config");
  assert.deepEqual(argvs(config.run), [
    [
      "dokku",
      "config:set",
      "--no-restart",
      "shop-web",
      "API_URL=http://shop-api.web:3000",
      "Z_LAST=z",
    ],
    [
      "dokku",
      "config:set",
      "--encoded",
      "--no-restart",
      "shop-web",
      `MOTD=${btoa("line one\nline two")}`,
    ],
  ]);
  assert.deepEqual(argvs(config.undo), [[
    "dokku",
    "config:unset",
    "--no-restart",
    "shop-web",
    "API_URL",
    "MOTD",
    "Z_LAST",
  ]]);
  assert.ok(
    config.notes.some((n) => n.includes("http://admin:***@api:3000 -> http://shop-api.web:3000")),
  );
  assert.ok(!JSON.stringify(dokkufile).includes("hunter2"));
  assert.deepEqual(config.needs, ["web/create", "web/links/db"]);
  assert.deepEqual(config.source.map((s) => s.line), [8, 9, 10]);
});

Deno.test("secrets travel on stdin via config:import", () => {
  const { dokkufile } = lowerStack(shop());
  const s = byId(dokkufile, "web/secrets");
  assert.deepEqual(s.run, [{
    argv: ["dokku", "config:import", "--no-restart", "--format", "json", "shop-web", "-"],
    stdin: { kind: "secrets-json", secrets: [{ key: "SECRET_KEY", secret: "django_secret" }] },
  }]);
  assert.deepEqual(dokkufile.secrets, ["db_password", "django_secret"]);
});

Deno.test("links are guarded by :linked and undone with --no-restart", () => {
  const { dokkufile } = lowerStack(shop());
  const link = byId(dokkufile, "web/links/db");
  assert.deepEqual(link.guard, {
    argv: ["dokku", "postgres:linked", "shop-db", "shop-web"],
    presentExit: [0],
    missingExit: [1],
  });
  assert.deepEqual(argvs(link.run), [[
    "dokku",
    "postgres:link",
    "shop-db",
    "shop-web",
    "--alias",
    "DATABASE",
    "--no-restart",
  ]]);
  assert.deepEqual(argvs(link.undo), [[
    "dokku",
    "postgres:unlink",
    "shop-db",
    "shop-web",
    "--no-restart",
  ]]);
  // Locked by the datastore; ordered after the app's earlier steps by needs.
  assert.equal(link.lock, "datastore:postgres:shop-db");
  assert.deepEqual(link.needs, ["db/network", "web/builder", "web/create"]);
});

Deno.test("ps:set protects a value starting with '-'; resources put flags before the app", () => {
  const { dokkufile } = lowerStack(shop());
  assert.deepEqual(argvs(byId(dokkufile, "worker/ps").run), [
    ["dokku", "ps:set", "shop-worker", "restart-policy", "always"],
    ["dokku", "ps:set", "shop-worker", "dockerfile-start-cmd", "--", "-c celery"],
  ]);
  assert.deepEqual(argvs(byId(dokkufile, "web/resources").run), [
    ["dokku", "resource:limit", "--cpu", "0.5", "--memory", "512m", "shop-web"],
    ["dokku", "resource:reserve", "--memory", "256m", "shop-web"],
  ]);
  assert.deepEqual(argvs(byId(dokkufile, "worker/proxy").run), [[
    "dokku",
    "proxy:disable",
    "shop-worker",
  ]]);
});

Deno.test("dokkuVersion is the newest 'since' of the commands used", () => {
  assert.equal(lowerStack(shop()).dokkufile.dokkuVersion, "0.38.10"); // storage:destroy --force
  const small = {
    ...shop(),
    storage: [],
    apps: shop().apps.map((a) => ({ ...a, mounts: [], secretConfig: [] })),
  };
  assert.equal(lowerStack(small).dokkufile.dokkuVersion, "0.31.0"); // ports:set
  const withSecrets = { ...small, apps: shop().apps.map((a) => ({ ...a, mounts: [] })) };
  assert.equal(lowerStack(withSecrets).dokkufile.dokkuVersion, "0.37.0"); // config:import
});

Deno.test("shuffled Stack arrays and record keys give the same Dokkufile", () => {
  const a = lowerStack(shop()).dokkufile;
  const s = shop();
  const shuffled: Stack = {
    ...s,
    apps: [...s.apps].reverse().map((x) => ({
      ...x,
      config: [...x.config].reverse(),
      processes: Object.fromEntries(Object.entries(x.processes).reverse()),
    })),
    datastores: [...s.datastores].reverse(),
    links: [...s.links].reverse(),
    levels: [...s.levels].reverse().map((l) => ({ ...l, services: [...l.services].reverse() })),
    warnings: [...s.warnings].reverse(),
  };
  assert.deepEqual(lowerStack(shuffled).dokkufile, a);
});

Deno.test("numeric-looking service names keep string order and valid ids", () => {
  const s = shop();
  const stack: Stack = {
    ...s,
    networks: [],
    storage: [],
    datastores: [],
    links: [],
    apps: ["10", "9", "app_1", "App-1"].map((n) =>
      app(n, { name: `shop-${n.toLowerCase().replace("_", "-")}x${n.length}` })
    ),
    levels: [{ index: 0, services: ["9", "10", "app_1", "App-1"] }],
    warnings: [],
  };
  const ids = lowerStack(stack).dokkufile.stages[0]!.steps.filter((x) => x.id.endsWith("/create"))
    .map((x) => x.id);
  assert.deepEqual(ids, ["10/create", "9/create", "app-1/create", "app-1-2/create"]);
  for (const id of ids) assert.match(id, /^[a-z0-9][a-z0-9._/-]*$/);
});

Deno.test("strict turns lowering warnings into errors", () => {
  const { diagnostics, dokkufile } = lowerStack(shop(), { strict: true });
  assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [["DK4800", "error"]]);
  assert.ok(!dokkufile.warnings.some((w) => w.code === "DK4800"));
});

Deno.test("the lowered Dokkufile is valid and round-trips through its text form", () => {
  const { dokkufile } = lowerStack(shop());
  assert.deepEqual(validateDokkufile(dokkufile), []);
  const text = emitDokkufile(dokkufile);
  if (Deno.env.get("SHOW_DOKKUFILE") === "1") console.log(text);
  const parsed = parseDokkufile(text, { file: "Dokkufile" });
  assert.deepEqual(parsed.diagnostics, []);
  assert.deepEqual(parsed.dokkufile, dokkufile);
});

Deno.test("lowering scales linearly: 2,000 services in well under a second", () => {
  const big = (n: number): Stack => {
    const apps: StackApp[] = [];
    const services: string[] = [];
    for (let i = 0; i < n; i++) {
      const service = `svc${i}`;
      services.push(service);
      apps.push(app(service, {
        config: [{
          key: "N",
          value: String(i),
          source: ref(i + 1, `services.${service}.environment.N`),
        }],
        dependsOn: i === 0 ? [] : [`svc${i - 1}`],
        ports: [{
          scheme: "http",
          host: 80,
          container: 5000,
          source: ref(i + 1, `services.${service}.ports`),
        }],
        proxy: true,
      }));
    }
    return {
      ...shop(),
      networks: [],
      storage: [],
      datastores: [],
      links: [],
      apps,
      levels: services.map((s, index) => ({ index, services: [s] })),
      warnings: [],
    };
  };
  // CPU time, best of three: wall-clock time on a busy machine says little about the code.
  const time = (n: number) => {
    const stack = big(n);
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const start = cpuUsage();
      const { dokkufile } = lowerStack(stack);
      const used = cpuUsage(start);
      best = Math.min(best, (used.user + used.system) / 1000);
      assert.equal(dokkufile.stages.length, n);
    }
    return best;
  };
  time(200); // warm up the JIT
  const small = time(500);
  const large = time(2000);
  assert.ok(large < 1000, `2,000 services took ${large.toFixed(0)} ms of CPU`);
  assert.ok(
    large < Math.max(100, small * 4 * 3),
    `not linear: 500 -> ${small.toFixed(0)} ms, 2000 -> ${large.toFixed(0)} ms`,
  );
});

Deno.test("a build app with healthchecks: a generated app.json in its archive, appjson-path set, no warning", () => {
  const s = shop();
  const checks = [{ type: "startup", command: ["curl", "-f", "http://localhost/"], attempts: 3 }];
  const source = { file: "compose.yaml", line: 31, key: "services.web.healthcheck" };
  const stack: Stack = {
    ...s,
    apps: s.apps.map((a) =>
      a.service === "web" ? { ...a, healthchecks: checks, healthcheckSource: source } : a
    ),
  };
  const { dokkufile, diagnostics } = lowerStack(stack);
  assert.deepEqual(diagnostics.map((d) => d.code).sort(), ["DK4800"]);
  const appJson = byId(dokkufile, "web/app-json");
  assert.equal(appJson.lock, "app:shop-web");
  assert.deepEqual(argvs(appJson.run), [[
    "dokku",
    "app-json:set",
    "shop-web",
    "appjson-path",
    ".dokompose/app.json",
  ]]);
  assert.deepEqual(argvs(appJson.undo), [["dokku", "app-json:set", "shop-web", "appjson-path"]]);
  assert.deepEqual(appJson.source, [source]);
  const deploy = byId(dokkufile, "web/deploy");
  assert.ok(deploy.needs.includes("web/app-json"), deploy.needs.join(" "));
  assert.deepEqual(deploy.run[0]?.stdin, {
    kind: "archive",
    context: "web",
    files: [{
      path: ".dokompose/app.json",
      // Keys sorted at every level, one line: exactly the Stack's checks.
      content:
        '{"healthchecks":{"web":[{"attempts":3,"command":["curl","-f","http://localhost/"],"type":"startup"}]}}',
    }],
  });
  assert.ok(!deploy.notes.some((n) => n.includes("app.json")), deploy.notes.join("\n"));
  // Apps without healthchecks get neither the file nor the step.
  const worker = allSteps(dokkufile).filter((x) => x.id.startsWith("worker/"));
  assert.ok(worker.length > 0);
  assert.ok(!worker.some((x) => x.id.endsWith("/app-json")));
  assert.ok(!worker.some((x) => x.run.some((c) => c.stdin?.kind === "archive" && c.stdin.files)));
});

Deno.test("the generated app.json does not depend on the key order of the Stack's checks", () => {
  const s = shop();
  const content = (check: Record<string, unknown>) => {
    const stack: Stack = {
      ...s,
      apps: s.apps.map((a) => a.service === "web" ? { ...a, healthchecks: [check] } : a),
    };
    const stdin = byId(lowerStack(stack).dokkufile, "web/deploy").run[0]?.stdin;
    assert.ok(stdin?.kind === "archive" && stdin.files !== undefined);
    return stdin.files[0]?.content;
  };
  const a = content({ type: "startup", command: ["x"], wait: 5, attempts: 2 });
  const b = content({ attempts: 2, wait: 5, command: ["x"], type: "startup" });
  assert.equal(a, b);
  assert.deepEqual(JSON.parse(a ?? ""), {
    healthchecks: { web: [{ attempts: 2, command: ["x"], type: "startup", wait: 5 }] },
  });
});

Deno.test("healthchecks are keyed by the app's process type, not a fixed 'web'", () => {
  const s = shop();
  const checks = [{ type: "startup", command: ["/app/bin/healthy"], attempts: 3 }];
  const stack: Stack = {
    ...s,
    apps: s.apps.map((a) =>
      a.service === "web"
        ? { ...a, process: "scheduler", processes: { scheduler: 2 }, healthchecks: checks }
        : a
    ),
  };
  const { dokkufile } = lowerStack(stack);
  const deploy = byId(dokkufile, "web/deploy");
  const stdin = deploy.run[0]?.stdin;
  assert.ok(stdin?.kind === "archive" && stdin.files !== undefined);
  assert.deepEqual(JSON.parse(stdin.files[0]?.content ?? ""), {
    healthchecks: { scheduler: [{ attempts: 3, command: ["/app/bin/healthy"], type: "startup" }] },
  });
  assert.deepEqual(deploy.verify, { app: "shop-web", processes: { scheduler: 2 } });
  const scale = byId(dokkufile, "web/scale");
  assert.deepEqual(argvs(scale.run), [[
    "dokku",
    "ps:scale",
    "--skip-deploy",
    "shop-web",
    "scheduler=2",
  ]]);
  // A non-web type needs a Procfile: the step says so.
  assert.ok(scale.notes.some((n) => n.includes("Procfile with a 'scheduler:' entry")));
  assert.ok(!byId(dokkufile, "cache/create").notes.some((n) => n.includes("Procfile")));
});

Deno.test("a git sync cannot take a generated app.json: DK4802 and the app.json in a note", () => {
  const s = shop();
  const checks = [{ type: "startup", command: ["true"] }];
  const stack: Stack = {
    ...s,
    apps: s.apps.map((a) =>
      a.service === "web" && a.deploy.kind === "build"
        ? {
          ...a,
          deploy: { ...a.deploy, git: { repository: "https://example.com/web.git" } },
          healthchecks: checks,
        }
        : a
    ),
  };
  const { dokkufile, diagnostics } = lowerStack(stack);
  const d = diagnostics.find((x) => x.code === "DK4802");
  assert.ok(d, diagnostics.map((x) => x.code).join(" "));
  assert.match(d.message, /git repository 'https:\/\/example\.com\/web\.git'/);
  assert.ok(!allSteps(dokkufile).some((x) => x.id === "web/app-json"));
  const deploy = byId(dokkufile, "web/deploy");
  assert.equal(deploy.run[0]?.stdin, undefined);
  assert.ok(
    deploy.notes.some((n) =>
      n.endsWith('{"healthchecks":{"web":[{"command":["true"],"type":"startup"}]}}')
    ),
  );
});

Deno.test("steps of one level are grouped by service in string order, datastores or not", () => {
  const s = shop();
  const stack: Stack = {
    ...s,
    levels: [{ index: 0, services: ["web", "db", "cache", "worker"] }],
  };
  const ids = lowerStack(stack).dokkufile.stages[1]!.steps.map((x) => x.id.split("/")[0]);
  assert.deepEqual([...new Set(ids)], ["cache", "db", "web", "worker"]);
});
