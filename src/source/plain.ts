/**
 * The YAML reader's types and span keys, and {@linkcode parsePlainYaml}: a fast path for the
 * plainest YAML (block mappings and block sequences of one-line scalars, ASCII only, one
 * document). For such text it gives exactly what `parseYaml` gives (values, spans, no tags, no
 * diagnostics) without the `yaml` package, whose lexer, parser and composer cost a cold process
 * ~10 ms for a 10-service file, as much as the rest of a compile. This module does not import
 * `yaml`; the loader loads `mod.ts` (which does) only for a file the fast path leaves to it.
 *
 * It also reads two forms common in compose files: empty (null) values (`volumes:\n  data:\n`,
 * `- `) and one-line flow sequences of one-line scalars (`command: ["npm", "start"]`, `- [a, b]`).
 *
 * Anything else, or anything it is not sure of, returns undefined and goes to the full parser:
 * flow mappings, nested or multi-line flow sequences, block scalars, anchors, aliases, tags, merge
 * keys, quoted keys, escapes, multi-line scalars, document markers, directives, tabs, CR,
 * non-ASCII text, block collections inside sequences, duplicate keys, leading-zero or non-decimal
 * numbers, `.inf` and `.nan`, syntax errors. `test/source_plain_yaml_test.ts` compares both
 * parsers on every YAML file of the repository and the conformance suite, and on mutations of
 * them.
 *
 * @module
 */
import type { Diagnostic, Span } from "../diagnostics/mod.ts";

/** A compose path: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** A path tagged `!reset` (removed from the tree) or `!override` (kept). */
export interface TaggedPath {
  readonly path: YamlPath;
  readonly tag: "reset" | "override";
}

/** One YAML document as plain values. */
export interface YamlDocument {
  /** Plain values: objects, arrays, strings, numbers, booleans, null. */
  readonly value: unknown;
  /** Spans keyed by {@linkcode pathKey}. */
  readonly spans: Map<string, Span>;
  readonly tags: readonly TaggedPath[];
}

export interface ParseYamlOptions {
  /** The file name for spans (project-relative, `/` separators). */
  readonly file: string;
  /** Nodes that alias expansion may create before we give up (default 100000). */
  readonly aliasBudget?: number;
}

const SEP = "\u0001";

/** The key of a path in span maps (the span of its value, or of its key for collections). */
export function pathKey(path: YamlPath): string {
  return path.join(SEP);
}

/** The key of the span of a mapping key itself (`foo` in `foo: bar`) in span maps. */
export function keyPathKey(path: YamlPath): string {
  return path.join(SEP) + KEY_MARK;
}

/** Ends the span key of a mapping key (see {@linkcode keyPathKey}). */
export const KEY_MARK = "\u0002";

/** What `parseYaml` returns. */
export interface ParseResult {
  readonly documents: YamlDocument[];
  readonly diagnostics: Diagnostic[];
}

