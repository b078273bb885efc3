/**
 * `make build`: bundles the CLI into one JavaScript file, `deno run -A scripts/build.ts [out]`
 * (default `dist/dokompose.js`).
 *
 * The output is the same bytes wherever it is built from: modules are named relative to the repo,
 * and `deno bundle` names npm modules by their path in the local Deno cache
 * (`../../root/.cache/deno/npm/registry.npmjs.org/yaml/...`), which would put a host's home
 * directory into the artifact; those prefixes are rewritten to `npm/`. The bundle is written to a
 * temp file next to the output and renamed, so a failed build never leaves a partial file.
 *
 * Start-up cost (see `bench/out/results.md`, "Start-up profile"): every Node built-in a bundle
 * imports is initialised by Deno's Node compatibility layer when the bundle loads, 7-30 ms each
 * (`node:process`, `node:fs`, `node:crypto`, `node:module` are the dear ones), whether or not the
 * command ever calls it. Two measures keep them off the start-up path:
 * - `--platform browser` selects the `yaml` package's ESM build (its `default` export condition)
 *   instead of its CommonJS `node` build, which `require`s `node:process` (for
 *   `process.emitWarning` and `LOG_TOKENS` debugging) and `node:buffer` (`!!binary`), and which
 *   made the bundler add a `createRequire` shim from `node:module`. Our loader walks yaml's AST
 *   itself (YAML 1.2 core schema), so neither difference is observable.
 * - {@linkcode lazyNodeImports} turns the top-level imports of the built-ins in
 *   {@linkcode LAZY_BUILTINS} into bindings that load the module on first use (commander imports
 *   `node:child_process`, `node:fs` and `node:process` for executable subcommands and
 *   `process.argv` defaults, which dokompose never uses).
 * - {@linkcode inlineEventEmitter} replaces commander's `node:events` import, which cannot be lazy
 *   (`Command` extends `EventEmitter` as the bundle loads), with the small class in
 *   `scripts/event_emitter.js`. (Our own code uses `src/path`, not `node:path`.) A bundle that
 *   starts without the Node compatibility layer saves ~8-10 ms on every command.
 *
 * - {@linkcode compactWhitespace} drops comments, indentation and blank lines, keeping every
 *   token as it is (`scripts/_compact.ts`): Deno's start costs ~3.6 ms per MB of the main module.
 * - The licence texts of the bundled npm packages end the file, as one comment
 *   (`scripts/_licenses.ts`).
 *
 * Then the functions that typical commands run are marked for eager compilation, so that Deno's
 * V8 code cache holds them (`scripts/_eager.ts`): the build runs the bundle on
 * {@linkcode TRAINING} commands with V8's function events logged, marks what they compiled, and
 * checks that the marked bundle prints exactly what the unmarked one does.
 *
 * @module
 */
