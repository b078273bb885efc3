import assert from "node:assert/strict";
import { renderMappingDoc } from "../scripts/gen_mapping_doc.ts";
import { MAPPING } from "../src/stack/mod.ts";

Deno.test("docs/mapping.md is up to date with the mapping table (deno run -A scripts/gen_mapping_doc.ts)", async () => {
  const actual = await Deno.readTextFile(new URL("../docs/mapping.md", import.meta.url));
  assert.equal(actual, renderMappingDoc());
});

Deno.test("docs/mapping.md has one row per mapping rule", () => {
  const doc = renderMappingDoc();
  for (const r of MAPPING) assert.ok(doc.includes(`| \`${r.key}\` | ${r.status} |`), r.key);
});
