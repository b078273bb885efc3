/**
 * A fake {@linkcode CommandRunner} for runtime unit tests: answers from a handler, with optional
 * delays, and records every call with start/end times and the highest number of commands in
 * flight, so tests can assert ordering, locks and concurrency. Also a tiny in-memory Dokku model
 * ({@linkcode miniDokku}) for guard, capture and rollback tests.
 */
import type { CommandRunner, RunRequest, RunResult } from "../../src/runtime/runner.ts";
import type { Command, Dokkufile, Guard, Stage, Step } from "../../src/dokkufile/types.ts";

export interface FakeReply {
  readonly code?: number;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly delayMs?: number;
}

export interface FakeCall {
  readonly argv: readonly string[];
  readonly stdin: string | Uint8Array | undefined;
  readonly start: number;
  end: number;
  /** The step-ish label: argv without "dokku", joined by spaces. */
  readonly line: string;
}

export type FakeHandler = (
  argv: readonly string[],
  stdin: string | Uint8Array | undefined,
) => FakeReply | undefined;

export class FakeRunner implements CommandRunner {
  readonly target: string;
  readonly calls: FakeCall[] = [];
  #inFlight = 0;
  maxInFlight = 0;
  readonly #handler: FakeHandler;
  readonly #defaultDelay: number;

  constructor(handler: FakeHandler, options: { target?: string; delayMs?: number } = {}) {
    this.#handler = handler;
    this.target = options.target ?? "fake";
    this.#defaultDelay = options.delayMs ?? 0;
  }

