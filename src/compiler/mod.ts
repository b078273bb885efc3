/**
 * The compiler: lowers a {@linkcode Stack} (`stack/v1`) into a {@linkcode Dokkufile}
 * (`dokkufile/v1`), and runs the whole compose -> Dokkufile pipeline for a loaded project.
 *
 * Layout of the result:
 * - stage `setup` (when there is anything host-wide): `network:create` and `storage:create`,
 *   each guarded so a rerun skips them and a rollback only removes what this run created;
 * - one stage per service-graph level (`level-1`, `level-2`, ...; each needs the previous),
 *   holding the datastore and app steps of that level's services.
 *
 * Every command is checked against Dokku's command surface by the tests
 * (`test/compile_commands_valid_test.ts`). The lowering is pure: no I/O, no clock.
 *
 * @module
 */
import type { ArtifactWarning, Dokkufile, Stage, Step } from "../dokkufile/types.ts";
import { DOKKUFILE_FORMAT } from "../dokkufile/types.ts";
import { validateDokkufile } from "../dokkufile/mod.ts";
import type { Stack, StackApp, StackDatastore, StackLink } from "../stack/model.ts";
import type { LoadedProject } from "../compose/types.ts";
import type { Diagnostic, Span } from "../diagnostics/mod.ts";
import { DiagnosticBag, hasErrors, strict as strictDiagnostics } from "../diagnostics/mod.ts";
import { type AppContext, lowerApp } from "./_app.ts";
import { datastoreReadyId, lowerDatastore } from "./_datastore.ts";
import { networkStep, storageStep } from "./_setup.ts";
import { IdAllocator } from "./_text.ts";
import { joinPath, relativePath } from "./_paths.ts";
import { compareVersions, FLOOR_VERSION, sinceOf } from "./_versions.ts";

export { linkVariable } from "../dokku/mod.ts";

/** Options of {@linkcode lowerStack} and {@linkcode compileProject}. */
export interface CompileOptions {
  /** Warnings become errors (`--strict`); with errors, {@linkcode compileProject} returns no Dokkufile. */
  readonly strict?: boolean;
  /**
   * The project-relative directory the Dokkufile is written to (default `.`); build contexts are
   * made relative to it, because the runtime reads them relative to the Dokkufile.
   */
  readonly artifactDir?: string;
  /**
   * The absolute project directory. Only used to reach build contexts when `artifactDir` leaves
   * the project (`../out`); never written into the artifact.
   */
  readonly projectDir?: string;
}

/** The result of {@linkcode lowerStack}. */
export interface LowerResult {
  readonly dokkufile: Dokkufile;
  /** Problems found while lowering (not the Stack's own warnings, which the transform reported). */
  readonly diagnostics: Diagnostic[];
}

/** The compose path (as an array) of each lowering diagnostic, to find its exact span later. */
const composePaths = new WeakMap<Diagnostic, readonly string[]>();

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function spanOf(ref: { readonly file: string; readonly line: number }): Span {
  return { file: ref.file, line: ref.line, column: 1 };
}

/** Service name -> level position (1-based), from the Stack's levels sorted by index. */
function levelsOf(stack: Stack): Map<string, number> {
  const out = new Map<string, number>();
  const levels = [...stack.levels].sort((a, b) => a.index - b.index);
  levels.forEach((level, i) => {
    for (const service of level.services) if (!out.has(service)) out.set(service, i + 1);
  });
  return out;
}

/** The lowest Dokku version that accepts every command of every step. */
function minimumVersion(stages: readonly Stage[]): string {
  let version = FLOOR_VERSION;
  const consider = (argv: readonly string[] | undefined) => {
    if (argv === undefined) return;
    const since = sinceOf(argv);
    if (since !== undefined && compareVersions(since, version) > 0) version = since;
  };
  for (const stage of stages) {
    for (const s of stage.steps) {
      consider(s.guard?.argv);
      for (const c of [...s.run, ...s.undo]) {
        consider(c.argv);
        for (const a of c.accept ?? []) consider(a.then);
      }
    }
  }
  return version;
}

