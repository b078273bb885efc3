/**
 * Stage B step 16: the ONE canonicalization table. Short syntaxes become long ones, keyed by
 * compose path, so later stages never ask "is this a string or a list". Relative paths are
 * resolved here, against the directory the file's paths are relative to (the project directory
 * for `-f` files, the file's own directory for `extends.file` and `include` targets).
 *
 * Runs on one file's tree after interpolation and schema validation, before extends and merge
 * (like compose-go's `transform.Canonical`), so merges see one form only.
 */
import { diag, type DiagArgs, type Span } from "../diagnostics/mod.ts";
import { pathKey, type YamlPath } from "../source/plain.ts";
import type { LoadContext } from "./_context.ts";
import { spanAt } from "./_interp_tree.ts";
import { splitShell } from "./_shellwords.ts";
import { formatDuration, parseBytes, parseCpus, parseDuration } from "./_units.ts";
import {
  cleanPath,
  isAbsolute,
  isObj,
  type Obj,
  resolvePath,
  scalarString,
  setKey,
} from "./_util.ts";

export interface CanonOptions {
  /** Directory relative paths in this file resolve against. */
  readonly baseDir: string;
  /** The project environment (`HOME` for `~`). */
  readonly env: Readonly<Record<string, string>>;
  /** This file's spans; list entries that become map entries get their span copied. */
  readonly spans: Map<string, Span>;
}

class Canon {
  readonly ctx: LoadContext;
  readonly options: CanonOptions;
  constructor(ctx: LoadContext, options: CanonOptions) {
    this.ctx = ctx;
    this.options = options;
  }
  error(code: string, args: DiagArgs, path: YamlPath, hint?: string): void {
    this.ctx.diagnostics.push(
      diag(code, args, { span: spanAt(this.options.spans, path), path: path.join("."), hint }),
    );
  }
  /**
   * A command that cannot be split: pointed at the bad character when the value is written
   * verbatim on its line (a plain or simply quoted scalar), with a hint that runs it in a shell.
   */
  commandError(
    failure: { code: string; args: DiagArgs; offset: number },
    value: string,
    path: YamlPath,
  ): void {
    let span = spanAt(this.options.spans, path);
    if (span !== undefined) {
      const text = this.ctx.inputs.get(span.file);
      const line = text?.split("\n")[span.line - 1] ?? "";
      const from = line.slice(span.column - 1).replace(/^["']/, "");
      const quoted = from.length < line.length - span.column + 1 ? 1 : 0;
      if (from.startsWith(value) && !value.includes("\n")) {
        const column = span.column + quoted + [...value.slice(0, failure.offset)].length;
        span = { file: span.file, line: span.line, column };
      }
    }
    const script = value.trim();
    const shell = /^((?:\/bin\/)?(?:ba|a|z)?sh) -c (.+)$/s.exec(script);
    const body = shell === null ? script : shell[2] ?? "";
    const words = [shell?.[1] ?? "sh", "-c", body.length <= 60 ? body : "..."];
    const reason = String(failure.args["reason"] ?? "");
    const hint = reason.includes("operator")
      ? `Run it through a shell with the list form: [${
        words.map((w) => JSON.stringify(w)).join(", ")
      }]`
      : reason.startsWith("unterminated")
      ? "Close the quote, or write the command as a list of words"
      : undefined;
    this.ctx.diagnostics.push(
      diag(failure.code, failure.args, { span, path: path.join("."), hint }),
    );
  }
  /** The span of `from` is also the span of `to` (a list entry that became a map entry). */
  alias(from: YamlPath, to: YamlPath): void {
    const span = this.options.spans.get(pathKey(from));
    if (span !== undefined && !this.options.spans.has(pathKey(to))) {
      this.options.spans.set(pathKey(to), span);
    }
  }
  /** A host path: `~` expanded, relative paths resolved against the base directory. */
  hostPath(p: string): string {
    if (p === "~" || p.startsWith("~/")) {
      const home = this.options.env["HOME"];
      if (home !== undefined) return cleanPath(home + p.slice(1));
      return p;
    }
    return isAbsolute(p) ? p : resolvePath(this.options.baseDir, p);
  }
}

type Rule = (c: Canon, value: unknown, path: YamlPath) => unknown;

// ---------------------------------------------------------------------------------------------
// Maps that may be written as lists (`KEY=VALUE`).

function listToMap(
  c: Canon,
  value: unknown,
  path: YamlPath,
  bare: "null" | "empty",
  checkSpace: boolean,
): Obj {
  const out: Obj = {};
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const text = scalarString(item);
      const eq = text.indexOf("=");
      const key = eq < 0 ? text : text.slice(0, eq);
      if (checkSpace && key !== key.trimEnd()) {
        c.error("DK2303", { key }, [...path, i]);
        return;
      }
      const v = eq < 0 ? (bare === "null" ? null : "") : text.slice(eq + 1);
      // A repeated key in list form: the last one wins (N4).
      if (Object.hasOwn(out, key)) delete out[key];
      setKey(out, key, v);
      c.alias([...path, i], [...path, key]);
    });
    return out;
  }
  if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      setKey(out, k, v === null ? (bare === "null" ? null : "") : scalarString(v));
    }
  }
  return out;
}

