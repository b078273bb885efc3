/**
 * The command runner: the only way the runtime reaches Dokku. The executor is given one; tests
 * give it a fake. Implementations: local spawn (`_local.ts`), ssh (`_ssh.ts`).
 *
 * A runner never builds a local shell command line: it spawns an argv array, so every byte of
 * every argument reaches dokku unchanged.
 */

/** One command to run. `argv[0]` is always `"dokku"`; the runner maps it to its target. */
export interface RunRequest {
  readonly argv: readonly string[];
  /**
   * The command's standard input (secrets travel here, never in argv). A string is sent as UTF-8;
   * bytes (a build-context tar for `git:from-archive`) are sent unchanged.
   */
  readonly stdin?: string | Uint8Array | undefined;
  /** Aborts the command (the runner kills the process). */
  readonly signal?: AbortSignal | undefined;
}

/** What a command did. `code` is the exit code (128 + signal number when killed). */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs dokku commands against one target. */
export interface CommandRunner {
  /**
   * A stable, human-readable key for the target, used to key state and locks:
   * `local`, `local:<absolute path of --dokku>`, or `ssh:<user>@<host>:<port>`.
   */
  readonly target: string;
  run(request: RunRequest): Promise<RunResult>;
  /** Releases what the runner holds (the ssh control connection). Safe to call twice. */
  close(): Promise<void>;
  /**
   * Why this runner cannot deliver `argv` intact (e.g. a newline over ssh outside `config:set`),
   * or undefined when it can. Optional; lets the runtime refuse a plan before anything runs.
   */
  check?(argv: readonly string[]): string | undefined;
}
