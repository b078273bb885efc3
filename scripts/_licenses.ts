/**
 * The licence notices of the npm packages that the bundle contains (`make build`).
 *
 * commander, yaml and zod are MIT or ISC licensed: their notices must go with every copy, and the
 * bundle (or a binary made from it with `deno compile`) is one. The notices are not in their
 * code, so the build finds each bundled package from the module names esbuild writes, reads its
 * licence file from Deno's npm cache, and appends the texts as one comment at the end of the
 * bundle. A bundled package without a licence file fails the build.
 *
 * @module
 */
import { resolve } from "../src/path/mod.ts";

/** A package whose code is in the bundle. */
export interface BundledPackage {
  /** `commander`, `@scope/name`. */
  readonly name: string;
  readonly version: string;
  /** Its directory in Deno's npm cache. */
  readonly dir: string;
}

const MODULE_PATH =
  /((?:\.\.\/)*[^\s"'`]*\/npm\/registry\.npmjs\.org\/((?:@[^/\s"'`]+\/)?[^/\s"'`@]+)\/([^/\s"'`]+))\//g;

/**
 * The npm packages named by the module paths of a bundle as `deno bundle` wrote it (before
 * `scrubCachePaths`), sorted by name; relative paths are from `root`, where the bundler ran.
 */
export function bundledPackages(code: string, root: string): BundledPackage[] {
  const found = new Map<string, BundledPackage>();
  for (const match of code.matchAll(MODULE_PATH)) {
    const [, path, name, version] = match as unknown as [string, string, string, string];
    const key = `${name}@${version}`;
    if (!found.has(key)) found.set(key, { name, version, dir: resolve(root, path) });
  }
  return [...found.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1
  );
}

const LICENSE_FILE = /^licen[cs]e(?:\.md|\.txt)?$/i;

/** The text of the licence file in `dir`; throws naming the package when there is none. */
export function licenseText(pkg: BundledPackage): string {
  let entries: string[];
  try {
    entries = [...Deno.readDirSync(pkg.dir)].filter((e) => e.isFile).map((e) => e.name).sort();
  } catch (error) {
    throw new Error(`build: cannot read ${pkg.name}@${pkg.version} in ${pkg.dir}: ${error}`);
  }
  const file = entries.find((name) => LICENSE_FILE.test(name));
  if (file === undefined) {
    throw new Error(`build: ${pkg.name}@${pkg.version} has no licence file in ${pkg.dir}`);
  }
  return Deno.readTextFileSync(`${pkg.dir}/${file}`);
}

/**
 * One block comment with each package's name, version and licence text. It is ASCII (the
 * bundle must be: see its test), and nothing in it can end the comment early.
 */
export function licenseComment(
  packages: readonly { readonly name: string; readonly version: string; readonly text: string }[],
): string {
  const ascii = (text: string) =>
    text.replace(/\u00a9/g, "(c)").replace(
      /[^\n\x20-\x7e]/g,
      (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`,
    );
  const lines = ["/*! The npm packages in this bundle, and their licences:"];
  for (const pkg of packages) {
    lines.push("", `${pkg.name} ${pkg.version}`, "", ...ascii(pkg.text.trim()).split("\n"));
  }
  const body = lines.map((line) => line.replaceAll("*/", "* /").trimEnd());
  return [...body, "*/", ""].join("\n");
}
