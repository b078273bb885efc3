/**
 * Turning a dokku argv into the words of an ssh command line that Dokku splits back, byte for
 * byte, into the same argv.
 *
 * Over ssh, Dokku's forced command receives one string (`SSH_ORIGINAL_COMMAND`: ssh joins its
 * command words with single spaces) and splits it again with xargs quoting rules (GNU findutils):
 * blanks and newlines separate words; `'...'` and `"..."` quote everything up to the same quote
 * (a backslash inside quotes is literal, a newline inside quotes is an error); outside quotes a
 * backslash makes the next character literal. Commands starting with `git-` or `git:` are split
 * on whitespace only, with no quoting at all. (`shared/dokku/SEMANTICS.md` section 1.)
 *
 * Newlines are not safe in that channel. For `config:set` the values are sent base64-encoded with
 * `--encoded` (Dokku decodes them server-side); any other newline is refused, never mangled.
 *
 * Pure: no I/O; every function here is called from tests with in-memory data.
 */

/** The command words for ssh (after `--`), or why the argv cannot be sent. */
export type RemoteWords =
  | {
    readonly ok: true;
    readonly words: readonly string[];
    /** True when `config:set` was rewritten to `config:set --encoded` (base64 values). */
    readonly encoded: boolean;
  }
  | { readonly ok: false; readonly error: string };

/**
 * Longest command string (in UTF-8 bytes) we send. GNU xargs splits a longer input into several
 * invocations (its default `-s` is 128 KiB), which would silently run a different command.
 */
export const MAX_REMOTE_COMMAND_BYTES = 100_000;

/** Dokku's global flags that take a value (`--app X`); the others are booleans. */
const GLOBAL_FLAGS_WITH_VALUE = new Set(["--app"]);

/** Words made only of these characters survive xargs splitting (and a shell) unquoted. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Characters a git-* word cannot hold: whitespace (Dokku splits these commands on whitespace
 * only), and quotes or backslashes (a splitter that looks at the first word, which may be a
 * global flag, would apply xargs rules instead). Words without them split the same either way.
 */
const UNSAFE_IN_GIT_WORD = /[ \t\n'"\\]/;

/**
 * Quotes one argument for the xargs-rules splitter: bare when it is made of safe characters,
 * otherwise in single quotes (a `'` inside becomes `'"'"'`). The empty string becomes `''`.
 * Returns `undefined` for a value xargs cannot carry (a newline, or a NUL byte).
 */
export function quoteXargs(value: string): string | undefined {
  if (value.includes("\n") || value.includes("\0")) return undefined;
  if (SAFE_WORD.test(value)) return value;
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/** Index in `args` (argv without `dokku`) of the command word, after leading global flags. */
function commandIndex(args: readonly string[]): number {
  let i = 0;
  while (i < args.length && (args[i] ?? "").startsWith("--")) {
    i += GLOBAL_FLAGS_WITH_VALUE.has(args[i] ?? "") ? 2 : 1;
  }
  return i;
}

function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function describe(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
  return JSON.stringify(shown);
}

/**
 * Rewrites `config:set [flags] (<app>|--global) KEY=VALUE...` to `config:set --encoded ...` with
 * every VALUE base64-encoded (UTF-8), keeping the other flags. `at` is the index of `config:set`.
 */
function encodeConfigSet(
  args: readonly string[],
  at: number,
): { readonly args: readonly string[] } | { readonly error: string } {
  const rest = args.slice(at + 1);
  if (rest.includes("--encoded")) {
    return {
      error:
        'config:set already has "--encoded" but a value contains a newline; expected base64 values',
    };
  }
  const isGlobal = rest.includes("--global");
  const out: string[] = [...args.slice(0, at + 1), "--encoded"];
  let seenApp = isGlobal;
  for (const arg of rest) {
    if (arg.startsWith("--")) {
      out.push(arg);
      continue;
    }
    if (!seenApp) {
      seenApp = true;
      out.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    if (eq <= 0) {
      return {
        error: `config:set argument ${describe(arg)} is not KEY=VALUE; expected KEY=VALUE pairs`,
      };
    }
    out.push(`${arg.slice(0, eq)}=${base64Utf8(arg.slice(eq + 1))}`);
  }
  return { args: out };
}

/**
 * The ssh command words for a dokku argv (`argv[0]` must be `"dokku"`; it is dropped because the
 * forced command is dokku). See the module doc for the rules.
 */
export function remoteWords(argv: readonly string[]): RemoteWords {
  if (argv[0] !== "dokku") {
    throw new Error(`Runner request argv must start with "dokku", got ${JSON.stringify(argv[0])}`);
  }
  let args: readonly string[] = argv.slice(1);
  const at = commandIndex(args);
  const command = args[at];
  if (command === undefined) {
    return { ok: false, error: "No dokku command to send; expected a command after the flags" };
  }
  if (args.some((arg) => arg.includes("\0"))) {
    return { ok: false, error: `An argument of "${command}" contains a NUL byte` };
  }
  let encoded = false;
  if (command === "config:set" && args.some((arg) => arg.includes("\n"))) {
    const rewritten = encodeConfigSet(args, at);
    if ("error" in rewritten) return { ok: false, error: rewritten.error };
    args = rewritten.args;
    encoded = true;
  }
  const words: string[] = [];
  const plainSplit = command.startsWith("git-") || command.startsWith("git:");
  for (const [index, arg] of args.entries()) {
    if (arg.includes("\n")) {
      return {
        ok: false,
        error: `Argument ${index + 1} of "${command}" (${
          describe(arg)
        }) contains a newline, which Dokku's ssh command splitter cannot carry; only config:set values can (sent with --encoded)`,
      };
    }
    if (plainSplit) {
      // git-* commands are split on whitespace only: no quoting can help, so refuse rather than
      // send a word that would arrive split or with its quotes.
      if (arg === "" || UNSAFE_IN_GIT_WORD.test(arg)) {
        return {
          ok: false,
          error: `Argument ${index + 1} of "${command}" (${
            describe(arg)
          }) is empty or contains whitespace, quotes or backslashes; Dokku splits "${command}" on whitespace only over ssh`,
        };
      }
      words.push(arg);
      continue;
    }
    const quoted = quoteXargs(arg);
    if (quoted === undefined) throw new Error("unreachable: newline and NUL checked above");
    words.push(quoted);
  }
  const bytes = new TextEncoder().encode(words.join(" ")).length;
  if (bytes > MAX_REMOTE_COMMAND_BYTES) {
    return {
      ok: false,
      error:
        `The "${command}" command is ${bytes} bytes long once quoted; Dokku's ssh splitter (xargs) accepts at most ${MAX_REMOTE_COMMAND_BYTES}`,
    };
  }
  return { ok: true, words, encoded };
}
