/**
 * Source files: YAML parsing with positions.
 *
 * {@linkcode parseYaml} turns the text of one file into plain JSON-like values (one per YAML
 * document), a span for every compose path, and the paths tagged `!reset` / `!override`. It never
 * throws for bad input: syntax errors, duplicate keys, non-string keys and alias bombs are
 * located diagnostics.
 *
 * `plain.ts` holds the types and span keys, and the fast path for plain YAML, without the `yaml`
 * package: the loader imports it, and loads this module only for files that need it.
 *
 * @module
 */
export { parseYaml } from "./_yaml.ts";
export { keyPathKey, pathKey } from "./plain.ts";
export type { ParseResult, ParseYamlOptions, TaggedPath, YamlDocument, YamlPath } from "./plain.ts";
