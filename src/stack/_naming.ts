/**
 * Dokku naming rules (SEMANTICS.md section 3): every name the Stack holds is valid for Dokku.
 * Pure string functions; collisions are detected by the transform.
 */
import { sha256Hex } from "../hash/mod.ts";

/** New app names: `^[a-z0-9][a-z0-9.-]*$`. */
export const APP_NAME = /^[a-z0-9][a-z0-9.-]*$/;
/** Datastore service names: `^[A-Za-z0-9_-]+$`. */
export const DATASTORE_NAME = /^[A-Za-z0-9_-]+$/;
/** Config keys: `^[a-zA-Z_][a-zA-Z0-9_]*$`. */
export const CONFIG_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Docker network names. */
export const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** Storage entries: a DNS-1123 label of at most 45 characters, not starting with `legacy-`. */
export const STORAGE_NAME = /^[a-z0-9]([a-z0-9-]{0,43}[a-z0-9])?$/;
export const STORAGE_MAX = 45;

function collapse(text: string, dash: string): string {
  return text.replace(new RegExp(`${dash === "." ? "\\." : dash}{2,}`, "g"), dash);
}

/**
 * `<project>-<service>` as a Dokku app name: lower case, `_` -> `-`, runs of `-` or `.` collapsed,
 * trimmed (so `<app>.<process>` stays a valid DNS name).
 */
export function appName(project: string, service: string): string {
  const raw = `${project}-${service}`.toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
  return collapse(collapse(raw, "-"), ".").replace(/^[.-]+/, "").replace(/[.-]+$/, "");
}

/** `<project>-<service>` as a datastore service name (`.` -> `-`, dashes collapsed and trimmed). */
export function datastoreName(project: string, service: string): string {
  const raw = `${project}-${service}`.replace(/[^A-Za-z0-9_-]+/g, "-");
  return collapse(raw, "-").replace(/^-+/, "").replace(/-+$/, "");
}

/** The in-network host name of a datastore: `dokku-<plugin>-<name with . and _ as ->`. */
export function datastoreHostname(plugin: string, name: string): string {
  return `dokku-${plugin}-${name.replace(/[._]/g, "-")}`;
}

/** A docker network name from a compose platform name. */
export function networkName(platformName: string): string {
  const raw = platformName.replace(/[^a-zA-Z0-9_.-]+/g, "-").replace(/^[^a-zA-Z0-9]+/, "");
  return raw.length === 0 ? "net" : raw;
}

/**
 * A storage entry name: lower-case DNS-1123 label of at most 45 characters, never `legacy-*`.
 * Too long names are cut and get a short hash of the full name, so distinct inputs stay distinct.
 */
export function storageName(text: string): string {
  let name = collapse(text.toLowerCase().replace(/[^a-z0-9-]+/g, "-"), "-")
    .replace(/^-+/, "").replace(/-+$/, "");
  if (name.length === 0) name = "storage";
  if (name.startsWith("legacy-")) name = `vol-${name}`;
  if (name.length > STORAGE_MAX) {
    const hash = sha256Hex(new TextEncoder().encode(text)).slice(0, 8);
    name = `${name.slice(0, STORAGE_MAX - 9).replace(/-+$/, "")}-${hash}`;
  }
  return name;
}

/** A config-key suggestion for an invalid environment name (`my.var-x` -> `MY_VAR_X`). */
export function configKeySuggestion(name: string): string {
  const key = name.replace(/[^a-zA-Z0-9_]+/g, "_");
  return /^[0-9]/.test(key) ? `_${key}` : key.length === 0 ? "_" : key;
}

/** An upper-case alias from a service or variable name (`analytics-db` -> `ANALYTICS_DB`). */
export function aliasOf(name: string): string {
  const alias = name.toUpperCase().replace(/[^A-Z0-9_]+/g, "_").replace(/_+/g, "_")
    .replace(/^_+/, "").replace(/_+$/, "");
  return alias.length === 0 ? "LINK" : /^[0-9]/.test(alias) ? `S_${alias}` : alias;
}
