/**
 * The `dokompose` command line: a thin layer over the library.
 *
 * {@linkcode main} parses arguments and returns an exit code (0 ok, 1 input or run failure,
 * 2 usage); it never exits the process, and reads the world only through {@linkcode CliIo}, so
 * tests run it in-process. Each command's module is imported only when that command runs, which
 * keeps start-up cheap.
 *
 * @module
 */
import { Command, CommanderError, Option } from "commander";
import { type CliIo, collect, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./_io.ts";
import { VERSION } from "../version.ts";

export type { CliIo };

/** Columns that help text is wrapped at. */
const HELP_WIDTH = 80;

/** Options shared by every command that loads compose files. */
export interface LoadOptions {
  file?: string[];
  projectName?: string;
  projectDirectory?: string;
  profile?: string[];
  envFile?: string[];
  diagnostics: "text" | "json";
}

function addLoadOptions(cmd: Command): Command {
  return cmd
    .option(
      "-f, --file <path>",
      "compose file (repeatable; default: discovered like docker compose)",
      collect,
    )
    .option(
      "-p, --project-name <name>",
      "project name (default: top-level name:, else the directory name)",
    )
    .option(
      "--project-directory <dir>",
      "project directory (default: the first compose file's directory)",
    )
    .option(
      "--profile <name>",
      "activate a profile (repeatable; default: COMPOSE_PROFILES)",
      collect,
    )
    .option(
      "--env-file <path>",
      "environment file for interpolation (repeatable; default: .env)",
      collect,
    )
    .addOption(
      new Option("--diagnostics <format>", "how problems are printed on stderr")
        .choices(["text", "json"]).default("text"),
    );
}

/** Options of `run` and `plan` that name the target. */
export interface TargetOptions {
  dokku?: string;
  host?: string;
  sshOption?: string[];
  state?: string;
  secretsFile?: string;
  concurrency: string;
  explain?: boolean;
  forceStep?: string[];
  verifyTimeout?: string;
}

function addTargetOptions(cmd: Command): Command {
  return cmd
    .argument("<dokkufile>", "the Dokkufile to run (- for standard input)")
    .option("--dokku <path>", "the dokku executable to call (default: dokku on PATH)")
    .option("--host <[user@]host[:port]>", "run over ssh as dokku@host (user defaults to dokku)")
    .option("--ssh-option <opt>", "extra ssh -o option (repeatable)", collect)
    .option(
      "--state <file>",
      "state file (default: one per target and project, see docs/runtime.md)",
    )
    .option("--secrets-file <file>", "dotenv file with secret values (default: the environment)")
    .option("--concurrency <n>", "steps run in parallel at most", "4")
    .option("--explain", "say why each step runs or is skipped")
    .option("--force-step <id>", "run this step (and what needs it) even if unchanged", collect);
}

/**
 * The commands, each a function that adds itself to `program`. Each action imports its module
 * only when it runs, and reports its exit code through `done`.
 */
const COMMANDS: Record<
  string,
  (program: Command, io: CliIo, done: (code: number) => void) => void
> = {
  config: (program, io, done) =>
    addLoadOptions(
      program.command("config")
        .description("print the canonical compose model (like docker compose config)")
        .addOption(
          new Option("--format <format>", "output format").choices(["yaml", "json"]).default(
            "yaml",
          ),
        )
        .option("-o, --output <file>", "write to a file instead of stdout"),
    ).action(async (opts) => {
      const { runConfig } = await import("./_cmd_config.ts");
      done(await runConfig(opts, io));
    }),
  validate: (program, io, done) =>
    addLoadOptions(
      program.command("validate")
        .description("check compose files and print diagnostics only")
        .option("--strict", "treat warnings as errors"),
    ).action(async (opts) => {
      const { runValidate } = await import("./_cmd_config.ts");
      done(await runValidate(opts, io));
    }),
  compile: (program, io, done) =>
    addLoadOptions(
      program.command("compile")
        .description("compile compose files into a Dokkufile")
        .option("-o, --output <file>", "write to a file (- for stdout, the default)")
        .option("--strict", "treat mapping warnings as errors")
        .addOption(
          new Option("--format <format>", "output format").choices(["dokkufile", "json", "stack"])
            .default("dokkufile"),
        ),
    ).action(async (opts) => {
      const { runCompile } = await import("./_cmd_compile.ts");
      done(await runCompile(opts, io));
    }),
  graph: (program, io, done) =>
    addLoadOptions(
      program.command("graph")
        .description("print the service graph: services, datastores, networks, volumes and stages")
        .addOption(
          new Option("--format <format>", "output format").choices(["dot", "mermaid", "json"])
            .default("dot"),
        ),
    ).action(async (opts) => {
      const { runGraph } = await import("./_cmd_compile.ts");
      done(await runGraph(opts, io));
    }),
  run: (program, io, done) =>
    addTargetOptions(
      program.command("run")
        .description("run a Dokkufile against a Dokku host")
        .option("--dry-run", "print the plan and run nothing")
        .option("--no-rollback", "leave applied steps in place when a step fails")
        .option("--verify-timeout <seconds>", "how long a deploy may take to be running", "60")
        .addOption(
          new Option("--log-format <format>", "log format").choices(["text", "json"]).default(
            "text",
          ),
        ),
    ).action(async (file: string, opts) => {
      const { runRun } = await import("./_cmd_run.ts");
      done(await runRun(file, opts, io));
    }),
  plan: (program, io, done) =>
    addTargetOptions(
      program.command("plan")
        .description("print what run would do, and why")
        .option(
          "--detailed-exitcode",
          "exit 0 when nothing to do, 2 when changes are pending, 1 on error",
        )
        .addOption(
          new Option("--format <format>", "output format").choices(["text", "json"]).default(
            "text",
          ),
        ),
    ).action(async (file: string, opts) => {
      const { runPlan } = await import("./_cmd_run.ts");
      done(await runPlan(file, opts, io));
    }),
};

/**
 * Runs the CLI with `args` (without the program name) and returns the exit code.
 */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  let code = EXIT_OK;
  const program = new Command("dokompose")
    .description(
      "Run a Docker Compose stack on a Dokku server: compose files -> Dokkufile -> dokku",
    )
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      // Help is wrapped at 80 columns and never coloured, whatever the terminal, so it is the
      // same text everywhere (and commander never consults `process.stdout` or the environment).
      getOutHelpWidth: () => HELP_WIDTH,
      getErrHelpWidth: () => HELP_WIDTH,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    });

  // Start-up: commander's cost grows with every option it is given, so when the first argument
  // names a command, only that command is defined (its help, errors and suggestions are the same).
  // Anything else (help, --version, a typo) gets the whole program.
  const first = args[0];
  const wanted = first !== undefined && Object.hasOwn(COMMANDS, first)
    ? [first]
    : Object.keys(COMMANDS);
  for (const name of wanted) COMMANDS[name]?.(program, io, (c) => code = c);

  try {
    await program.parseAsync([...args], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") {
        return EXIT_OK;
      }
      if (error.code === "commander.help") return EXIT_OK;
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  return code;
}

