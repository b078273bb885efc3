/**
 * The ssh command runner: runs dokku commands on a remote Dokku host through the system `ssh`.
 *
 * Every command is spawned as an argv array (never through a local shell):
 *
 * ```
 * ssh -T -o BatchMode=yes -o ControlMaster=auto -o ControlPath=<dir>/%C -o ControlPersist=60
 *     [-o <user option>...] -l <user> [-p <port>] <host> -- <word>...
 * ```
 *
 * where the words are dokku's argv (without `dokku`) quoted for Dokku's xargs-style splitter
 * (`_ssh_quote.ts`). One multiplexed connection is opened before the first command and reused by
 * every command of the run; {@linkcode SshRunner.close} ends it with `ssh -O exit`.
 *
 * @module
 */
import type { CommandRunner, RunRequest, RunResult } from "./runner.ts";
import { remoteWords } from "./_ssh_quote.ts";

export { MAX_REMOTE_COMMAND_BYTES, quoteXargs, remoteWords } from "./_ssh_quote.ts";
export type { RemoteWords } from "./_ssh_quote.ts";

/** Exit code of a command the runner refused to send (it would not arrive intact). */
export const SSH_REFUSED_EXIT = 125;

/** `ssh` exits 255 when it could not connect or authenticate (or the remote command did). */
export const SSH_FAILURE_EXIT = 255;

/** The parts of `[USER@]HOST[:PORT]`. */
export interface HostSpec {
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
}

/** The result of {@linkcode parseHost}: the parts, or a message saying what is wrong. */
export type ParsedHost =
  | { readonly ok: true; readonly value: HostSpec }
  | { readonly ok: false; readonly error: string };

const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const HOST_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?$/;

function parsePort(text: string, whole: string): number | string {
  if (!/^[0-9]{1,5}$/.test(text)) {
    return `Invalid port "${text}" in host "${whole}"; expected a number from 1 to 65535`;
  }
  const port = Number(text);
  if (port < 1 || port > 65535) {
    return `Invalid port "${text}" in host "${whole}"; expected a number from 1 to 65535`;
  }
  return port;
}

/**
 * Parses `[USER@]HOST[:PORT]`, where HOST is a name, an IPv4 address, or an IPv6 address in
 * brackets (`[::1]:2222`; a bare IPv6 address without a port is accepted too). Bad input is
 * reported, never thrown.
 */
export function parseHost(text: string): ParsedHost {
  const fail = (error: string): ParsedHost => ({ ok: false, error });
  const shape = "expected [user@]host[:port], e.g. dokku@example.com:22 or [::1]:2222";
  if (text === "") return fail(`Empty host; ${shape}`);
  if (/\s/.test(text)) return fail(`Host "${text}" contains whitespace; ${shape}`);
  let user: string | undefined;
  let rest = text;
  const at = text.indexOf("@");
  if (at >= 0) {
    if (text.indexOf("@", at + 1) >= 0) {
      return fail(`Host "${text}" has more than one "@"; ${shape}`);
    }
    user = text.slice(0, at);
    rest = text.slice(at + 1);
    if (!USER_NAME.test(user)) {
      return fail(`Invalid user name "${user}" in host "${text}"; ${shape}`);
    }
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) return fail(`Unclosed "[" in host "${text}"; ${shape}`);
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== "") {
      if (!after.startsWith(":")) {
        return fail(`Unexpected "${after}" after "]" in "${text}"; ${shape}`);
      }
      portText = after.slice(1);
    }
    if (!IPV6.test(host)) return fail(`Invalid IPv6 address "${host}" in host "${text}"; ${shape}`);
  } else {
    const colons = rest.split(":").length - 1;
    if (colons === 1) {
      const colon = rest.indexOf(":");
      host = rest.slice(0, colon);
      portText = rest.slice(colon + 1);
    } else {
      host = rest;
    }
    if (colons > 1) {
      if (!IPV6.test(host)) return fail(`Invalid host "${host}" in "${text}"; ${shape}`);
    } else if (!HOST_NAME.test(host)) {
      return fail(`Invalid host name "${host}" in "${text}"; ${shape}`);
    }
  }
  const value: { user?: string; host: string; port?: number } = { host };
  if (user !== undefined) value.user = user;
  if (portText !== undefined) {
    const port = parsePort(portText, text);
    if (typeof port === "string") return fail(port);
    value.port = port;
  }
  return { ok: true, value };
}

