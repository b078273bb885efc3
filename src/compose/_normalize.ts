/**
 * Stage C steps 17, 19-21: defaults, bare environment names, implicit dependencies, default
 * networks and resource names, on the merged canonical model.
 */
import { isObj, type Obj, setKey, sortedKeys } from "./_util.ts";

export interface NormalizeOptions {
  readonly projectName: string;
  readonly projectDir: string;
  readonly env: Readonly<Record<string, string>>;
}

const SERVICE_REF_KEYS = ["network_mode", "ipc", "pid", "uts", "cgroup"] as const;

function addDependency(svc: Obj, name: string, entry: Obj): void {
  const deps: Obj = isObj(svc["depends_on"]) ? { ...svc["depends_on"] } : {};
  if (deps[name] === undefined) setKey(deps, name, entry);
  svc["depends_on"] = deps;
}

/**
 * Plain string keys that compose-go omits when empty (`omitempty`): `platform: ${P:-}` with P
 * unset means "no platform". `image` stays, so the consistency check can say it is empty.
 */
const OMIT_EMPTY = [
  "cgroup",
  "cgroup_parent",
  "container_name",
  "cpuset",
  "domainname",
  "hostname",
  "ipc",
  "isolation",
  "mac_address",
  "network_mode",
  "pid",
  "platform",
  "pull_policy",
  "restart",
  "runtime",
  "stop_signal",
  "user",
  "userns_mode",
  "uts",
  "working_dir",
] as const;

function normalizeService(svc: Obj, options: NormalizeOptions): Obj {
  const s: Obj = { ...svc };
  for (const key of OMIT_EMPTY) if (s[key] === "") delete s[key];
  // compose-go prints extra_hosts sorted; several files may each have added some.
  if (Array.isArray(s["extra_hosts"])) s["extra_hosts"] = [...s["extra_hosts"]].sort();
  if (Array.isArray(s["dns"]) && s["dns"].length === 0) delete s["dns"];
  const lookup = (name: string) => Object.hasOwn(options.env, name) ? options.env[name] : undefined;
  if (isObj(s["build"])) {
    const b: Obj = { ...s["build"] };
    if (b["context"] === undefined) b["context"] = options.projectDir;
    if (b["dockerfile"] === undefined && b["dockerfile_inline"] === undefined) {
      b["dockerfile"] = "Dockerfile";
    }
    if (isObj(b["args"])) {
      // Build args with no value take it from the environment, else are dropped (BU1).
      const args: Obj = {};
      for (const [k, v] of Object.entries(b["args"])) {
        const value = v === null ? lookup(k) : v;
        if (value !== undefined) setKey(args, k, value);
      }
      b["args"] = args;
    }
    s["build"] = b;
  }
  if (s["pull_policy"] === "if_not_present") s["pull_policy"] = "missing";
  if (isObj(s["environment"])) {
    // A bare name takes its value from the project environment, else stays null (N1, step 20).
    const env: Obj = {};
    for (const [k, v] of Object.entries(s["environment"])) {
      setKey(env, k, v === null ? (lookup(k) ?? null) : v);
    }
    s["environment"] = env;
  }
  // Implicit dependencies (D4).
  if (Array.isArray(s["links"])) {
    for (const link of s["links"]) {
      const name = String(link).split(":")[0] ?? "";
      addDependency(s, name, { condition: "service_started", restart: true, required: true });
    }
  }
  if (Array.isArray(s["volumes_from"])) {
    for (const from of s["volumes_from"]) {
      const text = String(from);
      if (text.startsWith("container:")) continue;
      const name = text.split(":")[0] ?? "";
      addDependency(s, name, { condition: "service_started", required: true });
    }
  }
  for (const key of SERVICE_REF_KEYS) {
    const value = s[key];
    if (typeof value === "string" && value.startsWith("service:")) {
      addDependency(s, value.slice("service:".length), {
        condition: "service_started",
        restart: true,
        required: true,
      });
    }
  }
  // The implicit default network (NW1, NW3).
  if (s["networks"] === undefined && s["network_mode"] === undefined) {
    s["networks"] = { default: null };
  }
  return s;
}

/** Normalizes the merged model (a new object). */
export function normalizeModel(model: Obj, options: NormalizeOptions): Obj {
  const out: Obj = { ...model };
  delete out["include"];
  delete out["version"];
  out["name"] = options.projectName;
  const services: Obj = {};
  const src = isObj(model["services"]) ? model["services"] : {};
  for (const name of sortedKeys(src)) {
    const svc = src[name];
    setKey(services, name, normalizeService(isObj(svc) ? svc : {}, options));
  }
  out["services"] = services;
  // A top-level default network exists only when some service uses it (NW1).
  const usesDefault = Object.values(services).some((s) =>
    isObj(s) && isObj(s["networks"]) && Object.hasOwn(s["networks"], "default")
  );
  const networks: Obj = isObj(model["networks"]) ? { ...model["networks"] } : {};
  if (usesDefault && networks["default"] === undefined) networks["default"] = {};
  if (Object.keys(networks).length > 0 || model["networks"] !== undefined) {
    out["networks"] = networks;
  }
  for (const kind of ["networks", "volumes", "secrets", "configs"] as const) {
    const section = out[kind];
    if (!isObj(section)) continue;
    const named: Obj = {};
    for (const key of sortedKeys(section)) {
      const r: Obj = isObj(section[key]) ? { ...(section[key] as Obj) } : {};
      // Platform names (V8): `<project>_<key>`, or the key itself when external.
      if (typeof r["name"] !== "string") {
        r["name"] = r["external"] === true ? key : `${options.projectName}_${key}`;
      }
      setKey(named, key, r);
    }
    out[kind] = named;
  }
  return out;
}
