/**
 * Picks the command runner for a target: `--host` selects ssh, otherwise dokku runs locally
 * (`--dokku PATH`, or `dokku` on PATH).
 */
import type { CommandRunner } from "./runner.ts";
import { LocalRunner } from "./_local.ts";
import { resolve as resolvePath } from "../path/mod.ts";

/** Options for {@linkcode createRunner}. */
export interface RunnerOptions {
  /** The dokku executable for a local target; a relative path resolves against `cwd`. */
  readonly dokku?: string | undefined;
  /** `[USER@]HOST[:PORT]`: run over ssh. */
  readonly host?: string | undefined;
  /** Extra `ssh -o` options. */
  readonly sshOptions?: readonly string[] | undefined;
  /** The directory relative paths resolve against. */
  readonly cwd: string;
  /** The whole environment of a local dokku (default: inherited). */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** A runner, or a message saying why none could be made (bad `--host`, `--dokku` with `--host`). */
export type RunnerResult =
  | { readonly ok: true; readonly runner: CommandRunner }
  | { readonly ok: false; readonly error: string };

/** Makes the runner the options select. */
export async function createRunner(options: RunnerOptions): Promise<RunnerResult> {
  if (options.host !== undefined) {
    if (options.dokku !== undefined) {
      return { ok: false, error: "--dokku and --host cannot be used together" };
    }
    // Loaded only for ssh targets: keeps local start-up lean.
    const { parseHost, SshRunner } = await import("./_ssh.ts");
    const parsed = parseHost(options.host);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    return {
      ok: true,
      runner: new SshRunner({
        host: parsed.value.host,
        user: parsed.value.user,
        port: parsed.value.port,
        sshOptions: options.sshOptions ?? [],
      }),
    };
  }
  if (options.sshOptions !== undefined && options.sshOptions.length > 0) {
    return { ok: false, error: "--ssh-option needs --host" };
  }
  const dokku = options.dokku === undefined
    ? undefined
    : options.dokku.includes("/")
    ? resolvePath(options.cwd, options.dokku)
    : options.dokku;
  return {
    ok: true,
    runner: new LocalRunner({
      ...(dokku === undefined ? {} : { dokku }),
      // The CLI's environment snapshot is the child's whole environment (tests pass a fake one).
      ...(options.env === undefined ? {} : { env: options.env, inheritEnv: false }),
    }),
  };
}
