/** Lowering of a datastore service: `<plugin>:create` and its networks. */
import type { Step } from "../dokkufile/types.ts";
import type { StackDatastore } from "../stack/model.ts";
import type { Diagnostic, DiagnosticBag, Span } from "../diagnostics/mod.ts";
import { dokku, guard, step } from "./_steps.ts";

/** The step after which the datastore is ready for links and dependents. */
export function datastoreReadyId(ds: StackDatastore, prefix: string): string {
  return ds.networks.length > 0 ? `${prefix}/network` : `${prefix}/create`;
}

/**
 * `<plugin>:create <name> [--image X] [--image-version V] [flags...] [--post-start-network a,b]`
 * (datastore flags go after the positionals), guarded by `<plugin>:exists` (0 present, 1 missing);
 * UNDO `<plugin>:destroy <name> --force`. Networks are also kept in sync by
 * `<plugin>:set <name> post-start-network a,b` (idempotent), which covers a datastore that already
 * existed; it takes effect at the service's next start.
 */
export function lowerDatastore(
  ds: StackDatastore,
  options: {
    readonly prefix: string;
    readonly networkNeeds: readonly string[];
    /** Ready steps of the services this datastore is ordered after. */
    readonly dependencyNeeds: readonly string[];
    readonly bag: DiagnosticBag;
    readonly span: Span;
    readonly path: readonly string[];
    readonly onDiagnostic?: (d: Diagnostic, path: readonly string[]) => void;
  },
): Step[] {
  const { prefix, bag } = options;
  const lock = `datastore:${ds.plugin}:${ds.name}`;
  const args = [`${ds.plugin}:create`, ds.name];
  if (ds.image !== undefined) args.push("--image", ds.image);
  if (ds.imageVersion !== undefined) args.push("--image-version", ds.imageVersion);
  // Sorted: the Stack's record order comes from compose env order.
  for (const flag of Object.keys(ds.createFlags).sort()) {
    if (flag === "--image" || flag === "--image-version" || flag === "--post-start-network") {
      continue;
    }
    args.push(flag, ds.createFlags[flag] ?? "");
  }
  for (const flag of Object.keys(ds.secretCreateFlags).sort()) {
    const d = bag.add("DK4800", {
      flag,
      datastore: ds.name,
      secret: ds.secretCreateFlags[flag] ?? "",
      plugin: ds.plugin,
    }, { span: options.span, path: options.path.join(".") });
    options.onDiagnostic?.(d, options.path);
  }
  const networks = [...ds.networks].sort();
  if (networks.length > 0) args.push("--post-start-network", networks.join(","));
  const createId = `${prefix}/create`;
  const steps: Step[] = [step({
    id: createId,
    lock,
    // The networks named by --post-start-network must exist before the service starts.
    needs: [...options.networkNeeds, ...options.dependencyNeeds],
    guard: guard([`${ds.plugin}:exists`, ds.name], { present: [0], missing: [1] }),
    run: [dokku(...args)],
    undo: [dokku(`${ds.plugin}:destroy`, ds.name, "--force")],
    source: [ds.source],
    notes: Object.keys(ds.secretCreateFlags).length === 0 ? [] : [
      `omitted secret create flags: ${
        Object.keys(ds.secretCreateFlags).sort().join(", ")
      } (the plugin generates the value; apps get it through the link)`,
    ],
  })];
  if (networks.length === 0) return steps;
  const networkId = `${prefix}/network`;
  steps.push(step({
    id: networkId,
    lock,
    needs: [createId, ...options.networkNeeds],
    run: [dokku(`${ds.plugin}:set`, ds.name, "post-start-network", networks.join(","))],
    undo: [dokku(`${ds.plugin}:set`, ds.name, "post-start-network")],
    source: [ds.source],
  }));
  return steps;
}
