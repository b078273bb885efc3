import assert from "node:assert/strict";
import {
  defaultStatePath,
  emptyState,
  parseState,
  type RunState,
  serializeState,
  StateFile,
  writeFileAtomic,
} from "../src/runtime/mod.ts";

const KEY = { target: "local", project: "shop" };
const GOOD: RunState = {
  version: 1,
  target: "local",
  project: "shop",
  steps: {
    "web/create": {
      checksum: "sha256:aa",
      own: "sha256:bb",
      created: true,
      appliedAt: "2026-01-01T00:00:00.000Z",
    },
    "db/create": { checksum: "sha256:cc", created: false },
  },
};

Deno.test("state: serialize/parse round-trips, steps sorted by id", () => {
  const text = serializeState(GOOD);
  assert.ok(text.indexOf('"db/create"') < text.indexOf('"web/create"'));
  const loaded = parseState(text, { file: "s.json", ...KEY });
  assert.equal(loaded.reset, false);
  assert.deepEqual(loaded.diagnostics, []);
  assert.deepEqual(loaded.state, GOOD);
});

Deno.test("state: no file is an empty state without a warning", () => {
  const loaded = parseState(undefined, { file: "s.json", ...KEY });
  assert.deepEqual(loaded, { state: emptyState("local", "shop"), reset: false, diagnostics: [] });
});

Deno.test("state: corrupt, truncated, empty or malformed files warn once and reset", () => {
  const text = serializeState(GOOD);
  const cases: [string, RegExp][] = [
    [text.slice(0, text.length / 2), /not valid JSON/],
    ["", /it is empty/],
    ["[1,2]", /not a JSON object/],
    ['{"version":"1"}', /"version" is "1"/],
    ['{"version":1,"target":"local","project":"shop","steps":[]}', /"steps" is not an object/],
    [
      '{"version":1,"target":"local","project":"shop","steps":{"a":{"checksum":1}}}',
      /record of step "a" is malformed/,
    ],
    ["\u0000\u0001garbage", /not valid JSON/],
  ];
  for (const [input, reason] of cases) {
    const loaded = parseState(input, { file: "s.json", ...KEY });
    assert.equal(loaded.reset, true, input);
    assert.deepEqual(loaded.state, emptyState("local", "shop"));
    assert.deepEqual(loaded.diagnostics.map((d) => [d.code, d.severity]), [["DK5002", "warning"]]);
    assert.match(loaded.diagnostics[0]!.message, reason);
  }
});

Deno.test("state: a future version warns (upgrade) and resets", () => {
  const loaded = parseState(JSON.stringify({ ...GOOD, version: 7 }), { file: "s.json", ...KEY });
  assert.equal(loaded.reset, true);
  assert.deepEqual(loaded.diagnostics.map((d) => d.code), ["DK5003"]);
  assert.match(loaded.diagnostics[0]!.message, /version 7, this dokompose reads version 1/);
});

Deno.test("state: a file of another target or project is not used", () => {
  const loaded = parseState(serializeState(GOOD), {
    file: "s.json",
    target: "ssh:x",
    project: "shop",
  });
  assert.equal(loaded.reset, true);
  assert.deepEqual(loaded.diagnostics.map((d) => d.code), ["DK5014"]);
});

Deno.test("state: default path follows XDG_STATE_HOME, then HOME, sanitized", () => {
  assert.equal(
    defaultStatePath({ XDG_STATE_HOME: "/x/state", HOME: "/home/u" }, {
      target: "ssh:dokku@example.com:22",
      project: "my shop",
    }),
    "/x/state/dokompose/ssh_dokku_example.com_22__my_shop.json",
  );
  assert.equal(
    defaultStatePath({ HOME: "/home/u" }, { target: "local:/opt/dokku", project: "shop" }),
    "/home/u/.local/state/dokompose/local_opt_dokku__shop.json",
  );
  assert.equal(defaultStatePath({}, KEY), undefined);
});

Deno.test("state file: atomic write leaves no temp files and replaces the content", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sub/state.json`;
    writeFileAtomic(path, "one\n");
    writeFileAtomic(path, "two\n");
    assert.equal(await Deno.readTextFile(path), "two\n");
    const names = [...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name);
    assert.deepEqual(names, ["state.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("state file: save then load; a truncated file on disk resets with a warning", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = new StateFile(`${dir}/s.json`);
    file.save(GOOD);
    assert.deepEqual(file.load(KEY).state, GOOD);
    const text = await Deno.readTextFile(`${dir}/s.json`);
    await Deno.writeTextFile(`${dir}/s.json`, text.slice(0, 40));
    const loaded = file.load(KEY);
    assert.equal(loaded.reset, true);
    assert.deepEqual(loaded.diagnostics.map((d) => d.code), ["DK5002"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("state file: a second lock is refused naming the holder; unlock frees it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = new StateFile(`${dir}/s.json`);
    const b = new StateFile(`${dir}/s.json`);
    assert.equal(a.lock(KEY).ok, true);
    const refused = b.lock(KEY);
    assert.equal(refused.ok, false);
    assert.equal(refused.diagnostics[0]!.code, "DK5004");
    assert.match(
      refused.diagnostics[0]!.message,
      new RegExp(`locked by another run \\(pid ${Deno.pid} on host "${Deno.hostname()}", started `),
    );
    assert.match(refused.diagnostics[0]!.hint!, /s\.json\.lock/);
    a.unlock();
    assert.equal(b.lock(KEY).ok, true);
    b.unlock();
    b.unlock();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("state file: a lock left by a dead process on this host is taken over with a warning", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const child = new Deno.Command("true").spawn();
    const { success } = await child.status;
    assert.ok(success);
    const dead = child.pid;
    await Deno.writeTextFile(
      `${dir}/s.json.lock`,
      JSON.stringify({ pid: dead, host: Deno.hostname(), startedAt: "2026-01-01T00:00:00Z" }),
    );
    const file = new StateFile(`${dir}/s.json`);
    const result = file.lock(KEY);
    assert.equal(result.ok, true);
    assert.deepEqual(result.diagnostics.map((d) => d.code), ["DK5005"]);
    const holder = JSON.parse(await Deno.readTextFile(`${dir}/s.json.lock`));
    assert.equal(holder.pid, Deno.pid);
    file.unlock();
    // A lock held by a live process on another host is never taken over.
    await Deno.writeTextFile(
      `${dir}/s.json.lock`,
      JSON.stringify({ pid: dead, host: "elsewhere", startedAt: "2026-01-01T00:00:00Z" }),
    );
    assert.equal(file.lock(KEY).ok, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