/** Only these characters (printable ASCII and line feeds). */
const PLAIN_TEXT = /^[\n\x20-\x7e]*$/;
/** A plain mapping key followed by its colon (then a space or the end of the line). */
const KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]*):(?: |$)/;
/** A plain scalar's first character when it is not an indicator. */
const PLAIN_START = /^(?:[^\-?:,\[\]{}#&*!|>'"%@`]|-[0-9.])/;
/** A plain scalar's first character inside a flow sequence (`-c` is a scalar there). */
const FLOW_START = /^(?:[^\-?:,\[\]{}#&*!|>'"%@`]|-[^ ,\[\]{}])/;
/** A plain scalar inside a flow sequence: no flow indicators, no comment, no `:` ending a key. */
const FLOW_PLAIN = /^(?:[^:,\[\]{}#]|:(?=[^ ,\[\]{}])|(?<! )#)+$/;
/** Plain scalars the core schema resolves to something the fast path leaves to the full parser. */
const SPECIAL =
  /^(?:[-+]?0[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const MAX_DEPTH = 100;

/** Not decided here: the full parser must read the text. */
const GIVE_UP = Symbol("give up");

/** A plain scalar as YAML 1.2's core schema reads it (GIVE_UP for the unusual ones). */
function resolvePlain(text: string): unknown {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === "t" || text[0] === "T";
  if (SPECIAL.test(text)) return GIVE_UP;
  if (INT.test(text)) return parseInt(text, 10);
  // Both core float forms (with and without an exponent) resolve with parseFloat.
  if (FLOAT.test(text) && /[.eE]/.test(text)) return parseFloat(text);
  return text;
}

interface Line {
  readonly no: number;
  readonly indent: number;
  /** The line without its indentation and trailing spaces. */
  readonly text: string;
  /** The length of the whole line (an empty value's column is after its trailing spaces). */
  readonly length: number;
}

/** A one-line flow sequence read by `Reader.flow`. */
interface Flow {
  readonly value: unknown[];
  /** The spans of its items, in order. */
  readonly spans: Span[];
  /** Its length in the text, from `[` to `]`. */
  readonly length: number;
}

function isItem(line: Line): boolean {
  return line.text === "-" || line.text.startsWith("- ");
}

class Reader {
  readonly file: string;
  readonly lines: Line[];
  readonly spans = new Map<string, Span>();
  at = 0;

  constructor(file: string, lines: Line[]) {
    this.file = file;
    this.lines = lines;
  }

  span(line: number, column: number, length: number): Span {
    return length > 0
      ? { file: this.file, line, column, endLine: line, endColumn: column + length }
      : { file: this.file, line, column };
  }

  /**
   * The scalar `text` starts with, and its length in the text; GIVE_UP when it is not a one-line
   * scalar of the fast path.
   */
  scalar(text: string): { value: unknown; length: number } | typeof GIVE_UP {
    const first = text[0];
    let value: unknown;
    let length: number;
    let rest: string;
    if (first === '"' || first === "'") {
      const quoted = this.quoted(text);
      if (quoted === GIVE_UP) return GIVE_UP;
      value = quoted;
      length = quoted.length + 2;
      rest = text.slice(length);
      if (rest !== "" && !/^ +(?:#.*)?$/.test(rest)) return GIVE_UP;
    } else {
      if (!PLAIN_START.test(text)) return GIVE_UP;
      const comment = text.indexOf(" #");
      const raw = (comment < 0 ? text : text.slice(0, comment)).trimEnd();
      if (raw.includes(": ") || raw.endsWith(":")) return GIVE_UP;
      value = resolvePlain(raw);
      if (value === GIVE_UP) return GIVE_UP;
      length = raw.length;
    }
    return { value, length };
  }

  /** The body of the quoted scalar `text` starts with; GIVE_UP when it has escapes or no end. */
  quoted(text: string): string | typeof GIVE_UP {
    const quote = text[0] as string;
    const close = text.indexOf(quote, 1);
    if (close < 0) return GIVE_UP;
    const body = text.slice(1, close);
    // Escapes (`\` in double quotes, `''` in single quotes) go to the full parser.
    if (quote === '"' && body.includes("\\")) return GIVE_UP;
    if (quote === "'" && text[close + 1] === "'") return GIVE_UP;
    return body;
  }

  /**
   * The one-line flow sequence of scalars `text` starts with (`[a, "b"]`, then nothing or a
   * comment), `text` being at `column` of line `line`; GIVE_UP for anything else (nested or
   * multi-line flow collections, flow mappings, `[a,,b]`, escapes).
   */
  flow(text: string, at: { line: number; column: number }): Flow | typeof GIVE_UP {
    const value: unknown[] = [];
    const spans: Span[] = [];
    let i = 1;
    const skip = () => {
      while (text[i] === " ") i++;
    };
    for (;;) {
      skip();
      // `[]`, `[ ]` and a trailing comma (`[a, b,]`) end the sequence here.
      if (text[i] === "]") break;
      const start = i;
      let item: unknown;
      const first = text[i];
      if (first === '"' || first === "'") {
        const quoted = this.quoted(text.slice(i));
        if (quoted === GIVE_UP) return GIVE_UP;
        item = quoted;
        i += quoted.length + 2;
      } else {
        let end = i;
        while (end < text.length && text[end] !== "," && text[end] !== "]") end++;
        const raw = text.slice(i, end).trimEnd();
        if (!FLOW_START.test(raw) || !FLOW_PLAIN.test(raw)) return GIVE_UP;
        item = resolvePlain(raw);
        if (item === GIVE_UP) return GIVE_UP;
        i += raw.length;
      }
      spans.push(this.span(at.line, at.column + start, i - start));
      value.push(item);
      skip();
      if (text[i] === "]") break;
      if (text[i] !== ",") return GIVE_UP;
      i++;
    }
    const length = i + 1;
    // Only a comment may follow, after a space (`text` has no trailing spaces).
    if (!/^(?: +#.*)?$/.test(text.slice(length))) return GIVE_UP;
    return { value, spans, length };
  }

  /** The next line, when it is at `indent`; GIVE_UP when it is deeper (not ours to read). */
  peek(indent: number): Line | undefined | typeof GIVE_UP {
    const line = this.lines[this.at];
    if (line === undefined || line.indent < indent) return undefined;
    return line.indent === indent ? line : GIVE_UP;
  }

  /** Whether `key:` at `indent` with nothing after it has an empty (null) value. */
  empty(indent: number): boolean {
    const next = this.lines[this.at];
    // A deeper line, or a sequence at the key's own indentation, is the key's block value.
    return next === undefined || next.indent < indent || (next.indent === indent && !isItem(next));
  }

  /** The block value after `key:` on its own line, or GIVE_UP. */
  nested(indent: number, path: (string | number)[], depth: number): unknown {
    const next = this.lines[this.at];
    if (next === undefined) return GIVE_UP;
    const item = isItem(next);
    if (next.indent > indent) {
      return item ? this.seq(next.indent, path, depth + 1) : this.map(next.indent, path, depth + 1);
    }
    if (next.indent === indent && item) return this.seq(indent, path, depth + 1);
    return GIVE_UP;
  }

  map(indent: number, path: (string | number)[], depth: number): unknown {
    if (depth > MAX_DEPTH) return GIVE_UP;
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (;;) {
      const line = this.peek(indent);
      if (line === GIVE_UP) return GIVE_UP;
      if (line === undefined) break;
      if (isItem(line)) break; // the parent's sequence
      const match = KEY.exec(line.text);
      if (match === null) return GIVE_UP;
      const key = match[1] as string;
      if (key.length > 1000 || typeof resolvePlain(key) !== "string" || seen.has(key)) {
        return GIVE_UP;
      }
      seen.add(key);
      this.at++;
      const keySpan = this.span(line.no, indent + 1, key.length);
      const childPath = [...path, key];
      const at = pathKey(childPath);
      this.spans.set(at + KEY_MARK, keySpan); // keyPathKey(childPath), with one join
      const after = line.text.slice(key.length + 1);
      const start = after.length - after.trimStart().length;
      const rest = after.slice(start);
      let value: unknown;
      const column = indent + key.length + 2 + start;
      if ((rest === "" || rest.startsWith("#")) && this.empty(indent)) {
        // The full parser puts an empty value where its comment starts, or at the line's end.
        this.spans.set(at, this.span(line.no, rest === "" ? line.length + 1 : column, 0));
        value = null;
      } else if (rest === "" || rest.startsWith("#")) {
        this.spans.set(at, keySpan);
        value = this.nested(indent, childPath, depth);
      } else if (rest.startsWith("[")) {
        // A collection's span is its key's; its items have their own.
        this.spans.set(at, keySpan);
        const flow = this.flow(rest, { line: line.no, column });
        if (flow === GIVE_UP) return GIVE_UP;
        flow.spans.forEach((span, i) => this.spans.set(at + SEP + i, span));
        value = flow.value;
      } else {
        const scalar = this.scalar(rest);
        if (scalar === GIVE_UP) return GIVE_UP;
        this.spans.set(at, this.span(line.no, column, scalar.length));
        value = scalar.value;
      }
      if (value === GIVE_UP) return GIVE_UP;
      if (key === "__proto__") {
        Object.defineProperty(out, key, { value, enumerable: true, writable: true });
      } else out[key] = value;
    }
    return out;
  }

  seq(indent: number, path: (string | number)[], depth: number): unknown {
    if (depth > MAX_DEPTH) return GIVE_UP;
    const out: unknown[] = [];
    for (;;) {
      const line = this.peek(indent);
      if (line === GIVE_UP) return GIVE_UP;
      if (line === undefined || !isItem(line)) break;
      this.at++;
      const after = line.text.slice(2);
      const start = after.length - after.trimStart().length;
      const rest = after.slice(start);
      const column = indent + 3 + start;
      const at = pathKey([...path, out.length]);
      if (rest === "" || rest.startsWith("#")) {
        // An empty item (null); a deeper line after it (its block value) makes `peek` give up.
        this.spans.set(at, this.span(line.no, rest === "" ? line.length + 1 : column, 0));
        out.push(null);
      } else if (rest.startsWith("[")) {
        const flow = this.flow(rest, { line: line.no, column });
        if (flow === GIVE_UP) return GIVE_UP;
        // In a sequence, a collection's span is its own: the whole `[...]`.
        this.spans.set(at, this.span(line.no, column, flow.length));
        flow.spans.forEach((span, i) => this.spans.set(at + SEP + i, span));
        out.push(flow.value);
      } else {
        const scalar = this.scalar(rest);
        if (scalar === GIVE_UP) return GIVE_UP;
        this.spans.set(at, this.span(line.no, column, scalar.length));
        out.push(scalar.value);
      }
    }
    return out;
  }
}

/**
 * Parses `text` like `parseYaml` when it is plain YAML (see the module documentation); undefined
 * otherwise, and then the caller must use the full parser (`parseYaml` in `mod.ts`).
 */
export function parsePlainYaml(text: string, options: ParseYamlOptions): ParseResult | undefined {
  const file = options.file;
  if (!PLAIN_TEXT.test(text)) return undefined;
  const lines: Line[] = [];
  const raw = text.split("\n");
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i] as string;
    const body = line.trimStart();
    if (body === "" || body.startsWith("#")) continue;
    // Document markers and directives: the full parser.
    if (line.startsWith("---") || line.startsWith("...") || line.startsWith("%")) {
      return undefined;
    }
    lines.push({
      no: i + 1,
      indent: line.length - body.length,
      text: body.trimEnd(),
      length: line.length,
    });
  }
  if (lines.length === 0 || lines[0]?.indent !== 0) return undefined;
  const reader = new Reader(file, lines);
  reader.spans.set("", { file, line: 1, column: 1 });
  const value = reader.map(0, [], 0);
  if (value === GIVE_UP || reader.at !== lines.length) return undefined;
  return { documents: [{ value, spans: reader.spans, tags: [] }], diagnostics: [] };
}
