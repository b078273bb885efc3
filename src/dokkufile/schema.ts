/**
 * The zod (v4) schema of the Dokkufile JSON contract (`dokompose compile --format json`), and its
 * JSON Schema. Built on first use only: importing this module builds nothing.
 *
 * The schema checks shapes (types, required fields, no unknown fields); names, references and
 * commands are checked by the structural validator, which gives located, specific messages.
 *
 * @module
 */
// A namespace import, not `{ z }`: `z` is a namespace object that the bundler cannot tree-shake,
// so it would carry all 64 zod locales into the bundle (763 KB of zod instead of 181 KB).
import * as z from "zod";
import type { Dokkufile } from "./types.ts";
import { PATTERNS } from "./_validate.ts";

function build() {
  const argv = z.array(z.string()).describe(
    "An argv array spawned without a shell; argv[0] is 'dokku'",
  );
  const exitCode = z.int().min(0).max(255);
  const stdin = z.discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("secrets-json"),
      secrets: z.array(z.strictObject({ key: z.string(), secret: z.string() })),
    }).describe(
      'The runtime writes {"KEY": "<resolved secret>"} on stdin; values never appear here',
    ),
    z.strictObject({
      kind: z.literal("archive"),
      context: z.string(),
      files: z.array(
        z.strictObject({ path: z.string(), content: z.string() }).describe(
          "A file added to the archive (path relative to its root); never replaces a context file",
        ),
      ).optional(),
    }).describe("The runtime writes a deterministic tar of this directory (and files) on stdin"),
  ]);
  const accept = z.strictObject({
    exit: exitCode,
    output: z.string(),
    as: z.literal("unchanged"),
    then: argv.optional(),
  }).describe("A benign outcome: this exit code with this text in the output means unchanged");
  const command = z.strictObject({
    argv,
    stdin: stdin.optional(),
    accept: z.array(accept).optional(),
  });
  const guard = z.strictObject({
    argv,
    presentExit: z.array(exitCode),
    missingExit: z.array(exitCode),
  }).describe("A probe: presentExit skips the step, missingExit runs it, anything else fails");
  const source = z.strictObject({
    file: z.string(),
    line: z.int(),
    key: z.string(),
  });
  const step = z.strictObject({
    id: z.string(),
    lock: z.string(),
    needs: z.array(z.string()),
    guard: guard.optional(),
    run: z.array(command),
    undo: z.array(command),
    source: z.array(source),
    notes: z.array(z.string()),
    verify: z.strictObject({
      app: z.string(),
      // Keys checked here: zod copies record entries by assignment, so a "__proto__" key would
      // otherwise vanish instead of being reported.
      processes: z.record(z.string().regex(PATTERNS.process), z.int().min(0)),
    }).optional(),
  });
  const stage = z.strictObject({
    name: z.string(),
    needs: z.array(z.string()),
    steps: z.array(step),
  });
  const warning = z.strictObject({
    code: z.string(),
    file: z.string().optional(),
    line: z.int().optional(),
    key: z.string().optional(),
    message: z.string(),
  });
  return z.strictObject({
    format: z.literal("dokkufile/v1"),
    project: z.string(),
    inputChecksum: z.string(),
    dokkuVersion: z.string(),
    secrets: z.array(z.string()),
    stages: z.array(stage),
    warnings: z.array(warning),
  }).describe("A Dokkufile (format dokkufile/v1), as written by 'dokompose compile --format json'");
}

let cached: ReturnType<typeof build> | undefined;

/** The zod schema of the JSON contract (built on the first call). */
export function dokkufileZodSchema(): z.ZodType<unknown> {
  cached ??= build();
  return cached;
}

/** The JSON Schema (draft 2020-12) of the JSON contract, generated from the zod schema. */
export function dokkufileJsonSchema(): unknown {
  return z.toJSONSchema(dokkufileZodSchema());
}

/** One way a value does not have the contract's shape. */
export interface ShapeIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** For an unknown key: its name (the path is its object). */
  readonly unknownKey?: string;
}

/** The result of {@linkcode checkDokkufileShape}. */
export type ShapeResult =
  | { readonly data: Dokkufile }
  | { readonly issues: readonly ShapeIssue[] };

/** Checks a parsed JSON value against the zod schema. */
export function checkDokkufileShape(value: unknown): ShapeResult {
  const parsed = dokkufileZodSchema().safeParse(value);
  // The schema's output has exactly the model's shape (strict objects, no defaults).
  if (parsed.success) return { data: parsed.data as Dokkufile };
  return {
    issues: parsed.error.issues.map((issue) => {
      const path = issue.path.map((seg) => typeof seg === "symbol" ? String(seg) : seg);
      const unknownKey = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
      return unknownKey === undefined
        ? { path, message: issue.message }
        : { path, message: issue.message, unknownKey };
    }),
  };
}
