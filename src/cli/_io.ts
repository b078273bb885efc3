/**
 * The CLI's window on the world. `main.ts` builds the real one from `Deno.*`; tests pass a fake
 * one and run every command in-process.
 */
export interface CliIo {
  /** Writes to standard output (text, already newline-terminated where needed). */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** The process environment (a snapshot; commands never read `Deno.env` themselves). */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute working directory; relative paths given on the command line resolve against it. */
  readonly cwd: string;
  /** True when stdout is a terminal (colours, live progress). */
  readonly isTty: boolean;
  /** A signal that fires on SIGINT/SIGTERM (the runtime stops starting steps and rolls back). */
  readonly signal?: AbortSignal;
}

/** Exit codes: 0 ok, 1 input or run failure, 2 usage. Some commands document more (`plan`). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A usage error (bad flag value); the CLI prints it and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Collects every value of a repeatable option (`-f a -f b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
