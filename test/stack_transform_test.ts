import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { inputChecksum, type Stack, stackToJson, transformToStack } from "../src/stack/mod.ts";
import { stackSchema } from "../src/stack/schema.ts";
import { loadProject } from "../src/compose/mod.ts";
import type { ComposeModel } from "../src/compose/types.ts";
import { sha256Hex } from "../src/hash/mod.ts";
import { loaded, shopModel, shuffled } from "./support/stack_project.ts";

const started = { condition: "service_started", required: true };

function compile(model: ComposeModel, sourcesModel: unknown = model): Stack {
  const r = transformToStack(loaded(model, { sourcesModel }));
  assert.ok(r.stack, JSON.stringify(r.diagnostics, null, 2));
  return r.stack;
}

Deno.test("transform: the shop project matches its golden Stack (UPDATE_GOLDEN=1 rewrites it)", async () => {
  const json = stackToJson(compile(shopModel()));
  const url = new URL("./golden/stack_shop.json", import.meta.url);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(url, json);
  assert.equal(json, await Deno.readTextFile(url));
});

Deno.test("transform: shuffled key order gives byte-identical Stack JSON", () => {
  const model = shopModel();
  const a = stackToJson(compile(model));
  for (const seed of [1, 2, 3, 42]) {
    assert.equal(stackToJson(compile(shuffled(model, seed), model)), a, `seed ${seed}`);
  }
});

Deno.test("transform: the Stack validates against its zod schema; the JSON Schema builds", async () => {
  const stack = compile(shopModel());
  const parsed = stackSchema().safeParse(JSON.parse(stackToJson(stack)));
  assert.ok(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues));
  const { stackJsonSchema } = await import("../src/stack/schema.ts");
  const schema = stackJsonSchema() as { type: string; properties: Record<string, unknown> };
  assert.equal(schema.type, "object");
  assert.ok("apps" in schema.properties);
  assert.equal(stackJsonSchema(), schema);
});

Deno.test("transform: the shop Stack's key decisions", () => {
  const stack = compile(shopModel());
  assert.deepEqual(stack.levels.map((l) => l.services), [
    ["analytics", "db", "redis"],
    ["api", "worker"],
    ["web"],
  ]);
  assert.deepEqual(stack.links.map((l) => `${l.app}:${l.alias}`), [
    "shop-api:REDIS",
    "shop-web:ANALYTICS",
    "shop-web:DATABASE",
    "shop-web:REDIS",
    "shop-worker:DATABASE",
    "shop-worker:REDIS",
  ]);
  const web = stack.apps.find((a) => a.service === "web")!;
  assert.deepEqual(web.config.map((c) => `${c.key}=${c.value}`), [
    "API_BASE=http://shop-api.web:4000/v1",
    "NODE_ENV=production",
    "REDIS_HOST=dokku-redis-shop-redis",
  ]);
  assert.deepEqual(web.secretConfig.map((s) => `${s.key}<-${s.secret}`), [
    "SESSION_SECRET<-SESSION_SECRET",
    "STRIPE_KEY<-stripe_key",
  ]);
  assert.deepEqual(stack.secrets, ["SESSION_SECRET", "stripe_key"]);
  assert.deepEqual(stack.storage.map((s) => s.name), ["shop-uploads"]);
  assert.ok(!stackToJson(stack).includes("dev-session"));
  assert.ok(!stackToJson(stack).includes("/home/dev"));
});

Deno.test("transform: inputChecksum is sha256 over sorted path NUL text NUL", () => {
  const inputs = [
    { path: "compose.yaml", text: "services: {}\n" },
    { path: ".env", text: "A=1\n" },
  ];
  const expected = createHash("sha256").update(".env\0A=1\n\0compose.yaml\0services: {}\n\0")
    .digest("hex");
  assert.equal(inputChecksum(inputs), `sha256:${expected}`);
  assert.equal(inputChecksum([...inputs].reverse()), `sha256:${expected}`);
  assert.notEqual(
    inputChecksum([{ path: "a", text: "bc" }]),
    inputChecksum([{ path: "ab", text: "c" }]),
  );
  const stack = compile(shopModel());
  assert.match(stack.inputChecksum, /^sha256:[0-9a-f]{64}$/);
});

Deno.test("transform: the pure sha256 agrees with node:crypto", () => {
  const enc = new TextEncoder();
  for (
    const text of ["", "abc", "a".repeat(55), "a".repeat(56), "a".repeat(64), "é€😀".repeat(50)]
  ) {
    const bytes = enc.encode(text);
    assert.equal(
      sha256Hex(bytes),
      createHash("sha256").update(bytes).digest("hex"),
      text.slice(0, 10),
    );
  }
});

Deno.test("transform: a cycle stops the transform with DK3001", () => {
  const model = {
    name: "p",
    services: {
      a: { image: "x", depends_on: { b: started } },
      b: { image: "x", depends_on: { a: started } },
    },
  } as ComposeModel;
  const r = transformToStack(loaded(model));
  assert.equal(r.stack, undefined);
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.message]), [
    ["DK3001", "Services depend on each other in a cycle: a -> b -> a"],
  ]);
});

Deno.test("transform: works on the loader's output for a real compose file", () => {
  const files: Record<string, string> = {
    "/proj/compose.yaml": [
      "name: demo",
      "services:",
      "  web:",
      "    image: nginx:1.27",
      "    ports: ['8080:80']",
      "    environment:",
      "      DATABASE_URL: postgres://u:p@db:5432/app",
      "    depends_on: [db]",
      "    privileged: true",
      "  db:",
      "    image: postgres:16",
      "",
    ].join("\n"),
  };
  const loadedProject = loadProject({
    cwd: "/proj",
    env: {},
    fs: {
      readFile: (p) =>
        p in files ? { ok: true, text: files[p]! } : { ok: false, reason: "not-found", detail: p },
      exists: (p) => p in files || p === "/proj",
      isDirectory: (p) => p === "/proj",
    },
  });
  assert.ok(loadedProject.project, JSON.stringify(loadedProject.diagnostics));
  const r = transformToStack(loadedProject.project);
  assert.ok(r.stack, JSON.stringify(r.diagnostics));
  assert.deepEqual(r.stack.links.map((l) => `${l.app}:${l.datastore}:${l.alias}`), [
    "demo-web:demo-db:DATABASE",
  ]);
  assert.deepEqual(r.stack.apps[0]!.ports.map((p) => `${p.scheme}:${p.host}:${p.container}`), [
    "http:8080:80",
  ]);
  const lint = r.diagnostics.find((d) => d.code === "DK4050")!;
  assert.deepEqual([lint.span?.file, lint.span?.line], ["compose.yaml", 9]);
});

Deno.test("transform: host references cost one listing of the services, not one per service", () => {
  const name = (i: number) => `svc-${String(i).padStart(4, "0")}`;
  const services: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < 200; i++) {
    services[name(i)] = {
      image: "x",
      environment: { UPSTREAM: `http://${name((i + 1) % 200)}:80` },
    };
  }
  let listings = 0;
  const counted = new Proxy(services, {
    ownKeys(target) {
      listings++;
      return Reflect.ownKeys(target);
    },
  });
  const r = transformToStack(loaded({ name: "p", services: counted } as unknown as ComposeModel));
  assert.ok(r.stack, JSON.stringify(r.diagnostics));
  assert.equal(r.stack.apps[0]!.config[0]!.value, "http://p-svc-0001.web:80");
  assert.ok(listings <= 10, `model.services listed ${listings} times for 200 services`);
});
