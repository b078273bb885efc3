/** Diagnostic codes DK3xxx: service graph. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

/** The table, built when the registry is first used (not when the module loads). */
export function codesDk3(): CodeTable {
  return {
    DK3001: {
      severity: "error",
      message: "Services depend on each other in a cycle: {cycle}",
      hint:
        "Remove one of these dependencies ('depends_on', 'links', 'volumes_from', 'network_mode', or an environment value naming a datastore) so the services can start in order",
    },
    DK3002: {
      severity: "error",
      message: "Service '{service}' refers to undefined service '{target}' in '{key}'",
      hint: "Define service '{target}', or remove the reference",
    },
  };
}
