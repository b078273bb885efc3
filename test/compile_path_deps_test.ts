/**
 * What `dokompose compile` loads before it knows it needs more. A cold process pays for every
 * module it initialises (zod's init alone is ~3 ms), so the modules the compile path imports
 * statically must not pull in zod or the `yaml` package: those are imported dynamically, by
 * `compose/loader.ts`, only for a file that is not plain YAML or not plainly valid. Checked on
 * the static import graph `deno info` reports (type-only and dynamic imports do not load code).
 */
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);

interface Dependency {
  readonly code?: { readonly specifier: string };
  readonly isDynamic?: boolean;
}

interface Info {
  readonly modules: readonly { specifier: string; dependencies?: readonly Dependency[] }[];
  readonly redirects: Readonly<Record<string, string>>;
}

/** Every module `entry` loads through static imports of code, as sorted specifiers. */
async function staticGraph(entry: string): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", new URL("deno.json", ROOT).pathname, entry],
    cwd: ROOT.pathname,
    stdin: "null",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as Info;
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const resolve = (s: string) => info.redirects[s] ?? s;
  const root = resolve(new URL(entry, ROOT).href);
  const seen = new Set<string>([root]);
  const queue = [root];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const dep of bySpecifier.get(next)?.dependencies ?? []) {
      if (dep.isDynamic === true || dep.code === undefined) continue;
      const target = resolve(dep.code.specifier);
      if (seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return [...seen].sort();
}

const heavy = (graph: readonly string[]) =>
  graph.filter((s) => /^npm:\/?(?:zod|yaml)@/.test(s)).map((s) => s.replace(/@.*/, ""));

Deno.test("compile path: the modules compile loads up front import neither zod nor yaml", async () => {
  // `_project.ts` imports the loader and `_fs.ts`; `compile` then imports these three.
  for (
    const entry of [
      "src/cli/_cmd_compile.ts",
      "src/compose/loader.ts",
      "src/cli/_fs.ts",
      "src/compiler/mod.ts",
      "src/stack/mod.ts",
      "src/dokkufile/mod.ts",
    ]
  ) {
    assert.deepEqual(heavy(await staticGraph(entry)), [], entry);
  }
});

Deno.test("compile path: the check sees zod and yaml where they are imported", async () => {
  // The library's synchronous loader uses both; the check must notice them there.
  assert.deepEqual(heavy(await staticGraph("src/compose/mod.ts")), ["npm:/yaml", "npm:/zod"]);
});