const environmentRule: Rule = (c, v, p) => listToMap(c, v, p, "null", true);
const labelsRule: Rule = (c, v, p) => listToMap(c, v, p, "empty", false);

function stringList(value: unknown): unknown {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.map((v) => scalarString(v));
  return value;
}

const stringListRule: Rule = (_c, v) => stringList(v);

// ---------------------------------------------------------------------------------------------
// Commands, durations, sizes.

const commandRule: Rule = (c, value, path) => {
  if (value === null) return null;
  if (typeof value === "string") {
    if (value.trim() === "") return [];
    const split = splitShell(value);
    if (!split.ok) {
      c.commandError(split, value, path);
      return [];
    }
    return [...split.words];
  }
  if (Array.isArray(value)) return value.map((v) => scalarString(v));
  return value;
};

function duration(c: Canon, value: unknown, path: YamlPath): unknown {
  if (value === null || value === undefined) return value;
  const text = scalarString(value);
  const parsed = parseDuration(text);
  if (!parsed.ok) {
    c.error(parsed.code, parsed.args, path);
    return value;
  }
  return formatDuration(parsed.nanos);
}

const durationRule: Rule = duration;

function bytes(c: Canon, value: unknown, path: YamlPath): unknown {
  if (value === null || value === undefined) return value;
  if (value === -1 || value === "-1") return "-1";
  const parsed = parseBytes(value as string | number);
  if (!parsed.ok) {
    c.error(parsed.code, parsed.args, path);
    return value;
  }
  return String(parsed.bytes);
}

const bytesRule: Rule = bytes;

function number(c: Canon, value: unknown, path: YamlPath): unknown {
  if (typeof value !== "number" && typeof value !== "string") return value;
  const parsed = parseCpus(value);
  if (!parsed.ok) {
    c.error(parsed.code, parsed.args, path);
    return value;
  }
  return parsed.cpus;
}

// ---------------------------------------------------------------------------------------------
// build

function isRemoteContext(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith("git@") ||
    context.startsWith("github.com/");
}

const buildRule: Rule = (c, value, path) => {
  const b: Obj = typeof value === "string" ? { context: value } : isObj(value) ? { ...value } : {};
  if (typeof b["context"] === "string" && !isRemoteContext(b["context"])) {
    b["context"] = c.hostPath(b["context"]);
  }
  if (b["args"] !== undefined) {
    b["args"] = listToMap(c, b["args"], [...path, "args"], "null", false);
  }
  if (b["labels"] !== undefined) {
    b["labels"] = listToMap(c, b["labels"], [...path, "labels"], "empty", false);
  }
  if (typeof b["dockerfile"] === "string" && typeof b["dockerfile_inline"] === "string") {
    c.error("DK2305", {}, path);
  }
  if (b["shm_size"] !== undefined) b["shm_size"] = bytes(c, b["shm_size"], [...path, "shm_size"]);
  return b;
};

