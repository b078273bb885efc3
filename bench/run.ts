/**
 * `make bench`: start-up, compile and runtime benchmarks, side by side in one run.
 *
 * Every measurement spawns a fresh process several times (after one untimed warm-up that fills
 * Deno's caches) and reports the median wall time. Ratios are against the start-up floor (`deno
 * run` of an empty script) measured in the same run, so they mean the same on any machine. The
 * rows with a ratio target time a floor run next to each of their runs and compare with those,
 * so that a change in the machine's load between rows cannot move their ratio.
 * Rows whose command fails (the feature has not landed yet, or broke) say "not available" with
 * the first line of its error, instead of a number.
 *
 * Writes a Markdown report to stdout and `bench/out/results.md`. Environment:
 * `BENCH_REPS` (default 21) repetitions for the fast rows; `BENCH_RUNTIME_REPS` (default 3) for
 * the runtime rows, which take seconds each.
 *
 * @module
 */
import { composeYaml } from "./_gen.ts";
import { criticalPath, idealSlots, type StepGraphSummary } from "./_critical.ts";
import { exists, profileStartup } from "./_profile.ts";
import { type RunningServer, startServer } from "../test/dokku_double/server.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const DENO = Deno.execPath();
const MAIN = `${ROOT}/src/cli/main.ts`;
const DOUBLE = `${ROOT}/test/dokku_double/dokku`;
const DOUBLE_CLIENT = `${ROOT}/test/dokku_double/dokku-client`;
const FAKE = `${ROOT}/bench/fake_dokku`;
const DELAY_MS = 100;

const REPS = Number(Deno.env.get("BENCH_REPS") ?? "21");
const RUNTIME_REPS = Number(Deno.env.get("BENCH_RUNTIME_REPS") ?? "3");

