/**
 * Stage B step 8: interpolate every scalar value of one file's tree (never the keys), then cast
 * the values at typed paths (RULES.md I1-I18). Runs on the raw tree, before short syntaxes are
 * expanded, so `"${HOST_IP}:${PORT}:80"` works.
 */
import { diag, type Span } from "../diagnostics/mod.ts";
import { pathKey, type YamlPath } from "../source/plain.ts";
import type { LoadContext } from "./_context.ts";
import { interpolate } from "./_interpolate.ts";
import { castBool, castFloat, castInt, type CastKind, castKindAt } from "./_units.ts";
import { isObj, type Obj, setKey } from "./_util.ts";

const CAST_ROOTS = new Set(["services", "networks", "volumes", "secrets", "configs"]);

export interface InterpolateOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly spans: ReadonlyMap<string, Span>;
  readonly file: string;
}

function castValue(
  ctx: LoadContext,
  value: string,
  kind: CastKind,
  where: { path: YamlPath; span: Span | undefined },
): unknown {
  const text = value.trim();
  const opts = { span: where.span, path: where.path.join(".") };
  const result = kind === "bool"
    ? castBool(text)
    : kind === "int"
    ? castInt(text)
    : castFloat(text);
  if (!result.ok) {
    ctx.diagnostics.push(diag(result.code, result.args, opts));
    return value;
  }
  if ("warning" in result && result.warning !== undefined) {
    ctx.diagnostics.push(diag(result.warning.code, result.warning.args, opts));
  }
  return result.value;
}

/** Interpolates `tree` (one YAML document) in place of a copy; returns the new tree. */
export function interpolateTree(
  ctx: LoadContext,
  tree: unknown,
  options: InterpolateOptions,
): unknown {
  const lookup = (name: string): string | undefined =>
    Object.hasOwn(options.env, name) ? options.env[name] : undefined;
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === "string") {
      let out: unknown = value;
      if (value.includes("$")) {
        const span = spanAt(options.spans, path);
        const result = interpolate(value, lookup);
        if (!result.ok) {
          ctx.diagnostics.push(
            diag(result.error.code, result.error.args, { span, path: path.join(".") }),
          );
          return value;
        }
        for (const name of result.unset) {
          if (ctx.warnedVars.has(name)) continue;
          ctx.warnedVars.add(name);
          ctx.diagnostics.push(diag("DK2104", { variable: name }, { span, path: path.join(".") }));
        }
        out = result.value;
      }
      const cast = typeof out === "string" && CAST_ROOTS.has(path[0] as string)
        ? castKindAt(path)
        : undefined;
      if (cast !== undefined && typeof out === "string") {
        return castValue(ctx, out, cast, { path, span: spanAt(options.spans, path) });
      }
      return out;
    }
    if (Array.isArray(value)) {
      return value.map((item, i) => walk(item, [...path, i]));
    }
    if (isObj(value)) {
      const out: Obj = {};
      for (const [k, v] of Object.entries(value)) setKey(out, k, walk(v, [...path, k]));
      return out;
    }
    return value;
  };
  return walk(tree, []);
}

/** The span of `path` in a span map, falling back to the nearest ancestor. */
export function spanAt(spans: ReadonlyMap<string, Span>, path: YamlPath): Span | undefined {
  for (let n = path.length; n >= 0; n--) {
    const span = spans.get(pathKey(path.slice(0, n)));
    if (span !== undefined) return span;
  }
  return undefined;
}
