/**
 * Diagnostics: located, coded, accumulated problems, and the one renderer that prints them.
 *
 * Stages create diagnostics with {@linkcode diag}, collect them in a {@linkcode DiagnosticBag} and
 * keep going. The CLI renders them with {@linkcode renderText} or {@linkcode renderJson}.
 *
 * @module
 */
import type { Diagnostic, Related, Severity, Span } from "./_types.ts";
import { type CodeDef, registry } from "./_registry.ts";

export type { CodeDef, Diagnostic, Related, Severity, Span };

/** Placeholder values for a message template. */
export type DiagArgs = Readonly<Record<string, string | number | boolean>>;

/** Options for {@linkcode diag}. */
export interface DiagOptions {
  readonly span?: Span | undefined;
  readonly path?: string | undefined;
  /** Overrides the registry's hint (already formatted). */
  readonly hint?: string | undefined;
  readonly severity?: Severity | undefined;
  readonly related?: readonly Related[] | undefined;
}

function fill(template: string, args: DiagArgs): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = args[name];
    return value === undefined ? whole : String(value);
  });
}

/** The registry entry of a code; throws (a bug) for an unknown code. */
export function codeDef(code: string): CodeDef {
  const def = registry()[code];
  if (def === undefined) throw new Error(`Unknown diagnostic code ${code}`);
  return def;
}

/** Every registered code, sorted. */
export function allCodes(): string[] {
  return Object.keys(registry()).sort();
}

/** Builds a diagnostic from the registry's template for `code`. */
export function diag(code: string, args: DiagArgs = {}, options: DiagOptions = {}): Diagnostic {
  const def = codeDef(code);
  const hint = options.hint ?? (def.hint === undefined ? undefined : fill(def.hint, args));
  const out: {
    -readonly [K in keyof Diagnostic]: Diagnostic[K];
  } = {
    code,
    severity: options.severity ?? def.severity,
    message: fill(def.message, args),
  };
  if (hint !== undefined) out.hint = hint;
  if (options.span !== undefined) out.span = options.span;
  if (options.path !== undefined) out.path = options.path;
  if (options.related !== undefined && options.related.length > 0) out.related = options.related;
  return out;
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Turns warnings into errors (`--strict`). */
export function strict(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => d.severity === "warning" ? { ...d, severity: "error" } : d);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts diagnostics by file, line, column, code and message (located ones first), and drops exact
 * duplicates, so output never depends on the order in which stages found problems.
 */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = JSON.stringify([d.code, d.severity, d.message, d.span, d.path]);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(d);
  }
  return unique.sort((a, b) => {
    if (a.span === undefined || b.span === undefined) {
      if (a.span !== b.span) return a.span === undefined ? 1 : -1;
    } else {
      const byPlace = compareStrings(a.span.file, b.span.file) || a.span.line - b.span.line ||
        a.span.column - b.span.column;
      if (byPlace !== 0) return byPlace;
    }
    return compareStrings(a.code, b.code) || compareStrings(a.message, b.message);
  });
}

/** Collects diagnostics while a stage keeps going. */
export class DiagnosticBag {
  readonly #items: Diagnostic[] = [];

  /** Adds a diagnostic built from the registry. */
  add(code: string, args: DiagArgs = {}, options: DiagOptions = {}): Diagnostic {
    const d = diag(code, args, options);
    this.#items.push(d);
    return d;
  }

  /** Adds diagnostics made elsewhere. */
  push(...diagnostics: readonly Diagnostic[]): void {
    this.#items.push(...diagnostics);
  }

  get hasErrors(): boolean {
    return hasErrors(this.#items);
  }

  get items(): readonly Diagnostic[] {
    return this.#items;
  }
}

/** The source text of the files diagnostics point into, keyed by `Span.file`. */
export type SourceTexts = ReadonlyMap<string, string>;

/** Options for {@linkcode renderText}. */
export interface RenderOptions {
  /** Source texts, for the source line and caret under each located diagnostic. */
  readonly sources?: SourceTexts;
  /** ANSI colours (the CLI turns them on for a TTY). */
  readonly color?: boolean;
}

function sourceLine(sources: SourceTexts | undefined, span: Span): string | undefined {
  const text = sources?.get(span.file);
  if (text === undefined) return undefined;
  let start = 0;
  for (let line = 1; line < span.line; line++) {
    const next = text.indexOf("\n", start);
    if (next < 0) return undefined;
    start = next + 1;
  }
  const end = text.indexOf("\n", start);
  const line = text.slice(start, end < 0 ? text.length : end).replace(/\r$/, "");
  return line.length > 200 ? undefined : line;
}

function paint(on: boolean, code: string, text: string): string {
  return on ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function location(span: Span): string {
  return `${span.file}:${span.line}:${span.column}`;
}

/**
 * Renders diagnostics as text: `file:line:col: error DK2003: message`, the source line, a caret,
 * then `hint:` and related locations. Sorted; ends with a newline when not empty.
 */
export function renderText(
  diagnostics: readonly Diagnostic[],
  options: RenderOptions = {},
): string {
  const color = options.color ?? false;
  const out: string[] = [];
  for (const d of sortDiagnostics(diagnostics)) {
    const sev = paint(
      color,
      d.severity === "error" ? "1;31" : d.severity === "warning" ? "1;33" : "1;36",
      d.severity,
    );
    const where = d.span === undefined ? "dokompose" : location(d.span);
    out.push(`${where}: ${sev} ${d.code}: ${d.message}`);
    if (d.span !== undefined) {
      const line = sourceLine(options.sources, d.span);
      if (line !== undefined) {
        const gutter = String(d.span.line);
        out.push(`  ${gutter} | ${line}`);
        const width = d.span.endLine === d.span.line && d.span.endColumn !== undefined
          ? Math.max(1, d.span.endColumn - d.span.column)
          : 1;
        const pad = line.slice(0, Math.max(0, d.span.column - 1)).replace(/[^\t]/g, " ");
        out.push(
          `  ${" ".repeat(gutter.length)} | ${pad}${paint(color, "1;32", "^".repeat(width))}`,
        );
      }
    }
    if (d.hint !== undefined) out.push(`  ${paint(color, "1;36", "hint")}: ${d.hint}`);
    for (const r of d.related ?? []) out.push(`  ${location(r.span)}: note: ${r.message}`);
  }
  return out.length === 0 ? "" : out.join("\n") + "\n";
}

/** The JSON shape of `--format json` diagnostics (versioned). */
export interface DiagnosticsJson {
  readonly version: 1;
  readonly diagnostics: readonly Diagnostic[];
}

/** Renders diagnostics as one JSON document (sorted), ending with a newline. */
export function renderJson(diagnostics: readonly Diagnostic[]): string {
  const doc: DiagnosticsJson = { version: 1, diagnostics: sortDiagnostics(diagnostics) };
  return JSON.stringify(doc, null, 2) + "\n";
}

/** A value with the diagnostics found while computing it; `value` is undefined when it failed. */
export interface Result<T> {
  readonly value: T | undefined;
  readonly diagnostics: readonly Diagnostic[];
}
