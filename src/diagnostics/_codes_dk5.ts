/** Diagnostic codes DK5xxx: runtime. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

/** The table, built when the registry is first used (not when the module loads). */
export function codesDk5(): CodeTable {
  return {
    DK5001: {
      severity: "error",
      message: 'Secret "{secret}" is not set; nothing was run',
      hint:
        "Set the environment variable {env}, or put {secret}=... in a dotenv file given with --secrets-file (looked in {where})",
    },
    DK5002: {
      severity: "warning",
      message: "Ignoring state file {file}: {reason}",
      hint:
        "Every step runs again, guarded, so nothing is created twice; the file is rewritten as steps finish",
    },
    DK5003: {
      severity: "warning",
      message:
        "Ignoring state file {file}: it has version {version}, this dokompose reads version {supported}",
      hint: "A newer dokompose wrote it; upgrade dokompose. Every step runs again, guarded",
    },
    DK5004: {
      severity: "error",
      message:
        'Target "{target}" project "{project}" is locked by another run (pid {pid} on host "{host}", started {startedAt})',
      hint: "Wait for that run to finish. If it is gone, delete the lock file {file}",
    },
    DK5005: {
      severity: "warning",
      message:
        'Taking over a stale lock {file} (pid {pid} on host "{host}", started {startedAt}, is no longer running)',
    },
    DK5006: {
      severity: "error",
      message: 'Step "{step}" failed: {reason}',
    },
    DK5007: {
      severity: "error",
      message: 'Rollback of step "{step}" failed: "{command}" exited {exit}: {output}',
      hint:
        "Fix this by hand on the server; the state file no longer lists the steps that were undone",
    },
    DK5008: {
      severity: "warning",
      message: 'Undo of the partly run step "{step}": "{command}" exited {exit}: {output}',
      hint: "Expected when the part it undoes never ran",
    },
    DK5009: {
      severity: "error",
      message: "Cannot read line {line} of secrets file {file}: expected KEY=value",
    },
    DK5010: {
      severity: "error",
      message: 'The quoted value of "{key}" in secrets file {file} (line {line}) is not closed',
      hint: "Close the quote; a quoted value may span lines",
    },
    DK5011: {
      severity: "error",
      message: 'Cannot read build context "{context}" ({path}): {reason}; nothing was run',
      hint: "Build contexts are relative to the Dokkufile's directory",
    },
    DK5012: {
      severity: "error",
      message: "Cannot write {file}: {reason}",
      hint: "Choose a writable location with --state",
    },
    DK5013: {
      severity: "error",
      message: "The rollback was incomplete; the server may still hold what failed to undo",
      hint: "Fix the errors above by hand, then run again",
    },
    DK5014: {
      severity: "warning",
      message:
        'Ignoring state file {file}: it belongs to target "{target}" project "{project}", not target "{expectedTarget}" project "{expectedProject}"',
      hint: "Give each target and project its own --state file. Every step runs again, guarded",
    },
    DK5015: {
      severity: "error",
      message: "No place for the state file: neither XDG_STATE_HOME nor HOME is set",
      hint: "Give a state file with --state",
    },
    DK5016: {
      severity: "error",
      message: "Interrupted; no new step was started",
    },
    DK5017: {
      severity: "error",
      message: 'Cannot plan step "{step}": {reason}',
      hint: "Check the Dokkufile's needs",
    },
    DK5018: {
      severity: "warning",
      message:
        "Rollback skipped (--no-rollback): {count} applied step(s) stay in place and recorded",
      hint: "Fix the failure and run again to resume where this run stopped",
    },
    DK5019: {
      severity: "info",
      message: "{count} step(s) recorded in the state are no longer in the Dokkufile: {steps}",
      hint: "They are left in place on the server; remove them by hand if they are not needed",
    },
    DK5020: {
      severity: "error",
      message: 'The Dokkufile is for project "{project}" but has errors; nothing was run',
    },
    DK5021: {
      severity: "error",
      message:
        'Cannot add a generated file to build context "{context}" ({path}): {reason}; nothing was run',
      hint:
        "dokompose never replaces a file of your sources: rename or remove that path, or exclude it in the context's .dockerignore",
    },
    DK5022: {
      severity: "error",
      message:
        'Step "{step}": the command "{command}" cannot be sent to this target: {reason}; nothing was run',
      hint:
        "Change the value in the compose file, or run on the Dokku host itself (without --host)",
    },
  };
}