// ---------------------------------------------------------------------------------------------
// healthcheck

const healthRule: Rule = (c, value, path) => {
  if (!isObj(value)) return value;
  const h: Obj = { ...value };
  if (typeof h["test"] === "string") h["test"] = ["CMD-SHELL", h["test"]];
  else if (Array.isArray(h["test"])) h["test"] = h["test"].map((v) => scalarString(v));
  for (const key of ["interval", "timeout", "start_period", "start_interval"]) {
    if (h[key] !== undefined) h[key] = duration(c, h[key], [...path, key]);
  }
  return h;
};

// ---------------------------------------------------------------------------------------------
// ports (RULES.md PT1-PT8)

const PROTOCOLS = new Set(["tcp", "udp", "sctp"]);

export function isIpAddress(ip: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4 !== null) return v4.slice(1).every((o) => Number(o) <= 255 && !/^0\d/.test(o));
  if (!ip.includes(":") || !/^[0-9a-fA-F:.]+$/.test(ip)) return false;
  if ((ip.match(/::/g) ?? []).length > 1) return false;
  const parts = ip.split(":");
  const last = parts[parts.length - 1] ?? "";
  if (last.includes(".")) return isIpAddress(last) && parts.length <= 7;
  return parts.length <= 8 && parts.every((p) => p.length <= 4);
}

function parseRange(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (m === null) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535 || end < start) return undefined;
  return [start, end];
}

function shortPort(c: Canon, raw: string, path: YamlPath): Obj[] {
  const bad = (reason: string) => {
    c.error("DK2301", { value: raw, reason }, path);
    return [];
  };
  let spec = raw;
  let protocol = "tcp";
  const slash = spec.lastIndexOf("/");
  if (slash >= 0) {
    protocol = spec.slice(slash + 1);
    spec = spec.slice(0, slash);
    if (!PROTOCOLS.has(protocol.toLowerCase())) return bad(`invalid proto "${protocol}"`);
    protocol = protocol.toLowerCase();
  }
  const parts = spec.split(":");
  const container = parts[parts.length - 1] ?? "";
  let host = "";
  let ip = "";
  if (parts.length === 2) host = parts[0] ?? "";
  else if (parts.length === 3) [ip, host] = [parts[0] ?? "", parts[1] ?? ""];
  else if (parts.length > 3) {
    ip = parts.slice(0, -2).join(":");
    host = parts[parts.length - 2] ?? "";
  }
  if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.slice(1, -1);
  if (ip !== "" && !isIpAddress(ip)) {
    // "8080:80:90": three numbers read as IP:HOST:CONTAINER; say what went wrong.
    return bad(
      /^\d+$/.test(ip)
        ? `invalid ip address "${ip}" (three parts are HOST_IP:HOST_PORT:CONTAINER_PORT)`
        : `invalid ip address "${ip}"`,
    );
  }
  const cRange = parseRange(container);
  if (cRange === undefined) return bad(`invalid container port "${container}"`);
  const hRange = host === "" ? undefined : parseRange(host);
  if (host !== "" && hRange === undefined) return bad(`invalid host port "${host}"`);
  const count = cRange[1] - cRange[0];
  if (hRange !== undefined && count !== 0 && hRange[1] - hRange[0] !== count) {
    return bad("the host and container port ranges have different lengths");
  }
  const out: Obj[] = [];
  for (let i = 0; i <= count; i++) {
    const p: Obj = { target: cRange[0] + i, protocol, mode: "ingress" };
    if (hRange !== undefined) {
      p["published"] = count === 0 ? host : String(hRange[0] + i);
    }
    if (ip !== "") p["host_ip"] = ip;
    out.push(p);
  }
  return out;
}

