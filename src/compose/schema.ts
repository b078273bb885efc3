/**
 * Shape validation of a raw compose tree (after interpolation, before canonicalization), with
 * every problem mapped to a registered DK22xx diagnostic code, and the JSON schema of the model.
 *
 * The zod schema lives in `_schema.ts` and is built on first use, not at import time; validation
 * builds only the parts of it a document uses. The zod-free fast path, `isPlainlyValid`, lives in
 * `_plain.ts`, so that the CLI's loader (`loader.ts`) imports this module only when a document
 * needs the model.
 *
 * @module
 */
// A namespace import, not `{ z }`: `z` is a namespace object that the bundler cannot tree-shake,
// so it would carry all 64 zod locales into the bundle (763 KB of zod instead of 181 KB).
import * as z from "zod";
import { diag, type Diagnostic, type Span } from "../diagnostics/mod.ts";
import { buildComposeSchema, composeSchemaFor, type CustomParams } from "./_schema.ts";
import { isPlainlyValid, type SchemaIssue } from "./_plain.ts";
import { didYouMean } from "./suggest.ts";

export { isPlainlyValid } from "./_plain.ts";
export type { SchemaIssue } from "./_plain.ts";
export { didYouMean } from "./suggest.ts";

/**
 * Every compose-spec service key, sorted (compose-spec `170098ba`). The compiler's mapping table
 * is checked against it; a test checks it against the zod service model.
 */
export const SERVICE_KEYS: readonly string[] = [
  "annotations",
  "attach",
  "blkio_config",
  "build",
  "cap_add",
  "cap_drop",
  "cgroup",
  "cgroup_parent",
  "command",
  "configs",
  "container_name",
  "cpu_count",
  "cpu_percent",
  "cpu_period",
  "cpu_quota",
  "cpu_rt_period",
  "cpu_rt_runtime",
  "cpu_shares",
  "cpus",
  "cpuset",
  "credential_spec",
  "depends_on",
  "deploy",
  "develop",
  "device_cgroup_rules",
  "devices",
  "dns",
  "dns_opt",
  "dns_search",
  "domainname",
  "entrypoint",
  "env_file",
  "environment",
  "expose",
  "extends",
  "external_links",
  "extra_hosts",
  "gpus",
  "group_add",
  "healthcheck",
  "hostname",
  "image",
  "init",
  "ipc",
  "isolation",
  "label_file",
  "labels",
  "links",
  "logging",
  "mac_address",
  "mem_limit",
  "mem_reservation",
  "mem_swappiness",
  "memswap_limit",
  "models",
  "network_mode",
  "networks",
  "oom_kill_disable",
  "oom_score_adj",
  "pid",
  "pids_limit",
  "platform",
  "ports",
  "post_start",
  "pre_stop",
  "privileged",
  "profiles",
  "provider",
  "pull_policy",
  "pull_refresh_after",
  "read_only",
  "restart",
  "runtime",
  "scale",
  "secrets",
  "security_opt",
  "shm_size",
  "stdin_open",
  "stop_grace_period",
  "stop_signal",
  "storage_opt",
  "sysctls",
  "tmpfs",
  "tty",
  "ulimits",
  "use_api_socket",
  "user",
  "userns_mode",
  "uts",
  "volumes",
  "volumes_from",
  "working_dir",
];

/** Keys removed from the compose format, with what replaces them. */
const REMOVED_KEYS: Readonly<Record<string, string>> = {
  dockerfile: 'It was removed from the compose format; use "build.dockerfile"',
  log_driver: 'It was removed from the compose format; use "logging.driver"',
  log_opt: 'It was removed from the compose format; use "logging.options"',
  net: 'It was removed from the compose format; use "network_mode"',
  volume_driver:
    'It was removed from the compose format; set "driver" on the top-level volume instead',
};

const RESOURCE_KINDS: Readonly<Record<string, string>> = {
  services: "service",
  networks: "network",
  volumes: "volume",
  secrets: "secret",
  configs: "config",
  models: "model",
};

/** `services.web.ports[0].target`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out === "" ? "(root)" : out;
}

/** How a mapping is named in a message: `service "web"`, `the top-level mapping`, `"a.b"`. */
function describeMapping(path: readonly (string | number)[]): string {
  if (path.length === 0) return "the top-level mapping";
  const kind = RESOURCE_KINDS[String(path[0])];
  if (path.length === 2 && kind !== undefined) return `${kind} "${path[1]}"`;
  return `"${formatPath(path)}"`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string": {
      const shown = value.length > 40 ? value.slice(0, 40) + "..." : value;
      return `a string (${JSON.stringify(shown)})`;
    }
    case "number":
      return `a number (${value})`;
    case "boolean":
      return `a boolean (${value})`;
    case "object":
      return "a mapping";
    default:
      return typeof value;
  }
}

/** A scalar as JSON (`"x"`, `5`); anything else described (never walks a possibly cyclic value). */
function showValue(value: unknown): string {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
    return JSON.stringify(value);
  }
  return describeValue(value);
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
  null: "null",
};

