/** Runs the CLI in-process with a fake {@linkcode CliIo} and captures what it printed. */
import { main } from "../../src/cli/main.ts";
import type { CliIo } from "../../src/cli/_io.ts";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface FakeIoOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly isTty?: boolean;
  readonly signal?: AbortSignal;
}

/** Runs `dokompose <args>` in-process. The environment is exactly `options.env` (default empty). */
export async function runCli(
  args: readonly string[],
  options: FakeIoOptions = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: options.env ?? {},
    cwd: options.cwd ?? Deno.cwd(),
    isTty: options.isTty ?? false,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** The `deno` argv that runs the CLI from source as its own process: `dokompose <args>`. */
export function cliProcessArgs(args: readonly string[]): string[] {
  const root = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
  return ["run", "-A", "--config", `${root}/deno.json`, `${root}/src/cli/main.ts`, ...args];
}
