/**
 * `scripts/build.ts`: the rewrite of a bundle's top-level Node built-in imports into bindings
 * that load on first use, and what those bindings do; the EventEmitter that replaces
 * `node:events` in the bundle behaves like it; the whitespace compaction and the eager
 * compilation keep what the code does.
 */
import assert from "node:assert/strict";
import { EventEmitter as NodeEmitter } from "node:events";
import { inlineEventEmitter, lazyNodeImports, scrubCachePaths } from "../scripts/build.ts";
import { EventEmitter as Shim } from "../scripts/event_emitter.js";
import { eagerFunctions, hotFunctionPositions } from "../scripts/_eager.ts";
import { compactWhitespace, sameTokens } from "../scripts/_compact.ts";
import { bundledPackages, licenseComment, licenseText } from "../scripts/_licenses.ts";
import * as acorn from "acorn";

const always = () => true;

Deno.test("lazyNodeImports: default and named imports of lazy built-ins become lazy bindings", () => {
  const code = [
    "var __defProp = Object.defineProperty;",
    "",
    'import { EventEmitter } from "node:events";',
    'import fs from "node:fs";',
    'import { stripVTControlCharacters as strip2, inspect } from "node:util";',
    'import path from "node:path";',
    "console.log(fs, strip2, inspect, path, EventEmitter);",
    "",
  ].join("\n");
  const out = lazyNodeImports(code, always);
  assert.match(out, /^import \{ EventEmitter \} from "node:events";$/m, "events stays eager");
  assert.match(out, /^var path = __lazyBuiltin\("node:path", "default"\);$/m);
  assert.match(out, /^var fs = __lazyBuiltin\("node:fs", "default"\);$/m);
  assert.match(out, /^var strip2 = __lazyBuiltin\("node:util", "stripVTControlCharacters"\);$/m);
  assert.match(out, /^var inspect = __lazyBuiltin\("node:util", "inspect"\);$/m);
  assert.doesNotMatch(out, /from "node:(fs|util|path)"/);
  // The helper goes after the bundler's preamble, once.
  assert.equal(out.split("var __lazyBuiltin = ").length, 2);
  assert.ok(out.indexOf("var __defProp") < out.indexOf("var __lazyBuiltin"));
});

