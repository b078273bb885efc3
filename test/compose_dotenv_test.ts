import assert from "node:assert/strict";
import { type DotenvResult, parseDotenv } from "../src/compose/_dotenv.ts";
import { diag } from "../src/diagnostics/mod.ts";

function lookupOf(vars: Record<string, string>) {
  return (name: string) => Object.hasOwn(vars, name) ? vars[name] : undefined;
}

function parse(text: string, vars: Record<string, string> = {}, raw = false): DotenvResult {
  return parseDotenv(text, raw ? { lookup: lookupOf(vars), raw } : { lookup: lookupOf(vars) });
}

/** The entries as a plain object, asserting there were no errors. */
function values(text: string, vars: Record<string, string> = {}, raw = false) {
  const result = parse(text, vars, raw);
  assert.deepEqual(result.errors, [], "unexpected errors");
  return Object.fromEntries(result.entries.map((e) => [e.key, e.value]));
}

Deno.test("E1/E2: comments, blank lines, export, spaces around =, inline comments", () => {
  const text = "# a comment\nexport A=1\n\nB = 2   \nC=three # comment\nD=four# not a comment\n";
  assert.deepEqual(values(text), { A: "1", B: "2", C: "three", D: "four# not a comment" });
});

Deno.test("E1: entries carry the line of their definition", () => {
  const result = parse("# c\n\nA=1\n  B=2\nexport C=3");
  assert.deepEqual(result.entries, [
    { key: "A", value: "1", line: 3 },
    { key: "B", value: "2", line: 4 },
    { key: "C", value: "3", line: 5 },
  ]);
});

Deno.test("E2: unquoted values keep backslashes and trim trailing white space", () => {
  assert.deepEqual(values("ESC_UQ=tab\\there\nT=x\t \n"), { ESC_UQ: "tab\\there", T: "x" });
  // Only " #" starts a comment; a tab before # does not (compose-go).
  assert.deepEqual(values("U=a\t#b\nV=#x\n"), { U: "a\t#b", V: "#x" });
});

Deno.test("E2: `=` inside a value is data; only the first separates", () => {
  assert.deepEqual(values("D=x=y\nURL=postgres://u:p@h/db?a=b\n"), {
    D: "x=y",
    URL: "postgres://u:p@h/db?a=b",
  });
});

Deno.test("E3: single quotes are literal except \\'", () => {
  const text = "A=aaa\nSQ='lit $A ${A}'\nESC_SQ='tab\\there'\nSQ_ESC='Let\\'s go'\n";
  assert.deepEqual(values(text), {
    A: "aaa",
    SQ: "lit $A ${A}",
    ESC_SQ: "tab\\there",
    SQ_ESC: "Let's go",
  });
});

Deno.test("E4: double quotes expand escapes, then interpolate", () => {
  const text = 'A=aaa\nDQ="val ${A}"\nUQ=val ${A}\nESC_DQ="tab\\there"\n' +
    'JSON="{\\"hello\\": \\"json\\"}"\n';
  assert.deepEqual(values(text), {
    A: "aaa",
    DQ: "val aaa",
    UQ: "val aaa",
    ESC_DQ: "tab\there",
    JSON: '{"hello": "json"}',
  });
});

Deno.test("E4: every documented escape sequence", () => {
  const text = 'E="n\\n r\\r t\\t bs\\\\ q\\" d\\$HOME oct\\0123 keep\\x bell\\a"\n';
  assert.deepEqual(values(text, { HOME: "/root" }), {
    E: 'n\n r\r t\t bs\\ q" d$HOME octS keep\\x bell\x07',
  });
  // `\0` needs exactly three octal digits after it; anything else stays as written.
  assert.deepEqual(values('O="\\012 \\0 \\0999"\n'), { O: "\\012 \\0 \\0999" });
});

