/**
 * The Dokkufile data model (format `dokkufile/v1`): the contract between the compiler (which emits
 * it) and the runtime (which parses and runs it). The text form is specified in
 * `docs/dokkufile.md`; `parse(emit(x))` equals `x`.
 *
 * Every field is data the runtime needs; nothing here depends on how the compiler found it.
 */

export const DOKKUFILE_FORMAT = "dokkufile/v1" as const;

/** Where a step came from: a compose key and its file:line (file relative to the project dir). */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
  /** The compose path, e.g. `services.web.environment.DATABASE_URL`. */
  readonly key: string;
}

/** A config key whose value is a secret, resolved by the runtime (never written in the artifact). */
export interface SecretRef {
  /** The config key set on the app (`DB_PASSWORD`). */
  readonly key: string;
  /** The secret's name, as listed in {@linkcode Dokkufile.secrets}. */
  readonly secret: string;
}

/**
 * What a command reads on standard input.
 * - `secrets-json`: the runtime writes one JSON object `{"KEY": "<resolved secret>", ...}` (keys in
 *   the order given) to the command's stdin; used with `config:import --format json <app> -`.
 * - `archive`: the runtime writes a deterministic tar of the directory `context` (relative to the
 *   Dokkufile's own directory, `/` separators; `.dockerignore` honoured), plus the generated
 *   `files`; used with `git:from-archive --archive-type tar <app> --`. The archive's content hash
 *   is part of the step's checksum, so a source change (or a changed generated file) reruns the
 *   deploy.
 */
export type StdinSpec =
  | { readonly kind: "secrets-json"; readonly secrets: readonly SecretRef[] }
  | {
    readonly kind: "archive";
    readonly context: string;
    /**
     * Files the runtime adds to the archive (e.g. a generated `.dokompose/app.json`). When
     * present: at least one, sorted by path, unique. A generated file never replaces anything the
     * context sends: when the context (after `.dockerignore`) already has that path, or a file or
     * link where one of its parent directories goes, the run fails before anything runs.
     */
    readonly files?: readonly ArchiveFile[];
  };

/** A file the runtime adds to a build-context archive. */
export interface ArchiveFile {
  /**
   * Relative to the archive root, `/` separators; no empty, `.` or `..` segment, no control
   * character, no backslash.
   */
  readonly path: string;
  /** The file's text, written as UTF-8 (mode 0644). */
  readonly content: string;
}

/**
 * A known benign outcome of one command, handled explicitly (never "ignore every error"):
 * when the command exits with `exit` and its stdout or stderr contains `output`, the command
 * counts as `unchanged` (successful, and changed nothing).
 */
export interface Accept {
  readonly exit: number;
  readonly output: string;
  readonly as: "unchanged";
  /**
   * A command run when this outcome occurs, e.g. `dokku ps:rebuild <app>` after
   * `git:from-image` reported "No changes detected", so settings changed since the last deploy
   * still take effect. Its failure fails the step.
   */
  readonly then?: readonly string[];
}

/** One command: an argv array, spawned without any local shell. `argv[0]` is always `dokku`. */
export interface Command {
  readonly argv: readonly string[];
  readonly stdin?: StdinSpec;
  readonly accept?: readonly Accept[];
}

/**
 * A probe run before a step. Exit code in `presentExit`: the thing exists, the step's commands
 * are skipped (and its UNDO must never run in a rollback, since this run did not create it).
 * Exit code in `missingExit`: the step runs. Any other exit code is an error.
 */
export interface Guard {
  readonly argv: readonly string[];
  readonly presentExit: readonly number[];
  readonly missingExit: readonly number[];
}

/** Processes the runtime checks after a deploy step (`ps:report`): process type -> count. */
export interface Verify {
  readonly app: string;
  readonly processes: Readonly<Record<string, number>>;
}

/** One unit of work: commands that run together, with their rollback. */
export interface Step {
  /** Stable id, unique in the file: `[a-z0-9][a-z0-9._/-]*` (e.g. `web/config`). */
  readonly id: string;
  /**
   * The resource the step mutates; two steps with the same lock never run at the same time.
   * `app:<name>` for an app, `datastore:<plugin>:<name>`, `network:<name>`, `storage:<name>`, or
   * `global` for host-wide operations (those never run concurrently with each other).
   */
  readonly lock: string;
  /** Ids of steps (in this or earlier stages) that must succeed first; their checksums chain in. */
  readonly needs: readonly string[];
  readonly guard?: Guard;
  readonly run: readonly Command[];
  /** Rollback commands, run in order when this step must be undone. */
  readonly undo: readonly Command[];
  readonly source: readonly SourceRef[];
  /** Human notes shown as comments (env rewrites, lossy mappings). */
  readonly notes: readonly string[];
  /** Set on deploy steps. */
  readonly verify?: Verify;
}

/** Named group of steps; stages run in order, a stage starts when the stages it needs are done. */
export interface Stage {
  /** `[a-z0-9][a-z0-9._-]*` */
  readonly name: string;
  readonly needs: readonly string[];
  readonly steps: readonly Step[];
}

/** A compile warning kept in the artifact, so a reviewer sees what was lossy. */
export interface ArtifactWarning {
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly key?: string;
}

/** A whole Dokkufile. */
export interface Dokkufile {
  readonly format: typeof DOKKUFILE_FORMAT;
  /** The compose project name. */
  readonly project: string;
  /** `sha256:<hex>` over the input files' names (project-relative) and contents. */
  readonly inputChecksum: string;
  /** Minimum Dokku version the commands need, e.g. `0.38.0`. */
  readonly dokkuVersion: string;
  /** Secret names the runtime must resolve before anything runs (sorted). */
  readonly secrets: readonly string[];
  readonly stages: readonly Stage[];
  readonly warnings: readonly ArtifactWarning[];
}
