/** `dokompose compile` and `dokompose graph`. */
import type { CliIo } from "./_io.ts";
import { EXIT_FAILURE } from "./_io.ts";
import type { LoadOptions } from "./main.ts";

export function runCompile(
  _opts: LoadOptions & {
    output?: string;
    strict?: boolean;
    format: "dokkufile" | "json" | "stack";
  },
  io: CliIo,
): Promise<number> {
  io.stderr("dokompose compile: not implemented yet\n");
  return Promise.resolve(EXIT_FAILURE);
}

export function runGraph(
  _opts: LoadOptions & { format: "dot" | "mermaid" | "json" },
  io: CliIo,
): Promise<number> {
  io.stderr("dokompose graph: not implemented yet\n");
  return Promise.resolve(EXIT_FAILURE);
}
