/**
 * The input checksum computed natively (`inputChecksumAsync`, what `compileProject` uses) is the
 * JavaScript one (`inputChecksum`), and a Stack built with it given is the Stack built without.
 */
import assert from "node:assert/strict";
import { inputChecksum, inputChecksumAsync, transformToStack } from "../src/stack/mod.ts";
import { stackToJson } from "../src/stack/mod.ts";
import { loadProject } from "../src/compose/mod.ts";
import { realFs } from "../src/cli/_fs.ts";

Deno.test("inputChecksumAsync: the same checksum as inputChecksum", async () => {
  const cases = [
    [],
    [{ path: "compose.yaml", text: "" }],
    [{ path: "compose.yaml", text: "services:\n  web:\n    image: nginx\n" }],
    [{ path: "b.yaml", text: "x".repeat(5000) }, { path: "a.yaml", text: "caf\u00e9 \u{1f600}" }],
  ];
  for (const inputs of cases) {
    assert.equal(await inputChecksumAsync(inputs), inputChecksum(inputs));
  }
  // And it does depend on the input.
  assert.notEqual(
    await inputChecksumAsync([{ path: "a", text: "1" }]),
    await inputChecksumAsync([{ path: "a", text: "2" }]),
  );
});

Deno.test("transformToStack: a given inputChecksum gives the same Stack", async () => {
  const cwd = new URL("../fixtures/demo/", import.meta.url).pathname.replace(/\/$/, "");
  const loaded = loadProject({ cwd, env: {}, fs: realFs() });
  assert.ok(loaded.project !== undefined);
  const plain = transformToStack(loaded.project);
  const given = transformToStack(loaded.project, {
    inputChecksum: await inputChecksumAsync(loaded.project.inputs),
  });
  assert.ok(plain.stack !== undefined && given.stack !== undefined);
  assert.equal(stackToJson(given.stack), stackToJson(plain.stack));
  assert.deepEqual(given.diagnostics, plain.diagnostics);
});
