/**
 * The dotenv format of the project `.env`, `--env-file` and service `env_file` files
 * (RULES.md E1-E10, F4, F5), compatible with compose-go's `dotenv` parser.
 *
 * - `#` lines and blank lines are ignored; `export NAME=...` is accepted; spaces around `=` are
 *   allowed; `NAME: value` (YAML-style separator) is accepted too (E10).
 * - Unquoted values run to the end of the line, ` #` starts a comment, trailing white space is
 *   trimmed, backslashes are literal, and `${...}` is interpolated.
 * - Single-quoted values are literal; only `\'` is an escape.
 * - Double-quoted values expand `\n \r \t \a \b \f \v \\ \" \$` and octal `\0NNN`, then
 *   interpolate. Quoted values may span lines. A comment may follow the closing quote; any other
 *   text there is an error (compose-go would silently start a new entry).
 * - `NAME=` is the empty string; a bare `NAME` takes the value from the lookup, else no entry.
 * - Interpolation inside the file looks in `options.lookup` first, then in the entries above (E7).
 * - `raw: true` (env_file `format: raw`, F5): each `NAME=VALUE` line is taken verbatim.
 *
 * A UTF-8 BOM is skipped and CRLF line endings are read as LF. Duplicate names: the last value
 * wins; entries are listed in the order of their *first* definition, with the line of the last.
 * Errors are collected (one per bad line) and never thrown; an unterminated quote stops parsing.
 *
 * @module
 */
import { interpolate, type Lookup } from "./_interpolate.ts";

export type { Lookup };

/** One variable of a dotenv file; `line` (1-based) is where its value was defined. */
export interface DotenvEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** A problem in a dotenv file, located by 1-based line and column, with its diagnostic code. */
export interface DotenvError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly code: string;
  readonly args: Readonly<Record<string, string>>;
}

/** Options for {@linkcode parseDotenv}. */
export interface DotenvOptions {
  /** The environment that wins over the file's own entries for `${...}` (E7, E8). */
  readonly lookup: Lookup;
  /** `format: raw`: `NAME=VALUE` lines verbatim, no quotes, escapes or interpolation (F5). */
  readonly raw?: boolean;
}

/** The result of {@linkcode parseDotenv}. */
export interface DotenvResult {
  entries: DotenvEntry[];
  errors: DotenvError[];
}

/** Space characters that are not line breaks (compose-go `isSpace`). */
function isInlineSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\v" || c === "\f" || c === "\r" ||
    c === "\u0085" || c === "\u00a0";
}

/** Built on first use: a Unicode property class costs a cold process ~0.4 ms to create. */
let keyChar: RegExp | undefined;

/** Whether `ch` may appear in a variable name (a letter, a digit, `_`, `.`, `-`, `[`, `]`). */
function isKeyChar(ch: string): boolean {
  keyChar ??= /^[\p{L}\p{N}_.\-[\]]$/u;
  return keyChar.test(ch);
}

class Scanner {
  readonly text: string;
  readonly options: DotenvOptions;
  readonly entries = new Map<string, DotenvEntry>();
  readonly errors: DotenvError[] = [];

  /** Offsets where each line starts, for O(log n) line/column lookups. */
  readonly lineStarts: number[] = [0];

  constructor(text: string, options: DotenvOptions) {
    this.text = text;
    this.options = options;
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
      this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo] ?? 0;
    return { line: lo + 1, column: [...this.text.slice(start, offset)].length + 1 };
  }

  lookup(name: string): string | undefined {
    return this.options.lookup(name) ?? this.entries.get(name)?.value;
  }

  set(key: string, value: string, line: number): void {
    this.entries.set(key, { key, value, line });
  }

  error(offset: number, code: string, args: Record<string, string>, message: string): void {
    const { line, column } = this.position(offset);
    this.errors.push({ line, column, message, code, args });
  }

  lineEnd(from: number): number {
    const nl = this.text.indexOf("\n", from);
    return nl < 0 ? this.text.length : nl;
  }

  lineOf(offset: number): number {
    return this.position(offset).line;
  }
}

