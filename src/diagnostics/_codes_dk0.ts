/** Diagnostic codes DK0xxx: input/output and command line. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

/** The table, built when the registry is first used (not when the module loads). */
export function codesDk0(): CodeTable {
  return {
    DK0001: {
      severity: "error",
      message: "Cannot read {file}: {reason}",
      hint: "Check that the path exists, is a regular file and is readable",
    },
    DK0002: {
      severity: "error",
      message: "{file} is a directory, not a file",
      hint: "Name a compose file inside it, for example {file}/compose.yaml",
    },
    DK0003: {
      severity: "error",
      message: "{file} is too large ({size} bytes; the limit is {limit} bytes)",
      hint: "Compose files are small text files; check that the right file was given",
    },
    DK0004: {
      severity: "error",
      message: "{file} is not a text file (it contains {what})",
      hint: "Give a YAML compose file",
    },
    DK0005: {
      severity: "error",
      message: "No compose file found in {dir}",
      hint: "Create compose.yaml there, or name a file with -f",
    },
    DK0006: {
      severity: "error",
      message: "Cannot write {file}: {reason}",
    },
  };
}
