/** Small value conversions for the transform: sizes, durations, shell quoting, restart policies. */

/**
 * A byte count (decimal string or number) in Dokku's memory units: the largest of `g`, `m`, `k`
 * that divides it exactly, else bytes rounded up to whole kibibytes. Undefined when not a size.
 */
export function memoryUnits(value: unknown): string | undefined {
  const bytes = toBytes(value);
  if (bytes === undefined) return undefined;
  const units: [number, string][] = [[1024 ** 3, "g"], [1024 ** 2, "m"], [1024, "k"]];
  for (const [size, suffix] of units) {
    if (bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return `${Math.ceil(bytes / 1024)}k`;
}

/** A byte count in whole megabytes, rounded up (datastore `--memory`). */
export function memoryMegabytes(value: unknown): number | undefined {
  const bytes = toBytes(value);
  return bytes === undefined ? undefined : Math.ceil(bytes / 1024 ** 2);
}

const SIZE_RE = /^([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)i?b?$/i;

function toBytes(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = SIZE_RE.exec(value.trim());
  if (m === null) return undefined;
  const scale = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[
    m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"
  ];
  const bytes = Math.ceil(Number(m[1]) * scale);
  return bytes > 0 ? bytes : undefined;
}

// The micro sign is written `\u00b5`: ASCII-only source keeps the CLI bundle ASCII, which Deno
// hands to V8 without decoding it (a measurably faster start).
const DURATION_PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|\u00b5s|ms|s|m|h)/g;

/** A Go duration string (`1m30s`, `500ms`) in whole seconds, rounded up; undefined if invalid. */
export function durationSeconds(value: string): number | undefined {
  if (!/^(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|\u00b5s|ms|s|m|h))+$/.test(value)) {
    return /^[0-9]+$/.test(value) ? Number(value) : undefined;
  }
  const factor: Record<string, number> = {
    ns: 1e-9,
    us: 1e-6,
    "\u00b5s": 1e-6,
    ms: 1e-3,
    s: 1,
    m: 60,
    h: 3600,
  };
  let seconds = 0;
  for (const m of value.matchAll(DURATION_PART)) seconds += Number(m[1]) * factor[m[2]!]!;
  // Round away float noise first (0.1+0.2), then up to a whole second.
  return Math.ceil(Math.round(seconds * 1e6) / 1e6);
}

/** Quotes one argument for a POSIX shell; plain words stay as they are. */
export function shellQuote(arg: string): string {
  if (arg.length > 0 && /^[A-Za-z0-9_\/.:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one shell-quoted string. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}

/** A compose `restart` value as a Dokku restart policy, or undefined when it is not one. */
export function restartPolicy(value: string): string | undefined {
  if (value === "no" || value === "always" || value === "unless-stopped") return value;
  if (/^on-failure(?::[0-9]+)?$/.test(value)) return value;
  return undefined;
}

/** Masks the password of every `scheme://user:password@` in a value. */
export function maskPasswords(value: string): string {
  return value.replace(/(:\/\/[^:@/\s]*:)([^@/\s]+)@/g, "$1***@");
}
