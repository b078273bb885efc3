/**
 * The `dokku` test double: a stateful stand-in for Dokku 0.38 used by every test that would
 * otherwise need a Dokku host. Run it through the `dokku` wrapper next to this file, exactly like
 * dokku: `dokku [global flags] <command> [args]`, or with no arguments and the command line in
 * `SSH_ORIGINAL_COMMAND` (sshd forced command; split with xargs quoting rules, leading `--`
 * dropped).
 *
 * Environment:
 * - `DOKKU_DOUBLE_STATE` (required): the state directory. Files: `state.json` (all state, written
 *   atomically under an exclusive lock), `log.jsonl` (one line per invocation:
 *   `{"argv":[...],"exit":N,"pid":P,"start":ms,"end":ms,"stdin":text|null,...}`), `faults.json`
 *   (optional rules `[{"match":[...argv prefix after dokku],"exit":1,"stderr":"boom","times":1,
 *   "delayMs":0}]`; `times` is decremented on disk; a rule without `exit` only delays; a rule
 *   with `exit: 0` and `stdout` answers without running the command). A fired rule replaces the
 *   command: the state is not touched.
 * - `DOKKU_DOUBLE_DELAY_MS`: delay every command by this many milliseconds.
 *
 * Every argv is first checked with `validateArgv` (test/support/dokku_spec.ts, i.e.
 * commands.json): an invalid one exits 1 (` !     <reason>`) or 2 for a Go pflag error
 * (`unknown flag: --x`), like Dokku.
 *
 * ## Report contract (the runtime reads these; keep it stable)
 * - `<plugin>:report <app> --<plugin>-<key>` prints the value stored by `<plugin>:set <app> <key>
 *   <value...>` (several values space-joined; an empty line when unset). `--<plugin>-global-<key>`
 *   and `--<plugin>-computed-<key>` give the global and effective values. An unknown info flag
 *   exits 1 (`Invalid flag passed, valid flags: ...`).
 * - `<plugin>:report <app> --format json` prints one JSON object (keys sorted) of all those values,
 *   keys `"<plugin>-<key>"` (plus the plugin's special keys below). `--global` reports the global
 *   values.
 * - `config:export --format json <app>` prints the app's config as one JSON object (keys sorted).
 * - `ports:report <app> --ports-map`: space-separated `scheme:host:container` maps.
 * - `domains:report <app> --domains-app-vhosts`: space-separated domains.
 * - `proxy:report <app> --proxy-enabled`: `true`/`false`; `--proxy-type`.
 * - `docker-options:report <app> --format json`: `docker-options-{build,deploy,run}` (entries
 *   space-joined) and `docker-options-{build,deploy,run}-list` (a JSON array string).
 * - `resource:report <app> --format json`: `resource-<proc>.<limit|reserve>.<resource>` (proc
 *   `_default_` when no `--process-type`).
 * - `ps:report <app> --format json`: as Dokku's plugins/ps/report.go: `deployed`
 *   (`true`/`false`), `running` (`true`/`false`), `processes` (total containers), `restore`,
 *   `ps-restart-policy`, `ps-computed-restart-policy`, the other `ps-*` properties, and one
 *   `status-<proc>.<n>` per container (Dokku's key, e.g. `status-web.1`) whose value is
 *   `running (CID: <11 hex>)` (or `exited (...)` after `ps:stop`).
 *
 * ## Existence probes
 * `apps:exists` 0/20 (1 for an invalid name); `network:exists`, `<ds>:exists`, `<ds>:linked` 0/1;
 * `apps:locked` 0 locked / 1 not; `storage:info <name>` 0 when the entry exists, 1 (` !     Storage
 * entry <name> does not exist`) when not; `storage:list-entries --format json` lists the entries.
 *
 * ## Not modelled
 * Host paths of legacy mounts are not checked for existence; builds never fail unless a fault
 * says so; `run`, `enter`, `logs`, certs, cron, buildpacks and k3s commands validate and succeed
 * without effect.
 */
import { validateArgv } from "../support/dokku_spec.ts";
import { execute, readsStdin, type StdinData } from "./_commands.ts";
import { splitSshCommand } from "./_split.ts";
import type { Outcome } from "./_util.ts";
import {
  type DoubleState,
  type FaultRule,
  FAULTS_FILE,
  LOG_FILE,
  type LogEntry,
  readState,
  STATE_FILE,
  withLock,
  writeState,
} from "./mod.ts";

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function stdinData(bytes: Uint8Array): Promise<StdinData> {
  return {
    bytes,
    text: new TextDecoder("utf-8", { fatal: false }).decode(bytes),
    sha256: await sha256Hex(bytes),
  };
}

