/** Stage C step 23: profiles (RULES.md PR1-PR5). Top-level resources are never disabled. */
import { isObj, type Obj, sortedKeys } from "./_util.ts";

/** The services disabled by `active` profiles, sorted. `*` enables everything (PR3). */
export function disabledServices(model: Obj, active: readonly string[]): string[] {
  const services = isObj(model["services"]) ? model["services"] : {};
  if (active.includes("*")) return [];
  const on = new Set(active);
  return sortedKeys(services).filter((name) => {
    const svc = services[name];
    const profiles = isObj(svc) && Array.isArray(svc["profiles"]) ? svc["profiles"] : [];
    return profiles.length > 0 && !profiles.some((p) => on.has(String(p)));
  });
}
