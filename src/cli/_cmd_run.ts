/** `dokompose run` and `dokompose plan`. */
import type { CliIo } from "./_io.ts";
import { EXIT_FAILURE } from "./_io.ts";
import type { TargetOptions } from "./main.ts";

export function runRun(_file: string, _opts: TargetOptions, io: CliIo): Promise<number> {
  io.stderr("dokompose run: not implemented yet\n");
  return Promise.resolve(EXIT_FAILURE);
}

export function runPlan(_file: string, _opts: TargetOptions, io: CliIo): Promise<number> {
  io.stderr("dokompose plan: not implemented yet\n");
  return Promise.resolve(EXIT_FAILURE);
}
