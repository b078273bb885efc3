/**
 * Structural validation of Dokkufile values (`validateDokkufile`), including problems the text
 * form cannot even spell (empty argv, non-integer exit codes), asserted by code and model path.
 */
import assert from "node:assert/strict";
import {
  type Command,
  type Dokkufile,
  type Step,
  validateDokkufile,
} from "../src/dokkufile/mod.ts";
import { SAMPLE } from "./support/dokkufile_sample.ts";

function step(id: string, extra: Partial<Step> = {}): Step {
  return {
    id,
    lock: "app:shop-web",
    needs: [],
    run: [{ argv: ["dokku", "apps:list"] }],
    undo: [],
    source: [],
    notes: [],
    ...extra,
  };
}

function file(extra: Partial<Dokkufile>): Dokkufile {
  return { ...SAMPLE, warnings: [], ...extra };
}

function oneStep(s: Step, secrets: readonly string[] = []): Dokkufile {
  return file({ secrets, stages: [{ name: "apps", needs: [], steps: [s] }] });
}

/** `[code, path]` of each diagnostic, in the order found. */
function found(value: Dokkufile): [string, string | undefined][] {
  return validateDokkufile(value).map((d) => [d.code, d.path]);
}

Deno.test("the representative value is valid", () => {
  assert.deepEqual(validateDokkufile(SAMPLE), []);
});

Deno.test("the header: format, project, checksum, version, secrets, warnings", () => {
  const value = {
    ...file({
      project: "",
      inputChecksum: "sha256:ABC",
      dokkuVersion: "v0.38",
      secrets: ["b", "a", "a", "no spaces"],
      warnings: [{ code: "oops", message: "m", line: 2.5 }],
      stages: [],
    }),
    format: "dokkufile/v2",
  } as unknown as Dokkufile;
  assert.deepEqual(found(value), [
    ["DK6002", "format"],
    ["DK6012", "project"],
    ["DK6012", "inputChecksum"],
    ["DK6012", "dokkuVersion"],
    ["DK6042", "secrets[1]"],
    ["DK6041", "secrets[2]"],
    ["DK6012", "secrets[3]"],
    ["DK6012", "warnings[0].code"],
    ["DK6012", "warnings[0].line"],
  ]);
});

Deno.test("stages: unique names, needs exist and come earlier (so they are acyclic)", () => {
  const value = file({
    stages: [
      { name: "a", needs: ["b"], steps: [] },
      { name: "b", needs: ["a", "a", "b", "c"], steps: [] },
      { name: "a", needs: [], steps: [] },
      { name: "Bad Name", needs: [], steps: [] },
    ],
  });
  assert.deepEqual(found(value), [
    ["DK6031", "stages[2].name"],
    ["DK6012", "stages[3].name"],
    ["DK6036", "stages[0].needs[0]"],
    ["DK6043", "stages[1].needs[1]"],
    ["DK6045", "stages[1].needs[2]"],
    ["DK6035", "stages[1].needs[3]"],
  ]);
});

Deno.test("steps: unique ids, needs in the same or an earlier stage, no cycles", () => {
  const value = file({
    stages: [
      {
        name: "one",
        needs: [],
        steps: [
          step("x", { needs: ["later"] }),
          step("y", { needs: ["z"] }),
          step("z", { needs: ["y"] }),
          step("x"),
        ],
      },
      { name: "two", needs: [], steps: [step("later", { needs: ["x", "nope"] })] },
    ],
  });
  assert.deepEqual(found(value), [
    ["DK6030", "stages[0].steps[3].id"],
    ["DK6033", "stages[0].steps[0].needs[0]"],
    ["DK6032", "stages[1].steps[0].needs[1]"],
    ["DK6034", "stages[0].steps[1].needs[0]"],
  ]);
  const cycle = validateDokkufile(value).find((d) => d.code === "DK6034");
  assert.equal(cycle?.message, "Steps form a dependency cycle: 'y' -> 'z' -> 'y'");
});

Deno.test("a did-you-mean hint names the closest step id", () => {
  const value = file({
    stages: [{
      name: "s",
      needs: [],
      steps: [step("web/create"), step("web/deploy", { needs: ["web/craete"] })],
    }],
  });
  const [d] = validateDokkufile(value);
  assert.equal(d?.code, "DK6032");
  assert.equal(d?.hint, "Did you mean 'web/create'?");
});

Deno.test("commands: argv[0] is dokku everywhere, a step has a RUN", () => {
  const bad: Command = { argv: ["bash", "-c", "dokku apps:list"] };
  const value = oneStep(step("s", {
    guard: { argv: [], presentExit: [0], missingExit: [1] },
    run: [bad, {
      argv: ["dokku", "x"],
      accept: [{ exit: 1, output: "o", as: "unchanged", then: ["rm"] }],
    }],
    undo: [{ argv: ["Dokku"] }],
  }));
  assert.deepEqual(found(value), [
    ["DK6012", "stages[0].steps[0].guard.argv"],
    ["DK6037", "stages[0].steps[0].run[0].argv[0]"],
    ["DK6037", "stages[0].steps[0].run[1].accept[0].then[0]"],
    ["DK6037", "stages[0].steps[0].undo[0].argv[0]"],
  ]);
  assert.deepEqual(found(oneStep(step("s", { run: [] }))), [["DK6040", "stages[0].steps[0].id"]]);
});

