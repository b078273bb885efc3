/**
 * Rollback: undo the steps applied in this run, in reverse completion order.
 *
 * - A step whose guard found its thing already present is kept: this run did not create it.
 * - A step whose settings were captured before it ran gets them back: when every command of the
 *   step was captured, the restore replaces the step's UNDO; otherwise UNDO runs first and the
 *   restore after it (so the captured values win).
 * - Otherwise the step's UNDO commands run, in order.
 * A failing undo command is reported and the rollback goes on: stopping would leave more behind.
 * A step that failed part-way is undone too; failures of its undo are expected (part of what it
 * undoes never happened) and are reported as warnings.
 */
import { diag, type Diagnostic } from "../diagnostics/mod.ts";
import type { AppliedStep, CommandContext, StepResult } from "./_executor.ts";

/** Options for {@linkcode rollbackSteps}. */
export interface RollbackOptions {
  readonly ctx: CommandContext;
  /**
   * Called when a step is done with: `restored` when only its captured settings were put back
   * (the server is as before the run), `undone` when its UNDO ran.
   */
  readonly onUndone: (id: string, how: "restored" | "undone") => void;
}

/** The outcome of a rollback. */
export interface RollbackOutcome {
  readonly ok: boolean;
  readonly results: ReadonlyMap<string, StepResult>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Undoes `applied` (given in completion order) from last to first. */
export async function rollbackSteps(
  applied: readonly AppliedStep[],
  options: RollbackOptions,
): Promise<RollbackOutcome> {
  const { ctx } = options;
  const results = new Map<string, StepResult>();
  const diagnostics: Diagnostic[] = [];
  let ok = true;
  ctx.emit({ event: "rollback.start", steps: applied.length });
  for (const a of [...applied].reverse()) {
    const id = a.planned.id;
    const step = a.planned.step;
    if (!a.created) {
      results.set(id, "kept");
      ctx.emit({
        event: "step.undo",
        step: id,
        result: "kept",
        message: "it existed before this run, so it is left in place",
      });
      continue;
    }
    let stepOk = true;
    const fail = (argv: readonly string[], exit: number, output: string) => {
      stepOk = false;
      diagnostics.push(diag(a.partial ? "DK5008" : "DK5007", {
        step: id,
        command: argv.map(ctx.redact).join(" "),
        exit,
        output: ctx.redact(output.trim()).split("\n").slice(-3).join(" / "),
      }));
    };
    const useUndo = !(a.fullyCaptured && a.restores.length > 0);
    if (useUndo) {
      for (const command of step.undo) {
        const input = ctx.stdinFor(command);
        if (input.error !== undefined) {
          fail(command.argv, -1, input.error);
          continue;
        }
        const r = await ctx.run(id, "undo", command.argv, { stdin: input.stdin });
        if (r.code !== 0) fail(command.argv, r.code, r.stdout + r.stderr);
      }
    }
    for (const restore of a.restores) {
      const r = await ctx.run(id, "restore", restore.argv, { stdin: restore.stdin });
      if (r.code !== 0) fail(restore.argv, r.code, r.stdout + r.stderr);
    }
    const nothing = (!useUndo || step.undo.length === 0) && a.restores.length === 0;
    if (!a.partial) {
      results.set(id, !stepOk ? "failed" : nothing ? "left" : useUndo ? "undone" : "restored");
    }
    if (stepOk || a.partial) options.onUndone(id, useUndo ? "undone" : "restored");
    if (!stepOk && !a.partial) ok = false;
    ctx.emit({
      event: "step.undo",
      step: id,
      result: !stepOk && !a.partial
        ? "failed"
        : nothing
        ? "nothing"
        : useUndo
        ? "undone"
        : "restored",
      message: nothing
        ? "it has no undo commands (what it did stays)"
        : !stepOk
        ? (a.partial
          ? "undone as far as possible (the step had only partly run)"
          : "some undo commands failed")
        : useUndo
        ? (a.restores.length > 0 ? "undone, and its captured settings restored" : "undone")
        : "its captured settings restored",
    });
  }
  ctx.emit({ event: "rollback.done", ok });
  return { ok, results, diagnostics };
}
