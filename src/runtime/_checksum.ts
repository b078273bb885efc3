/**
 * Step checksums (ninja's build log hashes): a step reruns exactly when its checksum differs from
 * the one recorded as applied. Pure.
 *
 * `own` covers the step's exact content (commands with stdin specs and accept rules, undo, guard,
 * lock, verify), the hashes of the secrets it reads and the content hash of the archives it sends.
 * `checksum` chains in the checksums of the steps in its `needs`, so a change upstream reruns every
 * step that depends on it. Provenance (`source`) and `notes` are left out on purpose: moving a line
 * in a compose file must not rerun anything.
 */
import { createHash } from "node:crypto";
import type { Command, Step } from "../dokkufile/types.ts";

/** `sha256:<hex>` of a UTF-8 string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

/**
 * JSON with object keys sorted (recursively), so the text never depends on the order in which an
 * object's keys were created.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return "[" + value.map((v) => canonicalJson(v)).join(",") + "]";
  const record = value as Record<string, unknown>;
  // Sorted: the key order of a parsed or built object is an accident, not content.
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonicalJson(record[k])).join(",") + "}";
}

/**
 * The hash of one secret value, as it enters checksums. Salted with the secret's name so equal
 * values of different secrets do not look alike. Never the value itself.
 */
export function secretHash(name: string, value: string): string {
  return sha256(`dokompose-secret\0${name}\0${value}`);
}

/** Secret names a step's commands read on stdin, sorted and unique. */
export function stepSecrets(step: Step): string[] {
  const names = new Set<string>();
  for (const command of [...step.run, ...step.undo]) {
    if (command.stdin?.kind === "secrets-json") {
      for (const ref of command.stdin.secrets) names.add(ref.secret);
    }
  }
  // Sorted: set order follows command order, which is not what a checksum should depend on.
  return [...names].sort();
}

/** Archive contexts a step's commands send on stdin, sorted and unique. */
export function stepArchives(step: Step): string[] {
  const contexts = new Set<string>();
  for (const command of [...step.run, ...step.undo]) {
    if (command.stdin?.kind === "archive") contexts.add(command.stdin.context);
  }
  return [...contexts].sort();
}

function commandContent(command: Command): unknown {
  return { argv: command.argv, stdin: command.stdin, accept: command.accept };
}

/** Inputs a checksum depends on besides the step itself. */
export interface ChecksumInputs {
  /** Secret name -> {@linkcode secretHash}. A secret missing here hashes as `missing`. */
  readonly secretHashes: ReadonlyMap<string, string>;
  /** Archive context (as written in the step) -> content hash of its tar. */
  readonly archiveHashes: ReadonlyMap<string, string>;
}

/** The checksum of a step's own content (without its needs). */
export function ownChecksum(step: Step, inputs: ChecksumInputs): string {
  const content = {
    v: 1,
    id: step.id,
    lock: step.lock,
    guard: step.guard,
    run: step.run.map(commandContent),
    undo: step.undo.map(commandContent),
    verify: step.verify,
    secrets: stepSecrets(step).map((name) => [name, inputs.secretHashes.get(name) ?? "missing"]),
    archives: stepArchives(step).map((ctx) => [ctx, inputs.archiveHashes.get(ctx) ?? "missing"]),
  };
  return sha256(canonicalJson(content));
}

/** The full checksum: own content plus the checksums of the steps in `needs` (in `needs` order). */
export function chainChecksum(own: string, needs: readonly (readonly [string, string])[]): string {
  return sha256(canonicalJson({ own, needs }));
}
