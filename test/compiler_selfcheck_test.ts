/**
 * The compiler checks its own output: `lowerStack` runs `validateDokkufile` on the Dokkufile it
 * made, and any finding is an internal error (DK4803), so `compile` writes nothing.
 */
import assert from "node:assert/strict";
import { compileProject, lowerStack, selfCheck } from "../src/compiler/mod.ts";
import type { ComposeModel } from "../src/compose/types.ts";
import type { Stack } from "../src/stack/model.ts";
import { transformToStack } from "../src/stack/mod.ts";
import { loaded } from "./support/stack_project.ts";

function stack(): Stack {
  const model = {
    name: "shop",
    services: {
      web: { image: "nginx:1.27", ports: [{ target: 80, published: "80", protocol: "tcp" }] },
      db: { image: "postgres:16" },
    },
  } as unknown as ComposeModel;
  const r = transformToStack(loaded(model));
  assert.ok(r.stack, JSON.stringify(r.diagnostics));
  return r.stack;
}

Deno.test("self-check: a good Stack lowers with no internal error", () => {
  const { diagnostics, dokkufile } = lowerStack(stack());
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(selfCheck(dokkufile), []);
});

Deno.test("self-check: an invalid lowered Dokkufile is an internal error DK4803", () => {
  // An app name Dokku would refuse (a Stack bug): the lock and commands come out invalid.
  const s = stack();
  const bad: Stack = { ...s, apps: s.apps.map((a) => ({ ...a, name: "Shop Web!" })) };
  const { diagnostics } = lowerStack(bad);
  const internal = diagnostics.filter((d) => d.code === "DK4803");
  assert.ok(internal.length > 0, JSON.stringify(diagnostics));
  for (const d of internal) {
    assert.equal(d.severity, "error");
    assert.match(d.message, /^Internal error: the generated Dokkufile fails its own check \(DK6/);
    assert.match(d.hint ?? "", /bug in dokompose/);
  }
});

Deno.test("self-check: every finding, even a warning, becomes one DK4803 error", () => {
  const { dokkufile } = lowerStack(stack());
  // Two step ids made equal: one validation finding about the duplicate.
  const steps = dokkufile.stages.flatMap((st) => st.steps);
  const twin = { ...steps[1]!, id: steps[0]!.id };
  const broken = {
    ...dokkufile,
    stages: dokkufile.stages.map((st, i) =>
      i === dokkufile.stages.length - 1 ? { ...st, steps: [...st.steps, twin] } : st
    ),
  };
  const found = selfCheck(broken);
  assert.ok(found.length > 0);
  assert.ok(found.every((d) => d.code === "DK4803" && d.severity === "error"));
});

Deno.test("self-check: compileProject runs it (a clean project has no DK4803)", async () => {
  const r = await compileProject(
    loaded({ name: "shop", services: { web: { image: "nginx:1.27" } } } as ComposeModel),
  );
  assert.ok(r.dokkufile);
  assert.deepEqual(selfCheck(r.dokkufile), []);
  assert.ok(!r.diagnostics.some((d) => d.code === "DK4803"));
});
