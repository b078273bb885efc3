/** Small helpers on plain values and paths shared by the loader's stages. */
import * as path from "../path/mod.ts";

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A deep copy of plain data (objects, arrays, scalars). */
export function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => clone(v)) as T;
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) setKey(out, k, clone(v));
    return out as T;
  }
  return value;
}

/** Sets a key without triggering the `__proto__` setter. */
export function setKey(target: Obj, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else target[key] = value;
}

/** A scalar as compose-go stringifies it in environment, labels and build args. */
export function scalarString(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return JSON.stringify(value) ?? "";
}

/** Path helpers: always POSIX (`/`), pure string functions (`src/path`). */
export { basename, dirname, isAbsolute, resolve as resolvePath } from "../path/mod.ts";

export function cleanPath(p: string): string {
  const cleaned = path.normalize(p);
  return cleaned.length > 1 && cleaned.endsWith("/") ? cleaned.slice(0, -1) : cleaned;
}

/** `file` relative to `dir` with `/` separators (`../x` for files outside it). */
export function relativePath(dir: string, file: string): string {
  const rel = path.relative(dir, file);
  return rel === "" ? "." : rel;
}

/** Sorted keys of an object (we never rely on insertion order for output). */
export function sortedKeys(value: Obj): string[] {
  return Object.keys(value).sort();
}