/** A long-syntax port as users wrote it, for messages: `{target: 80, published: x}`. */
function showPort(value: Obj): string {
  const fields = Object.entries(value).map(([k, v]) => `${k}: ${scalarString(v)}`);
  return `{${fields.join(", ")}}`;
}

function longPort(c: Canon, value: Obj, path: YamlPath): Obj {
  const p: Obj = { ...value };
  if (typeof p["target"] === "string" && /^\d+$/.test(p["target"])) {
    p["target"] = Number(p["target"]);
  }
  if (p["published"] !== undefined && p["published"] !== null) {
    p["published"] = scalarString(p["published"]);
  }
  // `published: ${PORT:-}` left empty means "not published", as in compose-go.
  if (p["published"] === undefined || p["published"] === null || p["published"] === "") {
    delete p["published"];
  } else if (parseRange(p["published"] as string) === undefined) {
    c.error(
      "DK2301",
      {
        value: showPort(value),
        reason: `invalid published port "${p["published"]}"`,
      },
      [...path, "published"],
      'Write a port number or a range, such as 8080 or "8000-8010"',
    );
  }
  const target = p["target"];
  if (typeof target === "number" && !(Number.isInteger(target) && target >= 1 && target <= 65535)) {
    c.error(
      "DK2301",
      {
        value: showPort(value),
        reason: `invalid container port "${target}"`,
      },
      [...path, "target"],
      "Write a port number from 1 to 65535",
    );
  }
  p["protocol"] = typeof p["protocol"] === "string" ? p["protocol"].toLowerCase() : "tcp";
  if (!PROTOCOLS.has(p["protocol"] as string)) {
    c.error(
      "DK2301",
      { value: showPort(value), reason: `invalid proto "${p["protocol"]}"` },
      path,
    );
  }
  if (p["mode"] === undefined) p["mode"] = "ingress";
  return p;
}

/** The identity of a port for uniqueness (M4). */
export function portKey(p: Obj): string {
  return `${p["host_ip"] ?? ""}:${p["published"] ?? ""}:${p["target"]}/${p["protocol"] ?? "tcp"}`;
}

const portsRule: Rule = (c, value, path) => {
  if (!Array.isArray(value)) return value;
  const out: Obj[] = [];
  const seen = new Set<string>();
  value.forEach((item, i) => {
    const itemPath = [...path, i];
    const expanded = isObj(item)
      ? [longPort(c, item, itemPath)]
      : shortPort(c, scalarString(item), itemPath);
    for (const p of expanded) {
      const key = portKey(p);
      if (seen.has(key)) continue; // an exact repeat is dropped (M4)
      seen.add(key);
      c.alias(itemPath, [...path, out.length]);
      out.push(p);
    }
  });
  return out;
};

// ---------------------------------------------------------------------------------------------
// volumes (RULES.md V1-V7)

const PROPAGATION = new Set(["shared", "rshared", "slave", "rslave", "private", "rprivate"]);

function isHostPath(source: string): boolean {
  return /^[./~]/.test(source) || /^[A-Za-z]:[\\/]/.test(source) || source.startsWith("\\\\");
}

