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
 * @module
 */

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Replaces cache-location prefixes of npm module paths with `npm/`. */
export function scrubCachePaths(code: string): string {
  return code.replace(/(?:\.\.\/)*[^\s"'`]*\/npm\/registry\.npmjs\.org\//g, "npm/");
}

async function build(given: string): Promise<number> {
  const out = given.startsWith("/") ? given : `${Deno.cwd()}/${given}`;
  const dir = out.includes("/") ? out.slice(0, out.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  // Keep the `.js` extension: deno bundle picks the output's module format from it (without it,
  // the bundle lacks the `createRequire` shim that npm modules' `require()` calls need).
  const tmp = `${out.replace(/\.js$/, "")}.${Deno.pid}.tmp.js`;
  try {
    const bundled = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
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
    await Deno.writeTextFile(tmp, scrubCachePaths(await Deno.readTextFile(tmp)));
    await Deno.rename(tmp, out);
    return 0;
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

if (import.meta.main) {
  Deno.exit(await build(Deno.args[0] ?? `${ROOT}/dist/dokompose.js`));
}
