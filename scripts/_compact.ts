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

/** `code` (an ES module) with its comments and extra whitespace removed; see the module docs. */
export function compactWhitespace(code: string): string {
  const parts: string[] = [];
  let last = 0;
  acorn.parse(code, {
    ecmaVersion: "latest",
    sourceType: "module",
    onToken: (token) => {
      if (token.type === acorn.tokTypes.eof) return;
      if (token.start > last) {
        parts.push(LINE_TERMINATOR.test(code.slice(last, token.start)) ? "\n" : " ");
      }
      parts.push(code.slice(token.start, token.end));
      last = token.end;
    },
  });
  parts.push("\n");
  return parts.join("");
}

/** Each token of a module with whether a line terminator comes before it. */
function tokens(code: string): string[] {
  const out: string[] = [];
  let last = 0;
  acorn.parse(code, {
    ecmaVersion: "latest",
    sourceType: "module",
    onToken: (token) => {
      const text = code.slice(token.start, token.end);
      out.push(LINE_TERMINATOR.test(code.slice(last, token.start)) ? `\n${text}` : text);
      last = token.end;
    },
  });
  return out;
}

/**
 * Whether two modules have the same tokens with line terminators before the same ones: what
 * {@linkcode compactWhitespace} must keep. The build checks its result with it.
 */
export function sameTokens(a: string, b: string): boolean {
  let x: string[], y: string[];
  try {
    [x, y] = [tokens(a), tokens(b)];
  } catch {
    return false; // one of them does not parse
  }
  return x.length === y.length && x.every((token, i) => token === y[i]);
}