function shortVolume(c: Canon, spec: string, path: YamlPath): Obj | undefined {
  if (spec.length === 0) {
    c.error("DK2302", { value: spec, reason: "the spec is empty" }, path);
    return undefined;
  }
  const fields: string[] = [];
  let buffer = "";
  for (let i = 0; i < spec.length; i++) {
    const ch = spec[i];
    // A Windows drive letter (`C:\`) is not a separator.
    if (
      ch === ":" && buffer.length === 1 && /[A-Za-z]/.test(buffer) &&
      /[\\/]/.test(spec[i + 1] ?? "")
    ) {
      buffer += ch;
    } else if (ch === ":") {
      fields.push(buffer);
      buffer = "";
    } else buffer += ch;
  }
  fields.push(buffer);
  if (fields.some((f) => f === "")) {
    c.error("DK2302", { value: spec, reason: "empty section between colons" }, path);
    return undefined;
  }
  if (fields.length > 3) {
    c.error("DK2302", { value: spec, reason: "too many colons" }, path);
    return undefined;
  }
  const [first = "", second, options] = fields;
  const source = second === undefined ? "" : first;
  const target = second === undefined ? first : second;
  const v: Obj = {};
  if (source === "") {
    v["type"] = "volume";
  } else if (isHostPath(source)) {
    v["type"] = "bind";
    v["source"] = c.hostPath(source);
  } else {
    v["type"] = "volume";
    v["source"] = source;
  }
  v["target"] = cleanPath(target);
  const bind: Obj = v["type"] === "bind" ? { create_host_path: true } : {};
  for (const option of (options ?? "").split(",")) {
    if (option === "ro") v["read_only"] = true;
    else if (option === "rw") delete v["read_only"];
    else if (option === "nocopy") v["volume"] = { nocopy: true };
    else if (option === "z" || option === "Z") bind["selinux"] = option;
    else if (PROPAGATION.has(option)) bind["propagation"] = option;
    // Other options (consistency flags such as `cached`) are ignored, as compose-go does.
  }
  if (Object.keys(bind).length > 0) v["bind"] = bind;
  return v;
}

function longVolume(c: Canon, value: Obj, path: YamlPath): Obj {
  const v: Obj = { ...value };
  if (v["type"] === "bind" && typeof v["source"] === "string") {
    v["source"] = c.hostPath(v["source"]);
  }
  if (typeof v["target"] === "string") v["target"] = cleanPath(v["target"]);
  if (v["read_only"] === false) delete v["read_only"];
  if (v["type"] === "bind") {
    const bind: Obj = isObj(v["bind"]) ? { ...v["bind"] } : {};
    if (bind["create_host_path"] === undefined) bind["create_host_path"] = true;
    v["bind"] = bind;
  }
  if (isObj(v["tmpfs"])) {
    const tmpfs: Obj = { ...v["tmpfs"] };
    if (tmpfs["size"] !== undefined) {
      tmpfs["size"] = bytes(c, tmpfs["size"], [...path, "tmpfs", "size"]);
    }
    v["tmpfs"] = tmpfs;
  }
  return v;
}

const volumesRule: Rule = (c, value, path) => {
  if (!Array.isArray(value)) return value;
  const out: Obj[] = [];
  const targets = new Map<string, number>();
  value.forEach((item, i) => {
    const itemPath = [...path, i];
    const v = isObj(item)
      ? longVolume(c, item, itemPath)
      : shortVolume(c, scalarString(item), itemPath);
    if (v === undefined) return;
    const target = String(v["target"]);
    const first = targets.get(target);
    if (first !== undefined) {
      c.error("DK2304", { target, first: first + 1 }, itemPath);
      return;
    }
    targets.set(target, i);
    out.push(v);
  });
  return out;
};

// ---------------------------------------------------------------------------------------------
// depends_on, networks, secrets/configs, env_file, extends

const dependsRule: Rule = (c, value, path) => {
  const out: Obj = {};
  if (Array.isArray(value)) {
    value.forEach((name, i) => {
      const key = scalarString(name);
      out[key] = { condition: "service_started", required: true };
      c.alias([...path, i], [...path, key]);
    });
    return out;
  }
  if (!isObj(value)) return value;
  for (const [name, entry] of Object.entries(value)) {
    const d: Obj = isObj(entry) ? { ...entry } : {};
    // An unknown condition is a schema error (DK2203), reported before this runs.
    if (d["condition"] === undefined) d["condition"] = "service_started";
    if (d["required"] === undefined) d["required"] = true;
    setKey(out, name, d);
  }
  return out;
};