  async run(request: RunRequest): Promise<RunResult> {
    const call: FakeCall = {
      argv: [...request.argv],
      stdin: request.stdin,
      start: performance.now(),
      end: 0,
      line: request.argv.slice(1).join(" "),
    };
    this.calls.push(call);
    this.#inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    try {
      const reply = this.#handler(request.argv, request.stdin) ?? {};
      const delay = reply.delayMs ?? this.#defaultDelay;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      return { code: reply.code ?? 0, stdout: reply.stdout ?? "", stderr: reply.stderr ?? "" };
    } finally {
      this.#inFlight--;
      call.end = performance.now();
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Lines (argv without "dokku") of the calls, in call order. */
  lines(): string[] {
    return this.calls.map((c) => c.line);
  }
}

/** True when the two calls' time ranges overlap. */
export function overlaps(a: FakeCall, b: FakeCall): boolean {
  return a.start < b.end && b.start < a.end;
}

/** A command from argv words. */
export function cmd(...argv: string[]): Command {
  return { argv: ["dokku", ...argv] };
}

/** A step with defaults. */
export function step(
  id: string,
  options: {
    lock?: string;
    needs?: string[];
    guard?: Guard;
    run?: Command[];
    undo?: Command[];
    verify?: Step["verify"];
  } = {},
): Step {
  return {
    id,
    lock: options.lock ?? `app:${id.split("/")[0]}`,
    needs: options.needs ?? [],
    ...(options.guard === undefined ? {} : { guard: options.guard }),
    run: options.run ?? [cmd("ps:restart", id.split("/")[0]!)],
    undo: options.undo ?? [],
    source: [],
    notes: [],
    ...(options.verify === undefined ? {} : { verify: options.verify }),
  };
}

/** A Dokkufile from stages. */
export function dokkufile(
  stages: Stage[],
  options: { project?: string; secrets?: string[] } = {},
): Dokkufile {
  return {
    format: "dokkufile/v1",
    project: options.project ?? "shop",
    inputChecksum: "sha256:" + "0".repeat(64),
    dokkuVersion: "0.38.0",
    secrets: options.secrets ?? [],
    stages,
    warnings: [],
  };
}

/** A stage. */
export function stage(name: string, steps: Step[], needs: string[] = []): Stage {
  return { name, needs, steps };
}

/** The state of {@linkcode miniDokku}. */
export interface MiniState {
  apps: Map<string, { config: Map<string, string>; ports: string[]; props: Map<string, string> }>;
  services: Map<string, Set<string>>;
}

/**
 * A tiny in-memory Dokku: apps (create/exists/destroy), config (set/unset/import/export),
 * ports (set/clear/report), `ps:set`/`ps:report --ps-<key>`, postgres services and links, and a
 * `fail` hook. Enough for guard, capture and rollback tests; the real contract is exercised
 * against the double in the end-to-end tests.
 */
export function miniDokku(
  fail: (line: string) => FakeReply | undefined = () => undefined,
): { state: MiniState; handler: FakeHandler; snapshot: () => string } {
  const state: MiniState = { apps: new Map(), services: new Map() };
  const app = (name: string | undefined) => (name === undefined ? undefined : state.apps.get(name));
  const handler: FakeHandler = (argv, stdin) => {
    const [, name, ...args] = argv;
    const line = argv.slice(1).join(" ");
    const injected = fail(line);
    if (injected !== undefined) return injected;
    const pos = args.filter((a) => !a.startsWith("--"));
    switch (name) {
      case "apps:exists":
        return { code: state.apps.has(args[0]!) ? 0 : 20 };
      case "apps:create":
        if (state.apps.has(args[0]!)) return { code: 1, stderr: " !     Name is already taken" };
        state.apps.set(args[0]!, { config: new Map(), ports: [], props: new Map() });
        return { stdout: `-----> Creating ${args[0]}...` };
      case "apps:destroy":
        if (!state.apps.delete(args[0]!)) return { code: 20 };
        return {};
      case "config:set": {
        const a = app(pos[0]);
        if (a === undefined) return { code: 20 };
        for (const kv of pos.slice(1)) {
          const i = kv.indexOf("=");
          a.config.set(kv.slice(0, i), kv.slice(i + 1));
        }
        return {};
      }
      case "config:unset": {
        const a = app(pos[0]);
        if (a === undefined) return { code: 20 };
        for (const k of pos.slice(1)) a.config.delete(k);
        return {};
      }
      case "config:import": {
        const fmt = args[args.indexOf("--format") + 1];
        const a = app(pos.find((p) => p !== fmt && p !== "-"));
        if (a === undefined) return { code: 20 };
        const doc = JSON.parse(typeof stdin === "string" ? stdin : "{}") as Record<string, string>;
        for (const [k, v] of Object.entries(doc)) a.config.set(k, v);
        return {};
      }
      case "config:clear": {
        const a = app(pos[0]);
        if (a === undefined) return { code: 20 };
        a.config.clear();
        return {};
      }
      case "config:export": {
        const a = app(pos.find((p) => p !== "json"));
        if (a === undefined) return { code: 20 };
        return { stdout: JSON.stringify(Object.fromEntries(a.config)) };
      }
      case "ports:set": {
        const a = app(pos[0]);
        if (a === undefined) return { code: 20 };
        a.ports = pos.slice(1);
        return {};
      }
      case "ports:clear": {
        const a = app(pos[0]);
        if (a === undefined) return { code: 20 };
        a.ports = [];
        return {};
      }
      case "ports:report": {
        const a = app(pos[0]);
        if (a === undefined) return { code: 20 };
        return { stdout: a.ports.join(" ") + "\n" };
      }
      case "ps:set": {
        const a = app(pos[0]);
        if (a === undefined) return { code: 20 };
        if (pos.length > 2) a.props.set(pos[1]!, pos.slice(2).join(" "));
        else a.props.delete(pos[1]!);
        return {};
      }
      case "ps:report": {
        const a = app(pos[0]);
        if (a === undefined) return { code: 20 };
        const key = args.find((x) => x.startsWith("--ps-"))?.slice(5);
        if (key !== undefined) return { stdout: (a.props.get(key) ?? "") + "\n" };
        return { stdout: JSON.stringify({ running: "true", "status-web-1": "running" }) };
      }
      case "postgres:exists":
        return { code: state.services.has(args[0]!) ? 0 : 1 };
      case "postgres:create":
        if (state.services.has(args[0]!)) return { code: 1, stderr: "already exists" };
        state.services.set(args[0]!, new Set());
        return {};
      case "postgres:destroy": {
        const s = state.services.get(args[0]!);
        if (s === undefined) return { code: 1 };
        if (s.size > 0) return { code: 1, stderr: "Cannot delete linked service" };
        state.services.delete(args[0]!);
        return {};
      }
      case "postgres:linked":
        return { code: state.services.get(args[0]!)?.has(args[1]!) === true ? 0 : 1 };
      case "postgres:link": {
        const s = state.services.get(args[0]!);
        const a = app(args[1]);
        if (s === undefined || a === undefined) return { code: 1 };
        if (s.has(args[1]!)) return { code: 1, stderr: "Already linked as DATABASE_URL" };
        s.add(args[1]!);
        a.config.set("DATABASE_URL", `postgres://postgres:pw@dokku-postgres-${args[0]}:5432/db`);
        return {};
      }
      case "postgres:unlink": {
        const s = state.services.get(args[0]!);
        if (s === undefined || !s.delete(args[1]!)) return { code: 1, stderr: "Not linked to app" };
        app(args[1])?.config.delete("DATABASE_URL");
        return {};
      }
      default:
        return {};
    }
  };
  const snapshot = () =>
    JSON.stringify({
      // Sorted: map order is creation order, which a snapshot must not depend on.
      apps: [...state.apps.entries()].sort(([a], [b]) => a < b ? -1 : 1).map(([n, a]) => [
        n,
        [...a.config.entries()].sort(),
        a.ports,
        [...a.props.entries()].sort(),
      ]),
      services: [...state.services.entries()].sort().map(([n, s]) => [n, [...s].sort()]),
    });
  return { state, handler, snapshot };
}
