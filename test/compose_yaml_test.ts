/** `src/source`: YAML 1.2 to plain values with spans, tags, merge keys and guards. */
import assert from "node:assert/strict";
import { keyPathKey, parseYaml, pathKey } from "../src/source/mod.ts";

function parse(text: string) {
  return parseYaml(text, { file: "f.yaml" });
}

Deno.test("YAML 1.2 core scalars: yes/off/22:22 stay strings, 1.10 is a float", () => {
  const { documents, diagnostics } = parse("a: yes\nb: off\nc: 22:22\nd: 1.10\ne: ~\nf: 0o17\n");
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(documents[0]?.value, { a: "yes", b: "off", c: "22:22", d: 1.1, e: null, f: 15 });
});

Deno.test("leading-zero integers are octal like go-yaml; outside mode keys with a warning", () => {
  const { documents, diagnostics } = parse(
    "mode: 0440\nother: 0440\nq: {mode: '0440'}\nd: 09\n",
  );
  assert.deepEqual(documents[0]?.value, { mode: 288, other: 288, q: { mode: "0440" }, d: 9 });
  assert.deepEqual(diagnostics.map((d) => [d.code, d.span?.line]), [["DK1010", 2], ["DK1010", 4]]);
});

Deno.test("merge keys: explicit keys win, then the earlier source", () => {
  const { documents } = parse(
    "x-a: &a {A: a, S: a}\nx-b: &b {B: b, S: b}\nm:\n  <<: [*a, *b]\n  A: own\n",
  );
  const value = documents[0]?.value as Record<string, unknown>;
  assert.deepEqual(value["m"], { A: "own", S: "a", B: "b" });
});

Deno.test("!reset and !override are recorded; reset values are removed", () => {
  const { documents, diagnostics } = parse(
    "s:\n  ports: !reset []\n  env:\n    A: !reset null\n  dns: !override [1.1.1.1]\n  x: !override 5\n",
  );
  assert.deepEqual(diagnostics, []);
  const doc = documents[0]!;
  assert.deepEqual(doc.value, { s: { env: {}, dns: ["1.1.1.1"], x: 5 } });
  assert.deepEqual(doc.tags, [
    { path: ["s", "ports"], tag: "reset" },
    { path: ["s", "env", "A"], tag: "reset" },
    { path: ["s", "dns"], tag: "override" },
    { path: ["s", "x"], tag: "override" },
  ]);
});

Deno.test("spans: scalar values point at the value, collections and keys at the key", () => {
  const { documents } = parse("services:\n  web:\n    image: nginx\n    ports:\n      - '80:80'\n");
  const spans = documents[0]!.spans;
  assert.deepEqual(spans.get(pathKey(["services", "web", "image"])), {
    file: "f.yaml",
    line: 3,
    column: 12,
    endLine: 3,
    endColumn: 17,
  });
  assert.equal(spans.get(keyPathKey(["services", "web", "image"]))?.column, 5);
  assert.deepEqual(
    [
      spans.get(pathKey(["services", "web"]))?.line,
      spans.get(pathKey(["services", "web"]))?.column,
    ],
    [2, 3],
  );
  assert.equal(spans.get(pathKey(["services", "web", "ports", 0]))?.line, 5);
});

Deno.test("errors: duplicate key, non-string key, bad merge source, syntax (first only)", () => {
  assert.deepEqual(parse("a: 1\na: 2\n").diagnostics.map((d) => [d.code, d.span?.line]), [[
    "DK1002",
    2,
  ]]);
  assert.deepEqual(parse("? [a]\n: 1\n").diagnostics.map((d) => d.code), ["DK1003"]);
  assert.deepEqual(parse("true: 1\n").diagnostics.map((d) => d.code), ["DK1003"]);
  assert.deepEqual(parse("x: &s str\ny:\n  <<: *s\n").diagnostics.map((d) => d.code), ["DK1009"]);
  const syntax = parse("a: [1\nb: {\n");
  assert.equal(syntax.diagnostics.filter((d) => d.code === "DK1001").length, 1);
  assert.deepEqual(syntax.documents, []);
});

Deno.test("an alias bomb stops at the budget; deep nesting stops at the depth limit", () => {
  const small = parseYaml(
    "a: &a [1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n" +
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n",
    { file: "f.yaml", aliasBudget: 1000 },
  );
  assert.deepEqual(small.diagnostics.map((d) => d.code), ["DK1004"]);
  const deep = parse("a: " + "[".repeat(300) + "]".repeat(300) + "\n");
  assert.ok(deep.diagnostics.some((d) => d.code === "DK1008" || d.code === "DK1001"));
});

Deno.test("multi-document files give one value per document", () => {
  const { documents } = parse("a: 1\n---\nb: 2\n");
  assert.deepEqual(documents.map((d) => d.value), [{ a: 1 }, { b: 2 }]);
});
