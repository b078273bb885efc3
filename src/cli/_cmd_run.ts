/**
 * `dokompose run` and `dokompose plan`: the runtime's I/O edge. Reads the Dokkufile, the secrets
 * and the build contexts, loads the state, plans, and (for `run`) takes the lock, executes and
 * reports. Exit codes: 0 ok, 1 failure (the run was rolled back unless --no-rollback), 2 usage;
 * `plan --detailed-exitcode`: 0 nothing to do, 2 changes pending, 1 error.
 */
import type { CliIo } from "./_io.ts";
import { EXIT_FAILURE, EXIT_OK, UsageError } from "./_io.ts";
import type { TargetOptions } from "./main.ts";
import type { Dokkufile } from "../dokkufile/types.ts";
import { dirname, resolve as resolvePath } from "../path/mod.ts";
import { isSpecialFile } from "../runtime/files.ts";
import { diag, type Diagnostic, hasErrors, renderText } from "../diagnostics/mod.ts";
import {
  addGeneratedFiles,
  archiveKey,
  type ArchiveSpec,
  buildTar,
  type CommandRunner,
  createRunner,
  defaultStatePath,
  eventJson,
  executePlan,
  failureHint,
  JsonProgress,
  makeRedactor,
  maskUrlPasswords,
  parseDotenv,
  peekProject,
  type Plan,
  planRun,
  planSummaryLine,
  readContext,
  reasonCounts,
  renderPlanJson,
  renderPlanText,
  renderRunSummary,
  resolveSecrets,
  type RunEvent,
  type RunReport,
  type RunStamp,
  runStampValue,
  type RunState,
  sha256Async,
  showArgv,
  StateFile,
  stepArchiveSpecs,
  summaryLine,
  TextProgress,
  undeliverableCommands,
} from "../runtime/mod.ts";

/** Options of `dokompose run`. */
export interface RunOptions extends TargetOptions {
  dryRun?: boolean;
  rollback?: boolean;
  logFormat?: "text" | "json";
}

/** Options of `dokompose plan`. */
export interface PlanCliOptions extends TargetOptions {
  detailedExitcode?: boolean;
  format?: "text" | "json";
}

function errorText(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file or directory";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  return error instanceof Error ? error.message : String(error);
}

function parseConcurrency(text: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > 256) {
    throw new UsageError(
      `option '--concurrency <n>' argument '${text}' is invalid; expected a whole number from 1 to 256`,
    );
  }
  return Number(text);
}

function parseSeconds(text: string): number {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text)) {
    throw new UsageError(
      `option '--verify-timeout <seconds>' argument '${text}' is invalid; expected a number of seconds`,
    );
  }
  return Number(text) * 1000;
}

