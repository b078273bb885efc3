/**
 * YAML 1.2 (core schema) to plain values, with a span for every path.
 *
 * We walk the `yaml` package's AST ourselves instead of calling `toJS()`, so that we control
 * alias expansion (a budget against alias bombs), merge keys (`<<`, explicit keys win, earlier
 * sources win), duplicate keys (an error naming the first line), non-string keys (an error),
 * `!reset` / `!override` tags (recorded, see RULES.md M6) and leading-zero octal integers at
 * `mode` keys (go-yaml reads `0440` as 288; RULES.md section 6 item 3).
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parse as parseYamlValue,
  parseAllDocuments,
  type Scalar,
} from "yaml";
import { diag, type Diagnostic, type Span } from "../diagnostics/mod.ts";
import {
  KEY_MARK,
  parsePlainYaml,
  type ParseResult,
  type ParseYamlOptions,
  pathKey,
  type TaggedPath,
  type YamlDocument,
  type YamlPath,
} from "./plain.ts";

const TAG_NAMES = ["!reset", "!override"] as const;
const CUSTOM_TAGS = TAG_NAMES.flatMap((tag) => [
  { tag, collection: "map" as const, resolve: (v: unknown) => v },
  { tag, collection: "seq" as const, resolve: (v: unknown) => v },
  { tag, resolve: (s: string) => s },
]);

const MAX_DEPTH = 256;

interface Ctx {
  readonly file: string;
  readonly lc: LineCounter;
  readonly doc: Document;
  readonly spans: Map<string, Span>;
  readonly tags: TaggedPath[];
  readonly diags: Diagnostic[];
  readonly budget: number;
  aliasNodes: number;
  aliasDepth: number;
  overflow: boolean;
}

const SKIP = Symbol("skip");

function spanOf(ctx: Ctx, range: readonly number[] | null | undefined): Span {
  const start = range?.[0] ?? 0;
  const end = range?.[1] ?? start;
  const a = ctx.lc.linePos(start);
  const b = ctx.lc.linePos(end);
  const span: Span = { file: ctx.file, line: a.line, column: a.col };
  return a.line === b.line && b.col > a.col ? { ...span, endLine: b.line, endColumn: b.col } : span;
}

/** Sets a key without triggering the `__proto__` setter. */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true });
  } else target[key] = value;
}

function isMergeKey(node: unknown): boolean {
  if (!isScalar(node)) return false;
  const v = node.value;
  return (typeof v === "symbol" && v.description === "<<") ||
    (v === "<<" && node.type === "PLAIN");
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value;
}

function scalarValue(ctx: Ctx, node: Scalar, path: YamlPath): unknown {
  const v = node.value;
  const last = path[path.length - 1];
  // A plain number with a leading zero (`UMASK: 022`, `ZIP: 01234`): go-yaml, and so compose,
  // reads it as octal when it can (022 is 18), else as a decimal without its zero. Follow compose
  // and say so, since the text the user wrote is lost either way.
  if (
    last !== "mode" && typeof v === "number" && node.type === "PLAIN" &&
    typeof node.source === "string" && /^[-+]?0\d+$/.test(node.source)
  ) {
    const octal = /^[-+]?0[0-7]+$/.test(node.source);
    const value = octal ? parseInt(node.source, 8) : Number(node.source);
    if (ctx.aliasDepth === 0) {
      ctx.diags.push(
        diag("DK1010", {
          source: node.source,
          reading: octal ? `octal, ${value}` : String(value),
        }, { span: spanOf(ctx, node.range) }),
      );
    }
    return value;
  }
  // go-yaml reads a leading-zero integer as octal; file modes depend on it (RULES.md Y5).
  if (
    last === "mode" && node.type === "PLAIN" && typeof node.source === "string" &&
    /^0[0-7]+$/.test(node.source)
  ) {
    return parseInt(node.source, 8);
  }
  if (node.tag === "!override" && typeof v === "string" && node.type === "PLAIN") {
    // A custom scalar tag keeps the text; resolve it with the core schema like an untagged one.
    return parseYamlValue(v);
  }
  if (typeof v === "bigint") return Number(v);
  return v === undefined ? null : v;
}

