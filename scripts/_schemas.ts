/** The generated JSON Schemas: file name -> generator. Shared by the generator and its test. */
import { composeJsonSchema } from "../src/compose/schema.ts";
import { stackJsonSchema } from "../src/stack/schema.ts";
import { dokkufileJsonSchema } from "../src/dokkufile/schema.ts";

export const SCHEMAS: readonly (readonly [string, () => unknown])[] = [
  ["compose.json", composeJsonSchema],
  ["dokkufile.v1.json", dokkufileJsonSchema],
  ["stack.v1.json", stackJsonSchema],
];
