import assert from "node:assert/strict";
import { SCHEMAS } from "../scripts/_schemas.ts";

for (const [name, build] of SCHEMAS) {
  Deno.test(`schemas/${name} is up to date with its zod model (run make schemas)`, async () => {
    const expected = JSON.stringify(build(), null, 2) + "\n";
    const actual = await Deno.readTextFile(new URL(`../schemas/${name}`, import.meta.url));
    assert.equal(actual, expected);
    // Generating twice gives the same bytes: the schema is deterministic.
    assert.equal(JSON.stringify(build(), null, 2) + "\n", expected);
  });
}
