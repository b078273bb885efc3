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
import { codesDk0 } from "./_codes_dk0.ts";
import { codesDk1 } from "./_codes_dk1.ts";
import { codesDk2 } from "./_codes_dk2.ts";
import { codesDk2Env } from "./_codes_dk2_env.ts";
import { codesDk3 } from "./_codes_dk3.ts";
import { codesDk4 } from "./_codes_dk4.ts";
import { codesDk5 } from "./_codes_dk5.ts";
import { codesDk6 } from "./_codes_dk6.ts";

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

let joined: CodeTable | undefined;

/**
 * Every code and its definition. Built on first use: the tables are large object literals, and
 * building them at import would cost every command (most print no diagnostic) ~1 ms of start-up.
 */
export function registry(): CodeTable {
  joined ??= join(
    codesDk0(),
    codesDk1(),
    codesDk2(),
    codesDk2Env(),
    codesDk3(),
    codesDk4(),
    codesDk5(),
    codesDk6(),
  );
  return joined;
}
