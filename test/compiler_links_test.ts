/**
 * Link steps against Dokku's rules: the order of one app's links (the plugins' substring check on
 * the link variable, SEMANTICS.md section 6, played on the dokku double) and the locks and needs
 * that keep two mutations of one app or one datastore from ever running at the same time.
 */
import assert from "node:assert/strict";
import { compileProject } from "../src/compiler/mod.ts";
import type { ComposeModel } from "../src/compose/types.ts";
import type { Dokkufile, Step } from "../src/dokkufile/types.ts";
import { parseDokkufile } from "../src/dokkufile/mod.ts";
import { createDouble } from "./support/double.ts";
import { loaded } from "./support/stack_project.ts";

const started = { condition: "service_started", required: true };

async function compile(services: Record<string, Record<string, unknown>>): Promise<Dokkufile> {
  const r = await compileProject(loaded({ name: "ledger", services } as ComposeModel));
  assert.ok(r.dokkufile, JSON.stringify(r.diagnostics, null, 2));
  return r.dokkufile;
}

const allSteps = (d: Dokkufile): Step[] => d.stages.flatMap((s) => [...s.steps]);
const linkSteps = (d: Dokkufile, app: string): Step[] =>
  allSteps(d).filter((s) => s.id.startsWith(`${app}/links/`));

/** An app with a primary and a read replica; the replica's service name sorts first. */
const REPLICA = {
  api: {
    image: "ghcr.io/example/api:1",
    environment: {
      DATABASE_URL: "postgres://ledger@writer:5432/ledger",
      READ_DATABASE_URL: "postgres://ledger@reader:5432/ledger",
    },
  },
  writer: { image: "postgres:16" },
  reader: { image: "postgres:16" },
};

Deno.test("links: DATABASE_URL is linked before READ_DATABASE_URL, and a real rule accepts both", async () => {
  const dokkufile = await compile(REPLICA);
  const links = linkSteps(dokkufile, "api");
  assert.deepEqual(links.map((s) => s.id), ["api/links/writer", "api/links/reader"]);
  // The order is enforced, not only written: the second link needs the first.
  assert.ok(links[1]!.needs.includes("api/links/writer"), links[1]!.needs.join(" "));

  await using double = await createDouble();
  const must = async (argv: readonly string[]) => {
    const r = await double.run(argv);
    assert.equal(r.code, 0, `${argv.join(" ")}: ${r.stdout}${r.stderr}`);
  };
  await must(["apps:create", "ledger-api"]);
  await must(["postgres:create", "ledger-writer"]);
  await must(["postgres:create", "ledger-reader"]);
  for (const step of links) for (const c of step.run) await must(c.argv.slice(1));
  const app = (await double.state()).apps["ledger-api"]!;
  assert.deepEqual(Object.keys(app.config).sort(), ["DATABASE_URL", "READ_DATABASE_URL"]);

  // The control: the double does reject the other order, so the test above can fail.
  await using other = await createDouble();
  for (const argv of [["apps:create", "ledger-api"], ["postgres:create", "ledger-writer"]]) {
    assert.equal((await other.run(argv)).code, 0);
  }
  assert.equal((await other.run(["postgres:create", "ledger-reader"])).code, 0);
  for (const c of links[1]!.run) assert.equal((await other.run(c.argv.slice(1))).code, 0);
  const second = await other.run(links[0]!.run[0]!.argv.slice(1));
  assert.notEqual(second.code, 0);
  assert.match(second.stdout + second.stderr, /DATABASE_URL is already in use/);
});

Deno.test("links: without a containment, links keep datastore order", async () => {
  const dokkufile = await compile({
    api: { image: "a", depends_on: { db: started, cache: started, search: started } },
    db: { image: "postgres:16" },
    cache: { image: "redis:7" },
    search: { image: "getmeili/meilisearch:v1.8" },
  });
  assert.deepEqual(linkSteps(dokkufile, "api").map((s) => s.id), [
    "api/links/cache",
    "api/links/db",
    "api/links/search",
  ]);
});

/** Resources a step changes on the host: its lock, plus both sides of a datastore link. */
function mutated(step: Step): Set<string> {
  const out = new Set([step.lock]);
  for (const c of [...step.run, ...step.undo]) {
    const [, command, datastore, app] = c.argv;
    const m = /^([a-z]+):(link|unlink)$/.exec(command ?? "");
    if (m !== null && datastore !== undefined && app !== undefined) {
      out.add(`datastore:${m[1]}:${datastore}`);
      out.add(`app:${app}`);
    }
  }
  return out;
}

