/**
 * The no-op rerun's shortcuts in hashing keep every value exact: the SHA-256 buffer reused from
 * call to call leaves nothing of a longer input behind, and canonical JSON of scalar lists (made
 * natively) is the text the recursive writer makes.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { canonicalJson, sha256 } from "../src/runtime/mod.ts";

function reference(data: string | Uint8Array): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

Deno.test("sha256: a shorter input after a longer one, strings and bytes interleaved", () => {
  const inputs: (string | Uint8Array)[] = [];
  for (const n of [10_000, 55, 0, 64, 5000, 119, 1, 200_000, 63]) {
    inputs.push("\u00e9".repeat(n), new Uint8Array(n).fill(n & 0xff), "a\uD800b".repeat(n));
  }
  for (const input of inputs) assert.equal(sha256(input), reference(input));
  // The same value twice in a row, then after others: always the same hash.
  assert.equal(sha256("abc"), sha256("abc"));
});

/** The recursive writer, without the scalar-list shortcut. */
function slowCanonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return "[" + value.map((v) => slowCanonical(v)).join(",") + "]";
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + slowCanonical(record[k])).join(",") + "}";
}

Deno.test("canonicalJson: scalar lists, mixed lists and objects as the recursive writer", () => {
  const values: unknown[] = [
    ["dokku", "config:set", "a b", '"q"', "\u2028", "\uD800"],
    [1, -0, 2.5, NaN, Infinity, true, false, null],
    [],
    [undefined, "x"],
    [["a", 1], { b: 2, a: [null, { z: undefined, y: "y" }] }],
    { v: 1, run: [{ argv: ["dokku", "x"], stdin: undefined, accept: [] }], id: "s" },
    { "b": 1, "a": 2, "": 3, "\u00e9": 4 },
  ];
  for (const value of values) {
    assert.equal(canonicalJson(value), slowCanonical(value), JSON.stringify(value));
  }
});
