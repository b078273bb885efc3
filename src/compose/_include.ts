/**
 * Stage B step 10: `include` (RULES.md IN1-IN5). Each entry is loaded as its own project (its own
 * directory, its own `.env` overridden by the parent environment), fully resolved, then its
 * services and resources are copied into the including file's tree.
 */
import { diag, type Span } from "../diagnostics/mod.ts";
import { pathKey } from "../source/plain.ts";
import type { LoadContext } from "./_context.ts";
import { readEnvFiles } from "./_env.ts";
import { spanAt } from "./_interp_tree.ts";
import { mergeService, mergeValue } from "./_merge.ts";
import type { Unit } from "./_unit.ts";
import { dirname, isObj, type Obj, resolvePath, scalarString, setKey } from "./_util.ts";

export interface SubProject {
  readonly tree: Obj;
  readonly units: readonly Unit[];
}

export interface IncludeOptions {
  /** The parent project environment (wins over the included project's `.env`). */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute paths of the files being included right now (cycle detection). */
  readonly stack: readonly string[];
  /** Loads compose files as one project rooted at `projectDir`. */
  readonly loadProjectFiles: (
    files: readonly string[],
    options: ProjectLoadOptions,
  ) => SubProject | undefined;
}

/** How one project (the main one, or an included one) is loaded. */
export interface ProjectLoadOptions {
  readonly projectDir: string;
  readonly env: Readonly<Record<string, string>>;
  /** Absolute paths of the files being included right now (cycle detection). */
  readonly stack: readonly string[];
  /** Where the include entry is, for "cannot read" errors. */
  readonly span?: Span | undefined;
}

const SECTIONS = ["services", "networks", "volumes", "secrets", "configs", "models"] as const;

/** Resolves `unit.tree.include` in place and removes it. */
export function applyIncludes(ctx: LoadContext, unit: Unit, options: IncludeOptions): void {
  const entries = unit.tree["include"];
  delete unit.tree["include"];
  if (!Array.isArray(entries)) return;
  entries.forEach((entry, i) => {
    if (!isObj(entry)) return;
    const at = spanAt(unit.spans, ["include", i]);
    const paths = (Array.isArray(entry["path"]) ? entry["path"] : []).map((p) =>
      resolvePath(unit.baseDir, scalarString(p))
    );
    const first = paths[0];
    if (first === undefined) return;
    for (const abs of paths) {
      if (options.stack.includes(abs)) {
        const chain = [...options.stack.slice(options.stack.indexOf(abs)), abs].map((p) =>
          ctx.rel(p)
        );
        ctx.diagnostics.push(diag("DK2501", { chain: chain.join(" -> ") }, { span: at }));
        return;
      }
    }
    const projectDir = typeof entry["project_directory"] === "string"
      ? resolvePath(unit.baseDir, entry["project_directory"])
      : dirname(first);
    const envFiles = Array.isArray(entry["env_file"])
      ? entry["env_file"].map((f) => ({
        abs: resolvePath(unit.baseDir, scalarString(f)),
        required: true,
      }))
      : [{ abs: resolvePath(projectDir, ".env"), required: false }];
    // The included project's .env, overridden by the parent environment (IN2).
    const env = readEnvFiles(ctx, envFiles, options.env);
    const sub = options.loadProjectFiles(paths, {
      projectDir,
      env,
      stack: [...options.stack, ...paths],
      span: at,
    });
    if (sub === undefined) return;
    for (const u of sub.units) {
      for (const [k, span] of u.spans) if (!unit.spans.has(k)) unit.spans.set(k, span);
    }
    for (const section of SECTIONS) {
      const imported = sub.tree[section];
      if (!isObj(imported)) continue;
      const local: Obj = isObj(unit.tree[section]) ? { ...(unit.tree[section] as Obj) } : {};
      for (const [name, value] of Object.entries(imported)) {
        const mine = local[name];
        if (mine === undefined) {
          setKey(local, name, value);
          continue;
        }
        // IN5 (not normative): warn, then merge the local definition over the imported one.
        ctx.diagnostics.push(
          diag("DK2502", { section, name, file: ctx.rel(first) }, {
            span: unit.spans.get(pathKey([section, name])) ?? at,
            path: `${section}.${name}`,
          }),
        );
        setKey(
          local,
          name,
          section === "services" && isObj(value) && isObj(mine)
            ? mergeService(value, mine)
            : mergeValue(value, mine),
        );
      }
      unit.tree[section] = local;
    }
  });
}
