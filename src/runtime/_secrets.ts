/**
 * Secrets: resolved from a dotenv file (`--secrets-file`) or the environment, sent to dokku on
 * stdin only, hashed into checksums, and redacted from everything printed. Pure.
 */
import type { StdinSpec } from "../dokkufile/types.ts";
import { diag, type Diagnostic } from "../diagnostics/mod.ts";
import { secretHash } from "./_checksum.ts";

/** A parsed dotenv file: values by name, plus diagnostics for lines that could not be read. */
export interface DotenvResult {
  readonly values: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  "\\": "\\",
  '"': '"',
  $: "$",
};

/**
 * Parses dotenv text: `KEY=value`, `export KEY=value`, `#` comments, single quotes (literal,
 * may span lines), double quotes (escapes `\n \r \t \\ \" \$`, may span lines), unquoted values
 * trimmed with a trailing ` #comment` removed. No interpolation: a secret is taken literally.
 */
export function parseDotenv(text: string, options: { file: string }): DotenvResult {
  const values = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (m === null) {
      diagnostics.push(diag("DK5009", { file: options.file, line: lineNo }, {
        span: { file: options.file, line: lineNo, column: 1 },
      }));
      continue;
    }
    const key = m[1]!;
    let rest = m[2]!;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      let value = "";
      let j = 1;
      let closed = false;
      for (;;) {
        while (j < rest.length) {
          const c = rest[j]!;
          if (c === quote) {
            closed = true;
            break;
          }
          if (quote === '"' && c === "\\" && j + 1 < rest.length) {
            const next = rest[j + 1]!;
            value += ESCAPES[next] ?? `\\${next}`;
            j += 2;
            continue;
          }
          value += c;
          j++;
        }
        if (closed || i + 1 >= lines.length) break;
        // The quoted value goes on over the next line.
        value += "\n";
        i++;
        rest = lines[i]!;
        j = 0;
      }
      if (!closed) {
        diagnostics.push(diag("DK5010", { file: options.file, key, line: lineNo }, {
          span: { file: options.file, line: lineNo, column: 1 },
        }));
        continue;
      }
      values.set(key, value);
    } else {
      values.set(key, rest.replace(/\s+#.*$/, "").trim());
    }
  }
  return { values, diagnostics };
}

/** Resolved secrets: values (kept in memory only) and their hashes (for checksums). */
export interface ResolvedSecrets {
  readonly values: ReadonlyMap<string, string>;
  readonly hashes: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

/** The environment variable names tried for a secret: the name itself, then its upper-case form. */
export function secretEnvNames(name: string): string[] {
  const upper = name.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
  return upper === name ? [name] : [name, upper];
}

/**
 * Resolves every secret the Dokkufile declares: from the secrets file first, then the
 * environment. Each missing one is an error (DK5001) naming it and how to provide it.
 */
export function resolveSecrets(
  names: readonly string[],
  sources: {
    readonly env: Readonly<Record<string, string>>;
    readonly file?: ReadonlyMap<string, string> | undefined;
    readonly fileName?: string | undefined;
  },
): ResolvedSecrets {
  const values = new Map<string, string>();
  const hashes = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const name of names) {
    let value: string | undefined;
    for (const candidate of secretEnvNames(name)) {
      value = sources.file?.get(candidate) ?? sources.env[candidate];
      if (value !== undefined) break;
    }
    if (value === undefined) {
      const envNames = secretEnvNames(name).map((n) => `"${n}"`).join(" or ");
      diagnostics.push(diag("DK5001", {
        secret: name,
        env: envNames,
        where: sources.fileName === undefined
          ? "the environment"
          : `"${sources.fileName}" or the environment`,
      }));
      continue;
    }
    values.set(name, value);
    hashes.set(name, secretHash(name, value));
  }
  return { values, hashes, diagnostics };
}

/**
 * The stdin of a `secrets-json` command: one JSON object `{"KEY": "<value>", ...}` in the order
 * given. Undefined when a secret is not resolved (a bug: secrets are resolved before any run).
 */
export function secretsJson(
  spec: Extract<StdinSpec, { kind: "secrets-json" }>,
  values: ReadonlyMap<string, string>,
): string | undefined {
  const out: Record<string, string> = {};
  for (const ref of spec.secrets) {
    const value = values.get(ref.secret);
    if (value === undefined) return undefined;
    out[ref.key] = value;
  }
  return JSON.stringify(out);
}

/** Replaces every occurrence of a secret value in text with `***`. */
export type Redactor = (text: string) => string;

/**
 * Builds a redactor for the given secret values. Both the raw value and its JSON-escaped form
 * (as it appears in `config:export --format json` output) are replaced; longer values first so a
 * secret containing another is fully hidden.
 */
export function makeRedactor(values: Iterable<string>): Redactor {
  const needles = new Set<string>();
  for (const value of values) {
    if (value === "") continue;
    needles.add(value);
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) needles.add(escaped);
    const trimmed = value.trim();
    if (trimmed !== "" && trimmed !== value) needles.add(trimmed);
  }
  if (needles.size === 0) return (text) => text;
  // Longest first: a value that contains another must be replaced whole.
  const sorted = [...needles].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return (text) => {
    let out = text;
    for (const needle of sorted) {
      if (out.includes(needle)) out = out.split(needle).join("***");
    }
    return out;
  };
}

/**
 * Masks the password of every URL in text (`postgres://user:***@host`): datastore links print
 * their URLs, and a CI log is no place for database passwords.
 */
export function maskUrlPasswords(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)@/gi, "$1***@");
}
