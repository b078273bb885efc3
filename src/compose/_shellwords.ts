/**
 * Splits a `command` / `entrypoint` string into words (RULES.md C1), like compose-go, which uses
 * `mattn/go-shellwords` without variable expansion or command substitution.
 *
 * - Words are separated by space, tab, CR and LF outside quotes.
 * - Single quotes: everything literal up to the next `'` (a backslash too).
 * - Double quotes: a backslash escapes the next character; `\t` and `\n` become tab and newline
 *   (go-shellwords does this inside and outside double quotes).
 * - A backslash outside quotes escapes the next character, with the same `\t`/`\n` rule.
 * - `""` and `''` give an empty word. `$VAR`, `$(...)` and backquotes are kept literally.
 * - An unterminated quote, a trailing backslash, an unbalanced `(` or `)` or an unterminated
 *   backquote is an error.
 * - An unquoted shell operator (`;`, `&`, `|`, `<`, `>`) is an error. go-shellwords silently drops
 *   everything from the operator on (`a && b` becomes `["a"]`); we refuse rather than lose input.
 *
 * @module
 */

/** The result of {@linkcode splitShell}; failures carry the DK2130 diagnostic arguments. */
export type SplitResult =
  | { readonly ok: true; readonly words: string[] }
  | {
    readonly ok: false;
    readonly message: string;
    /** Index in the input where the problem is. */
    readonly offset: number;
    readonly code: string;
    readonly args: Readonly<Record<string, string>>;
  };

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n";
}

function fail(reason: string, offset: number): SplitResult {
  return { ok: false, message: reason, offset, code: "DK2130", args: { reason } };
}

/**
 * Splits `s` into words with POSIX-like quoting.
 *
 * @example
 * ```ts
 * splitShell('bundle exec "thin server" -p 3000');
 * // { ok: true, words: ["bundle", "exec", "thin server", "-p", "3000"] }
 * ```
 */
export function splitShell(s: string): SplitResult {
  const words: string[] = [];
  let buf = "";
  let got = false; // a word (possibly empty, from quotes) is in progress
  let escaped = false;
  let single = false;
  let double = false;
  let back = false;
  let dollar = false;
  let quoteStart = -1;
  let i = 0;
  for (const ch of s) {
    const at = i;
    i += ch.length;
    if (escaped) {
      buf += ch === "t" ? "\t" : ch === "n" ? "\n" : ch;
      escaped = false;
      got = true;
      continue;
    }
    if (ch === "\\") {
      if (single) buf += ch;
      else {
        escaped = true;
        quoteStart = single || double ? quoteStart : at;
      }
      continue;
    }
    if (isSpace(ch)) {
      if (single || double || back || dollar) buf += ch;
      else if (got) {
        words.push(buf);
        buf = "";
        got = false;
      }
      continue;
    }
    const free = !single && !double;
    switch (ch) {
      case "`":
        if (free && !dollar) {
          back = !back;
          if (back) quoteStart = at;
        }
        break;
      case "(":
        if (free && !back) {
          if (dollar || !buf.endsWith("$")) {
            return fail(`unexpected "(" at offset ${at} (quote it or use the list form)`, at);
          }
          dollar = true;
          quoteStart = at - 1;
        }
        break;
      case ")":
        if (free && !back) {
          if (!dollar) {
            return fail(`unexpected ")" at offset ${at} (quote it or use the list form)`, at);
          }
          dollar = false;
        }
        break;
      case '"':
        if (!single && !dollar) {
          if (!double) quoteStart = at;
          double = !double;
          got = true;
          continue;
        }
        break;
      case "'":
        if (!double && !dollar) {
          if (!single) quoteStart = at;
          single = !single;
          got = true;
          continue;
        }
        break;
      case ";":
      case "&":
      case "|":
      case "<":
      case ">":
        if (free && !back && !dollar) {
          // Show the whole operator (`&&`, `>>`, `2>&1` shows `>&`), not just its first character.
          const op = /^[;&|<>]+/.exec(s.slice(at))?.[0] ?? ch;
          return fail(
            `unquoted shell operator "${op}" at offset ${at}; ` +
              "compose would silently drop everything from here on",
            at,
          );
        }
        break;
    }
    buf += ch;
    got = true;
  }
  if (escaped) return fail("the command ends with a lone backslash", quoteStart);
  if (single) return fail(`unterminated single quote at offset ${quoteStart}`, quoteStart);
  if (double) return fail(`unterminated double quote at offset ${quoteStart}`, quoteStart);
  if (back) return fail(`unterminated backquote at offset ${quoteStart}`, quoteStart);
  if (dollar) return fail(`unterminated "$(" at offset ${quoteStart}`, quoteStart);
  if (got) words.push(buf);
  return { ok: true, words };
}