/** Options of {@linkcode SshRunner}. */
export interface SshRunnerOptions {
  /** Host name or address (IPv6 without brackets). */
  readonly host: string;
  /** Remote user; default `dokku`. */
  readonly user?: string | undefined;
  /** Remote port; default: ssh's own (22, or the ssh_config `Port` for that host). */
  readonly port?: number | undefined;
  /** Extra options, each passed as `-o <option>` (e.g. `IdentityFile=~/.ssh/deploy`). */
  readonly sshOptions?: readonly string[] | undefined;
  /**
   * Directory for the control socket (`<dir>/%C`). Default: a fresh temporary directory that
   * {@linkcode SshRunner.close} removes. Keep it short: socket paths are limited to ~100 bytes.
   */
  readonly controlDir?: string | undefined;
  /** The ssh executable; default `ssh` on PATH. */
  readonly sshPath?: string | undefined;
  /**
   * Commands in flight at most. sshd allows 10 sessions per connection by default
   * (`MaxSessions`); more would fail with "administratively prohibited". Default 8.
   */
  readonly maxSessions?: number | undefined;
}

/** A counting semaphore: at most `limit` holders at a time, served in arrival order. */
class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#free = limit;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#free++;
    else next();
  }
}

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGPIPE: 13,
  SIGTERM: 15,
};

function exitCode(status: Deno.CommandStatus): number {
  if (status.signal !== null) return 128 + (SIGNAL_NUMBERS[status.signal] ?? 0);
  return status.code;
}

/** Reads a stream to its end as UTF-8, unless stopped first (then: what arrived so far). */
function collect(stream: ReadableStream<Uint8Array>): { text: Promise<string>; stop(): void } {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const done = (async () => {
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // Cancelled by stop().
    }
    return text + decoder.decode();
  })();
  return {
    text: done,
    stop: () => {
      reader.cancel().catch(() => {});
    },
  };
}

/** Quotes a word for a POSIX shell (only for messages a user may paste; never executed here). */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./~-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

/** A function, not an inline check: TypeScript would keep a stale narrowing across awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Runs dokku commands on `user@host` over one multiplexed ssh connection. */
export class SshRunner implements CommandRunner {
  readonly target: string;
  readonly #user: string;
  readonly #host: string;
  readonly #port: number | undefined;
  readonly #sshPath: string;
  readonly #extra: readonly string[];
  readonly #givenControlDir: string | undefined;
  readonly #sessions: Semaphore;
  #controlDir: Promise<string> | undefined;
  #connected: Promise<void> | undefined;
  #closed = false;

  constructor(options: SshRunnerOptions) {
    this.#user = options.user ?? "dokku";
    this.#host = options.host;
    this.#port = options.port;
    this.#sshPath = options.sshPath ?? "ssh";
    this.#extra = (options.sshOptions ?? []).flatMap((option) => ["-o", option]);
    this.#givenControlDir = options.controlDir;
    this.#sessions = new Semaphore(Math.max(1, options.maxSessions ?? 8));
    const shownHost = this.#host.includes(":") ? `[${this.#host}]` : this.#host;
    this.target = `ssh:${this.#user}@${shownHost}:${this.#port ?? 22}`;
  }

  /** The full ssh argv (after the executable) for `words`; exported for tests and `--explain`. */
  sshArgs(controlDir: string, words: readonly string[]): string[] {
    return [...this.#baseArgs(controlDir), this.#host, "--", ...words];
  }

  #baseArgs(controlDir: string): string[] {
    // Ours first: ssh keeps the first value it sees for an option, so these cannot be
    // overridden by --ssh-option (the control socket and batch mode are needed for correctness).
    return [
      "-T",
      "-o",
      "BatchMode=yes",
      "-o",
      "ControlMaster=auto",
      "-o",
      `ControlPath=${controlDir}/%C`,
      ...this.#extra,
      "-o",
      "ControlPersist=60",
      "-l",
      this.#user,
      ...(this.#port === undefined ? [] : ["-p", String(this.#port)]),
    ];
  }

  /** The command a user can paste to check the connection by hand. */
  #probeCommand(): string {
    const words = [
      "ssh",
      ...(this.#port === undefined ? [] : ["-p", String(this.#port)]),
      ...this.#extra,
      `${this.#user}@${this.#host}`,
      "--",
      "version",
    ];
    return words.map(shellWord).join(" ");
  }

  #dir(): Promise<string> {
    this.#controlDir ??= this.#givenControlDir === undefined
      ? Deno.makeTempDir({ prefix: "dokompose-ssh-" })
      : Deno.mkdir(this.#givenControlDir, { recursive: true, mode: 0o700 }).then(() =>
        this.#givenControlDir as string
      );
    return this.#controlDir;
  }

