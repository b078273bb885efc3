/**
 * The `dokku` test double's on-disk contract: the state, log and fault files in the state dir
 * (`$DOKKU_DOUBLE_STATE`), their types, and the lock that makes concurrent invocations safe.
 * Imported by the double itself (`main.ts`) and by `test/support/double.ts`; no npm imports.
 */

/** Where the state of one double lives. */
export const STATE_FILE = "state.json";
export const LOG_FILE = "log.jsonl";
export const FAULTS_FILE = "faults.json";
export const LOCK_FILE = "lock";

/** Version of `state.json`; an unknown version is refused. */
export const STATE_VERSION = 1;

/** A storage mount of an app: a named entry (0.38) or a legacy `host:container[:opts]`. */
export interface MountState {
  /** Named entry, or undefined for a legacy mount. */
  name?: string;
  /** Legacy mount string exactly as given (`/host:/container[:ro]`). */
  legacy?: string;
  containerDir: string;
  phases: string[];
  processType?: string;
  readonly?: boolean;
  subpath?: string;
  volumeOptions?: string;
  volumeChown?: string;
}

/** How the app was last deployed. */
export type SourceState =
  | { kind: "image"; image: string }
  | { kind: "archive"; archiveType: string; sha256: string }
  | { kind: "load-image"; sha256: string }
  | { kind: "git-sync"; repository: string; ref: string };

/** Counters that change on every deploy/restart (excluded from {@linkcode snapshotState}). */
export interface AppCounters {
  /** Full build + deploy (git:from-*, git:sync --build, ps:rebuild). */
  deploys: number;
  /** Redeploys of the current image (config change, ps:restart, ps:scale, link...). */
  restarts: number;
}

export interface AppState {
  config: Record<string, string>;
  /** Plugin namespace (`nginx`, `ps`, `network`...) -> property -> value, set via `<ns>:set`. */
  properties: Record<string, Record<string, string>>;
  ports: string[];
  domains: string[];
  domainsEnabled: boolean;
  proxyEnabled: boolean;
  dockerOptions: { build: string[]; deploy: string[]; run: string[] };
  mounts: MountState[];
  /** `limit`/`reserve` -> process type (`_default_`) -> resource -> value. */
  resources: {
    limit: Record<string, Record<string, string>>;
    reserve: Record<string, Record<string, string>>;
  };
  scale: Record<string, number>;
  checks: { disabled: string[]; skipped: string[] };
  source: SourceState | null;
  /**
   * The app.json of the last archive deploy, read from the archive at `app-json` `appjson-path`
   * (default `app.json`), as Dokku does; absent when that deploy had none.
   */
  appJson?: string;
  deployed: boolean;
  running: boolean;
  locked: boolean;
  letsencrypt: boolean;
  counters: AppCounters;
}

export interface ServiceState {
  image: string;
  imageVersion: string;
  password: string;
  /** App -> the config variable the link set. */
  links: Record<string, string>;
  exposedPorts: string[];
  status: "running" | "stopped" | "paused";
  properties: Record<string, string>;
  /** Create-time options (`--memory`, `--custom-env`, ...), long flag name -> value. */
  options: Record<string, string>;
}

export interface StorageEntryState {
  scheduler: string;
  path: string;
  /** `--size`, `--chown`, ... as given to `storage:create` / `storage:set`. */
  options: Record<string, string>;
}

/** Everything the double knows. */
export interface DoubleState {
  version: typeof STATE_VERSION;
  apps: Record<string, AppState>;
  /** Plugin (`postgres`) -> service name -> service. */
  datastores: Record<string, Record<string, ServiceState>>;
  networks: Record<string, { created: true }>;
  storage: Record<string, StorageEntryState>;
  global: {
    config: Record<string, string>;
    properties: Record<string, Record<string, string>>;
    domains: string[];
    registryLogins: Record<string, string>;
    appRegistryLogins: Record<string, Record<string, string>>;
  };
}

/** A fresh, empty state. */
export function emptyState(): DoubleState {
  return {
    version: STATE_VERSION,
    apps: {},
    datastores: {},
    networks: {},
    storage: {},
    global: { config: {}, properties: {}, domains: [], registryLogins: {}, appRegistryLogins: {} },
  };
}

/** One line of `log.jsonl`. */
export interface LogEntry {
  /** The argv as dokku received it, starting with `"dokku"` (after ssh splitting). */
  argv: string[];
  exit: number;
  pid: number;
  /** Epoch milliseconds when the invocation started / ended (delays included). */
  start: number;
  end: number;
  /** Standard input read by the command (UTF-8, lossy for binary), or null when not read. */
  stdin: string | null;
  /** sha256 (hex) and length of the stdin bytes, when stdin was read. */
  stdinSha256?: string;
  stdinBytes?: number;
  /** True when the command came through `SSH_ORIGINAL_COMMAND`. */
  ssh?: boolean;
}

/** One rule of `faults.json`. */
export interface FaultRule {
  /** A prefix of the argv after `dokku` (global flags included as given). */
  match: string[];
  /** Exit code to fail with; omit for a pure delay. */
  exit?: number;
  stderr?: string;
  stdout?: string;
  /** How many more times the rule fires; omit for always. Decremented on disk. */
  times?: number;
  delayMs?: number;
}

/** Reads `state.json`; a missing file is the empty state. Throws on a corrupt or newer file. */
export async function readState(stateDir: string): Promise<DoubleState> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${stateDir}/${STATE_FILE}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return emptyState();
    throw e;
  }
  const state = JSON.parse(text) as DoubleState;
  if (state.version !== STATE_VERSION) {
    throw new Error(`unsupported state version ${JSON.stringify(state.version)}`);
  }
  return state;
}

/** Writes `state.json` atomically (temp file + rename). Call under the lock. */
export async function writeState(stateDir: string, state: DoubleState): Promise<void> {
  const tmp = `${stateDir}/${STATE_FILE}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(state, null, 2) + "\n");
  await Deno.rename(tmp, `${stateDir}/${STATE_FILE}`);
}

/** Reads every line of `log.jsonl`. */
export async function readLog(stateDir: string): Promise<LogEntry[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${stateDir}/${LOG_FILE}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as LogEntry);
}

/** Runs `fn` holding the state dir's exclusive lock (flock on `lock`, released on exit/crash). */
export async function withLock<T>(stateDir: string, fn: () => Promise<T>): Promise<T> {
  const file = await Deno.open(`${stateDir}/${LOCK_FILE}`, {
    create: true,
    write: true,
    read: true,
  });
  try {
    await file.lock(true);
    return await fn();
  } finally {
    try {
      await file.unlock();
    } finally {
      file.close();
    }
  }
}

export { splitSshCommand, splitXargs } from "./_split.ts";
export { sortDeep } from "./_util.ts";
export type { SplitResult } from "./_split.ts";
export { execute, readsStdin } from "./_commands.ts";
export type { ExecContext, StdinData } from "./_commands.ts";