function normalize(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.includes("\r\n") ? noBom.replace(/\r\n/g, "\n") : noBom;
}

/**
 * Parses a dotenv file.
 *
 * @example
 * ```ts
 * const env: Record<string, string> = { HOST: "db" };
 * parseDotenv('URL=http://${HOST}/\nRAW=\'${HOST}\'\n', { lookup: (n) => env[n] });
 * // entries: URL = "http://db/", RAW = "${HOST}"
 * ```
 */
export function parseDotenv(text: string, options: DotenvOptions): DotenvResult {
  const s = new Scanner(normalize(text), options);
  if (options.raw === true) parseRaw(s);
  else parseStatements(s);
  return { entries: [...s.entries.values()], errors: s.errors };
}

function parseRaw(s: Scanner): void {
  const lines = s.text.split("\n");
  let offset = 0;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const start = offset;
    offset += line.length + 1;
    const trimmed = line.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = line.indexOf("=");
    const key = eq < 0 ? line.trim() : line.slice(0, eq);
    if (!checkKey(s, key, start, eq < 0 ? "" : "=")) continue;
    if (eq < 0) {
      const inherited = s.lookup(key);
      if (inherited !== undefined) s.set(key, inherited, index + 1);
      continue;
    }
    s.set(key, line.slice(eq + 1), index + 1);
  }
}

/** Validates a complete key (raw format); reports and returns false when it is bad. */
function checkKey(s: Scanner, key: string, offset: number, separator: string): boolean {
  if (key === "") {
    s.error(offset, "DK2112", { separator }, `missing variable name before "${separator}"`);
    return false;
  }
  for (const ch of key) {
    if (isInlineSpace(ch)) {
      s.error(offset, "DK2111", { name: key }, `variable name "${key}" contains a space`);
      return false;
    }
    if (!isKeyChar(ch)) {
      s.error(
        offset + key.indexOf(ch),
        "DK2110",
        { char: ch, name: key },
        `unexpected character "${ch}" in variable name "${key}"`,
      );
      return false;
    }
  }
  return true;
}

function skipBlankAndComments(s: Scanner, from: number): number {
  const text = s.text;
  let i = from;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (c === "\n" || isInlineSpace(c) || /\s/u.test(c)) {
      i++;
    } else if (c === "#") {
      i = s.lineEnd(i);
    } else {
      break;
    }
  }
  return i;
}

function parseStatements(s: Scanner): void {
  const text = s.text;
  let i = skipBlankAndComments(s, 0);
  while (i < text.length) {
    i = statement(s, i);
    i = skipBlankAndComments(s, i);
  }
}

/** Parses one statement starting at `start`; returns the offset after it. */
function statement(s: Scanner, start: number): number {
  const text = s.text;
  let i = start;
  const exported = /^export[ \t]+/.exec(text.slice(i, i + 64));
  if (exported !== null) i += exported[0].length;
  const keyStart = i;
  // Scan the name up to `=`, `:` or the end of the line (compose-go `locateKeyName`).
  let sep = "";
  for (; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c === "=" || c === ":" || c === "\n") {
      sep = c;
      break;
    }
    if (isInlineSpace(c)) continue;
    const cp = String.fromCodePoint(text.codePointAt(i) ?? 0);
    if (!isKeyChar(cp)) {
      const end = s.lineEnd(keyStart);
      const shown = text.slice(keyStart, end).replace(/[=:].*$/, "");
      s.error(
        i,
        "DK2110",
        { char: cp, name: shown },
        `unexpected character "${cp}" in variable name "${shown}"`,
      );
      return end;
    }
    if (cp.length === 2) i++;
  }
  const rawKey = text.slice(keyStart, i);
  const key = rawKey.replace(/[\s\u0085\u00a0]+$/u, "");
  const keyLine = s.lineOf(keyStart);
  if (key === "") {
    const shown = sep === "\n" || sep === "" ? "end of line" : sep;
    s.error(keyStart, "DK2112", { separator: shown }, `missing variable name before "${shown}"`);
    return s.lineEnd(keyStart);
  }
  if (/[\s\u0085\u00a0]/u.test(key)) {
    s.error(keyStart, "DK2111", { name: key }, `variable name "${key}" contains a space`);
    return s.lineEnd(keyStart);
  }
  if (sep === "\n" || sep === "") {
    // A bare NAME: take it from the environment, else define nothing (E6).
    const inherited = s.lookup(key);
    if (inherited !== undefined) s.set(key, inherited, keyLine);
    return i;
  }
  i++;
  while (i < text.length && isInlineSpace(text[i] ?? "")) i++;
  const quote = text[i];
  if (quote === "'" || quote === '"') return quoted(s, key, i, quote);
  // Unquoted: to the end of the line, ` #` starts a comment, trailing space trimmed.
  const end = s.lineEnd(i);
  let value = text.slice(i, end);
  const comment = value.indexOf(" #");
  if (comment >= 0) value = value.slice(0, comment);
  value = value.replace(/[\s\u0085\u00a0]+$/u, "");
  const expanded = expand(s, key, value, i);
  if (expanded !== undefined) s.set(key, expanded, keyLine);
  return end;
}

