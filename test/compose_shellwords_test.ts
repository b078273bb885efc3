import assert from "node:assert/strict";
import { splitShell } from "../src/compose/_shellwords.ts";
import { diag } from "../src/diagnostics/mod.ts";

function words(s: string): string[] {
  const result = splitShell(s);
  if (!result.ok) assert.fail(`splitShell(${JSON.stringify(s)}) failed: ${result.message}`);
  return result.words;
}

function failure(s: string) {
  const result = splitShell(s);
  if (result.ok) assert.fail(`splitShell(${JSON.stringify(s)}) succeeded: ${result.words}`);
  return result;
}

Deno.test("C1: the RULES.md examples", () => {
  assert.deepEqual(words('bundle exec "thin server" -p 3000'), [
    "bundle",
    "exec",
    "thin server",
    "-p",
    "3000",
  ]);
  assert.deepEqual(words("/entry.sh --flag='a b'"), ["/entry.sh", "--flag=a b"]);
});

Deno.test("white space separates words; runs of it and edges are ignored", () => {
  assert.deepEqual(words("  a \t b\n\nc\r\n "), ["a", "b", "c"]);
  assert.deepEqual(words(""), []);
  assert.deepEqual(words("   "), []);
});

Deno.test("single quotes are literal, backslash included", () => {
  assert.deepEqual(words("'a\\nb' '$HOME' 'x\"y'"), ["a\\nb", "$HOME", 'x"y']);
});

Deno.test("double quotes: backslash escapes the next character", () => {
  assert.deepEqual(words('"a \\"b\\" c" "back\\\\slash" "it\'s"'), [
    'a "b" c',
    "back\\slash",
    "it's",
  ]);
  // go-shellwords turns \t and \n into tab and newline.
  assert.deepEqual(words('"a\\tb\\nc"'), ["a\tb\nc"]);
});

Deno.test("backslash outside quotes escapes the next character", () => {
  assert.deepEqual(words("a\\ b c\\'d \\$X"), ["a b", "c'd", "$X"]);
});

Deno.test("empty quotes give an empty word; adjacent parts join", () => {
  assert.deepEqual(words("a \"\" b ''"), ["a", "", "b", ""]);
  assert.deepEqual(words("pre\"mid\"'post'"), ["premidpost"]);
});

Deno.test("no variable expansion or substitution", () => {
  assert.deepEqual(words("echo $HOME ${USER} $(date) `id`"), [
    "echo",
    "$HOME",
    "${USER}",
    "$(date)",
    "`id`",
  ]);
  assert.deepEqual(words("echo $(date +%s) `a b`"), ["echo", "$(date +%s)", "`a b`"]);
});

Deno.test("quoted shell operators are data", () => {
  assert.deepEqual(words("sh -c 'a && b | c > d; e'"), ["sh", "-c", "a && b | c > d; e"]);
  assert.deepEqual(words('echo "<html>"'), ["echo", "<html>"]);
  assert.deepEqual(words("echo a\\;b"), ["echo", "a;b"]);
});

Deno.test("unquoted shell operators are refused instead of silently dropping input", () => {
  for (const [s, at] of [["a && b", 2], ["a; b", 1], ["a | b", 2], ["cmd > out", 4]] as const) {
    const e = failure(s);
    assert.equal(e.offset, at, s);
    assert.equal(e.code, "DK2130");
    assert.match(e.message, /unquoted shell operator/);
  }
  assert.match(failure("a && b").message, /operator "&&"/);
  assert.match(failure("a 2>&1").message, /operator ">&"/);
});

Deno.test("unterminated quotes and trailing backslashes are errors", () => {
  const cases: [string, RegExp, number][] = [
    ["echo 'abc", /unterminated single quote/, 5],
    ['echo "abc', /unterminated double quote/, 5],
    ["echo abc\\", /lone backslash/, 8],
    ["echo `abc", /unterminated backquote/, 5],
    ["echo $(abc", /unterminated "\$\("/, 5],
    ["echo (abc)", /unexpected "\("/, 5],
    ["echo abc)", /unexpected "\)"/, 8],
  ];
  for (const [s, re, offset] of cases) {
    const e = failure(s);
    assert.match(e.message, re, s);
    assert.equal(e.offset, offset, s);
  }
});

Deno.test("the failure renders through DK2130", () => {
  const e = failure("echo 'abc");
  const d = diag(e.code, e.args);
  assert.equal(
    d.message,
    "Cannot split the command into words: unterminated single quote at offset 5",
  );
  assert.match(d.hint ?? "", /list form/);
});

Deno.test("unicode words are kept", () => {
  assert.deepEqual(words("echo 'héllo wörld' 🚀 \"日本\""), ["echo", "héllo wörld", "🚀", "日本"]);
});

Deno.test("long commands split in linear time", () => {
  const s = 'word \'quoted part\' "dq \\" part" '.repeat(20_000);
  const started = performance.now();
  const result = words(s);
  assert.equal(result.length, 60_000);
  assert.equal(result[2], 'dq " part');
  assert.ok(performance.now() - started < 3000);
});
