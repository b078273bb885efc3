import assert from "node:assert/strict";
import { createRunner, LocalRunner } from "../src/runtime/mod.ts";

Deno.test("local runner: argv reaches the program byte-for-byte, no shell involved", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A fake dokku that prints each argument NUL-terminated and echoes stdin after them.
    const script = `${dir}/dokku`;
    await Deno.writeTextFile(script, '#!/bin/sh\nprintf "%s\\0" "$@"\ncat\n');
    await Deno.chmod(script, 0o755);
    const runner = new LocalRunner({ dokku: script });
    assert.equal(runner.target, `local:${script}`);
    const nasty = [
      "config:set",
      "app",
      'A=it\'s "$HOME" `id` $(id) \\ ;|&',
      "B=line1\nline2",
      "C=☃ 日本",
      "",
      "-",
    ];
    const r = await runner.run({ argv: ["dokku", ...nasty], stdin: "in\u0000put" });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, nasty.map((a) => a + "\0").join("") + "in\u0000put");
    const bytes = await runner.run({ argv: ["dokku"], stdin: new Uint8Array([0, 255, 1]) });
    assert.deepEqual([...new TextEncoder().encode(bytes.stdout)].slice(0, 1), [0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("local runner: exit codes pass through; a missing program is exit 127 with a hint", async () => {
  const fail = new LocalRunner({ dokku: "/bin/false" });
  assert.equal((await fail.run({ argv: ["dokku", "apps:list"] })).code, 1);
  const missing = new LocalRunner({ dokku: "/nonexistent/dokku" });
  const r = await missing.run({ argv: ["dokku", "apps:list"] });
  assert.equal(r.code, 127);
  assert.match(
    r.stderr,
    /cannot run "\/nonexistent\/dokku": no such file \(give its path with --dokku\)/,
  );
});

Deno.test("runners: --dokku resolves against cwd; --host selects ssh; bad combinations are refused", async () => {
  const local = await createRunner({ dokku: "bin/dokku", cwd: "/srv/app" });
  assert.ok(local.ok && local.runner.target === "local:/srv/app/bin/dokku");
  const plain = await createRunner({ cwd: "/" });
  assert.ok(plain.ok && plain.runner.target === "local");
  const ssh = await createRunner({ host: "deploy@example.com:2222", cwd: "/" });
  assert.ok(ssh.ok);
  assert.equal(ssh.runner.target, "ssh:deploy@example.com:2222");
  await ssh.runner.close();
  const both = await createRunner({ host: "h", dokku: "x", cwd: "/" });
  assert.deepEqual(both, { ok: false, error: "--dokku and --host cannot be used together" });
  const opt = await createRunner({ sshOptions: ["Port=1"], cwd: "/" });
  assert.equal(opt.ok, false);
});
