/**
 * `scripts/build.ts`: the rewrite of a bundle's top-level Node built-in imports into bindings
 * that load on first use, and what those bindings do.
 */
import assert from "node:assert/strict";
import { lazyNodeImports, scrubCachePaths } from "../scripts/build.ts";

const always = () => true;

Deno.test("lazyNodeImports: default and named imports of lazy built-ins become lazy bindings", () => {
  const code = [
    "var __defProp = Object.defineProperty;",
    "",
    'import { EventEmitter } from "node:events";',
    'import fs from "node:fs";',
    'import { stripVTControlCharacters as strip2, inspect } from "node:util";',
    'import { posix } from "node:path";',
    "console.log(fs, strip2, inspect, posix, EventEmitter);",
    "",
  ].join("\n");
  const out = lazyNodeImports(code, always);
  assert.match(out, /^import \{ EventEmitter \} from "node:events";$/m, "events stays eager");
  assert.match(out, /^import \{ posix \} from "node:path";$/m, "path stays eager");
  assert.match(out, /^var fs = __lazyBuiltin\("node:fs", "default"\);$/m);
  assert.match(out, /^var strip2 = __lazyBuiltin\("node:util", "stripVTControlCharacters"\);$/m);
  assert.match(out, /^var inspect = __lazyBuiltin\("node:util", "inspect"\);$/m);
  assert.doesNotMatch(out, /from "node:(fs|util)"/);
  // The helper goes after the bundler's preamble, once.
  assert.equal(out.split("var __lazyBuiltin = ").length, 2);
  assert.ok(out.indexOf("var __defProp") < out.indexOf("var __lazyBuiltin"));
});

Deno.test("lazyNodeImports: code without lazy built-ins is returned unchanged", () => {
  const code = 'import { posix } from "node:path";\nconsole.log(posix);\n';
  assert.equal(lazyNodeImports(code, always), code);
});

Deno.test("lazyNodeImports: refuses values a proxy cannot stand in for, and namespace imports", () => {
  assert.throws(
    () => lazyNodeImports('import { sep } from "node:fs";\n', () => false),
    /node:fs export "sep" is not a function or object/,
  );
  assert.throws(
    () => lazyNodeImports('import * as fs from "node:fs";\n', always),
    /cannot make this import lazy/,
  );
});

Deno.test("lazy bindings load the module on first use and behave like it", async () => {
  const code = lazyNodeImports(
    [
      "",
      'import fs from "node:fs";',
      'import { createHash } from "node:crypto";',
      'import process from "node:process";',
      "export const exists = fs.existsSync(import.meta.filename ?? '/');",
      "export const hash = createHash('sha256').update('abc').digest('hex');",
      "export const pid = process.pid;",
      "export const isFn = typeof fs.readFileSync;",
      "",
    ].join("\n"),
    always,
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/m.js`, code);
    const m = await import(`file://${dir}/m.js`);
    assert.equal(m.exists, true);
    assert.equal(m.hash, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert.equal(m.pid, Deno.pid);
    assert.equal(m.isFn, "function");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scrubCachePaths: npm cache locations become npm/", () => {
  assert.equal(
    scrubCachePaths("// ../../root/.cache/deno/npm/registry.npmjs.org/yaml/2.9.1/dist/index.js"),
    "// npm/yaml/2.9.1/dist/index.js",
  );
});
