import assert from "node:assert/strict";
import {
  CAST_PATHS,
  castBool,
  castFloat,
  castInt,
  castKindAt,
  formatDuration,
  parseBytes,
  parseCpus,
  parseDuration,
} from "../src/compose/_units.ts";
import { codeDef, diag } from "../src/diagnostics/mod.ts";

function nanos(s: string): bigint {
  const result = parseDuration(s);
  if (!result.ok) assert.fail(`parseDuration(${JSON.stringify(s)}) failed: ${result.message}`);
  return result.nanos;
}

function canonical(s: string): string {
  return formatDuration(nanos(s));
}

function bytes(v: string | number): number {
  const result = parseBytes(v);
  if (!result.ok) assert.fail(`parseBytes(${JSON.stringify(v)}) failed: ${result.message}`);
  return result.bytes;
}

const S = 1_000_000_000n;

Deno.test("H2/B4: durations, including the RULES.md examples", () => {
  assert.equal(nanos("90s"), 90n * S);
  assert.equal(nanos("1m30s"), 90n * S);
  assert.equal(canonical("90s"), "1m30s");
  assert.equal(canonical("1m30s"), "1m30s");
  assert.equal(canonical("1h5m30s20ms"), "1h5m30.02s");
  assert.equal(canonical("500ms"), "500ms");
  assert.equal(canonical("10s"), "10s");
  assert.equal(canonical("40s"), "40s");
  assert.equal(canonical("5s"), "5s");
});

Deno.test("durations: every unit, fractions, signs and zero", () => {
  assert.equal(nanos("1ns"), 1n);
  assert.equal(nanos("1us"), 1_000n);
  assert.equal(nanos("1\u00b5s"), 1_000n);
  assert.equal(nanos("1\u03bcs"), 1_000n);
  assert.equal(nanos("1ms"), 1_000_000n);
  assert.equal(nanos("1h"), 3600n * S);
  assert.equal(nanos("2d"), 48n * 3600n * S);
  assert.equal(nanos("1w"), 7n * 24n * 3600n * S);
  assert.equal(nanos("1.5h"), 5400n * S);
  assert.equal(nanos(".5s"), S / 2n);
  assert.equal(nanos("1.s"), S);
  assert.equal(nanos("0.000000001s"), 1n);
  assert.equal(nanos("0.0000000019s"), 1n); // truncated, like Go
  assert.equal(nanos("0"), 0n);
  assert.equal(nanos("-0"), 0n);
  assert.equal(nanos("+5s"), 5n * S);
  assert.equal(nanos("-1m30s"), -90n * S);
  assert.equal(nanos("1h1h"), 7200n * S);
  assert.equal(nanos("0s"), 0n);
});

Deno.test("durations: invalid input is refused with a reason", () => {
  const cases: [string, RegExp][] = [
    ["", /expected a number with a unit/],
    ["10", /missing unit after "10"/],
    ["1.5", /missing unit/],
    ["s", /expected a number before the unit/],
    [".s", /expected a number before the unit/],
    ["5x", /unknown unit "x"/],
    ["5 s", /unknown unit " s"/],
    ["1h-5m", /unknown unit "h-"/],
    ["-", /expected a number with a unit/],
    ["9999999999999999999ns", /too large/],
    ["3000000h", /too large/],
  ];
  for (const [input, reason] of cases) {
    const result = parseDuration(input);
    assert.equal(result.ok, false, input);
    if (result.ok) continue;
    assert.match(result.message, reason, input);
    assert.equal(result.code, "DK2120");
    assert.equal(result.args.value, input);
  }
  assert.equal(nanos("2562047h47m16.854775807s"), (1n << 63n) - 1n);
});

