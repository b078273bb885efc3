import assert from "node:assert/strict";
import { interpolate, type Lookup, offsetToLineColumn } from "../src/compose/_interpolate.ts";
import { codeDef, diag } from "../src/diagnostics/mod.ts";

function env(vars: Record<string, string>): Lookup {
  return (name) => Object.hasOwn(vars, name) ? vars[name] : undefined;
}

function ok(text: string, vars: Record<string, string> = {}): string {
  const result = interpolate(text, env(vars));
  if (!result.ok) {
    assert.fail(`interpolate(${JSON.stringify(text)}) failed: ${result.error.message}`);
  }
  return result.value;
}

function err(text: string, vars: Record<string, string> = {}) {
  const result = interpolate(text, env(vars));
  if (result.ok) assert.fail(`interpolate(${JSON.stringify(text)}) succeeded: ${result.value}`);
  return result.error;
}

Deno.test("I1: $NAME and ${NAME} are substituted", () => {
  assert.equal(ok("$REG/app:${TAG}", { REG: "reg.local", TAG: "1.2" }), "reg.local/app:1.2");
  assert.equal(ok("no variables here"), "no variables here");
  assert.equal(ok(""), "");
});

Deno.test("I1: variable names are case-sensitive", () => {
  assert.equal(ok("${foo}-${FOO}", { foo: "lower", FOO: "upper" }), "lower-upper");
});

Deno.test("I2: an unset variable is empty and reported once, in order", () => {
  const result = interpolate("x${UNSET}y $B $UNSET ${A}", env({ A: "a" }));
  assert.deepEqual(result, { ok: true, value: "xy   a", unset: ["UNSET", "B"] });
});

Deno.test("I2: variables with a default or alternative are not reported as unset", () => {
  const result = interpolate("${A:-x}${B-y}${C:+z}${D+w}", env({}));
  assert.deepEqual(result, { ok: true, value: "xy", unset: [] });
});

Deno.test("I3: ${V:-d} uses d when V is unset or empty", () => {
  const vars = { EMPTY: "", SET: "val" };
  assert.equal(ok("${UNSET:-dflt}", vars), "dflt");
  assert.equal(ok("${EMPTY:-dflt}", vars), "dflt");
  assert.equal(ok("${SET:-dflt}", vars), "val");
  assert.equal(ok("${UNSET:-}", vars), "");
});

Deno.test("I4: ${V-d} uses d only when V is unset", () => {
  const vars = { EMPTY: "", SET: "val" };
  assert.equal(ok("${UNSET-dflt}", vars), "dflt");
  assert.equal(ok("${EMPTY-dflt}", vars), "");
  assert.equal(ok("${SET-dflt}", vars), "val");
});

Deno.test("I5: ${V:?msg} fails when V is unset or empty", () => {
  for (const vars of [{}, { DB_PASSWORD: "" }]) {
    const e = err("${DB_PASSWORD:?must be set}", vars);
    assert.equal(e.kind, "required");
    assert.equal(e.variable, "DB_PASSWORD");
    assert.equal(e.message, "required variable DB_PASSWORD is missing a value: must be set");
    assert.equal(e.code, "DK2102");
    assert.deepEqual(e.args, { variable: "DB_PASSWORD", reason: "must be set" });
  }
  assert.equal(ok("${DB_PASSWORD:?must be set}", { DB_PASSWORD: "s3" }), "s3");
});

Deno.test("I5: a required error without a message has compose-go's short wording", () => {
  const e = err("${X:?}");
  assert.equal(e.message, "required variable X is missing a value");
  assert.equal(e.code, "DK2103");
  assert.deepEqual(e.args, { variable: "X" });
});

Deno.test("I5: the required message is itself interpolated", () => {
  const e = err("${X:?set X for ${WHO}}", { WHO: "prod" });
  assert.equal(e.message, "required variable X is missing a value: set X for prod");
});

