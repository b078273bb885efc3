/**
 * An app's configuration: plain config vars (with host names rewritten to their Dokku names),
 * secret vars (values never enter the Stack), and links to the datastores it uses, with their
 * aliases chosen so the link provides the variable the app already reads.
 */
import { findHostReferences, type GraphEdge, type HostLookup } from "../graph/mod.ts";
import type { DatastorePlugin, StackConfigVar, StackLink, StackSecretVar } from "./model.ts";
import { cmp, type Context } from "./_context.ts";
import { pluginInfo } from "./_datastores.ts";
import { aliasOf, CONFIG_KEY, configKeySuggestion } from "./_naming.ts";
import { maskPasswords } from "./_values.ts";
import type { XDokku } from "./_xdokku.ts";

/** Where a service is reached on Dokku. */
export type Target =
  | {
    readonly kind: "datastore";
    readonly plugin: DatastorePlugin;
    readonly name: string;
    readonly hostname: string;
  }
  | { readonly kind: "app"; readonly name: string; readonly host: string };

export interface ConfigInput {
  readonly service: string;
  readonly app: string;
  readonly x: XDokku;
  readonly hosts: HostLookup;
  readonly targets: ReadonlyMap<string, Target>;
  /** Graph edges from this service (sorted). */
  readonly edges: readonly GraphEdge[];
}

export interface ConfigResult {
  readonly config: StackConfigVar[];
  readonly secretConfig: StackSecretVar[];
  readonly links: StackLink[];
}

interface Plain {
  value: string;
  path: readonly (string | number)[];
}

/** True when Dokku's substring check would see one link variable inside another name. */
function clashes(variable: string, others: Iterable<string>): boolean {
  for (const other of others) {
    if (other !== variable && (other.includes(variable) || variable.includes(other))) return true;
  }
  return false;
}