Deno.test("formatDuration matches Go's Duration.String()", () => {
  const cases: [bigint, string][] = [
    [0n, "0s"],
    [1n, "1ns"],
    [999n, "999ns"],
    [1_000n, "1\u00b5s"],
    [1_500n, "1.5\u00b5s"],
    [1_000_000n, "1ms"],
    [1_100_000n, "1.1ms"],
    [999_999_999n, "999.999999ms"],
    [S, "1s"],
    [S + 1n, "1.000000001s"],
    [60n * S, "1m0s"],
    [3600n * S, "1h0m0s"],
    [2n * 3600n * S + 1n, "2h0m0.000000001s"],
    [48n * 3600n * S, "48h0m0s"],
    [-90n * S, "-1m30s"],
    [-1n, "-1ns"],
    [(1n << 63n) - 1n, "2562047h47m16.854775807s"],
    [-(1n << 63n), "-2562047h47m16.854775808s"],
  ];
  for (const [value, text] of cases) assert.equal(formatDuration(value), text, String(value));
});

Deno.test("formatDuration and parseDuration round-trip", () => {
  for (const text of ["1h5m30.02s", "1.5\u00b5s", "999.999999ms", "-3h0m0s", "17ns", "0s"]) {
    assert.equal(canonical(text), text);
  }
});

Deno.test("B1: byte sizes, including the RULES.md examples", () => {
  assert.equal(bytes("512m"), 536870912);
  assert.equal(bytes("1g"), 1073741824);
  assert.equal(bytes("64mb"), 67108864);
  assert.equal(bytes("2048k"), 2097152);
  assert.equal(bytes("1.5g"), 1610612736);
  assert.equal(bytes(1073741824), 1073741824);
  assert.equal(bytes("1073741824"), 1073741824);
});

Deno.test("B1: units are binary, case-insensitive, with optional b / ib and a space", () => {
  assert.equal(bytes("1K"), 1024);
  assert.equal(bytes("1KB"), 1024);
  assert.equal(bytes("1kib"), 1024);
  assert.equal(bytes("1 GiB"), 1073741824);
  assert.equal(bytes("2t"), 2 * 1024 ** 4);
  assert.equal(bytes("1p"), 1024 ** 5);
  assert.equal(bytes("100b"), 100);
  assert.equal(bytes("100B"), 100);
  assert.equal(bytes("0.5k"), 512);
  assert.equal(bytes("1.5"), 1);
  assert.equal(bytes("0"), 0);
  assert.equal(bytes("-1"), -1); // memswap_limit: unlimited
  assert.equal(bytes(-1), -1);
  assert.equal(bytes(1.9), 1);
});

Deno.test("B1: invalid byte sizes are refused", () => {
  for (const input of ["", "m", "1x", "1kk", "1kbb", "1 k b", "-1m", "1.2.3m", "1e3", "ten"]) {
    const result = parseBytes(input);
    assert.equal(result.ok, false, input);
    if (!result.ok) {
      assert.equal(result.code, "DK2121");
      assert.equal(result.args.value, input);
    }
  }
  assert.equal(parseBytes(Infinity).ok, false);
  assert.equal(parseBytes("99999999999p").ok, false);
});

Deno.test("B3: cpus from numbers and numeric strings", () => {
  assert.deepEqual(parseCpus(0.5), { ok: true, cpus: 0.5 });
  assert.deepEqual(parseCpus("1.5"), { ok: true, cpus: 1.5 });
  assert.deepEqual(parseCpus("0.50"), { ok: true, cpus: 0.5 });
  assert.deepEqual(parseCpus("2"), { ok: true, cpus: 2 });
  assert.deepEqual(parseCpus(" 2 "), { ok: true, cpus: 2 });
  for (const bad of ["", "abc", "-1", "1,5", "inf", "NaN", "0x10"]) {
    const result = parseCpus(bad);
    assert.equal(result.ok, false, bad);
    if (!result.ok) assert.equal(result.code, "DK2122");
  }
  assert.equal(parseCpus(-0.5).ok, false);
});