function artifactWarnings(
  stack: Stack,
  own: readonly Diagnostic[],
): ArtifactWarning[] {
  const out: ArtifactWarning[] = stack.warnings.map((w) => ({
    code: w.code,
    message: w.message,
    file: w.source.file,
    line: w.source.line,
    key: w.source.key,
  }));
  for (const d of own) {
    if (d.severity !== "warning") continue;
    out.push({
      code: d.code,
      message: d.message,
      ...(d.span === undefined ? {} : { file: d.span.file, line: d.span.line }),
      ...(d.path === undefined ? {} : { key: d.path }),
    });
  }
  // Sorted by place, then code and message: the Stack lists warnings in discovery order.
  return out.sort((a, b) =>
    compareStrings(a.file ?? "", b.file ?? "") || (a.line ?? 0) - (b.line ?? 0) ||
    compareStrings(a.code, b.code) || compareStrings(a.message, b.message)
  );
}

/**
 * Lowers a Stack into a Dokkufile. Pure and deterministic: the same Stack always gives the same
 * Dokkufile. Diagnostics are the lowering's own (e.g. a secret datastore flag that cannot be
 * passed on the command line); with `strict`, its warnings are errors.
 */
export function lowerStack(stack: Stack, options: CompileOptions = {}): LowerResult {
  const bag = new DiagnosticBag();
  const ids = new IdAllocator();
  // `network/...` and `storage/...` are the setup steps' ids: no service may use those prefixes.
  ids.take("network");
  ids.take("storage");
  const networkIds = new IdAllocator();
  const storageIds = new IdAllocator();
  const setupSteps: Step[] = [];
  const networkSteps = new Map<string, string>();
  for (const network of [...stack.networks].sort((a, b) => compareStrings(a.name, b.name))) {
    const s = networkStep(network, `network/${networkIds.take(network.name)}`);
    if (s === undefined) continue;
    setupSteps.push(s);
    networkSteps.set(network.name, s.id);
  }
  const storageSteps = new Map<string, string>();
  for (const storage of [...stack.storage].sort((a, b) => compareStrings(a.name, b.name))) {
    const s = storageStep(storage, `storage/${storageIds.take(storage.name)}`);
    if (s === undefined) continue;
    setupSteps.push(s);
    storageSteps.set(storage.name, s.id);
  }

  // Services in sorted order (string order: integer-like names must not jump ahead).
  const apps = [...stack.apps].sort((a, b) => compareStrings(a.service, b.service));
  const datastores = [...stack.datastores].sort((a, b) => compareStrings(a.service, b.service));
  const services = [...apps.map((a) => a.service), ...datastores.map((d) => d.service)].sort(
    compareStrings,
  );
  const prefixes = new Map<string, string>();
  for (const service of services) prefixes.set(service, ids.take(service));
  const prefixOf = (service: string) => prefixes.get(service) ?? service;

  const levelOf = levelsOf(stack);
  let lastLevel = 0;
  for (const level of levelOf.values()) if (level > lastLevel) lastLevel = level;
  /** Level -> service -> its steps; a stage lists its services in sorted order. */
  const stageSteps = new Map<number, Map<string, readonly Step[]>>();
  const place = (service: string, steps: readonly Step[]) => {
    // A service missing from the levels (a Stack bug) still gets set up, after everything else.
    const level = levelOf.get(service) ?? lastLevel + 1;
    const byService = stageSteps.get(level) ?? new Map<string, readonly Step[]>();
    byService.set(service, steps);
    stageSteps.set(level, byService);
  };

  const appServices = new Set(apps.map((a) => a.service));
  const readyIds = new Map<string, string>(
    datastores.map((ds) => [ds.service, datastoreReadyId(ds, prefixOf(ds.service))]),
  );
  /** What a dependent waits for: an app's deploy, or a datastore's last setup step. */
  const readyOf = (service: string): string | undefined =>
    appServices.has(service) ? `${prefixOf(service)}/deploy` : readyIds.get(service);
  const datastoreByName = new Map<string, StackDatastore>();
  const datastoreByService = new Map<string, StackDatastore>();
  for (const ds of datastores) {
    datastoreByName.set(ds.name, ds);
    datastoreByService.set(ds.service, ds);
    const lowered = lowerDatastore(ds, {
      prefix: prefixOf(ds.service),
      networkNeeds: ds.networks.flatMap((n) => networkSteps.get(n) ?? []),
      dependencyNeeds: (ds.dependsOn ?? []).flatMap((dep) => readyOf(dep) ?? []),
      bag,
      span: spanOf(ds.source),
      path: ["services", ds.service],
      onDiagnostic: (d, path) => composePaths.set(d, path),
    });
    place(ds.service, lowered);
  }

  const appByName = new Map<string, StackApp>(apps.map((a) => [a.name, a]));
  const appByService = new Map<string, StackApp>(apps.map((a) => [a.service, a]));
  const linksByApp = new Map<string, StackLink[]>();
  for (const link of stack.links) {
    const app = appByName.get(link.app) ?? appByService.get(link.app);
    if (app === undefined) continue;
    const list = linksByApp.get(app.service) ?? [];
    list.push(link);
    linksByApp.set(app.service, list);
  }

  const artifactDir = options.artifactDir ?? ".";
  for (const app of apps) {
    const prefix = prefixOf(app.service);
    const links: AppContext["links"][number][] = [];
    for (const link of linksByApp.get(app.service) ?? []) {
      const ds = datastoreByName.get(link.datastore) ?? datastoreByService.get(link.datastore);
      if (ds === undefined) continue;
      links.push({
        link: { ...link, datastore: ds.name },
        prefix: prefixOf(ds.service),
        readyId: readyIds.get(ds.service) ?? `${prefixOf(ds.service)}/create`,
      });
    }
    links.sort((a, b) => compareStrings(a.prefix, b.prefix));
    const dependencyNeeds: string[] = [];
    for (const dep of app.dependsOn) {
      const ready = readyOf(dep);
      if (ready !== undefined) dependencyNeeds.push(ready);
    }
    let archiveContext: string | undefined;
    if (app.deploy.kind === "build" && app.deploy.git === undefined) {
      archiveContext = relativePath(artifactDir, app.deploy.context);
      if (archiveContext === undefined && options.projectDir !== undefined) {
        archiveContext = relativePath(
          joinPath(options.projectDir, artifactDir),
          joinPath(options.projectDir, app.deploy.context),
        );
      }
      if (archiveContext === undefined) {
        const d = bag.add("DK4801", {
          context: app.deploy.context,
          service: app.service,
          dir: artifactDir,
        }, { span: spanOf(app.deploy.source), path: app.deploy.source.key });
        composePaths.set(d, ["services", app.service, "build"]);
      }
    }
    // A build from an archive gets a generated app.json (see lowerApp); a git sync cannot.
    if (
      app.deploy.kind === "build" && app.deploy.git !== undefined &&
      (app.healthchecks?.length ?? 0) > 0
    ) {
      const d = bag.add("DK4802", {
        service: app.service,
        repository: app.deploy.git.repository,
        step: `${prefix}/deploy`,
      }, {
        span: spanOf(app.healthcheckSource ?? app.source),
        path: `services.${app.service}.healthcheck`,
      });
      composePaths.set(d, ["services", app.service, "healthcheck"]);
    }
    place(
      app.service,
      lowerApp(app, {
        prefix,
        links,
        storageSteps,
        networkSteps,
        dependencyNeeds,
        ...(archiveContext === undefined ? {} : { archiveContext }),
      }),
    );
  }

  const stages: Stage[] = [];
  if (setupSteps.length > 0) stages.push({ name: "setup", needs: [], steps: setupSteps });
  for (const level of [...stageSteps.keys()].sort((a, b) => a - b)) {
    const previous = stages[stages.length - 1];
    stages.push({
      name: `level-${level}`,
      needs: previous === undefined ? [] : [previous.name],
      // Sorted by service name (string order): the Stack's record order is not meaningful.
      steps: [...(stageSteps.get(level) ?? new Map<string, readonly Step[]>()).entries()]
        .sort(([a], [b]) => compareStrings(a, b))
        .flatMap(([, steps]) => steps),
    });
  }

  const own = options.strict
    ? bag.items.map((d) => {
      const e = strictDiagnostics([d])[0] ?? d;
      const path = composePaths.get(d);
      if (path !== undefined) composePaths.set(e, path);
      return e;
    })
    : [...bag.items];
  const secrets = new Set(stack.secrets);
  for (const app of apps) for (const s of app.secretConfig) secrets.add(s.secret);
  const dokkufile: Dokkufile = {
    format: DOKKUFILE_FORMAT,
    project: stack.project,
    inputChecksum: stack.inputChecksum,
    dokkuVersion: minimumVersion(stages),
    secrets: [...secrets].sort(compareStrings),
    stages,
    warnings: artifactWarnings(stack, own),
  };
  return { dokkufile, diagnostics: [...own, ...selfCheck(dokkufile)] };
}

