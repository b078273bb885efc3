import assert from "node:assert/strict";
import { stackToJson, transformToStack } from "../src/stack/mod.ts";
import type { ComposeModel } from "../src/compose/types.ts";
import { loaded } from "./support/stack_project.ts";

const SECRET_VALUES = ["sk_live_123", "hunter2", "file-secret-content", "pg-pass-9"];

function model(): ComposeModel {
  return {
    name: "shop",
    services: {
      web: {
        build: { context: "/home/dev/shop", args: { STRIPE_KEY: "sk_live_123" } },
        environment: {
          STRIPE_KEY: "sk_live_123",
          ADMIN_PASSWORD: "hunter2",
          PLAIN: "visible",
          DB_PASSWORD_FILE: "/run/secrets/db_password",
        },
        secrets: [
          { source: "db_password", target: "/run/secrets/db_password" },
          { source: "api-token", target: "/run/secrets/api-token" },
          { source: "tls_key", target: "/etc/tls/key.pem" },
        ],
        "x-dokku": {
          secrets: ["STRIPE_KEY", "ADMIN_PASSWORD"],
          "secret-env": { tls_key: "TLS_KEY" },
        },
      },
      db: {
        image: "postgres",
        environment: { POSTGRES_PASSWORD: "pg-pass-9" },
        "x-dokku": { secrets: ["POSTGRES_PASSWORD"] },
      },
    },
    secrets: {
      db_password: { file: "/home/dev/shop/secrets/db.txt", content: "file-secret-content" },
      "api-token": { environment: "API_TOKEN" },
      tls_key: { file: "/home/dev/shop/tls.key" },
    },
  } as ComposeModel;
}

Deno.test("secrets: values never appear in the Stack JSON", () => {
  const r = transformToStack(loaded(model()));
  assert.ok(r.stack, JSON.stringify(r.diagnostics, null, 2));
  const json = stackToJson(r.stack);
  for (const value of SECRET_VALUES) assert.ok(!json.includes(value), `${value} leaked`);
  assert.ok(json.includes("visible"));
});

Deno.test("secrets: secret config vars and the secret list", () => {
  const r = transformToStack(loaded(model()));
  const web = r.stack!.apps[0]!;
  assert.deepEqual(web.secretConfig.map((s) => [s.key, s.secret]), [
    ["ADMIN_PASSWORD", "ADMIN_PASSWORD"],
    ["API_TOKEN", "api-token"],
    ["DB_PASSWORD", "db_password"],
    ["STRIPE_KEY", "STRIPE_KEY"],
    ["TLS_KEY", "tls_key"],
  ]);
  assert.deepEqual(web.config.map((c) => c.key), ["PLAIN"]);
  assert.deepEqual(r.stack!.secrets, [
    "ADMIN_PASSWORD",
    "POSTGRES_PASSWORD",
    "STRIPE_KEY",
    "api-token",
    "db_password",
    "tls_key",
  ]);
  // Build args that are secrets are passed by name only.
  assert.deepEqual(web.deploy.kind === "build" ? web.deploy.args : [], ["STRIPE_KEY"]);
});

Deno.test("secrets: every secret file is a lossy warning naming the variable", () => {
  const r = transformToStack(loaded(model()));
  const w = r.diagnostics.filter((d) => d.code === "DK4080");
  assert.deepEqual(w.map((d) => d.path).sort(), [
    "services.web.secrets.0",
    "services.web.secrets.1",
    "services.web.secrets.2",
  ]);
  assert.ok(w.some((d) =>
    d.message ===
      "Secret 'tls_key' of service 'web' becomes the config var 'TLS_KEY': Dokku has no secret files"
  ));
});

Deno.test("secrets: a secret named like a plain variable is an error", () => {
  const m = model() as { services: Record<string, Record<string, unknown>> };
  (m.services.web!.environment as Record<string, string>).API_TOKEN = "plain";
  const r = transformToStack(loaded(m as unknown as ComposeModel));
  assert.equal(r.stack, undefined);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.path]),
    [
      ["DK4081", "services.web.secrets.1"],
    ],
  );
});
