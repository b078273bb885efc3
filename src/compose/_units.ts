/**
 * Units and typed scalars of compose values (RULES.md B1-B4, H2, I14).
 *
 * - Durations use Go's `time.ParseDuration` grammar plus compose-go's `d` and `w` units, and are
 *   printed exactly like Go's `Duration.String()` (`1m30s`, `500ms`, `1h5m30.02s`, `0s`).
 * - Byte sizes follow compose-go (`UnitBytes`: a plain integer, else docker/go-units
 *   `RAMInBytes`): binary multiples, case-insensitive `b k m g t p` with optional `b`/`ib`.
 * - Typed casts after interpolation follow compose-go's `interpolateTypeCastMapping`; the table of
 *   paths is {@linkcode CAST_PATHS}.
 *
 * Every failure carries a diagnostic `code` and its `args` (DK2120-DK2127).
 *
 * @module
 */

/** A failed conversion: a lower-case reason, and the diagnostic code and arguments. */
export interface UnitError {
  readonly ok: false;
  readonly message: string;
  readonly code: string;
  readonly args: Readonly<Record<string, string>>;
}

/** A successful conversion. */
export interface UnitValue<T> {
  readonly ok: true;
  readonly value: T;
}

const NANOS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n, // micro sign
  "\u03bcs": 1_000n, // Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

const MAX_DURATION = (1n << 63n) - 1n;

function durationError(value: string, reason: string): UnitError {
  return {
    ok: false,
    message: `invalid duration "${value}": ${reason}`,
    code: "DK2120",
    args: { value, reason },
  };
}

/**
 * Parses a duration such as `90s`, `1m30s`, `1h5m30.02s`, `1.5h`, `-2m` or `2d`. The fraction of
 * each component is applied exactly (then truncated to whole nanoseconds).
 */
export function parseDuration(
  s: string,
): { ok: true; nanos: bigint } | UnitError {
  let rest = s;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return { ok: true, nanos: 0n };
  if (rest === "") return durationError(s, "expected a number with a unit");
  let total = 0n;
  const component = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]+)/u;
  while (rest !== "") {
    const m = component.exec(rest);
    if (m === null) {
      return durationError(
        s,
        /^[0-9.]+$/.test(rest) ? `missing unit after "${rest}"` : "expected a number with a unit",
      );
    }
    const whole = m[1] ?? "";
    const frac = m[2];
    const unit = m[3] ?? "";
    if (whole === "" && (frac === undefined || frac === "")) {
      return durationError(s, "expected a number before the unit");
    }
    const size = NANOS[unit];
    if (size === undefined) {
      return durationError(
        s,
        `unknown unit "${unit}" (expected ns, us, \u00b5s, ms, s, m, h, d or w)`,
      );
    }
    let nanos = BigInt(whole === "" ? "0" : whole) * size;
    if (frac !== undefined && frac !== "") {
      nanos += (BigInt(frac) * size) / 10n ** BigInt(frac.length);
    }
    total += nanos;
    if (total > MAX_DURATION + (negative ? 1n : 0n)) return durationError(s, "value too large");
    rest = rest.slice(m[0].length);
  }
  return { ok: true, nanos: negative ? -total : total };
}

/** Writes `v`'s last `prec` decimal digits as a fraction without trailing zeros (Go `fmtFrac`). */
function fraction(v: bigint, prec: number): { text: string; rest: bigint } {
  let digits = "";
  let print = false;
  let rest = v;
  for (let i = 0; i < prec; i++) {
    const digit = rest % 10n;
    print = print || digit !== 0n;
    if (print) digits = String(digit) + digits;
    rest /= 10n;
  }
  return { text: print ? "." + digits : "", rest };
}

