/**
 * A real OpenSSH server for tests: `sshd -D -e` on 127.0.0.1, on a free port, as the current
 * user, with a throwaway host key and client key made by `ssh-keygen` in a temp dir. The client
 * key is authorized with a forced `command="..."` (the way Dokku's own ssh access works: whatever
 * the client asks for, the forced command runs, with the request in `SSH_ORIGINAL_COMMAND`).
 *
 * Nothing listens beyond loopback; {@linkcode Sshd.stop} kills the server and deletes the dir.
 */

export const SSHD_PATH = "/usr/sbin/sshd";
const SSH_KEYGEN = "ssh-keygen";

/** A running test sshd. */
export interface Sshd {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** The login user (the current user). */
  readonly user: string;
  /** `user@127.0.0.1:port`, as `dokompose run --host` takes it. */
  readonly hostSpec: string;
  /** The temp dir holding keys, config and pid file. */
  readonly dir: string;
  readonly identityFile: string;
  readonly knownHostsFile: string;
  /** `-o` values a client needs: the key, the generated known_hosts, no agent, no user config. */
  readonly sshOptions: readonly string[];
  /** What sshd printed on stderr so far (`-e`), for failure messages. */
  log(): string;
  /** Kills the server and removes its dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** The forced command's argv (run by the login shell, quoted here). */
  readonly command: readonly string[];
  /** Environment for the forced command (prefixed with `env`); sshd itself passes almost none. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Quotes a word for a POSIX shell. */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

async function exec(cmd: string, args: readonly string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args: [...args], stdin: "null" }).output();
  const decoder = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (${out.code}): ${decoder.decode(out.stderr).trim()}`,
    );
  }
  return decoder.decode(out.stdout);
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Resolves when something on the port answers with an SSH banner. */
async function waitForBanner(port: number, deadline: number, exited: () => boolean) {
  while (Date.now() < deadline && !exited()) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      try {
        const buf = new Uint8Array(64);
        const n = await conn.read(buf);
        if (n !== null && new TextDecoder().decode(buf.subarray(0, n)).startsWith("SSH-")) {
          return true;
        }
      } finally {
        conn.close();
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Every process below `root` (Linux /proc), children before grandchildren. */
async function descendantsOf(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^[0-9]+$/.test(entry.name)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`);
      // Fields after the command name (which may contain spaces) start after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry.name), ppid);
    } catch {
      // The process exited while we looked.
    }
  }
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = [...parents].filter(([, ppid]) => frontier.includes(ppid)).map(([pid]) => pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** True when the sshd binary is installed (tests use it to say why they cannot run). */
export async function haveSshd(): Promise<boolean> {
  try {
    return (await Deno.stat(SSHD_PATH)).isFile;
  } catch {
    return false;
  }
}

/**
 * Starts sshd; throws (with sshd's own output) when it cannot. Fails with a clear message when
 * `/usr/sbin/sshd` is missing.
 */
export async function startSshd(options: SshdOptions): Promise<Sshd> {
  if (!await haveSshd()) {
    throw new Error(
      `${SSHD_PATH} is missing: the ssh tests need the OpenSSH server. Run \`make ssh-tools\` ` +
        "(installs the Debian package openssh-server) and try again",
    );
  }
  const uid = Deno.uid();
  if (uid === 0) {
    // sshd running as root insists on its privilege separation directory (normally made by the
    // package's init scripts, absent in containers).
    await Deno.mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  }
  const user = (await exec("id", ["-un"])).trim();
  const dir = await Deno.makeTempDir({ prefix: "dokompose-sshd-" });
  const hostKey = `${dir}/host_ed25519`;
  const identityFile = `${dir}/client_ed25519`;
  const knownHostsFile = `${dir}/known_hosts`;
  await exec(SSH_KEYGEN, [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "dokompose-test-host",
    "-f",
    hostKey,
  ]);
  await exec(SSH_KEYGEN, [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "dokompose-test-client",
    "-f",
    identityFile,
  ]);
  const envPrefix = Object.keys(options.env ?? {}).sort().map((key) =>
    shQuote(`${key}=${options.env?.[key] ?? ""}`)
  );
  const forced = [...(envPrefix.length > 0 ? ["env", ...envPrefix] : []), ...options.command]
    .map(shQuote).join(" ");
  // authorized_keys options: the value is in double quotes; `\"` is the only escape (a backslash
  // elsewhere is literal).
  const clientKey = (await Deno.readTextFile(`${identityFile}.pub`)).trim();
  // The forced command runs through the user's login shell, and bash reads ~/.bashrc for ssh
  // sessions; a developer's rc file may print (pyenv, nvm...), which would corrupt the output.
  // Give the session an empty HOME of its own.
  await Deno.mkdir(`${dir}/home`);
  await Deno.writeTextFile(
    `${dir}/authorized_keys`,
    `command="${forced.replaceAll('"', '\\"')}",environment="HOME=${dir}/home",` +
      `no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty ${clientKey}\n`,
  );
  const hostPub = (await Deno.readTextFile(`${hostKey}.pub`)).trim().split(" ").slice(0, 2)
    .join(" ");

  let lastError = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = freePort();
    await Deno.writeTextFile(knownHostsFile, `[127.0.0.1]:${port} ${hostPub}\n`);
    const config = [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `PidFile ${dir}/sshd.pid`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      `AllowUsers ${user}`,
      "StrictModes no",
      "UsePAM no",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "X11Forwarding no",
      "AllowTcpForwarding no",
      "PrintMotd no",
      "PermitUserEnvironment HOME",
      "MaxStartups 100",
      "MaxSessions 20",
      // INFO logs one "Accepted publickey" line per connection (tests count connections).
      "LogLevel INFO",
      "",
    ].join("\n");
    await Deno.writeTextFile(`${dir}/sshd_config`, config);
    const child = new Deno.Command(SSHD_PATH, {
      args: ["-D", "-e", "-f", `${dir}/sshd_config`],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let log = "";
    let exited = false;
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of child.stderr) log += decoder.decode(chunk, { stream: true });
    })();
    const status = child.status.then((s) => {
      exited = true;
      return s;
    });
    const up = await waitForBanner(port, Date.now() + 10_000, () => exited);
    if (up) {
      let stopped = false;
      return {
        host: "127.0.0.1",
        port,
        user,
        hostSpec: `${user}@127.0.0.1:${port}`,
        dir,
        identityFile,
        knownHostsFile,
        sshOptions: [
          `IdentityFile=${identityFile}`,
          "IdentitiesOnly=yes",
          `UserKnownHostsFile=${knownHostsFile}`,
          "GlobalKnownHostsFile=/dev/null",
          "StrictHostKeyChecking=yes",
          "ConnectTimeout=10",
        ],
        log: () => log,
        stop: async () => {
          if (stopped) return;
          stopped = true;
          // Session processes (and the commands they run) outlive the listener: end them too,
          // or a long forced command would keep sshd's stderr open and the test waiting.
          const descendants = await descendantsOf(child.pid);
          if (!exited) child.kill("SIGTERM");
          for (const pid of descendants) {
            try {
              Deno.kill(pid, "SIGTERM");
            } catch {
              // Already gone.
            }
          }
          await status;
          await reading;
          await Deno.remove(dir, { recursive: true }).catch(() => {});
        },
      };
    }
    if (!exited) child.kill("SIGTERM");
    await status;
    await reading;
    lastError = log.trim();
    // The port may have been taken between freePort() and sshd's bind: try another one.
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  throw new Error(`sshd did not start on 127.0.0.1: ${lastError || "no output"}`);
}