function convert(ctx: Ctx, node: unknown, path: YamlPath, depth: number): unknown {
  if (ctx.overflow) return null;
  if (depth > MAX_DEPTH) {
    ctx.overflow = true;
    ctx.diags.push(diag("DK1008", { limit: MAX_DEPTH }, { span: spanOf(ctx, rangeOf(node)) }));
    return null;
  }
  if (ctx.aliasDepth > 0 && ++ctx.aliasNodes > ctx.budget) {
    ctx.overflow = true;
    ctx.diags.push(diag("DK1004", { limit: ctx.budget }, { span: spanOf(ctx, rangeOf(node)) }));
    return null;
  }
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    if (target === undefined) return null; // the parser already reported the unknown anchor
    ctx.aliasDepth++;
    try {
      return convert(ctx, target, path, depth + 1);
    } finally {
      ctx.aliasDepth--;
    }
  }
  if (isScalar(node)) return scalarValue(ctx, node, path);
  if (isSeq(node)) {
    const out: unknown[] = [];
    node.items.forEach((item, i) => {
      const itemPath = [...path, out.length];
      if (ctx.aliasDepth === 0) ctx.spans.set(pathKey(itemPath), spanOf(ctx, rangeOf(item)));
      const tag = tagOf(item);
      if (tag === "reset") {
        ctx.tags.push({ path: itemPath, tag });
        return;
      }
      if (tag === "override") ctx.tags.push({ path: itemPath, tag });
      out.push(convert(ctx, item, itemPath, depth + 1));
      void i;
    });
    return out;
  }
  if (isMap(node)) return convertMap(ctx, node, path, depth);
  return null;
}

function rangeOf(node: unknown): readonly number[] | undefined {
  return (node as { range?: readonly number[] } | null)?.range ?? undefined;
}

function tagOf(node: unknown): "reset" | "override" | undefined {
  const tag = (node as { tag?: string } | null)?.tag;
  return tag === "!reset" ? "reset" : tag === "!override" ? "override" : undefined;
}

function convertMap(
  ctx: Ctx,
  node: { items: { key: unknown; value: unknown }[] },
  path: YamlPath,
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const firstSpan = new Map<string, Span>();
  const merges: unknown[] = [];
  for (const pair of node.items) {
    if (isMergeKey(pair.key)) {
      const v = pair.value;
      if (isSeq(v)) merges.push(...v.items);
      else merges.push(v);
      continue;
    }
    const keyNode = pair.key;
    const keySpan = spanOf(ctx, rangeOf(keyNode));
    const key = isScalar(keyNode) ? keyNode.value : undefined;
    if (typeof key !== "string") {
      const shown = isScalar(keyNode) ? String(keyNode.source ?? keyNode.value) : "(complex key)";
      ctx.diags.push(
        diag("DK1003", { path: path.length === 0 ? "(top level)" : path.join("."), key: shown }, {
          span: keySpan,
        }),
      );
      continue;
    }
    const seen = firstSpan.get(key);
    if (seen !== undefined) {
      ctx.diags.push(
        diag("DK1002", { key, line: seen.line }, {
          span: keySpan,
          related: [{ message: `"${key}" is first defined here`, span: seen }],
        }),
      );
      continue;
    }
    firstSpan.set(key, keySpan);
    const childPath = [...path, key];
    const value = pair.value;
    if (ctx.aliasDepth === 0) {
      // One join for both keys (`keyPathKey` is `pathKey` plus a marker): this runs per key.
      const at = pathKey(childPath);
      ctx.spans.set(at + KEY_MARK, keySpan);
      ctx.spans.set(
        at,
        isScalar(value) && value.range !== undefined ? spanOf(ctx, value.range) : keySpan,
      );
    }
    const tag = tagOf(value);
    if (tag === "reset") {
      ctx.tags.push({ path: childPath, tag });
      continue;
    }
    if (tag === "override") ctx.tags.push({ path: childPath, tag });
    const converted = convert(ctx, value, childPath, depth + 1);
    if (converted !== SKIP) setKey(out, key, converted);
  }
  // Merge keys: explicit keys win, then the earlier source in `<<: [*a, *b]` wins (YAML 1.1 merge).
  for (const source of merges) {
    const merged = convert(ctx, source, path, depth + 1);
    if (merged === null || typeof merged !== "object" || Array.isArray(merged)) {
      ctx.diags.push(
        diag("DK1009", { found: describe(merged) }, { span: spanOf(ctx, rangeOf(source)) }),
      );
      continue;
    }
    for (const [k, v] of Object.entries(merged)) {
      if (!Object.hasOwn(out, k)) setKey(out, k, v);
    }
  }
  return out;
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "").replace(/\.$/, "");
}