/** Formats nanoseconds exactly like Go's `time.Duration.String()`. */
export function formatDuration(nanos: bigint): string {
  const negative = nanos < 0n;
  const u = negative ? -nanos : nanos;
  let out: string;
  if (u === 0n) return "0s";
  if (u < 1_000_000_000n) {
    const [prec, unit] = u < 1_000n ? [0, "ns"] : u < 1_000_000n ? [3, "\u00b5s"] : [6, "ms"];
    const f = fraction(u, prec);
    out = `${f.rest}${f.text}${unit}`;
  } else {
    const f = fraction(u, 9);
    let rest = f.rest;
    out = `${rest % 60n}${f.text}s`;
    rest /= 60n;
    if (rest > 0n) {
      out = `${rest % 60n}m${out}`;
      rest /= 60n;
      if (rest > 0n) out = `${rest}h${out}`;
    }
  }
  return negative ? "-" + out : out;
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

function bytesError(value: string, reason: string): UnitError {
  return {
    ok: false,
    message: `invalid byte size "${value}": ${reason}`,
    code: "DK2121",
    args: { value, reason },
  };
}

/**
 * Parses a byte size: a number (bytes; negative integers such as -1 are kept, for
 * `memswap_limit`), or a string `512m`, `1g`, `64mb`, `2048k`, `1.5g`, `1 GiB`, `100b`, `-1`.
 * Fractions are truncated to whole bytes.
 */
export function parseBytes(v: string | number): { ok: true; bytes: number } | UnitError {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return bytesError(String(v), "expected a finite number");
    const bytes = Math.trunc(v);
    if (!Number.isSafeInteger(bytes)) return bytesError(String(v), "value too large");
    return { ok: true, bytes };
  }
  if (/^[+-]?[0-9]+$/.test(v)) {
    const bytes = Number(v);
    if (!Number.isSafeInteger(bytes)) return bytesError(v, "value too large");
    return { ok: true, bytes: bytes === 0 ? 0 : bytes };
  }
  const m = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+) ?([a-z]*)$/i.exec(v);
  if (m === null) {
    return bytesError(
      v,
      v.trim() === "" ? "expected a size" : "expected a number followed by an optional unit",
    );
  }
  const num = Number(m[1]);
  const suffix = (m[2] ?? "").toLowerCase();
  let multiplier = 1;
  if (suffix !== "" && suffix !== "b") {
    const unit = BYTE_UNITS[suffix[0] ?? ""];
    const tail = suffix.slice(1);
    if (unit === undefined || (tail !== "" && tail !== "b" && tail !== "ib")) {
      return bytesError(v, `unknown unit "${m[2]}" (expected b, k, m, g, t or p)`);
    }
    multiplier = unit;
  }
  const bytes = Math.trunc(num * multiplier);
  if (!Number.isSafeInteger(bytes)) return bytesError(v, "value too large");
  return { ok: true, bytes };
}

const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** Parses `cpus`: a non-negative number or numeric string (`0.5`, `"1.5"`). */
export function parseCpus(v: string | number): { ok: true; cpus: number } | UnitError {
  const text = String(v);
  const cpus = typeof v === "number" ? v : DECIMAL.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isFinite(cpus) || cpus < 0) {
    return {
      ok: false,
      message: `invalid CPU count "${text}": expected a non-negative number`,
      code: "DK2122",
      args: { value: text },
    };
  }
  return { ok: true, cpus };
}

/** The result of {@linkcode castBool}; `warning` is set for YAML 1.1 spellings (yes/no/on/off). */
export type BoolCast =
  | { readonly ok: true; readonly value: boolean; readonly warning?: UnitError }
  | UnitError;

/**
 * Casts an interpolated string to a boolean (compose-go `toBoolean`): `true`/`false` in any case;
 * `y`/`yes`/`on` and `n`/`no`/`off` are accepted with a DK2124 warning.
 */
export function castBool(s: string): BoolCast {
  const lower = s.toLowerCase();
  if (lower === "true") return { ok: true, value: true };
  if (lower === "false") return { ok: true, value: false };
  const yes = lower === "y" || lower === "yes" || lower === "on";
  const no = lower === "n" || lower === "no" || lower === "off";
  if (yes || no) {
    const bool = String(yes);
    return {
      ok: true,
      value: yes,
      warning: {
        ok: false,
        message: `YAML 1.1 boolean "${s}" is read as ${bool}`,
        code: "DK2124",
        args: { value: s, bool },
      },
    };
  }
  return {
    ok: false,
    message: `invalid boolean "${s}": expected true or false`,
    code: "DK2123",
    args: { value: s },
  };
}

/** Casts an interpolated string to an integer (Go `strconv.Atoi`/`ParseInt`: base 10, signed). */
export function castInt(s: string): UnitValue<number> | UnitError {
  if (!/^[+-]?[0-9]+$/.test(s)) {
    return {
      ok: false,
      message: `invalid integer "${s}": expected a whole number`,
      code: "DK2125",
      args: { value: s },
    };
  }
  const value = Number(s);
  if (!Number.isSafeInteger(value)) {
    return {
      ok: false,
      message: `number "${s}" is out of range`,
      code: "DK2127",
      args: { value: s, reason: "too large" },
    };
  }
  return { ok: true, value: value === 0 ? 0 : value };
}

