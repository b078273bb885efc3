/**
 * The Dokkufile text form: golden output for a representative value, canonical round-trips, the
 * hand-written fixtures under `fixtures/dokkufile/` (valid ones pinned by their JSON, broken ones
 * by their rendered diagnostics). `UPDATE_GOLDEN=1` rewrites the golden files.
 */
import assert from "node:assert/strict";
import {
  type Dokkufile,
  dokkufileFromJson,
  dokkufileToJson,
  emitDokkufile,
  parseDokkufile,
} from "../src/dokkufile/mod.ts";
import { type Diagnostic, renderText } from "../src/diagnostics/mod.ts";
import { SAMPLE } from "./support/dokkufile_sample.ts";

const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";
const FIXTURES = new URL("../fixtures/dokkufile/", import.meta.url);

async function golden(url: URL, actual: string): Promise<void> {
  if (UPDATE) {
    await Deno.writeTextFile(url, actual);
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(url);
  } catch {
    throw new Error(`missing golden file ${url.pathname}; run with UPDATE_GOLDEN=1 to create it`);
  }
  assert.equal(actual, expected, `golden file ${url.pathname} differs`);
}

function rendered(file: string, text: string, diagnostics: readonly Diagnostic[]): string {
  return renderText(diagnostics, { sources: new Map([[file, text]]) });
}

async function listDir(url: URL): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(url)) if (entry.isFile) names.push(entry.name);
  // Sorted: readDir order depends on the file system.
  return names.sort();
}

Deno.test("the representative Dokkufile emits its golden text", async () => {
  await golden(new URL("valid/sample.dokkufile", FIXTURES), emitDokkufile(SAMPLE));
});

Deno.test("the representative Dokkufile reads back to the same value and bytes", () => {
  const text = emitDokkufile(SAMPLE);
  const parsed = parseDokkufile(text, { file: "Dokkufile" });
  assert.deepEqual(parsed.diagnostics, []);
  assert.deepEqual(parsed.dokkufile, SAMPLE);
  assert.equal(emitDokkufile(parsed.dokkufile as Dokkufile), text);
});

Deno.test("emitting is deterministic: same value, same bytes; process order does not leak", () => {
  const verify = { app: "shop-web", processes: { web: 2, worker: 1 } };
  const reordered = { app: "shop-web", processes: { worker: 1, web: 2 } };
  const withVerify = (v: typeof verify): Dokkufile => ({
    ...SAMPLE,
    stages: [{
      name: "s",
      needs: [],
      steps: [{
        id: "a",
        lock: "app:shop-web",
        needs: [],
        run: [{ argv: ["dokku", "ps:scale", "shop-web", "web=2"] }],
        undo: [],
        source: [],
        notes: [],
        verify: v,
      }],
    }],
  });
  assert.equal(emitDokkufile(withVerify(verify)), emitDokkufile(withVerify(reordered)));
  assert.equal(emitDokkufile(SAMPLE), emitDokkufile(structuredClone(SAMPLE)));
});

