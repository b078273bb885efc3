/**
 * Generated files in build archives (`STDIN archive` + `FILE`): they are in the tar with their
 * exact content, they are part of the archive's hash, and they never replace a file of the
 * context (the run fails before anything runs).
 */
import assert from "node:assert/strict";
import {
  addGeneratedFiles,
  archiveKey,
  buildTar,
  ownChecksum,
  readContext,
  sha256,
  stepArchives,
  type TarEntry,
} from "../src/runtime/mod.ts";
import type { Step } from "../src/dokkufile/types.ts";
import { createDouble } from "./support/double.ts";
import { runCli } from "./support/cli.ts";

const APP_JSON =
  '{"healthchecks":{"web":[{"attempts":3,"command":["curl","-f","http://localhost/"],"type":"startup"}]}}';
const encoder = new TextEncoder();

function file(path: string, text: string): TarEntry {
  return { kind: "file", path, data: encoder.encode(text), executable: false };
}

/** Runs the system `tar` on the archive (written to a temporary file), returns its stdout. */
async function tar(
  args: readonly string[],
  archive: Uint8Array,
  members: readonly string[] = [],
): Promise<string> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/a.tar`, archive);
    const out = await new Deno.Command("tar", { args: [...args, `${dir}/a.tar`, ...members] })
      .output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a generated file is in the tar with its exact content, mode 0644, under a new directory", async () => {
  const content = `${APP_JSON}\nhéllo ✓ "quoted" \\ $HOME\n`;
  const added = addGeneratedFiles(
    [file("Dockerfile", "FROM scratch\n")],
    [{ path: ".dokompose/app.json", content }],
  );
  assert.equal(added.conflict, undefined);
  const archive = buildTar(added.entries);
  const listing = await tar(["-tvf"], archive);
  const lines = listing.trim().split("\n");
  assert.equal(lines.length, 3, listing);
  assert.match(lines[0] ?? "", /^drwxr-xr-x .* \.dokompose\/$/);
  assert.match(lines[1] ?? "", /^-rw-r--r-- .* \.dokompose\/app\.json$/);
  assert.match(lines[2] ?? "", /^-rw-r--r-- .* Dockerfile$/);
  assert.equal(await tar(["-xOf"], archive, [".dokompose/app.json"]), content);
  assert.equal(await tar(["-xOf"], archive, ["Dockerfile"]), "FROM scratch\n");
});

Deno.test("a generated file joins an existing directory of the context without a second entry", async () => {
  const added = addGeneratedFiles(
    [{ kind: "dir", path: ".dokompose" }, file(".dokompose/notes.txt", "mine")],
    [{ path: ".dokompose/app.json", content: APP_JSON }],
  );
  assert.equal(added.conflict, undefined);
  const listing = (await tar(["-tf"], buildTar(added.entries))).trim().split("\n");
  assert.deepEqual(listing, [".dokompose/", ".dokompose/app.json", ".dokompose/notes.txt"]);
});

Deno.test("a generated file never replaces a context file, directory or link", () => {
  const files = [{ path: ".dokompose/app.json", content: APP_JSON }];
  const cases: [TarEntry[], RegExp][] = [
    [
      [{ kind: "dir", path: ".dokompose" }, file(".dokompose/app.json", "{}")],
      /already has a file/,
    ],
    [
      [{ kind: "dir", path: ".dokompose" }, { kind: "dir", path: ".dokompose/app.json" }],
      /a directory/,
    ],
    [[{ kind: "dir", path: ".dokompose" }, {
      kind: "symlink",
      path: ".dokompose/app.json",
      target: "/etc/passwd",
    }], /a link/],
    [[file(".dokompose", "x")], /needs the directory "\.dokompose", but the context has a file/],
    [[{ kind: "symlink", path: ".dokompose", target: "/tmp" }], /has a symbolic link there/],
  ];
  for (const [entries, expected] of cases) {
    const added = addGeneratedFiles(entries, files);
    assert.match(added.conflict ?? "", expected);
    assert.deepEqual(added.entries, []);
  }
});

Deno.test("a context file excluded by .dockerignore is not sent, so it is no conflict", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/.dokompose`);
    await Deno.writeTextFile(`${dir}/.dokompose/app.json`, "{}");
    await Deno.writeTextFile(`${dir}/Dockerfile`, "FROM scratch\n");
    const files = [{ path: ".dokompose/app.json", content: APP_JSON }];
    const sent = readContext(dir);
    assert.match(addGeneratedFiles(sent.entries, files).conflict ?? "", /already has a file/);
    await Deno.writeTextFile(`${dir}/.dockerignore`, ".dokompose\n");
    const ignored = addGeneratedFiles(readContext(dir).entries, files);
    assert.equal(ignored.conflict, undefined);
    const archive = buildTar(ignored.entries);
    assert.deepEqual((await tar(["-tf"], archive)).trim().split("\n"), [
      ".dockerignore",
      ".dokompose/",
      ".dokompose/app.json",
      "Dockerfile",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the archive hash changes with a generated file's content; plain contexts keep their key", () => {
  const entries = [file("Dockerfile", "FROM scratch\n")];
  const hash = (content: string) =>
    sha256(buildTar(addGeneratedFiles(entries, [{ path: "app.json", content }]).entries));
  assert.notEqual(hash(APP_JSON), hash(APP_JSON.replace('"attempts":3', '"attempts":4')));
  assert.equal(hash(APP_JSON), hash(APP_JSON));
  assert.notEqual(hash(APP_JSON), sha256(buildTar(entries)));

  assert.equal(archiveKey({ context: "web" }), "web");
  const a = archiveKey({ context: "web", files: [{ path: "app.json", content: "1" }] });
  const b = archiveKey({ context: "web", files: [{ path: "app.json", content: "2" }] });
  assert.notEqual(a, "web");
  assert.notEqual(a, b);
});

