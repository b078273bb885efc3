/**
 * Property tests of the Dokkufile format: many random valid Dokkufiles, full of nasty strings,
 * round-trip through the text and the JSON forms; randomly damaged text never throws and every
 * problem it reports is located. Seeded, so a failure names the seed that reproduces it.
 */
import assert from "node:assert/strict";
import {
  type Accept,
  type Command,
  type Dokkufile,
  dokkufileFromJson,
  dokkufileToJson,
  emitDokkufile,
  parseDokkufile,
  type Stage,
  type StdinSpec,
  type Step,
  validateDokkufile,
} from "../src/dokkufile/mod.ts";

/** mulberry32: a small seeded generator, so every case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = rng(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }
  bool(p = 0.5): boolean {
    return this.#next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
  many<T>(min: number, max: number, make: (i: number) => T): T[] {
    return Array.from({ length: this.int(min, max) }, (_, i) => make(i));
  }
}

/** Pieces that stress quoting: shell syntax, escapes, keywords, options, invisible characters. */
const NASTY = [
  "",
  " ",
  "  ",
  "a b",
  '"',
  "'",
  "\\",
  "\\n",
  "\\u0041",
  "$HOME",
  "${X:-y}",
  "`id`",
  "$(rm -rf /)",
  ";",
  "&&",
  "|",
  ">",
  "*",
  "~",
  "!",
  "\n",
  "\r\n",
  "\r",
  "\t",
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\u00ad",
  "\u200b",
  "\u200d",
  "\u2028",
  "\u2029",
  "\u202e",
  "\u2066",
  "\ufeff",
  "\ud800",
  "\udfff",
  "😀",
  "e\u0301",
  "日本語",
  "héllo",
  "#",
  "# from x (y:1)",
  "# note: z",
  "NEEDS",
  "LOCK",
  "THEN",
  "RUN",
  "present=0",
  "exit=1",
  "output=",
  "a=b",
  "=",
  "-",
  "--",
  "--force",
  "-x",
  "(",
  ")",
  "(f:1)",
  ":",
  "dokku",
  "x".repeat(50),
];

function nasty(g: Gen): string {
  return g.many(0, 4, () => g.bool(0.7) ? g.pick(NASTY) : String.fromCharCode(g.int(0, 0xffff)))
    .join("");
}