  /**
   * Opens the shared connection once, before any command, so parallel commands all reuse it
   * instead of racing to become the master. A failure is not fatal here: each command then
   * connects on its own and reports ssh's own error.
   */
  #connect(controlDir: string): Promise<void> {
    this.#connected ??= (async () => {
      const check = await this.#spawn([...this.#baseArgs(controlDir), "-O", "check", this.#host]);
      if (check.code === 0) return;
      // -N: no command; -f: go to the background once authenticated, so this returns when the
      // master is ready (ControlPersist keeps it alive while commands come and go).
      await this.#spawn([
        ...this.#baseArgs(controlDir).map((arg) =>
          arg === "ControlMaster=auto" ? "ControlMaster=yes" : arg
        ),
        "-N",
        "-f",
        this.#host,
      ]);
    })();
    return this.#connected;
  }

  async #spawn(
    args: readonly string[],
    options: {
      readonly stdin?: string | Uint8Array | undefined;
      readonly signal?: AbortSignal | undefined;
    } = {},
  ): Promise<RunResult> {
    const command = new Deno.Command(this.#sshPath, {
      args: [...args],
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    let child: Deno.ChildProcess;
    try {
      child = command.spawn();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        return {
          code: 127,
          stdout: "",
          stderr:
            `dokompose: cannot run "${this.#sshPath}": not found; install an OpenSSH client\n`,
        };
      }
      throw error;
    }
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      try {
        await writer.write(
          typeof options.stdin === "string"
            ? new TextEncoder().encode(options.stdin)
            : options.stdin,
        );
        await writer.close();
      } catch {
        // ssh exited before reading all of its input; its exit status says why.
      }
    }
    // Not child.output(): a multiplexed client hands its stdout/stderr to the master, which keeps
    // them open until the remote command ends. After an abort the client is gone but the remote
    // command may run on, so stop reading then instead of waiting for end of file.
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const status = await child.status;
    if (isAborted(options.signal)) {
      stdout.stop();
      stderr.stop();
    }
    return { code: exitCode(status), stdout: await stdout.text, stderr: await stderr.text };
  }

  async run(request: RunRequest): Promise<RunResult> {
    const remote = remoteWords(request.argv);
    if (!remote.ok) {
      return {
        code: SSH_REFUSED_EXIT,
        stdout: "",
        stderr: `dokompose: refusing to send this command over ssh: ${remote.error}\n`,
      };
    }
    if (this.#closed) throw new Error("SshRunner.run() called after close()");
    let controlDir: string;
    try {
      controlDir = await this.#dir();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        code: 1,
        stdout: "",
        stderr: `dokompose: cannot create the ssh control directory: ${reason}\n`,
      };
    }
    await this.#connect(controlDir);
    await this.#sessions.acquire();
    try {
      // Deno ignores a signal that fired before spawn(): check it here, or the command would run.
      if (isAborted(request.signal)) {
        return {
          code: 143,
          stdout: "",
          stderr: "dokompose: interrupted before the command started\n",
        };
      }
      const result = await this.#spawn(this.sshArgs(controlDir, remote.words), {
        stdin: request.stdin,
        signal: request.signal,
      });
      // The ssh client exits 255 when killed; report the kill as one, like a local command.
      if (isAborted(request.signal)) return { ...result, code: 143 };
      if (result.code !== SSH_FAILURE_EXIT) return result;
      return {
        ...result,
        stderr: `${result.stderr}dokompose: ssh exited with ${SSH_FAILURE_EXIT}: ` +
          `probably a connection or authentication failure for ${this.target}\n` +
          `  hint: ssh runs in batch mode (no password or host key prompts); check that ` +
          `\`${this.#probeCommand()}\` works from this machine without a prompt\n`,
      };
    } finally {
      this.#sessions.release();
    }
  }

  check(argv: readonly string[]): string | undefined {
    const remote = remoteWords(argv);
    return remote.ok ? undefined : remote.error;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#controlDir === undefined) return;
    const controlDir = await this.#controlDir;
    if (this.#connected !== undefined) {
      await this.#connected;
      // Ends the master; fails harmlessly when none is running.
      await this.#spawn([...this.#baseArgs(controlDir), "-O", "exit", this.#host]);
    }
    if (this.#givenControlDir === undefined) {
      await Deno.remove(controlDir, { recursive: true }).catch(() => {});
    }
  }
}
