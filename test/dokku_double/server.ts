/**
 * The dokku double as a server, for benchmarks: one long-lived Deno process answers every
 * invocation, and `dokku-client` (next to this file, bash) is the executable the runtime calls.
 * A call then costs a bash start and a TCP round trip on 127.0.0.1 instead of a Deno start (~35-45
 * ms of CPU each, which on a 2-core machine bounds a parallel run long before dokompose does), so
 * a delay of 100 ms means an answer after 100 ms. The state directory, validation, faults, delays
 * and log are exactly the process double's (`invoke` in `main.ts`).
 *
 * `deno run -A server.ts`: listens on 127.0.0.1 (a free port), prints the port on the first line
 * of stdout, and serves until killed. Environment as for the double (`DOKKU_DOUBLE_STATE`,
 * `DOKKU_DOUBLE_DELAY_MS`); the client's `SSH_ORIGINAL_COMMAND` is not forwarded.
 *
 * Protocol (one connection per call): the client sends its pid and the argument count as decimal
 * lines, each argument NUL-terminated, then its standard input base64-encoded on one line (empty
 * when it has none). The server answers `<exit> <stdout bytes> <stderr bytes>` on one line, then
 * stdout and stderr as they are (the double prints text: no NUL byte).
 */
import { invoke } from "./main.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function unbase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

interface Request {
  readonly pid: number;
  readonly args: string[];
  readonly stdin: Uint8Array;
}

/** The request in `bytes`, or undefined while it is incomplete (see the protocol above). */
function parseRequest(bytes: Uint8Array): Request | undefined {
  const first = bytes.indexOf(10);
  const second = first < 0 ? -1 : bytes.indexOf(10, first + 1);
  if (second < 0) return undefined;
  const pid = Number(decoder.decode(bytes.subarray(0, first)));
  const argc = Number(decoder.decode(bytes.subarray(first + 1, second)));
  const args: string[] = [];
  let at = second + 1;
  for (let i = 0; i < argc; i++) {
    const end = bytes.indexOf(0, at);
    if (end < 0) return undefined;
    args.push(decoder.decode(bytes.subarray(at, end)));
    at = end + 1;
  }
  // Base64 has no newline: the first one after the arguments ends the request.
  const end = bytes.indexOf(10, at);
  if (end < 0) return undefined;
  return { pid, args, stdin: unbase64(decoder.decode(bytes.subarray(at, end))) };
}

/** Reads one request from the connection. */
async function readRequest(conn: Deno.Conn): Promise<Request> {
  let all = new Uint8Array(0);
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error("the client closed the connection mid-request");
    const next = new Uint8Array(all.length + n);
    next.set(all);
    next.set(buffer.subarray(0, n), all.length);
    all = next;
    const request = parseRequest(all);
    if (request !== undefined) return request;
  }
}

async function serve(conn: Deno.Conn): Promise<void> {
  try {
    const request = await readRequest(conn);
    const outcome = await invoke({
      args: request.args,
      env: (name) => Deno.env.get(name),
      stdin: () => Promise.resolve(request.stdin),
      pid: request.pid,
    });
    const out = encoder.encode(outcome.stdout);
    const err = encoder.encode(outcome.stderr);
    const head = encoder.encode(`${outcome.exit} ${out.length} ${err.length}\n`);
    const bytes = new Uint8Array(head.length + out.length + err.length);
    bytes.set(head);
    bytes.set(out, head.length);
    bytes.set(err, head.length + out.length);
    let written = 0;
    while (written < bytes.length) written += await conn.write(bytes.subarray(written));
  } catch (error) {
    const message = encoder.encode(` !     dokku double server: ${String(error)}\n`);
    await conn.write(encoder.encode(`1 0 ${message.length}\n`)).catch(() => 0);
    await conn.write(message).catch(() => 0);
  } finally {
    conn.close();
  }
}

/** A running server, and the environment `dokku-client` needs to reach it. */
export interface RunningServer {
  readonly port: number;
  /** `PATH` and `DOKKU_DOUBLE_PORT`: give it to whatever runs `dokku-client`. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts this server in a child process with `env` (`DOKKU_DOUBLE_STATE`, and
 * `DOKKU_DOUBLE_DELAY_MS` if wanted) and waits for its port. For tests and benchmarks.
 */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-config", "--no-lock", "--quiet", new URL(import.meta.url).pathname],
    env: { DENO_NO_UPDATE_CHECK: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the dokku double server exited before printing its port");
    text += value;
  }
  const port = Number(text.slice(0, text.indexOf("\n")));
  return {
    port,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", DOKKU_DOUBLE_PORT: String(port) },
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
      await reader.cancel().catch(() => {});
    },
  };
}

if (import.meta.main) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await Deno.stdout.write(encoder.encode(`${(listener.addr as Deno.NetAddr).port}\n`));
  for await (const conn of listener) void serve(conn);
}