/** Everything a plan or a run needs, read from the world. */
interface Prepared {
  readonly dokkufile: Dokkufile;
  readonly dokkufilePath: string;
  readonly runner: CommandRunner;
  readonly stateFile: StateFile;
  readonly secrets: ReadonlyMap<string, string>;
  readonly archives: ReadonlyMap<string, Uint8Array>;
  readonly archiveHashes: ReadonlyMap<string, string>;
  readonly secretHashes: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Loads the state and plans against it (after the lock is taken, for `run`). */
function makePlan(
  prepared: Prepared,
  opts: TargetOptions,
): { plan: Plan; state: RunState; diagnostics: Diagnostic[] } {
  const key = { target: prepared.runner.target, project: prepared.dokkufile.project };
  const loaded = prepared.stateFile.load(key);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const plan = planRun(prepared.dokkufile, loaded.state, {
    secretHashes: prepared.secretHashes,
    archiveHashes: prepared.archiveHashes,
    force: opts.forceStep ?? [],
    stateReset: loaded.reset,
  });
  diagnostics.push(...plan.diagnostics);
  const unknown = (opts.forceStep ?? []).filter((id) => !plan.steps.some((s) => s.id === id));
  if (unknown.length > 0 && plan.diagnostics.length === 0) {
    throw new UsageError(`option '--force-step <id>': no step "${unknown[0]}" in the Dokkufile`);
  }
  // Over ssh some values cannot arrive intact: refuse the whole plan before its first mutation.
  const runner = prepared.runner;
  if (runner.check !== undefined) {
    diagnostics.push(...undeliverableCommands(plan, (argv) => runner.check?.(argv)));
  }
  if (plan.orphans.length > 0) {
    diagnostics.push(diag("DK5019", {
      count: plan.orphans.length,
      steps: plan.orphans.join(", "),
    }));
  }
  return { plan, state: loaded.state, diagnostics };
}

async function readDokkufileText(
  file: string,
  io: CliIo,
): Promise<{ text?: string; path: string; diagnostics: Diagnostic[] }> {
  if (file === "-") {
    try {
      const text = await new Response(Deno.stdin.readable).text();
      return { text, path: resolvePath(io.cwd, "Dokkufile"), diagnostics: [] };
    } catch (error) {
      return {
        path: "-",
        diagnostics: [diag("DK0001", { file: "standard input", reason: errorText(error) })],
      };
    }
  }
  const path = resolvePath(io.cwd, file);
  try {
    // Synchronous: nothing else runs meanwhile, and it spares an async round trip at start-up.
    return { text: Deno.readTextFileSync(path), path, diagnostics: [] };
  } catch (error) {
    return {
      path,
      diagnostics: [
        error instanceof Deno.errors.IsADirectory
          ? diag("DK0001", { file, reason: "it is a directory" }, {
            hint: "Name the Dokkufile inside it",
          })
          : diag("DK0001", { file, reason: errorText(error) }),
      ],
    };
  }
}

async function parseDokkufileText(
  text: string,
  file: string,
): Promise<{ dokkufile?: Dokkufile | undefined; diagnostics: readonly Diagnostic[] }> {
  // Loaded lazily: the parser is only needed once a file was read.
  const mod = await import("../dokkufile/mod.ts");
  return /^\s*\{/.test(text)
    ? await mod.dokkufileFromJson(text, { file })
    : mod.parseDokkufile(text, { file });
}

/** The Dokkufile's text as read, and where from. */
interface ReadText {
  readonly file: string;
  readonly text: string;
  readonly path: string;
}

/** Reads the Dokkufile; undefined (after reporting why) when it cannot be read. */
async function readText(
  file: string,
  io: CliIo,
  report: (diagnostics: readonly Diagnostic[]) => void,
): Promise<ReadText | undefined> {
  const read = await readDokkufileText(file, io);
  if (read.text === undefined) {
    report(read.diagnostics);
    return undefined;
  }
  return { file, text: read.text, path: read.path };
}

/** The state file of `key`: `--state`, else the default (undefined when there is none). */
function statePathFor(
  opts: TargetOptions,
  io: CliIo,
  key: { target: string; project: string },
): string | undefined {
  return opts.state === undefined ? defaultStatePath(io.env, key) : resolvePath(io.cwd, opts.state);
}

/** The target's runner (a usage error for contradicting options). */
async function makeRunner(opts: TargetOptions, io: CliIo): Promise<CommandRunner> {
  const made = await createRunner({
    dokku: opts.dokku,
    host: opts.host,
    sshOptions: opts.sshOption,
    cwd: io.cwd,
    env: io.env,
  });
  if (!made.ok) throw new UsageError(made.error);
  return made.runner;
}

/** The values of `--secrets-file`, or the diagnostics that make it unusable. */
async function readSecretsFile(
  opts: TargetOptions,
  io: CliIo,
): Promise<{ values?: ReadonlyMap<string, string>; diagnostics: readonly Diagnostic[] }> {
  if (opts.secretsFile === undefined) return { diagnostics: [] };
  const path = resolvePath(io.cwd, opts.secretsFile);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    return { diagnostics: [diag("DK0001", { file: opts.secretsFile, reason: errorText(error) })] };
  }
  const dotenv = parseDotenv(text, { file: opts.secretsFile });
  if (hasErrors(dotenv.diagnostics)) return { diagnostics: dotenv.diagnostics };
  return { values: dotenv.values, diagnostics: [] };
}

/** The build contexts the Dokkufile's steps send, unique by {@linkcode archiveKey}, sorted by it. */
function archiveSpecs(dokkufile: Dokkufile): ArchiveSpec[] {
  const specs = new Map<string, ArchiveSpec>();
  for (const step of dokkufile.stages.flatMap((s) => s.steps)) {
    for (const spec of stepArchiveSpecs(step)) specs.set(archiveKey(spec), spec);
  }
  // Sorted: the stamp records them, and steps' order is not what it should depend on.
  return [...specs.keys()].sort().map((key) => specs.get(key) as ArchiveSpec);
}

/**
 * Reads and tars the build contexts of `specs` (relative to `base`, the Dokkufile's directory),
 * keyed by {@linkcode archiveKey} (the context plus the generated files added to it), with each
 * tar's hash. Diagnostics for contexts that cannot be read or files that would replace content.
 */
async function readArchives(specs: readonly ArchiveSpec[], base: string): Promise<{
  archives: Map<string, Uint8Array>;
  archiveHashes: Map<string, string>;
  diagnostics: Diagnostic[];
}> {
  const archives = new Map<string, Uint8Array>();
  const archiveHashes = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const byKey = new Map(specs.map((spec) => [archiveKey(spec), spec]));
  const contexts = new Map<string, ReturnType<typeof readContext>>();
  // Sorted and unique: the same context may be used by several steps.
  for (const key of [...byKey.keys()].sort()) {
    const { context, files } = byKey.get(key) as ArchiveSpec;
    const path = resolvePath(base, context);
    let ctx = contexts.get(context);
    if (ctx === undefined) {
      ctx = readContext(path);
      contexts.set(context, ctx);
      if (ctx.error !== undefined) {
        diagnostics.push(diag("DK5011", { context, path, reason: ctx.error }));
      }
    }
    if (ctx.error !== undefined) continue;
    const added = addGeneratedFiles(ctx.entries, files ?? []);
    if (added.conflict !== undefined) {
      diagnostics.push(diag("DK5021", { context, path, reason: added.conflict }));
      continue;
    }
    const tar = buildTar(added.entries);
    archives.set(key, tar);
    archiveHashes.set(key, await sha256Async(tar));
  }
  return { archives, archiveHashes, diagnostics };
}

/**
 * Parses the Dokkufile, resolves the state file, the secrets and the build contexts. Undefined
 * (after reporting why, and closing the runner) when something is wrong.
 */
async function prepare(
  read: ReadText,
  runner: CommandRunner,
  opts: TargetOptions,
  io: CliIo,
  report: (diagnostics: readonly Diagnostic[], sources?: ReadonlyMap<string, string>) => void,
): Promise<Prepared | undefined> {
  const shownName = read.file === "-" ? "<stdin>" : read.file;
  const parsed = await parseDokkufileText(read.text, shownName);
  if (parsed.dokkufile === undefined || hasErrors(parsed.diagnostics)) {
    report(parsed.diagnostics, new Map([[shownName, read.text]]));
    await runner.close();
    return undefined;
  }
  const dokkufile = parsed.dokkufile;
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];

