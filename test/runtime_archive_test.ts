import assert from "node:assert/strict";
import { buildTar, dockerignoreMatcher, readContext, sha256 } from "../src/runtime/mod.ts";

async function makeContext(dir: string, order: string[]): Promise<void> {
  const files: Record<string, string> = {
    "Dockerfile": "FROM nginx\n",
    "app/main.py": "print('hi')\n",
    "app/run.sh": "#!/bin/sh\n",
    "node_modules/x/index.js": "x\n",
    "logs/a.log": "log\n",
    "keep/important.log": "keep\n",
    [`deep/${"d".repeat(60)}/${"e".repeat(60)}/ünïcode.txt`]: "long\n",
    ".dockerignore": "node_modules\n**/*.log\n!keep/*.log\n# comment\n",
  };
  for (const name of order) {
    const path = `${dir}/${name}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, files[name]!);
  }
  await Deno.chmod(`${dir}/app/run.sh`, 0o755);
}

async function tarList(tar: Uint8Array): Promise<string[]> {
  const child = new Deno.Command("tar", { args: ["-tvf", "-"], stdin: "piped", stdout: "piped" })
    .spawn();
  const w = child.stdin.getWriter();
  await w.write(tar);
  await w.close();
  const out = await child.output();
  assert.equal(out.code, 0);
  return new TextDecoder().decode(out.stdout).trim().split("\n");
}

Deno.test("archive: same files give the same bytes, whatever the creation order and mtimes", async () => {
  const a = await Deno.makeTempDir();
  const b = await Deno.makeTempDir();
  try {
    const names = [
      "Dockerfile",
      "app/main.py",
      "app/run.sh",
      "node_modules/x/index.js",
      "logs/a.log",
      "keep/important.log",
      `deep/${"d".repeat(60)}/${"e".repeat(60)}/ünïcode.txt`,
      ".dockerignore",
    ];
    await makeContext(a, names);
    await makeContext(b, [...names].reverse());
    await Deno.utime(`${b}/Dockerfile`, 1000, 1000);
    const ta = buildTar(readContext(a).entries);
    const tb = buildTar(readContext(b).entries);
    assert.equal(sha256(ta), sha256(tb));
    await Deno.writeTextFile(`${b}/app/main.py`, "print('changed')\n");
    assert.notEqual(sha256(ta), sha256(buildTar(readContext(b).entries)));
  } finally {
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
});

Deno.test("archive: .dockerignore is honoured; tar reads the archive (PAX long names, modes)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await makeContext(dir, [
      "Dockerfile",
      "app/main.py",
      "app/run.sh",
      "node_modules/x/index.js",
      "logs/a.log",
      "keep/important.log",
      `deep/${"d".repeat(60)}/${"e".repeat(60)}/ünïcode.txt`,
      ".dockerignore",
    ]);
    const tar = buildTar(readContext(dir).entries);
    const listing = await tarList(tar);
    const names = listing.map((l) => l.split(/\s+/).slice(5).join(" "));
    assert.ok(!names.some((n) => n.includes("node_modules")), names.join("\n"));
    assert.ok(!names.includes("logs/a.log"));
    assert.ok(names.includes("keep/important.log"));
    assert.ok(names.includes(`deep/${"d".repeat(60)}/${"e".repeat(60)}/ünïcode.txt`));
    assert.ok(names.includes("Dockerfile"));
    assert.ok(names.includes(".dockerignore"));
    const run = listing.find((l) => l.endsWith("app/run.sh"))!;
    assert.match(run, /^-rwxr-xr-x 0\/0/);
    const main = listing.find((l) => l.endsWith("app/main.py"))!;
    assert.match(main, /^-rw-r--r-- 0\/0/);
    assert.match(main, /1970-01-01/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("archive: dockerignore patterns", () => {
  const m = dockerignoreMatcher("*.md\n!README.md\n/build\ntmp/**\n**/cache\n[ab].txt\n");
  assert.equal(m("NOTES.md"), true);
  assert.equal(m("README.md"), false);
  assert.equal(m("docs/x.md"), false);
  assert.equal(m("build/out.js"), true);
  assert.equal(m("tmp/a/b"), true);
  assert.equal(m("src/x/cache/y"), true);
  assert.equal(m("a.txt"), true);
  assert.equal(m("c.txt"), false);
});

Deno.test("archive: a missing context is reported, not thrown", () => {
  const r = readContext("/nonexistent/dokompose/context");
  assert.equal(r.error, "it does not exist");
});