Deno.test("a step's checksum follows the hash of the archive with its files", () => {
  const step = (content: string): Step => ({
    id: "web/deploy",
    lock: "app:shop-web",
    needs: [],
    run: [{
      argv: ["dokku", "git:from-archive", "--archive-type", "tar", "shop-web", "--"],
      stdin: { kind: "archive", context: "web", files: [{ path: "app.json", content }] },
    }],
    undo: [],
    source: [],
    notes: [],
  });
  const one = step("1");
  const [key] = stepArchives(one);
  assert.equal(key, archiveKey({ context: "web", files: [{ path: "app.json", content: "1" }] }));
  const inputs = (hash: string) => ({
    secretHashes: new Map<string, string>(),
    archiveHashes: new Map([[key as string, hash]]),
  });
  assert.notEqual(ownChecksum(one, inputs("sha256:a")), ownChecksum(one, inputs("sha256:b")));
  assert.notEqual(ownChecksum(one, inputs("sha256:a")), ownChecksum(step("2"), inputs("sha256:a")));
});

Deno.test("run: a generated file that would replace a context file fails before anything runs", async () => {
  const dir = await Deno.makeTempDir();
  await using double = await createDouble();
  try {
    await Deno.mkdir(`${dir}/web/.dokompose`, { recursive: true });
    await Deno.writeTextFile(`${dir}/web/Dockerfile`, "FROM scratch\n");
    await Deno.writeTextFile(`${dir}/web/.dokompose/app.json`, "{}");
    await Deno.writeTextFile(
      `${dir}/Dokkufile`,
      [
        "# syntax=dokkufile/v1",
        "PROJECT shop",
        `INPUT sha256:${"0".repeat(64)}`,
        "DOKKU 0.38.0",
        "",
        "STAGE apps",
        "",
        "STEP web/create LOCK app:shop-web",
        "  RUN dokku apps:create shop-web",
        "",
        "STEP web/deploy LOCK app:shop-web NEEDS web/create",
        "  RUN dokku git:from-archive --archive-type tar shop-web --",
        "    STDIN archive web",
        `    FILE .dokompose/app.json ${JSON.stringify(APP_JSON)}`,
        "",
      ].join("\n"),
    );
    const run = await runCli(
      ["run", `${dir}/Dokkufile`, "--dokku", double.path, "--state", `${dir}/state.json`],
      { env: { ...double.env, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" }, cwd: dir },
    );
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /error DK5021: Cannot add a generated file to build context "web"/);
    assert.match(run.stderr, /already has a file "\.dokompose\/app\.json"/);
    assert.deepEqual(await double.mutatingLog(), [], "a command ran");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
