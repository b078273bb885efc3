/** Datastore services: one `<plugin>:create` each, with flags taken from the compose service. */
import type { StackDatastore } from "./model.ts";
import { type Context, isRecord } from "./_context.ts";
import type { PluginInfo } from "./_datastores.ts";
import type { ImageRef } from "./_image.ts";
import type { XDokku } from "./_xdokku.ts";
import { memoryMegabytes } from "./_values.ts";

export interface DatastoreInput {
  readonly service: string;
  readonly info: PluginInfo;
  readonly ref: ImageRef | undefined;
  readonly x: XDokku;
  readonly name: string;
  readonly hostname: string;
  readonly networks: readonly string[];
  readonly dependsOn: readonly string[];
}

/** Builds one datastore and records the secret names it needs in `secrets`. */
export function buildDatastore(
  ctx: Context,
  input: DatastoreInput,
  secrets: Set<string>,
): StackDatastore {
  const { service, info, ref, x } = input;
  const svc = ctx.service(service);
  const base = ["services", service];
  let image: string | undefined;
  let imageVersion: string | undefined;
  if (ref !== undefined) {
    if (ref.path !== info.path || ref.registry !== "docker.io") {
      image = ref.repository;
      ctx.report("DK4014", {
        image: svc.image ?? "",
        service,
        plugin: info.plugin,
        repository: ref.repository,
      }, [...base, "image"]);
    }
    imageVersion = ref.tag;
    if (ref.digest !== undefined) {
      ctx.report("DK4010", { image: svc.image ?? "", service, plugin: info.plugin }, [
        ...base,
        "image",
      ]);
    }
  }
  const createFlags: Record<string, string> = {};
  const secretCreateFlags: Record<string, string> = {};
  const secretVars = new Set(x.secrets ?? []);
  const grants = svc.secrets ?? [];
  const env = svc.environment ?? {};
  // Sorted: flag conflicts resolve the same way whatever the YAML order was.
  for (const key of Object.keys(env).sort()) {
    const value = env[key];
    if (value === null || value === undefined) continue;
    const path = [...base, "environment", key];
    const flag = info.envFlags[key];
    if (flag !== undefined) {
      if (secretVars.has(key)) {
        secretCreateFlags[flag] = key;
        secrets.add(key);
      } else {
        createFlags[flag] = value;
      }
      continue;
    }
    const fileFlag = key.endsWith("_FILE") ? info.envFlags[key.slice(0, -5)] : undefined;
    const grant = grants.find((g) => (g.target ?? `/run/secrets/${g.source}`) === value);
    if (fileFlag !== undefined && grant !== undefined) {
      secretCreateFlags[fileFlag] = grant.source;
      secrets.add(grant.source);
      continue;
    }
    if (secretVars.has(key)) continue; // Listed as a secret but without a flag: reported below.
    ctx.report("DK4011", {
      variable: key,
      service,
      plugin: info.plugin,
      reason: info.envFixed[key] ??
        "Only password variables map to create flags; pass others with '--custom-env' yourself",
    }, path);
  }
  for (const key of [...secretVars].sort()) {
    if (info.envFlags[key] === undefined) {
      ctx.report("DK4011", {
        variable: key,
        service,
        plugin: info.plugin,
        reason: "Only password variables map to create flags",
      }, [...base, "x-dokku", "secrets"]);
    }
  }
  grants.forEach((grant, i) => {
    if (Object.values(secretCreateFlags).includes(grant.source)) return;
    ctx.report("DK4004", {
      key: `secrets.${i}`,
      service,
      plugin: info.plugin,
      reason: `Secret '${grant.source}' is only used as '<VAR>_FILE' for a password variable`,
    }, [...base, "secrets", i]);
  });
  const memory = memoryMegabytes(limits(svc.deploy)?.memory ?? svc.mem_limit);
  if (memory !== undefined) createFlags["--memory"] = String(memory);
  const out: { -readonly [K in keyof StackDatastore]: StackDatastore[K] } = {
    service,
    plugin: info.plugin,
    name: input.name,
    hostname: input.hostname,
    createFlags,
    secretCreateFlags,
    networks: input.networks,
    dependsOn: input.dependsOn,
    source: ctx.ref(base),
  };
  if (image !== undefined) out.image = image;
  if (imageVersion !== undefined) out.imageVersion = imageVersion;
  return out;
}

/** `deploy.resources.limits`, when it is a mapping. */
export function limits(deploy: unknown): Readonly<Record<string, unknown>> | undefined {
  if (!isRecord(deploy) || !isRecord(deploy.resources)) return undefined;
  const l = deploy.resources.limits;
  return isRecord(l) ? l : undefined;
}

/** Reports the parts of `deploy` a datastore cannot use (all but resources.limits.memory). */
export function reportDatastoreDeploy(ctx: Context, service: string, plugin: string): void {
  const deploy = ctx.service(service).deploy;
  if (!isRecord(deploy)) return;
  const base = ["services", service, "deploy"];
  for (const key of Object.keys(deploy).sort()) {
    if (key === "resources" && isRecord(deploy.resources)) {
      for (const kind of Object.keys(deploy.resources).sort()) {
        const part = deploy.resources[kind];
        if (!isRecord(part)) continue;
        for (const sub of Object.keys(part).sort()) {
          if (kind === "limits" && sub === "memory") continue;
          ctx.report("DK4004", {
            key: `deploy.resources.${kind}.${sub}`,
            service,
            plugin,
            reason: "Only the memory limit is passed, as '--memory'",
          }, [...base, "resources", kind, sub]);
        }
      }
      continue;
    }
    ctx.report("DK4004", {
      key: `deploy.${key}`,
      service,
      plugin,
      reason: "The plugin runs exactly one container",
    }, [...base, key]);
  }
}