/** One timed command. */
interface Timed {
  readonly ms: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Spawn {
  /** The executable; default: this deno. */
  readonly cmd?: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

async function timeOnce(spawn: Spawn): Promise<Timed> {
  const start = performance.now();
  const out = await new Deno.Command(spawn.cmd ?? DENO, {
    args: [...spawn.args],
    cwd: spawn.cwd ?? ROOT,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...spawn.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - start;
  const decoder = new TextDecoder();
  return {
    ms,
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[mid] as number
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A measured command: its median, its last run, and the median of its paired floor runs. */
interface Measured {
  readonly ms: number;
  readonly last: Timed;
  /** With `pairWith`: the median of the runs of that command, one next to each timed run. */
  readonly pairedMs?: number;
}

/**
 * The median of `reps` runs, or why the command is not available (its first failure). With
 * `pairWith` (the start-up floor), that command runs next to each timed run (before it, then
 * after the next one), so a ratio compares runs made side by side, under the same load.
 */
async function measure(
  spawn: Spawn,
  reps: number,
  options: {
    readonly warmup?: boolean;
    readonly before?: () => Promise<Spawn>;
    readonly pairWith?: Spawn;
  } = {},
): Promise<Measured | { error: string }> {
  if (options.warmup ?? true) {
    const warm = await timeOnce(options.before === undefined ? spawn : await options.before());
    if (warm.code !== 0) return { error: firstLine(warm) };
  }
  const times: number[] = [];
  const paired: number[] = [];
  let last: Timed | undefined;
  /** One run of `pairWith`; its failure as an error text. */
  const pairedRun = async (): Promise<string | undefined> => {
    if (options.pairWith === undefined) return undefined;
    const floor = await timeOnce(options.pairWith);
    paired.push(floor.ms);
    return floor.code === 0 ? undefined : `paired floor: ${firstLine(floor)}`;
  };
  for (let i = 0; i < reps; i++) {
    const next = options.before === undefined ? spawn : await options.before();
    // The paired run goes before the timed run, then after it, and so on: neither gets the
    // quieter (or busier) moment after the other every time.
    const pairFirst = i % 2 === 0;
    const failedBefore = pairFirst ? await pairedRun() : undefined;
    if (failedBefore !== undefined) return { error: failedBefore };
    const run = await timeOnce(next);
    if (run.code !== 0) return { error: firstLine(run) };
    times.push(run.ms);
    last = run;
    const failedAfter = pairFirst ? undefined : await pairedRun();
    if (failedAfter !== undefined) return { error: failedAfter };
  }
  if (last === undefined) return { error: "no repetitions" };
  return paired.length === 0
    ? { ms: median(times), last }
    : { ms: median(times), last, pairedMs: median(paired) };
}

function firstLine(run: Timed): string {
  const line = (run.stderr.trim() || run.stdout.trim()).split("\n")[0] ?? "";
  return `exit ${run.code}: ${line.slice(0, 90)}`;
}

/** A row of the results table. */
interface Row {
  readonly name: string;
  readonly median: string;
  readonly ratio: string;
  readonly target: string;
  readonly status: "PASS" | "MISS" | "info" | "n/a";
}

const rows: Row[] = [];
const notes: string[] = [];
const profile: string[] = [];

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function addRow(
  name: string,
  result: { ms: number; pairedMs?: number } | { error: string },
  check: { readonly base?: number; readonly max?: number; readonly maxMs?: number } = {},
): number | undefined {
  if ("error" in result) {
    rows.push({
      name,
      median: "not available",
      ratio: "",
      target: targetText(check),
      status: "n/a",
    });
    notes.push(`${name}: not available (${result.error})`);
    return undefined;
  }
  // A row measured with its own floor runs (measure's pairWith) is compared with those.
  const base = result.pairedMs ?? check.base;
  const ratio = base === undefined ? undefined : result.ms / base;
  if (result.pairedMs !== undefined) {
    notes.push(
      `${name}: ratio against ${fmtMs(result.pairedMs)}, the median of floor runs made next ` +
        "to its runs (one before, one after, in turn).",
    );
  }
  let status: Row["status"] = "info";
  if (check.max !== undefined && ratio !== undefined) status = ratio <= check.max ? "PASS" : "MISS";
  if (check.maxMs !== undefined) status = result.ms <= check.maxMs ? "PASS" : "MISS";
  rows.push({
    name,
    median: fmtMs(result.ms),
    ratio: ratio === undefined ? "" : `${ratio.toFixed(2)}x`,
    target: targetText(check),
    status,
  });
  return result.ms;
}

function targetText(check: { readonly max?: number; readonly maxMs?: number }): string {
  if (check.max !== undefined) return `<= ${check.max}x`;
  if (check.maxMs !== undefined) return `<= ${fmtMs(check.maxMs)}`;
  return "";
}

async function main(): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "dokompose-bench-" });
  try {
    await bench(tmp);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  const lines = [
    "# dokompose benchmarks",
    "",
    `Medians of ${REPS} runs (runtime rows: ${RUNTIME_REPS}), after one warm-up run each; ` +
    "ratios are against the start-up floor measured in the same run (rows with a ratio " +
    "target: against floor runs interleaved with their own runs, see the notes).",
    "",
    "| measurement | median | ratio | target | result |",
    "|---|---:|---:|---|---|",
    ...rows.map((r) => `| ${r.name} | ${r.median} | ${r.ratio} | ${r.target} | ${r.status} |`),
    "",
    ...(notes.length === 0 ? [] : ["Notes:", "", ...notes.map((n) => `- ${n}`), ""]),
    ...(profile.length === 0 ? [] : ["## Start-up profile", "", ...profile, ""]),
  ];
  const report = lines.join("\n");
  console.log(report);
  await Deno.mkdir(`${ROOT}/bench/out`, { recursive: true });
  await Deno.writeTextFile(`${ROOT}/bench/out/results.md`, report);
}

async function bench(tmp: string): Promise<void> {
  // 1. The start-up floor.
  await Deno.writeTextFile(`${tmp}/empty.ts`, "");
  const floorSpawn: Spawn = { args: ["run", "-A", `${tmp}/empty.ts`] };
  const floorResult = await measure(floorSpawn, REPS);
  const floor = addRow("start-up floor: `deno run` of an empty script", floorResult);
  if (floor === undefined) throw new Error("cannot run deno itself");

  // Always a fresh bundle (the same bytes `make build` writes), so a stale dist/ is never timed.
  const bundle = `${tmp}/dokompose.js`;
  const build = await timeOnce({ args: ["run", "-A", `${ROOT}/scripts/build.ts`, bundle] });
  if (build.code !== 0) notes.push(`bundle: ${firstLine(build)}`);
  const viaMain = (
    args: readonly string[],
  ) => ["run", "-A", "--config", `${ROOT}/deno.json`, MAIN, ...args];
  const viaBundle = (args: readonly string[]) => ["run", "-A", bundle, ...args];

  addRow("`dokompose --help` (bundle)", await measure({ args: viaBundle(["--help"]) }, REPS), {
    base: floor,
  });
  // Start-up with and without Deno's V8 code cache for the bundle (the CLI ends without
  // Deno.exit() so that the cache is written; src/cli/main.ts).
  addRow(
    "`dokompose --version` (bundle)",
    await measure({ args: viaBundle(["--version"]) }, REPS),
    { base: floor },
  );
  addRow(
    "`dokompose --version` (bundle, `--no-code-cache`)",
    await measure({ args: ["run", "-A", "--no-code-cache", bundle, "--version"] }, REPS),
    { base: floor },
  );

  // 2. config on a 10-service file.
  const files = new Map<number, string>();
  for (const n of [10, 40, 500, 1000, 2000]) {
    const dir = `${tmp}/compose-${n}`;
    await Deno.mkdir(dir);
    await Deno.writeTextFile(`${dir}/compose.yaml`, composeYaml(n));
    files.set(n, `${dir}/compose.yaml`);
  }
  const file10 = files.get(10) as string;
  addRow(
    "`config`, 10 services, via src/cli/main.ts",
    await measure({ args: viaMain(["config", "-f", file10]) }, REPS),
    { base: floor },
  );
  addRow(
    "`config`, 10 services, via the bundle (dist/dokompose.js)",
    await measure({ args: viaBundle(["config", "-f", file10]) }, REPS),
    { base: floor },
  );

  // 3. compile.
  addRow(
    "`compile`, 10 services, via src/cli/main.ts",
    await measure({ args: viaMain(["compile", "-f", file10]) }, REPS),
    { base: floor },
  );
  addRow(
    "`compile`, 10 services, via the bundle (dist/dokompose.js)",
    await measure({ args: viaBundle(["compile", "-f", file10]) }, REPS, { pairWith: floorSpawn }),
    { base: floor, max: 2.5 },
  );
  for (const n of [500, 1000, 2000]) {
    addRow(
      `\`compile\`, ${n} services, via the bundle (dist/dokompose.js)`,
      await measure(
        { args: viaBundle(["compile", "-f", files.get(n) as string]) },
        Math.min(REPS, 5),
      ),
      n === 2000 ? { base: floor, maxMs: 1500 } : { base: floor },
    );
  }

  // 4. runtime against the double.
  await runtimeRows(tmp, files.get(40) as string, { ms: floor, spawn: floorSpawn }, viaBundle);

  // Start-up profile of the bundled CLI.
  profile.push(...await profileStartup({ deno: DENO, root: ROOT, bundle, tmp, reps: REPS }));
}

/** Starts a double server (test/dokku_double/server.ts) on `stateDir`, answering after `delay`. */
function startDoubleServer(stateDir: string, delay: number): Promise<RunningServer> {
  return startServer(doubleEnv(stateDir, delay));
}

/** The start-up floor: its median, and the command, for rows that pair their runs with it. */
interface Floor {
  readonly ms: number;
  readonly spawn: Spawn;
}

async function runtimeRows(
  tmp: string,
  compose40: string,
  floor: Floor,
  viaBundle: (args: readonly string[]) => string[],
): Promise<void> {
  const servers: RunningServer[] = [];
  try {
    await runtimeRowsWith(servers, tmp, compose40, floor, viaBundle);
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function runtimeRowsWith(
  servers: RunningServer[],
  tmp: string,
  compose40: string,
  { ms: floor, spawn: floorSpawn }: Floor,
  viaBundle: (args: readonly string[]) => string[],
): Promise<void> {
  const concurrencies = [1, 4, 8];
  const fakeNames = concurrencies.map((c) =>
    `\`run\`, 40 apps, light fake dokku (${DELAY_MS} ms per command), concurrency ${c}`
  );
  const doubleNames = concurrencies.map((c) =>
    `\`run\`, 40 apps, dokku double server (delay ${DELAY_MS} ms), concurrency ${c}`
  );
  const noop = "`run` no-op rerun, 40 apps (no delay)";
  const unavailable = (error: string) => {
    for (const name of [...fakeNames, ...doubleNames]) addRow(name, { error });
    addRow(noop, { error });
  };
  if (!await exists(DOUBLE)) return unavailable("test/dokku_double/dokku does not exist yet");
  const dokkufile = `${tmp}/bench40.dokkufile`;
  const compiled = await timeOnce({
    args: viaBundle(["compile", "-f", compose40, "-o", dokkufile]),
  });
  if (compiled.code !== 0) return unavailable(`compile: ${firstLine(compiled)}`);
  const json = await timeOnce({
    args: viaBundle(["compile", "-f", compose40, "--format", "json"]),
  });
  if (json.code !== 0) return unavailable(`compile --format json: ${firstLine(json)}`);
  let graph: StepGraphSummary;
  try {
    graph = criticalPath(JSON.parse(json.stdout));
  } catch (error) {
    return unavailable(`cannot read the compiled Dokkufile JSON: ${String(error)}`);
  }
  const stages = graph.stages.map((s) => `${s.name} (L_s ${s.longest}, N_s ${s.total})`).join(", ");
  notes.push(
    `Ideal bound for \`run\` at concurrency c: floor + ${DELAY_MS} ms x S(c) command slots, where ` +
      "S(c) = max(L, ceil(N / c), the heaviest chain of stages). L is the longest chain of " +
      "commands through the step graph (a step's weight is its guard probe, if any, plus its " +
      "run commands, plus one `ps:report` check when it verifies a deploy; edges are step " +
      "`needs` and stage `needs`) or the heaviest lock; N is the total of those weights; a " +
      "chain of stages adds up, stage by stage, max(L_s, ceil(N_s / c)) (a stage starts only " +
      "when the stages it needs are done). Each is a lower bound on any schedule in which every " +
      `command takes ${DELAY_MS} ms, so their maximum is too. For this Dokkufile: ` +
      `${graph.steps} steps, L = ${graph.longest}, N = ${graph.total}; stages: ${stages}. ` +
      "Commands the runtime adds (capture reads before overwrites, version checks) are not in " +
      "the bound: they are overhead the ratio shows.",
  );
  // What one call of each dokku stand-in costs by itself.
  const fakeProbe = await measure({ cmd: FAKE, args: ["apps:list"], env: fakeEnv() }, REPS);
  const fakeCost = addRow(
    `the light fake dokku alone (bench/fake_dokku, POSIX sh + sleep ${DELAY_MS / 1000} s)`,
    fakeProbe,
    { base: floor },
  );
  await Deno.mkdir(`${tmp}/double-probe`);
  const probe = await measure(
    { cmd: DOUBLE, args: ["apps:list"], env: doubleEnv(`${tmp}/double-probe`, 0) },
    REPS,
  );
  addRow(
    "the dokku double alone (test/dokku_double: bash + a Deno program), one command, no delay",
    probe,
    { base: floor },
  );
  // The run rows use the double as a server: the same state, validation, faults and delays,
  // answered by one long-lived process through a bash client (test/dokku_double/server.ts), so
  // that a command answers after the delay and not after a Deno start-up per call.
  await Deno.mkdir(`${tmp}/server-probe`);
  const probeServer = await startDoubleServer(`${tmp}/server-probe`, 0);
  servers.push(probeServer);
  const doubleCost = addRow(
    "the dokku double server's client alone (bash + one TCP round trip on 127.0.0.1), one " +
      "command, no delay",
    await measure({ cmd: DOUBLE_CLIENT, args: ["apps:list"], env: probeServer.env }, REPS),
    { base: floor },
  );
  let counter = 0;
  const fresh = (
    dokku: string,
    concurrency: number,
    env: (stateDir: string) => Record<string, string> | Promise<Record<string, string>>,
  ) =>
  async (): Promise<Spawn> => {
    counter++;
    const stateDir = `${tmp}/double-${counter}`;
    await Deno.mkdir(stateDir);
    return {
      args: viaBundle([
        "run",
        dokkufile,
        "--dokku",
        dokku,
        "--state",
        `${tmp}/state-${counter}.json`,
        "--concurrency",
        String(concurrency),
      ]),
      env: await env(stateDir),
    };
  };
  // What one command really takes with each stand-in: the fake's measured time includes its
  // sleep; the double's was measured without its delay.
  const kinds = [
    { names: fakeNames, dokku: FAKE, env: () => fakeEnv(), perCommand: fakeCost },
    {
      names: doubleNames,
      dokku: DOUBLE_CLIENT,
      env: async (dir: string) => {
        const server = await startDoubleServer(dir, DELAY_MS);
        servers.push(server);
        return server.env;
      },
      perCommand: doubleCost === undefined ? undefined : DELAY_MS + doubleCost,
    },
  ];
  for (const kind of kinds) {
    for (const [index, concurrency] of concurrencies.entries()) {
      // Concurrency 1 takes 30-60 s per run: fewer repetitions.
      const reps = concurrency === 1 ? Math.max(1, RUNTIME_REPS - 2) : RUNTIME_REPS;
      const result = await measure({ args: [] }, reps, {
        warmup: false,
        before: fresh(kind.dokku, concurrency, kind.env),
      });
      const slots = idealSlots(graph, concurrency);
      const ideal = floor + DELAY_MS * slots;
      const name = `${kind.names[index]} (${reps} run${reps === 1 ? "" : "s"})`;
      if ("error" in result) {
        addRow(name, result);
        continue;
      }
      addRow(name, result, { base: ideal, max: 1.15 });
      const per = kind.perCommand;
      const own = per === undefined ? "" : `; with the time one command of this stand-in really ` +
        `takes (${fmtMs(per)}, measured above) the bound is ${fmtMs(floor + per * slots)} ` +
        `(ratio ${(result.ms / (floor + per * slots)).toFixed(2)}x)`;
      notes.push(`${name}: ideal bound ${fmtMs(ideal)} (${slots} command slots)${own}`);
    }
  }
  notes.push(
    "The dokku double rows run the double as a server (test/dokku_double/server.ts: the same " +
      "state, validation, faults and delays as the process double the tests use) behind a bash " +
      "client, one server per run: started as a process per call instead, each call would cost a " +
      "Deno start-up (the process double's row above), which on a 2-core machine bounds a " +
      "parallel run before dokompose does.",
  );
  // No-op rerun: apply once (no delay), then time reruns against the same state.
  const setup = await fresh(DOUBLE, 4, (dir) => doubleEnv(dir, 0))();
  const applied = await timeOnce(setup);
  if (applied.code !== 0) return void addRow(noop, { error: `first run: ${firstLine(applied)}` });
  const statePath = setup.args[setup.args.indexOf("--state") + 1] as string;
  const stamped = await exists(`${statePath}.stamp`);
  notes.push(
    `No-op rerun: the first run ${stamped ? "recorded" : "did NOT record"} a run stamp ` +
      "(docs/runtime.md, State), so the rerun is answered from it without parsing or planning. " +
      "The row after it times the same rerun with the stamp file removed before each run: " +
      "parse, checksums and plan of all 241 steps.",
  );
  addRow(noop, await measure(setup, REPS, { warmup: false, pairWith: floorSpawn }), {
    base: floor,
    max: 2,
  });
  const unstamp = async (): Promise<Spawn> => {
    await Deno.remove(`${statePath}.stamp`).catch(() => {});
    return setup;
  };
  addRow(
    "`run` no-op rerun, 40 apps, full plan (stamp removed before each run)",
    await measure(setup, REPS, { warmup: false, before: unstamp }),
    { base: floor },
  );
}

/** Environment for the light fake: a fixed delay per command. */
function fakeEnv(): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    FAKE_DOKKU_DELAY: String(DELAY_MS / 1000),
  };
}

/** Environment for the double: its state dir and delay, and deno on PATH for its shebang. */
function doubleEnv(stateDir: string, delay: number): Record<string, string> {
  const denoDir = DENO.slice(0, DENO.lastIndexOf("/"));
  return {
    PATH: `${denoDir}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    HOME: Deno.env.get("HOME") ?? "/tmp",
    DOKKU_DOUBLE_STATE: stateDir,
    DOKKU_DOUBLE_DELAY_MS: String(delay),
  };
}

if (import.meta.main) await main();
