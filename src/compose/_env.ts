/**
 * Stage A: compose files, project directory, project environment, project name and profiles
 * (RULES.md section 1, steps 1-4).
 */
import { diag, type Diagnostic } from "../diagnostics/mod.ts";
import type { LoadContext, LoadOptions } from "./_context.ts";
import { parseDotenv } from "./_dotenv.ts";
import { basename, dirname, resolvePath } from "./_util.ts";

const MAIN_NAMES = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];
const OVERRIDE_NAMES = [
  "compose.override.yml",
  "compose.override.yaml",
  "docker-compose.override.yml",
  "docker-compose.override.yaml",
];

/** The compose files to load, absolute, in `-f` order (P1), or a diagnostic. */
export function composeFiles(
  options: LoadOptions,
): { files: string[]; diagnostics: Diagnostic[] } {
  const given = options.files ?? [];
  if (given.length > 0) {
    return { files: given.map((f) => resolvePath(options.cwd, f)), diagnostics: [] };
  }
  const fromEnv = options.env["COMPOSE_FILE"];
  if (fromEnv !== undefined && fromEnv !== "") {
    const sep = options.env["COMPOSE_PATH_SEPARATOR"] || ":";
    const files = fromEnv.split(sep).filter((f) => f !== "").map((f) =>
      resolvePath(options.cwd, f)
    );
    return { files, diagnostics: [] };
  }
  const dir = options.projectDirectory === undefined
    ? options.cwd
    : resolvePath(options.cwd, options.projectDirectory);
  const main = MAIN_NAMES.map((n) => resolvePath(dir, n)).find((p) => isFile(options, p));
  if (main === undefined) {
    return { files: [], diagnostics: [diag("DK0005", { dir: `"${dir}"` })] };
  }
  const override = OVERRIDE_NAMES.map((n) => resolvePath(dir, n)).find((p) => isFile(options, p));
  return { files: override === undefined ? [main] : [main, override], diagnostics: [] };
}

function isFile(options: LoadOptions, path: string): boolean {
  return options.fs.exists(path) && !(options.fs.isDirectory?.(path) ?? false);
}

/** The project directory: `--project-directory`, else the first file's directory (P2). */
export function projectDirectory(options: LoadOptions, files: readonly string[]): string {
  if (options.projectDirectory !== undefined) {
    return resolvePath(options.cwd, options.projectDirectory);
  }
  const first = files[0];
  return first === undefined ? options.cwd : dirname(first);
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes", "on"].includes(value.toLowerCase());
}

/**
 * Reads dotenv files into `target`, never overwriting a key of `base` (the process environment
 * wins, E8). Lookups inside the files see `base` first, then what was read so far (E7).
 */
export function readEnvFiles(
  ctx: LoadContext,
  files: readonly { abs: string; required: boolean }[],
  base: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...base };
  const fromFiles: Record<string, string> = {};
  for (const { abs, required } of files) {
    if (!required && !ctx.fs.exists(abs)) continue;
    const text = ctx.read(abs);
    if (text === undefined) continue;
    const file = ctx.rel(abs);
    const parsed = parseDotenv(text, { lookup: (name) => base[name] ?? fromFiles[name] });
    for (const error of parsed.errors) {
      ctx.diagnostics.push(
        diag(error.code, error.args, {
          span: { file, line: error.line, column: error.column },
        }),
      );
    }
    for (const entry of parsed.entries) {
      fromFiles[entry.key] = entry.value;
      if (!Object.hasOwn(base, entry.key)) out[entry.key] = entry.value;
    }
  }
  return out;
}

/** Stage A step 2: the project environment (process env, then `.env` or `--env-file`). */
export function projectEnvironment(ctx: LoadContext, options: LoadOptions): Record<string, string> {
  const given = options.envFiles ?? [];
  if (given.length > 0) {
    return readEnvFiles(
      ctx,
      given.map((f) => ({ abs: resolvePath(options.cwd, f), required: true })),
      options.env,
    );
  }
  if (truthy(options.env["COMPOSE_DISABLE_ENV_FILE"])) return { ...options.env };
  return readEnvFiles(
    ctx,
    [{ abs: resolvePath(ctx.projectDir, ".env"), required: false }],
    options.env,
  );
}

const VALID_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** True when `name` is a valid project name as given with `-p`. */
export function isValidProjectName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** Normalizes a project name from a file or directory: lowercase, `[a-z0-9_-]`, no leading `_-`. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, "").replace(/^[_-]+/, "");
}

/** The directory-derived default project name. */
export function directoryProjectName(projectDir: string): string {
  return normalizeProjectName(basename(projectDir));
}

/** Stage A step 4: active profiles (`--profile`, else `COMPOSE_PROFILES`). */
export function activeProfiles(
  options: LoadOptions,
  env: Readonly<Record<string, string>>,
): string[] {
  const given = options.profiles ?? [];
  const list = given.length > 0 ? given : (env["COMPOSE_PROFILES"] ?? "").split(",");
  return [...new Set(list.map((p) => p.trim()).filter((p) => p !== ""))].sort();
}
