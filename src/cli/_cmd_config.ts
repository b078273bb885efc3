/** `dokompose config` and `dokompose validate`. */
import type { CliIo } from "./_io.ts";
import { EXIT_FAILURE } from "./_io.ts";
import type { LoadOptions } from "./main.ts";

export function runConfig(
  _opts: LoadOptions & { format: "yaml" | "json"; output?: string },
  io: CliIo,
): Promise<number> {
  io.stderr("dokompose config: not implemented yet\n");
  return Promise.resolve(EXIT_FAILURE);
}

export function runValidate(_opts: LoadOptions & { strict?: boolean }, io: CliIo): Promise<number> {
  io.stderr("dokompose validate: not implemented yet\n");
  return Promise.resolve(EXIT_FAILURE);
}
