/** Small pure helpers of the dokku double: output accumulation, hashing, quoting. */

/** What one command printed and its exit code. */
export interface Outcome {
  exit: number;
  stdout: string;
  stderr: string;
}

/** Collects a command's output; `fail` mimics `dokku_log_fail` (` !     msg` on stderr). */
export class Out {
  #stdout = "";
  #stderr = "";
  #exit = 0;

  /** Sets the exit code without printing (probes: `exists` 1, `config:get` 1). */
  set exit(code: number) {
    this.#exit = code;
  }

  /** Appends raw text to stdout. */
  write(text: string): void {
    this.#stdout += text;
  }

  line(text: string): void {
    this.#stdout += text + "\n";
  }

  warn(text: string): void {
    this.#stderr += ` !     ${text}\n`;
  }

  /** Records a failure and returns the outcome (use as `return out.fail(...)`). */
  fail(text: string, exit = 1): Outcome {
    this.#stderr += ` !     ${text}\n`;
    this.#exit = exit;
    return this.done();
  }

  done(): Outcome {
    return { exit: this.#exit, stdout: this.#stdout, stderr: this.#stderr };
  }
}

/** A deterministic hex digest of a string (FNV-1a, several rounds); not cryptographic. */
export function fakeHash(text: string, length = 32): string {
  let out = "";
  let seed = 0x811c9dc5;
  while (out.length < length) {
    let h = seed;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, "0");
    seed = (h ^ 0x5bd1e995) >>> 0;
  }
  return out.slice(0, length);
}

/** Single-quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Decodes standard base64 (with or without padding); undefined when invalid. */
export function decodeBase64(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  try {
    const bin = atob(value.length % 4 === 0 ? value : value + "=".repeat(4 - (value.length % 4)));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Sorted keys of a record (object key order is insertion order; never rely on it). */
export function sortedKeys(record: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(record).sort();
}

/** `JSON.stringify` with keys sorted at every level, like Go's map marshalling. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

/** `value` with every object's keys sorted, recursively (for deterministic output). */
export function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      out[k] = sortDeep((value as Record<string, unknown>)[k]);
    }
    return out;
  }
  return value;
}

/** Parses an env file (`KEY=value`, optional `export `, quotes, `#` comments). */
export function parseEnvfile(text: string): { ok: true; vars: Record<string, string> } | {
  ok: false;
  error: string;
} {
  const vars: Record<string, string> = {};
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!.replace(/\r$/, "").trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("export ")) line = line.slice("export ".length).trim();
    const eq = line.indexOf("=");
    if (eq <= 0) return { ok: false, error: `line ${n + 1}: expected KEY=VALUE` };
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1).replace(/\\(.)/g, (_, c: string) => c === "n" ? "\n" : c);
    } else if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) {
      value = value.slice(1, -1);
    }
    vars[key] = value;
  }
  return { ok: true, vars };
}
