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

/** What {@linkcode findHostReferences} needs of a host table: the service a host name names. */
export interface HostLookup {
  get(host: string): string | undefined;
}

/** The hosts every service sees (names, aliases, `hostname`, `container_name`). */
function sharedHosts(model: ComposeModel): Map<string, string> {
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
  return hosts;
}

/** The aliases of `from`'s `links` (`db:database`) that the shared table does not already name. */
function linkAliases(
  model: ComposeModel,
  from: string,
  shared: ReadonlyMap<string, string>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const link of model.services[from]?.links ?? []) {
    const [target, alias] = link.split(":");
    if (alias !== undefined && target !== undefined && target in model.services) {
      if (!shared.has(alias) && !out.has(alias)) out.set(alias, target);
    }
  }
  return out;
}

/**
 * The host tables of every service of a model, built once: the shared names in one map, and per
 * service only the aliases of its own `links`. Building it is linear in the model; asking for a
 * service's table is constant time (no copy of the shared map), so a whole project costs O(n),
 * not O(n^2) like one {@linkcode serviceHosts} per service.
 */
export class HostIndex {
  readonly #model: ComposeModel;
  readonly #shared: ReadonlyMap<string, string>;

  constructor(model: ComposeModel) {
    this.#model = model;
    this.#shared = sharedHosts(model);
  }

  /** The host names that resolve to a service, seen from service `from` (or from outside). */
  of(from?: string): HostLookup {
    if (from === undefined) return this.#shared;
    const own = linkAliases(this.#model, from, this.#shared);
    if (own.size === 0) return this.#shared;
    const shared = this.#shared;
    // A service name or shared alias always wins over a link alias.
    return { get: (host: string) => shared.get(host) ?? own.get(host) };
  }
}

/**
 * The host names that resolve to each service on the compose network: the service name, its
 * network aliases, `hostname` and `container_name`, and, seen from service `from`, the aliases of
 * its `links` (`db:database`). A service name always wins over an alias. Linear in the model: use
 * one {@linkcode HostIndex} when asking for many services.
 */
export function serviceHosts(model: ComposeModel, from?: string): ReadonlyMap<string, string> {
  const hosts = sharedHosts(model);
  if (from !== undefined) {
    for (const [alias, target] of linkAliases(model, from, hosts)) hosts.set(alias, target);
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
  hosts: HostLookup,
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
