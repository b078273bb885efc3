/**
 * Loader behaviour found by running real-world compose files (self-hosting stacks, legacy
 * version 2 files, READMEs): compose-go's canonical forms for keys those files use, the typical
 * mistakes people make and the messages they get, and a mutation fuzz that must never throw.
 * Rendered messages are pinned by the `fixtures/load/real-*` and `bad-*` golden files; these
 * tests assert codes, spans and values.
 */
import assert from "node:assert/strict";
import { type LoaderFs, type LoadOptions, loadProject } from "../src/compose/mod.ts";
import { type Diagnostic, renderText } from "../src/diagnostics/mod.ts";

function memoryFs(files: Readonly<Record<string, string>>): LoaderFs {
  return {
    readFile: (path) =>
      files[path] === undefined
        ? { ok: false, reason: "not-found", detail: "no such file" }
        : { ok: true, text: files[path] },
    exists: (path) => files[path] !== undefined,
  };
}

function load(
  text: string,
  options: Partial<LoadOptions> & { more?: Record<string, string> } = {},
) {
  const { more = {}, ...rest } = options;
  return loadProject({
    cwd: "/p",
    env: {},
    files: ["compose.yaml"],
    fs: memoryFs({ "/p/compose.yaml": text, ...more }),
    ...rest,
  });
}

function errors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === "error");
}

function at(d: Diagnostic | undefined): string {
  return d?.span === undefined ? "(none)" : `${d.span.line}:${d.span.column}`;
}

// --- canonical forms ---------------------------------------------------------------------------

Deno.test("empty strings from unset variables are omitted like compose-go's omitempty", () => {
  const r = load(
    "services:\n  a:\n    image: x\n    platform: ${P:-}\n    user: ${U:-}\n" +
      "    hostname: ''\n    restart: ${R:-}\n    working_dir: /srv\n",
  );
  assert.deepEqual(errors(r.diagnostics), []);
  const a = r.project!.model.services["a"]!;
  for (const key of ["platform", "user", "hostname", "restart"]) {
    assert.equal(Object.hasOwn(a, key), false, key);
  }
  assert.equal(a["working_dir"], "/srv");
});

Deno.test("an empty image is no image: DK2601 at the image, with a hint about the variable", () => {
  const r = load("services:\n  a:\n    image: ${IMG}\n  b:\n    image: y\n");
  const [d] = errors(r.diagnostics);
  assert.equal(d?.code, "DK2601");
  assert.equal(at(d), "3:12");
  assert.match(d?.hint ?? "", /empty/);
  assert.equal(r.project, undefined);
});

Deno.test("an override that empties the image clears it (merge first, then omit)", () => {
  const r = load("services:\n  a:\n    image: x\n", {
    files: ["compose.yaml", "over.yaml"],
    more: { "/p/over.yaml": "services:\n  a:\n    image: ${NONE:-}\n" },
  });
  assert.deepEqual(errors(r.diagnostics).map((d) => d.code), ["DK2601"]);
});

Deno.test("dns drops empty entries, and disappears when nothing is left", () => {
  const r = load(
    "services:\n  a:\n    image: x\n    dns: ['${D1:-}', 1.1.1.1]\n  b:\n    image: x\n" +
      "    dns: ${D2:-}\n",
  );
  assert.deepEqual(errors(r.diagnostics), []);
  assert.deepEqual(r.project!.model.services["a"]!["dns"], ["1.1.1.1"]);
  assert.equal(Object.hasOwn(r.project!.model.services["b"]!, "dns"), false);
});

Deno.test("extra_hosts: list and map forms become sorted HOST=IP entries", () => {
  const r = load(
    "services:\n  a:\n    image: x\n    extra_hosts:\n      - 'z.local:host-gateway'\n" +
      "      - 'b=10.0.0.1,10.0.0.2'\n      - 'v6:::1'\n      - 'br=[fd00::1]'\n" +
      "  b:\n    image: x\n    extra_hosts: {m: [10.1.0.2, 10.1.0.1], g: 172.17.0.1}\n",
    {
      files: ["compose.yaml", "over.yaml"],
      more: {
        "/p/over.yaml": "services:\n  a:\n    extra_hosts: ['a.local=1.2.3.4']\n",
      },
    },
  );
  assert.deepEqual(errors(r.diagnostics), []);
  const s = r.project!.model.services;
  assert.deepEqual(s["a"]!["extra_hosts"], [
    "a.local=1.2.3.4",
    "b=10.0.0.1",
    "b=10.0.0.2",
    "br=fd00::1",
    "v6=::1",
    "z.local=host-gateway",
  ]);
  assert.deepEqual(s["b"]!["extra_hosts"], ["g=172.17.0.1", "m=10.1.0.1", "m=10.1.0.2"]);
});