/**
 * The compiler's check of its own output: `validateDokkufile` on the lowered Dokkufile. Any
 * finding (error or warning) is a bug in the lowering, reported as one internal error (DK4803)
 * each, so a broken artifact is never written.
 */
export function selfCheck(dokkufile: Dokkufile): Diagnostic[] {
  const bag = new DiagnosticBag();
  for (const finding of validateDokkufile(dokkufile)) {
    bag.add("DK4803", {
      code: finding.code,
      path: finding.path ?? "",
      finding: finding.message,
    });
  }
  return [...bag.items];
}

/** The result of {@linkcode compileProject}. */
export interface CompileResult {
  /** Absent when there are errors. */
  readonly dokkufile?: Dokkufile;
  /** The Stack, when the transform succeeded. */
  readonly stack?: Stack;
  readonly diagnostics: Diagnostic[];
}

/**
 * The whole compile: compose project -> Stack (`transformToStack`) -> Dokkufile. With errors
 * (or warnings under `strict`), no Dokkufile is returned.
 */
export async function compileProject(
  project: LoadedProject,
  options: CompileOptions = {},
): Promise<CompileResult> {
  const { transformToStack, inputChecksumAsync } = await import("../stack/mod.ts");
  const checksum = await inputChecksumAsync(project.inputs);
  const transformed = transformToStack(project, { inputChecksum: checksum });
  const diagnostics: Diagnostic[] = options.strict
    ? strictDiagnostics(transformed.diagnostics)
    : [...transformed.diagnostics];
  const stack = transformed.stack;
  if (stack === undefined || hasErrors(diagnostics)) {
    return { ...(stack === undefined ? {} : { stack }), diagnostics };
  }
  const lowered = lowerStack(stack, {
    ...options,
    projectDir: options.projectDir ?? project.projectDir,
  });
  diagnostics.push(...relocate(lowered.diagnostics, project));
  if (hasErrors(diagnostics)) return { stack, diagnostics };
  return { dokkufile: lowered.dokkufile, stack, diagnostics };
}

/** Gives lowering diagnostics the exact column of their compose key, when the loader knows it. */
function relocate(diagnostics: readonly Diagnostic[], project: LoadedProject): Diagnostic[] {
  return diagnostics.map((d) => {
    const path = composePaths.get(d);
    if (path === undefined) return d;
    const span = project.sources.get(path);
    return span === undefined ? d : { ...d, span };
  });
}
