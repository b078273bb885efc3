/** Small builders shared by the lowering rules: commands, steps, sources. */
import type {
  Accept,
  Command,
  Guard,
  SourceRef,
  StdinSpec,
  Step,
  Verify,
} from "../dokkufile/types.ts";

/** `dokku <args...>`, spawned as argv (no shell quoting anywhere). */
export function dokku(...args: readonly string[]): Command {
  return { argv: ["dokku", ...args] };
}

/** A command with standard input and/or accepted benign outcomes. */
export function dokkuWith(
  args: readonly string[],
  extra: { readonly stdin?: StdinSpec; readonly accept?: readonly Accept[] },
): Command {
  return { argv: ["dokku", ...args], ...extra };
}

/** An existence probe: `present` exit codes skip the step, `missing` ones run it. */
export function guard(
  args: readonly string[],
  codes: { readonly present: readonly number[]; readonly missing: readonly number[] },
): Guard {
  return { argv: ["dokku", ...args], presentExit: codes.present, missingExit: codes.missing };
}

function compareSource(a: SourceRef, b: SourceRef): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Sources sorted by file, line, key and de-duplicated (inputs come in model order). */
export function sources(refs: readonly SourceRef[]): SourceRef[] {
  const seen = new Set<string>();
  const out: SourceRef[] = [];
  for (const ref of [...refs].sort(compareSource)) {
    const key = `${ref.file}\0${ref.line}\0${ref.key}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file: ref.file, line: ref.line, key: ref.key });
  }
  return out;
}

export interface StepInit {
  readonly id: string;
  readonly lock: string;
  readonly needs?: readonly (string | undefined)[];
  readonly guard?: Guard;
  readonly run: readonly Command[];
  readonly undo?: readonly Command[];
  readonly source: readonly SourceRef[];
  readonly notes?: readonly string[];
  readonly verify?: Verify;
}

/** A step with its needs de-duplicated and sorted, so they never depend on construction order. */
export function step(init: StepInit): Step {
  const needs = [...new Set(init.needs?.filter((n): n is string => n !== undefined) ?? [])]
    .sort();
  const out: Step = {
    id: init.id,
    lock: init.lock,
    needs,
    ...(init.guard === undefined ? {} : { guard: init.guard }),
    run: init.run,
    undo: init.undo ?? [],
    source: sources(init.source),
    notes: init.notes ?? [],
    ...(init.verify === undefined ? {} : { verify: init.verify }),
  };
  return out;
}