  const statePath = statePathFor(opts, io, {
    target: runner.target,
    project: dokkufile.project,
  });
  if (statePath === undefined) {
    report([...diagnostics, diag("DK5015")]);
    await runner.close();
    return undefined;
  }

  // Secrets: the file first, then the environment; all must resolve before anything runs.
  const secretsFile = await readSecretsFile(opts, io);
  if (secretsFile.diagnostics.length > 0) {
    report([...diagnostics, ...secretsFile.diagnostics]);
    await runner.close();
    return undefined;
  }
  const secrets = resolveSecrets(dokkufile.secrets, {
    env: io.env,
    file: secretsFile.values,
    fileName: opts.secretsFile,
  });
  diagnostics.push(...secrets.diagnostics);

  // Build contexts: read and tar them now; their content hash is part of the checksum.
  const built = await readArchives(archiveSpecs(dokkufile), dirname(read.path));
  diagnostics.push(...built.diagnostics);
  const { archives, archiveHashes } = built;
  if (hasErrors(diagnostics)) {
    report(diagnostics);
    await runner.close();
    return undefined;
  }

  const stateFile = new StateFile(statePath);
  return {
    dokkufile,
    dokkufilePath: read.path,
    runner,
    stateFile,
    secrets: secrets.values,
    archives,
    archiveHashes,
    secretHashes: secrets.hashes,
    diagnostics,
  };
}

