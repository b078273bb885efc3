import assert from "node:assert/strict";
import { transformToStack } from "../src/stack/mod.ts";
import type { ComposeModel } from "../src/compose/types.ts";
import { loaded, PROJECT_DIR } from "./support/stack_project.ts";

function warnings(svc: Record<string, unknown>, options: { strict?: boolean } = {}) {
  const model = { name: "shop", services: { web: { image: "app", ...svc } } } as ComposeModel;
  const r = transformToStack(loaded(model), options);
  return { r, list: r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`) };
}

Deno.test("security: privileged", () => {
  const { list, r } = warnings({ privileged: true });
  assert.deepEqual(list, ["warning DK4050 services.web.privileged"]);
  assert.match(r.diagnostics[0]!.message, /privileged.*root on the Dokku host/);
  assert.deepEqual(warnings({ privileged: false }).list, []);
});

Deno.test("security: cap_add lists the capabilities, sorted", () => {
  const { list, r } = warnings({ cap_add: ["SYS_ADMIN", "NET_ADMIN"] });
  assert.deepEqual(list, ["warning DK4051 services.web.cap_add"]);
  assert.match(r.diagnostics[0]!.message, /'NET_ADMIN', 'SYS_ADMIN'/);
});

Deno.test("security: network_mode host, pid host, ipc host", () => {
  assert.deepEqual(warnings({ network_mode: "host" }).list, [
    "warning DK4052 services.web.network_mode",
  ]);
  assert.deepEqual(warnings({ pid: "host" }).list, ["warning DK4053 services.web.pid"]);
  assert.deepEqual(warnings({ ipc: "host" }).list, ["warning DK4054 services.web.ipc"]);
});

Deno.test("security: docker socket mounts", () => {
  const { list, r } = warnings({
    volumes: [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock" }],
  });
  assert.deepEqual(list, ["warning DK4055 services.web.volumes.0"]);
  assert.equal(r.stack!.storage[0]!.hostPath, "/var/run/docker.sock");
});

Deno.test("security: host paths outside Dokku's storage directory", () => {
  const { list } = warnings({
    volumes: [
      { type: "bind", source: "/srv/data", target: "/data" },
      { type: "bind", source: "/var/lib/dokku/data/storage/shop", target: "/ok" },
    ],
  });
  assert.deepEqual(list, ["warning DK4040 services.web.volumes.0"]);
});

Deno.test("security: strict mode turns every lint into an error and gives no Stack", () => {
  const { r, list } = warnings({ privileged: true, pid: "host" }, { strict: true });
  assert.equal(r.stack, undefined);
  assert.deepEqual(list, ["error DK4050 services.web.privileged", "error DK4053 services.web.pid"]);
});

Deno.test("security: project binds never put the absolute project path into the Stack", () => {
  const { r } = warnings({
    volumes: [{
      type: "bind",
      source: `${PROJECT_DIR}/config`,
      target: "/config",
      read_only: true,
    }],
    build: { context: `${PROJECT_DIR}/web`, dockerfile: "Dockerfile.prod" },
  });
  assert.ok(r.stack);
  const json = JSON.stringify(r.stack);
  assert.ok(!json.includes(PROJECT_DIR), json);
  assert.deepEqual(r.stack.storage.map((s) => [s.key, s.name, s.hostPath]), [
    ["./config", "shop-config", undefined],
  ]);
  const deploy = r.stack.apps[0]!.deploy;
  assert.equal(deploy.kind, "build");
  if (deploy.kind === "build") {
    assert.equal(deploy.context, "web");
    assert.equal(deploy.dockerfile, "Dockerfile.prod");
  }
});
