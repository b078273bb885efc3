/**
 * Generated archive files in the Dokkufile (`FILE` lines, `files` in JSON): written readably,
 * read back exactly, and checked the same way in both forms.
 */
import assert from "node:assert/strict";
import {
  type Dokkufile,
  dokkufileFromJson,
  dokkufileToJson,
  emitDokkufile,
  parseDokkufile,
  validateDokkufile,
} from "../src/dokkufile/mod.ts";

const APP_JSON = '{"healthchecks":{"web":[{"command":["/bin/check"],"type":"startup"}]}}';

function withFiles(files: readonly { path: string; content: string }[]): Dokkufile {
  return {
    format: "dokkufile/v1",
    project: "shop",
    inputChecksum: `sha256:${"0".repeat(64)}`,
    dokkuVersion: "0.38.0",
    secrets: [],
    stages: [{
      name: "apps",
      needs: [],
      steps: [{
        id: "api/deploy",
        lock: "app:shop-api",
        needs: [],
        run: [{
          argv: ["dokku", "git:from-archive", "--archive-type", "tar", "shop-api", "--"],
          stdin: { kind: "archive", context: "api", files },
        }],
        undo: [],
        source: [],
        notes: [],
      }],
    }],
    warnings: [],
  };
}

Deno.test("FILE lines follow their STDIN archive line, content always quoted, one line each", () => {
  const file = withFiles([
    { path: ".dokompose/app.json", content: APP_JSON },
    { path: "bare", content: "bare" },
  ]);
  const text = emitDokkufile(file);
  assert.ok(
    text.includes(
      [
        "    STDIN archive api",
        `    FILE .dokompose/app.json ${JSON.stringify(APP_JSON)}`,
        '    FILE bare "bare"',
      ].join("\n"),
    ),
    text,
  );
  const parsed = parseDokkufile(text, { file: "Dokkufile" });
  assert.deepEqual(parsed.diagnostics, []);
  assert.deepEqual(parsed.dokkufile, file);
});

Deno.test("files in JSON: omitted when absent, round-trip when present, never empty", async () => {
  const file = withFiles([{ path: ".dokompose/app.json", content: APP_JSON }]);
  const json = dokkufileToJson(file);
  assert.match(json, /"files": \[/);
  const back = await dokkufileFromJson(json, { file: "Dokkufile.json" });
  assert.deepEqual(back.diagnostics, []);
  assert.deepEqual(back.dokkufile, file);

  const none = JSON.parse(json);
  delete none.stages[0].steps[0].run[0].stdin.files;
  assert.doesNotMatch(JSON.stringify(none), /files/);
  assert.deepEqual(
    (await dokkufileFromJson(JSON.stringify(none), { file: "D.json" })).diagnostics,
    [],
  );

  const empty = JSON.parse(json);
  empty.stages[0].steps[0].run[0].stdin.files = [];
  const emptyRead = await dokkufileFromJson(JSON.stringify(empty), { file: "D.json" });
  assert.equal(emptyRead.dokkufile, undefined);
  assert.deepEqual(emptyRead.diagnostics.map((d) => [d.code, d.path]), [[
    "DK6012",
    "stages[0].steps[0].run[0].stdin.files",
  ]]);

  const extra = json.replace('"path": ".dokompose/app.json"', '"path": "x", "mode": "0755"');
  const extraRead = await dokkufileFromJson(extra, { file: "D.json" });
  assert.deepEqual(extraRead.diagnostics.map((d) => d.code), ["DK6021"]);
});

Deno.test("file paths and contents are checked in the value too", () => {
  const codes = (files: { path: string; content: string }[]) =>
    validateDokkufile(withFiles(files)).map((d) => [d.code, d.path]);
  assert.deepEqual(codes([{ path: "a", content: "" }, { path: "a b/c ✓", content: "\u0000" }]), []);
  const at = (i: number, field = "path") => `stages[0].steps[0].run[0].stdin.files[${i}].${field}`;
  assert.deepEqual(codes([{ path: "./a", content: "" }]), [["DK6012", at(0)]]);
  assert.deepEqual(codes([{ path: "a/", content: "" }]), [["DK6012", at(0)]]);
  assert.deepEqual(codes([{ path: "a\nb", content: "" }]), [["DK6012", at(0)]]);
  assert.deepEqual(codes([{ path: "C:/a", content: "" }]), []);
  assert.deepEqual(codes([{ path: "b", content: "" }, { path: "a", content: "" }]), [[
    "DK6046",
    at(1),
  ]]);
  assert.deepEqual(codes([{ path: "a", content: "" }, { path: "a/b", content: "" }]), [[
    "DK6047",
    at(1),
  ]]);
  assert.deepEqual(codes([{ path: "a", content: "\udc00" }]), [["DK6012", at(0, "content")]]);
});