function joinAlternatives(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function valueAt(tree: unknown, path: readonly (string | number)[]): unknown {
  let node = tree;
  for (const part of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

type Issue = z.core.$ZodIssue;

function looksLikeService(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    ("image" in value || "build" in value);
}

function toPath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((p) => typeof p === "number" ? p : String(p));
}

/** True when every issue says "this node has the wrong type" (a union branch that did not apply). */
function isTypeMismatch(issues: readonly Issue[]): boolean {
  return issues.length > 0 && issues.every((i) =>
    i.path.length === 0 &&
    (i.code === "invalid_type" ||
      (i.code === "invalid_value" && i.values.length === 1) ||
      (i.code === "invalid_union" && i.errors.every((b) => isTypeMismatch(b))))
  );
}

/** The type names a mismatching union branch expected. */
function expectedTypes(issues: readonly Issue[], out: string[]): void {
  for (const i of issues) {
    if (i.code === "invalid_type") out.push(TYPE_NAMES[i.expected] ?? i.expected);
    else if (i.code === "invalid_value") out.push(i.values.map((v) => JSON.stringify(v)).join());
    else if (i.code === "invalid_union") { for (const b of i.errors) expectedTypes(b, out); }
  }
}

function isSingleEntry(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const entries = Object.values(value);
  return entries.length === 1 && (entries[0] === null || typeof entries[0] !== "object");
}

/** A fix for the most common wrong type: one value where the spec wants a list of them. */
function typeHint(expected: string, input: unknown): string | undefined {
  if (
    /\ba string\b/.test(expected) && (typeof input === "number" || typeof input === "boolean")
  ) {
    return `Quote the value: "${input}"`;
  }
  // `services:` written as a list of `- name:` entries.
  if (
    /\ba mapping\b/.test(expected) && Array.isArray(input) && input.length > 0 &&
    input.every((item) =>
      typeof item === "object" && item !== null && !Array.isArray(item) &&
      Object.keys(item).length === 1
    )
  ) {
    return 'Write a mapping: remove the "- " before each name';
  }
  // `- KEY: value` in a list of "KEY=VALUE" strings (environment, labels, args).
  if (/\ba string\b/.test(expected) && isSingleEntry(input)) {
    const [key, value] = Object.entries(input)[0]!;
    return `Write "${key}=${value === null ? "" : String(value)}", or remove the "- " of every ` +
      "entry to use the mapping form";
  }
  if (!/\ba list\b/.test(expected)) return undefined;
  if (typeof input !== "string" && typeof input !== "number") return undefined;
  return `Write a list, even for one entry: [${JSON.stringify(String(input))}]`;
}

class Mapper {
  readonly out: SchemaIssue[] = [];
  constructor(readonly tree: unknown) {}

  push(path: (string | number)[], code: string, args: Record<string, string>, hint?: string) {
    this.out.push(hint === undefined ? { path, code, args } : { path, code, args, hint });
  }

  /** Reports DK2202: the value at `path` is not of the `expected` type(s). */
  wrongType(path: (string | number)[], shown: string, expected: string, input: unknown) {
    this.push(
      path,
      "DK2202",
      { path: shown, expected, actual: describeValue(input) },
      typeHint(expected, input),
    );
  }

  /** Reports DK2204 when `path` names a key absent from its (existing) parent mapping. */
  missing(path: readonly (string | number)[]): boolean {
    const parentPath = path.slice(0, -1);
    const parent = valueAt(this.tree, parentPath);
    const key = path[path.length - 1];
    if (
      key === undefined || typeof parent !== "object" || parent === null ||
      Array.isArray(parent) || key in parent
    ) return false;
    this.push(parentPath, "DK2204", { key: String(key), where: describeMapping(parentPath) });
    return true;
  }

  map(issue: Issue, prefix: readonly (string | number)[]): void {
    const path = [...prefix, ...toPath(issue.path)];
    const shown = formatPath(path);
    const input = valueAt(this.tree, path);
    if (input === undefined && issue.code !== "custom" && this.missing(path)) return;
    switch (issue.code) {
      case "custom": {
        const params = issue.params as CustomParams | undefined;
        if (params === undefined) break;
        const args: Record<string, string> = { ...params.args };
        let hint: string | undefined;
        if (params.dk === "DK2201") {
          const key = String(path[path.length - 1]);
          args.where = describeMapping(path.slice(0, -1));
          const serviceLevel = path.length === 3 && path[0] === "services";
          const removed = serviceLevel ? REMOVED_KEYS[key] : undefined;
          const suggestion = didYouMean(key, params.known ?? []);
          if (removed !== undefined && removed !== "") hint = removed;
          else if (suggestion !== undefined) {
            args.suggestion = suggestion;
            hint = `Did you mean "${suggestion}"?`;
          } else if (path.length === 1 && looksLikeService(valueAt(this.tree, path))) {
            hint = 'Services go under "services:"; the version 1 layout without it is not ' +
              "supported";
          } else if (params.ext === true) {
            hint = 'Custom keys must start with "x-"';
          }
        } else if (params.dk === "DK2206") {
          args.path = formatPath(path.slice(0, -1));
        } else if (params.dk === "DK2208") {
          args.where = describeMapping(path.slice(0, -1));
        }
        this.push(path, params.dk, args, hint);
        return;
      }
      case "invalid_type": {
        this.wrongType(path, shown, TYPE_NAMES[issue.expected] ?? issue.expected, input);
        return;
      }
      case "invalid_union": {
        const applicable = issue.errors.filter((b) => !isTypeMismatch(b));
        const chosen = applicable[0];
        if (chosen !== undefined) {
          for (const inner of chosen) this.map(inner, path);
          return;
        }
        const names: string[] = [];
        for (const b of issue.errors) expectedTypes(b, names);
        this.wrongType(path, shown, joinAlternatives([...new Set(names)]), input);
        return;
      }
      case "invalid_value": {
        this.push(path, "DK2203", {
          value: showValue(input),
          path: shown,
          expected: `one of ${joinAlternatives(issue.values.map((v) => JSON.stringify(v)))}`,
        });
        return;
      }
      case "invalid_format": {
        this.push(path, "DK2203", {
          value: showValue(input),
          path: shown,
          expected: issue.message,
        });
        return;
      }
      case "too_small":
      case "too_big": {
        const bound = issue.code === "too_small"
          ? `at least ${issue.minimum}`
          : `at most ${issue.maximum}`;
        this.push(path, "DK2207", { value: String(input), path: shown, expected: bound });
        return;
      }
      default:
        this.push(path, "DK2202", {
          path: shown,
          expected: "a valid value",
          actual: describeValue(input),
        });
    }
  }
}

function comparePaths(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    const sx = String(x);
    const sy = String(y);
    if (sx !== sy) return sx < sy ? -1 : 1;
    return typeof x === "number" ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Validates the shape of a raw compose tree against the compose specification. Returns every
 * problem found (none when valid), each with a registered DK22xx code, sorted by path then code,
 * without duplicates.
 */
export function validateComposeShape(tree: unknown): SchemaIssue[] {
  if (isPlainlyValid(tree)) return [];
  // jitless: zod's fast path compiles a parser per object schema with `new Function` on first
  // use, which a CLI that validates one file per process never earns back (bench: ~5 ms less
  // CPU for a 10-service compile, the same for 2000 services). Results and issues are the same.
  // Only the parts of the model the document uses (the same issues as the full model).
  const result = composeSchemaFor(tree).safeParse(tree, { reportInput: true, jitless: true });
  if (result.success) return [];
  const mapper = new Mapper(tree);
  for (const issue of result.error.issues) mapper.map(issue, []);
  const seen = new Set<string>();
  const unique: SchemaIssue[] = [];
  for (const issue of mapper.out) {
    const key = JSON.stringify([issue.path, issue.code, issue.args]);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(issue);
  }
  // zod reports in traversal order (object key order of the input); sort for determinism.
  return unique.sort((a, b) =>
    comparePaths(a.path, b.path) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (JSON.stringify(a.args) < JSON.stringify(b.args) ? -1 : 1)
  );
}

/** Options for {@linkcode schemaDiagnostic}. */
export interface SchemaDiagnosticOptions {
  readonly span?: Span | undefined;
}

/** Turns a {@linkcode SchemaIssue} into a diagnostic (its `hint` overrides the registry's). */
export function schemaDiagnostic(
  issue: SchemaIssue,
  options: SchemaDiagnosticOptions = {},
): Diagnostic {
  return diag(issue.code, issue.args, {
    span: options.span,
    path: formatPath(issue.path),
    hint: issue.hint,
  });
}

/**
 * The JSON schema (draft-07) of a compose file as written, generated from the zod model. The
 * output is deterministic: it depends only on the schema's construction order.
 */
export function composeJsonSchema(): unknown {
  const built = buildComposeSchema();
  const schema = z.toJSONSchema(built.root, {
    target: "draft-7",
    metadata: built.registry,
    unrepresentable: "any",
    override: (ctx) => {
      const json = ctx.jsonSchema as Record<string, unknown>;
      const node = ctx.zodSchema as unknown as z.ZodType;
      const ext = built.objects.get(node);
      if (ext !== undefined) {
        json.additionalProperties = false;
        if (ext) json.patternProperties = { "^x-": {} };
      }
      const pattern = built.keyPatterns.get(node);
      if (pattern !== undefined) json.propertyNames = { type: "string", pattern };
      if (built.uniqueLists.has(node)) json.uniqueItems = true;
    },
  }) as Record<string, unknown>;
  return {
    ...schema,
    $id: "dokompose-compose.json",
    title: "Compose file (as read by dokompose)",
  };
}