Deno.test("E4: # inside quotes is data; a comment may follow the closing quote", () => {
  assert.deepEqual(values('Q1="VAL # not a comment"\nQ2="VAL" # comment\nQ3=\'x\'   \n'), {
    Q1: "VAL # not a comment",
    Q2: "VAL",
    Q3: "x",
  });
});

Deno.test("E4: text after the closing quote is an error", () => {
  const result = parse('A="x"y\nB=2\n');
  assert.deepEqual(result.errors.map((e) => [e.line, e.column, e.code, e.args]), [
    [1, 6, "DK2114", { text: "y", name: "A" }],
  ]);
  assert.deepEqual(result.entries.map((e) => e.key), ["A", "B"]);
});

Deno.test("E5: quoted values may span lines", () => {
  const result = parse('CERT="line1\nline2"\nML="a\\nb"\nS=\'x\ny\'\nAFTER=1\n');
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.entries, [
    { key: "CERT", value: "line1\nline2", line: 1 },
    { key: "ML", value: "a\nb", line: 3 },
    { key: "S", value: "x\ny", line: 4 },
    { key: "AFTER", value: "1", line: 6 },
  ]);
});

Deno.test("E5: an unterminated quote is an error at the quote", () => {
  const result = parse('A=1\nB="never closed\nC=3\n');
  assert.deepEqual(result.entries.map((e) => e.key), ["A"]);
  assert.equal(result.errors.length, 1);
  const e = result.errors[0]!;
  assert.deepEqual([e.line, e.column, e.code], [2, 3, "DK2113"]);
  assert.equal(diag(e.code, e.args).message, 'Unterminated quoted value for "B"');
  assert.equal(diag(e.code, e.args).hint, "Close the value with a matching double quote");
});

Deno.test("E6: VAR= is empty; a bare VAR comes from the lookup, else is not defined", () => {
  assert.deepEqual(values("EMPTY=\nBARE\n"), { EMPTY: "" });
  assert.deepEqual(values("EMPTY=\nBARE\n", { BARE: "from-shell" }), {
    EMPTY: "",
    BARE: "from-shell",
  });
  assert.deepEqual(values("LAST"), {});
  assert.deepEqual(values("LAST", { LAST: "x" }), { LAST: "x" });
});

Deno.test("E7: expansion sees entries above, not below", () => {
  const text = "BASE=/srv\nDATA=${BASE}/data\nLATE=${AFTER:-none}\nAFTER=x\n";
  assert.deepEqual(values(text), { BASE: "/srv", DATA: "/srv/data", LATE: "none", AFTER: "x" });
});

Deno.test("E7/E8: expansion looks in the lookup (process env) first", () => {
  const text = "BASE=/srv\nDATA=${BASE}/data\n";
  assert.deepEqual(values(text, { BASE: "/shell" }), { BASE: "/srv", DATA: "/shell/data" });
});

Deno.test("E9: a bad character in a name is an error naming it", () => {
  const result = parse("FOO$BAR=1\nOK=1\n");
  assert.deepEqual(result.entries.map((e) => e.key), ["OK"]);
  assert.equal(result.errors.length, 1);
  const e = result.errors[0]!;
  assert.deepEqual([e.line, e.column, e.code], [1, 4, "DK2110"]);
  assert.equal(e.message, 'unexpected character "$" in variable name "FOO$BAR"');
  assert.equal(diag(e.code, e.args).message, 'Unexpected character "$" in variable name "FOO$BAR"');
});

Deno.test("E9: allowed name characters, and unicode letters", () => {
  assert.deepEqual(values("a.b-c_[0]=1\nÜBER=2\n_X9=3\n"), {
    "a.b-c_[0]": "1",
    ÜBER: "2",
    _X9: "3",
  });
});

Deno.test("E9: a name with a space is an error; errors accumulate", () => {
  const result = parse("MY VAR=1\nGOOD=1\nBAD!=2\n=nokey\n");
  assert.deepEqual(result.entries.map((e) => e.key), ["GOOD"]);
  assert.deepEqual(result.errors.map((e) => [e.line, e.code]), [
    [1, "DK2111"],
    [3, "DK2110"],
    [4, "DK2112"],
  ]);
});