/** Finds the faults that fire for `args`, decrementing `times` on disk. Call under the lock. */
async function takeFaults(
  stateDir: string,
  args: readonly string[],
): Promise<{ delayMs: number; fail?: FaultRule }> {
  const path = `${stateDir}/${FAULTS_FILE}`;
  let rules: FaultRule[];
  try {
    rules = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { delayMs: 0 };
    return {
      delayMs: 0,
      fail: {
        match: [],
        exit: 1,
        stderr: ` !     dokku double: ${FAULTS_FILE} is unreadable: ${(e as Error).message}`,
      },
    };
  }
  if (!Array.isArray(rules) || !rules.every((r) => Array.isArray(r?.match))) {
    return {
      delayMs: 0,
      fail: {
        match: [],
        exit: 1,
        stderr:
          ` !     dokku double: ${FAULTS_FILE} must be an array of rules with a "match" array`,
      },
    };
  }
  let delayMs = 0;
  let fail: FaultRule | undefined;
  let changed = false;
  for (const rule of rules) {
    const matches = rule.match.length <= args.length && rule.match.every((m, i) => args[i] === m);
    if (!matches || (rule.times !== undefined && rule.times <= 0)) continue;
    if (rule.exit !== undefined && fail !== undefined) continue;
    if (rule.times !== undefined) {
      rule.times--;
      changed = true;
    }
    delayMs += rule.delayMs ?? 0;
    if (rule.exit !== undefined) fail = rule;
  }
  if (changed) {
    const tmp = `${path}.${Deno.pid}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(rules, null, 2) + "\n");
    await Deno.rename(tmp, path);
  }
  return fail === undefined ? { delayMs } : { delayMs, fail };
}

async function appendLog(stateDir: string, entry: LogEntry): Promise<void> {
  await Deno.writeTextFile(`${stateDir}/${LOG_FILE}`, JSON.stringify(entry) + "\n", {
    append: true,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

function readServerFile(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/** One invocation of the double: what `dokku <args>` received. */
export interface Invocation {
  /** The arguments after `dokku`. */
  readonly args: readonly string[];
  /** The environment variables the double reads (`DOKKU_DOUBLE_*`, `SSH_ORIGINAL_COMMAND`). */
  readonly env: (name: string) => string | undefined;
  /** Reads standard input (called only for commands that read it). */
  readonly stdin: () => Promise<Uint8Array>;
  /** The calling process, for the log. */
  readonly pid: number;
}

/**
 * Runs one invocation against the state directory and returns what dokku would print and its
 * exit code. The process entry point below and the server (`server.ts`) both call it.
 */
export async function invoke(request: Invocation): Promise<Outcome> {
  const start = Date.now();
  const stateDir = request.env("DOKKU_DOUBLE_STATE");
  if (stateDir === undefined || stateDir === "") {
    return {
      exit: 1,
      stdout: "",
      stderr:
        " !     DOKKU_DOUBLE_STATE is not set: the dokku test double needs a state directory\n",
    };
  }
  await Deno.mkdir(stateDir, { recursive: true });
  let args = [...request.args];
  let ssh = false;
  let outcome: Outcome | undefined;
  const sshCommand = request.env("SSH_ORIGINAL_COMMAND");
  if (args.length === 0 && sshCommand !== undefined) {
    ssh = true;
    const split = splitSshCommand(sshCommand);
    if (split.ok) args = split.words;
    else outcome = { exit: 1, stdout: "", stderr: ` !     ${split.error} in the command line\n` };
  }
  const argv = ["dokku", ...args];
  const globalDelay = Number(request.env("DOKKU_DOUBLE_DELAY_MS") ?? "0") || 0;
  let stdin: StdinData | null = null;
  const v = outcome === undefined ? validateArgv(argv) : undefined;
  if (v !== undefined && !v.ok) {
    outcome = {
      exit: v.exit,
      stdout: "",
      stderr: v.exit === 2 ? `${v.reason}\n` : ` !     ${v.reason}\n`,
    };
  }
  if (v?.ok === true && readsStdin(v)) stdin = await stdinData(await request.stdin());
  // Without a faults file there is nothing to take: no need to wait for the lock (a test writes
  // its faults before it runs anything).
  const faults = v?.ok === true && await exists(`${stateDir}/${FAULTS_FILE}`)
    ? await withLock(stateDir, () => takeFaults(stateDir, args))
    : { delayMs: 0 };
  const delay = globalDelay + faults.delayMs;
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  if (faults.fail !== undefined) {
    outcome = {
      exit: faults.fail.exit!,
      stdout: faults.fail.stdout ?? "",
      stderr: faults.fail.stderr === undefined ? "" : faults.fail.stderr + "\n",
    };
  }
  return await withLock(stateDir, async () => {
    let result = outcome;
    if (result === undefined && v?.ok === true) {
      let state: DoubleState | undefined;
      try {
        state = await readState(stateDir);
      } catch (e) {
        result = {
          exit: 1,
          stdout: "",
          stderr: ` !     dokku double: ${STATE_FILE} is unreadable: ${(e as Error).message}\n`,
        };
      }
      if (state !== undefined) {
        result = execute(v, state, { stdin, readFile: readServerFile });
        if (result.exit === 0 && !v.spec.readOnly) await writeState(stateDir, state);
      }
    }
    result ??= { exit: 1, stdout: "", stderr: " !     internal error\n" };
    await appendLog(stateDir, {
      argv,
      exit: result.exit,
      pid: request.pid,
      start,
      end: Date.now(),
      stdin: stdin === null ? null : stdin.text,
      ...(stdin === null ? {} : { stdinSha256: stdin.sha256, stdinBytes: stdin.bytes.length }),
      ...(ssh ? { ssh: true } : {}),
    });
    return result;
  });
}

async function run(): Promise<number> {
  const final = await invoke({
    args: Deno.args,
    env: (name) => Deno.env.get(name),
    stdin: async () => new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer()),
    pid: Deno.pid,
  });
  const enc = new TextEncoder();
  if (final.stdout !== "") await writeAll(Deno.stdout, enc.encode(final.stdout));
  if (final.stderr !== "") await writeAll(Deno.stderr, enc.encode(final.stderr));
  return final.exit;
}

async function writeAll(
  target: { write(p: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await target.write(bytes.subarray(offset));
}

if (import.meta.main) {
  // Not `Deno.exit()`: ending by itself is faster and lets Deno keep its V8 code cache for this
  // module (see the same lines in src/cli/main.ts).
  Deno.exitCode = await run();
}