const serviceNetworksRule: Rule = (c, value, path) => {
  const out: Obj = {};
  if (Array.isArray(value)) {
    value.forEach((name, i) => {
      const key = scalarString(name);
      setKey(out, key, null);
      c.alias([...path, i], [...path, key]);
    });
    return out;
  }
  if (!isObj(value)) return value;
  for (const [name, entry] of Object.entries(value)) {
    const n: Obj | null = isObj(entry) ? { ...entry } : null;
    if (n !== null && n["driver_opts"] !== undefined) n["driver_opts"] = options(n["driver_opts"]);
    setKey(out, name, n);
  }
  return out;
};

function octalMode(value: unknown): unknown {
  let n: number | undefined;
  if (typeof value === "number" && Number.isInteger(value)) n = value;
  else if (typeof value === "string") {
    const m = /^0o?([0-7]+)$/i.exec(value.trim());
    if (m !== null) n = parseInt(m[1] ?? "0", 8);
    else if (/^\d+$/.test(value.trim())) n = Number(value.trim());
  }
  if (n === undefined) return value;
  return "0" + n.toString(8);
}

function grantsRule(kind: "secrets" | "configs"): Rule {
  return (_c, value) => {
    if (!Array.isArray(value)) return value;
    return value.map((item) => {
      const g: Obj = isObj(item) ? { ...item } : { source: scalarString(item) };
      if (kind === "secrets" && g["target"] === undefined && typeof g["source"] === "string") {
        g["target"] = `/run/secrets/${g["source"]}`;
      }
      if (g["mode"] !== undefined) g["mode"] = octalMode(g["mode"]);
      for (const id of ["uid", "gid"]) if (g[id] !== undefined) g[id] = scalarString(g[id]);
      return g;
    });
  };
}

const envFileRule: Rule = (c, value) => {
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
  return list.map((item) => {
    const e: Obj = isObj(item) ? { ...item } : { path: scalarString(item) };
    if (typeof e["path"] === "string") e["path"] = c.hostPath(e["path"]);
    if (e["required"] === undefined) e["required"] = true;
    return e;
  });
};

const extendsRule: Rule = (_c, value) => typeof value === "string" ? { service: value } : value;

/** `[::1]` -> `::1`, as compose-go cleans extra_hosts addresses. */
function unbracket(ip: string): string {
  return ip.length > 2 && ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
}

/**
 * extra_hosts in compose-go's canonical form: `HOST=IP` strings. The list form accepts `HOST=IP`
 * and `HOST:IP` (the first `=`, else the first `:`, separates them), and `IP1,IP2` for several
 * addresses. A host name must be non-empty and free of `:` and `=`.
 */
const extraHostsRule: Rule = (c, value, path) => {
  const out: string[] = [];
  const add = (host: string, ip: string, raw: string, at: YamlPath): void => {
    if (host === "" || /[:=]/.test(host)) {
      c.error("DK2307", { value: raw, reason: `bad host name "${host}"` }, at);
      return;
    }
    out.push(`${host}=${unbracket(ip)}`);
  };
  if (isObj(value)) {
    for (const host of Object.keys(value).sort()) {
      const ips = value[host];
      for (const ip of Array.isArray(ips) ? ips : [ips]) {
        add(host, ip === null ? "" : scalarString(ip), host, [...path, host]);
      }
    }
    return out;
  }
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
  list.forEach((item, i) => {
    const raw = scalarString(item);
    const sep = raw.includes("=") ? "=" : ":";
    const at = raw.indexOf(sep);
    if (at < 0) {
      c.error("DK2307", { value: raw, reason: "missing IP address" }, [...path, i]);
      return;
    }
    for (const ip of raw.slice(at + 1).split(",")) add(raw.slice(0, at), ip, raw, [...path, i]);
  });
  return out;
};

/** compose-go `types.Options`: every value a string, null as "". */
function options(value: unknown): unknown {
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) setKey(out, k, v === null ? "" : scalarString(v));
  return out;
}

const loggingRule: Rule = (_c, value) => {
  if (!isObj(value) || value["options"] === undefined) return value;
  return { ...value, options: options(value["options"]) };
};

