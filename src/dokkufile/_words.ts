/**
 * Words of the Dokkufile text form: how argv words and other values are written on one line, and
 * read back.
 *
 * A word is bare when every character is safe (`[A-Za-z0-9_@%+=:,./-]`), otherwise it is a
 * double-quoted string with JSON escapes. Quoting is exact: any UTF-16 string (empty, quotes, `$`,
 * backticks, newlines, tabs, invisible or bidirectional characters, lone surrogates) round-trips,
 * and nothing is ever evaluated by a shell. Characters that are invisible or control the text
 * direction are written as `\uXXXX` so a reviewer sees them.
 */

/** Characters a bare word may contain. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
const SAFE_CHAR = /[A-Za-z0-9_@%+=:,./-]/;

/**
 * Characters written as escapes inside quotes: C0/C1 controls, DEL, and invisible or
 * direction-changing characters (soft hyphen, zero-width, bidi controls, line and paragraph
 * separators, BOM), plus lone surrogates, which UTF-8 cannot carry.
 */
const INVISIBLE =
  "\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb";
const LONE_SURROGATE =
  "[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]";
const ESCAPED = new RegExp(`[${INVISIBLE}"\\\\]|${LONE_SURROGATE}`, "g");
const UNCLEAN = new RegExp(`[${INVISIBLE}]|${LONE_SURROGATE}`);

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** True when `value` can be written without quotes. */
export function isBare(value: string): boolean {
  return SAFE.test(value);
}

/** `value` as a double-quoted string with escapes (always quoted). */
export function quote(value: string): string {
  return '"' + value.replace(ESCAPED, (ch) => {
    return SHORT_ESCAPES[ch] ?? "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0");
  }) + '"';
}

/** `value` as a word: bare when safe, quoted otherwise. */
export function word(value: string): string {
  return isBare(value) ? value : quote(value);
}

/** The option-shaped prefix of a bare token (`exit=`, `output=`). */
const OPTION = /^([a-z][a-z-]*)=/;

/** True when a bare word would be read as an option (`name=value`) where options may appear. */
export function looksLikeOption(value: string): boolean {
  return OPTION.test(value);
}

/**
 * Prose (notes): written as is when it is one clean line, otherwise quoted. Clean means
 * non-empty, no leading or trailing whitespace, no character that must be escaped, and not
 * starting with a quote.
 */
export function prose(value: string): string {
  const clean = value.length > 0 && value.trim() === value && !value.startsWith('"') &&
    !UNCLEAN.test(value);
  return clean ? value : quote(value);
}

/** A token of a line: its raw text and its 0-based offset in the line. */
export interface Token {
  readonly raw: string;
  readonly offset: number;
}

/** A problem found while reading words; `offset` is 0-based in the line. */
export interface WordError {
  readonly code: "DK6004" | "DK6005";
  readonly args: Readonly<Record<string, string>>;
  readonly offset: number;
  readonly length: number;
}

const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Splits a line (from `start`) into tokens separated by spaces or tabs; quotes may hold spaces. */
export function tokenize(
  line: string,
  start: number,
): { tokens: Token[]; error?: WordError } {
  const tokens: Token[] = [];
  const length = line.length;
  let i = start;
  // Character codes, not one-character strings: this loop reads every byte of a Dokkufile.
  while (i < length) {
    const ch = line.charCodeAt(i);
    if (ch === SPACE || ch === TAB) {
      i++;
      continue;
    }
    const begin = i;
    for (let c = ch; i < length && c !== SPACE && c !== TAB; c = line.charCodeAt(i)) {
      if (c === QUOTE) {
        const open = i;
        i++;
        let closed = false;
        while (i < length) {
          const q = line.charCodeAt(i);
          if (q === BACKSLASH) {
            i += 2;
          } else if (q === QUOTE) {
            i++;
            closed = true;
            break;
          } else {
            i++;
          }
        }
        if (!closed) {
          return {
            tokens,
            error: {
              code: "DK6004",
              args: { reason: "the closing '\"' is missing" },
              offset: open,
              length: 1,
            },
          };
        }
      } else {
        i++;
      }
    }
    tokens.push({ raw: line.slice(begin, i), offset: begin });
  }
  return { tokens };
}

/** The result of decoding a word: its value, or where it is wrong. */
export type Decoded = { readonly value: string } | { readonly error: WordError };

