/**
 * The Dokkufile: dokompose's reviewable artifact. Emit and parse its text form, convert to and
 * from its JSON contract, validate its structure. The format is specified in `docs/dokkufile.md`.
 *
 * Importing this module loads no zod: the JSON contract's schema module (`schema.ts`, which also
 * exports `dokkufileJsonSchema`) is imported on the first call of {@linkcode dokkufileFromJson}.
 * The text emitter and parser do not use zod at all, so `run` and `plan` of a text Dokkufile
 * never pay for it.
 *
 * @module
 */
import type { Diagnostic } from "../diagnostics/mod.ts";
import type { Dokkufile } from "./types.ts";
import { parseText } from "./_parse.ts";
import { validateModel } from "./_validate.ts";
import { readJson } from "./_json.ts";

export * from "./types.ts";
export { emitDokkufile } from "./_emit.ts";
export { dokkufileToJson } from "./_json.ts";

/**
 * Reads the text form. Problems are located diagnostics (`file:line:col`), all of them collected;
 * `dokkufile` is set only when there is no error. `options.file` names the text in diagnostics.
 */
export function parseDokkufile(
  text: string,
  options: { readonly file: string },
): { dokkufile?: Dokkufile; diagnostics: Diagnostic[] } {
  return parseText(text, options);
}

/** Structural checks of a value (ids, names, references, commands, secrets, guards). */
export function validateDokkufile(file: Dokkufile): Diagnostic[] {
  return validateModel(file);
}

/**
 * Reads the JSON contract: JSON syntax, the format version, the shape (zod schema), then the
 * same structural checks as the text form; every problem located at `file:line:col`.
 * `dokkufile` is set only when there is no error.
 */
export async function dokkufileFromJson(
  text: string,
  options: { readonly file: string },
): Promise<{ dokkufile?: Dokkufile; diagnostics: Diagnostic[] }> {
  const { checkDokkufileShape } = await import("./schema.ts");
  return readJson(text, { file: options.file, checkShape: checkDokkufileShape });
}