/** `dns` without empty entries (compose-go omits them: `dns: ["${DNS:-}"]` means none). */
const dnsRule: Rule = (_c, value) => {
  const list = stringList(value);
  return Array.isArray(list) ? list.filter((v) => v !== "") : list;
};

/** Devices: `SOURCE[:TARGET[:PERMISSIONS]]` becomes `{source, target, permissions}`. */
const devicesRule: Rule = (c, value, path) => {
  if (!Array.isArray(value)) return value;
  const out: unknown[] = [];
  value.forEach((item, i) => {
    if (isObj(item)) {
      out.push(item);
      return;
    }
    const raw = scalarString(item);
    const parts = raw.split(":");
    if (parts.length > 3 || parts[0] === "") {
      const reason = parts.length > 3 ? "too many colons" : "the source is empty";
      c.error("DK2308", { value: raw, reason }, [...path, i]);
      return;
    }
    const [source = "", target = "", permissions = "rwm"] = parts;
    out.push({ source, target: target === "" ? source : target, permissions });
  });
  return out;
};

/** A GPU or device request with neither `count` nor `device_ids` asks for all (compose-go). */
function deviceRequest(value: unknown): unknown {
  if (!isObj(value) || value["count"] !== undefined || value["device_ids"] !== undefined) {
    return value;
  }
  return { ...value, count: "all" };
}

/** `gpus: all` is `[{count: all}]`; each request gets the count default. */
const gpusRule: Rule = (_c, value) =>
  value === "all" ? [{ count: "all" }] : Array.isArray(value) ? value.map(deviceRequest) : value;

const deployRule: Rule = (c, value, path) => {
  if (!isObj(value)) return value;
  const d: Obj = { ...value };
  if (isObj(d["resources"])) {
    const resources: Obj = { ...d["resources"] };
    const reservations = resources["reservations"];
    if (isObj(reservations) && Array.isArray(reservations["devices"])) {
      resources["reservations"] = {
        ...reservations,
        devices: reservations["devices"].map(deviceRequest),
      };
    }
    for (const kind of ["limits", "reservations"]) {
      const r = resources[kind];
      if (!isObj(r)) continue;
      const copy: Obj = { ...r };
      const here = [...path, "resources", kind];
      if (copy["memory"] !== undefined) {
        copy["memory"] = bytes(c, copy["memory"], [...here, "memory"]);
      }
      if (copy["cpus"] !== undefined) copy["cpus"] = number(c, copy["cpus"], [...here, "cpus"]);
      resources[kind] = copy;
    }
    d["resources"] = resources;
  }
  for (const section of ["restart_policy", "update_config", "rollback_config"]) {
    const s = d[section];
    if (!isObj(s)) continue;
    const copy: Obj = { ...s };
    for (const key of ["delay", "window", "monitor"]) {
      if (copy[key] !== undefined) copy[key] = duration(c, copy[key], [...path, section, key]);
    }
    d[section] = copy;
  }
  if (d["labels"] !== undefined) {
    d["labels"] = listToMap(c, d["labels"], [...path, "labels"], "empty", false);
  }
  return d;
};

/** The table: service key -> rule. Keys not listed are kept as validated. */
const SERVICE_RULES: Readonly<Record<string, Rule>> = {
  build: buildRule,
  command: commandRule,
  entrypoint: commandRule,
  healthcheck: healthRule,
  environment: environmentRule,
  labels: labelsRule,
  annotations: labelsRule,
  sysctls: (c, v, p) => listToMap(c, v, p, "empty", false),
  env_file: envFileRule,
  label_file: envFileRule,
  ports: portsRule,
  expose: stringListRule,
  volumes: volumesRule,
  depends_on: dependsRule,
  networks: serviceNetworksRule,
  secrets: grantsRule("secrets"),
  configs: grantsRule("configs"),
  extends: extendsRule,
  mem_limit: bytesRule,
  mem_reservation: bytesRule,
  memswap_limit: bytesRule,
  shm_size: bytesRule,
  cpus: number,
  stop_grace_period: durationRule,
  deploy: deployRule,
  tmpfs: stringListRule,
  dns: dnsRule,
  dns_search: stringListRule,
  dns_opt: stringListRule,
  extra_hosts: extraHostsRule,
  profiles: stringListRule,
  logging: loggingRule,
  gpus: gpusRule,
  devices: devicesRule,
};

