/** Diagnostic codes DK6xxx: Dokkufile format. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

/** The table, built when the registry is first used (not when the module loads). */
export function codesDk6(): CodeTable {
  return {
    // DK600x-DK601x: reading the text form.
    DK6001: {
      severity: "error",
      message: "Missing the version header on the first line, found '{found}'",
      hint: "Start a Dokkufile with the line '# syntax=dokkufile/v1'",
    },
    DK6002: {
      severity: "error",
      message: "Unsupported Dokkufile format '{found}'",
      hint: "This dokompose reads dokkufile/v1; upgrade dokompose to read '{found}'",
    },
    DK6003: {
      severity: "error",
      message: "Unknown directive '{name}'",
      hint: "Known directives: {known}",
    },
    DK6004: {
      severity: "error",
      message: "Invalid quoted word: {reason}",
      hint: 'Quoted words use JSON escapes: \\" \\\\ \\n \\t \\uXXXX, and end on the same line',
    },
    DK6005: {
      severity: "error",
      message: "Character '{char}' must be quoted",
      hint: "Write the word as a double-quoted string: {suggestion}",
    },
    DK6006: {
      severity: "error",
      message: "'{directive}' is missing {what}",
      hint: "Write it as: {usage}",
    },
    DK6007: {
      severity: "error",
      message: "Unexpected '{word}' in '{directive}'",
      hint: "Write it as: {usage}",
    },
    DK6008: {
      severity: "error",
      message: "Duplicate '{directive}' {where}",
      hint: "Keep one '{directive}' line",
    },
    DK6009: {
      severity: "error",
      message: "Missing '{directive}' in the header",
      hint: "Add '{usage}' before the first STAGE",
    },
    DK6010: {
      severity: "error",
      message: "'{directive}' is not allowed {where}",
      hint: "{expected}",
    },
    DK6011: {
      severity: "error",
      message: "Unknown option '{name}' in '{directive}'",
      hint: "Options of {directive}: {known}",
    },
    DK6012: {
      severity: "error",
      message: "Invalid {what} '{value}'",
      hint: "Expected {expected}",
    },
    DK6013: {
      severity: "error",
      message: "'{directive}' must come before '{before}' in a step",
      hint: "Order a step's lines as: comments, GUARD, RUN, UNDO, VERIFY",
    },
    DK6014: {
      severity: "error",
      message: "Malformed {what} comment",
      hint: "Write it as '{usage}'; other comments must not start with '# from ' or '# note:'",
    },

    // DK602x: reading the JSON form.
    DK6020: {
      severity: "error",
      message: "Invalid JSON: {reason}",
      hint: "A Dokkufile in JSON is one object written by 'dokompose compile --format json'",
    },
    DK6021: {
      severity: "error",
      message: "Invalid Dokkufile JSON at '{path}': {reason}",
    },

    // DK603x-DK605x: structural validation (both forms).
    DK6030: {
      severity: "error",
      message: "Duplicate step id '{id}'",
      hint: "Step ids must be unique in the file",
    },
    DK6031: {
      severity: "error",
      message: "Duplicate stage name '{name}'",
      hint: "Stage names must be unique in the file",
    },
    DK6032: {
      severity: "error",
      message: "Step '{step}' needs unknown step '{need}'",
      hint: "List the id of a step in this or an earlier stage",
    },
    DK6033: {
      severity: "error",
      message: "Step '{step}' needs '{need}', which is in the later stage '{stage}'",
      hint: "A step can only need steps in its own stage or an earlier one",
    },
    DK6034: {
      severity: "error",
      message: "Steps form a dependency cycle: {cycle}",
      hint: "Remove one of these needs so the steps can run in order",
    },
    DK6035: {
      severity: "error",
      message: "Stage '{stage}' needs unknown stage '{need}'",
      hint: "List the name of an earlier stage",
    },
    DK6036: {
      severity: "error",
      message: "Stage '{stage}' needs '{need}', which does not come before it",
      hint: "List stages in the order they run; a stage can only need earlier stages",
    },
    DK6037: {
      severity: "error",
      message: "Command must start with 'dokku', found '{found}'",
      hint: "Every command is a dokku command; the runner maps 'dokku' to the target host",
    },
    DK6038: {
      severity: "error",
      message: "Secret '{secret}' is used but not declared",
      hint: "Add 'SECRET {secret}' to the header so the runtime resolves it before anything runs",
    },
    DK6039: {
      severity: "error",
      message: "Exit code {code} is both a present and a missing exit code of the guard",
      hint: "The present and missing exit codes of a guard must not overlap",
    },
    DK6040: {
      severity: "error",
      message: "Step '{step}' has no RUN command",
      hint: "A step runs at least one command; remove the step or add a RUN line",
    },
    DK6041: {
      severity: "error",
      message: "Duplicate secret '{secret}' in the header",
      hint: "Declare each secret once",
    },
    DK6042: {
      severity: "warning",
      message: "Secret '{secret}' is not in sorted order",
      hint: "List secrets sorted by name so the file is deterministic",
    },
    DK6043: {
      severity: "warning",
      message: "'{need}' is listed twice in the needs of '{owner}'",
      hint: "List each need once",
    },
    DK6044: {
      severity: "error",
      message: "Duplicate {what} '{value}'",
      hint: "List each {what} once",
    },
    DK6045: {
      severity: "error",
      message: "'{owner}' needs itself",
      hint: "Remove '{owner}' from its own needs",
    },
    DK6046: {
      severity: "error",
      message: "Archive file '{path}' is not in sorted order",
      hint: "List an archive's FILE lines sorted by path, so the archive is deterministic",
    },
    DK6047: {
      severity: "error",
      message: "Archive file '{path}' is inside '{parent}', which is a file of the same archive",
      hint: "A path cannot be both a file and a directory; rename one of the two",
    },
  };
}
