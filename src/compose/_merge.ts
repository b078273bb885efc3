/**
 * Merge rules (RULES.md section 3), on canonical trees: override files (step 13), `extends`
 * (step 12) and include conflicts. Uniqueness (M4) is enforced while merging: a later entry with
 * the same identity replaces the earlier one in place.
 */
import type { YamlPath } from "../source/plain.ts";
import { portKey } from "./_canonical.ts";
import { clone, isObj, type Obj, scalarString, setKey } from "./_util.ts";

/** Generic rule: mappings merge recursively, sequences append, scalars are replaced. */
export function mergeValue(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) setKey(out, k, mergeValue(base[k], v));
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  return over;
}

/** Appends `over` to `base`; an entry with the identity of an earlier one replaces it in place. */
function mergeByKey(base: unknown, over: unknown, key: (item: unknown) => string): unknown {
  if (!Array.isArray(base) || !Array.isArray(over)) return over === undefined ? base : over;
  const out = [...base];
  const index = new Map<string, number>();
  out.forEach((item, i) => index.set(key(item), i));
  for (const item of over) {
    const k = key(item);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, out.length);
      out.push(item);
    } else out[at] = item;
  }
  return out;
}

/** Appends and drops exact duplicates. */
function mergeUnique(base: unknown, over: unknown): unknown {
  if (!Array.isArray(base) || !Array.isArray(over)) return over === undefined ? base : over;
  const seen = new Set(base.map((v) => JSON.stringify(v)));
  const out = [...base];
  for (const item of over) {
    const k = JSON.stringify(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return out;
}

function shallowMap(base: unknown, over: unknown): unknown {
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) setKey(out, k, v);
    return out;
  }
  return over === undefined ? base : over;
}

function deviceTarget(item: unknown): string {
  if (isObj(item)) return scalarString(item["target"] ?? item["container_path"] ?? "");
  const parts = scalarString(item).split(":");
  return parts.length >= 2 ? (parts[1] ?? "") : (parts[0] ?? "");
}

function grantTarget(kind: "secrets" | "configs"): (item: unknown) => string {
  return (item) => {
    if (!isObj(item)) return scalarString(item);
    const target = item["target"];
    if (typeof target === "string") return target;
    const source = scalarString(item["source"]);
    return kind === "secrets" ? `/run/secrets/${source}` : `/${source}`;
  };
}

type Merger = (base: unknown, over: unknown) => unknown;

const replace: Merger = (_base, over) => over;

const SERVICE_MERGE: Readonly<Record<string, Merger>> = {
  command: replace,
  entrypoint: replace,
  extends: replace,
  healthcheck: (base, over) => {
    if (!isObj(base) || !isObj(over)) return over;
    const out = mergeValue(base, { ...over, test: undefined }) as Obj;
    if (over["test"] !== undefined) out["test"] = over["test"];
    else if (base["test"] !== undefined) out["test"] = base["test"];
    else delete out["test"];
    return out;
  },
  environment: shallowMap,
  labels: shallowMap,
  annotations: shallowMap,
  sysctls: shallowMap,
  depends_on: (base, over) => {
    if (!isObj(base) || !isObj(over)) return over;
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) setKey(out, k, mergeValue(base[k], v));
    return out;
  },
  networks: (base, over) => {
    if (!isObj(base) || !isObj(over)) return over;
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) {
      const b = base[k];
      setKey(
        out,
        k,
        v === null
          ? (b === undefined ? null : b)
          : b === null || b === undefined
          ? v
          : mergeValue(b, v),
      );
    }
    return out;
  },
  build: (base, over) => mergeValue(base, over),
  logging: (base, over) => {
    if (!isObj(base) || !isObj(over)) return over;
    const a = base["driver"];
    const b = over["driver"];
    if (a !== undefined && b !== undefined && a !== b) return over;
    return mergeValue(base, over);
  },
  ulimits: (base, over) => {
    if (!isObj(base) || !isObj(over)) return over;
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) {
      setKey(out, k, isObj(base[k]) && isObj(v) ? { ...(base[k] as Obj), ...v } : v);
    }
    return out;
  },
  ports: (base, over) => mergeByKey(base, over, (p) => isObj(p) ? portKey(p) : scalarString(p)),
  volumes: (base, over) =>
    mergeByKey(base, over, (v) => isObj(v) ? scalarString(v["target"]) : scalarString(v)),
  devices: (base, over) => mergeByKey(base, over, deviceTarget),
  secrets: (base, over) => mergeByKey(base, over, grantTarget("secrets")),
  configs: (base, over) => mergeByKey(base, over, grantTarget("configs")),
  env_file: (base, over) =>
    mergeByKey(base, over, (e) => isObj(e) ? scalarString(e["path"]) : scalarString(e)),
  label_file: (base, over) =>
    mergeByKey(base, over, (e) => isObj(e) ? scalarString(e["path"]) : scalarString(e)),
  expose: mergeUnique,
  cap_add: mergeUnique,
  cap_drop: mergeUnique,
  profiles: mergeUnique,
  links: mergeUnique,
  dns: mergeUnique,
  dns_opt: mergeUnique,
  dns_search: mergeUnique,
  tmpfs: mergeUnique,
  extra_hosts: mergeUnique,
  security_opt: mergeUnique,
  volumes_from: mergeUnique,
  external_links: mergeUnique,
};

/** Merges one service definition onto another (both canonical); inputs are not changed. */
export function mergeService(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const rule = SERVICE_MERGE[key];
    const merged = base[key] === undefined ? value : (rule ?? mergeValue)(base[key], value);
    setKey(out, key, merged);
  }
  return out;
}

const SECTIONS = new Set(["networks", "volumes", "secrets", "configs"]);

/** Merges a file's canonical tree onto the model so far (M1-M13); inputs are not changed. */
export function mergeTrees(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const b = base[key];
    if (key === "services" && isObj(b) && isObj(value)) {
      const services: Obj = { ...b };
      for (const [name, svc] of Object.entries(value)) {
        const prev = b[name];
        setKey(services, name, isObj(prev) && isObj(svc) ? mergeService(prev, svc) : svc);
      }
      out[key] = services;
    } else if (SECTIONS.has(key) && isObj(b) && isObj(value)) {
      const section: Obj = { ...b };
      for (const [name, r] of Object.entries(value)) setKey(section, name, mergeValue(b[name], r));
      out[key] = section;
    } else {
      setKey(out, key, mergeValue(b, value));
    }
  }
  return out;
}

/**
 * `!reset` / `!override` (M6): deletes the tagged paths from the model so far, so the merge
 * leaves them deleted (`!reset`) or sets them fresh (`!override`). Returns a new model.
 */
export function applyResets(model: Obj, paths: readonly YamlPath[]): Obj {
  if (paths.length === 0) return model;
  const out = clone(model);
  for (const path of paths) {
    let node: unknown = out;
    for (let i = 0; i < path.length - 1 && node !== undefined; i++) {
      const seg = path[i];
      node = isObj(node) && typeof seg === "string" ? node[seg] : undefined;
    }
    const last = path[path.length - 1];
    if (isObj(node) && typeof last === "string") delete node[last];
  }
  return out;
}
