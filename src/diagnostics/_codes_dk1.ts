/** Diagnostic codes DK1xxx: YAML and source files. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

/** The table, built when the registry is first used (not when the module loads). */
export function codesDk1(): CodeTable {
  return {
    DK1001: {
      severity: "error",
      message: "Invalid YAML: {message}",
      hint: "Check the indentation and quoting around this position",
    },
    DK1002: {
      severity: "error",
      message: 'Mapping key "{key}" already defined at line {line}',
      hint: "Remove one of the two entries; YAML does not allow a key twice in one mapping",
    },
    DK1003: {
      severity: "error",
      message: "Non-string key in {path}: {key}",
      hint: 'Quote the key, for example "{key}":',
    },
    DK1004: {
      severity: "error",
      message: "YAML aliases expand to more than {limit} nodes",
      hint: "This looks like an alias bomb; reduce the nesting of anchors and aliases",
    },
    DK1005: {
      severity: "error",
      message: "Empty compose file",
      hint: "A compose file needs at least a services: mapping",
    },
    DK1006: {
      severity: "error",
      message: "The top level of a compose file must be a mapping, found {found}",
      hint: "Start the file with keys such as services:, networks: and volumes:",
    },
    DK1007: {
      severity: "warning",
      message: "YAML: {message}",
    },
    DK1008: {
      severity: "error",
      message: "YAML nesting is deeper than {limit} levels",
    },
    DK1010: {
      severity: "warning",
      message: "Number {source} has a leading zero: compose reads it as {reading}",
      hint: 'Quote it to keep the digits as written: "{source}"',
    },
    DK1009: {
      severity: "error",
      message: "A merge key (<<) needs a mapping or a list of mappings, found {found}",
    },
  };
}