Deno.test("I6: ${V?msg} fails only when V is unset", () => {
  assert.equal(ok("${DB_PASSWORD?must be set}", { DB_PASSWORD: "" }), "");
  assert.equal(ok("${SET?must be set}", { SET: "s3cret" }), "s3cret");
  const e = err("${TOKEN?token needed}");
  assert.equal(e.message, "required variable TOKEN is missing a value: token needed");
});

Deno.test("I7: ${V:+alt} gives alt only when V is set and not empty", () => {
  const vars = { SET: "v", EMPTY: "" };
  assert.equal(ok("${SET:+alt}", vars), "alt");
  assert.equal(ok("${EMPTY:+alt}", vars), "");
  assert.equal(ok("${UNSET:+alt}", vars), "");
});

Deno.test("I8: ${V+alt} gives alt when V is set, even empty", () => {
  const vars = { SET: "v", EMPTY: "" };
  assert.equal(ok("${SET+alt}", vars), "alt");
  assert.equal(ok("${EMPTY+alt}", vars), "alt");
  assert.equal(ok("${UNSET+alt}", vars), "");
});

Deno.test("I9: $$ is a literal $ and is never substituted", () => {
  const vars = { HOME: "/root", USER: "nobody", X: "x" };
  assert.equal(ok("$$HOME", vars), "$HOME");
  assert.equal(ok("$${X}", vars), "${X}");
  assert.equal(ok("sh -c 'echo $$HOME $${USER}'", vars), "sh -c 'echo $HOME ${USER}'");
  assert.equal(ok("$$5"), "$5");
  assert.equal(ok("$$$$"), "$$");
  assert.equal(ok("$$$X", vars), "$x");
});

Deno.test("I10: defaults may nest and are evaluated only when used", () => {
  const vars = { B: "bee" };
  assert.equal(ok("${UNSET:-${B}}", vars), "bee");
  assert.equal(ok("${UNSET:-${UNSET2:-deep}}", vars), "deep");
  assert.equal(ok("${UNSET-$B}", vars), "bee");
  assert.equal(ok("${UNSET:-${B}-suffix}", vars), "bee-suffix");
  assert.equal(ok("${A:-${B}-x}", vars), "bee-x");
  assert.equal(ok("${B:+[${B}]}", vars), "[bee]");
  // An unused default is not evaluated: neither its errors nor its unset variables count.
  assert.deepEqual(interpolate("${B:-${NOPE:?boom}}", env(vars)), {
    ok: true,
    value: "bee",
    unset: [],
  });
  assert.deepEqual(interpolate("${B-$MISSING}", env(vars)), { ok: true, value: "bee", unset: [] });
  // A used default reports its own unset variables.
  assert.deepEqual(interpolate("${A:-$MISSING}", env(vars)), {
    ok: true,
    value: "",
    unset: ["MISSING"],
  });
});

Deno.test("I10: an error inside a used default is reported", () => {
  const e = err("${A:-${B:?inner}}");
  assert.equal(e.message, "required variable B is missing a value: inner");
  assert.equal(e.offset, 5);
});

Deno.test("I11: a $ that starts no expression is literal", () => {
  assert.equal(ok("a $ string"), "a $ string");
  assert.equal(ok("^REGEX$"), "^REGEX$");
  assert.equal(ok("$1 and $-"), "$1 and $-");
  assert.equal(ok("cost: 5$"), "cost: 5$");
  assert.equal(ok("$"), "$");
  assert.equal(ok("$.x $/ $é"), "$.x $/ $é");
});

Deno.test("I11: malformed braced expressions are syntax errors", () => {
  for (const text of ["${ VAR}", "${VAR", "${}", "${1X}", "${VAR }", "${VAR:x}", "${VAR.x}"]) {
    const e = err(text, { VAR: "x" });
    assert.equal(e.kind, "syntax", text);
    assert.equal(e.message, `invalid interpolation format for ${JSON.stringify(text)}`);
    assert.equal(e.code, "DK2101");
    assert.equal(e.offset, 0, text);
  }
});

Deno.test("I11: the error offset points at the bad expression", () => {
  assert.equal(err("prefix ${ BAD}").offset, 7);
  assert.equal(err("ok ${A:-x} then ${").offset, 16);
  assert.equal(err("${A:?x}", {}).offset, 0);
  assert.equal(err("abc ${A?x}", {}).offset, 4);
});