function nonEmpty(g: Gen): string {
  const s = nasty(g);
  return s === "" ? "x" : s;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";

function name(g: Gen, extra: string): string {
  const first = g.pick([...LETTERS]);
  return first + g.many(0, 8, () => g.pick([...LETTERS, ...extra])).join("");
}

function argv(g: Gen): string[] {
  return ["dokku", ...g.many(0, 6, () => g.bool(0.4) ? name(g, ":-") : nasty(g))];
}

function accept(g: Gen): Accept {
  const out = { exit: g.int(0, 255), output: nonEmpty(g), as: "unchanged" as const };
  return g.bool() ? { ...out, then: argv(g) } : out;
}

function stdin(g: Gen, secrets: readonly string[]): StdinSpec | undefined {
  if (g.bool(0.6)) return undefined;
  if (secrets.length > 0 && g.bool()) {
    const keys = [...new Set(g.many(1, 3, () => `K_${name(g, "_").toUpperCase()}`))];
    return {
      kind: "secrets-json",
      secrets: keys.map((key) => ({ key, secret: g.pick(secrets) })),
    };
  }
  const context = g.bool(0.3)
    ? g.pick([".", "..", "web", "../app", "a b/c"])
    : `${name(g, "")}/${nonEmpty(g).replace(/^[/\\]+|\\/g, "_")}`;
  const spec = {
    kind: "archive" as const,
    context: context.replace(/^[A-Za-z]:/, "d_").replaceAll("\u0000", "0"),
  };
  return g.bool(0.3) ? { ...spec, files: archiveFiles(g) } : spec;
}

/** Generated archive files: sorted, unique, no file inside another, UTF-8-safe content. */
function archiveFiles(g: Gen): { path: string; content: string }[] {
  const segment = () => g.pick([name(g, ".-_"), ".dokompose", "a b", "héllo", "日本", "-x", "x=y"]);
  const paths = [...new Set(g.many(1, 3, () => g.many(1, 3, segment).join("/")))].sort();
  return paths
    .filter((p) => !paths.some((q) => p.startsWith(`${q}/`)))
    .map((path) => ({ path, content: nasty(g).toWellFormed() }));
}

function command(g: Gen, secrets: readonly string[]): Command {
  const out: { argv: string[]; stdin?: StdinSpec; accept?: Accept[] } = { argv: argv(g) };
  const input = stdin(g, secrets);
  if (input !== undefined) out.stdin = input;
  if (g.bool(0.3)) out.accept = g.many(1, 2, () => accept(g));
  return out;
}

function step(g: Gen, id: string, earlier: readonly string[], secrets: readonly string[]): Step {
  const needs = [...new Set(g.many(0, 3, () => earlier.length > 0 ? g.pick(earlier) : ""))]
    .filter((n) => n !== "");
  const out: {
    -readonly [K in keyof Step]: Step[K];
  } = {
    id,
    lock: g.pick([
      "global",
      `app:${name(g, "-")}`,
      `network:${name(g, "_")}`,
      `storage:${name(g, "-")}`,
      `datastore:postgres:${name(g, "-")}`,
    ]),
    needs,
    run: g.many(1, 3, () => command(g, secrets)),
    undo: g.many(0, 2, () => command(g, secrets)),
    source: g.many(0, 3, () => ({ file: nonEmpty(g), line: g.int(1, 5000), key: nonEmpty(g) })),
    notes: g.many(0, 3, () => nasty(g)),
  };
  if (g.bool(0.4)) {
    const present = [...new Set(g.many(1, 3, () => g.int(0, 127)))];
    const missing = [...new Set(g.many(1, 3, () => g.int(128, 255)))];
    out.guard = g.bool()
      ? { argv: argv(g), presentExit: present, missingExit: missing }
      : { argv: argv(g), presentExit: missing, missingExit: present };
  }
  if (g.bool(0.3)) {
    const types = [...new Set(g.many(0, 3, () => g.pick(["web", "worker", "Cron_2", "x-y"])))];
    out.verify = {
      app: name(g, ".-"),
      processes: Object.fromEntries(types.map((t) => [t, g.int(0, 12)])),
    };
  }
  return out;
}

function dokkufile(seed: number): Dokkufile {
  const g = new Gen(seed);
  const secrets = [...new Set(g.many(0, 4, () => name(g, "_.-")))].sort();
  const stages: Stage[] = [];
  const ids: string[] = [];
  let counter = 0;
  for (let s = 0, n = g.int(0, 4); s < n; s++) {
    const stageIds: string[] = [];
    const steps = g.many(0, 4, () => {
      const id = `${name(g, "._-")}/${counter++}`;
      // Needs point backwards (earlier stages, earlier steps here): valid and acyclic.
      const made = step(g, id, [...ids, ...stageIds], secrets);
      stageIds.push(id);
      return made;
    });
    ids.push(...stageIds);
    const earlierStages = stages.map((st) => st.name);
    stages.push({
      name: `${name(g, "._-")}-${s}`,
      needs: [...new Set(g.many(0, 2, () => earlierStages.length > 0 ? g.pick(earlierStages) : ""))]
        .filter((x) => x !== ""),
      steps,
    });
  }
  return {
    format: "dokkufile/v1",
    project: name(g, "_-"),
    inputChecksum: "sha256:" + g.many(64, 64, () => g.pick([..."0123456789abcdef"])).join(""),
    dokkuVersion: `${g.int(0, 1)}.${g.int(0, 40)}.${g.int(0, 30)}`,
    secrets,
    stages,
    warnings: g.many(0, 3, () => {
      const w: { code: string; message: string; file?: string; line?: number; key?: string } = {
        code: `DK${g.int(1000, 9999)}`,
        message: nasty(g),
      };
      if (g.bool()) w.file = nasty(g);
      if (g.bool()) w.line = g.int(1, 999);
      if (g.bool()) w.key = nasty(g);
      return w;
    }),
  };
}

const CASES = 400;

Deno.test("random valid Dokkufiles are valid (the generator is honest)", () => {
  for (let seed = 1; seed <= CASES; seed++) {
    assert.deepEqual(validateDokkufile(dokkufile(seed)), [], `seed ${seed}`);
  }
});

Deno.test("parse(emit(x)) deep-equals x, and emit(parse(emit(x))) is the same text", () => {
  for (let seed = 1; seed <= CASES; seed++) {
    const value = dokkufile(seed);
    const text = emitDokkufile(value);
    const parsed = parseDokkufile(text, { file: "Dokkufile" });
    assert.deepEqual(parsed.diagnostics, [], `seed ${seed}`);
    assert.deepEqual(parsed.dokkufile, value, `seed ${seed}`);
    assert.equal(emitDokkufile(parsed.dokkufile as Dokkufile), text, `seed ${seed}`);
  }
});

Deno.test("every emitted line is one line of printable text (nothing hidden, nothing continued)", () => {
  for (let seed = 1; seed <= CASES; seed++) {
    const text = emitDokkufile(dokkufile(seed));
    assert.doesNotMatch(
      text,
      // deno-lint-ignore no-control-regex
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/,
      `seed ${seed}`,
    );
    // Well-formed UTF-16 (no lone surrogate), so the UTF-8 file holds exactly what we wrote.
    assert.ok(text.isWellFormed(), `seed ${seed}`);
  }
});

Deno.test("fromJson(toJson(x)) deep-equals x, and the JSON is stable", async () => {
  for (let seed = 1; seed <= CASES; seed++) {
    const value = dokkufile(seed);
    const json = dokkufileToJson(value);
    const read = await dokkufileFromJson(json, { file: "Dokkufile.json" });
    assert.deepEqual(read.diagnostics, [], `seed ${seed}`);
    assert.deepEqual(read.dokkufile, value, `seed ${seed}`);
    assert.equal(dokkufileToJson(read.dokkufile as Dokkufile), json, `seed ${seed}`);
  }
});

Deno.test("damaged text never throws; every problem is located in the text", () => {
  const g = new Gen(7);
  for (let seed = 1; seed <= 150; seed++) {
    const text = emitDokkufile(dokkufile(seed));
    for (let round = 0; round < 8; round++) {
      let damaged = text;
      for (let k = g.int(1, 3); k > 0; k--) {
        const at = g.int(0, damaged.length);
        const cut = g.int(0, 6);
        const insert = g.bool() ? g.pick(['"', "\\", "\n", " ", "=", "#", "NEEDS", "x", "\t"]) : "";
        damaged = damaged.slice(0, at) + insert + damaged.slice(at + cut);
      }
      const result = parseDokkufile(damaged, { file: "Dokkufile" });
      const lines = damaged.split("\n").length;
      for (const d of result.diagnostics) {
        assert.ok(d.span !== undefined, `seed ${seed}/${round}: ${d.code} has no span`);
        assert.ok(d.span.line >= 1 && d.span.line <= lines, `seed ${seed}/${round}: ${d.code}`);
        assert.ok(d.span.column >= 1, `seed ${seed}/${round}: ${d.code}`);
      }
      if (result.dokkufile !== undefined) {
        // Whatever still reads is a valid value whose canonical text reads back to it.
        assert.deepEqual(
          validateDokkufile(result.dokkufile).filter((d) => d.severity === "error"),
          [],
        );
        const again = parseDokkufile(emitDokkufile(result.dokkufile), { file: "Dokkufile" });
        assert.deepEqual(again.dokkufile, result.dokkufile, `seed ${seed}/${round}`);
      }
    }
  }
});

Deno.test("damaged JSON never throws; every problem is located", async () => {
  const g = new Gen(11);
  for (let seed = 1; seed <= 80; seed++) {
    const json = dokkufileToJson(dokkufile(seed));
    for (let round = 0; round < 6; round++) {
      const at = g.int(0, json.length);
      const damaged = json.slice(0, at) + g.pick(["", "}", '"', ",", "1", "[", "x"]) +
        json.slice(at + g.int(0, 4));
      const result = await dokkufileFromJson(damaged, { file: "Dokkufile.json" });
      for (const d of result.diagnostics) {
        assert.ok(d.span !== undefined, `seed ${seed}/${round}: ${d.code} has no span`);
      }
    }
  }
});
