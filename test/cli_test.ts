import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { VERSION } from "../src/version.ts";

Deno.test("--version prints the version from deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(VERSION, config.version);
  const run = await runCli(["--version"]);
  assert.equal(run.code, 0);
  assert.equal(run.stdout.trim(), VERSION);
});

Deno.test("--help lists every command and exits 0", async () => {
  const run = await runCli(["--help"]);
  assert.equal(run.code, 0);
  for (const command of ["config", "validate", "compile", "graph", "run", "plan"]) {
    assert.match(run.stdout, new RegExp(`^  ${command} `, "m"));
  }
});

Deno.test("a command's help and usage errors are the same as in the whole program", async () => {
  // `dokompose <command> ...` defines only that command (start-up); `dokompose help <command>`
  // defines them all. What the user sees must not depend on it.
  for (const command of ["config", "validate", "compile", "graph", "run", "plan"]) {
    const alone = await runCli([command, "--help"]);
    const whole = await runCli(["help", command]);
    assert.equal(alone.code, 0);
    assert.equal(alone.stdout, whole.stdout, `help of ${command}`);
    assert.match(alone.stdout, new RegExp(`^Usage: dokompose ${command} `, "m"));
  }
  const typo = await runCli(["compile", "--stirct"]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown option '--stirct'\n\(Did you mean --strict\?\)/);
});

Deno.test("an unknown command is a usage error (exit 2)", async () => {
  const run = await runCli(["frobnicate"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown command 'frobnicate'/);
});

Deno.test("a bad option value is a usage error (exit 2)", async () => {
  const run = await runCli(["config", "--format", "xml"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /xml/);
});
