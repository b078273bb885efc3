import assert from "node:assert/strict";
import {
  makeRedactor,
  maskUrlPasswords,
  parseDotenv,
  resolveSecrets,
  secretsJson,
} from "../src/runtime/mod.ts";

Deno.test("secrets: dotenv parsing (quotes, escapes, export, comments, multi-line)", () => {
  const text = [
    "# comment",
    "export A=plain value # trailing comment",
    "B='single $x \\n'",
    'C="double\\n\\"q\\" \\$HOME"',
    'D="line one',
    'line two"',
    "E=",
    "",
  ].join("\n");
  const { values, diagnostics } = parseDotenv(text, { file: "s.env" });
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(Object.fromEntries(values), {
    A: "plain value",
    B: "single $x \\n",
    C: 'double\n"q" $HOME',
    D: "line one\nline two",
    E: "",
  });
});

Deno.test("secrets: bad dotenv lines are located errors", () => {
  const { diagnostics } = parseDotenv('ok=1\nnot a line\nX="open', { file: "s.env" });
  assert.deepEqual(diagnostics.map((d) => [d.code, d.span?.line]), [["DK5009", 2], ["DK5010", 3]]);
});

Deno.test("secrets: file wins over the environment; upper-case env fallback; missing ones named", () => {
  const r = resolveSecrets(["db_password", "api_key", "missing_one"], {
    env: { db_password: "from-env", API_KEY: "k" },
    file: new Map([["db_password", "from-file"]]),
    fileName: "secrets.env",
  });
  assert.equal(r.values.get("db_password"), "from-file");
  assert.equal(r.values.get("api_key"), "k");
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0]!.code, "DK5001");
  assert.match(r.diagnostics[0]!.message, /Secret "missing_one" is not set/);
  assert.match(r.diagnostics[0]!.hint!, /"missing_one" or "MISSING_ONE"/);
  assert.match(r.diagnostics[0]!.hint!, /--secrets-file/);
  assert.notEqual(r.hashes.get("db_password"), undefined);
  assert.ok(!r.hashes.get("db_password")!.includes("from-file"));
});

Deno.test("secrets: equal values of different secrets hash differently", () => {
  const r = resolveSecrets(["a", "b"], { env: { a: "same", b: "same" } });
  assert.notEqual(r.hashes.get("a"), r.hashes.get("b"));
});

Deno.test("secrets: stdin JSON keeps key order and exact bytes", () => {
  const values = new Map([["s1", "v'\"$`\n☃"], ["s2", "x"]]);
  const text = secretsJson({
    kind: "secrets-json",
    secrets: [{ key: "Z", secret: "s2" }, { key: "A", secret: "s1" }],
  }, values);
  assert.equal(text, JSON.stringify({ Z: "x", A: "v'\"$`\n☃" }));
  assert.equal(
    secretsJson({ kind: "secrets-json", secrets: [{ key: "Q", secret: "nope" }] }, values),
    undefined,
  );
});

Deno.test("secrets: redaction covers raw and JSON-escaped forms, longest first", () => {
  const redact = makeRedactor(["hunter2", "hunter2-long", 'a"b\nc', ""]);
  assert.equal(redact("pw hunter2 and hunter2-long"), "pw *** and ***");
  assert.equal(redact(JSON.stringify({ X: 'a"b\nc' })), '{"X":"***"}');
  assert.equal(redact("nothing here"), "nothing here");
});

Deno.test("secrets: URL passwords are masked in printed output", () => {
  assert.equal(
    maskUrlPasswords(
      "DATABASE_URL:  postgres://postgres:94f1@dokku-postgres-db:5432/db\nREDIS_URL: redis://:abc@h:6379",
    ),
    "DATABASE_URL:  postgres://postgres:***@dokku-postgres-db:5432/db\nREDIS_URL: redis://:***@h:6379",
  );
  assert.equal(maskUrlPasswords("see https://example.com/a:b@c"), "see https://example.com/a:b@c");
});