Deno.test("lazyNodeImports: code without lazy built-ins is returned unchanged", () => {
  const code = 'import { EventEmitter } from "node:events";\nconsole.log(EventEmitter);\n';
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

/** The calls an emitter sees, and what it returned and called. */
function script(emitter: NodeEmitter): unknown[] {
  const log: unknown[] = [];
  const self: unknown[] = [];
  const a = function (this: unknown, ...args: unknown[]) {
    self.push(this === emitter);
    log.push(["a", ...args]);
  };
  const b = (...args: unknown[]) => log.push(["b", ...args]);
  const late = () => log.push(["late"]);
  const adder = () => {
    // Added during an emit: not called by that emit.
    emitter.on("x", late);
    log.push(["adder"]);
  };
  log.push(emitter.emit("x", 1), emitter.listenerCount("x"));
  log.push(emitter.on("x", a) === emitter);
  emitter.on("x", b);
  emitter.once("x", b);
  emitter.on("x", adder);
  log.push(emitter.listenerCount("x"), emitter.listeners("x").length);
  log.push(emitter.emit("x", 1, "two"));
  log.push(emitter.listenerCount("x"));
  log.push(emitter.emit("x", 3));
  emitter.removeListener("x", b);
  emitter.off("x", late);
  log.push(emitter.listenerCount("x"), emitter.eventNames());
  emitter.removeListener("x", () => {});
  emitter.removeAllListeners("x");
  log.push(emitter.listenerCount("x"), emitter.emit("x"), emitter.eventNames());
  emitter.once("y", b);
  emitter.removeListener("y", b);
  log.push(emitter.emit("y", "never"));
  for (const value of [new Error("boom"), "text"]) {
    try {
      emitter.emit("error", value);
      log.push("no throw");
    } catch (error) {
      log.push(["threw", error === value || String(error).includes(String(value))]);
    }
  }
  emitter.on("error", b);
  log.push(emitter.emit("error", "handled"));
  log.push(self);
  return log;
}

Deno.test("the EventEmitter shim behaves like node:events", () => {
  const expected = script(new NodeEmitter());
  assert.deepEqual(script(new Shim() as unknown as NodeEmitter), expected);
  // The script exercised what it claims: listeners ran, in order, with the emitter as this.
  assert.ok(JSON.stringify(expected).includes('["a",1,"two"],["b",1,"two"],["b",1,"two"]'));
  assert.throws(() => new Shim().on("x", "nope" as unknown as () => void), TypeError);
});

Deno.test("a subclass (as commander's Command) keeps its listeners per instance", () => {
  class Sub extends Shim {
    value = 0;
    constructor() {
      super();
      this.on("set", (v: number) => this.value = v);
    }
  }
  const one = new Sub();
  const two = new Sub();
  one.emit("set", 5);
  assert.equal(one.value, 5);
  assert.equal(two.value, 0);
  assert.equal(two.listenerCount("set"), 1);
});

Deno.test("inlineEventEmitter: replaces the one node:events import with the shim's class", async () => {
  const shim = await Deno.readTextFile(new URL("../scripts/event_emitter.js", import.meta.url));
  const code =
    'var x = 1;\nimport { EventEmitter } from "node:events";\nclass C extends EventEmitter {}\n';
  const out = inlineEventEmitter(code, shim);
  assert.doesNotMatch(out, /from "node:events"/);
  assert.doesNotMatch(out, /^export /m);
  assert.match(out, /^class EventEmitter \{$/m);
  assert.ok(out.indexOf("class EventEmitter {") < out.indexOf("class C extends"));
  // Code without node:events is left alone; any other import form is refused.
  assert.equal(inlineEventEmitter("var y;\n", shim), "var y;\n");
  assert.throws(
    () => inlineEventEmitter('import events from "node:events";\n', shim),
    /exactly one/,
  );
  assert.throws(() => inlineEventEmitter(code, "class EventEmitter {}\n"), /must end with/);
});

/** Imports `code` and `out` as modules and returns both `results` exports. */
async function resultsOf(code: string, out: string): Promise<[unknown, unknown]> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.js`, code);
    await Deno.writeTextFile(`${dir}/b.js`, out);
    const a = await import(`file://${dir}/a.js`);
    const b = await import(`file://${dir}/b.js`);
    return [a.results, b.results];
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("eagerFunctions: marks only the hot functions, in the forms V8 compiles eagerly", async () => {
  const code = [
    "function top(a) { return a + 1; }",
    "function cold() { return 0; }",
    "async function later(w) { return w; }",
    "function* gen(g) { yield g; }",
    "const arrow = (x) => x * 2;",
    "const single = y => y + 3;",
    "const expr = function named(z) { return z - 1; };",
    "const obj = { method(q) { return q; }, prop: function (r) { return r; } };",
    "const base = { hi() { return 8; } };",
    "const sup = { __proto__: base, hi(u) { return super.hi() + u; } };",
    "const proto = { __proto__(v) { return v; } };",
    "function outer() { function inner(t) { return t; } return inner(4); }",
    "export const results = [top(1), cold(), arrow(2), single(3), expr(4), obj.method(5),",
    "  obj.prop(6), outer(), await later(1), obj.method.name, sup.hi(1),",
    "  proto.__proto__(9), Object.getPrototypeOf(proto) === Object.prototype, [...gen(2)]];",
    "",
  ].join("\n");
  // V8's position of a function: its parameter list, or an arrow's single parameter.
  const at = (needle: string) => code.indexOf(needle);
  const hot = new Set(
    ["(a)", "(x)", "y =>", "(z)", "(q)", "(r)", "(u)", "(v)", "(t)", "(w)", "(g)"].map(at),
  );
  const { code: out, marked } = eagerFunctions(code, hot);
  assert.match(out, /^var top = \(function top\(a\) \{ return a \+ 1; \}\);$/m);
  assert.match(out, /^function cold\(\) \{/m, "not hot: unchanged");
  assert.match(out, /^var later = \(async function later\(w\)/m, "an async declaration");
  assert.match(out, /^function\* gen\(g\)/m, "a generator: unchanged");
  assert.match(out, /const arrow = \(\(x\) => x \* 2\);/);
  assert.match(out, /const single = \(y => y \+ 3\);/);
  assert.match(out, /const expr = \(function named\(z\)/);
  assert.match(out, /prop: \(function \(r\)/);
  assert.match(out, /\{ method: \(function \(q\) \{ return q; \}\), prop/, "a method");
  assert.match(out, /hi\(u\) \{ return super/, "a method with super: unchanged");
  assert.match(out, /\{ __proto__\(v\)/, "a __proto__ method: unchanged");
  assert.match(out, /\{ function inner\(t\)/, "a nested declaration: unchanged");
  assert.equal(marked, 7);
  const [want, got] = await resultsOf(code, out);
  assert.deepEqual(got, want, "the marked code computes the same");
  assert.deepEqual(want, [2, 0, 4, 6, 3, 5, 6, 4, 1, "method", 9, 9, true, [2]]);
});

Deno.test("eagerFunctions: a class method's body becomes a function in its computed key", async () => {
  const code = [
    "class Base { hi() { return 1; } }",
    "export class K extends Base {",
    "  #secret = 5;",
    "  plain(s) { const twice = (n) => n * 2; return twice(s) + this.k; }",
    "  static make(m) { return m + 100; }",
    "  async later(l) { return l + arguments.length; }",
    "  priv(p) { return this.#secret + p; }",
    "  sup(x) { return super.hi() + x; }",
    "  own(o) { return K.make(o); }",
    "  ['comp' + 'uted'](c) { return c * 3; }",
    "  *gen(g) { yield g; }",
    "  #hidden(h) { return h; }",
    "  get k() { return 10; }",
    "  nested(c) { class Inner { m(i) { return i + 1; } } return new Inner().m(c) + this.#hidden(0); }",
    "}",
    "const E = class Named { me(e) { return Named.name + e; } };",
    "const k = new K();",
    "export const results = [k.plain(3), K.make(1), await k.later(1, 2), k.priv(1), k.sup(1),",
    "  k.own(2), k.computed(2), [...k.gen(6)], k.nested(7), new E().me('!'),",
    "  Object.getOwnPropertyNames(K.prototype), K.prototype.plain.name, K.make.name,",
    "  k.later(0) instanceof Promise];",
    "",
  ].join("\n");
  const at = (needle: string) => code.indexOf(needle);
  const positions = ["(s)", "(n)", "(m)", "(l)", "(p)", "(x)", "(o)", "(c)", "(g)", "(h)", "(i)"];
  const hot = new Set([...positions, "(c) { class", "(e)"].map(at));
  const { code: out, marked } = eagerFunctions(code, hot);
  const moved = (head: string, key: string, body: RegExp) => {
    const pattern = new RegExp(
      `${head}\\[\\((__dk_m[0-9]+) = \\(${body.source}[\\s\\S]*?\\), ${key}\\)\\]\\(\\) ` +
        `\\{ return \\1\\.apply\\(this, arguments\\); \\}`,
    );
    const name = out.match(pattern)?.[1];
    assert.ok(name !== undefined, `${key}: its body is a function in its key`);
    assert.ok(out.includes(`var ${name};`), `${key}: declared`);
  };
  moved("  ", '"plain"', /function \(s\) \{ const twice = \(\(n\) => n \* 2\);/);
  moved("static ", '"make"', /function \(m\)/);
  moved("  ", '"later"', /async function \(l\)/);
  moved("  ", '"priv"', /function \(p\) \{ return this\.#secret/);
  moved("  ", '"own"', /function \(o\) \{ return K\.make/);
  moved("  ", "\\('comp' \\+ 'uted'\\)", /function \(c\) \{ return c \* 3/);
  moved("  ", '"nested"', /function \(c\) \{var __dk_m[0-9]+; class Inner/);
  moved(" ", '"me"', /function \(e\)/);
  for (const kept of ["sup(x) {", "*gen(g) {", "#hidden(h) {", "get k() {", "async later() {"]) {
    if (kept === "async later() {") assert.ok(!out.includes(kept), "no async wrapper");
    else assert.ok(out.includes(kept), `${kept} stays as it is`);
  }
  assert.equal(marked, 10, "plain, twice, make, later, priv, own, computed, nested, Inner.m, me");
  const [want, got] = await resultsOf(code, out);
  assert.deepEqual(got, want, "the classes behave the same");
  assert.deepEqual(want, [
    16,
    101,
    3,
    6,
    2,
    102,
    6,
    [6],
    8,
    "Named!",
    ["constructor", "plain", "later", "priv", "sup", "own", "computed", "gen", "k", "nested"],
    "plain",
    "make",
    true,
  ]);
});

Deno.test("hotFunctionPositions: the lazily compiled functions of one script in V8's log", () => {
  const log = [
    "script-details,7,file:///x/bundle.js,0,0,",
    "script-details,8,file:///x/other.js,0,0,",
    "function,parse-function,7,120,180,0.01,100,f",
    "function,interpreter,7,300,330,0.02,110,g",
    "function,first-execution,7,500,510,0,120,h",
    "function,parse-function,8,120,180,0.01,130,other",
    "",
  ].join("\n");
  assert.deepEqual([...hotFunctionPositions(log, "file:///x/bundle.js")].sort(), [120, 300]);
  assert.deepEqual([...hotFunctionPositions(log, "file:///x/none.js")], []);
});

/** The tokens of a module, each with whether a line terminator comes before it. */
function tokensOf(code: string): [string, boolean][] {
  const out: [string, boolean][] = [];
  let last = 0;
  acorn.parse(code, {
    ecmaVersion: "latest",
    sourceType: "module",
    onToken: (t) => {
      out.push([code.slice(t.start, t.end), /[\n\r\u2028\u2029]/.test(code.slice(last, t.start))]);
      last = t.end;
    },
  });
  return out;
}

Deno.test("compactWhitespace: drops comments and indentation, keeps every token and every line break ASI reads", async () => {
  const code = [
    "// a line comment",
    "/** a block",
    " * comment */",
    "export const results = [];",
    "function   f( a,   b ) {",
    "    const t = `two  spaces ${ a  +  b }",
    "      and a line`;",
    "    const re = /a  b\\/  /g;",
    "    const x = a",
    "    ++b",
    "    results.push(t, re.source, x, b);",
    "    return /* inline */ a - -b;",
    "}",
    "let c = 1",
    "let d = c /* two",
    " lines */ - 1",
    "results.push(f(1, 2), d, 'quoted  \\'  text');",
    "",
  ].join("\n");
  const out = compactWhitespace(code);
  assert.deepEqual(tokensOf(out), tokensOf(code), "same tokens, same line breaks between them");
  assert.ok(sameTokens(code, out));
  assert.ok(!sameTokens(code, out.replace("return a - -b", "return\na - -b")), "a line break");
  assert.ok(!sameTokens(code, out.replace("const x = a\n++b", "const x = a ++b")), "no parse");
  assert.ok(!sameTokens(code, out.replace("'quoted  \\'  text'", "'quoted \\' text'")), "a string");
  assert.doesNotMatch(out, /comment|inline/, "no comments");
  const indented = out.split("\n").filter((line) => line.startsWith(" "));
  assert.deepEqual(indented, ["      and a line`;"], "indentation only inside the template");
  assert.ok(out.includes("`two  spaces ${ a + b }\n      and a line`"), "template text kept");
  assert.ok(out.length < code.length * 0.8);
  const [want, got] = await resultsOf(code, out);
  assert.deepEqual(got, want);
  assert.equal((want as unknown[]).length, 7);
});

Deno.test("bundledPackages: every npm package named by the bundle's module paths, once", () => {
  const code = [
    "// ../../root/.cache/deno/npm/registry.npmjs.org/yaml/2.9.1/dist/index.js",
    "// ../../root/.cache/deno/npm/registry.npmjs.org/yaml/2.9.1/dist/nodes/Node.js",
    "// /home/u/.cache/deno/npm/registry.npmjs.org/@scope/pkg/1.0.0-rc.1/lib/a.js",
    "// ../../root/.cache/deno/npm/registry.npmjs.org/commander/15.1.0/lib/command.js",
    "// src/cli/main.ts",
  ].join("\n");
  assert.deepEqual(bundledPackages(code, "/work/repo"), [
    {
      name: "@scope/pkg",
      version: "1.0.0-rc.1",
      dir: "/home/u/.cache/deno/npm/registry.npmjs.org/@scope/pkg/1.0.0-rc.1",
    },
    {
      name: "commander",
      version: "15.1.0",
      dir: "/root/.cache/deno/npm/registry.npmjs.org/commander/15.1.0",
    },
    { name: "yaml", version: "2.9.1", dir: "/root/.cache/deno/npm/registry.npmjs.org/yaml/2.9.1" },
  ]);
});

Deno.test("licenseText finds the licence file, or fails naming the package; licenseComment is one safe ASCII comment", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/a`);
    await Deno.mkdir(`${dir}/b`);
    await Deno.writeTextFile(`${dir}/a/LICENSE.md`, "Copyright \u00a9 2024 A\u00efda */ x\n");
    await Deno.writeTextFile(`${dir}/b/README.md`, "no licence here\n");
    const a = { name: "a", version: "1.0.0", dir: `${dir}/a` };
    assert.equal(licenseText(a), "Copyright \u00a9 2024 A\u00efda */ x\n");
    assert.throws(
      () => licenseText({ name: "b", version: "2.0.0", dir: `${dir}/b` }),
      /b@2\.0\.0 has no licence file/,
    );
    assert.throws(
      () => licenseText({ name: "c", version: "3.0.0", dir: `${dir}/c` }),
      /cannot read c@3\.0\.0/,
    );
    const comment = licenseComment([{ ...a, text: licenseText(a) }, {
      name: "z",
      version: "9",
      text: "ISC\n",
    }]);
    assert.equal(
      comment,
      "/*! The npm packages in this bundle, and their licences:\n\na 1.0.0\n\n" +
        "Copyright (c) 2024 A\\u{ef}da * / x\n\nz 9\n\nISC\n*/\n",
    );
    // It parses as one comment: the code after it still runs.
    assert.equal(new Function(`${comment}return 1;`)(), 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
