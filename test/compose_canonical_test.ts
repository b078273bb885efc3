/** The canonicalization table and the merge rules, through small in-memory projects. */
import assert from "node:assert/strict";
import { type LoaderFs, loadProject, type ServiceConfig } from "../src/compose/mod.ts";

function fs(files: Record<string, string>): LoaderFs {
  return {
    readFile: (path) =>
      files[path] === undefined
        ? { ok: false, reason: "not-found", detail: "no such file" }
        : { ok: true, text: files[path]! },
    exists: (path) => files[path] !== undefined,
  };
}

function service(yaml: string, env: Record<string, string> = {}): ServiceConfig {
  const r = loadProject({
    cwd: "/p",
    env,
    files: ["compose.yaml"],
    fs: fs({ "/p/compose.yaml": `services:\n  s:\n    image: x\n${yaml}volumes: {data: {}}\n` }),
  });
  assert.equal(r.project === undefined, false, JSON.stringify(r.diagnostics));
  return r.project!.model.services["s"]!;
}

function merged(a: string, b: string): ServiceConfig {
  const r = loadProject({
    cwd: "/p",
    env: {},
    files: ["a.yaml", "b.yaml"],
    fs: fs({
      "/p/a.yaml": `services:\n  s:\n    image: x\n${a}`,
      "/p/b.yaml": `services:\n  s:\n${b}`,
    }),
  });
  assert.equal(r.project === undefined, false, JSON.stringify(r.diagnostics));
  return r.project!.model.services["s"]!;
}

Deno.test("ports: interpolation before expansion, ranges, IPv6, long syntax", () => {
  const s = service(
    "    ports:\n      - ${IP}:${P}:80\n      - 9090-9091:8080-8081/udp\n      - '[::1]:53:53'\n" +
      "      - {target: 443, published: 8443, host_ip: 0.0.0.0}\n",
    { IP: "10.0.0.1", P: "8080" },
  );
  assert.deepEqual(s.ports, [
    { target: 80, published: "8080", host_ip: "10.0.0.1", protocol: "tcp", mode: "ingress" },
    { target: 8080, published: "9090", protocol: "udp", mode: "ingress" },
    { target: 8081, published: "9091", protocol: "udp", mode: "ingress" },
    { target: 53, published: "53", host_ip: "::1", protocol: "tcp", mode: "ingress" },
    { target: 443, published: "8443", host_ip: "0.0.0.0", protocol: "tcp", mode: "ingress" },
  ]);
});

Deno.test("volumes: named, bind with options, anonymous, tmpfs long form, ~ expansion", () => {
  const s = service(
    "    volumes:\n      - data:/d:ro,nocopy\n      - ~/x:/x:rslave\n      - /anon/\n" +
      "      - {type: tmpfs, target: /t, tmpfs: {size: 1k}}\n",
    { HOME: "/home/me" },
  );
  assert.deepEqual(s.volumes, [
    { type: "volume", source: "data", target: "/d", read_only: true, volume: { nocopy: true } },
    {
      type: "bind",
      source: "/home/me/x",
      target: "/x",
      bind: { create_host_path: true, propagation: "rslave" },
    },
    { type: "volume", target: "/anon" },
    { type: "tmpfs", target: "/t", tmpfs: { size: "1024" } },
  ]);
});

Deno.test("environment, labels, command, healthcheck, sizes", () => {
  const s = service(
    "    environment: [A=1, B, C=x=y]\n    labels: [flag, k=v]\n    command: sh -c 'echo \"a b\"'\n" +
      "    entrypoint: ''\n    healthcheck: {test: 'true', interval: 1h5m30s20ms}\n" +
      "    mem_limit: 1.5g\n    cpus: '0.25'\n    stop_grace_period: 90s\n",
    { B: "from-env" },
  );
  assert.deepEqual(s.environment, { A: "1", B: "from-env", C: "x=y" });
  assert.deepEqual(s.labels, { flag: "", k: "v" });
  assert.deepEqual(s.command, ["sh", "-c", 'echo "a b"']);
  assert.deepEqual(s.entrypoint, []);
  assert.deepEqual(s.healthcheck, { test: ["CMD-SHELL", "true"], interval: "1h5m30.02s" });
  assert.equal(s.mem_limit, "1610612736");
  assert.equal(s.cpus, 0.25);
  assert.equal(s["stop_grace_period"], "1m30s");
});

Deno.test("merge: replace command, dedupe ports, volumes by target in place, env by key", () => {
  const s = merged(
    "    command: [a]\n    ports: ['80:80']\n    volumes: ['./a:/a', './b:/b']\n" +
      "    environment: [A=1, B=2]\n    cap_add: [X]\n",
    "    command: [b]\n    ports: ['80:80', '443:443']\n    volumes: ['./c:/a']\n" +
      "    environment: {B: '3'}\n    cap_add: [X, Y]\n",
  );
  assert.deepEqual(s.command, ["b"]);
  assert.deepEqual(s.ports?.map((p) => p.published), ["80", "443"]);
  assert.deepEqual(s.volumes?.map((v) => [v.source, v.target]), [["/p/c", "/a"], ["/p/b", "/b"]]);
  assert.deepEqual(s.environment, { A: "1", B: "3" });
  assert.deepEqual(s["cap_add"], ["X", "Y"]);
});

Deno.test("merge: logging replaced when the driver changes, build string + mapping", () => {
  const s = merged(
    "    build: ./app\n    logging: {driver: syslog, options: {a: '1'}}\n",
    "    build: {dockerfile: D}\n    logging: {driver: json-file, options: {b: '2'}}\n",
  );
  assert.deepEqual(s.build, { context: "/p/app", dockerfile: "D" });
  assert.deepEqual(s["logging"], { driver: "json-file", options: { b: "2" } });
});
