/**
 * Stage B step 12: `extends` (RULES.md X1-X8). For every service with `extends`, the base service
 * is resolved recursively (same file, or another file loaded with the same environment, whose
 * relative paths were resolved against its own directory), deep-copied, and the local definition
 * is merged onto it with the merge rules. Cycles and missing bases are errors.
 */
import { diag } from "../diagnostics/mod.ts";
import { pathKey } from "../source/plain.ts";
import type { LoadContext } from "./_context.ts";
import { spanAt } from "./_interp_tree.ts";
import { mergeService } from "./_merge.ts";
import type { Unit } from "./_unit.ts";
import { clone, dirname, isObj, type Obj, resolvePath } from "./_util.ts";
import { didYouMean } from "./suggest.ts";

export interface ExtendsOptions {
  /** Loads (and caches) another file for `extends.file`; undefined when it cannot be read. */
  readonly loadFile: (abs: string, from: { unit: Unit; service: string }) => Unit | undefined;
  /** The model merged from earlier files (a base may live there). */
  readonly modelSoFar: Obj;
}

function services(unit: Unit): Obj {
  const s = unit.tree["services"];
  return isObj(s) ? s : {};
}

/** Copies the spans of `from` (a service in `fromUnit`) under `to` in `unit`, where missing. */
function inheritSpans(unit: Unit, fromUnit: Unit, from: string, to: string): void {
  const prefix = pathKey(["services", from]);
  const target = pathKey(["services", to]);
  for (const [key, span] of fromUnit.spans) {
    if (key !== prefix && !key.startsWith(prefix + "\u0001")) continue;
    if (key === prefix) continue;
    const moved = target + key.slice(prefix.length);
    if (!unit.spans.has(moved)) unit.spans.set(moved, span);
  }
}

/**
 * `!reset` / `!override` inside an extending service act on what it inherits: a reset path is
 * removed from the merged service, an override path takes the local value wholesale.
 */
function applyLocalTags(merged: Obj, local: Obj, tags: Unit["tags"], name: string): void {
  for (const { path, tag } of tags) {
    if (path[0] !== "services" || path[1] !== name || path.length < 3) continue;
    const rest = path.slice(2);
    if (!rest.every((s) => typeof s === "string")) continue;
    let into: unknown = merged;
    let from: unknown = local;
    for (const seg of rest.slice(0, -1) as string[]) {
      into = isObj(into) ? into[seg] : undefined;
      from = isObj(from) ? from[seg] : undefined;
    }
    const last = rest[rest.length - 1] as string;
    if (!isObj(into)) continue;
    if (tag === "reset") delete into[last];
    else if (isObj(from) && from[last] !== undefined) into[last] = clone(from[last]);
  }
}

/** Resolves every `extends` in `unit` in place. */
export function applyExtends(ctx: LoadContext, unit: Unit, options: ExtendsOptions): void {
  const done = new Set<string>();
  // Services already reported as part of a cycle (report each cycle once).
  const failed = new Set<string>();
  const resolve = (u: Unit, name: string, stack: string[]): Obj | undefined => {
    const svc = services(u)[name];
    if (!isObj(svc)) return undefined;
    const id = `${u.rel}#${name}`;
    const ext = svc["extends"];
    if (!isObj(ext) || done.has(id)) return svc;
    if (failed.has(id)) return undefined;
    if (stack.includes(id)) {
      for (const member of stack.slice(stack.indexOf(id))) failed.add(member);
      const chain = [...stack.slice(stack.indexOf(id)), id].map((s) => s.split("#")[1]).join(
        " -> ",
      );
      ctx.diagnostics.push(
        diag("DK2401", { chain }, { span: spanAt(u.spans, ["services", name, "extends"]) }),
      );
      return undefined;
    }
    const baseName = String(ext["service"] ?? "");
    let baseUnit = u;
    if (typeof ext["file"] === "string") {
      const abs = resolvePath(dirname(u.abs), ext["file"]);
      const loaded = abs === u.abs ? u : options.loadFile(abs, { unit: u, service: name });
      if (loaded === undefined) return undefined;
      baseUnit = loaded;
    }
    let base: Obj | undefined;
    if (isObj(services(baseUnit)[baseName])) {
      base = resolve(baseUnit, baseName, [...stack, id]);
      if (base === undefined) return undefined;
    } else if (
      baseUnit === u && isObj((options.modelSoFar["services"] as Obj | undefined)?.[baseName])
    ) {
      base = (options.modelSoFar["services"] as Obj)[baseName] as Obj;
    } else {
      const near = didYouMean(baseName, Object.keys(services(baseUnit)));
      ctx.diagnostics.push(
        diag("DK2402", { service: name, base: baseName, file: baseUnit.rel }, {
          span: spanAt(u.spans, ["services", name, "extends"]),
          path: `services.${name}.extends`,
          hint: near === undefined ? undefined : `Did you mean "${near}"?`,
        }),
      );
      return undefined;
    }
    const local: Obj = { ...svc };
    delete local["extends"];
    const merged = mergeService(clone(base), local);
    delete merged["extends"];
    applyLocalTags(merged, svc, u.tags, name);
    (u.tree["services"] as Obj)[name] = merged;
    inheritSpans(u, baseUnit, baseName, name);
    done.add(id);
    return merged;
  };
  for (const name of Object.keys(services(unit)).sort()) resolve(unit, name, []);
}