function canonicalService(c: Canon, value: unknown, path: YamlPath): Obj {
  if (!isObj(value)) return {};
  const out: Obj = {};
  for (const [key, v] of Object.entries(value)) {
    const rule = SERVICE_RULES[key];
    setKey(out, key, rule === undefined ? v : rule(c, v, [...path, key]));
  }
  // `false` booleans are omitted in the canonical JSON (compose-go `omitempty`).
  for (const key of ["read_only", "privileged", "tty", "stdin_open"]) {
    if (out[key] === false) delete out[key];
  }
  return out;
}

function canonicalResource(
  c: Canon,
  kind: string,
  name: string,
  value: unknown,
  path: YamlPath,
): Obj {
  const r: Obj = isObj(value) ? { ...value } : {};
  const ext = r["external"];
  if (isObj(ext)) {
    // Legacy `external: {name: x}` (L6).
    const extName = ext["name"];
    if (typeof extName === "string") {
      if (typeof r["name"] === "string" && r["name"] !== extName) {
        c.error("DK2306", { kind: kind.slice(0, -1), name, a: r["name"], b: extName }, [
          ...path,
          "external",
        ]);
      }
      r["name"] = extName;
    }
    r["external"] = true;
  }
  if (r["labels"] !== undefined) {
    r["labels"] = listToMap(c, r["labels"], [...path, "labels"], "empty", false);
  }
  if ((kind === "secrets" || kind === "configs") && typeof r["file"] === "string") {
    r["file"] = c.hostPath(r["file"]);
  }
  if (r["driver_opts"] !== undefined) r["driver_opts"] = options(r["driver_opts"]);
  if (kind === "volumes" && isObj(r["driver_opts"])) {
    const opts: Obj = { ...r["driver_opts"] };
    const device = opts["device"];
    if (
      typeof device === "string" && (r["driver"] === undefined || r["driver"] === "local") &&
      /\bbind\b/.test(scalarString(opts["o"] ?? "")) && !isAbsolute(device)
    ) {
      opts["device"] = c.hostPath(device);
    }
    r["driver_opts"] = opts;
  }
  return r;
}

const INCLUDE_KEYS = new Set(["path", "project_directory", "env_file"]);

function canonicalInclude(value: unknown): Obj[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => {
    if (!isObj(item)) return { path: [scalarString(item)] };
    const out: Obj = {};
    for (const [k, v] of Object.entries(item)) if (INCLUDE_KEYS.has(k)) out[k] = v;
    out["path"] = stringList(item["path"]);
    if (item["env_file"] !== undefined) out["env_file"] = stringList(item["env_file"]);
    return out;
  });
}

/** Canonicalizes one validated file tree (a copy; the input is not changed). */
export function canonicalizeFile(ctx: LoadContext, tree: Obj, options: CanonOptions): Obj {
  const c = new Canon(ctx, options);
  const out: Obj = {};
  for (const [key, value] of Object.entries(tree)) {
    if (key === "services") {
      const services: Obj = {};
      if (isObj(value)) {
        for (const [name, svc] of Object.entries(value)) {
          setKey(services, name, canonicalService(c, svc, ["services", name]));
        }
      }
      out[key] = services;
    } else if (key === "networks" || key === "volumes" || key === "secrets" || key === "configs") {
      const resources: Obj = {};
      if (isObj(value)) {
        for (const [name, r] of Object.entries(value)) {
          setKey(resources, name, canonicalResource(c, key, name, r, [key, name]));
        }
      }
      out[key] = resources;
    } else if (key === "include") {
      out[key] = canonicalInclude(value);
    } else {
      setKey(out, key, value);
    }
  }
  return out;
}
