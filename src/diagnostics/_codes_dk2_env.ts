/**
 * Diagnostic codes DK21xx (interpolation, dotenv, units, command splitting) and DK22xx (schema
 * validation of compose files). Keep codes stable once released; add, never renumber.
 *
 * Producers: `src/compose/_interpolate.ts` (DK2101-DK2104), `_dotenv.ts` (DK2110-DK2115),
 * `_units.ts` (DK2120-DK2127), `_shellwords.ts` (DK2130), `schema.ts` (DK22xx). Their results
 * carry `code` and `args` for these templates.
 */
import type { CodeTable } from "./_registry.ts";

const NAME_RULE = 'a variable reference is "${NAME}" or "$NAME" with NAME made of letters, ' +
  'digits and "_", not starting with a digit';

/** The table, built when the registry is first used (not when the module loads). */
export function codesDk2Env(): CodeTable {
  return {
    // --- interpolation -------------------------------------------------------------------------
    DK2101: {
      severity: "error",
      message: 'Invalid interpolation format in "{text}"',
      hint: `Write "$$" for a literal "$"; ${NAME_RULE}`,
    },
    DK2102: {
      severity: "error",
      message: "Required variable {variable} is missing a value: {reason}",
      hint: "Set {variable} in the environment or in the .env file",
    },
    DK2103: {
      severity: "error",
      message: "Required variable {variable} is missing a value",
      hint: "Set {variable} in the environment or in the .env file",
    },
    DK2104: {
      severity: "warning",
      message: 'Variable "{variable}" is not set; substituting an empty string',
      hint:
        'Set it in the environment or in the .env file, or give a default: "${{variable}:-default}"',
    },
    // --- dotenv ----------------------------------------------------------------------------------
    DK2110: {
      severity: "error",
      message: 'Unexpected character "{char}" in variable name "{name}"',
      hint: 'Variable names may contain only letters, digits, "_", ".", "-", "[" and "]"',
    },
    DK2111: {
      severity: "error",
      message: 'Variable name "{name}" contains a space',
      hint: 'Write "NAME=value" with a name made of letters, digits and "_"',
    },
    DK2112: {
      severity: "error",
      message: 'Missing variable name before "{separator}"',
      hint: 'Write "NAME=value"',
    },
    DK2113: {
      severity: "error",
      message: 'Unterminated quoted value for "{name}"',
      hint: "Close the value with a matching {quote} quote",
    },
    DK2114: {
      severity: "error",
      message: 'Unexpected text "{text}" after the closing quote of "{name}"',
      hint: 'Put the whole value inside the quotes, or start a comment with " #"',
    },
    DK2115: {
      severity: "error",
      message: 'Invalid value for "{name}": {reason}',
    },
    // --- units and typed scalars -----------------------------------------------------------------
    DK2120: {
      severity: "error",
      message: 'Invalid duration "{value}": {reason}',
      hint:
        'Write a number with a unit, such as "90s", "1m30s" or "500ms" (units: ns, us, ms, s, ' +
        "m, h, d, w)",
    },
    DK2121: {
      severity: "error",
      message: 'Invalid byte size "{value}": {reason}',
      hint:
        "Write a number of bytes, or a number with a unit b, k, m, g, t or p (binary multiples), " +
        'such as "512m" or "1.5g"',
    },
    DK2122: {
      severity: "error",
      message: 'Invalid CPU count "{value}": expected a non-negative number',
      hint: 'Write a number of CPUs, such as 0.5 or "2"',
    },
    DK2123: {
      severity: "error",
      message: 'Invalid boolean "{value}": expected true or false',
    },
    DK2124: {
      severity: "warning",
      message: 'YAML 1.1 boolean "{value}" is read as {bool}',
      hint: "Write {bool}: YAML 1.2 and the compose specification only know true and false",
    },
    DK2125: {
      severity: "error",
      message: 'Invalid integer "{value}": expected a whole number',
    },
    DK2126: {
      severity: "error",
      message: 'Invalid number "{value}": expected a decimal number',
    },
    DK2127: {
      severity: "error",
      message: 'Number "{value}" is out of range: {reason}',
    },
    // --- command splitting -----------------------------------------------------------------------
    DK2130: {
      severity: "error",
      message: "Cannot split the command into words: {reason}",
      hint: 'Use the list form, for example ["sh", "-c", "a && b"]',
    },
    // --- schema ----------------------------------------------------------------------------------
    /** The hint (did-you-mean) is computed per issue; see `SchemaIssue.hint`. */
    DK2201: {
      severity: "error",
      message: 'Unknown key "{key}" in {where}',
    },
    DK2202: {
      severity: "error",
      message: 'Wrong type for "{path}": expected {expected}, got {actual}',
    },
    DK2203: {
      severity: "error",
      message: 'Invalid value {value} for "{path}": expected {expected}',
    },
    DK2204: {
      severity: "error",
      message: 'Missing required key "{key}" in {where}',
    },
    DK2205: {
      severity: "error",
      message: 'Invalid {kind} name "{name}": expected only letters, digits, ".", "_" and "-"',
      hint: "Rename it, for example to {suggestion}",
    },
    DK2206: {
      severity: "error",
      message: 'Duplicate entry {value} in "{path}"',
      hint: "Each entry of this list must be unique; remove the repeated one",
    },
    DK2207: {
      severity: "error",
      message: 'Value {value} for "{path}" is out of range: expected {expected}',
    },
    DK2208: {
      severity: "error",
      message: "Empty key in {where}",
      hint: "Give the entry a name",
    },
  };
}