/** `dokompose plan DOKKUFILE`: prints what `run` would do, and why. */
export async function runPlan(
  file: string,
  opts: PlanCliOptions,
  io: CliIo,
): Promise<number> {
  parseConcurrency(opts.concurrency);
  const report = (d: readonly Diagnostic[], sources?: ReadonlyMap<string, string>) =>
    io.stderr(renderText(d, { ...(sources === undefined ? {} : { sources }), color: false }));
  const read = await readText(file, io, report);
  if (read === undefined) return EXIT_FAILURE;
  const prepared = await prepare(read, await makeRunner(opts, io), opts, io, report);
  if (prepared === undefined) return EXIT_FAILURE;
  try {
    report(prepared.diagnostics);
    const { plan, diagnostics } = makePlan(prepared, opts);
    report(diagnostics);
    if (hasErrors(diagnostics)) return EXIT_FAILURE;
    const where = { target: prepared.runner.target, stateFile: prepared.stateFile.path };
    io.stdout(
      opts.format === "json"
        ? renderPlanJson(plan, where)
        : renderPlanText(plan, { ...where, explain: opts.explain === true }),
    );
    const pending = plan.steps.some((s) => s.action === "run");
    return opts.detailedExitcode === true && pending ? 2 : EXIT_OK;
  } finally {
    await prepared.runner.close();
  }
}

