import assert from "node:assert/strict";
import { parse, parseAllDocuments } from "yaml";
import {
  composeJsonSchema,
  didYouMean,
  formatPath,
  schemaDiagnostic,
  type SchemaIssue,
  SERVICE_KEYS,
  validateComposeShape,
} from "../src/compose/schema.ts";
import { buildComposeSchema } from "../src/compose/_schema.ts";
import { codeDef, diag } from "../src/diagnostics/mod.ts";

const CONFORMANCE = new URL("../../shared/compose-conformance/", import.meta.url);

function yaml(text: string): unknown {
  return parse(text, { merge: true, uniqueKeys: true });
}

function issues(text: string): SchemaIssue[] {
  return validateComposeShape(yaml(text));
}

/** `[path, code]` of every issue, for compact assertions. */
function brief(text: string): [string, string][] {
  return issues(text).map((i) => [formatPath(i.path), i.code]);
}

const REAL_WORLD = `
version: "3.9"
name: shop
x-common: &common
  restart: unless-stopped
  logging:
    driver: json-file
    options:
      max-size: "10m"
      max-file: 3
include:
  - ./infra/compose.yaml
  - path: [./a.yml, ./b.yml]
    env_file: ./a.env
    project_directory: ./sub
services:
  web:
    <<: *common
    image: "nginx:1.27"
    build:
      context: ./web
      dockerfile: Dockerfile.prod
      args:
        NODE_ENV: production
        VERSION: 3
      target: runtime
      cache_from: [type=registry]
      labels: [a=b]
      secrets: [npm_token]
      ssh: [default]
      platforms: [linux/amd64]
      x-build-note: ok
    command: ["npm", "start"]
    entrypoint: /docker-entrypoint.sh
    environment:
      - NODE_ENV=production
      - DEBUG
    env_file:
      - .env.web
      - path: ./optional.env
        required: false
        format: raw
    ports:
      - "80:80"
      - 443
      - "127.0.0.1:8001:8001/udp"
      - target: 9000
        published: "9000"
        protocol: tcp
        mode: host
        name: metrics
        app_protocol: http
    expose: [3000, "8080-8085/tcp"]
    volumes:
      - ./static:/usr/share/nginx/html:ro
      - data:/data
      - type: bind
        source: ./conf
        target: /etc/nginx/conf.d
        read_only: true
        bind:
          create_host_path: true
          propagation: rprivate
          selinux: z
      - type: volume
        source: cache
        target: /cache
        volume: { nocopy: true, subpath: sub }
      - type: tmpfs
        target: /tmp
        tmpfs: { size: 1000000, mode: 1777 }
    depends_on:
      db:
        condition: service_healthy
        restart: true
        required: false
      cache:
        condition: service_started
    networks:
      front:
        aliases: [www]
        ipv4_address: 172.16.238.10
        priority: 100
      back: null
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 1m30s
      timeout: 10s
      retries: 3
      start_period: 40s
      start_interval: 5s
    deploy:
      mode: replicated
      replicas: 2
      labels: { com.example: web }
      resources:
        limits: { cpus: "0.50", memory: 512M, pids: 100 }
        reservations:
          cpus: 0.25
          memory: 128M
          devices:
            - capabilities: [gpu]
              driver: nvidia
              count: 1
      restart_policy: { condition: on-failure, delay: 5s, max_attempts: 3, window: 120s }
      update_config: { parallelism: 2, delay: 10s, order: stop-first }
      rollback_config: { parallelism: 1, failure_action: pause }
      placement:
        constraints: [node.role==manager]
        preferences: [{ spread: node.labels.zone }]
        max_replicas_per_node: 1
    labels:
      com.example.description: "Accounting webapp"
      com.example.flag: true
    secrets:
      - db_password
      - source: api_key
        target: api_key
        uid: "103"
        gid: "103"
        mode: 0440
    configs: [nginx_conf]
    ulimits:
      nproc: 65535
      nofile: { soft: 20000, hard: 40000 }
    sysctls: { net.core.somaxconn: 1024 }
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    security_opt: [no-new-privileges:true]
    extra_hosts: ["somehost:162.242.195.82", "otherhost=50.31.209.229"]
    dns: 8.8.8.8
    dns_search: [example.com]
    tmpfs: /run
    devices: ["/dev/ttyUSB0:/dev/ttyUSB0", { source: /dev/sda, target: /dev/xvda, permissions: r }]
    user: "1000:1000"
    working_dir: /app
    hostname: web
    domainname: example.com
    privileged: false
    read_only: true
    init: true
    tty: true
    stdin_open: true
    stop_signal: SIGTERM
    stop_grace_period: 1m30s
    pull_policy: if_not_present
    platform: linux/amd64
    mem_limit: 512m
    mem_reservation: 128m
    memswap_limit: -1
    shm_size: 64mb
    cpus: 1.5
    cpu_shares: 512
    pids_limit: 100
    oom_score_adj: -500
    profiles: [frontend]
    annotations: { com.example.note: hi }
    post_start:
      - command: ./hook.sh
        user: root
    pre_stop:
      - command: ["./drain.sh"]
    develop:
      watch:
        - path: ./src
          action: sync
          target: /app/src
          ignore: [node_modules/]
    x-service-note: anything
  worker:
    extends:
      file: common.yml
      service: base
    image: shop/worker
    command: bundle exec sidekiq
    environment:
      QUEUE: default
      RETRIES: 5
      VERBOSE: true
      UNSET:
    depends_on: [db]
    networks: [back]
    links: ["db:database"]
    volumes_from: ["web:ro"]
    scale: 2
    gpus: all
    models: [llm]
  db:
    image: postgres:16
    environment: { POSTGRES_PASSWORD_FILE: /run/secrets/db_password }
    volumes: [data:/var/lib/postgresql/data]
    network_mode: "service:web"
    healthcheck:
      test: pg_isready
      disable: false
  cache:
    image: redis
    command: null
    entrypoint: []
    deploy: null
    healthcheck: { test: ["NONE"] }
  llm-client:
    provider:
      type: model
      options: { model: ai/smollm2, flags: [a, 1, true] }
networks:
  front:
    driver: bridge
    driver_opts: { com.docker.network.bridge.name: br0, mtu: 1500 }
    ipam:
      driver: default
      config:
        - subnet: 172.16.238.0/24
          gateway: 172.16.238.1
          aux_addresses: { host1: 172.16.238.5 }
    labels: [tier=front]
    x-note: hello
  back:
    internal: true
    attachable: true
    enable_ipv6: false
  outside:
    external: true
    name: real-net
  legacy:
    external: { name: old-net }
  default:
volumes:
  data:
  cache:
    driver: local
    driver_opts: { type: none, o: bind, device: /srv/cache }
  ext:
    external: true
secrets:
  db_password: { file: ./db_password.txt }
  api_key: { environment: API_KEY }
  npm_token: { external: true, name: npm }
configs:
  nginx_conf: { file: ./nginx.conf }
  inline: { content: "hello \${NAME}" }
models:
  llm:
    model: ai/smollm2
    context_size: 4096
    runtime_flags: ["--verbose"]
x-top-level: { anything: [1, 2, 3] }
`;

