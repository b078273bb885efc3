/**
 * The zod schema of `stack/v1` (the same shape as `model.ts`), and its JSON Schema, both built
 * lazily on first use so importing the Stack stage stays cheap.
 */
// A namespace import, not `{ z }`: `z` is a namespace object that the bundler cannot tree-shake,
// so it would carry all 64 zod locales into the bundle (763 KB of zod instead of 181 KB).
import * as z from "zod";
import { STACK_VERSION } from "./model.ts";
import { PLUGIN_NAMES } from "./_datastores.ts";

function build() {
  const SourceRef = z.object({
    file: z.string(),
    line: z.number().int().min(0),
    key: z.string(),
  }).strict();

  const Plugin = z.enum(PLUGIN_NAMES);

  const StringMap = z.record(z.string(), z.string());

  const Network = z.object({
    key: z.string(),
    name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/),
    external: z.boolean(),
    source: SourceRef,
  }).strict();

  const Storage = z.object({
    key: z.string(),
    name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,43}[a-z0-9])?$/).refine(
      (n) => !n.startsWith("legacy-"),
      "storage names must not start with 'legacy-'",
    ),
    hostPath: z.string().startsWith("/").optional(),
    chown: z.string().optional(),
    external: z.boolean(),
    source: SourceRef,
  }).strict();

  const Datastore = z.object({
    service: z.string(),
    plugin: Plugin,
    name: z.string().regex(/^[A-Za-z0-9_-]+$/),
    hostname: z.string(),
    image: z.string().optional(),
    imageVersion: z.string().optional(),
    createFlags: StringMap,
    secretCreateFlags: StringMap,
    networks: z.array(z.string()),
    dependsOn: z.array(z.string()).optional(),
    source: SourceRef,
  }).strict();

  const Link = z.object({
    app: z.string(),
    datastore: z.string(),
    plugin: Plugin,
    alias: z.string().regex(/^[A-Z_][A-Z0-9_]*$/),
    replaces: z.object({ key: z.string(), from: z.string(), reason: z.string() }).strict()
      .optional(),
    source: SourceRef,
  }).strict();

  const ConfigKey = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/);

  const ConfigVar = z.object({
    key: ConfigKey,
    value: z.string(),
    source: SourceRef,
    rewrite: z.object({ from: z.string(), reason: z.string() }).strict().optional(),
  }).strict();

  const SecretVar = z.object({ key: ConfigKey, secret: z.string(), source: SourceRef }).strict();

  const Port = z.object({
    scheme: z.string(),
    host: z.number().int().min(1).max(65535),
    container: z.number().int().min(1).max(65535),
    source: SourceRef,
  }).strict();

  const Mount = z.object({
    storage: z.string(),
    containerDir: z.string(),
    readOnly: z.boolean(),
    subpath: z.string().optional(),
    source: SourceRef,
  }).strict();

  const Deploy = z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("image"), image: z.string(), source: SourceRef }).strict(),
    z.object({
      kind: z.literal("build"),
      context: z.string().refine((c) => !c.startsWith("/"), "the build context is relative"),
      dockerfile: z.string().optional(),
      target: z.string().optional(),
      args: z.array(z.string()),
      git: z.object({ repository: z.string(), ref: z.string().optional() }).strict().optional(),
      source: SourceRef,
    }).strict(),
  ]);

  const App = z.object({
    service: z.string(),
    name: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
    deploy: Deploy,
    config: z.array(ConfigVar),
    secretConfig: z.array(SecretVar),
    ports: z.array(Port),
    proxy: z.boolean(),
    mounts: z.array(Mount),
    networks: z.array(z.string()),
    process: z.string().optional(),
    processes: z.record(z.string(), z.number().int().min(0)),
    resources: z.object({
      limit: z.object({ cpu: z.string().optional(), memory: z.string().optional() }).strict(),
      reserve: z.object({ memory: z.string().optional() }).strict(),
    }).strict(),
    restartPolicy: z.string().optional(),
    startCommand: z.string().optional(),
    healthchecks: z.array(z.record(z.string(), z.unknown())).optional(),
    healthcheckSource: SourceRef.optional(),
    domains: z.array(z.string()),
    letsencrypt: z.boolean(),
    dependsOn: z.array(z.string()),
    source: SourceRef,
  }).strict();

  return z.object({
    version: z.literal(STACK_VERSION),
    project: z.string(),
    inputChecksum: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    networks: z.array(Network),
    storage: z.array(Storage),
    datastores: z.array(Datastore),
    apps: z.array(App),
    links: z.array(Link),
    levels: z.array(
      z.object({ index: z.number().int().min(0), services: z.array(z.string()) }).strict(),
    ),
    secrets: z.array(z.string()),
    warnings: z.array(
      z.object({ code: z.string(), message: z.string(), source: SourceRef }).strict(),
    ),
  }).strict();
}

let schema: ReturnType<typeof build> | undefined;

/** The zod schema of a whole Stack (built on first call). */
export function stackSchema(): ReturnType<typeof build> {
  schema ??= build();
  return schema;
}

let cached: unknown;

/** The JSON Schema of `stack/v1` (built once, on first call). */
export function stackJsonSchema(): unknown {
  cached ??= {
    ...z.toJSONSchema(stackSchema()),
    $id: "https://dokompose.dev/schemas/stack.v1.json",
    title: "dokompose Stack (stack/v1)",
  };
  return cached;
}