Deno.test("I14: castBool, with a warning for YAML 1.1 spellings", () => {
  assert.deepEqual(castBool("true"), { ok: true, value: true });
  assert.deepEqual(castBool("FALSE"), { ok: true, value: false });
  assert.deepEqual(castBool("True"), { ok: true, value: true });
  for (
    const [input, value] of [["yes", true], ["on", true], ["Y", true], ["no", false], [
      "OFF",
      false,
    ], ["n", false]] as const
  ) {
    const result = castBool(input);
    assert.equal(result.ok, true, input);
    if (!result.ok) continue;
    assert.equal(result.value, value, input);
    assert.equal(result.warning?.code, "DK2124", input);
    assert.equal(codeDef("DK2124").severity, "warning");
  }
  for (const bad of ["", "1", "0", "maybe", "truee"]) {
    const result = castBool(bad);
    assert.equal(result.ok, false, bad);
    if (!result.ok) assert.equal(result.code, "DK2123");
  }
  const warned = castBool("yes");
  if (warned.ok && warned.warning !== undefined) {
    assert.equal(
      diag(warned.warning.code, warned.warning.args).message,
      'YAML 1.1 boolean "yes" is read as true',
    );
  } else assert.fail("expected a warning");
});

Deno.test("I14: castInt and castFloat", () => {
  assert.deepEqual(castInt("80"), { ok: true, value: 80 });
  assert.deepEqual(castInt("-5"), { ok: true, value: -5 });
  assert.deepEqual(castInt("+7"), { ok: true, value: 7 });
  assert.deepEqual(castInt("007"), { ok: true, value: 7 });
  assert.deepEqual(castInt("-0"), { ok: true, value: 0 });
  for (const bad of ["", "1.5", "1e3", "0x10", " 1", "abc", "1_000"]) {
    const result = castInt(bad);
    assert.equal(result.ok, false, bad);
    if (!result.ok) assert.equal(result.code, "DK2125");
  }
  const huge = castInt("99999999999999999999");
  assert.equal(huge.ok, false);
  if (!huge.ok) assert.equal(huge.code, "DK2127");
  assert.deepEqual(castFloat("1.5"), { ok: true, value: 1.5 });
  assert.deepEqual(castFloat("0.50"), { ok: true, value: 0.5 });
  assert.deepEqual(castFloat("2"), { ok: true, value: 2 });
  assert.deepEqual(castFloat("1e-3"), { ok: true, value: 0.001 });
  assert.deepEqual(castFloat(".5"), { ok: true, value: 0.5 });
  for (const bad of ["", "abc", "1,5", "Infinity", "NaN", "1e999"]) {
    const result = castFloat(bad);
    assert.equal(result.ok, false, bad);
    if (!result.ok) assert.equal(result.code, "DK2126");
  }
});

Deno.test("I14: CAST_PATHS cover the RULES.md examples and are sorted", () => {
  assert.equal(castKindAt(["services", "web", "privileged"]), "bool");
  assert.equal(castKindAt(["services", "web", "read_only"]), "bool");
  assert.equal(castKindAt(["services", "web", "ports", 0, "target"]), "int");
  assert.equal(castKindAt(["services", "web", "deploy", "replicas"]), "int");
  assert.equal(castKindAt(["services", "web", "healthcheck", "retries"]), "int");
  assert.equal(castKindAt(["services", "web", "scale"]), "int");
  assert.equal(castKindAt(["services", "web", "cpus"]), "float");
  assert.equal(castKindAt(["services", "web", "ulimits", "nofile"]), "int");
  assert.equal(castKindAt(["services", "web", "ulimits", "nofile", "soft"]), "int");
  assert.equal(castKindAt(["networks", "front", "external"]), "bool");
  assert.equal(castKindAt(["volumes", "data", "external"]), "bool");
  assert.equal(castKindAt(["services", "web", "init"]), "bool");
  assert.equal(castKindAt(["services", "web", "tty"]), "bool");
  // Not typed: strings stay strings.
  assert.equal(castKindAt(["services", "web", "image"]), undefined);
  assert.equal(castKindAt(["services", "web", "ports", "x", "target"]), undefined);
  assert.equal(castKindAt(["services", "web", "ports", 0]), undefined);
  assert.equal(castKindAt([]), undefined);
  const keys = CAST_PATHS.map((p) => p.path.join("."));
  assert.deepEqual(keys, [...keys].sort());
  assert.equal(new Set(keys).size, keys.length);
});
