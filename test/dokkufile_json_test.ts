/**
 * The Dokkufile JSON contract (`dokompose compile --format json`): its exact shape and key order,
 * round-trips, located problems, and the JSON Schema generated from the zod schema.
 */
import assert from "node:assert/strict";
import { type Dokkufile, dokkufileFromJson, dokkufileToJson } from "../src/dokkufile/mod.ts";
import { dokkufileJsonSchema } from "../src/dokkufile/schema.ts";
import { SAMPLE } from "./support/dokkufile_sample.ts";

const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";
const FIXTURES = new URL("../fixtures/dokkufile/", import.meta.url);

Deno.test("the JSON has the documented shape, key order and a final newline", () => {
  const json = dokkufileToJson(SAMPLE);
  assert.ok(json.endsWith("}\n"));
  const doc = JSON.parse(json);
  assert.deepEqual(Object.keys(doc), [
    "format",
    "project",
    "inputChecksum",
    "dokkuVersion",
    "secrets",
    "stages",
    "warnings",
  ]);
  assert.equal(doc.format, "dokkufile/v1");
  const [infra, apps] = doc.stages;
  assert.deepEqual(Object.keys(infra), ["name", "needs", "steps"]);
  assert.deepEqual(Object.keys(infra.steps[0]), [
    "id",
    "lock",
    "needs",
    "guard",
    "run",
    "undo",
    "source",
    "notes",
  ]);
  assert.deepEqual(infra.steps[0].guard, {
    argv: ["dokku", "network:exists", "shop_front"],
    presentExit: [0],
    missingExit: [1],
  });
  assert.deepEqual(infra.steps[0].run, [{ argv: ["dokku", "network:create", "shop_front"] }]);
  assert.deepEqual(infra.steps[0].source, [
    { file: "compose.yaml", line: 40, key: "networks.front" },
  ]);
  // Secrets travel as references (config key -> secret name); no value is ever in the artifact.
  const secretsCommand = apps.steps[1].run[1];
  assert.deepEqual(Object.keys(secretsCommand), ["argv", "stdin"]);
  assert.deepEqual(secretsCommand.stdin, {
    kind: "secrets-json",
    secrets: [
      { key: "DB_PASSWORD", secret: "db_password" },
      { key: "STRIPE_KEY", secret: "stripe_key" },
    ],
  });
  const deploy = apps.steps[2];
  assert.deepEqual(Object.keys(deploy).at(-1), "verify");
  // Process types sorted, whatever order the value listed them in.
  assert.deepEqual(Object.keys(deploy.verify.processes), ["web", "worker"]);
  assert.deepEqual(deploy.run[0].accept, [{
    exit: 1,
    output: "No changes detected",
    as: "unchanged",
    then: ["dokku", "ps:rebuild", "shop-web"],
  }]);
  assert.deepEqual(Object.keys(doc.warnings[0]), ["code", "file", "line", "key", "message"]);
  assert.deepEqual(doc.warnings[1], { code: "DK4001", message: "dropped" });
});

Deno.test("JSON round-trips the representative value, and the output is stable", async () => {
  const json = dokkufileToJson(SAMPLE);
  const read = await dokkufileFromJson(json, { file: "Dokkufile.json" });
  assert.deepEqual(read.diagnostics, []);
  assert.deepEqual(read.dokkufile, SAMPLE);
  assert.equal(dokkufileToJson(read.dokkufile as Dokkufile), json);
  assert.equal(dokkufileToJson(structuredClone(SAMPLE)), json);
});

Deno.test("JSON reading accepts any key order and whitespace", async () => {
  const doc = JSON.parse(dokkufileToJson(SAMPLE));
  const reversed = Object.fromEntries(Object.entries(doc).reverse());
  const read = await dokkufileFromJson(JSON.stringify(reversed), { file: "x.json" });
  assert.deepEqual(read.diagnostics, []);
  assert.deepEqual(read.dokkufile, SAMPLE);
});

