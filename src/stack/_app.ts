/** App services: deploy source, ports, processes, resources, restart policy, command, healthchecks. */
import type { StackDeploySource, StackPort } from "./model.ts";
import { cmp, type Context, isRecord, isSet } from "./_context.ts";
import { limits } from "./_datastore.ts";
import { PORT_MAP_RE, type XDokku } from "./_xdokku.ts";
import { durationSeconds, memoryUnits, restartPolicy, shellJoin } from "./_values.ts";

const GIT_URL_RE = /^(?:https?:\/\/|git@|git:\/\/|ssh:\/\/)/;

/** Relative POSIX path from `from` to `to` (both absolute). */
export function relativePath(from: string, to: string): string {
  const a = from.split("/").filter((p) => p.length > 0);
  const b = to.split("/").filter((p) => p.length > 0);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const parts = [...a.slice(i).map(() => ".."), ...b.slice(i)];
  return parts.length === 0 ? "." : parts.join("/");
}

const BUILD_KEPT = new Set(["context", "dockerfile", "args", "target"]);

/** `image`, `build` or `x-dokku.git` as a deploy source. */
export function deploySource(
  ctx: Context,
  service: string,
  x: XDokku,
): StackDeploySource {
  const svc = ctx.service(service);
  const base = ["services", service];
  const build = svc.build;
  if (build === undefined && x.git === undefined) {
    return { kind: "image", image: svc.image ?? "", source: ctx.ref([...base, "image"]) };
  }
  let context = ".";
  let dockerfile: string | undefined;
  let git = x.git;
  const args: string[] = [];
  let target: string | undefined;
  if (build !== undefined) {
    const bpath = [...base, "build"];
    const ctxText = build.context ?? ".";
    if (GIT_URL_RE.test(ctxText) || /\.git(#|$)/.test(ctxText)) {
      const [repository, fragment] = ctxText.split("#", 2) as [string, string | undefined];
      const [ref, subdir] = (fragment ?? "").split(":", 2);
      git ??= ref ? { repository, ref } : { repository };
      if (subdir) context = subdir;
    } else if (ctxText.startsWith("/")) {
      context = relativePath(ctx.project.projectDir, ctxText);
      if (context.startsWith("..")) {
        ctx.report("DK4066", {
          service,
          what: `the context '${context}' is outside the project directory`,
          reason: "The Dokkufile refers to it by this relative path; keep it next to the project",
        }, [...bpath, "context"]);
      }
    } else {
      context = ctxText.replace(/^\.\/+/, "").replace(/\/+$/, "") || ".";
    }
    if (build.dockerfile !== undefined) {
      dockerfile = build.dockerfile.startsWith("/") && !context.startsWith("..")
        ? relativePath(`${ctx.project.projectDir}/${context}`, build.dockerfile)
        : build.dockerfile;
    }
    target = build.target;
    args.push(...Object.keys(build.args ?? {}).sort(cmp));
    for (const key of Object.keys(build).sort(cmp)) {
      if (BUILD_KEPT.has(key) || !isSet(build[key]) || key.startsWith("x-")) continue;
      ctx.report("DK4066", {
        service,
        what: `'build.${key}' is not passed to Dokku`,
        reason: key === "dockerfile_inline"
          ? "Write the Dockerfile into the build context instead"
          : "Dokku's dockerfile builder takes context, Dockerfile, build args and target",
      }, [...bpath, key]);
    }
  }
  const out: {
    kind: "build";
    context: string;
    dockerfile?: string;
    target?: string;
    args: readonly string[];
    git?: { readonly repository: string; readonly ref?: string };
    source: ReturnType<Context["ref"]>;
  } = {
    kind: "build",
    context,
    args,
    source: ctx.ref(build !== undefined ? [...base, "build"] : [...base, "x-dokku", "git"]),
  };
  if (dockerfile !== undefined) out.dockerfile = dockerfile;
  if (target !== undefined) out.target = target;
  if (git !== undefined) out.git = git;
  return out;
}

/** Container ports spoken over raw TCP by common servers; nginx cannot proxy them as http. */
const RAW_TCP_PORTS = new Set([
  21,
  22,
  23,
  25,
  53,
  110,
  143,
  389,
  465,
  587,
  636,
  993,
  995,
  1433,
  1521,
  1883,
  2181,
  3306,
  4369,
  5432,
  5672,
  6379,
  8883,
  9042,
  9092,
  11211,
  25565,
  27017,
]);

function schemeFor(port: { target: number; app_protocol?: string }, x: XDokku): string | undefined {
  if (x.scheme !== undefined) return x.scheme;
  const proto = port.app_protocol?.toLowerCase();
  if (proto === "grpc" || proto === "grpcs" || proto === "http" || proto === "https") return proto;
  if (proto === "h2c") return "grpc";
  if (port.target === 443 || port.target === 8443) return "https";
  if (RAW_TCP_PORTS.has(port.target)) return undefined;
  return "http";
}

/** Published ports as proxy port maps, sorted by scheme, host, container. */
export function appPorts(ctx: Context, service: string, x: XDokku): StackPort[] {
  const svc = ctx.service(service);
  const base = ["services", service];
  const out: StackPort[] = [];
  const seen = new Set<string>();
  if (x.ports !== undefined) {
    x.ports.forEach((text, i) => {
      const m = PORT_MAP_RE.exec(text)!;
      const key = `${m[1]}:${m[2]}`;
      if (seen.has(key)) {
        ctx.report("DK4032", { mapping: text, service }, [...base, "x-dokku", "ports", i]);
        return;
      }
      seen.add(key);
      out.push({
        scheme: m[1]!,
        host: Number(m[2]),
        container: Number(m[3]),
        source: ctx.ref([...base, "x-dokku", "ports", i]),
      });
    });
  } else {
    (svc.ports ?? []).forEach((port, i) => {
      const path = [...base, "ports", i];
      if (port.published === undefined || port.published === "") return;
      const protocol = port.protocol ?? "tcp";
      const label = `${port.published}:${port.target}/${protocol}`;
      if (protocol !== "tcp") {
        ctx.report("DK4030", { port: label, service, protocol: protocol.toUpperCase() }, path);
        return;
      }
      if (!/^[0-9]+$/.test(port.published)) {
        ctx.report("DK4031", {
          port: label,
          service,
          reason: "host port ranges are not supported",
        }, path);
        return;
      }
      const scheme = schemeFor(port, x);
      if (scheme === undefined) {
        ctx.report("DK4030", { port: label, service, protocol: "raw TCP" }, path);
        return;
      }
      if (port.host_ip !== undefined && /^(127\.|::1$|localhost$)/.test(port.host_ip)) {
        ctx.report("DK4031", {
          port: `${port.host_ip}:${label}`,
          service,
          reason:
            "it is bound to the loopback address, and publishing it through the proxy would expose it to everyone",
        }, path);
        return;
      }
      if (port.host_ip !== undefined && port.host_ip !== "0.0.0.0" && port.host_ip !== "::") {
        ctx.report("DK4067", {
          key: `ports.${i}.host_ip`,
          service,
          what: `the proxy listens on every address, not only '${port.host_ip}'`,
          reason: "Restrict access with a firewall on the Dokku host if needed",
        }, [...path, "host_ip"]);
      }
      const mapping = `${scheme}:${port.published}:${port.target}`;
      const key = `${scheme}:${port.published}`;
      if (seen.has(key)) {
        ctx.report("DK4032", { mapping, service }, path);
        return;
      }
      seen.add(key);
      out.push({
        scheme,
        host: Number(port.published),
        container: port.target,
        source: ctx.ref(path),
      });
    });
  }
  return out.sort((a, b) =>
    cmp(a.scheme, b.scheme) || a.host - b.host || a.container - b.container
  );
}

/**
 * The process type of every app unless `x-dokku.process` says otherwise: Dokku's image deploys
 * (`git:from-image`) and Dockerfile deploys without a Procfile have exactly one, `web`.
 */
export const DEFAULT_PROCESS = "web";

/** `deploy.replicas`, else `scale`, else 1. */
export function replicas(ctx: Context, service: string): number {
  const svc = ctx.service(service);
  const deploy = svc.deploy;
  if (isRecord(deploy) && typeof deploy.replicas === "number") return deploy.replicas;
  return typeof svc.scale === "number" ? svc.scale : 1;
}

const DEPLOY_KEPT = new Set(["replicas", "resources", "restart_policy"]);

export interface Resources {
  readonly limit: { readonly cpu?: string; readonly memory?: string };
  readonly reserve: { readonly memory?: string };
}

/** `deploy.resources`, `mem_limit`, `mem_reservation` and `cpus` as Dokku resources. */
export function appResources(ctx: Context, service: string): Resources {
  const svc = ctx.service(service);
  const base = ["services", service];
  const deploy = isRecord(svc.deploy) ? svc.deploy : {};
  const res = isRecord(deploy.resources) ? deploy.resources : {};
  const lim = limits(svc.deploy) ?? {};
  const resv = isRecord(res.reservations) ? res.reservations : {};
  const limit: { cpu?: string; memory?: string } = {};
  const reserve: { memory?: string } = {};
  const cpu = lim.cpus ?? svc.cpus;
  if (typeof cpu === "number" || typeof cpu === "string") limit.cpu = String(cpu);
  const memory = memoryUnits(lim.memory ?? svc.mem_limit);
  if (memory !== undefined) limit.memory = memory;
  const reserved = memoryUnits(resv.memory ?? svc["mem_reservation"]);
  if (reserved !== undefined) reserve.memory = reserved;
  for (const key of Object.keys(deploy).sort(cmp)) {
    if (!DEPLOY_KEPT.has(key) && isSet(deploy[key])) {
      ctx.report("DK4067", {
        key: `deploy.${key}`,
        service,
        what: "Dokku runs every process on one host",
        reason: "Only deploy.replicas, deploy.resources and deploy.restart_policy apply",
      }, [...base, "deploy", key]);
    }
  }
  for (const [kind, part] of [["limits", lim], ["reservations", resv]] as const) {
    for (const key of Object.keys(part).sort(cmp)) {
      const kept = kind === "limits" ? key === "cpus" || key === "memory" : key === "memory";
      if (kept || !isSet(part[key])) continue;
      ctx.report("DK4067", {
        key: `deploy.resources.${kind}.${key}`,
        service,
        what: kind === "limits"
          ? "Dokku's docker-local scheduler limits cpus and memory only"
          : "Dokku's docker-local scheduler reserves memory only",
        reason: "Remove it, or set it yourself with 'docker-options:add <app> deploy'",
      }, [...base, "deploy", "resources", kind, key]);
    }
  }
  return { limit, reserve };
}

/** `restart`, else `deploy.restart_policy`, as a Dokku restart policy. */
export function appRestart(ctx: Context, service: string): string | undefined {
  const svc = ctx.service(service);
  const base = ["services", service];
  if (typeof svc.restart === "string") {
    const policy = restartPolicy(svc.restart);
    if (policy === undefined) {
      ctx.report("DK4067", {
        key: "restart",
        service,
        what: `'${svc.restart}' is not a Dokku restart policy`,
        reason: "Expected no, always, unless-stopped or on-failure[:N]",
      }, [...base, "restart"]);
    }
    return policy;
  }
  const deploy = svc.deploy;
  if (!isRecord(deploy) || !isRecord(deploy.restart_policy)) return undefined;
  const rp = deploy.restart_policy;
  const path = [...base, "deploy", "restart_policy"];
  for (const key of Object.keys(rp).sort(cmp)) {
    if (key === "condition" || key === "max_attempts") continue;
    ctx.report("DK4067", {
      key: `deploy.restart_policy.${key}`,
      service,
      what: "Dokku's restart policy has a condition and a retry count only",
      reason: "Remove it; Dokku restarts failed containers without a delay or window",
    }, [...path, key]);
  }
  switch (rp.condition) {
    case "none":
      return "no";
    case "on-failure":
      return typeof rp.max_attempts === "number" ? `on-failure:${rp.max_attempts}` : "on-failure";
    case "any":
    case undefined:
      return "always";
    default:
      return undefined;
  }
}

/** `command` as the `dockerfile-start-cmd` string; `entrypoint` is reported. */
export function appStartCommand(ctx: Context, service: string): string | undefined {
  const svc = ctx.service(service);
  if (Array.isArray(svc.entrypoint)) {
    ctx.report("DK4062", { service }, ["services", service, "entrypoint"]);
  }
  const command = svc.command;
  return Array.isArray(command) && command.length > 0 ? shellJoin(command) : undefined;
}

/** `healthcheck` as app.json healthchecks (build apps only). */
export function appHealthchecks(
  ctx: Context,
  service: string,
  kind: "image" | "build",
): Readonly<Record<string, unknown>>[] | undefined {
  const hc = ctx.service(service).healthcheck;
  const path = ["services", service, "healthcheck"];
  if (hc === undefined || hc.disable === true) return undefined;
  const test = hc.test ?? [];
  if (test.length === 0 || test[0] === "NONE") return undefined;
  if (kind === "image") {
    ctx.report("DK4060", { service }, path);
    return undefined;
  }
  const check: Record<string, unknown> = { type: "startup" };
  if (test[0] === "CMD-SHELL") check.command = ["/bin/sh", "-c", test.slice(1).join(" ")];
  else if (test[0] === "CMD") check.command = test.slice(1);
  else check.command = [...test];
  if (typeof hc.retries === "number") check.attempts = hc.retries;
  const seconds = (key: "timeout" | "interval" | "start_period", field: string) => {
    const value = hc[key];
    if (value === undefined) return;
    const s = durationSeconds(value);
    if (s === undefined) {
      ctx.report("DK4061", {
        service,
        what: `'${key}: ${value}' is not a duration`,
        reason: "Use a duration such as '30s' or '1m30s'",
      }, [...path, key]);
    } else check[field] = s;
  };
  seconds("timeout", "timeout");
  seconds("interval", "wait");
  seconds("start_period", "initialDelay");
  if (hc.start_interval !== undefined) {
    ctx.report("DK4061", {
      service,
      what: "'start_interval' is not used",
      reason: "Dokku checks at one interval ('wait')",
    }, [...path, "start_interval"]);
  }
  return [check];
}