Deno.test("extra_hosts: a missing address or a bad host name is DK2307 at the entry", () => {
  const r = load("services:\n  a:\n    image: x\n    extra_hosts: [nohost, '=1.2.3.4']\n");
  const found = errors(r.diagnostics);
  assert.deepEqual(found.map((d) => [d.code, at(d)]), [["DK2307", "4:19"], ["DK2307", "4:27"]]);
  assert.match(found[0]!.message, /missing IP address/);
  assert.match(found[1]!.message, /bad host name ""/);
});

Deno.test("logging options and driver_opts are strings (compose-go Options)", () => {
  const r = load(
    "services:\n  a:\n    image: x\n    logging:\n      options: {max-file: 3, tag: null}\n" +
      "    networks:\n      n:\n        driver_opts: {mtu: 1450}\nnetworks:\n  n:\n" +
      "    driver_opts: {mtu: 1500}\nvolumes:\n  v:\n    driver_opts: {size: 10}\n",
  );
  assert.deepEqual(errors(r.diagnostics), []);
  const m = r.project!.model;
  assert.deepEqual(m.services["a"]!["logging"], { options: { "max-file": "3", tag: "" } });
  assert.deepEqual(m.services["a"]!.networks!["n"], { driver_opts: { mtu: "1450" } });
  assert.deepEqual(m.networks!["n"]!["driver_opts"], { mtu: "1500" });
  assert.deepEqual(m.volumes!["v"]!["driver_opts"], { size: "10" });
});

Deno.test("devices: short syntax becomes {source, target, permissions}; bad ones are DK2308", () => {
  const ok = load("services:\n  a:\n    image: x\n    devices: [/dev/a, '/dev/b:/dev/c:r']\n");
  assert.deepEqual(ok.project!.model.services["a"]!["devices"], [
    { source: "/dev/a", target: "/dev/a", permissions: "rwm" },
    { source: "/dev/b", target: "/dev/c", permissions: "r" },
  ]);
  const bad = load("services:\n  a:\n    image: x\n    devices: ['a:b:c:d']\n");
  assert.deepEqual(errors(bad.diagnostics).map((d) => [d.code, at(d)]), [["DK2308", "4:15"]]);
});

Deno.test("long-syntax ports: empty published is unpublished; junk and bad targets are DK2301", () => {
  const ok = load(
    "services:\n  a:\n    image: x\n    ports:\n      - {target: 80, published: ''}\n",
  );
  assert.deepEqual(ok.project!.model.services["a"]!.ports, [
    { target: 80, protocol: "tcp", mode: "ingress" },
  ]);
  const bad = load(
    "services:\n  a:\n    image: x\n    ports:\n      - target: 80\n        published: web\n" +
      "      - target: 0\n",
  );
  assert.deepEqual(errors(bad.diagnostics).map((d) => [d.code, at(d)]), [
    ["DK2301", "6:20"],
    ["DK2301", "7:17"],
  ]);
});

// --- typical mistakes ----------------------------------------------------------------------

Deno.test("YAML mistakes point at the offending character with a specific hint", () => {
  const cases: [string, string, RegExp][] = [
    ["services:\n  a:\n\timage: x\n", "3:1", /spaces/],
    ["services:\n  a:\n    image: x\n   ports: []\n", "4:4", /Align this key/],
    ["services:\n  a:\n    image: x\n    command: echo a: b\n", "4:20", /command: "echo a: b"/],
    ["services:\n  a:\n    ports:\n      - 1\n     - 2\n", "5:6", /list item/],
    ["services:\n  a: [1, 2\n  b: 3\n", "3:3", /Close the "\["/],
  ];
  for (const [text, where, hint] of cases) {
    const d = errors(load(text).diagnostics)[0];
    assert.equal(d?.code, "DK1001", text);
    assert.equal(at(d), where, text);
    assert.match(d?.hint ?? "", hint, text);
    assert.match(d?.message ?? "", /^Invalid YAML: [a-z]/, "sentence case after the colon");
  }
});

Deno.test("a file that is not compose gets one DK2005, not an error per key", () => {
  const k8s = load("apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {}\n");
  assert.deepEqual(k8s.diagnostics.map((d) => d.code), ["DK2005"]);
  assert.match(k8s.diagnostics[0]!.message, /Kubernetes manifest \(kind "Service"\)/);
  const npm = load('{"name": "x", "version": "1.0.0", "dependencies": {}}');
  assert.deepEqual(npm.diagnostics.map((d) => d.code), ["DK2005"]);
  assert.match(npm.diagnostics[0]!.message, /package\.json/);
  const gha = load("name: ci\non: [push]\njobs: {}\n");
  assert.deepEqual(gha.diagnostics.map((d) => d.code), ["DK2005"]);
  // A typo of a section, the version 1 layout and an extensions-only file stay schema matters.
  assert.deepEqual(load("service:\n  a: {image: x}\n").diagnostics.map((d) => d.code), [
    "DK2201",
  ]);
  const v1 = load("web:\n  image: x\n");
  assert.deepEqual(v1.diagnostics.map((d) => d.code), ["DK2201"]);
  assert.match(v1.diagnostics[0]!.hint ?? "", /version 1 layout/);
  assert.deepEqual(errors(load("name: x\nx-a: 1\n").diagnostics), []);
});

