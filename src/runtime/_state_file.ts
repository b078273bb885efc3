/**
 * The state file on disk (an I/O edge of the runtime): atomic writes (temp file + fsync + rename
 * + directory fsync) and the lock file (O_EXCL create) that keeps two runs off the same target
 * and project.
 */
import { diag, type Diagnostic } from "../diagnostics/mod.ts";
import { isSpecialFile } from "./files.ts";
import { basename, dirname } from "../path/mod.ts";
import { type LoadedState, parseState, type RunState, serializeState } from "./_state.ts";
import { parseStamp, type RunStamp, serializeStamp } from "./_stamp.ts";

/** Who holds a lock (the lock file's content). */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes `text` to `path` atomically: a temp file in the same directory is written, fsynced and
 * renamed over `path`, then the directory is fsynced. A reader (or a crash at any point) sees the
 * old content or the new one, never a mix.
 */
export function writeFileAtomic(path: string, text: string): void {
  if (isSpecialFile(path)) {
    // A device or FIFO (`--state /dev/null`): renaming over it would replace the device node
    // with a regular file, so write into it directly.
    Deno.writeTextFileSync(path, text);
    return;
  }
  const dir = dirname(path);
  Deno.mkdirSync(dir, { recursive: true });
  const tmp = `${dir}/.${basename(path)}.${Deno.pid}.${
    Math.random().toString(36).slice(2, 10)
  }.tmp`;
  const file = Deno.openSync(tmp, { write: true, createNew: true, mode: 0o600 });
  try {
    const bytes = new TextEncoder().encode(text);
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
    file.syncSync();
  } catch (error) {
    file.close();
    try {
      Deno.removeSync(tmp);
    } catch {
      // The temp file is already gone; the original error is what matters.
    }
    throw error;
  }
  file.close();
  try {
    Deno.renameSync(tmp, path);
  } catch (error) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // See above.
    }
    throw error;
  }
  try {
    const d = Deno.openSync(dir, { read: true });
    try {
      d.syncSync();
    } finally {
      d.close();
    }
  } catch {
    // Directory fsync is not supported everywhere; the rename itself is atomic.
  }
}

function processAlive(pid: number): boolean | undefined {
  if (Deno.build.os !== "linux") return undefined;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** The result of trying to take the lock. */
export type LockResult =
  | { readonly ok: true; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** One state file and its lock. */
export class StateFile {
  readonly path: string;
  readonly lockPath: string;
  /** The run stamp next to the state (src/runtime/_stamp.ts). */
  readonly stampPath: string;
  #locked = false;

  constructor(path: string) {
    this.path = path;
    this.lockPath = `${path}.lock`;
    this.stampPath = `${path}.stamp`;
  }

  /** Whether a lock file exists (held by a run, or left behind by one). */
  isLocked(): boolean {
    try {
      Deno.lstatSync(this.lockPath);
      return true;
    } catch {
      return false;
    }
  }

  /** The state file's bytes (empty when there is none); undefined when it cannot be read. */
  bytes(): Uint8Array | undefined {
    try {
      return Deno.readFileSync(this.path);
    } catch (error) {
      return error instanceof Deno.errors.NotFound ? new Uint8Array() : undefined;
    }
  }

  /** The run stamp, when there is a well-formed one. */
  readStamp(): RunStamp | undefined {
    try {
      return parseStamp(Deno.readTextFileSync(this.stampPath));
    } catch {
      return undefined;
    }
  }

  /** Writes the run stamp atomically. Throws on I/O failure (the caller reports DK5012). */
  saveStamp(stamp: RunStamp): void {
    writeFileAtomic(this.stampPath, serializeStamp(stamp));
  }

  /** Reads and parses the state (never throws for bad content). */
  load(key: { target: string; project: string }): LoadedState {
    let text: string | undefined;
    try {
      text = Deno.readTextFileSync(this.path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        return {
          ...parseState(undefined, { file: this.path, ...key }),
          reset: true,
          diagnostics: [diag("DK5002", { file: this.path, reason: errorText(error) })],
        };
      }
    }
    return parseState(text, { file: this.path, ...key });
  }

  /** Writes the state atomically. Throws on I/O failure (the caller reports DK5012). */
  save(state: RunState): void {
    writeFileAtomic(this.path, serializeState(state));
  }

  /**
   * Takes the lock (O_EXCL create). A lock left by a dead process on this host is taken over
   * with a warning; a live holder (or one on another host) refuses with DK5004.
   */
  lock(key: { target: string; project: string }): LockResult {
    const host = hostName();
    const me: LockHolder = { pid: Deno.pid, host, startedAt: new Date().toISOString() };
    const warnings: Diagnostic[] = [];
    try {
      Deno.mkdirSync(dirname(this.lockPath), { recursive: true });
    } catch (error) {
      return {
        ok: false,
        diagnostics: [diag("DK5012", { file: this.lockPath, reason: errorText(error) })],
      };
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const file = Deno.openSync(this.lockPath, { write: true, createNew: true, mode: 0o600 });
        try {
          // Not fsynced: the exclusive create is what locks; after a crash a lock file that lost
          // its content is unreadable, and an unreadable lock is taken over once it is old.
          file.writeSync(new TextEncoder().encode(JSON.stringify(me) + "\n"));
        } finally {
          file.close();
        }
        this.#locked = true;
        return { ok: true, diagnostics: warnings };
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) {
          return {
            ok: false,
            diagnostics: [diag("DK5012", { file: this.lockPath, reason: errorText(error) })],
          };
        }
      }
      const holder = this.#readHolder();
      // An unreadable or half-written lock may be being written right now: it is stale only
      // once it is old. A readable one is stale when its process is gone from this host.
      const stale = holder === undefined
        ? (this.#lockAgeMs() ?? 0) > 10_000
        : holder.host === host && processAlive(holder.pid) === false;
      const who = {
        pid: holder?.pid ?? "?",
        host: holder?.host ?? "?",
        startedAt: holder?.startedAt ?? "?",
      };
      if (stale) {
        warnings.push(diag("DK5005", { file: this.lockPath, ...who }));
        this.#removeLock();
        continue;
      }
      return {
        ok: false,
        diagnostics: [diag("DK5004", {
          target: key.target,
          project: key.project,
          ...who,
          file: this.lockPath,
        })],
      };
    }
    return {
      ok: false,
      diagnostics: [diag("DK5012", { file: this.lockPath, reason: "the lock kept reappearing" })],
    };
  }

  /** Releases the lock if this object holds it. Safe to call twice. */
  unlock(): void {
    if (!this.#locked) return;
    this.#locked = false;
    this.#removeLock();
  }

  #removeLock(): void {
    try {
      Deno.removeSync(this.lockPath);
    } catch {
      // Already gone.
    }
  }

  #lockAgeMs(): number | undefined {
    try {
      const mtime = Deno.statSync(this.lockPath).mtime;
      return mtime === null ? undefined : Date.now() - mtime.getTime();
    } catch {
      return undefined;
    }
  }

  #readHolder(): LockHolder | undefined {
    try {
      const doc: unknown = JSON.parse(Deno.readTextFileSync(this.lockPath));
      if (typeof doc !== "object" || doc === null) return undefined;
      const r = doc as Record<string, unknown>;
      if (
        typeof r["pid"] !== "number" || typeof r["host"] !== "string" ||
        typeof r["startedAt"] !== "string"
      ) {
        return undefined;
      }
      return { pid: r["pid"], host: r["host"], startedAt: r["startedAt"] };
    } catch {
      return undefined;
    }
  }
}
