/**
 * Variable interpolation in compose values (RULES.md section I), compatible with compose-go's
 * `template` package.
 *
 * Grammar: `$$` is a literal `$`. `$NAME` and `${NAME}` substitute a variable, with
 * `NAME = [A-Za-z_][A-Za-z0-9_]*` (an unbraced name is greedy and takes no operator).
 * `${NAME<op>word}` with `op` one of `:-  -  :?  ?  :+  +`; the operator right after the name is
 * the one that applies (so `${A-x:?y}` has the default `x:?y`). `word` may itself contain
 * expressions; it is evaluated only when it is used. The closing brace is found by nesting depth,
 * so `${U:-{"a":1}}` works. A `$` that starts none of these is kept literally (`a $ b`, `5$`,
 * `$1`); a `${` that does not form a valid expression is an error.
 *
 * Pure: the caller supplies the variable lookup.
 *
 * @module
 */

/** Looks a variable up; `undefined` means "not set" (different from the empty string). */
export type Lookup = (name: string) => string | undefined;

/** Why interpolation failed; `offset` is where the bad expression starts in the input text. */
export interface InterpolationError {
  readonly kind: "required" | "syntax";
  /** The variable, for `required` errors. */
  readonly variable?: string;
  /** compose-go's wording: `invalid interpolation format for "..."` or `required variable ...`. */
  readonly message: string;
  readonly offset: number;
  /** The diagnostic code (`DK2101` syntax, `DK2102`/`DK2103` required) and its arguments. */
  readonly code: string;
  readonly args: Readonly<Record<string, string>>;
}

/** The result of {@linkcode interpolate}. */
export type InterpolationResult =
  | {
    readonly ok: true;
    readonly value: string;
    /** Variables referenced without a default that were unset, in order, without duplicates. */
    readonly unset: string[];
  }
  | { readonly ok: false; readonly error: InterpolationError };

/** The longest nesting of `${...}` expressions accepted (a guard against stack exhaustion). */
const MAX_DEPTH = 200;

const OPERATORS = [":-", ":?", ":+", "-", "?", "+"] as const;
type Operator = typeof OPERATORS[number];

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

class Failure {
  constructor(readonly error: InterpolationError) {}
}

interface State {
  readonly text: string;
  readonly lookup: Lookup;
  readonly unset: string[];
  readonly seen: Set<string>;
}

function syntaxError(state: State, offset: number): Failure {
  const text = state.text;
  return new Failure({
    kind: "syntax",
    message: `invalid interpolation format for ${JSON.stringify(text)}`,
    offset,
    code: "DK2101",
    // Long values (config contents, scripts) are cut around the bad expression.
    args: { text: text.length <= 80 ? text : `...${text.slice(offset, offset + 60)}...` },
  });
}

function requiredError(variable: string, reason: string, offset: number): Failure {
  const message = reason === ""
    ? `required variable ${variable} is missing a value`
    : `required variable ${variable} is missing a value: ${reason}`;
  return new Failure({
    kind: "required",
    variable,
    message,
    offset,
    code: reason === "" ? "DK2103" : "DK2102",
    args: reason === "" ? { variable } : { variable, reason },
  });
}

function noteUnset(state: State, name: string): void {
  if (state.seen.has(name)) return;
  state.seen.add(name);
  state.unset.push(name);
}

/** Index of the `}` closing the `{` at `open`, counting nesting depth; -1 when unclosed. */
function closingBrace(text: string, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Evaluates `text[start, end)`; returns the substituted string or a Failure. */
function evaluate(state: State, start: number, end: number, depth: number): string | Failure {
  const text = state.text;
  let out = "";
  let i = start;
  while (i < end) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0 || dollar >= end) {
      out += text.slice(i, end);
      break;
    }
    out += text.slice(i, dollar);
    const next = dollar + 1 < end ? text.charCodeAt(dollar + 1) : -1;
    if (next === 36) { // `$$`
      out += "$";
      i = dollar + 2;
    } else if (isNameStart(next)) { // `$NAME`
      let j = dollar + 2;
      while (j < end && isNameChar(text.charCodeAt(j))) j++;
      const name = text.slice(dollar + 1, j);
      const value = state.lookup(name);
      if (value === undefined) noteUnset(state, name);
      out += value ?? "";
      i = j;
    } else if (next === 123) { // `${`
      const result = braced(state, dollar, end, depth);
      if (result instanceof Failure) return result;
      out += result.value;
      i = result.next;
    } else { // a lone `$` is literal
      out += "$";
      i = dollar + 1;
    }
  }
  return out;
}

function braced(
  state: State,
  dollar: number,
  end: number,
  depth: number,
): { value: string; next: number } | Failure {
  const text = state.text;
  if (depth >= MAX_DEPTH) return syntaxError(state, dollar);
  const close = closingBrace(text, dollar + 1, end);
  if (close < 0) return syntaxError(state, dollar);
  const innerStart = dollar + 2;
  if (innerStart >= close || !isNameStart(text.charCodeAt(innerStart))) {
    return syntaxError(state, dollar);
  }
  let j = innerStart + 1;
  while (j < close && isNameChar(text.charCodeAt(j))) j++;
  const name = text.slice(innerStart, j);
  const next = close + 1;
  const value = state.lookup(name);
  if (j === close) {
    if (value === undefined) noteUnset(state, name);
    return { value: value ?? "", next };
  }
  let op: Operator | undefined;
  for (const candidate of OPERATORS) {
    if (text.startsWith(candidate, j)) {
      op = candidate;
      break;
    }
  }
  if (op === undefined) return syntaxError(state, dollar);
  const wordStart = j + op.length;
  const word = (): string | Failure => evaluate(state, wordStart, close, depth + 1);
  const empty = value === undefined || value === "";
  let result: string | Failure;
  switch (op) {
    case ":-":
      result = empty ? word() : value;
      break;
    case "-":
      result = value === undefined ? word() : value;
      break;
    case ":?":
    case "?": {
      if (op === ":?" ? empty : value === undefined) {
        const reason = word();
        return reason instanceof Failure ? reason : requiredError(name, reason, dollar);
      }
      result = value ?? "";
      break;
    }
    case ":+":
      result = empty ? value ?? "" : word();
      break;
    case "+":
      result = value === undefined ? "" : word();
      break;
  }
  return result instanceof Failure ? result : { value: result, next };
}

/**
 * Substitutes variables in `text`.
 *
 * @example
 * ```ts
 * const env: Record<string, string> = { TAG: "1.2" };
 * interpolate("app:${TAG:-latest}", (n) => env[n]); // { ok: true, value: "app:1.2", unset: [] }
 * ```
 */
export function interpolate(text: string, lookup: Lookup): InterpolationResult {
  if (!text.includes("$")) return { ok: true, value: text, unset: [] };
  const state: State = { text, lookup, unset: [], seen: new Set() };
  const result = evaluate(state, 0, text.length, 0);
  if (result instanceof Failure) return { ok: false, error: result.error };
  return { ok: true, value: result, unset: state.unset };
}

/** Converts a UTF-16 offset in `text` to a 1-based line and column (columns count code points). */
export function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const stop = Math.min(offset, text.length);
  for (let i = 0; i < stop; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: [...text.slice(lineStart, stop)].length + 1 };
}