function countsLine(report: RunReport): string {
  const counts = new Map<string, number>();
  for (const r of report.results.values()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return countsText(counts);
}

/** `3 applied, 5 unchanged` from the number of steps per result. */
function countsText(counts: ReadonlyMap<string, number>): string {
  const order: [string, string][] = [
    ["applied", "applied"],
    ["present", "already present"],
    ["skipped", "unchanged"],
    ["failed", "failed"],
    ["undone", "undone"],
    ["restored", "restored"],
    ["kept", "kept (existed before)"],
    ["left", "left in place (no undo)"],
    ["cancelled", "not started"],
  ];
  return order.filter(([k]) => (counts.get(k) ?? 0) > 0).map(([k, label]) =>
    `${counts.get(k)} ${label}`
  ).join(", ") || "nothing to do";
}

/** The first line of a run's text, with the plan's summary line. */
function runHeader(project: string, runner: CommandRunner, summary: string): string {
  return `Running project "${project}" on ${runner.target}: ${summary}\n`;
}

/**
 * A rerun of an unchanged Dokkufile, answered from the run stamp (src/runtime/_stamp.ts)
 * without parsing or planning: prints what the full path prints for a run with nothing to do and
 * returns its exit code. Undefined when the stamp does not apply (the full path then runs, and
 * reports anything this one saw): options that change what is printed or planned, no project
 * line, a lock problem, a secret or build context that cannot be read, another text, other
 * secrets or contexts, or a state file written since.
 */
async function stampedRun(
  read: ReadText,
  runner: CommandRunner,
  opts: RunOptions,
  io: CliIo,
  started: number,
): Promise<number | undefined> {
  if (
    opts.dryRun === true || opts.explain === true || (opts.forceStep?.length ?? 0) > 0 ||
    opts.logFormat === "json"
  ) return undefined;
  const project = peekProject(read.text);
  if (project === undefined) return undefined;
  const key = { target: runner.target, project };
  const statePath = statePathFor(opts, io, key);
  if (statePath === undefined) return undefined;
  const stateFile = new StateFile(statePath);
  // No lock is taken: this path writes nothing and runs nothing. A run holding the lock (or a lock
  // left behind) sends this one down the full path, which says so exactly as before. A run that
  // takes the lock after this check has not written the state yet, and a write makes the stamp
  // stale (the state file is read once, whole: it is replaced atomically).
  if (stateFile.isLocked()) return undefined;
  const stamp = stateFile.readStamp();
  if (stamp === undefined) return undefined;
  const state = stateFile.bytes();
  if (state === undefined) return undefined;
  const secretsFile = await readSecretsFile(opts, io);
  if (secretsFile.diagnostics.length > 0) return undefined;
  const secrets = resolveSecrets(stamp.secrets, { env: io.env, file: secretsFile.values });
  if (secrets.diagnostics.length > 0) return undefined;
  const built = await readArchives(stamp.archives, dirname(read.path));
  if (built.diagnostics.length > 0) return undefined;
  const value = await runStampValue({
    ...key,
    text: read.text,
    secrets: stamp.secrets,
    secretHashes: secrets.hashes,
    archiveHashes: built.archiveHashes,
    state,
  });
  if (value !== stamp.value) return undefined;
  const unchanged = { ...reasonCounts(), unchanged: stamp.steps };
  io.stdout(
    runHeader(project, runner, summaryLine({ run: 0, skip: stamp.steps, byReason: unchanged })),
  );
  io.stdout(renderRunSummary({
    status: "ok",
    services: stamp.apps.map((app) => ({ app, status: "unchanged", processes: {} })),
    counts: countsText(new Map([["skipped", stamp.steps]])),
    durationMs: Date.now() - started,
  }));
  return EXIT_OK;
}

/**
 * Records the stamp after a run that ended `ok` without a diagnostic, when every step is recorded
 * with the checksum it was planned with (`state`: the state after the run, as saved). Called
 * under the lock. Returns a DK5012 diagnostic when the stamp cannot be written.
 */
async function writeStamp(
  stateFile: StateFile,
  state: RunState,
  run: { read: ReadText; prepared: Prepared; plan: Plan },
): Promise<Diagnostic | undefined> {
  const { read, prepared, plan } = run;
  if (!plan.steps.every((p) => state.steps[p.id]?.checksum === p.checksum)) return undefined;
  // `--state /dev/null` (or a FIFO) keeps nothing a stamp could vouch for; no file beside it.
  if (isSpecialFile(stateFile.path)) return undefined;
  // The bytes on disk: what a rerun will read and compare.
  const bytes = stateFile.bytes();
  if (bytes === undefined) return undefined;
  const secrets = prepared.dokkufile.secrets;
  const stamp: RunStamp = {
    value: await runStampValue({
      target: prepared.runner.target,
      project: prepared.dokkufile.project,
      text: read.text,
      secrets,
      secretHashes: prepared.secretHashes,
      archiveHashes: prepared.archiveHashes,
      state: bytes,
    }),
    secrets: [...secrets],
    archives: archiveSpecs(prepared.dokkufile),
    steps: plan.steps.length,
    apps: plan.steps.flatMap((p) => p.step.verify === undefined ? [] : [p.step.verify.app]),
  };
  try {
    stateFile.saveStamp(stamp);
    return undefined;
  } catch (error) {
    return diag("DK5012", {
      file: stateFile.stampPath,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}

/** `dokompose run DOKKUFILE`: runs it against the target. */
export async function runRun(file: string, opts: RunOptions, io: CliIo): Promise<number> {
  const concurrency = parseConcurrency(opts.concurrency);
  const verifyTimeout = parseSeconds(opts.verifyTimeout ?? "60");
  const json = opts.logFormat === "json";
  const emitJson = (event: RunEvent) => io.stdout(eventJson(event));
  const report = (d: readonly Diagnostic[], sources?: ReadonlyMap<string, string>) => {
    if (d.length === 0) return;
    io.stderr(renderText(d, { ...(sources === undefined ? {} : { sources }), color: false }));
    if (json) {
      for (const x of d) {
        emitJson({
          event: "diagnostic",
          severity: x.severity,
          code: x.code,
          message: x.message,
          ...(x.hint === undefined ? {} : { hint: x.hint }),
        });
      }
    }
  };
  // Whether this run reported anything: only a run without a single diagnostic is stamped.
  let reported = false;
  const reportAll = (d: readonly Diagnostic[], sources?: ReadonlyMap<string, string>) => {
    if (d.length > 0) reported = true;
    report(d, sources);
  };
  const started = Date.now();
  const read = await readText(file, io, reportAll);
  if (read === undefined) return EXIT_FAILURE;
  const runner = await makeRunner(opts, io);
  const stamped = await stampedRun(read, runner, opts, io, started);
  if (stamped !== undefined) {
    await runner.close();
    return stamped;
  }
  // From here on an interrupt must be caught (before the state lock is taken), not kill the
  // process: the real io installs its SIGINT/SIGTERM handlers when the signal is asked for. (The
  // stamp check above holds no lock and writes nothing: an interrupt there loses nothing.)
  const signal = io.signal;
  const prepared = await prepare(read, runner, opts, io, reportAll);
  if (prepared === undefined) return EXIT_FAILURE;
  const { stateFile } = prepared;
  try {
    reportAll(prepared.diagnostics);
    if (opts.dryRun === true) {
      const { plan, diagnostics } = makePlan(prepared, opts);
      report(diagnostics);
      if (hasErrors(diagnostics)) return EXIT_FAILURE;
      io.stdout(renderPlanText(plan, {
        target: runner.target,
        stateFile: stateFile.path,
        explain: opts.explain === true,
      }));
      return EXIT_OK;
    }
    const key = { target: runner.target, project: prepared.dokkufile.project };
    const lock = stateFile.lock(key);
    reportAll(lock.diagnostics);
    if (!lock.ok) return EXIT_FAILURE;
    // Planned under the lock: the state cannot change between planning and running.
    let planned: ReturnType<typeof makePlan>;
    try {
      planned = makePlan(prepared, opts);
    } catch (error) {
      stateFile.unlock();
      throw error;
    }
    const { plan } = planned;
    reportAll(planned.diagnostics);
    if (hasErrors(planned.diagnostics)) {
      stateFile.unlock();
      return EXIT_FAILURE;
    }
    const secretRedact = makeRedactor(prepared.secrets.values());
    const redact = (t: string) => maskUrlPasswords(secretRedact(t));
    const text = json ? undefined : new TextProgress(plan, {
      write: (t) => io.stdout(t),
      tty: io.isTty,
      explain: opts.explain === true,
      clock: Date.now,
    });
    const jsonView = json ? new JsonProgress((t) => io.stdout(t)) : undefined;
    const timer = text !== undefined && io.isTty ? setInterval(() => text.tick(), 250) : undefined;
    let result: RunReport;
    try {
      if (text !== undefined) {
        io.stdout(runHeader(plan.project, runner, planSummaryLine(plan)));
      }
      result = await executePlan(plan, {
        runner,
        concurrency,
        rollback: opts.rollback !== false,
        state: planned.state,
        saveState: (s) => stateFile.save(s),
        secrets: prepared.secrets,
        archives: prepared.archives,
        redact,
        emit: (e) => {
          text?.onEvent(e);
          jsonView?.onEvent(e);
        },
        verify: { timeoutMs: verifyTimeout, intervalMs: Math.min(1000, verifyTimeout / 20) },
        ...(signal === undefined ? {} : { signal }),
      });
      if (result.status === "ok" && !reported && result.diagnostics.length === 0) {
        const failure = await writeStamp(stateFile, result.state, { read, prepared, plan });
        if (failure !== undefined) reportAll([failure]);
      }
    } finally {
      if (timer !== undefined) clearInterval(timer);
      stateFile.unlock();
    }
    const diagnostics: Diagnostic[] = [...result.diagnostics];
    if (result.failure !== undefined) {
      const f = result.failure;
      const output = f.output === undefined ? "" : redact(f.output).trim();
      const command = f.argv === undefined ? "" : `"${redact(showArgv(f.argv))}" `;
      const reason = f.argv === undefined
        ? f.message
        : `${command}exited ${f.exit ?? "?"}${
          output === "" ? " with no output" : `: ${output.split("\n").slice(-5).join(" / ")}`
        }`;
      const next = opts.rollback === false
        ? "Nothing was rolled back (--no-rollback); fix the problem and run again to resume"
        : "The steps applied in this run were rolled back; fix the problem and run again";
      const known = f.argv === undefined ? undefined : failureHint(f.argv, f.output ?? "");
      diagnostics.push(diag("DK5006", { step: f.step, reason }, {
        hint: known === undefined ? next : `${known}. ${next}`,
      }));
    }
    if (result.status === "interrupted") diagnostics.push(diag("DK5016"));
    if (result.rollbackIncomplete) diagnostics.push(diag("DK5013"));
    if (result.status !== "ok" && opts.rollback === false) {
      const kept = [...result.results.values()].filter((r) => r === "applied").length;
      diagnostics.push(diag("DK5018", { count: kept }));
    }
    const exitCode = result.status === "ok" ? EXIT_OK : EXIT_FAILURE;
    const durationMs = Date.now() - started;
    text?.finish({
      status: result.status,
      services: result.services,
      counts: countsLine(result),
      durationMs,
    });
    reportAll(diagnostics);
    if (json) {
      const count = (k: string) => [...result.results.values()].filter((r) => r === k).length;
      emitJson({
        event: "run.done",
        status: result.status,
        exitCode,
        durationMs,
        applied: count("applied"),
        present: count("present"),
        skipped: count("skipped"),
        failed: count("failed"),
        undone: count("undone") + count("restored"),
      });
    }
    return exitCode;
  } finally {
    await runner.close();
  }
}
