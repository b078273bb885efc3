/**
 * LocalRunner: runs dokku on this machine. Spawns the argv array with `Deno.Command` (never a
 * shell), so every byte of every argument reaches dokku unchanged.
 */
import type { CommandRunner, RunRequest, RunResult } from "./runner.ts";

const SIGNALS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
};

/** Options for {@linkcode LocalRunner}. */
export interface LocalRunnerOptions {
  /** The dokku executable (absolute, or a name looked up on PATH). Default `dokku`. */
  readonly dokku?: string;
  /** Extra environment for the child (merged over the inherited one). */
  readonly env?: Readonly<Record<string, string>>;
  /** Whether the child inherits this process's environment (default true). */
  readonly inheritEnv?: boolean;
}

/** Runs dokku locally. */
export class LocalRunner implements CommandRunner {
  readonly target: string;
  readonly #dokku: string;
  readonly #env: Readonly<Record<string, string>> | undefined;
  readonly #inheritEnv: boolean;

  constructor(options: LocalRunnerOptions = {}) {
    this.#dokku = options.dokku ?? "dokku";
    this.#env = options.env;
    this.#inheritEnv = options.inheritEnv ?? true;
    this.target = options.dokku === undefined ? "local" : `local:${options.dokku}`;
  }

  async run(request: RunRequest): Promise<RunResult> {
    const [head, ...args] = request.argv;
    if (head !== "dokku") throw new Error(`argv[0] must be "dokku", got ${JSON.stringify(head)}`);
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(this.#dokku, {
        args,
        stdin: request.stdin === undefined ? "null" : "piped",
        stdout: "piped",
        stderr: "piped",
        clearEnv: !this.#inheritEnv,
        ...(this.#env === undefined ? {} : { env: { ...this.#env } }),
      }).spawn();
    } catch (error) {
      const reason = error instanceof Deno.errors.NotFound
        ? `cannot run "${this.#dokku}": no such file (give its path with --dokku)`
        : `cannot run "${this.#dokku}": ${error instanceof Error ? error.message : String(error)}`;
      return { code: 127, stdout: "", stderr: reason + "\n" };
    }
    const onAbort = () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already exited.
      }
    };
    request.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (request.stdin !== undefined) {
        const writer = child.stdin.getWriter();
        const bytes = typeof request.stdin === "string"
          ? new TextEncoder().encode(request.stdin)
          : request.stdin;
        try {
          await writer.write(bytes);
          await writer.close();
        } catch {
          // The command exited without reading all of its input; its exit code tells the story.
        }
      }
      const out = await child.output();
      const decoder = new TextDecoder();
      const code = out.signal === null ? out.code : 128 + (SIGNALS[out.signal] ?? 0);
      return { code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
    } finally {
      request.signal?.removeEventListener("abort", onAbort);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
