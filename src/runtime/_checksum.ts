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
import type { Command, StdinSpec, Step } from "../dokkufile/types.ts";
import { archiveKey } from "./_archive.ts";
import { sha256Hex, sha256HexAsync } from "../hash/mod.ts";

/** `sha256:<hex>` of a UTF-8 string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return "sha256:" + sha256Hex(data);
}

/** `sha256:<hex>` of bytes, computed natively (Web Crypto): for large inputs such as archives. */
export async function sha256Async(data: Uint8Array): Promise<string> {
  return "sha256:" + await sha256HexAsync(data);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value === "string" || typeof value === "number" ||
    typeof value === "boolean";
}

/**
 * JSON with object keys sorted (recursively), so the text never depends on the order in which an
 * object's keys were created.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  // Built by concatenation, without intermediate arrays: a plan serializes every step's content.
  if (Array.isArray(value)) {
    // A list of scalars (argv, most lists) is the same text as JSON.stringify's, made natively.
    if (value.every(isScalar)) return JSON.stringify(value);
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return out + "]";
  }
  const record = value as Record<string, unknown>;
  // Sorted: the key order of a parsed or built object is an accident, not content.
  const keys = Object.keys(record).sort();
  let out = "{";
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += (out.length === 1 ? "" : ",") + JSON.stringify(key) + ":" + canonicalJson(item);
  }
  return out + "}";
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

/** An archive a step sends on stdin: a context and the files added to it. */
export type ArchiveSpec = Extract<StdinSpec, { readonly kind: "archive" }>;

/** Archives a step's commands send on stdin, unique by {@linkcode archiveKey}, sorted by key. */
export function stepArchiveSpecs(step: Step): ArchiveSpec[] {
  const specs = new Map<string, ArchiveSpec>();
  for (const command of [...step.run, ...step.undo]) {
    if (command.stdin?.kind === "archive") specs.set(archiveKey(command.stdin), command.stdin);
  }
  // Sorted: map order follows command order, which is not what a checksum should depend on.
  return [...specs.keys()].sort().map((key) => specs.get(key) as ArchiveSpec);
}

/**
 * Keys ({@linkcode archiveKey}: the context, plus generated files) of the archives a step's
 * commands send on stdin, sorted and unique.
 */
export function stepArchives(step: Step): string[] {
  return stepArchiveSpecs(step).map(archiveKey);
}

function commandContent(command: Command): unknown {
  return { argv: command.argv, stdin: command.stdin, accept: command.accept };
}

/** Inputs a checksum depends on besides the step itself. */
export interface ChecksumInputs {
  /** Secret name -> {@linkcode secretHash}. A secret missing here hashes as `missing`. */
  readonly secretHashes: ReadonlyMap<string, string>;
  /** {@linkcode archiveKey} (the context as written, plus generated files) -> hash of its tar. */
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
