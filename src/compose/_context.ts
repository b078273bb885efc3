/** The loader's shared state for one `loadProject` call, and the injected file system. */
import { diag, type Diagnostic, type Span } from "../diagnostics/mod.ts";
import { relativePath } from "./_util.ts";

/** Why a file could not be read. */
export type ReadFailure = "not-found" | "is-directory" | "too-large" | "binary" | "unreadable";

export type ReadResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: ReadFailure; readonly detail: string };

/** All the loader's I/O. Paths are absolute, with `/` separators. */
export interface LoaderFs {
  readFile(path: string): ReadResult;
  exists(path: string): boolean;
  isDirectory?(path: string): boolean;
}

/** Options of {@linkcode loadProject}. */
export interface LoadOptions {
  /** `-f` paths as given (relative to `cwd`); empty = discover (P1) or `COMPOSE_FILE`. */
  readonly files?: readonly string[];
  /** Absolute working directory. */
  readonly cwd: string;
  /** The entire process environment (the loader never reads the real one). */
  readonly env: Readonly<Record<string, string>>;
  /** `-p` */
  readonly projectName?: string;
  readonly projectDirectory?: string;
  /** `--profile` (else `COMPOSE_PROFILES`). */
  readonly profiles?: readonly string[];
  /** `--env-file` (else `.env` in the project directory). */
  readonly envFiles?: readonly string[];
  readonly fs: LoaderFs;
}

/** The largest compose or env file the real file system adapter reads (10 MiB). */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

export class LoadContext {
  readonly fs: LoaderFs;
  readonly projectDir: string;
  readonly diagnostics: Diagnostic[] = [];
  /** Files read: project-relative path -> text. */
  readonly inputs = new Map<string, string>();
  /** Spans of the merged model, keyed by `pathKey`. */
  readonly spans = new Map<string, Span>();
  /** Variables already warned about as unset (warn once per variable). */
  readonly warnedVars = new Set<string>();
  /** Project environment (process env, then .env; then COMPOSE_PROJECT_NAME). */
  env: Record<string, string> = {};
  readonly processEnv: Readonly<Record<string, string>>;

  constructor(fs: LoaderFs, projectDir: string, processEnv: Readonly<Record<string, string>>) {
    this.fs = fs;
    this.projectDir = projectDir;
    this.processEnv = processEnv;
  }

  /** The name of a file as users see it: relative to the project directory. */
  rel(abs: string): string {
    return relativePath(this.projectDir, abs);
  }

  /**
   * Reads a text file; on failure adds a located diagnostic (at `span`, when given) and returns
   * undefined.
   */
  read(abs: string, span?: Span): string | undefined {
    const file = this.rel(abs);
    const result = this.fs.readFile(abs);
    if (!result.ok) {
      const options = span === undefined ? {} : { span };
      switch (result.reason) {
        case "is-directory":
          this.diagnostics.push(diag("DK0002", { file: `"${file}"` }, options));
          break;
        case "too-large":
          this.diagnostics.push(
            diag(
              "DK0003",
              { file: `"${file}"`, size: result.detail, limit: DEFAULT_MAX_FILE_SIZE },
              options,
            ),
          );
          break;
        case "binary":
          this.diagnostics.push(
            diag("DK0004", { file: `"${file}"`, what: result.detail }, options),
          );
          break;
        default:
          this.diagnostics.push(
            diag("DK0001", { file: `"${file}"`, reason: result.detail }, options),
          );
      }
      return undefined;
    }
    if (result.text.includes("\u0000")) {
      this.diagnostics.push(
        diag(
          "DK0004",
          { file: `"${file}"`, what: "NUL bytes" },
          span === undefined ? {} : { span },
        ),
      );
      return undefined;
    }
    this.inputs.set(file, result.text);
    return result.text;
  }
}