/** Casts an interpolated string to a float (decimal notation, optional exponent). */
export function castFloat(s: string): UnitValue<number> | UnitError {
  const value = DECIMAL.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(value)) {
    return {
      ok: false,
      message: `invalid number "${s}": expected a decimal number`,
      code: "DK2126",
      args: { value: s },
    };
  }
  return { ok: true, value: value === 0 ? 0 : value };
}

/** The type a value at a {@linkcode CAST_PATHS} path is cast to after interpolation. */
export type CastKind = "bool" | "int" | "float";

/**
 * Paths whose interpolated string values are cast (I14), from compose-go's
 * `interpolateTypeCastMapping`. `*` matches any mapping key, `[]` any list index. Sorted by path.
 */
export const CAST_PATHS: readonly { readonly path: readonly string[]; readonly kind: CastKind }[] =
  [
    ...([
      [["configs", "*", "external"], "bool"],
      [["networks", "*", "attachable"], "bool"],
      [["networks", "*", "enable_ipv4"], "bool"],
      [["networks", "*", "enable_ipv6"], "bool"],
      [["networks", "*", "external"], "bool"],
      [["networks", "*", "internal"], "bool"],
      [["secrets", "*", "external"], "bool"],
      [["services", "*", "cpu_count"], "int"],
      [["services", "*", "cpu_percent"], "float"],
      [["services", "*", "cpu_period"], "int"],
      [["services", "*", "cpu_quota"], "int"],
      [["services", "*", "cpu_rt_period"], "int"],
      [["services", "*", "cpu_rt_runtime"], "int"],
      [["services", "*", "cpu_shares"], "int"],
      [["services", "*", "cpus"], "float"],
      [["services", "*", "depends_on", "*", "required"], "bool"],
      [["services", "*", "depends_on", "*", "restart"], "bool"],
      [["services", "*", "deploy", "placement", "max_replicas_per_node"], "int"],
      [["services", "*", "deploy", "replicas"], "int"],
      [["services", "*", "deploy", "restart_policy", "max_attempts"], "int"],
      [["services", "*", "deploy", "rollback_config", "max_failure_ratio"], "float"],
      [["services", "*", "deploy", "rollback_config", "parallelism"], "int"],
      [["services", "*", "deploy", "update_config", "max_failure_ratio"], "float"],
      [["services", "*", "deploy", "update_config", "parallelism"], "int"],
      [["services", "*", "healthcheck", "disable"], "bool"],
      [["services", "*", "healthcheck", "retries"], "int"],
      [["services", "*", "init"], "bool"],
      [["services", "*", "oom_kill_disable"], "bool"],
      [["services", "*", "oom_score_adj"], "int"],
      [["services", "*", "pids_limit"], "int"],
      [["services", "*", "ports", "[]", "target"], "int"],
      [["services", "*", "privileged"], "bool"],
      [["services", "*", "read_only"], "bool"],
      [["services", "*", "scale"], "int"],
      [["services", "*", "stdin_open"], "bool"],
      [["services", "*", "tty"], "bool"],
      [["services", "*", "ulimits", "*"], "int"],
      [["services", "*", "ulimits", "*", "hard"], "int"],
      [["services", "*", "ulimits", "*", "soft"], "int"],
      [["services", "*", "volumes", "[]", "read_only"], "bool"],
      [["services", "*", "volumes", "[]", "volume", "nocopy"], "bool"],
      [["volumes", "*", "external"], "bool"],
    ] as const).map(([path, kind]) => ({ path, kind })),
  ];

let byLength: Map<number, (typeof CAST_PATHS)[number][]> | undefined;

function castPathsOfLength(length: number): readonly (typeof CAST_PATHS)[number][] {
  if (byLength === undefined) {
    byLength = new Map();
    for (const entry of CAST_PATHS) {
      const list = byLength.get(entry.path.length);
      if (list === undefined) byLength.set(entry.path.length, [entry]);
      else list.push(entry);
    }
  }
  return byLength.get(length) ?? [];
}

/**
 * The cast kind for a concrete path (`["services", "web", "ports", 0, "target"]`), if any.
 * String segments match `*`; number segments match `[]`.
 */
export function castKindAt(path: readonly (string | number)[]): CastKind | undefined {
  // Only the entries of the path's length (in table order, so the first match is the same):
  // this runs for every string value of a compose file.
  for (const entry of castPathsOfLength(path.length)) {
    let match = true;
    for (let i = 0; i < path.length && match; i++) {
      const want = entry.path[i];
      const got = path[i];
      if (typeof got === "number") match = want === "[]";
      else match = want === "*" ? got !== undefined : want === got;
    }
    if (match) return entry.kind;
  }
  return undefined;
}