Deno.test("guards: exit codes are 0-255, sets non-empty, disjoint, without repeats", () => {
  const value = oneStep(step("s", {
    guard: { argv: ["dokku", "apps:exists", "x"], presentExit: [0, 1.5, 0], missingExit: [0, -1] },
  }));
  assert.deepEqual(found(value), [
    ["DK6012", "stages[0].steps[0].guard.presentExit[1]"],
    ["DK6044", "stages[0].steps[0].guard.presentExit[2]"],
    ["DK6012", "stages[0].steps[0].guard.missingExit[1]"],
    ["DK6039", "stages[0].steps[0].guard.missingExit[0]"],
  ]);
  const empty = oneStep(step("s", {
    guard: { argv: ["dokku", "apps:exists", "x"], presentExit: [], missingExit: [20] },
  }));
  assert.deepEqual(found(empty), [["DK6012", "stages[0].steps[0].guard.presentExit"]]);
});

Deno.test("stdin: declared secrets, valid unique keys, at least one pair, relative archives", () => {
  const value = oneStep(
    step("s", {
      run: [
        {
          argv: ["dokku", "config:import", "--format", "json", "app", "-"],
          stdin: {
            kind: "secrets-json",
            secrets: [
              { key: "A", secret: "known" },
              { key: "A", secret: "known" },
              { key: "B-C", secret: "unknown" },
            ],
          },
        },
        { argv: ["dokku", "x"], stdin: { kind: "secrets-json", secrets: [] } },
        { argv: ["dokku", "x"], stdin: { kind: "archive", context: "/srv/app" } },
        { argv: ["dokku", "x"], stdin: { kind: "archive", context: "C:/app" } },
        { argv: ["dokku", "x"], stdin: { kind: "archive", context: "a\\b" } },
        { argv: ["dokku", "x"], stdin: { kind: "archive", context: "../app" } },
      ],
    }),
    ["known"],
  );
  assert.deepEqual(found(value), [
    ["DK6044", "stages[0].steps[0].run[0].stdin.secrets[1]"],
    ["DK6012", "stages[0].steps[0].run[0].stdin.secrets[2]"],
    ["DK6038", "stages[0].steps[0].run[0].stdin.secrets[2]"],
    ["DK6012", "stages[0].steps[0].run[1].stdin"],
    ["DK6012", "stages[0].steps[0].run[2].stdin.context"],
    ["DK6012", "stages[0].steps[0].run[3].stdin.context"],
    ["DK6012", "stages[0].steps[0].run[4].stdin.context"],
  ]);
});

Deno.test("accept rules: an exit code, a non-empty output, outcome 'unchanged'", () => {
  const value = oneStep(step("s", {
    run: [{
      argv: ["dokku", "git:from-image", "app", "img"],
      accept: [
        { exit: 256, output: "", as: "ignored" as "unchanged" },
      ],
    }],
  }));
  assert.deepEqual(found(value), [
    ["DK6012", "stages[0].steps[0].run[0].accept[0].exit"],
    ["DK6012", "stages[0].steps[0].run[0].accept[0].output"],
    ["DK6012", "stages[0].steps[0].run[0].accept[0].as"],
  ]);
});

Deno.test("locks, ids, sources and verify use their documented charsets", () => {
  const value = oneStep(step("Web Step", {
    lock: "app:",
    source: [{ file: "", line: 0, key: "" }],
    verify: { app: "Shop_Web", processes: { "1web": 1, web: -1 } },
  }));
  assert.deepEqual(found(value), [
    ["DK6012", "stages[0].steps[0].id"],
    ["DK6012", "stages[0].steps[0].lock"],
    ["DK6012", "stages[0].steps[0].source[0]"],
    ["DK6012", "stages[0].steps[0].source[0]"],
    ["DK6012", "stages[0].steps[0].source[0]"],
    ["DK6012", "stages[0].steps[0].verify.app"],
    ["DK6012", "stages[0].steps[0].verify.processes.1web"],
    ["DK6012", "stages[0].steps[0].verify.processes.web"],
  ]);
  for (const lock of ["global", "app:a", "network:n_1", "storage:s-1", "datastore:redis:r"]) {
    assert.deepEqual(found(oneStep(step("s", { lock }))), [], lock);
  }
});

Deno.test("validation diagnostics carry no span: the value has no text", () => {
  const value = oneStep(step("s", { needs: ["missing"] }));
  const [d] = validateDokkufile(value);
  assert.equal(d?.span, undefined);
  assert.equal(d?.path, "stages[0].steps[0].needs[0]");
  assert.equal(d?.message, "Step 's' needs unknown step 'missing'");
});

Deno.test("a '__proto__' process type in the text is reported, not dropped", async () => {
  const { emitDokkufile, parseDokkufile } = await import("../src/dokkufile/mod.ts");
  const text = emitDokkufile(SAMPLE).replace(
    "VERIFY shop-web web=2",
    "VERIFY shop-web __proto__=1 web=2",
  );
  const line = text.split("\n").findIndex((l) => l.includes("__proto__=1")) + 1;
  const parsed = parseDokkufile(text, { file: "Dokkufile" });
  assert.equal(parsed.dokkufile, undefined);
  assert.deepEqual(parsed.diagnostics.map((d) => [d.code, d.path, d.span?.line, d.span?.column]), [
    ["DK6012", "stages[1].steps[2].verify.processes.__proto__", line, 19],
  ]);
});