/** Builds the config, secrets and links of one app; adds secret names to `secrets`. */
export function buildConfig(ctx: Context, input: ConfigInput, secrets: Set<string>): ConfigResult {
  const { service, x } = input;
  const svc = ctx.service(service);
  const base = ["services", service];
  const env = svc.environment ?? {};
  const secretVars = new Set(x.secrets ?? []);
  const plain = new Map<string, Plain>();
  const secretConfig: StackSecretVar[] = [];

  // Sorted: every later decision (aliases, collisions) walks variables in this order.
  for (const key of Object.keys(env).sort(cmp)) {
    const value = env[key];
    const path = [...base, "environment", key];
    if (!CONFIG_KEY.test(key)) {
      ctx.report("DK4021", { variable: key, service, suggestion: configKeySuggestion(key) }, path);
      continue;
    }
    if (value === null || value === undefined || secretVars.has(key)) continue;
    plain.set(key, { value, path });
  }
  for (const key of [...secretVars].sort(cmp)) {
    const path = key in env ? [...base, "environment", key] : [...base, "x-dokku", "secrets"];
    secretConfig.push({ key, secret: key, source: ctx.ref(path) });
    secrets.add(key);
  }
  (svc.secrets ?? []).forEach((grant, i) => {
    const path = [...base, "secrets", i];
    const target = grant.target ?? `/run/secrets/${grant.source}`;
    const fileVar = [...plain.keys()].find((k) =>
      k.endsWith("_FILE") && k.length > 5 && plain.get(k)!.value === target
    );
    const named = x.secretEnv?.[grant.source];
    const variable = named ??
      (fileVar !== undefined ? fileVar.slice(0, -5) : aliasOf(grant.source));
    if (fileVar !== undefined) plain.delete(fileVar);
    if (plain.has(variable) || secretConfig.some((s) => s.key === variable)) {
      ctx.report("DK4081", { secret: grant.source, service, variable }, path);
      return;
    }
    secretConfig.push({ key: variable, secret: grant.source, source: ctx.ref(path) });
    secrets.add(grant.source);
    ctx.report("DK4080", { secret: grant.source, service, variable, target }, path);
  });
  const args = svc.build?.args ?? {};
  for (const key of Object.keys(args).sort(cmp)) {
    const value = args[key];
    if (value === null || value === undefined || secretVars.has(key)) continue;
    const path = [...base, "build", "args", key];
    if (!CONFIG_KEY.test(key)) {
      ctx.report("DK4021", { variable: key, service, suggestion: configKeySuggestion(key) }, path);
      continue;
    }
    const existing = plain.get(key);
    if (existing === undefined) plain.set(key, { value, path });
    else if (existing.value !== value) ctx.report("DK4064", { variable: key, service }, path);
  }

  // Links: every datastore this app needs, one link each.
  const linked = new Map<string, GraphEdge>();
  for (const edge of input.edges) {
    if (input.targets.get(edge.to)?.kind === "datastore" && !linked.has(edge.to)) {
      linked.set(edge.to, edge);
    }
  }
  const dsServices = [...linked.keys()].sort(cmp);
  const aliases = new Map<string, string>();
  const replaced = new Map<string, { key: string; from: string }>();
  for (const ds of dsServices) {
    for (const key of [...plain.keys()]) {
      if (!key.endsWith("_URL") || key.length <= 4 || key !== key.toUpperCase()) continue;
      const p = plain.get(key)!;
      const refs = findHostReferences(key, p.value, input.hosts);
      if (!refs.some((r) => r.kind === "url" && r.service === ds)) continue;
      aliases.set(ds, key.slice(0, -4));
      replaced.set(ds, { key, from: maskPasswords(p.value) });
      plain.delete(key);
      break;
    }
  }
  const perPlugin = new Map<string, number>();
  for (const ds of dsServices) {
    const t = input.targets.get(ds)!;
    if (t.kind === "datastore") perPlugin.set(t.plugin, (perPlugin.get(t.plugin) ?? 0) + 1);
  }
  for (const ds of dsServices) {
    if (aliases.has(ds)) continue;
    const t = input.targets.get(ds)! as Extract<Target, { kind: "datastore" }>;
    const taken = () => [
      ...plain.keys(),
      ...secretConfig.map((s) => s.key),
      ...[...aliases.values()].map((a) => `${a}_URL`),
    ];
    const free = (alias: string) =>
      ![...aliases.values()].includes(alias) && !clashes(`${alias}_URL`, taken()) &&
      !taken().includes(`${alias}_URL`);
    const fallback = pluginInfo(t.plugin)!.defaultAlias;
    if (perPlugin.get(t.plugin) === 1 && free(fallback)) {
      aliases.set(ds, fallback);
      continue;
    }
    // The service name; else with the plugin (`DB_POSTGRES`), which no other name contains.
    const stem = aliasOf(ds);
    let alias = free(stem) ? stem : `${stem}_${t.plugin.toUpperCase()}`;
    for (let n = 2; !free(alias); n++) alias = `${stem}_${n}`;
    aliases.set(ds, alias);
  }
  const links: StackLink[] = dsServices.map((ds) => {
    const t = input.targets.get(ds)! as Extract<Target, { kind: "datastore" }>;
    const r = replaced.get(ds);
    const edge = linked.get(ds)!;
    const link: {
      -readonly [K in keyof StackLink]: StackLink[K];
    } = {
      app: input.app,
      datastore: t.name,
      plugin: t.plugin,
      alias: aliases.get(ds)!,
      source: ctx.ref(r !== undefined ? [...base, "environment", r.key] : edge.key.split(".")),
    };
    if (r !== undefined) {
      link.replaces = {
        key: r.key,
        from: r.from,
        reason: `set by linking the ${t.plugin} datastore '${t.name}' with alias '${link.alias}'`,
      };
    }
    return link;
  });

  const config: StackConfigVar[] = [];
  for (const [key, p] of [...plain.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    const refs = findHostReferences(key, p.value, input.hosts).filter((r) =>
      r.service !== service && input.targets.has(r.service)
    );
    if (refs.length === 0) {
      config.push({ key, value: p.value, source: ctx.ref(p.path) });
      continue;
    }
    let value = p.value;
    const reasons: string[] = [];
    for (const ref of [...refs].reverse()) {
      const t = input.targets.get(ref.service)!;
      const host = t.kind === "datastore" ? t.hostname : t.host;
      value = value.slice(0, ref.start) + host + value.slice(ref.end);
      reasons.unshift(
        t.kind === "datastore"
          ? `'${ref.host}' is the ${t.plugin} datastore '${t.name}'`
          : `'${ref.host}' is the app '${t.name}', reached as '${t.host}' on a shared network`,
      );
      if (t.kind === "datastore" && ref.kind === "url" && /:\/\/[^@/\s]*:[^@/\s]+@/.test(p.value)) {
        ctx.report("DK4069", {
          key: `environment.${key}`,
          service,
          datastore: ref.service,
          plugin: t.plugin,
          variable: `${aliases.get(ref.service) ?? "DATABASE"}_URL`,
        }, p.path);
      }
    }
    config.push({
      key,
      value,
      source: ctx.ref(p.path),
      rewrite: { from: maskPasswords(p.value), reason: [...new Set(reasons)].join("; ") },
    });
  }
  secretConfig.sort((a, b) => cmp(a.key, b.key));
  return { config, secretConfig, links };
}
