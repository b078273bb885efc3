/**
 * The zod-free half of shape validation: {@linkcode isPlainlyValid}, the check that lets most
 * files skip the zod model, and the {@linkcode SchemaIssue} type both halves report. The loader
 * imports this module, not `schema.ts`, so that a plainly valid file never loads zod.
 *
 * @module
 */
import { isObj } from "./_util.ts";

/** Resource names (services, networks, volumes, secrets, configs, models). */
export const NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;

/** One shape problem: a registered code, its template arguments, and where it is. */
export interface SchemaIssue {
  /**
   * The compose path of the offending node. For an unknown key (DK2201), an invalid name
   * (DK2205) or an empty key (DK2208) the last element is that key: point at the key, not its
   * value. For a missing key (DK2204) the path is the mapping that lacks it.
   */
  readonly path: readonly (string | number)[];
  readonly code: string;
  readonly args: Record<string, string>;
  /** A did-you-mean or migration hint (DK2201); the registry has no hint for that code. */
  readonly hint?: string;
}

/** What zod's `z.number()` accepts (it refuses NaN and infinities). */
function isFiniteNumber(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value);
}

/** True for a list of `item`s without duplicates (the model's `uniqueItems` lists). */
function isUniqueList(value: unknown, item: (v: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return false;
  const seen = new Set<string>();
  for (const element of value) {
    if (!item(element)) return false;
    // Scalars only here, so JSON text is the model's duplicate key (`stableKey`).
    const key = JSON.stringify(element);
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

const isString = (value: unknown): boolean => typeof value === "string";
const isEnvValue = (value: unknown): boolean =>
  value === null || typeof value === "string" || typeof value === "boolean" ||
  isFiniteNumber(value);

/** list_or_dict: a mapping with non-empty keys and scalar values, or a unique list of strings. */
const isListOrDict = (value: unknown): boolean =>
  isObj(value)
    ? Object.entries(value).every(([key, v]) => key !== "" && isEnvValue(v))
    : isUniqueList(value, isString);
/** A string or a list of strings (duplicates allowed). */
const isStringOrStrings = (value: unknown): boolean =>
  typeof value === "string" || (Array.isArray(value) && value.every(isString));
/** The model's `command`: null, a string, or a list of strings. */
const isCommand = (value: unknown): boolean => value === null || isStringOrStrings(value);
/** Ports as `ports` and `expose` take them in the short form: a unique list of strings or numbers. */
const isPortList = (value: unknown): boolean =>
  isUniqueList(value, (p) => typeof p === "string" || isFiniteNumber(p));
/** The model's `bool`: a boolean, or a string (interpolated values). */
const isBool = (value: unknown): boolean => typeof value === "boolean" || typeof value === "string";
const isStringList = (value: unknown): boolean => isUniqueList(value, isString);
/** A mapping whose keys are resource names and whose values are all null (`pgdata:`). */
const isNamesWithoutSettings = (value: unknown): boolean =>
  isObj(value) &&
  Object.entries(value).every(([key, v]) => NAME_PATTERN.test(key) && v === null);

/** The model's `num`: a finite number, or a string (interpolated values). */
const isNum = (value: unknown): boolean => typeof value === "string" || isFiniteNumber(value);

/** A mapping with only `fields` (each with its check), no other key. */
function isRecordOf(
  value: unknown,
  fields: Readonly<Record<string, (v: unknown) => boolean>>,
): boolean {
  return isObj(value) &&
    Object.entries(value).every(([key, v]) =>
      Object.hasOwn(fields, key) && (fields[key] as (v: unknown) => boolean)(v)
    );
}

const HEALTHCHECK_FIELDS: Readonly<Record<string, (value: unknown) => boolean>> = {
  disable: isBool,
  interval: isString,
  retries: isNum,
  test: isStringOrStrings,
  timeout: isString,
  start_period: isString,
  start_interval: isString,
};

/** The common part of the long build form. */
const BUILD_FIELDS: Readonly<Record<string, (value: unknown) => boolean>> = {
  context: isString,
  dockerfile: isString,
  target: isString,
  args: isListOrDict,
};

/**
 * Service keys the fast path knows, each with a check that accepts only what the model accepts
 * (it may refuse more: anything it refuses goes through the full model).
 */
const SIMPLE_SERVICE_KEYS: Readonly<Record<string, (value: unknown) => boolean>> = {
  image: isString,
  environment: isListOrDict,
  labels: isListOrDict,
  ports: isPortList,
  expose: isPortList,
  // The short forms only (list_of_strings); the long forms go through the model.
  depends_on: isStringList,
  volumes: isStringList,
  networks: (value) => isStringList(value) || isNamesWithoutSettings(value),
  profiles: isStringList,
  command: isCommand,
  entrypoint: isCommand,
  // The model's own (unanchored) pattern for container names.
  container_name: (value) => typeof value === "string" && /[a-zA-Z0-9][a-zA-Z0-9_.-]+/.test(value),
  env_file: isStringOrStrings,
  hostname: isString,
  restart: isString,
  stop_grace_period: isString,
  user: isString,
  working_dir: isString,
  init: isBool,
  tty: isBool,
  healthcheck: (value) => isRecordOf(value, HEALTHCHECK_FIELDS),
  build: (value) => typeof value === "string" || isRecordOf(value, BUILD_FIELDS),
};

/** Top-level keys besides `services` the fast path knows: named resources without settings. */
const SIMPLE_ROOT_KEYS: Readonly<Record<string, (value: unknown) => boolean>> = {
  networks: isNamesWithoutSettings,
  volumes: isNamesWithoutSettings,
};

/**
 * True when `tree` is plainly valid: only common keys, each in a form checked here exactly as
 * the model checks it (or more strictly). Such a file (most files) is never given to zod, whose schema
 * costs more to build than the file takes to check; everything else is.
 * `test/compose_schema_fast_test.ts` checks that the model accepts whatever this accepts.
 */
export function isPlainlyValid(tree: unknown): boolean {
  if (!isObj(tree)) return false;
  for (const [key, value] of Object.entries(tree)) {
    if (key.startsWith("x-")) continue;
    if (key === "name" || key === "version") {
      if (typeof value !== "string") return false;
    } else if (key === "services") {
      if (!isObj(value)) return false;
      for (const [name, service] of Object.entries(value)) {
        if (!NAME_PATTERN.test(name) || !isObj(service)) return false;
        for (const [field, setting] of Object.entries(service)) {
          if (field.startsWith("x-")) continue;
          if (!Object.hasOwn(SIMPLE_SERVICE_KEYS, field)) return false;
          if (!(SIMPLE_SERVICE_KEYS[field] as (v: unknown) => boolean)(setting)) return false;
        }
      }
    } else if (Object.hasOwn(SIMPLE_ROOT_KEYS, key)) {
      if (!(SIMPLE_ROOT_KEYS[key] as (v: unknown) => boolean)(value)) return false;
    } else {
      return false;
    }
  }
  return true;
}