/** The one-letter escapes of a quoted word. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

function decodeQuoted(raw: string, base: number): Decoded {
  let out = "";
  let i = 1;
  // Plain characters are copied a run at a time (`raw.slice(plain, i)`), not one by one.
  let plain = 1;
  while (i < raw.length) {
    const code = raw.charCodeAt(i);
    if (code !== QUOTE && code !== BACKSLASH && code >= 0x20 && code !== 0x7f) {
      i++;
      continue;
    }
    out += raw.slice(plain, i);
    const ch = raw[i] as string;
    if (ch === '"') {
      if (i !== raw.length - 1) {
        return {
          error: {
            code: "DK6004",
            args: { reason: "unexpected characters after the closing quote" },
            offset: base + i + 1,
            length: raw.length - i - 1,
          },
        };
      }
      return { value: out };
    }
    if (ch === "\\") {
      const next = raw[i + 1];
      const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
      if (simple !== undefined && Object.hasOwn(SIMPLE_ESCAPES, next as string)) {
        out += simple;
        i += 2;
        plain = i;
        continue;
      }
      if (next === "u" && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16));
        i += 6;
        plain = i;
        continue;
      }
      return {
        error: {
          code: "DK6004",
          args: {
            reason: `unknown escape '\\${next === "u" ? raw.slice(i + 1, i + 6) : next ?? ""}'`,
          },
          offset: base + i,
          length: 2,
        },
      };
    }
    // A control character (the only other way out of the fast loop above).
    return {
      error: {
        code: "DK6004",
        args: { reason: "a control character must be written as an escape" },
        offset: base + i,
        length: 1,
      },
    };
  }
  // The tokenizer only yields closed quotes; an unclosed one here is a bug.
  throw new Error(`unterminated quoted token reached the decoder: ${raw}`);
}

/** Decodes one token as a word (`base` is the token's offset, for error positions). */
export function decodeWord(raw: string, base: number): Decoded {
  if (raw.startsWith('"')) return decodeQuoted(raw, base);
  // The common case in one regex test; the loop below only runs to find the bad character.
  if (SAFE.test(raw)) return { value: raw };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (!SAFE_CHAR.test(ch)) {
      const cp = raw.codePointAt(i) ?? 0;
      const shown = cp < 0x20 || cp === 0x7f
        ? quote(String.fromCodePoint(cp)).slice(1, -1)
        : String.fromCodePoint(cp);
      return {
        error: {
          code: "DK6005",
          args: {
            char: shown,
            suggestion: ch === "#"
              ? `${suggestQuoted(raw)} (comments take a whole line)`
              : suggestQuoted(raw),
          },
          offset: base + i,
          length: 1,
        },
      };
    }
  }
  return { value: raw };
}

function suggestQuoted(raw: string): string {
  // `KEY="a b"` was most likely meant as one word: suggest `"KEY=a b"`.
  const q = raw.indexOf('"');
  if (q > 0) {
    const rest = decodeQuoted(raw.slice(q), 0);
    if ("value" in rest) return quote(raw.slice(0, q) + rest.value);
  }
  return quote(raw);
}

/** A decoded option token `name=value`. */
export interface OptionToken {
  readonly name: string;
  readonly value: string;
  /** Offset of the value in the line. */
  readonly valueOffset: number;
}

/** Decodes `name=value` (value bare or quoted); undefined when the token is not option-shaped. */
export function decodeOption(
  token: Token,
): { option: OptionToken } | { error: WordError } | undefined {
  const m = OPTION.exec(token.raw);
  if (m === null) return undefined;
  const name = m[1] as string;
  const rest = token.raw.slice(m[0].length);
  const valueOffset = token.offset + m[0].length;
  if (rest === "") return { option: { name, value: "", valueOffset } };
  const decoded = decodeWord(rest, valueOffset);
  if ("error" in decoded) return decoded;
  return { option: { name, value: decoded.value, valueOffset } };
}

/** Reads prose (the rest of a comment line): a quoted word, or the text itself. */
export function decodeProse(text: string, base: number): Decoded {
  if (!text.startsWith('"')) return { value: text.trimEnd() };
  const { tokens, error } = tokenize(text, 0);
  if (error !== undefined) return { error: { ...error, offset: base + error.offset } };
  const first = tokens[0];
  if (first === undefined) return { value: "" };
  if (tokens.length > 1 || first.offset !== 0) {
    const second = tokens[1] ?? first;
    return {
      error: {
        code: "DK6004",
        args: { reason: "unexpected text after the closing quote" },
        offset: base + second.offset,
        length: second.raw.length,
      },
    };
  }
  return decodeWord(first.raw, base);
}
