/**
 * Serializes the canonical model for `dokompose config`: JSON with keys sorted at every level
 * (never the loader's insertion order), and the same content as YAML.
 */
import { stringify } from "yaml";
import { isObj } from "./_util.ts";

/** A copy with object keys sorted (code-unit order) at every level; arrays keep their order. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeysDeep(v));
  if (isObj(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = value[key];
      if (v === undefined) continue;
      Object.defineProperty(out, key, { value: sortKeysDeep(v), enumerable: true, writable: true });
    }
    return out;
  }
  return value;
}

/** The canonical JSON of a model (2-space indent, sorted keys, trailing newline). */
export function toCanonicalJson(model: unknown): string {
  return JSON.stringify(sortKeysDeep(model), null, 2) + "\n";
}

/**
 * The canonical model as YAML (sorted keys). Strings that YAML 1.1 readers would take for
 * booleans, numbers or base-60 integers (`yes`, `0440`, `22:22`) are quoted.
 */
export function toCanonicalYaml(model: unknown): string {
  return stringify(sortKeysDeep(model), {
    version: "1.1",
    lineWidth: 0,
    aliasDuplicateObjects: false,
    nullStr: "null",
  });
}
