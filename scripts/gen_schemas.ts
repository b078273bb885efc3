/**
 * Writes the JSON Schemas in `schemas/` from the zod models (`make schemas`).
 * `test/schemas_test.ts` fails when a committed schema differs from what this generates.
 */
import { SCHEMAS } from "./_schemas.ts";

const root = new URL("../schemas/", import.meta.url);
for (const [name, build] of SCHEMAS) {
  const text = JSON.stringify(build(), null, 2) + "\n";
  await Deno.writeTextFile(new URL(name, root), text);
  console.log(`wrote schemas/${name}`);
}