function realIo(): CliIo {
  const encoder = new TextEncoder();
  let signal: AbortSignal | undefined;
  // Signal handlers are installed when a command first asks for the signal (only run/plan do),
  // so the other commands do not pay for them at start-up.
  const interrupts = (): AbortSignal => {
    if (signal !== undefined) return signal;
    const controller = new AbortController();
    signal = controller.signal;
    const stop = () => controller.abort();
    try {
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
    } catch {
      // Signals are not available on every platform; the run simply cannot be interrupted cleanly.
    }
    return signal;
  };
  return {
    stdout: (text) => {
      Deno.stdout.writeSync(encoder.encode(text));
    },
    stderr: (text) => {
      Deno.stderr.writeSync(encoder.encode(text));
    },
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    isTty: Deno.stdout.isTerminal(),
    get signal() {
      return interrupts();
    },
  };
}

if (import.meta.main) {
  let exitCode: number;
  try {
    // Called from a microtask, not from this module's body: while the body is on the stack, the
    // first `new Error()` anywhere (commander makes one for --version and --help, a failed stat
    // makes one) costs V8 a re-parse of the whole bundle to find the body's source positions,
    // ~13 ms (bench/out/results.md, "Start-up profile").
    exitCode = await Promise.resolve().then(() => main(Deno.args, realIo()));
  } catch (error) {
    // A bug: keep its stack, and say where to report it.
    console.error("dokompose: internal error (this is a bug, please report it):");
    console.error(error);
    exitCode = 70;
  }
  // The process ends by itself once the event loop is empty, with this code. Not `Deno.exit()`:
  // called inside this module's top-level await it keeps Deno from writing its V8 code cache for
  // the module (written when the evaluation completes), so every start would compile the whole
  // bundle again (~15 ms), and it is slower than an empty event loop. Every command closes what
  // it opened (child processes, the ssh master, timers, signal listeners do not keep it alive).
  Deno.exitCode = exitCode === undefined ? EXIT_FAILURE : exitCode;
}