Deno.test("the text carries no timestamp, absolute path, host name or tool version", () => {
  const text = emitDokkufile(SAMPLE);
  assert.doesNotMatch(text, /\b20[0-9]{2}-[0-9]{2}-[0-9]{2}/);
  assert.doesNotMatch(text, /(^|\s)\/(home|root|tmp|work|Users)\//m);
  assert.doesNotMatch(text, /dokompose (v)?[0-9]+\.[0-9]+/);
});

Deno.test("the first line is the version header and every line ends with a newline", () => {
  const text = emitDokkufile(SAMPLE);
  assert.ok(text.startsWith("# syntax=dokkufile/v1\n"));
  assert.ok(text.endsWith("\n") && !text.endsWith("\n\n"));
  assert.ok(!text.includes("\r"));
});

Deno.test("argv words: bare when safe, quoted otherwise, each on one line", () => {
  const file: Dokkufile = {
    ...SAMPLE,
    stages: [{
      name: "s",
      needs: [],
      steps: [{
        id: "a",
        lock: "global",
        needs: [],
        run: [{
          argv: [
            "dokku",
            "--force",
            "a=b,c:d/e.f@g%h+i",
            "",
            "two words",
            "new\nline",
            "tab\tchar",
            'quote"',
            "back\\slash",
            "$HOME",
            "`id`",
            "#hash",
            "日本",
            "rtl\u202eevil",
            "nul\u0000byte",
            "lone\ud800surrogate",
            "del\u007f",
          ],
        }],
        undo: [],
        source: [],
        notes: [],
      }],
    }],
  };
  const text = emitDokkufile(file);
  const run = text.split("\n").find((line) => line.trimStart().startsWith("RUN ")) as string;
  assert.equal(
    run,
    '  RUN dokku --force a=b,c:d/e.f@g%h+i "" "two words" "new\\nline" "tab\\tchar" "quote\\"" ' +
      '"back\\\\slash" "$HOME" "`id`" "#hash" "日本" "rtl\\u202eevil" "nul\\u0000byte" ' +
      '"lone\\ud800surrogate" "del\\u007f"',
  );
  const parsed = parseDokkufile(text, { file: "Dokkufile" });
  assert.deepEqual(parsed.diagnostics, []);
  assert.deepEqual(parsed.dokkufile, file);
});

Deno.test("non-canonical spelling reads the same: indentation, CRLF, BOM, free comments", () => {
  const canonical = emitDokkufile(SAMPLE);
  const loose = "\uFEFF" +
    canonical
      .split("\n")
      .map((line) => line.trimStart())
      .map((line, i) => i === 3 ? `${line}\n# a reviewer's comment\n\n` : line)
      .join("\r\n");
  const parsed = parseDokkufile(loose, { file: "Dokkufile" });
  assert.deepEqual(parsed.diagnostics, []);
  assert.deepEqual(parsed.dokkufile, SAMPLE);
  assert.equal(emitDokkufile(parsed.dokkufile as Dokkufile), canonical);
});

Deno.test("valid fixtures read cleanly, round-trip, and match their golden JSON", async () => {
  const dir = new URL("valid/", FIXTURES);
  const names = await listDir(dir);
  const inputs = names.filter((n) => n.endsWith(".dokkufile"));
  assert.ok(inputs.length >= 3, "expected several valid fixtures");
  for (const name of names) {
    const stem = name.replace(/\.(dokkufile|json)$/, "");
    assert.ok(inputs.includes(`${stem}.dokkufile`), `expected file ${name} has no input`);
  }
  for (const name of inputs) {
    const text = await Deno.readTextFile(new URL(name, dir));
    const parsed = parseDokkufile(text, { file: name });
    assert.equal(rendered(name, text, parsed.diagnostics), "", `${name} has diagnostics`);
    const value = parsed.dokkufile as Dokkufile;
    const json = dokkufileToJson(value);
    await golden(new URL(name.replace(/\.dokkufile$/, ".json"), dir), json);
    // The canonical text reads back to the same value, and is a fixed point of emit(parse()).
    const canonical = emitDokkufile(value);
    const again = parseDokkufile(canonical, { file: name });
    assert.deepEqual(again.dokkufile, value);
    assert.equal(emitDokkufile(again.dokkufile as Dokkufile), canonical);
    assert.deepEqual((await dokkufileFromJson(json, { file: "x.json" })).dokkufile, value);
  }
});

Deno.test("broken fixtures give their golden diagnostics and no value", async () => {
  const dir = new URL("broken/", FIXTURES);
  const names = await listDir(dir);
  const inputs = names.filter((n) => n.endsWith(".dokkufile") || n.endsWith(".json"));
  assert.ok(inputs.length >= 20, "expected a fixture per error class");
  for (const name of names) {
    if (!name.endsWith(".diagnostics.txt")) continue;
    const stem = name.slice(0, -".diagnostics.txt".length);
    assert.ok(
      inputs.includes(`${stem}.dokkufile`) || inputs.includes(`${stem}.json`),
      `expected file ${name} has no input`,
    );
  }
  for (const name of inputs) {
    const text = await Deno.readTextFile(new URL(name, dir));
    const result = name.endsWith(".json")
      ? await dokkufileFromJson(text, { file: name })
      : parseDokkufile(text, { file: name });
    assert.equal(result.dokkufile, undefined, `${name} should not give a value`);
    assert.ok(result.diagnostics.length > 0, `${name} should give diagnostics`);
    for (const d of result.diagnostics) {
      assert.ok(d.span !== undefined, `${name}: ${d.code} is not located`);
      assert.match(d.code, /^DK6[0-9]{3}$/);
    }
    const stem = name.replace(/\.(dokkufile|json)$/, "");
    await golden(
      new URL(`${stem}.diagnostics.txt`, dir),
      rendered(name, text, result.diagnostics),
    );
  }
});

Deno.test("the complete example in docs/dokkufile.md is valid canonical text", async () => {
  const doc = await Deno.readTextFile(new URL("../docs/dokkufile.md", import.meta.url));
  const block = /```dokkufile\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block !== undefined, "docs/dokkufile.md has no dokkufile example");
  const parsed = parseDokkufile(block, { file: "docs/dokkufile.md" });
  assert.equal(rendered("docs/dokkufile.md", block, parsed.diagnostics), "");
  assert.equal(emitDokkufile(parsed.dokkufile as Dokkufile), block);
});