import { compactWhitespace, sameTokens } from "./_compact.ts";
import { bundledPackages, licenseComment, licenseText } from "./_licenses.ts";
import { eagerFunctions, hotFunctionPositions } from "./_eager.ts";
import { composeYaml } from "../bench/_gen.ts";
import { createRunner, peekProject, runStampValue, serializeStamp } from "../src/runtime/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Replaces cache-location prefixes of npm module paths with `npm/`. */
export function scrubCachePaths(code: string): string {
  return code.replace(/(?:\.\.\/)*[^\s"'`]*\/npm\/registry\.npmjs\.org\//g, "npm/");
}

/**
 * Node built-ins loaded on first use instead of at start-up. Not here: `node:events` (commander's
 * `Command` class extends `EventEmitter` as the bundle loads; see
 * {@linkcode inlineEventEmitter}).
 */
export const LAZY_BUILTINS: readonly string[] = [
  "node:buffer",
  "node:child_process",
  "node:crypto",
  "node:fs",
  "node:module",
  "node:path",
  "node:process",
  "node:util",
];

/** The helper the rewritten imports call; defined once at the top of the bundle. */
const LAZY_HELPER = `var __lazyBuiltin = (specifier, name) => {
  // Loads the built-in on first use (see scripts/build.ts). Values are functions or objects
  // (checked at build time), so a proxy can stand in for them.
  let value;
  const load = () => {
    if (value === undefined) {
      const module = globalThis.process.getBuiltinModule(specifier);
      value = name === "default" ? module : module[name];
    }
    return value;
  };
  return new Proxy(function () {}, {
    get: (_target, key) => Reflect.get(load(), key),
    set: (_target, key, v) => Reflect.set(load(), key, v),
    has: (_target, key) => Reflect.has(load(), key),
    apply: (_target, self, args) => Reflect.apply(load(), self, args),
    construct: (_target, args) => Reflect.construct(load(), args),
  });
};
`;

/** One top-level `import ... from "node:..."` statement of a bundle. */
interface BuiltinImport {
  readonly statement: string;
  readonly specifier: string;
  /** [imported name ("default" for a default import), local name]. */
  readonly bindings: readonly (readonly [string, string])[];
}

const IMPORT_LINE = /^import (.+) from "(node:[a-z_/]+)";$/gm;

function parseImport(statement: string, clause: string, specifier: string): BuiltinImport {
  const bindings: [string, string][] = [];
  const named = /^\{([^}]*)\}$/.exec(clause);
  if (named !== null) {
    for (const part of (named[1] as string).split(",")) {
      const words = part.trim().split(/\s+as\s+/);
      const imported = words[0] as string;
      bindings.push([imported, words[1] ?? imported]);
    }
  } else if (/^[A-Za-z_$][\w$]*$/.test(clause)) bindings.push(["default", clause]);
  else throw new Error(`build: cannot make this import lazy: ${statement}`);
  return { statement, specifier, bindings };
}

/**
 * Rewrites the bundle's top-level imports of {@linkcode LAZY_BUILTINS} into lazy bindings, and
 * returns the new code. `check(specifier, name)` must say whether the imported value is a function
 * or an object (a proxy cannot stand in for a string such as `path.sep`); the build refuses
 * anything else rather than produce a bundle that misbehaves.
 */
export function lazyNodeImports(
  code: string,
  check: (specifier: string, name: string) => boolean,
): string {
  let rewritten = 0;
  const out = code.replace(IMPORT_LINE, (statement, clause: string, specifier: string) => {
    if (!LAZY_BUILTINS.includes(specifier)) return statement;
    const parsed = parseImport(statement, clause, specifier);
    rewritten++;
    return parsed.bindings.map(([imported, local]) => {
      if (!check(specifier, imported)) {
        throw new Error(`build: ${specifier} export "${imported}" is not a function or object`);
      }
      return `var ${local} = __lazyBuiltin(${JSON.stringify(specifier)}, ${
        JSON.stringify(imported)
      });`;
    }).join("\n");
  });
  if (rewritten === 0) return out;
  // After the bundler's own helpers (`var __defProp = ...`), before any module code.
  const at = out.indexOf("\n\n");
  return at < 0 ? LAZY_HELPER + out : `${out.slice(0, at + 1)}${LAZY_HELPER}${out.slice(at + 1)}`;
}

const EVENTS_IMPORT = 'import { EventEmitter } from "node:events";';
const SHIM_EXPORT = "export { EventEmitter };";

/**
 * Replaces the bundle's one `import { EventEmitter } from "node:events"` with `shim` (the text of
 * `scripts/event_emitter.js`, whose closing `export` line is dropped). Refuses a bundle that
 * imports `node:events` any other way, or a shim without that export line, so a dependency update
 * that changes either is noticed at build time.
 */
export function inlineEventEmitter(code: string, shim: string): string {
  if (!code.includes('"node:events"')) return code;
  const imports = code.split(EVENTS_IMPORT).length - 1;
  const other = code.split('"node:events"').length - 1 - imports;
  if (imports !== 1 || other !== 0) {
    throw new Error(`build: expected exactly one '${EVENTS_IMPORT}' in the bundle`);
  }
  const body = shim.trimEnd();
  if (!body.endsWith(SHIM_EXPORT)) {
    throw new Error(`build: the EventEmitter shim must end with '${SHIM_EXPORT}'`);
  }
  return code.replace(EVENTS_IMPORT, () => body.slice(0, -SHIM_EXPORT.length).trimEnd());
}

/** Whether a built-in's export is a function or an object (so a proxy can stand in for it). */
function isProxyable(specifier: string, name: string): boolean {
  // deno-lint-ignore no-explicit-any
  const module = (globalThis as any).process.getBuiltinModule(specifier);
  const value = name === "default" ? module : module?.[name];
  return value !== null && (typeof value === "function" || typeof value === "object");
}

/** Commands whose functions the bundle compiles eagerly (`{dir}`: a temp dir with inputs). */
const TRAINING: readonly (readonly string[])[] = [
  ["--version"],
  ["compile", "-f", "{dir}/plain/compose.yaml"],
  // A rerun answered from its run stamp (the stamp is written by eager() below).
  ["run", "{dir}/plain.Dokkufile", "--dokku", "/bin/false", "--state", "{dir}/state.json"],
];

/**
 * The inputs of the {@linkcode TRAINING} commands in `work`: a 10-service compose file, its
 * Dokkufile, and a state file with a run stamp that matches them (the rerun then ends at the
 * stamp, and `/bin/false` is never called).
 */
async function trainingInputs(plain: string, work: string): Promise<void> {
  await Deno.mkdir(`${work}/plain`, { recursive: true });
  await Deno.writeTextFile(`${work}/plain/compose.yaml`, composeYaml(10));
  const dokkufile = `${work}/plain.Dokkufile`;
  const compiled = await runBundle(plain, [
    "compile",
    "-f",
    `${work}/plain/compose.yaml`,
    "-o",
    dokkufile,
  ]);
  if (!compiled.success) throw new Error("build: the bundle cannot compile a generated file");
  const text = await Deno.readTextFile(dokkufile);
  const made = await createRunner({ dokku: "/bin/false", cwd: work });
  const project = peekProject(text);
  if (!made.ok || project === undefined) throw new Error("build: no training target");
  const state = new TextEncoder().encode("{}\n");
  await Deno.writeFile(`${work}/state.json`, state);
  const value = await runStampValue({
    target: made.runner.target,
    project,
    text,
    secrets: [],
    secretHashes: new Map(),
    archiveHashes: new Map(),
    state,
  });
  const stamp = { value, secrets: [], archives: [], steps: 1, apps: [] };
  await Deno.writeTextFile(`${work}/state.json.stamp`, serializeStamp(stamp));
}

async function runBundle(
  bundle: string,
  args: readonly string[],
  v8Flags?: string,
): Promise<Deno.CommandOutput> {
  return await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-config",
      ...(v8Flags === undefined ? [] : [`--v8-flags=${v8Flags}`]),
      bundle,
      ...args,
    ],
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
}

