/**
 * Start-up profile: what loading each dependency and each of our stages costs, so lazy-loading
 * decisions rest on numbers. Each module is imported in a fresh `deno run` process that times
 * only its own `await import(...)` (so process start-up is excluded), median of `reps` runs.
 */

/** Options of {@linkcode profileStartup}. */
export interface ProfileOptions {
  readonly deno: string;
  readonly root: string;
  readonly bundle: string;
  readonly tmp: string;
  readonly reps: number;
}

/** Modules to time: the npm dependencies by their import-map names, then our own entry points. */
const DEPENDENCIES = ["yaml", "zod", "@dagrejs/graphlib", "commander"];
/** Node built-ins: Deno initialises its Node compatibility layer for them on import. */
const BUILTINS = [
  "node:events",
  "node:path",
  "node:util",
  "node:process",
  "node:fs",
  "node:crypto",
];
const OWN = [
  "src/cli/main.ts",
  "src/source/mod.ts",
  "src/compose/mod.ts",
  "src/graph/mod.ts",
  "src/stack/mod.ts",
  "src/compiler/mod.ts",
  "src/dokkufile/mod.ts",
  "src/runtime/mod.ts",
  "src/cli/_cmd_config.ts",
  "src/cli/_cmd_compile.ts",
  "src/cli/_cmd_run.ts",
];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function importTime(options: ProfileOptions, specifier: string): Promise<number | string> {
  const script = `${options.tmp}/profile_import.ts`;
  await Deno.writeTextFile(
    script,
    `const t0 = performance.now();\nawait import(${JSON.stringify(specifier)});\n` +
      `console.log(performance.now() - t0);\n`,
  );
  const times: number[] = [];
  // One extra first run fills the caches and is not counted.
  for (let i = 0; i <= options.reps; i++) {
    const out = await new Deno.Command(options.deno, {
      args: ["run", "-A", "--config", `${options.root}/deno.json`, script],
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) {
      const line = new TextDecoder().decode(out.stderr).trim().split("\n")[0] ?? "";
      return `failed: ${line.slice(0, 80)}`;
    }
    if (i > 0) times.push(Number(new TextDecoder().decode(out.stdout).trim()));
  }
  return median(times);
}

/** Bundles `export * from "<dependency>"` into a file, the way the CLI bundle holds it. */
async function bundledAlone(options: ProfileOptions, dependency: string): Promise<URL | string> {
  const name = dependency.replace(/[^a-z0-9]/gi, "_");
  const entry = `${options.tmp}/only_${name}.ts`;
  const out = `${options.tmp}/only_${name}.bundle.js`;
  await Deno.writeTextFile(entry, `export * as m from ${JSON.stringify(dependency)};\n`);
  const result = await new Deno.Command(options.deno, {
    args: ["bundle", "--quiet", "--config", `${options.root}/deno.json`, "-o", out, entry],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!result.success) return "bundle failed";
  return new URL(`file://${out}`);
}

/** True when `path` exists (bench rows say "not available" for missing pieces). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Returns Markdown lines: one per module, with the median time its import takes. */
export async function profileStartup(options: ProfileOptions): Promise<string[]> {
  const lines: string[] = [];
  const show = (value: number | string) =>
    typeof value === "number" ? `${value.toFixed(1)} ms` : value;
  lines.push(
    "Median time of `await import()` alone (process start-up excluded), each in a fresh process:",
    "",
  );
  for (const dependency of DEPENDENCIES) {
    const bundled = await bundledAlone(options, dependency);
    lines.push(
      `- npm \`${dependency}\`: ${show(await importTime(options, dependency))} from the npm ` +
        `cache; bundled alone: ${
          typeof bundled === "string" ? bundled : show(await importTime(options, bundled.href))
        }`,
    );
  }
  for (const builtin of BUILTINS) {
    lines.push(`- \`${builtin}\` alone: ${show(await importTime(options, builtin))}`);
  }
  for (const path of OWN) {
    if (!await exists(`${options.root}/${path}`)) continue;
    const url = new URL(`file://${options.root}/${path}`).href;
    lines.push(`- \`${path}\` (and what it imports): ${show(await importTime(options, url))}`);
  }
  if (await exists(options.bundle)) {
    const size = (await Deno.stat(options.bundle)).size;
    const url = new URL(`file://${options.bundle}`).href;
    lines.push(
      `- the bundle (${(size / 1024).toFixed(0)} KiB, evaluated without running main): ${
        show(await importTime(options, url))
      }`,
    );
  }
  return lines;
}