Deno.test("wrong types suggest the fix: a one-item list, a quoted string", () => {
  const r = load("services:\n  a:\n    image: x\n    ports: '80:80'\n    user: 1000\n");
  const hints = errors(r.diagnostics).map((d) => d.hint);
  assert.deepEqual(hints, [
    'Write a list, even for one entry: ["80:80"]',
    'Quote the value: "1000"',
  ]);
});

Deno.test("undefined references suggest the closest defined name", () => {
  const r = load(
    "services:\n  web:\n    image: x\n    networks: [frontend]\n    depends_on: [dbb]\n" +
      "    volumes: ['pgdata:/d']\n    secrets: [tokn]\n  db:\n    image: x\n" +
      "networks:\n  front-end: {}\nvolumes:\n  pg-data: {}\nsecrets:\n  token: {file: ./t}\n",
  );
  const hints = Object.fromEntries(errors(r.diagnostics).map((d) => [d.code, d.hint]));
  assert.deepEqual(hints, {
    DK2603: 'Did you mean "front-end"?',
    DK2604: 'Did you mean "pg-data"?',
    DK2605: 'Did you mean "token"?',
    DK2607: 'Did you mean "db"?',
  });
  // Nothing close: the registry's generic hint stays.
  const far = load(
    "services:\n  web:\n    image: x\n    networks: [zzz]\nnetworks:\n  front: {}\n",
  );
  assert.match(errors(far.diagnostics)[0]?.hint ?? "", /top-level networks/);
});

Deno.test("leading-zero numbers are read as compose reads them, with a warning", () => {
  const r = load(
    "x-a: &z 010\nservices:\n  a:\n    image: x\n    environment:\n      UMASK: 022\n" +
      "      ZIP: 08\n      Q: '022'\n      Z: 0\n      M: *z\n",
  );
  const warnings = r.diagnostics.filter((d) => d.code === "DK1010");
  // One per scalar as written (the alias does not warn again).
  assert.deepEqual(warnings.map((d) => at(d)), ["1:9", "6:14", "7:12"]);
  assert.equal(
    warnings[1]!.message,
    "Number 022 has a leading zero: compose reads it as octal, 18",
  );
  assert.deepEqual(r.project!.model.services["a"]!.environment, {
    UMASK: "18",
    ZIP: "8",
    Q: "022",
    Z: "0",
    M: "8",
  });
});

Deno.test("extends of a misspelled service suggests the closest one", () => {
  const r = load("services:\n  base:\n    image: x\n  web:\n    extends: bse\n");
  const d = errors(r.diagnostics)[0]!;
  assert.deepEqual([d.code, at(d), d.hint], ["DK2402", "5:14", 'Did you mean "base"?']);
});

Deno.test("a dependency cycle locates every edge", () => {
  const r = load(
    "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n" +
      "    depends_on: [c]\n  c:\n    image: x\n    depends_on: [a]\n",
  );
  const d = errors(r.diagnostics)[0]!;
  assert.equal(d.code, "DK2608");
  assert.equal(at(d), "4:18");
  assert.deepEqual(d.related?.map((x) => [x.message, `${x.span.line}:${x.span.column}`]), [
    ['"b" depends on "c" here', "7:18"],
    ['"c" depends on "a" here', "10:18"],
  ]);
});

Deno.test("a string command with && or > is refused at the operator, with a shell hint", () => {
  const r = load(
    "services:\n  a:\n    image: x\n    command: npm ci && npm start\n" +
      '    entrypoint: "sh -c echo hi > /tmp/x"\n',
  );
  const found = errors(r.diagnostics);
  assert.deepEqual(found.map((d) => [d.code, at(d)]), [["DK2130", "4:21"], ["DK2130", "5:32"]]);
  assert.match(found[0]!.message, /operator "&&"/);
  assert.equal(
    found[0]!.hint,
    'Run it through a shell with the list form: ["sh", "-c", "npm ci && npm start"]',
  );
  assert.equal(
    found[1]!.hint,
    'Run it through a shell with the list form: ["sh", "-c", "echo hi > /tmp/x"]',
  );
});