Deno.test("a '__proto__' key is data, reported as an unknown key, never a prototype", async () => {
  const text = dokkufileToJson(SAMPLE).replace('"format"', '"__proto__": {"x": 1},\n  "format"');
  const read = await dokkufileFromJson(text, { file: "x.json" });
  assert.equal(read.dokkufile, undefined);
  assert.deepEqual(read.diagnostics.map((d) => [d.code, d.span?.line, d.span?.column]), [
    ["DK6021", 2, 3],
  ]);
  assert.equal(
    read.diagnostics[0]?.message,
    "Invalid Dokkufile JSON at '__proto__': the key '__proto__' is not allowed",
  );
});

Deno.test("a '__proto__' process type is reported, not silently dropped", async () => {
  const text = dokkufileToJson(SAMPLE).replace('"processes": {', '"processes": {"__proto__": 3,');
  const read = await dokkufileFromJson(text, { file: "x.json" });
  assert.equal(read.dokkufile, undefined);
  assert.deepEqual(read.diagnostics.map((d) => [d.code, d.path]), [
    ["DK6021", "stages[1].steps[2].verify.processes.__proto__"],
  ]);
});

Deno.test("JSON problems: syntax, duplicate keys, wrong types, all located", async () => {
  const cases: [string, string, [number, number]][] = [
    ["", "DK6020", [1, 1]],
    ["[]", "DK6021", [1, 1]],
    ['{"format": "dokkufile/v1",\n "format": "x"}', "DK6020", [2, 2]],
    ['{"format": "dokkufile/v1"} x', "DK6020", [1, 28]],
    ['{\n  "a": "\\x"\n}', "DK6020", [2, 8]],
    ['{\n  "a": "tab\there"\n}', "DK6020", [2, 12]],
    ['{"format": "dokkufile/v9"}', "DK6002", [1, 12]],
    ["[".repeat(100_000), "DK6020", [1, 66]],
  ];
  for (const [text, code, [line, column]] of cases) {
    const read = await dokkufileFromJson(text, { file: "x.json" });
    assert.equal(read.dokkufile, undefined, text);
    const first = read.diagnostics[0];
    assert.equal(first?.code, code, text);
    assert.deepEqual([first?.span?.line, first?.span?.column], [line, column], text);
  }
});

Deno.test("the JSON Schema is deterministic and matches its golden file", async () => {
  const a = JSON.stringify(dokkufileJsonSchema(), null, 2) + "\n";
  const b = JSON.stringify(dokkufileJsonSchema(), null, 2) + "\n";
  assert.equal(a, b);
  const schema = JSON.parse(a);
  assert.equal(schema.type, "object");
  assert.deepEqual([...schema.required].sort(), [
    "dokkuVersion",
    "format",
    "inputChecksum",
    "project",
    "secrets",
    "stages",
    "warnings",
  ]);
  assert.equal(schema.additionalProperties, false);
  assert.doesNotMatch(a, /[0-9]{4}-[0-9]{2}-[0-9]{2}T/);
  const url = new URL("dokkufile.schema.json", FIXTURES);
  if (UPDATE) await Deno.writeTextFile(url, a);
  assert.equal(a, await Deno.readTextFile(url));
});

Deno.test("importing the module, the text emitter and parser never load zod (CLI start-up)", async () => {
  // Follows static imports (not `import type`) from the module entry: none reaches zod, so
  // `run`/`plan` of a text Dokkufile never pay for it (dokkufileFromJson imports it lazily).
  const dir = new URL("../src/dokkufile/", import.meta.url);
  const seen = new Set<string>();
  const queue = ["mod.ts"];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const source = await Deno.readTextFile(new URL(name, dir));
    for (const m of source.matchAll(/^(import|export)(?! type)[^;]*?from\s+"([^"]+)"/gms)) {
      const spec = m[2] as string;
      assert.notEqual(spec, "zod", `${name} imports zod`);
      assert.notEqual(spec, "./schema.ts", `${name} imports the schema`);
      if (spec.startsWith("./")) queue.push(spec.slice(2));
    }
  }
  assert.deepEqual([...seen].sort(), [
    "_emit.ts",
    "_json.ts",
    "_parse.ts",
    "_validate.ts",
    "_words.ts",
    "mod.ts",
    "types.ts",
  ]);
  const schema = await Deno.readTextFile(new URL("schema.ts", dir));
  assert.match(
    schema,
    /^import \* as z from "zod";$/m,
    "the scan must recognise a real zod import",
  );
});
