/**
 * The loading pipeline of RULES.md section 1, in order: stage A (files, project directory,
 * environment, name, profiles), stage B per file and document (parse, interpolate, validate,
 * canonicalize, include, !reset/!override, extends, merge) and stage C on the whole model
 * (defaults, checks, profiles, container environment).
 */
import {
  diag,
  type Diagnostic,
  hasErrors,
  sortDiagnostics,
  type Span,
} from "../diagnostics/mod.ts";
import {
  keyPathKey,
  type ParseResult,
  type ParseYamlOptions,
  pathKey,
  type YamlDocument,
  type YamlPath,
} from "../source/plain.ts";
import { canonicalizeFile } from "./_canonical.ts";
import { checkResources, checkServices } from "./_checks.ts";
import { LoadContext, type LoadOptions } from "./_context.ts";
import {
  activeProfiles,
  composeFiles,
  directoryProjectName,
  isValidProjectName,
  normalizeProjectName,
  projectDirectory,
  projectEnvironment,
} from "./_env.ts";
import { resolveContainerEnvironment } from "./_env_files.ts";
import { applyExtends } from "./_extends.ts";
import { applyIncludes, type ProjectLoadOptions, type SubProject } from "./_include.ts";
import { interpolate } from "./_interpolate.ts";
import { interpolateTree, spanAt } from "./_interp_tree.ts";
import { applyResets, mergeTrees } from "./_merge.ts";
import { normalizeModel } from "./_normalize.ts";
import { disabledServices } from "./_profiles.ts";
import type { Unit } from "./_unit.ts";
import { dirname, isObj, type Obj, setKey, sortedKeys } from "./_util.ts";
import type { SchemaIssue } from "./_plain.ts";
import { didYouMean } from "./suggest.ts";
import type { ComposeModel, InputFile, LoadedProject, SourceMap } from "./types.ts";

/** What {@linkcode loadProject} returns. */
export interface LoadResult {
  /** The project, when there are no errors. */
  readonly project?: LoadedProject;
  /** Sorted diagnostics (warnings even on success). */
  readonly diagnostics: readonly Diagnostic[];
  /** The text of every file read, keyed by `Span.file`, for rendering source lines. */
  readonly sources: ReadonlyMap<string, string>;
  /** The same files as a list sorted by path (also on failure). */
  readonly inputs: readonly InputFile[];
}

const KEY_CODES = new Set(["DK2201", "DK2205", "DK2208"]);

/**
 * How {@linkcode loadProjectWith} parses and checks files. Either may answer undefined, "cannot
 * tell without the full parser or model": the load then stops, and is retried with functions that
 * always answer (see `loader.ts`).
 */
export interface LoadStrategy {
  /** Parses one file (see `parseYaml` in `source/mod.ts`). */
  readonly parse: (text: string, options: ParseYamlOptions) => ParseResult | undefined;
  /** Checks the shape of a raw compose tree (see `validateComposeShape` in `schema.ts`). */
  readonly validate: (tree: unknown) => readonly SchemaIssue[] | undefined;
}