Deno.test("a real-world file with short and long syntaxes validates cleanly", () => {
  assert.deepEqual(issues(REAL_WORLD), []);
});

Deno.test("every loadable conformance case validates cleanly", () => {
  let checked = 0;
  for (const entry of [...Deno.readDirSync(CONFORMANCE)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    if (!entry.isDirectory) continue;
    const dir = new URL(`${entry.name}/`, CONFORMANCE);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    if (names.includes("expected-error.txt")) continue;
    for (const file of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const text = Deno.readTextFileSync(new URL(file, dir));
      const docs = parseAllDocuments(text, {
        merge: true,
        customTags: [
          { tag: "!reset", resolve: (v: unknown) => v },
          { tag: "!override", resolve: (v: unknown) => v },
        ],
      });
      for (const doc of Array.isArray(docs) ? docs : [docs]) {
        const tree = doc.toJS();
        if (tree === null || typeof tree !== "object") continue;
        assert.deepEqual(validateComposeShape(tree), [], `${entry.name}/${file}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 100, `only ${checked} files checked`);
});

Deno.test("conformance cases with schema errors get the right codes", () => {
  const cases: [string, [string, string][]][] = [
    ["invalid-001-unknown-top-level", [["foo", "DK2201"]]],
    ["invalid-002-unknown-service-key", [["services.web.enviroment", "DK2201"]]],
    ["invalid-004-bad-service-name", [["services.web app", "DK2205"]]],
    ["invalid-005-wrong-type", [["services.web.ports", "DK2202"]]],
    ["invalid-007-top-level-not-mapping", [["(root)", "DK2202"]]],
    ["depends-006-bad-condition", [["services.web.depends_on.db.condition", "DK2203"]]],
    ["legacy-003-v1-format", [["db", "DK2201"], ["web", "DK2201"]]],
  ];
  for (const [name, expected] of cases) {
    const text = Deno.readTextFileSync(new URL(`${name}/case.yml`, CONFORMANCE));
    assert.deepEqual(brief(text), expected, name);
  }
});

Deno.test("DK2201: unknown keys everywhere, with the key's path and a did-you-mean", () => {
  const found = issues(`
servics: {}
services:
  web:
    imgae: nginx
    enviroment: { A: "1" }
    healtcheck: { test: x }
    deploy:
      resorces: {}
      resources: { limits: { memroy: 1g } }
    build: { context: ., dockerfil: D }
    ports: [{ target: 80, publised: 8080 }]
    depends_on: { db: { condition: service_started, requird: true } }
networks:
  front: { drivr: bridge }
`);
  assert.deepEqual(
    found.map((i) => [formatPath(i.path), i.code, i.args.suggestion, i.hint]),
    [
      ["networks.front.drivr", "DK2201", "driver", 'Did you mean "driver"?'],
      ["services.web.build.dockerfil", "DK2201", "dockerfile", 'Did you mean "dockerfile"?'],
      [
        "services.web.depends_on.db.requird",
        "DK2201",
        "required",
        'Did you mean "required"?',
      ],
      ["services.web.deploy.resorces", "DK2201", "resources", 'Did you mean "resources"?'],
      [
        "services.web.deploy.resources.limits.memroy",
        "DK2201",
        "memory",
        'Did you mean "memory"?',
      ],
      ["services.web.enviroment", "DK2201", "environment", 'Did you mean "environment"?'],
      ["services.web.healtcheck", "DK2201", "healthcheck", 'Did you mean "healthcheck"?'],
      ["services.web.imgae", "DK2201", "image", 'Did you mean "image"?'],
      ["services.web.ports[0].publised", "DK2201", "published", 'Did you mean "published"?'],
      ["servics", "DK2201", "services", 'Did you mean "services"?'],
    ],
  );
  const byKey = new Map(found.map((i) => [i.args.key, i.args.where]));
  assert.equal(byKey.get("imgae"), 'service "web"');
  assert.equal(byKey.get("servics"), "the top-level mapping");
  assert.equal(byKey.get("drivr"), 'network "front"');
  assert.equal(byKey.get("memroy"), '"services.web.deploy.resources.limits"');
});

Deno.test("DK2201: no suggestion when nothing is close; removed keys say what replaced them", () => {
  const found = issues(`
foo: bar
services:
  web:
    image: nginx
    zzzzzz: 1
    log_driver: syslog
    net: host
    dockerfile: Dockerfile
`);
  const hints = Object.fromEntries(found.map((i) => [i.args.key, [i.args.suggestion, i.hint]]));
  assert.deepEqual(hints.foo, [undefined, 'Custom keys must start with "x-"']);
  assert.deepEqual(hints.zzzzzz, [undefined, 'Custom keys must start with "x-"']);
  assert.deepEqual(hints.log_driver, [
    undefined,
    'It was removed from the compose format; use "logging.driver"',
  ]);
  assert.deepEqual(hints.net, [
    undefined,
    'It was removed from the compose format; use "network_mode"',
  ]);
  assert.deepEqual(hints.dockerfile, [
    undefined,
    'It was removed from the compose format; use "build.dockerfile"',
  ]);
});

Deno.test("DK2201: the version 1 layout gets a hint to use services:", () => {
  const [issue] = issues("web:\n  image: nginx\n");
  assert.equal(issue?.code, "DK2201");
  assert.match(issue?.hint ?? "", /Services go under "services:"/);
});

Deno.test("x-* keys are allowed where the spec allows them, and only there", () => {
  assert.deepEqual(
    brief(`
x-top: 1
services:
  web:
    image: nginx
    x-svc: 1
    build: { context: ., x-b: 1 }
    deploy: { x-d: 1, resources: { x-r: 1 } }
    healthcheck: { x-h: 1 }
    ports: [{ target: 80, x-p: 1 }]
networks: { n: { x-n: 1 } }
volumes: { v: { x-v: 1 } }
secrets: { s: { file: ./s, x-s: 1 } }
`),
    [],
  );
  assert.deepEqual(
    brief(`
services:
  web:
    image: nginx
    blkio_config: { weight: 300, x-no: 1 }
    extends: { service: base, x-no: 1 }
    env_file: [{ path: a.env, x-no: 1 }]
include: [{ path: a.yml, x-no: 1 }]
`),
    [
      ["include[0].x-no", "DK2201"],
      ["services.web.blkio_config.x-no", "DK2201"],
      ["services.web.env_file[0].x-no", "DK2201"],
      ["services.web.extends.x-no", "DK2201"],
    ],
  );
});

Deno.test("DK2202: wrong types name the expected and actual types", () => {
  const found = issues(`
name: 5
services:
  web:
    image: [nginx]
    ports: "8080:80"
    privileged: 3
    command: { a: 1 }
    environment: "A=1"
    healthcheck: { test: 5, retries: true }
    deploy: { replicas: 1.5 }
    volumes: [42]
`);
  assert.deepEqual(found.map((i) => [i.args.path, i.code, i.args.expected, i.args.actual]), [
    ["name", "DK2202", "a string", "a number (5)"],
    ["services.web.command", "DK2202", "null, a string or a list", "a mapping"],
    ["services.web.deploy.replicas", "DK2202", "an integer or a string", "a number (1.5)"],
    ["services.web.environment", "DK2202", "a mapping or a list", 'a string ("A=1")'],
    ["services.web.healthcheck.retries", "DK2202", "a number or a string", "a boolean (true)"],
    ["services.web.healthcheck.test", "DK2202", "a string or a list", "a number (5)"],
    ["services.web.image", "DK2202", "a string", "a list"],
    ["services.web.ports", "DK2202", "a list", 'a string ("8080:80")'],
    ["services.web.privileged", "DK2202", "a boolean or a string", "a number (3)"],
    ["services.web.volumes[0]", "DK2202", "a string or a mapping", "a number (42)"],
  ]);
  assert.equal(
    diag("DK2202", found[7]!.args).message,
    'Wrong type for "services.web.ports": expected a list, got a string ("8080:80")',
  );
});

Deno.test("DK2202: errors inside a long-syntax list item point into the item", () => {
  assert.deepEqual(
    brief(`
services:
  web:
    image: nginx
    ports: ["80", { target: true }]
    volumes: [{ type: bind, source: ./x, target: /x, read_only: 5 }]
`),
    [
      ["services.web.ports[1].target", "DK2202"],
      ["services.web.volumes[0].read_only", "DK2202"],
    ],
  );
});

Deno.test("DK2203: enum and pattern violations list what is expected", () => {
  const found = issues(`
services:
  web:
    image: nginx
    depends_on: { db: { condition: service_ready } }
    volumes: [{ type: nfs, target: /x }]
    cgroup: shared
    pull_policy: sometimes
    gpus: some
`);
  assert.deepEqual(found.map((i) => [formatPath(i.path), i.code]), [
    ["services.web.cgroup", "DK2203"],
    ["services.web.depends_on.db.condition", "DK2203"],
    ["services.web.gpus", "DK2202"],
    ["services.web.pull_policy", "DK2203"],
    ["services.web.volumes[0].type", "DK2203"],
  ]);
  assert.equal(
    diag("DK2203", found[0]!.args).message,
    'Invalid value "shared" for "services.web.cgroup": expected one of "host" or "private"',
  );
  assert.match(found[3]!.args.expected ?? "", /if_not_present/);
});

Deno.test("DK2204: missing required keys point at the mapping", () => {
  const found = issues(`
services:
  web:
    image: nginx
    depends_on: { db: { required: true } }
    extends: { file: other.yml }
    volumes: [{ source: data, target: /data }]
    provider: { options: {} }
models:
  llm: { context_size: 10 }
`);
  assert.deepEqual(found.map((i) => [formatPath(i.path), i.code, i.args.key, i.args.where]), [
    ["models.llm", "DK2204", "model", 'model "llm"'],
    [
      "services.web.depends_on.db",
      "DK2204",
      "condition",
      '"services.web.depends_on.db"',
    ],
    ["services.web.extends", "DK2204", "service", '"services.web.extends"'],
    ["services.web.provider", "DK2204", "type", '"services.web.provider"'],
    ["services.web.volumes[0]", "DK2204", "type", '"services.web.volumes[0]"'],
  ]);
  assert.equal(
    diag("DK2204", found[0]!.args).message,
    'Missing required key "model" in model "llm"',
  );
});

Deno.test("DK2205: invalid resource names, with a suggested name", () => {
  const found = issues(`
services:
  "web app": { image: nginx }
  "ok.name_1-x": { image: nginx }
volumes:
  "my/vol": {}
networks:
  "bad net!": {}
`);
  assert.deepEqual(found.map((i) => [formatPath(i.path), i.code, i.args.kind, i.args.suggestion]), [
    ["networks.bad net!", "DK2205", "network", '"bad-net"'],
    ["services.web app", "DK2205", "service", '"web-app"'],
    ["volumes.my/vol", "DK2205", "volume", '"my-vol"'],
  ]);
  const d = diag("DK2205", found[1]!.args);
  assert.equal(
    d.message,
    'Invalid service name "web app": expected only letters, digits, ".", "_" and "-"',
  );
  assert.equal(d.hint, 'Rename it, for example to "web-app"');
});

Deno.test("DK2206: duplicate entries in unique lists point at the repeat", () => {
  const found = issues(`
services:
  web:
    image: nginx
    cap_add: [NET_ADMIN, SYS_TIME, NET_ADMIN]
    environment: [A=1, B=2, A=1]
    ports: ["80:80", "80:80"]
    profiles: [a, a]
`);
  assert.deepEqual(found.map((i) => [formatPath(i.path), i.code, i.args.value]), [
    ["services.web.cap_add[2]", "DK2206", '"NET_ADMIN"'],
    ["services.web.environment[2]", "DK2206", '"A=1"'],
    ["services.web.ports[1]", "DK2206", '"80:80"'],
    ["services.web.profiles[1]", "DK2206", '"a"'],
  ]);
  // Different values for the same variable are not duplicates (N4: last wins).
  assert.deepEqual(brief("services: { web: { image: x, environment: [A=1, A=3] } }"), []);
});

Deno.test("DK2207: numbers out of the spec's range", () => {
  const found = issues(`
services:
  web:
    image: nginx
    cpu_percent: 150
    oom_score_adj: -2000
    cpu_count: -1
    volumes: [{ type: tmpfs, target: /t, tmpfs: { size: -5 } }]
`);
  assert.deepEqual(found.map((i) => [formatPath(i.path), i.code, i.args.expected]), [
    ["services.web.cpu_count", "DK2207", "at least 0"],
    ["services.web.cpu_percent", "DK2207", "at most 100"],
    ["services.web.oom_score_adj", "DK2207", "at least -1000"],
    ["services.web.volumes[0].tmpfs.size", "DK2207", "at least 0"],
  ]);
});

Deno.test("DK2208: empty keys in free mappings", () => {
  assert.deepEqual(brief('services: { web: { image: x, environment: { "": v } } }'), [
    ["services.web.environment.", "DK2208"],
  ]);
});

Deno.test("interpolated strings are accepted where numbers and booleans are expected", () => {
  assert.deepEqual(
    brief(`
services:
  web:
    image: nginx
    privileged: "true"
    read_only: "false"
    init: "yes"
    scale: "2"
    cpus: "1.5"
    mem_limit: "512m"
    cpu_percent: "50"
    oom_score_adj: "-100"
    use_api_socket: "true"
    ports: [{ target: "80", published: "8080" }]
    healthcheck: { retries: "5", disable: "false" }
    deploy: { replicas: "3", resources: { limits: { pids: "10" } } }
    depends_on: { db: { condition: service_started, required: "false", restart: "true" } }
    networks: { front: { priority: "10" } }
    ulimits: { nofile: { soft: "1", hard: "2" }, nproc: "5" }
networks:
  front: { external: "false", internal: "true" }
models:
  m: { model: x, context_size: "100" }
`),
    [],
  );
});

Deno.test("null is accepted exactly where the spec allows it", () => {
  assert.deepEqual(
    brief(`
services:
  web:
    image: nginx
    command: null
    entrypoint: null
    deploy: null
    develop: null
    pid: null
    environment: { A: null }
    networks: { front: null }
networks: { front: null }
volumes: { data: null }
`),
    [],
  );
  assert.deepEqual(brief("services: { web: { image: null } }"), [["services.web.image", "DK2202"]]);
  assert.deepEqual(brief("secrets: { s: null }"), [["secrets.s", "DK2202"]]);
});

Deno.test("issues are sorted and independent of input key order", () => {
  const a = {
    zeta: 1,
    services: { b: { imgae: "x", ports: "1" }, a: { cap_add: ["X", "X"], enviroment: {} } },
    alpha: 2,
  };
  const b = {
    alpha: 2,
    services: { a: { enviroment: {}, cap_add: ["X", "X"] }, b: { ports: "1", imgae: "x" } },
    zeta: 1,
  };
  const first = validateComposeShape(a);
  assert.deepEqual(first, validateComposeShape(b));
  assert.deepEqual(first.map((i) => formatPath(i.path)), [
    "alpha",
    "services.a.cap_add[1]",
    "services.a.enviroment",
    "services.b.imgae",
    "services.b.ports",
    "zeta",
  ]);
});

Deno.test("validation of non-mapping roots does not throw", () => {
  for (const tree of [null, 5, "text", [], true]) {
    const found = validateComposeShape(tree);
    assert.equal(found.length, 1, String(tree));
    assert.equal(found[0]!.code, "DK2202");
  }
  assert.deepEqual(validateComposeShape({}), []);
});

Deno.test("cyclic values (YAML aliases) do not make validation throw", () => {
  const port: Record<string, unknown> = { target: 80 };
  port["x-self"] = port;
  const tree = { services: { web: { image: "x", ports: [port, port] } } };
  assert.deepEqual(validateComposeShape(tree), []);
  const cyclic: Record<string, unknown> = {};
  cyclic["self"] = cyclic;
  const bad = { services: { web: { image: "x", cgroup: cyclic, ports: [cyclic] } } };
  assert.deepEqual(
    validateComposeShape(bad).map((i) => [formatPath(i.path), i.code, i.args.value]),
    [
      ["services.web.cgroup", "DK2203", "a mapping"],
      ["services.web.ports[0].self", "DK2201", undefined],
    ],
  );
});

Deno.test("didYouMean picks the closest candidate, case-insensitively, or nothing", () => {
  const keys = SERVICE_KEYS;
  assert.equal(didYouMean("imgae", keys), "image");
  assert.equal(didYouMean("enviroment", keys), "environment");
  assert.equal(didYouMean("Image", keys), "image");
  assert.equal(didYouMean("dependson", keys), "depends_on");
  assert.equal(didYouMean("port", keys), "ports");
  assert.equal(didYouMean("volume", keys), "volumes");
  assert.equal(didYouMean("restrat", keys), "restart");
  assert.equal(didYouMean("xyz", keys), undefined);
  assert.equal(didYouMean("completely_unrelated", keys), undefined);
  assert.equal(didYouMean("ab", ["ac", "ab"]), "ab");
  assert.equal(didYouMean("ax", ["ay", "az"]), "ay"); // tie: alphabetical
  assert.equal(didYouMean("ax", ["az", "ay"]), "ay");
  assert.equal(didYouMean("x", []), undefined);
});

Deno.test("SERVICE_KEYS is sorted, unique and equals the zod service model's keys", () => {
  assert.deepEqual([...SERVICE_KEYS], [...SERVICE_KEYS].sort());
  assert.equal(new Set(SERVICE_KEYS).size, SERVICE_KEYS.length);
  assert.deepEqual([...SERVICE_KEYS], [...buildComposeSchema().serviceKeys]);
  for (const key of ["image", "build", "deploy", "use_api_socket", "provider", "models"]) {
    assert.ok(SERVICE_KEYS.includes(key), key);
  }
  for (const removed of ["net", "log_driver", "volume_driver", "dockerfile"]) {
    assert.ok(!SERVICE_KEYS.includes(removed), removed);
  }
});

Deno.test("the schema is built once and cached", () => {
  assert.equal(buildComposeSchema(), buildComposeSchema());
});

Deno.test("composeJsonSchema is deterministic and describes the model", () => {
  const first = JSON.stringify(composeJsonSchema());
  assert.equal(JSON.stringify(composeJsonSchema()), first);
  const schema = JSON.parse(first);
  assert.equal(schema.$schema, "http://json-schema.org/draft-07/schema#");
  assert.deepEqual(Object.keys(schema.properties), [
    "version",
    "name",
    "include",
    "services",
    "models",
    "networks",
    "volumes",
    "secrets",
    "configs",
  ]);
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(schema.patternProperties, { "^x-": {} });
  const service = schema.definitions.service;
  assert.deepEqual(Object.keys(service.properties).sort(), [...SERVICE_KEYS]);
  assert.equal(service.additionalProperties, false);
  assert.deepEqual(schema.properties.services.propertyNames, {
    type: "string",
    pattern: "^[a-zA-Z0-9._-]+$",
  });
  assert.equal(schema.definitions.list_of_strings.uniqueItems, true);
  assert.ok(!first.includes("/work/"), "no absolute paths");
});

Deno.test("schemaDiagnostic renders message, path and the issue's hint", () => {
  const [issue] = issues("services: { web: { imgae: nginx } }");
  assert.ok(issue !== undefined);
  const d = schemaDiagnostic(issue, { span: { file: "compose.yaml", line: 3, column: 5 } });
  assert.equal(d.code, "DK2201");
  assert.equal(d.message, 'Unknown key "imgae" in service "web"');
  assert.equal(d.hint, 'Did you mean "image"?');
  assert.equal(d.path, "services.web.imgae");
  assert.deepEqual(d.span, { file: "compose.yaml", line: 3, column: 5 });
  const [plain] = issues("services: { web: { image: [x] } }");
  assert.equal(schemaDiagnostic(plain!).hint, undefined);
  assert.equal(codeDef("DK2201").hint, undefined);
});

Deno.test("every code produced by the schema is registered", () => {
  const all = issues(`
foo: 1
services:
  "a b": { image: [x], cap_add: [A, A], cgroup: x, cpu_percent: 200, environment: { "": 1 } }
  c: { image: x, depends_on: { d: {} } }
`);
  const codes = [...new Set(all.map((i) => i.code))].sort();
  assert.deepEqual(codes, [
    "DK2201",
    "DK2202",
    "DK2203",
    "DK2204",
    "DK2205",
    "DK2206",
    "DK2207",
    "DK2208",
  ]);
  for (const i of all) {
    const message = diag(i.code, i.args).message;
    assert.ok(!/\{[a-z]+\}/.test(message), `unfilled placeholder in ${message}`);
  }
});

Deno.test("a large file validates quickly", () => {
  const services: Record<string, unknown> = {};
  for (let i = 0; i < 500; i++) {
    services[`svc${i}`] = {
      image: `app:${i}`,
      environment: { A: "1", B: 2 },
      ports: [`${8000 + i}:80`],
      depends_on: i > 0 ? [`svc${i - 1}`] : [],
      deploy: { replicas: 2, resources: { limits: { memory: "128m" } } },
    };
  }
  const started = performance.now();
  assert.deepEqual(validateComposeShape({ services }), []);
  assert.ok(performance.now() - started < 3000);
});
