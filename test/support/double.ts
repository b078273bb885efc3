/**
 * Test helpers for the `dokku` test double (`test/dokku_double/dokku`): a temp state dir, the
 * env to hand to a runner, and readers for its state, argv log and faults.
 *
 * ```ts
 * await using dokku = await createDouble();
 * const r = await dokku.run(["apps:create", "shop"]);
 * assert.equal(r.code, 0);
 * assert.ok((await dokku.state()).apps["shop"]);
 * ```
 */
import {
  type AppCounters,
  type DoubleState,
  emptyState,
  type FaultRule,
  FAULTS_FILE,
  type LogEntry,
  readLog,
  readState,
  sortDeep,
  STATE_FILE,
} from "../dokku_double/mod.ts";
import { validateArgv } from "./dokku_spec.ts";

export type { AppCounters, DoubleState, FaultRule, LogEntry };

/** Absolute path of the executable wrapper. */
export const DOUBLE_PATH = new URL("../dokku_double/dokku", import.meta.url).pathname;

export interface DoubleOptions {
  /** `DOKKU_DOUBLE_DELAY_MS`: every command answers after this delay. */
  readonly delayMs?: number;
  /** Initial `faults.json`. */
  readonly faults?: readonly FaultRule[];
  /** Initial `state.json` (default: empty). */
  readonly state?: DoubleState;
}

export interface DoubleRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Double extends AsyncDisposable {
  /** The wrapper to pass as `--dokku <path>`. */
  readonly path: string;
  readonly stateDir: string;
  /** Environment the double needs (`DOKKU_DOUBLE_STATE`, `DOKOMPOSE_DENO`, delay). */
  readonly env: Record<string, string>;
  state(): Promise<DoubleState>;
  log(): Promise<LogEntry[]>;
  /** Log entries whose command is not read-only per commands.json (invalid argv included). */
  mutatingLog(): Promise<LogEntry[]>;
  setFaults(rules: readonly FaultRule[]): Promise<void>;
  /** Runs `dokku <args>` through the wrapper. */
  run(
    args: readonly string[],
    options?: { stdin?: string | Uint8Array; env?: Record<string, string> },
  ): Promise<DoubleRun>;
  cleanup(): Promise<void>;
}

/** Creates a double with its own temp state dir. */
export async function createDouble(options: DoubleOptions = {}): Promise<Double> {
  const stateDir = await Deno.makeTempDir({ prefix: "dokku-double-" });
  const env: Record<string, string> = {
    DOKKU_DOUBLE_STATE: stateDir,
    DOKOMPOSE_DENO: Deno.execPath(),
    DENO_NO_UPDATE_CHECK: "1",
  };
  if (options.delayMs !== undefined) env["DOKKU_DOUBLE_DELAY_MS"] = String(options.delayMs);
  if (options.state !== undefined) {
    await Deno.writeTextFile(`${stateDir}/${STATE_FILE}`, JSON.stringify(options.state, null, 2));
  }
  const setFaults = async (rules: readonly FaultRule[]) => {
    await Deno.writeTextFile(`${stateDir}/${FAULTS_FILE}`, JSON.stringify(rules, null, 2));
  };
  if (options.faults !== undefined) await setFaults(options.faults);
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await Deno.remove(stateDir, { recursive: true });
  };
  return {
    path: DOUBLE_PATH,
    stateDir,
    env,
    state: () => readState(stateDir),
    log: () => readLog(stateDir),
    mutatingLog: async () => (await readLog(stateDir)).filter((e) => !isReadOnlyArgv(e.argv)),
    setFaults,
    run: (args, runOptions = {}) =>
      runDouble(args, { env: { ...env, ...runOptions.env }, stdin: runOptions.stdin }),
    cleanup,
    [Symbol.asyncDispose]: cleanup,
  };
}

function isReadOnlyArgv(argv: readonly string[]): boolean {
  const v = validateArgv(argv);
  return v.ok && v.spec.readOnly;
}