Deno.test("E10: KEY: value is accepted", () => {
  assert.deepEqual(values("KEY: value\nURL:http://x\n"), { KEY: "value", URL: "http://x" });
});

Deno.test("duplicates: the last value wins, listed at the first definition's place", () => {
  const result = parse("A=1\nB=2\nA=3\n");
  assert.deepEqual(result.entries, [
    { key: "A", value: "3", line: 3 },
    { key: "B", value: "2", line: 2 },
  ]);
});

Deno.test("interpolation errors are located at the expression", () => {
  const result = parse("A=1\nB=x ${ BAD}\nC=${NEED:?must be set}\n");
  assert.deepEqual(result.errors.map((e) => [e.line, e.column, e.code]), [
    [2, 5, "DK2101"],
    [3, 3, "DK2102"],
  ]);
  assert.equal(result.errors[1]!.message, "required variable NEED is missing a value: must be set");
  assert.deepEqual(result.entries.map((e) => e.key), ["A"]);
});

Deno.test("F4: env_file interpolation; single quotes stay literal", () => {
  const text = "URL=http://${HOST}:${PORT:-80}/\nRAW='${HOST}'\n";
  assert.deepEqual(values(text, { HOST: "db" }), { URL: "http://db:80/", RAW: "${HOST}" });
});

Deno.test("F5: raw format takes KEY=VALUE verbatim", () => {
  const text = '# comment\nQ="quoted $X"\nP=a\'b\nE=\n\nS= spaced # not a comment \n';
  assert.deepEqual(values(text, { X: "x" }, true), {
    Q: '"quoted $X"',
    P: "a'b",
    E: "",
    S: " spaced # not a comment ",
  });
});

Deno.test("F5: raw format checks names and imports bare names", () => {
  const result = parse("BAD KEY=1\nBARE\nGONE\n", { BARE: "b" }, true);
  assert.deepEqual(result.entries, [{ key: "BARE", value: "b", line: 2 }]);
  assert.deepEqual(result.errors.map((e) => [e.line, e.code]), [[1, "DK2111"]]);
});

Deno.test("CRLF line endings and a UTF-8 BOM are handled", () => {
  const text = '\uFEFFA=1\r\nB="two"\r\nC=\'x\'  # c\r\nML="l1\r\nl2"\r\nD=four \r\n';
  const result = parse(text);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.entries, [
    { key: "A", value: "1", line: 1 },
    { key: "B", value: "two", line: 2 },
    { key: "C", value: "x", line: 3 },
    { key: "ML", value: "l1\nl2", line: 4 },
    { key: "D", value: "four", line: 6 },
  ]);
  assert.deepEqual(values("R=x\r\n", {}, true), { R: "x" });
});

Deno.test("empty and comment-only files have no entries", () => {
  assert.deepEqual(parse(""), { entries: [], errors: [] });
  assert.deepEqual(parse("\n\n  \n# only\n  # indented comment\n"), { entries: [], errors: [] });
});

Deno.test("unicode values are kept", () => {
  assert.deepEqual(values('GREETING=héllo wörld 🚀\nQ="日本語"\n'), {
    GREETING: "héllo wörld 🚀",
    Q: "日本語",
  });
});

Deno.test("large files parse quickly", () => {
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(`K${i}="value ${i} \${K0}" # c`);
  const started = performance.now();
  const result = parse(lines.join("\n"));
  const elapsed = performance.now() - started;
  assert.equal(result.errors.length, 0);
  assert.equal(result.entries.length, 20_000);
  assert.equal(result.entries[19_999]!.value, "value 19999 value 0 ");
  assert.ok(elapsed < 3000, `took ${elapsed} ms`);
});
