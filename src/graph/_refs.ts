/**
 * Host references in environment values: where a value names another service as a host
 * (`postgres://u:p@db:5432/app`, `redis:6379`, `REDIS_HOST=redis`). Shared by the graph (datastore
 * link edges) and the Stack transform (link aliases and env rewrites).
 */
import type { ComposeModel } from "../compose/types.ts";

/** One place in a value where a service is named as a host. */
export interface HostRef {
  /** The host as written. */
  readonly host: string;
  /** The compose service that host resolves to. */
  readonly service: string;
  /** Offsets of the host inside the value (`value.slice(start, end) === host`). */
  readonly start: number;
  readonly end: number;
  /** `url`: the host of a `scheme://` URL; `hostport`: `host:port`; `bare`: the whole value. */
  readonly kind: "url" | "hostport" | "bare";
}

const URL_RE = /([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:([^@/\s?#]*)@)?([^:/\s?#,@]+)(:[0-9]+)?/g;
const HOSTPORT_RE =
  /(?<![A-Za-z0-9._@/:-])([A-Za-z0-9][A-Za-z0-9._-]*):([0-9]{1,5})(?![A-Za-z0-9._-])/g;
/** Variable names that say their value is a host, so a bare `db` is a reference. */
const HOST_KEY_RE = /HOST|ADDR|SERVER|URL|URI|DSN|ENDPOINT|BROKER|NODE|PEER|UPSTREAM|BACKEND/i;

/**
 * The host names that resolve to each service on the compose network: the service name, its
 * network aliases, `hostname` and `container_name`, and, seen from service `from`, the aliases of
 * its `links` (`db:database`). A service name always wins over an alias.
 */
export function serviceHosts(model: ComposeModel, from?: string): ReadonlyMap<string, string> {
  const hosts = new Map<string, string>();
  // Sorted so that when two services claim one alias, the first in name order wins predictably.
  const names = Object.keys(model.services).sort();
  for (const name of names) hosts.set(name, name);
  for (const name of names) {
    const svc = model.services[name]!;
    const aliases: string[] = [];
    for (const net of Object.keys(svc.networks ?? {}).sort()) {
      aliases.push(...(svc.networks?.[net]?.aliases ?? []));
    }
    for (const key of ["hostname", "container_name"]) {
      const value = svc[key];
      if (typeof value === "string") aliases.push(value);
    }
    for (const alias of aliases) if (!hosts.has(alias)) hosts.set(alias, name);
  }
  for (const link of (from === undefined ? undefined : model.services[from]?.links) ?? []) {
    const [target, alias] = link.split(":");
    if (alias !== undefined && target !== undefined && target in model.services) {
      if (!hosts.has(alias)) hosts.set(alias, target);
    }
  }
  return hosts;
}

/**
 * Finds the hosts in `value` (the value of the variable `key`) that name a service in `hosts`.
 * Sorted by position.
 */
export function findHostReferences(
  key: string,
  value: string,
  hosts: ReadonlyMap<string, string>,
): HostRef[] {
  const refs: HostRef[] = [];
  const taken: [number, number][] = [];
  for (const m of value.matchAll(URL_RE)) {
    const host = m[3]!;
    const start = m.index + m[0].length - (m[4]?.length ?? 0) - host.length;
    taken.push([m.index, m.index + m[0].length]);
    const service = hosts.get(host);
    if (service !== undefined) {
      refs.push({ host, service, start, end: start + host.length, kind: "url" });
    }
  }
  for (const m of value.matchAll(HOSTPORT_RE)) {
    const start = m.index;
    if (taken.some(([a, b]) => start >= a && start < b)) continue;
    const host = m[1]!;
    const service = hosts.get(host);
    if (service !== undefined) {
      refs.push({ host, service, start, end: start + host.length, kind: "hostport" });
    }
  }
  const trimmed = value.trim();
  if (refs.length === 0 && HOST_KEY_RE.test(key)) {
    const service = hosts.get(trimmed);
    if (service !== undefined) {
      const start = value.indexOf(trimmed);
      refs.push({ host: trimmed, service, start, end: start + trimmed.length, kind: "bare" });
    }
  }
  return refs.sort((a, b) => a.start - b.start);
}
