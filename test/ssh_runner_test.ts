/**
 * The ssh runner: host parsing, quoting for Dokku's xargs-rules splitter (checked against a
 * splitter written here and against the real GNU xargs), and the real thing through a real sshd
 * whose forced command records what arrived.
 */
import assert from "node:assert/strict";
import {
  MAX_REMOTE_COMMAND_BYTES,
  parseHost,
  quoteXargs,
  remoteWords,
  SSH_REFUSED_EXIT,
  SshRunner,
} from "../src/runtime/_ssh.ts";
import { startSshd } from "./support/sshd.ts";
import { splitSshCommand } from "./dokku_double/_split.ts";

/**
 * GNU findutils xargs word splitting (no -0/-d): blanks and newlines separate words; quotes run
 * to the same quote (backslash literal inside, newline an error); a backslash outside quotes
 * makes the next character literal; `''` is an empty word.
 */
function xargsSplit(input: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (quote !== undefined) {
      if (c === "\n") throw new Error(`unmatched ${quote} quote`);
      if (c === quote) quote = undefined;
      else current += c;
      continue;
    }
    if (c === "\\") {
      i++;
      current += input[i] ?? "";
      inWord = true;
    } else if (c === " " || c === "\t" || c === "\n") {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new Error(`unmatched ${quote} quote`);
  if (inWord) words.push(current);
  return words;
}

/** Splits with the real GNU xargs (`xargs printf '%s\0'`). */
async function realXargs(input: string): Promise<string[]> {
  const child = new Deno.Command("xargs", {
    args: ["printf", "%s\\0"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const text = new TextDecoder().decode(out.stdout);
  return text.split("\0").slice(0, -1);
}

const NASTY: readonly string[] = [
  "",
  " ",
  "  two  spaces  ",
  "a b",
  "'",
  '"',
  "\\",
  "\\\\",
  "'\\''",
  `a'b"c`,
  "$HOME",
  "${PATH}",
  "`id`",
  "$(id)",
  "a;b",
  "a&&b|c>d<e",
  "#comment",
  "~",
  "*",
  "?",
  "[a]",
  "{a,b}",
  "!",
  "%s%n",
  "-",
  "--",
  "--flag=value",
  "\t",
  "tab\there",
  "\r",
  "carriage\rreturn",
  "\u00a0nbsp",
  "日本語",
  "emoji 🎉 mixed",
  "e\u0301",
  "KEY=value with 'single' and \"double\" quotes",
  "URL=postgres://u:p@db:5432/x?sslmode=require&a=b",
  "\x01\x1b[31mcontrol\x7f",
];

/** A deterministic pseudo-random generator (tests must not depend on Math.random). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function fuzzStrings(count: number): string[] {
  const alphabet = [..."ab =_-'\"\\$`!*?;&|<>(){}[]#~%\t\r", "é", "日", "🎉", "\u00a0"];
  const next = lcg(42);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = "";
    const length = Math.floor(next() * 12);
    for (let j = 0; j < length; j++) s += alphabet[Math.floor(next() * alphabet.length)];
    out.push(s);
  }
  return out;
}

function mustWords(argv: readonly string[]): readonly string[] {
  const remote = remoteWords(argv);
  if (!remote.ok) throw new Error(`refused: ${remote.error}`);
  return remote.words;
}

Deno.test("parseHost accepts [user@]host[:port] and bracketed IPv6", () => {
  const cases: [string, unknown][] = [
    ["example.com", { host: "example.com" }],
    ["dokku@example.com", { user: "dokku", host: "example.com" }],
    ["example.com:2222", { host: "example.com", port: 2222 }],
    ["deploy@10.0.0.5:22", { user: "deploy", host: "10.0.0.5", port: 22 }],
    ["[::1]:2222", { host: "::1", port: 2222 }],
    ["root@[::1]", { user: "root", host: "::1" }],
    ["[fe80::1%eth0]:22", { host: "fe80::1%eth0", port: 22 }],
    ["::1", { host: "::1" }],
    ["2001:db8::7", { host: "2001:db8::7" }],
    ["my_host-1.internal", { host: "my_host-1.internal" }],
  ];
  for (const [text, expected] of cases) {
    assert.deepEqual(parseHost(text), { ok: true, value: expected }, text);
  }
});

Deno.test("parseHost reports bad hosts without throwing", () => {
  const cases: [string, RegExp][] = [
    ["", /Empty host/],
    ["a b", /whitespace/],
    ["@host", /Invalid user name ""/],
    ["u@v@host", /more than one "@"/],
    ["host:", /Invalid port ""/],
    ["host:0", /Invalid port "0"/],
    ["host:65536", /Invalid port "65536"/],
    ["host:22x", /Invalid port "22x"/],
    ["[::1", /Unclosed "\["/],
    ["[::1]2222", /Unexpected "2222" after "\]"/],
    ["[example.com]:22", /Invalid IPv6 address "example.com"/],
    ["-oProxyCommand=x", /Invalid host name "-oProxyCommand=x"/],
    ["-l@host", /Invalid user name "-l"/],
    [":22", /Invalid host name ""/],
  ];
  for (const [text, pattern] of cases) {
    const parsed = parseHost(text);
    assert.equal(parsed.ok, false, text);
    if (!parsed.ok) {
      assert.match(parsed.error, pattern, text);
      assert.match(parsed.error, /expected \[user@\]host\[:port\]|expected a number/, text);
    }
  }
});

Deno.test("quoteXargs leaves safe words bare and quotes the rest", () => {
  assert.equal(quoteXargs("apps:create"), "apps:create");
  assert.equal(quoteXargs("KEY=v,a/l.u-e@1%"), "KEY=v,a/l.u-e@1%");
  assert.equal(quoteXargs(""), "''");
  assert.equal(quoteXargs("a b"), "'a b'");
  assert.equal(quoteXargs("it's"), `'it'"'"'s'`);
  assert.equal(quoteXargs("a\nb"), undefined);
  assert.equal(quoteXargs("a\0b"), undefined);
});

Deno.test("quoted words round-trip through an xargs-rules splitter", () => {
  const values = [...NASTY, ...fuzzStrings(500)];
  for (const value of values) {
    const quoted = quoteXargs(value);
    assert.notEqual(quoted, undefined, JSON.stringify(value));
    assert.deepEqual(xargsSplit(`${quoted}`), [value], JSON.stringify(value));
  }
  // All at once, joined the way ssh joins its command words.
  const words = mustWords(["dokku", "config:set", "app", ...values]);
  assert.deepEqual(xargsSplit(words.join(" ")), ["config:set", "app", ...values]);
});

Deno.test("quoted words round-trip through the real GNU xargs", async () => {
  const values = [...NASTY, ...fuzzStrings(200)];
  const words = mustWords(["dokku", "--quiet", "config:set", "--no-restart", "app", ...values]);
  // Dokku feeds xargs a here-string, which ends in a newline.
  assert.deepEqual(await realXargs(`${words.join(" ")}\n`), [
    "--quiet",
    "config:set",
    "--no-restart",
    "app",
    ...values,
  ]);
  // And one by one, so a failure names the value.
  for (const value of NASTY) {
    const quoted = quoteXargs(value) ?? "";
    assert.deepEqual(await realXargs(`x ${quoted} y\n`), ["x", value, "y"], JSON.stringify(value));
  }
});

Deno.test("the dokku double's ssh splitter agrees, for xargs and git commands", () => {
  const values = [...NASTY, ...fuzzStrings(200)];
  const argv = ["dokku", "--quiet", "config:set", "app", ...values];
  assert.deepEqual(splitSshCommand(mustWords(argv).join(" ")), { ok: true, words: argv.slice(1) });
  const git = ["dokku", "git:from-image", "app", "registry.example.com/a/b:1.2@sha256:abc"];
  assert.deepEqual(splitSshCommand(mustWords(git).join(" ")), { ok: true, words: git.slice(1) });
  // A git command behind a global flag: the words split the same under either rule.
  const flagged = ["dokku", "--quiet", "git:from-archive", "--archive-type", "tar", "app", "--"];
  assert.deepEqual(splitSshCommand(mustWords(flagged).join(" ")), {
    ok: true,
    words: flagged.slice(1),
  });
});

Deno.test("config:set values with newlines are sent base64-encoded with --encoded", () => {
  const remote = remoteWords([
    "dokku",
    "config:set",
    "--no-restart",
    "web",
    "CERT=-----BEGIN-----\nline 2\n",
    "PLAIN=x y",
    "EMPTY=",
    "UNI=日本\n🎉",
  ]);
  assert.ok(remote.ok);
  assert.equal(remote.encoded, true);
  const words = xargsSplit(remote.words.join(" "));
  assert.deepEqual(words.slice(0, 4), ["config:set", "--encoded", "--no-restart", "web"]);
  const decode = (pair: string) => {
    const eq = pair.indexOf("=");
    const bytes = Uint8Array.from(atob(pair.slice(eq + 1)), (c) => c.charCodeAt(0));
    return `${pair.slice(0, eq)}=${new TextDecoder().decode(bytes)}`;
  };
  assert.deepEqual(words.slice(4).map(decode), [
    "CERT=-----BEGIN-----\nline 2\n",
    "PLAIN=x y",
    "EMPTY=",
    "UNI=日本\n🎉",
  ]);
  // --global has no app; leading global flags are kept in front.
  const global = remoteWords(["dokku", "--quiet", "config:set", "--global", "A=1\n2"]);
  assert.ok(global.ok);
  assert.deepEqual(global.words, ["--quiet", "config:set", "--encoded", "--global", "A=MQoy"]);
  // Without a newline nothing is rewritten.
  const plain = remoteWords(["dokku", "config:set", "web", "A=1 2"]);
  assert.deepEqual(plain, { ok: true, words: ["config:set", "web", "'A=1 2'"], encoded: false });
});

Deno.test("remoteWords refuses what would not arrive intact", () => {
  const refused = (argv: readonly string[], pattern: RegExp) => {
    const remote = remoteWords(argv);
    assert.equal(remote.ok, false, JSON.stringify(argv));
    if (!remote.ok) assert.match(remote.error, pattern);
  };
  refused(
    ["dokku", "docker-options:add", "web", "deploy", "--label a\nb"],
    /Argument 4 of "docker-options:add" .* contains a newline/,
  );
  refused(["dokku", "config:set", "--encoded", "web", "A=x\ny"], /already has "--encoded"/);
  refused(["dokku", "config:set", "web", "NOTAPAIR", "A=x\ny"], /"NOTAPAIR" is not KEY=VALUE/);
  refused(["dokku", "config:set", "web", "A\nB=x"], /contains a newline/);
  refused(["dokku", "git:from-image", "web", "image name"], /whitespace only/);
  refused(["dokku", "git:sync", "web", ""], /is empty or contains whitespace/);
  refused(["dokku", "git:sync", "web", "it's"], /quotes or backslashes/);
  refused(["dokku", "apps:create", "a\0b"], /NUL byte/);
  refused(["dokku", "--quiet"], /No dokku command/);
  refused(["dokku", "config:set", "web", `A=${"x".repeat(MAX_REMOTE_COMMAND_BYTES)}`], /at most/);
  assert.throws(() => remoteWords(["ssh", "x"]), /must start with "dokku"/);
});

Deno.test("git commands are sent unquoted (Dokku splits them on whitespace only)", () => {
  assert.deepEqual(
    mustWords(["dokku", "git:from-archive", "--archive-type", "tar", "web", "--"]),
    ["git:from-archive", "--archive-type", "tar", "web", "--"],
  );
  assert.deepEqual(mustWords(["dokku", "--app", "my app", "apps:list"]), [
    "--app",
    "'my app'",
    "apps:list",
  ]);
});

Deno.test("SshRunner builds a batch-mode, multiplexed, shell-free ssh argv", () => {
  const runner = new SshRunner({
    host: "::1",
    port: 2222,
    sshOptions: ["IdentityFile=/k", "ConnectTimeout=5"],
  });
  assert.equal(runner.target, "ssh:dokku@[::1]:2222");
  assert.deepEqual(runner.sshArgs("/ctl", ["apps:create", "'a b'"]), [
    "-T",
    "-o",
    "BatchMode=yes",
    "-o",
    "ControlMaster=auto",
    "-o",
    "ControlPath=/ctl/%C",
    "-o",
    "IdentityFile=/k",
    "-o",
    "ConnectTimeout=5",
    "-o",
    "ControlPersist=60",
    "-l",
    "dokku",
    "-p",
    "2222",
    "::1",
    "--",
    "apps:create",
    "'a b'",
  ]);
  assert.equal(new SshRunner({ host: "h", user: "u" }).target, "ssh:u@h:22");
});

Deno.test("SshRunner refuses an unsendable command without connecting", async () => {
  // An ssh that cannot exist: the refusal must come before any spawn.
  const runner = new SshRunner({ host: "h", sshPath: "/nonexistent/ssh" });
  const result = await runner.run({ argv: ["dokku", "apps:create", "a\nb"] });
  assert.equal(result.code, SSH_REFUSED_EXIT);
  assert.match(runner.check(["dokku", "apps:create", "a\nb"]) ?? "", /contains a newline/);
  assert.equal(runner.check(["dokku", "config:set", "web", "A=a\nb"]), undefined);
  assert.match(result.stderr, /refusing to send this command over ssh: .*newline/);
  await runner.close();
});

/** Forced command that prints what Dokku's splitter would make of the request, then stdin. */
const CAPTURE = [
  "/bin/sh",
  "-c",
  `case "$SSH_ORIGINAL_COMMAND" in sleep*) exec sleep 30;; esac; ` +
  `printf '%s\\n' "$SSH_ORIGINAL_COMMAND" | xargs printf '%s\\0'; printf '\\n--stdin--\\n'; cat`,
];

function captured(stdout: string): { args: string[]; stdin: string } {
  const at = stdout.indexOf("\n--stdin--\n");
  assert.ok(at >= 0, `no marker in ${JSON.stringify(stdout)}`);
  return {
    args: stdout.slice(0, at).split("\0").slice(0, -1),
    stdin: stdout.slice(at + "\n--stdin--\n".length),
  };
}

Deno.test({
  name: "through a real sshd: every byte arrives, one connection is shared",
  async fn(t) {
    const sshd = await startSshd({ command: CAPTURE, env: { LC_ALL: "C.UTF-8" } });
    const controlDir = `${sshd.dir}/ctl`;
    const runner = new SshRunner({
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      sshOptions: sshd.sshOptions,
      controlDir,
    });
    try {
      await t.step("nasty values arrive byte for byte", async () => {
        const values = [...NASTY, ...fuzzStrings(50)];
        const result = await runner.run({ argv: ["dokku", "--quiet", "echo:args", ...values] });
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(captured(result.stdout).args, ["--quiet", "echo:args", ...values]);
      });

      await t.step("config:set with newlines arrives --encoded and decodes intact", async () => {
        const value = "line 1\nline 'two' $x `y`\n日本 🎉\n";
        const result = await runner.run({
          argv: ["dokku", "config:set", "--no-restart", "web", `CERT=${value}`],
        });
        assert.equal(result.code, 0, result.stderr);
        const args = captured(result.stdout).args;
        assert.deepEqual(args.slice(0, 4), ["config:set", "--encoded", "--no-restart", "web"]);
        const encoded = (args[4] ?? "").slice("CERT=".length);
        const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
        assert.equal(new TextDecoder().decode(bytes), value);
      });

      await t.step("stdin is forwarded", async () => {
        const stdin = '{"DB_PASSWORD": "s3cr3t \\"quoted\\" \\n"}\nsecond line 🎉';
        const result = await runner.run({
          argv: ["dokku", "config:import", "--format", "json", "web", "-"],
          stdin,
        });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(captured(result.stdout).stdin, stdin);
        const none = await runner.run({ argv: ["dokku", "apps:list"] });
        assert.equal(captured(none.stdout).stdin, "");
      });

      await t.step("parallel commands share one connection", async () => {
        const results = await Promise.all(
          Array.from(
            { length: 24 },
            (_, i) => runner.run({ argv: ["dokku", "apps:exists", `app-${i}`, `value ${i}`] }),
          ),
        );
        results.forEach((result, i) => {
          assert.equal(result.code, 0, result.stderr);
          assert.deepEqual(captured(result.stdout).args, ["apps:exists", `app-${i}`, `value ${i}`]);
        });
        // sshd logs one "Accepted publickey" per connection: all of the above used one.
        assert.equal(sshd.log().match(/Accepted publickey/g)?.length, 1, sshd.log());
        const sockets = [...Deno.readDirSync(controlDir)].map((entry) => entry.name);
        assert.equal(sockets.length, 1, `one control socket, got ${sockets.join(", ")}`);
      });

      await t.step("an aborted command is killed, and a pre-aborted one never starts", async () => {
        const controller = new AbortController();
        const started = Date.now();
        const running = runner.run({ argv: ["dokku", "sleep"], signal: controller.signal });
        setTimeout(() => controller.abort(), 300);
        const result = await running;
        assert.equal(result.code, 143);
        assert.ok(Date.now() - started < 10_000, "killed long before the remote sleep ends");
        const before = sshd.log();
        const never = await runner.run({ argv: ["dokku", "apps:list"], signal: controller.signal });
        assert.equal(never.code, 143);
        assert.match(never.stderr, /interrupted before the command started/);
        assert.equal(sshd.log(), before);
      });

      await t.step("a remote failure keeps its exit code and output", async () => {
        const failing = await startSshd({
          command: ["/bin/sh", "-c", "echo out; echo 'App web does not exist' >&2; exit 20"],
        });
        const other = new SshRunner({
          host: failing.host,
          port: failing.port,
          user: failing.user,
          sshOptions: failing.sshOptions,
        });
        try {
          const result = await other.run({ argv: ["dokku", "apps:exists", "web"] });
          assert.deepEqual(result, {
            code: 20,
            stdout: "out\n",
            stderr: "App web does not exist\n",
          });
        } finally {
          await other.close();
          await failing.stop();
        }
      });

      await t.step("an authentication failure is reported, never a hang", async () => {
        const stranger = new SshRunner({
          host: sshd.host,
          port: sshd.port,
          user: sshd.user,
          sshOptions: [
            `IdentityFile=${sshd.dir}/no_such_key`,
            "IdentitiesOnly=yes",
            "IdentityAgent=none",
            `UserKnownHostsFile=${sshd.knownHostsFile}`,
            "GlobalKnownHostsFile=/dev/null",
          ],
        });
        try {
          const result = await stranger.run({ argv: ["dokku", "apps:list"] });
          assert.equal(result.code, 255);
          assert.match(result.stderr, /Permission denied/);
          assert.match(result.stderr, new RegExp(`authentication failure for ssh:${sshd.user}@`));
          assert.match(result.stderr, /hint: .*`ssh -p \d+ -o IdentityFile=.* -- version`/);
        } finally {
          await stranger.close();
        }
      });
    } finally {
      await runner.close();
      await runner.close();
      // close() ended the master: its socket is gone.
      assert.deepEqual([...Deno.readDirSync(controlDir)], []);
      await sshd.stop();
    }
  },
});
