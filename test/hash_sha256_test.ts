/**
 * The runtime's own SHA-256 (sync, pure JavaScript) and its Web Crypto variant agree with
 * `node:crypto` on every padding boundary and on large, non-ASCII and binary inputs.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sha256, sha256Async } from "../src/runtime/mod.ts";

function reference(data: string | Uint8Array): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

Deno.test("sha256: known vectors", () => {
  assert.equal(
    sha256(""),
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(
    sha256("abc"),
    "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("sha256: every length around the 64-byte block and padding boundaries", () => {
  for (let n = 0; n <= 200; n++) {
    const text = "x".repeat(n);
    assert.equal(sha256(text), reference(text), `length ${n}`);
  }
});

Deno.test("sha256: UTF-8 text, bytes, and a large input", async () => {
  const text = "gr\u00fc\u00dfe \u{1F600} \0 end";
  assert.equal(sha256(text), reference(text));
  const bytes = new Uint8Array(300_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
  assert.equal(sha256(bytes), reference(bytes));
  assert.equal(await sha256Async(bytes), reference(bytes));
  assert.equal(await sha256Async(bytes.subarray(5, 1000)), reference(bytes.subarray(5, 1000)));
  // Equal content, equal hash, whichever function computed it.
  assert.equal(await sha256Async(new TextEncoder().encode(text)), sha256(text));
});
