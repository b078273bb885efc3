/**
 * Every command in every golden Dokkufile (run, undo, guard, accept.then) is valid against
 * Dokku's command surface (`../shared/dokku/commands.json`, via the dokku double's validator),
 * and `dokkuVersion` is exactly the newest `since` of the core commands and flags used.
 */
import assert from "node:assert/strict";
import { parseDokkufile } from "../src/dokkufile/mod.ts";
import type { Dokkufile } from "../src/dokkufile/types.ts";
import { validateArgv } from "./support/dokku_spec.ts";

const ROOT = new URL("../fixtures/compile/", import.meta.url);
const COMMANDS = JSON.parse(
  Deno.readTextFileSync(new URL("../../shared/dokku/commands.json", import.meta.url)),
) as {
  core: {
    commands: {
      command: string;
      since: string;
      flags: { name: string; since?: string }[];
    }[];
  };
};

function goldens(): { name: string; dokkufile: Dokkufile }[] {
  const out: { name: string; dokkufile: Dokkufile }[] = [];
  const names = [...Deno.readDirSync(ROOT)].filter((e) => e.isDirectory).map((e) => e.name);
  // Sorted: readDir order depends on the file system.
  for (const name of names.sort()) {
    let text: string;
    try {
      text = Deno.readTextFileSync(new URL(`${name}/expected.Dokkufile`, ROOT));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    const parsed = parseDokkufile(text, { file: `${name}/expected.Dokkufile` });
    assert.ok(parsed.dokkufile, `${name}: ${JSON.stringify(parsed.diagnostics)}`);
    out.push({ name, dokkufile: parsed.dokkufile });
  }
  return out;
}

function commandsOf(d: Dokkufile): { where: string; argv: readonly string[] }[] {
  const out: { where: string; argv: readonly string[] }[] = [];
  for (const stage of d.stages) {
    for (const step of stage.steps) {
      if (step.guard !== undefined) out.push({ where: `${step.id} GUARD`, argv: step.guard.argv });
      for (const [kind, list] of [["RUN", step.run], ["UNDO", step.undo]] as const) {
        for (const c of list) {
          out.push({ where: `${step.id} ${kind}`, argv: c.argv });
          for (const a of c.accept ?? []) {
            if (a.then !== undefined) out.push({ where: `${step.id} THEN`, argv: a.then });
          }
        }
      }
    }
  }
  return out;
}

function version(v: string): number[] {
  return v.replace(/^<=/, "").split(".").map((x) => Number.parseInt(x, 10));
}

function newer(a: string, b: string): boolean {
  const x = version(a);
  const y = version(b);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
}

const cases = goldens();

Deno.test("golden Dokkufiles exist to check", () => {
  assert.ok(cases.length >= 12, `only ${cases.length} golden Dokkufiles`);
});

for (const { name, dokkufile } of cases) {
  Deno.test(`every command is valid for Dokku: ${name}`, () => {
    const problems: string[] = [];
    for (const { where, argv } of commandsOf(dokkufile)) {
      const result = validateArgv(argv);
      if (!result.ok) problems.push(`${where}: ${argv.join(" ")}: ${result.reason}`);
    }
    assert.deepEqual(problems, []);
  });

  Deno.test(`dokkuVersion is the newest 'since' used: ${name}`, () => {
    let expected = "0.4.0";
    for (const { argv } of commandsOf(dokkufile)) {
      const spec = COMMANDS.core.commands.find((c) => c.command === argv[1]);
      if (spec === undefined) continue; // plugin commands do not raise the Dokku version
      const sinces = [spec.since];
      for (const arg of argv.slice(2)) {
        if (arg === "--") break;
        const flag = spec.flags.find((f) => f.name === arg);
        if (flag?.since !== undefined) sinces.push(flag.since);
      }
      for (const s of sinces) if (newer(s, expected)) expected = s.replace(/^<=/, "");
    }
    assert.equal(dokkufile.dokkuVersion, expected);
  });
}
