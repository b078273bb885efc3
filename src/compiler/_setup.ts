/** Lowering of host-wide resources: Dokku networks and named storage entries (stage `setup`). */
import type { Step } from "../dokkufile/types.ts";
import type { StackNetwork, StackStorage } from "../stack/model.ts";
import { dokku, guard, step } from "./_steps.ts";

/**
 * `network:create`, guarded by `network:exists` (0 = exists, 1 = missing), so a rerun never
 * fails and a rollback never destroys a network this run did not create. External networks are
 * expected to exist and get no step.
 */
export function networkStep(network: StackNetwork, id: string): Step | undefined {
  if (network.external) return undefined;
  return step({
    id,
    lock: `network:${network.name}`,
    guard: guard(["network:exists", network.name], { present: [0], missing: [1] }),
    run: [dokku("network:create", network.name)],
    undo: [dokku("network:destroy", "--force", network.name)],
    source: [network.source],
  });
}

/**
 * `storage:create` (idempotent on its own), guarded by `storage:info <name>`: a Go command that
 * exits 0 when the entry exists and 1 (a generic Go error) when it does not. The guard is what
 * makes the UNDO `storage:destroy --force` safe: it only runs for an entry this run created.
 */
export function storageStep(storage: StackStorage, id: string): Step | undefined {
  if (storage.external) return undefined;
  const args = ["storage:create", storage.name];
  if (storage.hostPath !== undefined) args.push(storage.hostPath);
  if (storage.chown !== undefined) args.push("--chown", storage.chown);
  const notes = storage.hostPath === undefined
    ? []
    : [`bind mount: the host path ${storage.hostPath} must exist on the Dokku host`];
  return step({
    id,
    lock: `storage:${storage.name}`,
    guard: guard(["storage:info", storage.name], { present: [0], missing: [1] }),
    run: [dokku(...args)],
    undo: [dokku("storage:destroy", storage.name, "--force")],
    source: [storage.source],
    notes,
  });
}
