import assert from "node:assert/strict";
import { emptyState, type Plan, planRun, type RunState } from "../src/runtime/mod.ts";
import { cmd, dokkufile, stage, step } from "./support/fake_runner.ts";
import type { Dokkufile } from "../src/dokkufile/types.ts";

const NO_INPUTS = { secretHashes: new Map<string, string>(), archiveHashes: new Map() };

function base(webConfig = "A=1"): Dokkufile {
  return dokkufile([
    stage("setup", [
      step("db/create", { lock: "datastore:postgres:db", run: [cmd("postgres:create", "db")] }),
    ]),
    stage("level-1", [
      step("web/create", { run: [cmd("apps:create", "web")] }),
      step("web/config", {
        needs: ["web/create"],
        run: [cmd("config:set", "--no-restart", "web", webConfig)],
      }),
      step("web/deploy", {
        needs: ["web/config", "web/create"],
        run: [cmd("git:from-image", "web", "nginx:1")],
      }),
      step("api/create", { run: [cmd("apps:create", "api")] }),
    ], ["setup"]),
  ]);
}

function recordAll(plan: Plan, project = "shop", target = "fake"): RunState {
  const steps: Record<string, { checksum: string; own: string; created: boolean }> = {};
  for (const s of plan.steps) steps[s.id] = { checksum: s.checksum, own: s.own, created: true };
  return { version: 1, target, project, steps };
}

function reasons(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.steps.map((s) => [s.id, `${s.action}: ${s.reason}`]));
}

Deno.test("plan: every step is new against an empty state", () => {
  const plan = planRun(base(), emptyState("fake", "shop"), NO_INPUTS);
  assert.deepEqual(plan.diagnostics, []);
  assert.deepEqual(Object.values(reasons(plan)), Array(5).fill("run: new"));
  assert.deepEqual(plan.steps.map((s) => s.id), [
    "db/create",
    "web/create",
    "web/config",
    "web/deploy",
    "api/create",
  ]);
});

Deno.test("plan: a recorded, unchanged Dokkufile skips every step", () => {
  const first = planRun(base(), emptyState("fake", "shop"), NO_INPUTS);
  const again = planRun(base(), recordAll(first), NO_INPUTS);
  assert.ok(again.steps.every((s) => s.action === "skip" && s.reason === "unchanged"));
  assert.match(again.steps[0]!.explain, /is recorded as applied/);
});

Deno.test("plan: a changed step reruns and so do the steps that need it", () => {
  const first = planRun(base("A=1"), emptyState("fake", "shop"), NO_INPUTS);
  const plan = planRun(base("A=2"), recordAll(first), NO_INPUTS);
  assert.deepEqual(reasons(plan), {
    "db/create": "skip: unchanged",
    "web/create": "skip: unchanged",
    "web/config": "run: changed",
    "web/deploy": "run: upstream changed",
    "api/create": "skip: unchanged",
  });
  assert.match(plan.steps[3]!.explain, /needs web\/config/);
});

Deno.test("plan: checksums chain through needs; own checksum does not", () => {
  const a = planRun(base("A=1"), emptyState("fake", "shop"), NO_INPUTS);
  const b = planRun(base("A=2"), emptyState("fake", "shop"), NO_INPUTS);
  const deployA = a.steps.find((s) => s.id === "web/deploy")!;
  const deployB = b.steps.find((s) => s.id === "web/deploy")!;
  assert.equal(deployA.own, deployB.own);
  assert.notEqual(deployA.checksum, deployB.checksum);
  const apiA = a.steps.find((s) => s.id === "api/create")!;
  const apiB = b.steps.find((s) => s.id === "api/create")!;
  assert.equal(apiA.checksum, apiB.checksum);
});

Deno.test("plan: a step whose needed step has no record reruns as upstream changed", () => {
  const first = planRun(base(), emptyState("fake", "shop"), NO_INPUTS);
  const state = recordAll(first);
  const steps = { ...state.steps };
  delete steps["web/config"];
  const plan = planRun(base(), { ...state, steps }, NO_INPUTS);
  assert.equal(reasons(plan)["web/config"], "run: new");
  assert.equal(reasons(plan)["web/deploy"], "run: upstream changed");
  assert.equal(reasons(plan)["web/create"], "skip: unchanged");
});

Deno.test("plan: provenance, notes and the order of needs do not change checksums", () => {
  const df = base();
  const moved: Dokkufile = {
    ...df,
    stages: df.stages.map((st) => ({
      ...st,
      steps: st.steps.map((s) => ({
        ...s,
        source: [{ file: "compose.yaml", line: 99, key: "services.x" }],
        notes: ["moved"],
        needs: [...s.needs].reverse(),
      })),
    })),
  };
  const a = planRun(df, emptyState("fake", "shop"), NO_INPUTS);
  const b = planRun(moved, emptyState("fake", "shop"), NO_INPUTS);
  assert.deepEqual(a.steps.map((s) => s.checksum), b.steps.map((s) => s.checksum));
});

