/**
 * Hand-written canonical models for the graph and Stack tests: a LoadedProject with an
 * in-memory SourceMap that gives every compose path its own line, as a YAML dump would.
 */
import type { ComposeModel, LoadedProject, SourceMap } from "../../src/compose/types.ts";
import type { Span } from "../../src/diagnostics/mod.ts";

export const PROJECT_DIR = "/home/dev/shop";

/** Lines numbered in key order of `model` (depth first), in file `compose.yaml`. */
export function sourcesFor(model: unknown, file = "compose.yaml"): SourceMap {
  const lines = new Map<string, number>();
  let line = 0;
  const walk = (value: unknown, path: string[], depth: number) => {
    if (typeof value !== "object" || value === null) return;
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value);
    for (const [key, child] of entries) {
      line++;
      const p = [...path, key];
      lines.set(p.join("\u0000"), line);
      walk(child, p, depth + 1);
      void depth;
    }
  };
  walk(model, [], 0);
  return {
    get(path: readonly (string | number)[]): Span | undefined {
      for (let n = path.length; n > 0; n--) {
        const hit = lines.get(path.slice(0, n).map(String).join("\u0000"));
        if (hit !== undefined) return { file, line: hit, column: 3 };
      }
      return { file, line: 1, column: 1 };
    },
  };
}

/** Wraps a model into a LoadedProject (sources from `sourcesModel`, default the model itself). */
export function loaded(
  model: ComposeModel,
  options: { sourcesModel?: unknown; inputs?: LoadedProject["inputs"] } = {},
): LoadedProject {
  return {
    model,
    sources: sourcesFor(options.sourcesModel ?? model),
    disabledServices: [],
    inputs: options.inputs ?? [{ path: "compose.yaml", text: "services: {}\n" }],
    projectDir: PROJECT_DIR,
  };
}

/** A deep copy of `value` with every object's keys in reverse-shuffled order (arrays kept). */
export function shuffled<T>(value: T, seed = 7): T {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s;
  };
  const go = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(go);
    if (typeof v === "object" && v !== null) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i > 0; i--) {
        const j = next() % (i + 1);
        [keys[i], keys[j]] = [keys[j]!, keys[i]!];
      }
      const out: Record<string, unknown> = {};
      for (const k of keys.reverse()) out[k] = go((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return go(value) as T;
}

const started = { condition: "service_started", required: true };
const healthy = { condition: "service_healthy", required: true };

/** A realistic project: two apps, a worker, two postgres, redis, volumes, a secret. */
export function shopModel(): ComposeModel {
  return {
    name: "shop",
    services: {
      web: {
        build: { context: "/home/dev/shop/web", args: { NODE_ENV: "production" } },
        ports: [{ target: 3000, published: "80", protocol: "tcp", mode: "ingress" }],
        environment: {
          DATABASE_URL: "postgres://shop:devpass@db:5432/shop",
          REDIS_HOST: "redis",
          API_BASE: "http://api:4000/v1",
          SESSION_SECRET: "dev-session",
        },
        depends_on: { db: healthy, api: started, analytics: started },
        healthcheck: { test: ["CMD", "curl", "-f", "http://localhost:3000/up"], interval: "10s" },
        volumes: [{ type: "volume", source: "uploads", target: "/app/uploads" }],
        networks: { default: null },
        secrets: [{ source: "stripe_key", target: "/run/secrets/stripe_key" }],
        "x-dokku": {
          domains: ["shop.example.com"],
          letsencrypt: true,
          secrets: ["SESSION_SECRET"],
        },
      },
      api: {
        image: "ghcr.io/acme/shop-api:2.1",
        ports: [{ target: 4000, published: "4000", protocol: "tcp", mode: "ingress" }],
        environment: { REDIS_URL: "redis://redis:6379/0", LOG_LEVEL: "info" },
        depends_on: { redis: started },
        deploy: { replicas: 2, resources: { limits: { cpus: "0.5", memory: "536870912" } } },
        restart: "unless-stopped",
        networks: { default: null },
      },
      worker: {
        image: "ghcr.io/acme/shop-api:2.1",
        command: ["bundle", "exec", "sidekiq", "-q", "default"],
        environment: { REDIS_URL: "redis://redis:6379/1" },
        depends_on: { redis: started, db: started },
        networks: { default: null },
      },
      db: {
        image: "postgres:16-alpine",
        environment: { POSTGRES_PASSWORD: "devpass", POSTGRES_USER: "shop" },
        volumes: [{ type: "volume", source: "pgdata", target: "/var/lib/postgresql/data" }],
        networks: { default: null },
      },
      analytics: { image: "postgres:15", networks: { default: null } },
      redis: { image: "redis:7-alpine", networks: { default: null } },
    },
    networks: { default: { name: "shop_default" } },
    volumes: { uploads: { name: "shop_uploads" }, pgdata: { name: "shop_pgdata" } },
    secrets: { stripe_key: { environment: "STRIPE_KEY" } },
  } as ComposeModel;
}
