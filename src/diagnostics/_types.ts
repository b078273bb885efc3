/** A position in a user's file. Lines and columns are 1-based. */
export interface Span {
  /** The file as the user knows it: relative to the project directory (or as given), `/` separators. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

export type Severity = "error" | "warning" | "info";

/** A location that adds context to a diagnostic ("first defined here"). */
export interface Related {
  readonly message: string;
  readonly span: Span;
}

/**
 * A diagnostic is data: a stable code (ranges per stage, see `_registry.ts`), a severity, a
 * message, an optional hint and a span. Stages collect them and keep going; they never throw
 * for bad input.
 */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly hint?: string;
  readonly span?: Span;
  /** The compose path the diagnostic is about (`services.web.ports`), when there is one. */
  readonly path?: string;
  readonly related?: readonly Related[];
}