async function runDouble(
  args: readonly string[],
  options: { env: Record<string, string>; stdin: string | Uint8Array | undefined },
): Promise<DoubleRun> {
  const child = new Deno.Command(DOUBLE_PATH, {
    args: [...args],
    env: options.env,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(
      typeof options.stdin === "string" ? new TextEncoder().encode(options.stdin) : options.stdin,
    );
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const dec = new TextDecoder();
  return { code, stdout: dec.decode(stdout), stderr: dec.decode(stderr) };
}

/** Restart/deploy counters per app (sorted by app), kept out of {@linkcode snapshotState}. */
export function counters(state: DoubleState): Record<string, AppCounters> {
  const out: Record<string, AppCounters> = {};
  // Sorted: state.json key order follows creation order.
  for (const name of Object.keys(state.apps).sort()) out[name] = { ...state.apps[name]!.counters };
  return out;
}

/** A normalized app: everything that is configuration, nothing that counts events. */
export interface AppSnapshot {
  readonly config: Record<string, string>;
  /** `<plugin>:<service>` -> the config variable the link set. */
  readonly links: Record<string, string>;
  readonly ports: string[];
  readonly domains: string[];
  readonly proxyEnabled: boolean;
  readonly properties: Record<string, Record<string, string>>;
  /** Network properties (`attach-post-create`, ...), also part of `properties.network`. */
  readonly networks: Record<string, string>;
  readonly dockerOptions: { build: string[]; deploy: string[]; run: string[] };
  readonly mounts: unknown[];
  readonly resources: unknown;
  readonly scale: Record<string, number>;
  readonly checks: { disabled: string[]; skipped: string[] };
  readonly deployed: boolean;
  /** The deployed source: image name, `archive:<sha256>`, `git:<repo>#<ref>`, or null. */
  readonly source: string | null;
  readonly letsencrypt: boolean;
}

export interface StateSnapshot {
  readonly apps: Record<string, AppSnapshot>;
  readonly datastores: Record<string, Record<string, unknown>>;
  readonly networks: string[];
  readonly storage: Record<string, unknown>;
  readonly global: unknown;
}

/**
 * A normalized view of the state for "state after rollback equals state before" assertions:
 * keys sorted, counters and container status left out.
 */
export function snapshotState(state: DoubleState): StateSnapshot {
  const apps: Record<string, AppSnapshot> = {};
  // Sorted everywhere: the snapshot is compared and printed, so order must not leak.
  for (const name of Object.keys(state.apps).sort()) {
    const app = state.apps[name]!;
    const links: Record<string, string> = {};
    for (const plugin of Object.keys(state.datastores).sort()) {
      const services = state.datastores[plugin]!;
      for (const svc of Object.keys(services).sort()) {
        const varName = services[svc]!.links[name];
        if (varName !== undefined) links[`${plugin}:${svc}`] = varName;
      }
    }
    const source = app.source === null
      ? null
      : app.source.kind === "image"
      ? app.source.image
      : app.source.kind === "git-sync"
      ? `git:${app.source.repository}#${app.source.ref}`
      : `${app.source.kind}:${app.source.sha256}`;
    apps[name] = sortDeep({
      config: app.config,
      links,
      ports: app.ports,
      domains: app.domains,
      proxyEnabled: app.proxyEnabled,
      properties: app.properties,
      networks: app.properties["network"] ?? {},
      dockerOptions: app.dockerOptions,
      mounts: app.mounts,
      resources: app.resources,
      scale: app.scale,
      checks: app.checks,
      deployed: app.deployed,
      source,
      letsencrypt: app.letsencrypt,
    }) as AppSnapshot;
  }
  const datastores: Record<string, Record<string, unknown>> = {};
  for (const plugin of Object.keys(state.datastores).sort()) {
    const services = state.datastores[plugin]!;
    if (Object.keys(services).length === 0) continue;
    datastores[plugin] = {};
    for (const svc of Object.keys(services).sort()) {
      const s = services[svc]!;
      datastores[plugin][svc] = sortDeep({
        image: s.image,
        imageVersion: s.imageVersion,
        links: s.links,
        exposedPorts: s.exposedPorts,
        properties: s.properties,
        options: s.options,
      });
    }
  }
  return {
    apps,
    datastores,
    networks: Object.keys(state.networks).sort(),
    storage: sortDeep(state.storage) as Record<string, unknown>,
    global: sortDeep(state.global),
  };
}

export { emptyState };
