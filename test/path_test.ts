/**
 * `src/path` gives the same results as `node:path`'s `posix` functions it replaces, on every path
 * built from a small alphabet of tricky segments (empty, `.`, `..`, names, repeated and trailing
 * slashes), plus hand-picked cases that document the behaviour.
 */
import assert from "node:assert/strict";
import { posix } from "node:path";
import {
  basename,
  dirname,
  isAbsolute,
  join,
  normalize,
  relative,
  resolve,
  SEP,
} from "../src/path/mod.ts";

/** Every path of up to `depth` segments from the alphabet, relative and absolute. */
function paths(depth: number): string[] {
  const alphabet = ["", ".", "..", "a", "b", "...", ".a", "a b", "é"];
  let level = [""];
  const out = new Set<string>(["", "/", "//", "///"]);
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const prefix of level) {
      for (const segment of alphabet) {
        const path = d === 0 ? segment : `${prefix}/${segment}`;
        next.push(path);
        out.add(path);
        out.add(`/${path}`);
        out.add(`${path}/`);
        out.add(`//${path}`);
      }
    }
    level = next;
  }
  return [...out];
}

const ALL = paths(3);

Deno.test("path: the generator covers enough shapes to mean something", () => {
  assert.ok(ALL.length > 2_000, `${ALL.length} paths`);
});

Deno.test("path: normalize, dirname, basename, isAbsolute agree with node:path", () => {
  assert.equal(SEP, posix.sep);
  for (const p of ALL) {
    assert.equal(normalize(p), posix.normalize(p), `normalize(${JSON.stringify(p)})`);
    assert.equal(dirname(p), posix.dirname(p), `dirname(${JSON.stringify(p)})`);
    assert.equal(basename(p), posix.basename(p), `basename(${JSON.stringify(p)})`);
    assert.equal(isAbsolute(p), posix.isAbsolute(p), `isAbsolute(${JSON.stringify(p)})`);
  }
});

Deno.test("path: resolve and relative agree with node:path, absolute and against the cwd", () => {
  const bases = ["/", "/srv/app", "/srv/app/", "//x/../y", "rel/dir", "", "."];
  for (const base of bases) {
    for (const p of ALL) {
      const label = `(${JSON.stringify(base)}, ${JSON.stringify(p)})`;
      assert.equal(resolve(base, p), posix.resolve(base, p), `resolve${label}`);
      assert.equal(relative(base, p), posix.relative(base, p), `relative${label}`);
    }
  }
  assert.equal(resolve(), posix.resolve());
  assert.equal(resolve("a", "/b", "c"), "/b/c");
});

Deno.test("path: join agrees with node:path", () => {
  const parts = ["", "a", "/b", "../c", "./", "d/"];
  for (const x of parts) {
    for (const y of parts) {
      for (const z of parts) {
        assert.equal(join(x, y, z), posix.join(x, y, z), `join(${[x, y, z].join(", ")})`);
      }
    }
  }
  assert.equal(join(), posix.join());
});

Deno.test("path: documented examples", () => {
  assert.equal(normalize("a/./b/../c//"), "a/c/");
  assert.equal(normalize("/../x"), "/x");
  assert.equal(normalize("../x"), "../x");
  assert.equal(dirname("/srv/app/compose.yaml"), "/srv/app");
  assert.equal(dirname("compose.yaml"), ".");
  assert.equal(basename("/srv/app/"), "app");
  assert.equal(relative("/a/b", "/a/c/d"), "../c/d");
  assert.equal(relative("/a", "/a"), "");
  assert.equal(resolve("/srv/app", "../data"), "/srv/data");
});