/** For each step, every step that is certainly done before it starts (needs and stage needs). */
function happensBefore(d: Dokkufile): Map<string, Set<string>> {
  const stageOf = new Map<string, string>();
  for (const stage of d.stages) for (const s of stage.steps) stageOf.set(s.id, stage.name);
  const stageNeeds = new Map(d.stages.map((s) => [s.name, s.needs]));
  const stageSteps = new Map(d.stages.map((s) => [s.name, s.steps.map((x) => x.id)]));
  const steps = new Map(allSteps(d).map((s) => [s.id, s]));
  const memo = new Map<string, Set<string>>();
  const before = (id: string): Set<string> => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const out = new Set<string>();
    const direct = [...steps.get(id)!.needs];
    const stages = [...(stageNeeds.get(stageOf.get(id)!) ?? [])];
    for (let i = 0; i < stages.length; i++) {
      direct.push(...(stageSteps.get(stages[i]!) ?? []));
      stages.push(...(stageNeeds.get(stages[i]!) ?? []));
    }
    for (const n of direct) {
      out.add(n);
      for (const m of before(n)) out.add(m);
    }
    memo.set(id, out);
    return out;
  };
  for (const id of steps.keys()) before(id);
  return memo;
}

/** Pairs of steps that change one resource and could run at the same time. */
function overlaps(d: Dokkufile): string[] {
  const steps = allSteps(d);
  const before = happensBefore(d);
  const out: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    for (let j = i + 1; j < steps.length; j++) {
      const a = steps[i]!;
      const b = steps[j]!;
      if (a.lock === b.lock) continue;
      if (before.get(a.id)!.has(b.id) || before.get(b.id)!.has(a.id)) continue;
      const shared = [...mutated(a)].filter((r) => mutated(b).has(r));
      if (shared.length > 0) out.push(`${a.id} / ${b.id}: ${shared.join(", ")}`);
    }
  }
  return out;
}

/** Three apps that link `reader` in one level, two of them also `cache`. */
const SHARED = {
  ...REPLICA,
  reports: {
    build: { context: "." },
    environment: { READ_DATABASE_URL: "postgres://ledger@reader:5432/ledger" },
    depends_on: { cache: started },
    ports: [{ target: 80, published: "80", protocol: "tcp", mode: "ingress" }],
  },
  audit: { image: "a", depends_on: { reader: started, cache: started } },
  cache: { image: "redis:7" },
};

Deno.test("locks: no two steps that change one app or one datastore can overlap", async () => {
  const dokkufile = await compile(SHARED);
  // Three apps link `reader` in one level; the checker must see those steps at all.
  const readerLinks = allSteps(dokkufile).filter((s) => s.id.endsWith("/links/reader"));
  assert.equal(readerLinks.length, 3);
  for (const s of readerLinks) assert.equal(s.lock, "datastore:postgres:ledger-reader");
  assert.deepEqual(overlaps(dokkufile), []);
});

Deno.test("locks: the checker finds the overlap of app-locked link steps", async () => {
  const dokkufile = await compile(SHARED);
  // The old design: each link step locked its app only.
  const broken: Dokkufile = {
    ...dokkufile,
    stages: dokkufile.stages.map((stage) => ({
      ...stage,
      steps: stage.steps.map((s) =>
        s.id.includes("/links/") ? { ...s, lock: `app:ledger-${s.id.split("/")[0]}` } : s
      ),
    })),
  };
  const found = overlaps(broken);
  assert.ok(
    found.includes("api/links/reader / audit/links/reader: datastore:postgres:ledger-reader"),
    found.join("\n"),
  );
});

Deno.test("locks: no golden Dokkufile has two overlapping mutations of one resource", () => {
  const root = new URL("../fixtures/compile/", import.meta.url);
  let checked = 0;
  // Sorted: readDir order depends on the file system.
  const names = [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  for (const name of names) {
    let text: string;
    try {
      text = Deno.readTextFileSync(new URL(`${name}/expected.Dokkufile`, root));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    const parsed = parseDokkufile(text, { file: `${name}/expected.Dokkufile` });
    assert.ok(parsed.dokkufile, name);
    assert.deepEqual(overlaps(parsed.dokkufile), [], name);
    checked++;
  }
  assert.ok(checked >= 15, `only ${checked} golden Dokkufiles`);
});
