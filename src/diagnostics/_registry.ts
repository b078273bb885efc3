/**
 * The one registry of diagnostic codes and their message templates.
 *
 * Ranges: DK0xxx input/output and CLI, DK1xxx YAML and sources, DK2xxx schema and compose
 * semantics, DK3xxx service graph, DK4xxx Dokku mapping, DK5xxx runtime, DK6xxx Dokkufile.
 * Each stage owns one file below; this module joins them so a code is defined exactly once.
 *
 * Templates use `{name}` placeholders, filled from the `args` given to `diag()`. Message grammar
 * (Deno style): sentence case, no trailing period, quoted values, say what is wrong and what is
 * expected.
 */
import type { Severity } from "./_types.ts";
import { CODES_DK0 } from "./_codes_dk0.ts";
import { CODES_DK1 } from "./_codes_dk1.ts";
import { CODES_DK2 } from "./_codes_dk2.ts";
import { CODES_DK2_ENV } from "./_codes_dk2_env.ts";
import { CODES_DK3 } from "./_codes_dk3.ts";
import { CODES_DK4 } from "./_codes_dk4.ts";
import { CODES_DK5 } from "./_codes_dk5.ts";
import { CODES_DK6 } from "./_codes_dk6.ts";

export interface CodeDef {
  /** Default severity; a caller may override it (for example `--strict` turns warnings into errors). */
  readonly severity: Severity;
  /** Message template with `{name}` placeholders. */
  readonly message: string;
  /** Optional hint template with `{name}` placeholders. */
  readonly hint?: string;
}

export type CodeTable = Readonly<Record<string, CodeDef>>;

function join(...tables: CodeTable[]): CodeTable {
  const out: Record<string, CodeDef> = {};
  for (const table of tables) {
    for (const [code, def] of Object.entries(table)) {
      if (code in out) throw new Error(`Diagnostic code ${code} is defined twice`);
      out[code] = def;
    }
  }
  return out;
}

export const REGISTRY: CodeTable = join(
  CODES_DK0,
  CODES_DK1,
  CODES_DK2,
  CODES_DK2_ENV,
  CODES_DK3,
  CODES_DK4,
  CODES_DK5,
  CODES_DK6,
);