class ModelSourceMap implements SourceMap {
  readonly #spans: ReadonlyMap<string, Span>;
  constructor(spans: ReadonlyMap<string, Span>) {
    this.#spans = spans;
  }
  get(path: readonly (string | number)[]): Span | undefined {
    return spanAt(this.#spans, path);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a sequence";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

/** Top-level keys that make a mapping a compose file (besides `version`, `name` and `x-*`). */
const COMPOSE_SECTIONS = [
  "services",
  "include",
  "networks",
  "volumes",
  "secrets",
  "configs",
  "models",
];

const TOP_LEVEL_KEYS = [...COMPOSE_SECTIONS, "name", "version"];

function looksLikeService(value: unknown): boolean {
  return isObj(value) && (Object.hasOwn(value, "image") || Object.hasOwn(value, "build"));
}

/**
 * Why a YAML mapping is some other kind of file (a Kubernetes manifest, a package.json, a CI
 * workflow), so the user gets one clear error instead of an unknown-key error per line.
 * Undefined when it may be a compose file: it has a compose section, has no foreign key, or
 * holds services at the top level (the version 1 layout, reported by the schema with a hint).
 */
function foreignDocument(value: Obj): { reason: string; key: string } | undefined {
  const keys = Object.keys(value);
  if (keys.some((k) => COMPOSE_SECTIONS.includes(k))) return undefined;
  const unknown = keys.filter((k) => k !== "version" && k !== "name" && !k.startsWith("x-"));
  const first = unknown[0];
  if (first === undefined || Object.values(value).some(looksLikeService)) return undefined;
  const has = (k: string) => Object.hasOwn(value, k);
  let reason: string;
  if (has("apiVersion") && has("kind")) {
    const kind = typeof value["kind"] === "string" ? ` (kind "${value["kind"]}")` : "";
    reason = `it looks like a Kubernetes manifest${kind}`;
  } else if (["dependencies", "devDependencies", "scripts"].some(has)) {
    reason = "it looks like a package.json";
  } else if (has("jobs") && has("on")) {
    reason = "it looks like a GitHub Actions workflow";
  } else if (unknown.some((k) => didYouMean(k, TOP_LEVEL_KEYS) !== undefined)) {
    return undefined; // a typo such as `service:`; the schema says "did you mean"
  } else {
    // Sorted so the message does not depend on the file's key order.
    const shown = [...unknown].sort().slice(0, 3).map((k) => `"${k}"`).join(", ");
    reason = `it has no services: key, and its top-level keys (${shown}${
      unknown.length > 3 ? ", ..." : ""
    }) are not compose keys`;
  }
  return { reason, key: first };
}

class Loader {
  readonly ctx: LoadContext;
  readonly #strategy: LoadStrategy;
  /** Set when the strategy could not parse a file or tell whether a document is valid. */
  undecided = false;
  readonly #parsed = new Map<string, YamlDocument[] | undefined>();
  /** `extends.file` targets, per environment (included projects have their own). */
  readonly #extendsFiles = new WeakMap<object, Map<string, Unit | undefined>>();

  constructor(ctx: LoadContext, strategy: LoadStrategy) {
    this.ctx = ctx;
    this.#strategy = strategy;
  }

  /** Reads and parses a file once (stage B steps 5-6); undefined when it cannot be used. */
  parse(abs: string, span?: Span): YamlDocument[] | undefined {
    if (this.#parsed.has(abs)) return this.#parsed.get(abs);
    let result: YamlDocument[] | undefined;
    const text = this.ctx.read(abs, span);
    if (text !== undefined) {
      const file = this.ctx.rel(abs);
      const parsed = this.#strategy.parse(text, { file });
      if (parsed === undefined) this.undecided = true;
      else this.ctx.diagnostics.push(...parsed.diagnostics);
      if (parsed !== undefined && !hasErrors(parsed.diagnostics)) {
        const docs = parsed.documents.filter((d) => d.value !== null);
        if (docs.length === 0) {
          this.ctx.diagnostics.push(diag("DK1005", {}, { span: { file, line: 1, column: 1 } }));
        } else result = docs;
      }
    }
    this.#parsed.set(abs, result);
    return result;
  }

  /** Stage B steps 7-9, 15-16 for one document. */
  unit(
    abs: string,
    doc: YamlDocument,
    options: { baseDir: string; env: Readonly<Record<string, string>> },
  ): Unit | undefined {
    const ctx = this.ctx;
    const file = ctx.rel(abs);
    if (!isObj(doc.value)) {
      ctx.diagnostics.push(
        diag("DK1006", { found: describe(doc.value) }, { span: spanAt(doc.spans, []) }),
      );
      return undefined;
    }
    const spans = doc.spans;
    const foreign = foreignDocument(doc.value);
    if (foreign !== undefined) {
      ctx.diagnostics.push(
        diag("DK2005", { reason: foreign.reason }, {
          span: spans.get(keyPathKey([foreign.key])) ?? spanAt(spans, []),
        }),
      );
      return undefined;
    }
    const tree = interpolateTree(ctx, doc.value, { env: options.env, spans, file }) as Obj;
    const issues = this.#strategy.validate(tree);
    if (issues === undefined) {
      this.undecided = true;
      return undefined;
    }
    let invalid = false;
    for (const issue of issues) {
      // Unknown keys, bad names and empty keys point at the key, not at its value.
      const atKey = KEY_CODES.has(issue.code) ? spans.get(keyPathKey(issue.path)) : undefined;
      const d = diag(issue.code, issue.args, {
        span: atKey ?? spanAt(spans, issue.path),
        path: issue.path.join("."),
        hint: issue.hint,
      });
      if (d.severity === "error") invalid = true;
      ctx.diagnostics.push(d);
    }
    if (Object.hasOwn(tree, "version")) {
      ctx.diagnostics.push(
        diag("DK2001", {}, { span: spans.get(pathKey(["version"])), path: "version" }),
      );
      delete tree["version"];
    }
    // Canonicalize even an invalid file, to report more problems in one run; then drop it.
    const canonical = canonicalizeFile(ctx, tree, {
      baseDir: options.baseDir,
      env: options.env,
      spans,
    });
    if (invalid) return undefined;
    return { abs, rel: file, baseDir: options.baseDir, tree: canonical, spans, tags: doc.tags };
  }

  /** Every document of a compose file, with includes and extends resolved. */
  fileUnits(
    abs: string,
    options: {
      baseDir: string;
      env: Readonly<Record<string, string>>;
      stack: readonly string[];
      modelSoFar: () => Obj;
      span?: Span | undefined;
    },
  ): Unit[] {
    const docs = this.parse(abs, options.span);
    if (docs === undefined) return [];
    const units: Unit[] = [];
    for (const doc of docs) {
      const unit = this.unit(abs, doc, options);
      if (unit === undefined) continue;
      applyIncludes(this.ctx, unit, {
        env: options.env,
        stack: options.stack,
        loadProjectFiles: (files, sub) => this.project(files, sub),
      });
      applyExtends(this.ctx, unit, {
        modelSoFar: options.modelSoFar(),
        loadFile: (target, from) => this.extendsFile(target, options.env, from),
      });
      units.push(unit);
    }
    return units;
  }

  /** A file named by `extends.file`: its paths resolve against its own directory (X2). */
  extendsFile(
    abs: string,
    env: Readonly<Record<string, string>>,
    from: { unit: Unit; service: string },
  ): Unit | undefined {
    let cache = this.#extendsFiles.get(env);
    if (cache === undefined) {
      cache = new Map();
      this.#extendsFiles.set(env, cache);
    }
    if (cache.has(abs)) return cache.get(abs);
    cache.set(abs, undefined); // a file that extends itself through another resolves as missing
    const span = spanAt(from.unit.spans, ["services", from.service, "extends", "file"]);
    const doc = this.parse(abs, span)?.[0];
    const unit = doc === undefined
      ? undefined
      : this.unit(abs, doc, { baseDir: dirname(abs), env });
    if (unit !== undefined) delete unit.tree["include"];
    cache.set(abs, unit);
    return unit;
  }

  /** Loads compose files as one project (the main project, or an included one). */
  project(files: readonly string[], options: ProjectLoadOptions): SubProject {
    let model: Obj = {};
    const all: Unit[] = [];
    for (const abs of files) {
      const units = this.fileUnits(abs, {
        baseDir: options.projectDir,
        env: options.env,
        stack: options.stack.includes(abs) ? options.stack : [...options.stack, abs],
        modelSoFar: () => model,
        span: options.span,
      });
      for (const unit of units) {
        model = applyResets(model, unit.tags.map((t) => t.path));
        model = mergeTrees(model, unit.tree);
        all.push(unit);
      }
    }
    return { tree: model, units: all };
  }
}

function projectName(
  ctx: LoadContext,
  options: LoadOptions,
  loader: Loader,
  files: readonly string[],
  env: Readonly<Record<string, string>>,
): string | undefined {
  const explicit = options.projectName ?? (env["COMPOSE_PROJECT_NAME"] || undefined);
  if (explicit !== undefined) {
    if (isValidProjectName(explicit)) return explicit;
    ctx.diagnostics.push(
      diag("DK2002", {
        name: explicit,
        suggestion: `"${normalizeProjectName(explicit) || "app"}"`,
      }),
    );
    return undefined;
  }
  // The top-level `name:` of the last file that sets it, interpolated, then normalized (P3).
  let candidate: { text: string; span: Span | undefined } | undefined;
  for (const abs of files) {
    for (const doc of loader.parse(abs) ?? []) {
      const value = isObj(doc.value) ? doc.value["name"] : undefined;
      if (typeof value === "string" || typeof value === "number") {
        candidate = { text: String(value), span: doc.spans.get(pathKey(["name"])) };
      }
    }
  }
  if (candidate !== undefined) {
    const result = interpolate(candidate.text, (n) => Object.hasOwn(env, n) ? env[n] : undefined);
    if (!result.ok) {
      ctx.diagnostics.push(
        diag(result.error.code, result.error.args, { span: candidate.span, path: "name" }),
      );
      return undefined;
    }
    const normalized = normalizeProjectName(result.value);
    if (normalized !== "") return normalized;
    ctx.diagnostics.push(
      diag("DK2003", { from: result.value }, { span: candidate.span, path: "name" }),
    );
    return undefined;
  }
  const fromDir = directoryProjectName(ctx.projectDir);
  if (fromDir !== "") return fromDir;
  ctx.diagnostics.push(diag("DK2003", { from: ctx.projectDir.split("/").pop() ?? "" }));
  return undefined;
}

function sortedInputs(ctx: LoadContext): InputFile[] {
  // Map order is the order files were read in, which depends on the load; sort by path.
  return [...ctx.inputs.entries()]
    .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .map(([path, text]) => ({ path, text }));
}

function result(ctx: LoadContext, project?: LoadedProject): LoadResult {
  const diagnostics = sortDiagnostics(ctx.diagnostics);
  const inputs = project?.inputs ?? sortedInputs(ctx);
  return project === undefined
    ? { diagnostics, sources: ctx.inputs, inputs }
    : { project, diagnostics, sources: ctx.inputs, inputs };
}

/**
 * Loads compose files into the canonical model (RULES.md section 1, steps 1-25), parsing and
 * checking them with `strategy`. Never throws for bad input: problems are located diagnostics,
 * and `project` is absent when there is an error. Undefined when the strategy could not tell.
 */
export function loadProjectWith(
  options: LoadOptions,
  strategy: LoadStrategy,
): LoadResult | undefined {
  const found = composeFiles(options);
  if (found.diagnostics.length > 0) {
    return { diagnostics: found.diagnostics, sources: new Map(), inputs: [] };
  }
  const projectDir = projectDirectory(options, found.files);
  const ctx = new LoadContext(options.fs, projectDir, options.env);
  // Stage A.
  const env = projectEnvironment(ctx, options);
  const loader = new Loader(ctx, strategy);
  for (const abs of found.files) loader.parse(abs);
  if (loader.undecided) return undefined;
  if (hasErrors(ctx.diagnostics)) return result(ctx);
  const name = projectName(ctx, options, loader, found.files, env);
  if (name === undefined) return result(ctx);
  ctx.env = { ...env, COMPOSE_PROJECT_NAME: name };
  const profiles = activeProfiles(options, ctx.env);
  // Stage B.
  const merged = loader.project(found.files, { projectDir, env: ctx.env, stack: [] });
  if (loader.undecided) return undefined;
  for (const unit of merged.units) {
    for (const [key, span] of unit.spans) ctx.spans.set(key, span);
  }
  if (hasErrors(ctx.diagnostics)) return result(ctx);
  // Stage C.
  const model = normalizeModel(merged.tree, { projectName: name, projectDir, env: ctx.env });
  checkResources(ctx, model);
  const disabled = disabledServices(model, profiles);
  checkServices(ctx, model, new Set(disabled));
  const all = isObj(model["services"]) ? model["services"] : {};
  const enabled: Obj = {};
  for (const key of sortedKeys(all)) if (!disabled.includes(key)) setKey(enabled, key, all[key]);
  resolveContainerEnvironment(ctx, enabled);
  model["services"] = enabled;
  if (hasErrors(ctx.diagnostics)) return result(ctx);
  const inputs = sortedInputs(ctx);
  return result(ctx, {
    model: model as unknown as ComposeModel,
    sources: new ModelSourceMap(ctx.spans),
    disabledServices: disabled,
    inputs,
    projectDir,
  });
}

export type { YamlPath };