Deno.test("I11: a long value is cut around the bad expression in the diagnostic", () => {
  const text = "x".repeat(100) + "${ BAD} tail";
  const e = err(text);
  assert.equal(e.offset, 100);
  assert.equal(e.message, `invalid interpolation format for ${JSON.stringify(text)}`);
  assert.equal(e.args.text, "...${ BAD} tail...");
});

Deno.test("I12: unbraced names are greedy and take no operator", () => {
  const vars = { FOO: "first" };
  assert.equal(ok("$FOO-bar", vars), "first-bar");
  assert.equal(ok("$FOO.txt", vars), "first.txt");
  assert.equal(ok("${FOO}bar", vars), "firstbar");
  assert.equal(ok("$FOObar", vars), "");
  assert.equal(ok("$FOO:-x", vars), "first:-x");
  assert.equal(ok("$_under_9", { _under_9: "u" }), "u");
});

Deno.test("I18: the first operator decides", () => {
  assert.equal(ok("${UNSET-a:?b}"), "a:?b");
  assert.equal(ok("${X:-/non:-alpha}"), "/non:-alpha");
  assert.equal(ok("${X?a:-b}", { X: "set" }), "set");
  assert.equal(ok("${X:+a-b}", { X: "set" }), "a-b");
});

Deno.test("I18: the closing brace is found by nesting depth", () => {
  assert.equal(ok('${U:-{"a":1}}'), '{"a":1}');
  assert.equal(ok('${U:-{"a":{"b":2}}} tail'), '{"a":{"b":2}} tail');
  assert.equal(ok("${A}}", { A: "a" }), "a}");
  assert.equal(err("${U:-{}").kind, "syntax");
});

Deno.test("values are not otherwise changed: unicode, quotes, newlines", () => {
  assert.equal(ok("héllo ${N} 🚀\nnext", { N: "wörld" }), "héllo wörld 🚀\nnext");
  assert.equal(ok("${E}", { E: "" }), "");
  assert.equal(ok("${V}", { V: "$notexpandedagain ${X}" }), "$notexpandedagain ${X}");
});

Deno.test("very long inputs are handled in linear time", () => {
  const piece = "abc $A ${B:-d} $$ ";
  const text = piece.repeat(50_000);
  const started = performance.now();
  const value = ok(text, { A: "1" });
  const elapsed = performance.now() - started;
  assert.equal(value, "abc 1 d $ ".repeat(50_000));
  assert.ok(elapsed < 2000, `took ${elapsed} ms`);
});

Deno.test("absurdly deep nesting is an error, not a stack overflow", () => {
  const depth = 5000;
  const text = "${A:-".repeat(depth) + "x" + "}".repeat(depth);
  const e = err(text);
  assert.equal(e.kind, "syntax");
  const shallow = "${A:-".repeat(50) + "x" + "}".repeat(50);
  assert.equal(ok(shallow), "x");
});

Deno.test("interpolation codes are registered with the documented messages", () => {
  const syntax = err("${ X}");
  assert.equal(
    diag(syntax.code, syntax.args).message,
    'Invalid interpolation format in "${ X}"',
  );
  const required = err("${DB_PASSWORD:?must be set}");
  assert.equal(
    diag(required.code, required.args).message,
    "Required variable DB_PASSWORD is missing a value: must be set",
  );
  assert.equal(
    diag("DK2104", { variable: "TAG" }).hint,
    'Set it in the environment or in the .env file, or give a default: "${TAG:-default}"',
  );
  assert.equal(codeDef("DK2104").severity, "warning");
});

Deno.test("offsetToLineColumn counts lines and code points", () => {
  assert.deepEqual(offsetToLineColumn("abc", 0), { line: 1, column: 1 });
  assert.deepEqual(offsetToLineColumn("ab\ncd", 4), { line: 2, column: 2 });
  assert.deepEqual(offsetToLineColumn("🚀x", 2), { line: 1, column: 2 });
});
