/**
 * Stage C step 25: the container environment (RULES.md F1-F5). Each `env_file` is parsed in order
 * (dotenv rules; a missing file with `required: false` is skipped), later files win, then
 * `environment` overrides them, including entries that are null (F2). The same for `label_file`
 * and `labels`.
 */
import { diag } from "../diagnostics/mod.ts";
import type { LoadContext } from "./_context.ts";
import { parseDotenv } from "./_dotenv.ts";
import { spanAt } from "./_interp_tree.ts";
import { isObj, type Obj, setKey } from "./_util.ts";

function readFiles(
  ctx: LoadContext,
  service: string,
  key: "env_file" | "label_file",
  list: readonly unknown[],
  own: Obj,
): Obj {
  const out: Obj = {};
  list.forEach((entry, i) => {
    if (!isObj(entry) || typeof entry["path"] !== "string") return;
    const abs = entry["path"];
    const path = ["services", service, key, i];
    const span = spanAt(ctx.spans, path);
    if (!ctx.fs.exists(abs)) {
      if (entry["required"] !== false) {
        ctx.diagnostics.push(
          diag("DK2004", { file: ctx.rel(abs) }, { span, path: path.join(".") }),
        );
      }
      return;
    }
    const text = ctx.read(abs, span);
    if (text === undefined) return;
    const file = ctx.rel(abs);
    // `${VAR}` inside: the project environment first, then the service's environment (F4).
    const lookup = (name: string): string | undefined => {
      if (Object.hasOwn(ctx.env, name)) return ctx.env[name];
      const v = own[name];
      return typeof v === "string" ? v : undefined;
    };
    const parsed = parseDotenv(text, { lookup, raw: entry["format"] === "raw" });
    for (const error of parsed.errors) {
      ctx.diagnostics.push(
        diag(error.code, error.args, { span: { file, line: error.line, column: error.column } }),
      );
    }
    for (const e of parsed.entries) setKey(out, e.key, e.value);
  });
  return out;
}

/** Resolves env_file and label_file of the enabled services in place. */
export function resolveContainerEnvironment(ctx: LoadContext, services: Obj): void {
  for (const name of Object.keys(services).sort()) {
    const s = services[name];
    if (!isObj(s)) continue;
    for (
      const [fileKey, mapKey] of [["env_file", "environment"], ["label_file", "labels"]] as const
    ) {
      const files = s[fileKey];
      if (!Array.isArray(files) || files.length === 0) continue;
      const own: Obj = isObj(s[mapKey]) ? s[mapKey] : {};
      const fromFiles = readFiles(ctx, name, fileKey, files, own);
      const merged: Obj = { ...fromFiles };
      for (const [k, v] of Object.entries(own)) setKey(merged, k, v);
      s[mapKey] = merged;
    }
  }
}
