/**
 * Writing an output or state file onto a device or FIFO must write into it, never replace it.
 * (`-o /dev/null` once turned this machine's /dev/null into a regular file: the atomic
 * temp-file-and-rename writer renamed over the device node.) A FIFO stands in for the device, so
 * a failing test cannot damage the machine.
 */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { writeFileAtomic } from "../src/runtime/mod.ts";
import { isSpecialFile } from "../src/runtime/files.ts";

const FIXTURE = new URL("../fixtures/demo/", import.meta.url).pathname;

async function mkfifo(path: string): Promise<void> {
  const made = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.equal(made.code, 0, "mkfifo failed");
}

/**
 * Opens the FIFO read-write (never blocks on Linux), so writers never wait for a reader and a
 * broken writer cannot hang the test; `take()` returns what is buffered in the pipe.
 */
async function holdFifo(path: string): Promise<{ take(): Promise<string>; close(): void }> {
  const file = await Deno.open(path, { read: true, write: true });
  return {
    async take() {
      const buffer = new Uint8Array(1 << 16);
      const n = await file.read(buffer);
      return new TextDecoder().decode(buffer.subarray(0, n ?? 0));
    },
    close: () => file.close(),
  };
}

Deno.test("isSpecialFile: a FIFO is special; files, directories and missing paths are not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await mkfifo(`${dir}/pipe`);
    await Deno.writeTextFile(`${dir}/file`, "x");
    assert.equal(isSpecialFile(`${dir}/pipe`), true);
    assert.equal(isSpecialFile(`${dir}/file`), false);
    assert.equal(isSpecialFile(dir), false);
    assert.equal(isSpecialFile(`${dir}/missing`), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compile -o onto a FIFO writes into it and leaves it a FIFO", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pipe = `${dir}/out`;
    await mkfifo(pipe);
    const fifo = await holdFifo(pipe);
    try {
      const run = await runCli(["compile", "--project-directory", FIXTURE, "-o", pipe], {
        cwd: dir,
        env: {},
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(isSpecialFile(pipe), true, "the FIFO was replaced by a regular file");
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["out"]);
      assert.match(await fifo.take(), /^# syntax=dokkufile\/v1\n/);
    } finally {
      fifo.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the runtime's atomic state writer writes into a FIFO instead of replacing it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pipe = `${dir}/state.json`;
    await mkfifo(pipe);
    const fifo = await holdFifo(pipe);
    try {
      writeFileAtomic(pipe, '{"version":1}\n');
      assert.equal(isSpecialFile(pipe), true, "the FIFO was replaced by a regular file");
      assert.equal(await fifo.take(), '{"version":1}\n');
    } finally {
      fifo.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