Deno.test("plan: a secret's hash and an archive's hash are part of the checksum", () => {
  const df = dokkufile([
    stage("s", [
      step("web/secrets", {
        run: [{
          argv: ["dokku", "config:import", "--no-restart", "--format", "json", "web", "-"],
          stdin: { kind: "secrets-json", secrets: [{ key: "DB_PASSWORD", secret: "db_password" }] },
        }],
      }),
      step("web/deploy", {
        run: [{
          argv: ["dokku", "git:from-archive", "--archive-type", "tar", "web", "--"],
          stdin: { kind: "archive", context: "app" },
        }],
      }),
    ]),
  ], { secrets: ["db_password"] });
  const inputs = (secret: string, archive: string) => ({
    secretHashes: new Map([["db_password", secret]]),
    archiveHashes: new Map([["app", archive]]),
  });
  const first = planRun(df, emptyState("fake", "shop"), inputs("s1", "a1"));
  const state = recordAll(first);
  assert.deepEqual(
    Object.values(reasons(planRun(df, state, inputs("s1", "a1")))),
    ["skip: unchanged", "skip: unchanged"],
  );
  assert.deepEqual(reasons(planRun(df, state, inputs("s2", "a1"))), {
    "web/secrets": "run: changed",
    "web/deploy": "skip: unchanged",
  });
  assert.deepEqual(reasons(planRun(df, state, inputs("s1", "a2"))), {
    "web/secrets": "skip: unchanged",
    "web/deploy": "run: changed",
  });
});

Deno.test("plan: forced steps and their dependents run; a state reset runs everything", () => {
  const first = planRun(base(), emptyState("fake", "shop"), NO_INPUTS);
  const forced = planRun(base(), recordAll(first), { ...NO_INPUTS, force: ["web/create"] });
  assert.deepEqual(reasons(forced), {
    "db/create": "skip: unchanged",
    "web/create": "run: forced",
    "web/config": "run: upstream changed",
    "web/deploy": "run: upstream changed",
    "api/create": "skip: unchanged",
  });
  const reset = planRun(base(), emptyState("fake", "shop"), { ...NO_INPUTS, stateReset: true });
  assert.ok(reset.steps.every((s) => s.reason === "state reset" && s.action === "run"));
});

/** Steps that must finish before `id` starts (transitively, through stage barriers). */
function before(plan: Plan, id: string): string[] {
  const g = plan.graph;
  const target = plan.steps.findIndex((s) => s.id === id);
  const preds: number[][] = g.dependents.map(() => []);
  g.dependents.forEach((ds, from) => ds.forEach((to) => preds[to]!.push(from)));
  const seen = new Set<number>();
  const stack = [target];
  while (stack.length > 0) {
    for (const p of preds[stack.pop()!]!) {
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return [...seen].filter((i) => i < g.steps).sort((a, b) => a - b).map((i) => plan.steps[i]!.id);
}

Deno.test("plan: stage needs order steps after every step of the needed stage", () => {
  const plan = planRun(base(), emptyState("fake", "shop"), NO_INPUTS);
  assert.deepEqual(before(plan, "db/create"), []);
  assert.deepEqual(before(plan, "web/create"), ["db/create"]);
  assert.deepEqual(before(plan, "api/create"), ["db/create"]);
  assert.deepEqual(before(plan, "web/deploy"), ["db/create", "web/create", "web/config"]);
  assert.deepEqual(plan.steps.find((s) => s.id === "web/deploy")!.needs, [
    "web/create",
    "web/config",
  ]);
});

Deno.test("plan: an empty stage passes on what it waits for", () => {
  const df = dokkufile([
    stage("a", [step("a/x")]),
    stage("b", [], ["a"]),
    stage("c", [step("c/x")], ["b"]),
  ]);
  const plan = planRun(df, emptyState("fake", "shop"), NO_INPUTS);
  assert.deepEqual(before(plan, "c/x"), ["a/x"]);
});

Deno.test("plan: unknown needs and cycles are diagnostics, not crashes", () => {
  const unknown = dokkufile([stage("s", [step("a/x", { needs: ["nope"] })])]);
  const p1 = planRun(unknown, emptyState("fake", "shop"), NO_INPUTS);
  assert.deepEqual(p1.diagnostics.map((d) => d.code), ["DK5017"]);
  assert.match(p1.diagnostics[0]!.message, /unknown step "nope"/);
  const cycle = dokkufile([
    stage("s", [step("a/x", { needs: ["b/x"] }), step("b/x", { needs: ["a/x"] })]),
  ]);
  const p2 = planRun(cycle, emptyState("fake", "shop"), NO_INPUTS);
  assert.deepEqual(p2.diagnostics.map((d) => d.code), ["DK5017"]);
  assert.match(p2.diagnostics[0]!.message, /cycle \(a\/x, b\/x\)/);
  assert.deepEqual(p2.steps, []);
});

Deno.test("plan: records of steps no longer in the Dokkufile are reported as orphans", () => {
  const state: RunState = {
    version: 1,
    target: "fake",
    project: "shop",
    steps: {
      "old/step": { checksum: "sha256:x", created: true },
      "a/old": { checksum: "y", created: false },
    },
  };
  const plan = planRun(base(), state, NO_INPUTS);
  assert.deepEqual(plan.orphans, ["a/old", "old/step"]);
});
