/**
 * The Stack stage: compose model -> `stack/v1`, the Dokku-shaped model the compiler lowers.
 *
 * Importing this module loads no zod: the Stack's zod model and JSON schema (`stackSchema`,
 * `stackJsonSchema`) are in `schema.ts`, which only tests and the schema generator need.
 *
 * @module
 */
import type { Stack } from "./model.ts";

export * from "./model.ts";
export {
  DOKKU_STORAGE_DIR,
  inputChecksum,
  inputChecksumAsync,
  transformToStack,
} from "./transform.ts";
export type { TransformOptions, TransformResult } from "./transform.ts";
export { MAPPING, mappingRule, X_DOKKU_KEYS } from "./_mapping.ts";
export type { MappingRule, MappingStatus } from "./_mapping.ts";
export { parseImageRef } from "./_image.ts";
export type { ImageParse, ImageRef } from "./_image.ts";
export { PLUGIN_NAMES, pluginForImage, PLUGINS } from "./_datastores.ts";
export type { PluginInfo } from "./_datastores.ts";

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    // Object keys sorted: the JSON never depends on the order properties were set in.
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** The Stack as deterministic, pretty JSON (object keys sorted, two-space indent, final newline). */
export function stackToJson(stack: Stack): string {
  return JSON.stringify(sortKeys(stack), null, 2) + "\n";
}
