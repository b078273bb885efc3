/**
 * Source files: YAML parsing with positions.
 *
 * {@linkcode parseYaml} turns the text of one file into plain JSON-like values (one per YAML
 * document), a span for every compose path, and the paths tagged `!reset` / `!override`. It never
 * throws for bad input: syntax errors, duplicate keys, non-string keys and alias bombs are
 * located diagnostics.
 *
 * @module
 */
export { keyPathKey, parseYaml, pathKey } from "./_yaml.ts";
export type { ParseYamlOptions, TaggedPath, YamlDocument, YamlPath } from "./_yaml.ts";