/** Sentence case inside our message: "Invalid YAML: tabs are ..." (keeps "YAML" and the like). */
function lowerFirst(text: string): string {
  return /^[A-Z](?![A-Z])/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

/** The text of line `line` (1-based) of `text`, without its line break. */
function lineText(text: string, line: number): string {
  return text.split("\n")[line - 1]?.replace(/\r$/, "") ?? "";
}

/** What we tell the user about a YAML syntax error: a better column and a specific hint. */
interface SyntaxAdvice {
  readonly column?: number;
  /** Replaces the parser's message when ours says it better. */
  readonly message?: string;
  readonly hint?: string;
}

/**
 * Specific advice for the syntax errors people make most in compose files (tabs, misaligned keys,
 * an unquoted ": " inside a value, a list item where a key belongs). The `yaml` package's error
 * codes are stable; its messages are not ours to rely on beyond the first line.
 */
function syntaxAdvice(code: string, message: string, line: string, column: number): SyntaxAdvice {
  const firstNonSpace = line.search(/\S/) + 1;
  switch (code) {
    case "TAB_AS_INDENT":
      return { hint: "Indent with spaces; YAML does not allow tabs for indentation" };
    case "BAD_INDENT":
      if (/^Flow (sequence|map)/.test(message)) {
        const close = message.includes("sequence") ? "]" : "}";
        return { hint: `Close the ${close === "]" ? '"["' : '"{"'} opened above with "${close}"` };
      }
      return {
        ...(firstNonSpace > column ? { column: firstNonSpace } : {}),
        hint: "Align this key with the other keys of the same mapping, indenting with spaces",
      };
    case "BLOCK_AS_IMPLICIT_KEY": {
      if (message.startsWith("A block sequence")) {
        return {
          ...(firstNonSpace > column ? { column: firstNonSpace } : {}),
          hint: 'A list item ("- ...") is where a key was expected; align it with the other ' +
            "items of its list, under the key that holds the list",
        };
      }
      const colon = line.indexOf(": ", column - 1);
      if (colon >= 0) {
        const key = line.slice(0, column - 1).trim().replace(/^- /, "").replace(/:$/, "");
        const value = line.slice(column - 1).trim();
        return {
          column: colon + 1,
          message: 'a plain value cannot contain ": "',
          hint: `Quote a value that contains ": ", for example ${key}: ${JSON.stringify(value)}`,
        };
      }
      return {
        hint: "A key below a plain value is indented too far; align it with the keys above, " +
          "or quote the value",
      };
    }
    case "MULTILINE_IMPLICIT_KEY":
    case "UNEXPECTED_TOKEN":
      return message.includes("at node end")
        ? {
          hint: "Put the whole value inside the quotes, or remove the text after the closing quote",
        }
        : {
          ...(firstNonSpace > column ? { column: firstNonSpace } : {}),
          hint: "Check the indentation of this line against the lines above it",
        };
    case "MISSING_CHAR":
      return { hint: "A quoted value is not closed; add the closing quote" };
    case "BAD_SCALAR_START":
      return { hint: "Quote the value; a plain value cannot start with this character" };
    default:
      return {};
  }
}

/**
 * Parses the text of one YAML file into plain documents. Each document is returned even when it
 * has errors (its value may then be partial); check the diagnostics.
 */
export function parseYaml(
  text: string,
  options: ParseYamlOptions,
): ParseResult {
  // Most compose files are plain YAML, read without the `yaml` package (see plain.ts).
  return parsePlainYaml(text, options) ?? parseFullYaml(text, options);
}

/** {@linkcode parseYaml} with the `yaml` package, for any text. */
export function parseFullYaml(text: string, options: ParseYamlOptions): ParseResult {
  const lc = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const docs = parseAllDocuments(text, {
    lineCounter: lc,
    merge: true,
    uniqueKeys: false,
    customTags: CUSTOM_TAGS,
    version: "1.2",
    prettyErrors: false,
  });
  const list: Document[] = Array.isArray(docs) ? docs : [docs];
  const documents: YamlDocument[] = [];
  const locate = (pos: number | undefined): Span => {
    const p = lc.linePos(pos ?? 0);
    return { file: options.file, line: p.line, column: p.col };
  };
  for (const doc of list) {
    let failed = false;
    // Only the first syntax error of a document: the ones after it are mostly its echoes.
    for (const error of doc.errors.slice(0, 1)) {
      failed = true;
      const message = firstLine(error.message);
      const at = locate(error.pos[0]);
      const advice = syntaxAdvice(error.code, message, lineText(text, at.line), at.column);
      diagnostics.push(
        diag("DK1001", { message: advice.message ?? lowerFirst(message) }, {
          span: advice.column === undefined ? at : { ...at, column: advice.column },
          hint: advice.hint,
        }),
      );
    }
    for (const warning of doc.warnings) {
      diagnostics.push(
        diag("DK1007", { message: firstLine(warning.message) }, { span: locate(warning.pos[0]) }),
      );
    }
    if (failed) continue;
    const ctx: Ctx = {
      file: options.file,
      lc,
      doc,
      spans: new Map(),
      tags: [],
      diags: diagnostics,
      budget: options.aliasBudget ?? 100_000,
      aliasNodes: 0,
      aliasDepth: 0,
      overflow: false,
    };
    ctx.spans.set(pathKey([]), { file: options.file, line: 1, column: 1 });
    const value = convert(ctx, doc.contents as Node | null, [], 0);
    documents.push({ value, spans: ctx.spans, tags: ctx.tags });
  }
  return { documents, diagnostics };
}