/** Interpolates a value; reports errors at `offset + error offset` and returns undefined. */
function expand(s: Scanner, key: string, value: string, offset: number): string | undefined {
  const result = interpolate(value, (name) => s.lookup(name));
  if (result.ok) return result.value;
  const e = result.error;
  s.error(offset + e.offset, e.code, { ...e.args, name: key }, e.message);
  return undefined;
}

function quoted(s: Scanner, key: string, open: number, quote: "'" | '"'): number {
  const text = s.text;
  const keyLine = s.lineOf(open);
  let chars = "";
  let escaped = false;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c !== quote) {
      if (!escaped && c === "\\") {
        escaped = true;
        continue;
      }
      if (escaped) {
        escaped = false;
        chars += "\\";
      }
      chars += c;
      continue;
    }
    if (escaped) { // `\"` or `\'`
      escaped = false;
      chars += c;
      continue;
    }
    let value: string | undefined = chars;
    if (quote === '"') value = expand(s, key, expandEscapes(chars), open);
    if (value !== undefined) s.set(key, value, keyLine);
    return afterQuote(s, key, i + 1);
  }
  s.error(
    open,
    "DK2113",
    { name: key, quote: quote === '"' ? "double" : "single" },
    `unterminated quoted value for "${key}"`,
  );
  return text.length;
}

/** After a closing quote only white space or a comment may follow on the same line. */
function afterQuote(s: Scanner, key: string, from: number): number {
  const text = s.text;
  const end = s.lineEnd(from);
  let i = from;
  while (i < end && isInlineSpace(text[i] ?? "")) i++;
  if (i < end && text[i] !== "#") {
    const rest = text.slice(i, end).trim();
    s.error(
      i,
      "DK2114",
      { text: rest, name: key },
      `unexpected text "${rest}" after the closing quote of "${key}"`,
    );
  }
  return end;
}

const ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  c: "\\c", // compose-go's pattern matches `\c` but Go cannot unquote it: kept
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  $: "$$", // stays a literal `$` through interpolation
  '"': '"',
  "\\": "\\",
};

/** Shell escapes of double-quoted values (compose-go `expandEscapes`). */
function expandEscapes(value: string): string {
  return value.replace(/\\(?:[abcfnrtv$"\\]|0[0-9]{0,3})/g, (match) => {
    const c = match[1] ?? "";
    if (c !== "0") return ESCAPES[c] ?? match;
    // `\0NNN` (exactly three octal digits after the 0) is a byte; anything else stays.
    const digits = match.slice(2);
    if (!/^[0-7]{3}$/.test(digits)) return match;
    const code = parseInt(digits, 8);
    return code > 255 ? match : String.fromCharCode(code);
  });
}