Deno.test("a duplicate key notes where the key was first defined", () => {
  const d = errors(load("services:\n  a:\n    image: x\n    image: y\n").diagnostics)[0]!;
  assert.equal(d.code, "DK1002");
  assert.deepEqual(d.related?.map((x) => `${x.span.line}:${x.span.column}`), ["3:5"]);
});

Deno.test("list entries written as mappings, and services as a list, get a fix", () => {
  const env = load("services:\n  a:\n    image: x\n    environment:\n      - USER: app\n");
  assert.equal(errors(env.diagnostics)[0]?.hint?.startsWith('Write "USER=app"'), true);
  const list = load("services:\n  - a:\n      image: x\n");
  assert.match(errors(list.diagnostics)[0]?.hint ?? "", /remove the "- "/);
});

Deno.test("a dependency on a profile-disabled service says so and names the profile", () => {
  const r = load(
    "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n" +
      "    profiles: [dev, debug]\n",
  );
  const d = errors(r.diagnostics)[0]!;
  assert.equal(d.code, "DK2607");
  assert.match(d.message, /depends on disabled service "b"/);
  assert.match(d.hint ?? "", /profile "debug" or "dev"; activate it with --profile debug/);
});

Deno.test("GPU requests without a count ask for all of them", () => {
  const r = load(
    "services:\n  a:\n    image: x\n    gpus: all\n    deploy:\n      resources:\n" +
      "        reservations:\n          devices:\n            - capabilities: [gpu]\n" +
      "            - {capabilities: [gpu], device_ids: ['0']}\n",
  );
  assert.deepEqual(errors(r.diagnostics), []);
  const a = r.project!.model.services["a"]!;
  assert.deepEqual(a["gpus"], [{ count: "all" }]);
  const deploy = a.deploy as { resources: { reservations: { devices: unknown[] } } };
  assert.deepEqual(deploy.resources.reservations.devices, [
    { capabilities: ["gpu"], count: "all" },
    { capabilities: ["gpu"], device_ids: ["0"] },
  ]);
});

Deno.test("a missing include target is located at the include entry", () => {
  const r = load("include:\n  - sub/compose.yaml\nservices:\n  a:\n    image: x\n");
  const d = errors(r.diagnostics)[0]!;
  assert.equal(d.code, "DK0001");
  assert.equal(at(d), "2:5");
});

// --- robustness ------------------------------------------------------------------------------

const FIXTURES = new URL("../fixtures/load/", import.meta.url);

/** Deterministic pseudo-random numbers (the fuzz must be reproducible). */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const TOKENS = [
  ":",
  "- ",
  "[",
  "]",
  "{",
  "}",
  "*a",
  "&a ",
  "!reset ",
  "!override ",
  "${",
  "${X:-",
  "$",
  "\t",
  "\n",
  "'",
  '"',
  "<<: *a\n",
  "#",
  "0440",
  "~",
  "null",
  "yes",
  "-1",
  "99999999999",
  "\\",
  "%",
  "@",
  "`",
  "|",
  ">",
  "---\n",
  "? ",
  ",",
  "=",
  "service:",
  "x-",
  "9999999:80",
  "[::1]:80:80",
  "=x",
  "host:",
];

function mutate(text: string, rand: () => number): string {
  let t = text;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
    const pos = Math.floor(rand() * (t.length + 1));
    const r = rand();
    if (r < 0.4) t = t.slice(0, pos) + pick(TOKENS) + t.slice(pos);
    else if (r < 0.7) t = t.slice(0, pos) + t.slice(pos + 1 + Math.floor(rand() * 6));
    else {
      const lines = t.split("\n");
      const i = Math.floor(rand() * lines.length);
      lines[i] = (rand() < 0.5 ? " " : "") + lines[i]!.replace(/^ {1,2}/, "");
      t = lines.join("\n");
    }
  }
  return t;
}

Deno.test("fuzz: mutated real-world shapes never throw, and every problem is located", () => {
  const sources = [...Deno.readDirSync(FIXTURES)]
    .filter((e) => e.isDirectory)
    .map((e) => e.name)
    .sort()
    .map((name) => Deno.readTextFileSync(new URL(`${name}/compose.yaml`, FIXTURES)));
  const rand = lcg(20261122);
  let loaded = 0;
  for (let i = 0; i < 600; i++) {
    const text = mutate(sources[i % sources.length]!, rand);
    const r = load(text, { env: { HOME: "/home/u", HEALTH_RETRIES: "3" } });
    renderText(r.diagnostics, { sources: r.sources });
    for (const d of r.diagnostics) {
      assert.ok(d.span !== undefined, `unlocated ${d.code} for input:\n${text}`);
    }
    if (r.project !== undefined) loaded++;
  }
  assert.ok(loaded > 0, "some mutations still load");
});
