/**
 * Whitespace and comment removal for the bundle (`make build`).
 *
 * Deno reads, hashes and analyses the main module on every start before it runs a line of it;
 * measured on this bundle, that costs ~3.6 ms per MB, whatever the bytes are (a file that is one
 * big comment costs as much as code). The bundle's indentation, comments and blank lines were a
 * quarter of it.
 *
 * Every token is kept byte for byte (strings, template text and regular expressions included);
 * only what lies between two tokens changes: it becomes one newline when it held a line
 * terminator (so automatic semicolon insertion, which looks only at line terminators, decides
 * the same), one space when it held anything else, and stays empty when it was. Names,
 * statements and the order of everything stay, so stack traces still name the same functions.
 *
 * @module
 */
import * as acorn from "acorn";

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** A token's text, and what stood before it: nothing, a line terminator, or anything else. */
interface Token {
  readonly text: string;
  readonly before: "" | "\n" | " ";
}

/** The tokens of a module (throws when it does not parse). */
function tokenize(code: string): Token[] {
  const out: Token[] = [];
  let last = 0;
  acorn.parse(code, {
    ecmaVersion: "latest",
    sourceType: "module",
    onToken: (token) => {
      if (token.type === acorn.tokTypes.eof) return;
      const gap = code.slice(last, token.start);
      const before = gap === "" ? "" : LINE_TERMINATOR.test(gap) ? "\n" : " ";
      out.push({ text: code.slice(token.start, token.end), before });
      last = token.end;
    },
  });
  return out;
}

/** `code` (an ES module) with its comments and extra whitespace removed; see the module docs. */
export function compactWhitespace(code: string): string {
  return tokenize(code).map((t) => t.before + t.text).join("") + "\n";
}

/**
 * Whether two modules have the same tokens with line terminators before the same ones: what
 * {@linkcode compactWhitespace} must keep. The build checks its result with it.
 */
export function sameTokens(a: string, b: string): boolean {
  let x: Token[], y: Token[];
  try {
    [x, y] = [tokenize(a), tokenize(b)];
  } catch {
    return false; // one of them does not parse
  }
  const breaks = (t: Token) => t.before === "\n";
  return x.length === y.length &&
    x.every((t, i) => t.text === y[i]?.text && breaks(t) === breaks(y[i] as Token));
}