/**
 * Marks the functions the {@linkcode TRAINING} commands compile for eager compilation, and checks
 * that the result prints what `code` prints for each of them (byte for byte, same exit code).
 */
async function eager(code: string, work: string): Promise<string> {
  const plain = `${work}/bundle.js`;
  await Deno.writeTextFile(plain, code);
  await trainingInputs(plain, work);
  const commands = TRAINING.map((args) => args.map((a) => a.replace("{dir}", work)));
  const log = `${work}/v8.log`;
  let events = "";
  for (const args of commands) {
    await runBundle(plain, args, `--log-function-events,--logfile=${log},--no-logfile-per-isolate`);
    events += await Deno.readTextFile(log);
  }
  const hot = hotFunctionPositions(events, new URL(`file://${plain}`).href);
  if (hot.size === 0) throw new Error("build: V8 logged no function of the bundle");
  const marked = eagerFunctions(code, hot);
  const eagerPath = `${work}/eager.js`;
  await Deno.writeTextFile(eagerPath, marked.code);
  const decoder = new TextDecoder();
  // A run's summary says how long it took: the one part that may differ.
  const text = (bytes: Uint8Array) =>
    decoder.decode(bytes).replace(/ in [0-9]+\.[0-9]{2}s\./g, " in Xs.");
  for (const args of commands) {
    const [want, got] = [await runBundle(plain, args), await runBundle(eagerPath, args)];
    if (
      want.code !== got.code || text(want.stdout) !== text(got.stdout) ||
      text(want.stderr) !== text(got.stderr)
    ) {
      throw new Error(`build: the eagerly compiled bundle differs on: ${args.join(" ")}`);
    }
  }
  return marked.code;
}

async function build(given: string): Promise<number> {
  const out = given.startsWith("/") ? given : `${Deno.cwd()}/${given}`;
  const dir = out.includes("/") ? out.slice(0, out.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  // Keep the `.js` extension: deno bundle picks the output's module format from it.
  const tmp = `${out.replace(/\.js$/, "")}.${Deno.pid}.tmp.js`;
  try {
    const bundled = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "browser",
        "--config",
        `${ROOT}/deno.json`,
        "-o",
        tmp,
        `${ROOT}/src/cli/main.ts`,
      ],
      // Module names in the bundle are relative to the working directory: the repo, always.
      cwd: ROOT,
      stdin: "null",
    }).output();
    if (!bundled.success) {
      console.error("build: deno bundle failed");
      return 1;
    }
    let code: string;
    let notices: string;
    try {
      const shim = await Deno.readTextFile(`${ROOT}/scripts/event_emitter.js`);
      const raw = await Deno.readTextFile(tmp);
      notices = licenseComment(
        bundledPackages(raw, ROOT).map((pkg) => ({ ...pkg, text: licenseText(pkg) })),
      );
      const full = inlineEventEmitter(lazyNodeImports(scrubCachePaths(raw), isProxyable), shim);
      code = compactWhitespace(full);
      if (!sameTokens(full, code)) throw new Error("build: compacting changed the bundle's tokens");
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      return 1;
    }
    const work = await Deno.makeTempDir({ prefix: "dokompose-build-" });
    try {
      code = await eager(code, work);
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      return 1;
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
    await Deno.writeTextFile(tmp, code + notices);
    await Deno.rename(tmp, out);
    return 0;
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

if (import.meta.main) {
  Deno.exit(await build(Deno.args[0] ?? `${ROOT}/dist/dokompose.js`));
}
