/**
 * What each dokku command does to the double's state, and what it prints. Pure: the state is
 * mutated in memory; `main.ts` loads/saves it under the lock and supplies stdin.
 */
import {
  APP_NAME_LEGACY_RE,
  CONFIG_KEY_RE,
  datastoreSpec,
  findCommand,
  type ValidArgv,
} from "../support/dokku_spec.ts";
import type { AppState, DoubleState, ServiceState } from "./mod.ts";
import {
  decodeBase64,
  fakeHash,
  Out,
  type Outcome,
  parseEnvfile,
  shellQuote,
  sortedJson,
  sortedKeys,
} from "./_util.ts";

/** Standard input as the command read it. */
export interface StdinData {
  readonly bytes: Uint8Array;
  readonly text: string;
  readonly sha256: string;
}

/** What a command gets besides its argv and the state. */
export interface ExecContext {
  readonly stdin: StdinData | null;
  /** Reads a server-side file (config:import <file>); undefined when missing. */
  readonly readFile: (path: string) => string | undefined;
}

/** True when the command reads its standard input (so `main.ts` must read it first). */
export function readsStdin(v: ValidArgv): boolean {
  const p = v.positionals;
  switch (v.command) {
    case "config:import": {
      // The file argument defaults to `-` (stdin).
      const file = v.flags["--global"] !== undefined ? p[0] : p[1];
      return file === undefined || file === "-";
    }
    case "git:from-archive":
      return p[1] === "--";
    case "git:load-image":
      return true;
    case "registry:login":
      return v.flags["--password-stdin"] !== undefined;
    default:
      return false;
  }
}

function newApp(): AppState {
  return {
    config: {},
    properties: {},
    ports: [],
    domains: [],
    domainsEnabled: true,
    proxyEnabled: true,
    dockerOptions: { build: [], deploy: [], run: [] },
    mounts: [],
    resources: { limit: {}, reserve: {} },
    scale: {},
    checks: { disabled: [], skipped: [] },
    source: null,
    deployed: false,
    running: false,
    locked: false,
    letsencrypt: false,
    counters: { deploys: 0, restarts: 0 },
  };
}

/** A full build and deploy of the app's current source. */
function deploy(app: AppState): void {
  app.counters.deploys++;
  app.deployed = true;
  app.running = true;
  if (Object.keys(app.scale).length === 0) app.scale = { web: 1 };
  const ps = app.properties["ps"];
  if (ps !== undefined) delete ps["restore"];
}

/** A release-and-deploy of the current image, if the app is deployed and restorable. */
function restart(app: AppState): boolean {
  if (!app.deployed) return false;
  if (app.properties["ps"]?.["restore"] === "false") return false;
  app.counters.restarts++;
  app.running = true;
  return true;
}

type Handler = (v: ValidArgv, s: DoubleState, ctx: ExecContext) => Outcome;

/** Runs a validated command against the state. */
export function execute(v: ValidArgv, state: DoubleState, ctx: ExecContext): Outcome {
  const exact = HANDLERS[v.command];
  if (exact !== undefined) return exact(v, state, ctx);
  if (v.spec.family === "datastore") return datastore(v, state, ctx);
  const sub = v.command.slice(v.command.indexOf(":") + 1);
  if (sub === "set" && v.spec.properties !== undefined) return genericSet(v, state);
  if (sub === "report") return genericReport(v, state);
  // Anything else: valid but without modelled effect. App commands still check the app exists.
  const out = new Out();
  if (v.spec.args[0]?.name === "app" && v.positionals[0] !== undefined && !isGlobalish(v)) {
    const app = state.apps[v.positionals[0]];
    if (app === undefined) return appMissing(out, v.positionals[0]);
  }
  return out.done();
}

function isGlobalish(v: ValidArgv): boolean {
  return v.flags["--global"] !== undefined || v.flags["--all"] !== undefined;
}

function appMissing(out: Out, name: string): Outcome {
  if (!APP_NAME_LEGACY_RE.test(name)) return out.fail(`Invalid app name '${name}'`, 1);
  return out.fail(`App ${name} does not exist`, 20);
}

/** Looks up the app in positionals[0]; sets `out` to exit 20 when missing. */
function getApp(v: ValidArgv, s: DoubleState, out: Out): AppState | Outcome {
  const name = v.positionals[0] ?? "";
  const app = s.apps[name];
  return app ?? appMissing(out, name);
}

function isOutcome(x: AppState | Outcome): x is Outcome {
  return "exit" in x && "stdout" in x;
}

function confirmed(v: ValidArgv): boolean {
  return v.flags["--force"] !== undefined || v.globals.force;
}

// ---------------------------------------------------------------------------------------------
// apps

const HANDLERS: Record<string, Handler> = {
  "apps:create": (v, s) => {
    const out = new Out();
    const name = v.positionals[0]!;
    if (s.apps[name] !== undefined) return out.fail("Name is already taken");
    s.apps[name] = newApp();
    out.line(`-----> Creating ${name}...`);
    return out.done();
  },
  "apps:destroy": (v, s) => {
    const out = new Out();
    const name = v.positionals[0]!;
    if (s.apps[name] === undefined) return appMissing(out, name);
    if (!confirmed(v)) {
      return out.fail(`Confirmation did not match ${name}. Aborted. (pass --force)`);
    }
    if (s.apps[name]!.locked) return out.fail(`Deploy lock exists for ${name}`);
    // Datastore plugins unlink their services from a deleted app.
    for (const plugin of sortedKeys(s.datastores)) {
      for (const svc of Object.values(s.datastores[plugin]!)) delete svc.links[name];
    }
    delete s.apps[name];
    out.line(`-----> Destroying ${name} (including all add-ons)`);
    return out.done();
  },
  "apps:exists": (v, s) => {
    const out = new Out();
    const name = v.positionals[0]!;
    if (s.apps[name] !== undefined) return out.done();
    return appMissing(out, name);
  },
  "apps:list": (_v, s) => {
    const out = new Out();
    out.line("=====> My Apps");
    for (const name of sortedKeys(s.apps)) out.line(name);
    return out.done();
  },
  "apps:lock": (v, s) => withApp(v, s, (app) => void (app.locked = true)),
  "apps:unlock": (v, s) => withApp(v, s, (app) => void (app.locked = false)),
  "apps:locked": (v, s) => {
    const out = new Out();
    const app = getApp(v, s, out);
    if (isOutcome(app)) return app;
    if (!app.locked) out.exit = 1;
    return out.done();
  },
  "apps:clone": (v, s) => {
    const out = new Out();
    const [from, to] = [v.positionals[0]!, v.positionals[1]!];
    const src = s.apps[from];
    if (src === undefined) return appMissing(out, from);
    if (s.apps[to] !== undefined) {
      if (v.flags["--ignore-existing"] !== undefined) {
        out.warn("Name is already taken");
        return out.done();
      }
      return out.fail("Name is already taken");
    }
    const copy: AppState = JSON.parse(JSON.stringify(src));
    copy.counters = { deploys: 0, restarts: 0 };
    copy.deployed = false;
    copy.running = false;
    s.apps[to] = copy;
    if (v.flags["--skip-deploy"] === undefined && copy.source !== null) deploy(copy);
    return out.done();
  },
  "apps:rename": (v, s) => {
    const out = new Out();
    const [from, to] = [v.positionals[0]!, v.positionals[1]!];
    const src = s.apps[from];
    if (src === undefined) return appMissing(out, from);
    if (s.apps[to] !== undefined) return out.fail("Name is already taken");
    delete s.apps[from];
    s.apps[to] = src;
    for (const plugin of sortedKeys(s.datastores)) {
      for (const svc of Object.values(s.datastores[plugin]!)) {
        const varName = svc.links[from];
        if (varName !== undefined) {
          delete svc.links[from];
          svc.links[to] = varName;
        }
      }
    }
    if (v.flags["--skip-deploy"] === undefined && src.source !== null) deploy(src);
    return out.done();
  },
  "apps:report": (v, s) => genericReport(v, s),

  // -------------------------------------------------------------------------------------------
  // config
  "config:set": (v, s) =>
    configWrite(v, s, (vars, out) => {
      const rest = v.flags["--global"] !== undefined ? v.positionals : v.positionals.slice(1);
      for (const pair of rest) {
        const eq = pair.indexOf("=");
        const key = pair.slice(0, eq);
        let value = pair.slice(eq + 1);
        if (v.flags["--encoded"] !== undefined) {
          const decoded = decodeBase64(value);
          if (decoded === undefined) {
            out.fail(`Unable to decode value for ${key}: invalid base64`);
            return false;
          }
          value = decoded;
        }
        vars[key] = value;
      }
      return true;
    }),
  "config:unset": (v, s) =>
    configWrite(v, s, (vars, out) => {
      const rest = v.flags["--global"] !== undefined ? v.positionals : v.positionals.slice(1);
      for (const key of rest) {
        if (vars[key] === undefined) {
          out.line(`       Skipping ${key}, it is not set in the environment`);
        }
        delete vars[key];
      }
      return true;
    }),
  "config:clear": (v, s) =>
    configWrite(v, s, (vars) => {
      for (const key of Object.keys(vars)) delete vars[key];
      return true;
    }),
  "config:import": (v, s, ctx) =>
    configWrite(v, s, (vars, out) => {
      const rest = v.flags["--global"] !== undefined ? v.positionals : v.positionals.slice(1);
      const file = rest[0] ?? "-";
      let text: string | undefined;
      if (file === "-") text = ctx.stdin?.text ?? "";
      else text = ctx.readFile(file);
      if (text === undefined) {
        out.fail(`Unable to read ${file}: no such file`);
        return false;
      }
      const format = (v.flags["--format"] as string | undefined) ?? "envfile";
      let incoming: Record<string, string>;
      if (format === "json") {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          out.fail(`Unable to parse JSON input: ${(e as Error).message}`);
          return false;
        }
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
          out.fail("Unable to parse JSON input: expected an object of string values");
          return false;
        }
        incoming = {};
        for (const [k, val] of Object.entries(parsed)) {
          if (typeof val !== "string") {
            out.fail(`Unable to parse JSON input: value of ${k} is not a string`);
            return false;
          }
          incoming[k] = val;
        }
      } else {
        const parsed = parseEnvfile(text);
        if (!parsed.ok) {
          out.fail(`Unable to parse envfile input: ${parsed.error}`);
          return false;
        }
        incoming = parsed.vars;
      }
      for (const key of sortedKeys(incoming)) {
        if (!CONFIG_KEY_RE.test(key)) {
          out.fail(`Invalid key name: '${key}'`);
          return false;
        }
      }
      if (v.flags["--replace"] !== undefined) {
        for (const key of Object.keys(vars)) delete vars[key];
      }
      Object.assign(vars, incoming);
      return true;
    }),
  "config:get": (v, s) => {
    const out = new Out();
    const got = configOf(v, s, out);
    if ("outcome" in got) return got.outcome;
    const vars = got.vars;
    const key = v.flags["--global"] !== undefined ? v.positionals[0]! : v.positionals[1]!;
    const value = vars[key];
    if (value === undefined) {
      out.exit = 1;
      return out.done();
    }
    out.line(v.flags["--quoted"] !== undefined ? shellQuote(value) : value);
    return out.done();
  },
  "config:keys": (v, s) => {
    const out = new Out();
    const got = configOf(v, s, out);
    if ("outcome" in got) return got.outcome;
    const vars = got.vars;
    for (const key of sortedKeys(vars)) out.line(key);
    return out.done();
  },
  "config:show": (v, s) => {
    const out = new Out();
    const got = configOf(v, s, out);
    if ("outcome" in got) return got.outcome;
    const vars = got.vars;
    const label = v.flags["--global"] !== undefined ? "global" : v.positionals[0]!;
    out.line(`=====> ${label} env vars`);
    out.write(formatConfig(vars, "pretty"));
    return out.done();
  },
  "config:export": (v, s) => {
    const out = new Out();
    const got = configOf(v, s, out);
    if ("outcome" in got) return got.outcome;
    const vars = got.vars;
    out.write(formatConfig(vars, (v.flags["--format"] as string | undefined) ?? "exports"));
    return out.done();
  },
  "config:bundle": (v, s) => {
    const out = new Out();
    const got = configOf(v, s, out);
    if ("outcome" in got) return got.outcome;
    // The bundle is a tar of env files on real Dokku; the double prints nothing.
    return out.done();
  },

  // -------------------------------------------------------------------------------------------
  // ports
  "ports:set": (v, s) =>
    withApp(v, s, (app, out) => {
      const maps = v.positionals.slice(1);
      const dup = duplicateHostPort(maps);
      if (dup !== undefined) return out.fail(`The same scheme:host-port is being reused: ${dup}`);
      app.ports = [...maps];
    }),
  "ports:add": (v, s) =>
    withApp(v, s, (app, out) => {
      const maps = v.positionals.slice(1);
      const dup = duplicateHostPort([...app.ports, ...maps]);
      if (dup !== undefined) return out.fail(`The same scheme:host-port is being reused: ${dup}`);
      app.ports = [...app.ports, ...maps];
    }),
  "ports:remove": (v, s) =>
    withApp(v, s, (app) => {
      for (const target of v.positionals.slice(1)) {
        app.ports = app.ports.filter((m) =>
          /^\d+$/.test(target) ? m.split(":")[1] !== target : m !== target
        );
      }
    }),
  "ports:clear": (v, s) => withApp(v, s, (app) => void (app.ports = [])),
  "ports:list": (v, s) =>
    withApp(v, s, (app, out) => {
      if (app.ports.length === 0) return out.fail(`No port mappings configured for app`);
      for (const m of app.ports) {
        const [scheme, host, container] = m.split(":");
        out.line(`    ${scheme}            ${host}                 ${container}`);
      }
    }),

  // -------------------------------------------------------------------------------------------
  // domains
  "domains:set": (v, s) =>
    withApp(v, s, (app) => {
      app.domains = uniq(v.positionals.slice(1));
      app.domainsEnabled = true;
    }),
  "domains:add": (v, s) =>
    withApp(v, s, (app) => {
      app.domains = uniq([...app.domains, ...v.positionals.slice(1)]);
      app.domainsEnabled = true;
    }),
  "domains:remove": (v, s) =>
    withApp(v, s, (app) => {
      const drop = new Set(v.positionals.slice(1));
      app.domains = app.domains.filter((d) => !drop.has(d));
    }),
  "domains:clear": (v, s) =>
    v.flags["--all"] !== undefined
      ? allApps(s, (app) => void (app.domains = []))
      : withApp(v, s, (app) => void (app.domains = [])),
  "domains:reset": (v, s) => withApp(v, s, (app) => void (app.domains = [])),
  "domains:enable": (v, s) => withApp(v, s, (app) => void (app.domainsEnabled = true)),
  "domains:disable": (v, s) => withApp(v, s, (app) => void (app.domainsEnabled = false)),
  "domains:set-global": (v, s) => {
    s.global.domains = uniq(v.positionals);
    return new Out().done();
  },
  "domains:add-global": (v, s) => {
    s.global.domains = uniq([...s.global.domains, ...v.positionals]);
    return new Out().done();
  },
  "domains:remove-global": (v, s) => {
    const drop = new Set(v.positionals);
    s.global.domains = s.global.domains.filter((d) => !drop.has(d));
    return new Out().done();
  },
  "domains:clear-global": (_v, s) => {
    s.global.domains = [];
    return new Out().done();
  },

  // -------------------------------------------------------------------------------------------
  // proxy
  "proxy:enable": (v, s) =>
    withApp(v, s, (app, out) => {
      if (app.proxyEnabled) {
        out.line("-----> Proxy is already enabled for app");
        return;
      }
      app.proxyEnabled = true;
      if (proxyType(s, app) === "nginx") restart(app);
    }),
  "proxy:disable": (v, s) =>
    withApp(v, s, (app, out) => {
      if (!app.proxyEnabled) {
        out.line("-----> Proxy is already disabled for app");
        return;
      }
      app.proxyEnabled = false;
      if (proxyType(s, app) === "nginx") restart(app);
    }),
  "proxy:set": (v, s) => {
    // Legacy form `proxy:set <app> <type>` == `proxy:set <app> type <type>`.
    const keyIdx = v.flags["--global"] !== undefined ? 0 : 1;
    const key = v.positionals[keyIdx]!;
    const known = v.spec.properties?.keys ?? [];
    if (!known.includes(key) && v.positionals.length === keyIdx + 1) {
      const positionals = [...v.positionals.slice(0, keyIdx), "type", key];
      return genericSet({ ...v, positionals }, s);
    }
    return genericSet(v, s);
  },

  // -------------------------------------------------------------------------------------------
  // docker-options
  "docker-options:add": (v, s) =>
    withApp(v, s, (app) => {
      const phases = v.positionals[1]!.split(",") as ("build" | "deploy" | "run")[];
      const options = splitOptions(v.positionals.slice(2).join(" "));
      // 0.38.x appends without de-duplicating.
      for (const phase of phases) app.dockerOptions[phase].push(...options);
    }),
  "docker-options:remove": (v, s) =>
    withApp(v, s, (app) => {
      const phases = v.positionals[1]!.split(",") as ("build" | "deploy" | "run")[];
      const drop = new Set(splitOptions(v.positionals.slice(2).join(" ")));
      for (const phase of phases) {
        app.dockerOptions[phase] = app.dockerOptions[phase].filter((o) => !drop.has(o));
      }
    }),
  "docker-options:clear": (v, s) =>
    withApp(v, s, (app) => {
      const phases = (v.positionals[1] ?? "build,deploy,run").split(",") as (
        | "build"
        | "deploy"
        | "run"
      )[];
      for (const phase of phases) app.dockerOptions[phase] = [];
    }),
  "docker-options:list": (v, s) =>
    withApp(v, s, (app, out) => {
      const phase = v.flags["--phase"] as "build" | "deploy" | "run";
      for (const o of app.dockerOptions[phase]) out.line(o);
    }),

  // -------------------------------------------------------------------------------------------
  // resource
  "resource:limit": (v, s) => resourceSet(v, s, "limit"),
  "resource:reserve": (v, s) => resourceSet(v, s, "reserve"),
  "resource:limit-clear": (v, s) => resourceClear(v, s, "limit"),
  "resource:reserve-clear": (v, s) => resourceClear(v, s, "reserve"),

  // -------------------------------------------------------------------------------------------
  // checks
  "checks:disable": (v, s) =>
    withApp(v, s, (app) => {
      const procs = procList(v, app);
      app.checks.disabled = uniq([...app.checks.disabled, ...procs]);
      app.checks.skipped = app.checks.skipped.filter((p) => !procs.includes(p));
    }),
  "checks:skip": (v, s) =>
    withApp(v, s, (app) => {
      const procs = procList(v, app);
      app.checks.skipped = uniq([...app.checks.skipped, ...procs]);
      app.checks.disabled = app.checks.disabled.filter((p) => !procs.includes(p));
    }),
  "checks:enable": (v, s) =>
    withApp(v, s, (app) => {
      const procs = procList(v, app);
      app.checks.skipped = app.checks.skipped.filter((p) => !procs.includes(p));
      app.checks.disabled = app.checks.disabled.filter((p) => !procs.includes(p));
    }),

  // -------------------------------------------------------------------------------------------
  // storage
  "storage:create": (v, s) => {
    const out = new Out();
    const name = v.positionals[0]!;
    const scheduler = (v.flags["--scheduler"] as string | undefined) ?? "docker-local";
    const existing = s.storage[name];
    if (existing !== undefined) {
      if (existing.scheduler !== scheduler) {
        return out.fail(
          `Storage entry ${name} already exists with scheduler ${existing.scheduler}`,
        );
      }
      out.line(`-----> Storage entry ${name} already exists`);
      return out.done();
    }
    const options: Record<string, string> = {};
    for (const key of sortedKeys(v.flags)) {
      const value = v.flags[key]!;
      if (key !== "--scheduler") {
        options[key] = Array.isArray(value) ? value.join(",") : String(value);
      }
    }
    s.storage[name] = {
      scheduler,
      path: v.positionals[1] ?? `/var/lib/dokku/data/storage/${name}`,
      options,
    };
    return out.done();
  },
  "storage:destroy": (v, s) => {
    const out = new Out();
    const name = v.positionals[0]!;
    if (s.storage[name] === undefined) return out.fail(`Storage entry ${name} does not exist`);
    const users = sortedKeys(s.apps).filter((a) => s.apps[a]!.mounts.some((m) => m.name === name));
    if (users.length > 0) {
      return out.fail(`Storage entry ${name} is still mounted by app(s): ${users.join(", ")}`);
    }
    if (!confirmed(v)) {
      return out.fail(`Confirmation did not match ${name}. Aborted. (pass --force)`);
    }
    delete s.storage[name];
    return out.done();
  },
  "storage:info": (v, s) => {
    const out = new Out();
    const name = v.positionals[0]!;
    const entry = s.storage[name];
    if (entry === undefined) return out.fail(`Storage entry ${name} does not exist`);
    const mountedBy = sortedKeys(s.apps).filter((a) =>
      s.apps[a]!.mounts.some((m) => m.name === name)
    );
    const info = {
      name,
      scheduler: entry.scheduler,
      path: entry.path,
      "mounted-by": mountedBy.join(" "),
      ...Object.fromEntries(sortedKeys(entry.options).map((k) => [k.slice(2), entry.options[k]!])),
    };
    if (v.flags["--format"] === "json") out.line(sortedJson(info));
    else for (const k of sortedKeys(info)) out.line(`${k}: ${info[k as keyof typeof info]}`);
    return out.done();
  },
  "storage:list-entries": (v, s) => {
    const out = new Out();
    const names = sortedKeys(s.storage).filter((n) =>
      v.flags["--scheduler"] === undefined || s.storage[n]!.scheduler === v.flags["--scheduler"]
    );
    if (v.flags["--format"] === "json") {
      out.line(
        sortedJson(
          names.map((n) => ({
            name: n,
            scheduler: s.storage[n]!.scheduler,
            path: s.storage[n]!.path,
          })),
        ),
      );
    } else for (const n of names) out.line(n);
    return out.done();
  },
  "storage:mount": (v, s) =>
    withApp(v, s, (app, out) => {
      const target = v.positionals[1]!;
      const phases = (v.flags["--phase"] as string[] | undefined)?.flatMap((p) => p.split(",")) ??
        ["deploy", "run"];
      if (target.includes(":") || target.startsWith("/")) {
        if (app.mounts.some((m) => m.legacy === target)) {
          return out.fail("Mount path already exists.");
        }
        const containerDir = target.split(":")[1] ?? "";
        app.mounts.push({ legacy: target, containerDir, phases });
        return;
      }
      if (s.storage[target] === undefined) {
        return out.fail(`Storage entry ${target} does not exist`);
      }
      const processType = v.flags["--process-type"] as string | undefined;
      const mount = {
        name: target,
        containerDir: v.flags["--container-dir"] as string,
        phases,
        ...(processType === undefined ? {} : { processType }),
        ...(v.flags["--volume-readonly"] === undefined ? {} : { readonly: true }),
        ...(v.flags["--volume-subpath"] === undefined
          ? {}
          : { subpath: v.flags["--volume-subpath"] as string }),
        ...(v.flags["--volume-options"] === undefined
          ? {}
          : { volumeOptions: v.flags["--volume-options"] as string }),
        ...(v.flags["--volume-chown"] === undefined
          ? {}
          : { volumeChown: v.flags["--volume-chown"] as string }),
      };
      // Upsert: one mount of an entry per (entry, container dir).
      const idx = app.mounts.findIndex((m) =>
        m.name === target && m.containerDir === mount.containerDir
      );
      if (idx === -1) app.mounts.push(mount);
      else app.mounts[idx] = mount;
    }),
  "storage:unmount": (v, s) =>
    withApp(v, s, (app, out) => {
      const target = v.positionals[1]!;
      if (target.includes(":") || target.startsWith("/")) {
        if (!app.mounts.some((m) => m.legacy === target)) {
          return out.fail("Mount path does not exist.");
        }
        app.mounts = app.mounts.filter((m) => m.legacy !== target);
        return;
      }
      const dir = v.flags["--container-dir"] as string | undefined;
      app.mounts = app.mounts.filter((m) =>
        !(m.name === target && (dir === undefined || m.containerDir === dir))
      );
    }),
  "storage:list": (v, s) =>
    withApp(v, s, (app, out) => {
      const rows = app.mounts.map((m) => {
        const host = m.name !== undefined
          ? s.storage[m.name]?.path ?? m.name
          : m.legacy!.split(":")[0]!;
        const options = m.name !== undefined
          ? (m.readonly === true ? "ro" : "")
          : m.legacy!.split(":").slice(2).join(":");
        return {
          host_path: host,
          container_path: m.containerDir,
          volume_options: options,
          ...(m.name === undefined ? {} : { name: m.name }),
        };
      });
      if (v.flags["--format"] === "json") out.line(sortedJson(rows));
      else {for (const r of rows) {
          out.line(
            `${r.host_path}:${r.container_path}${
              r.volume_options === "" ? "" : ":" + r.volume_options
            }`,
          );
        }}
    }),

  // -------------------------------------------------------------------------------------------
  // network
  "network:create": (v, s) => {
    const out = new Out();
    const name = v.positionals[0]!;
    if (s.networks[name] !== undefined) return out.fail(`Network ${name} already exists`);
    s.networks[name] = { created: true };
    out.line(`-----> Creating network ${name}`);
    return out.done();
  },
  "network:destroy": (v, s) => {
    const out = new Out();
    const name = v.positionals[0]!;
    if (s.networks[name] === undefined) return out.fail(`Network ${name} does not exist`);
    if (!confirmed(v)) {
      return out.fail(`Confirmation did not match ${name}. Aborted. (pass --force)`);
    }
    const attached = sortedKeys(s.apps).filter((a) => appUsesNetwork(s.apps[a]!, name));
    if (attached.length > 0) {
      return out.fail(
        `Network ${name} has containers attached (apps: ${attached.join(", ")}); cannot destroy`,
      );
    }
    delete s.networks[name];
    return out.done();
  },
  "network:exists": (v, s) => {
    const out = new Out();
    if (s.networks[v.positionals[0]!] === undefined) out.exit = 1;
    return out.done();
  },
  "network:list": (_v, s) => {
    const out = new Out();
    for (const n of ["bridge", "host", "none", ...sortedKeys(s.networks)]) out.line(n);
    return out.done();
  },
  "network:info": (v, s) => {
    const out = new Out();
    const name = v.positionals[0]!;
    if (s.networks[name] === undefined) return out.fail(`Network ${name} does not exist`);
    out.line(`=====> ${name} network information`);
    return out.done();
  },

  // -------------------------------------------------------------------------------------------
  // ps
  "ps:scale": (v, s) =>
    withApp(v, s, (app, out) => {
      const tuples = v.positionals.slice(1);
      if (tuples.length === 0) {
        if (v.flags["--format"] === "json") out.line(sortedJson(app.scale));
        else {
          out.line("-----> Scaling for app");
          out.line("proctype: qty");
          out.line("--------: ---");
          for (const p of sortedKeys(app.scale)) out.line(`${p}: ${app.scale[p]}`);
        }
        return;
      }
      let changed = false;
      for (const t of tuples) {
        const [proc, count] = t.split("=") as [string, string];
        if (app.scale[proc] !== Number(count)) changed = true;
        app.scale[proc] = Number(count);
      }
      if (changed && v.flags["--skip-deploy"] === undefined && app.deployed) {
        app.counters.restarts++;
        app.running = true;
      }
    }),
  "ps:rebuild": (v, s) =>
    eachApp(v, s, (app, out) => {
      if (app.source === null) {
        out.line("-----> App has not been deployed, skipping rebuild");
        return;
      }
      deploy(app);
    }),
  "ps:restart": (v, s) =>
    eachApp(v, s, (app) => {
      if (!app.deployed) return;
      app.counters.restarts++;
      app.running = true;
    }),
  "ps:start": (v, s) =>
    eachApp(v, s, (app) => {
      const ps = app.properties["ps"];
      if (ps !== undefined) delete ps["restore"];
      if (!app.deployed || app.running) return;
      app.counters.restarts++;
      app.running = true;
    }),
  "ps:stop": (v, s) =>
    eachApp(v, s, (app) => {
      (app.properties["ps"] ??= {})["restore"] = "false";
      app.running = false;
    }),

  // -------------------------------------------------------------------------------------------
  // git
  "git:from-image": (v, s) =>
    withApp(v, s, (app, out) => {
      const image = v.positionals[1]!;
      if (app.source?.kind === "image" && app.source.image === image) {
        return out.fail("No changes detected, skipping git commit");
      }
      app.source = { kind: "image", image };
      deploy(app);
    }),
  "git:from-archive": (v, s, ctx) =>
    withApp(v, s, (app, out) => {
      const url = v.positionals[1]!;
      const archiveType = (v.flags["--archive-type"] as string | undefined) ?? "tar";
      let sha256: string;
      if (url === "--") {
        if (ctx.stdin === null || ctx.stdin.bytes.length === 0) {
          return out.fail("Invalid archive: nothing was read from stdin");
        }
        if (archiveType === "tar" && !looksLikeTar(ctx.stdin.bytes)) {
          return out.fail("Invalid archive: stdin is not a tar archive");
        }
        sha256 = ctx.stdin.sha256;
      } else {
        sha256 = fakeHash(url, 64);
      }
      if (app.source?.kind === "archive" && app.source.sha256 === sha256) {
        return out.fail("No changes detected, skipping git commit");
      }
      app.source = { kind: "archive", archiveType, sha256 };
      // Dokku reads app.json (healthchecks, scripts) from the deployed source at appjson-path.
      const appJsonPath = app.properties["app-json"]?.["appjson-path"] ||
        s.global.properties["app-json"]?.["appjson-path"] || "app.json";
      const appJson = url === "--" && archiveType === "tar" && ctx.stdin !== null
        ? tarFile(ctx.stdin.bytes, appJsonPath)
        : undefined;
      if (appJson === undefined) delete app.appJson;
      else app.appJson = appJson;
      deploy(app);
    }),
  "git:load-image": (v, s, ctx) =>
    withApp(v, s, (app, out) => {
      if (ctx.stdin === null || ctx.stdin.bytes.length === 0) {
        return out.fail("No image tar was read from stdin");
      }
      if (app.source?.kind === "load-image" && app.source.sha256 === ctx.stdin.sha256) {
        return out.fail("No changes detected, skipping git commit");
      }
      app.source = { kind: "load-image", sha256: ctx.stdin.sha256 };
      deploy(app);
    }),
  "git:sync": (v, s) =>
    withApp(v, s, (app) => {
      const repository = v.positionals[1]!;
      const ref = v.positionals[2] ?? "";
      const changed = !(app.source?.kind === "git-sync" && app.source.repository === repository &&
        app.source.ref === ref);
      app.source = { kind: "git-sync", repository, ref };
      if (
        v.flags["--build"] !== undefined || (v.flags["--build-if-changes"] !== undefined && changed)
      ) {
        deploy(app);
      }
    }),

  // -------------------------------------------------------------------------------------------
  // registry, letsencrypt
  "registry:login": (v, s, ctx) => {
    const out = new Out();
    const p = v.positionals;
    const perApp = v.flags["--global"] === undefined &&
      (p.length === 4 || (p.length === 3 && v.flags["--password-stdin"] !== undefined));
    if (v.flags["--password-stdin"] !== undefined && (ctx.stdin?.text ?? "").trim() === "") {
      return out.fail("No password was read from stdin");
    }
    if (perApp) {
      if (s.apps[p[0]!] === undefined) return appMissing(out, p[0]!);
      (s.global.appRegistryLogins[p[0]!] ??= {})[p[1]!] = p[2]!;
    } else {
      s.global.registryLogins[p[0]!] = p[1]!;
    }
    out.line("Login Succeeded");
    return out.done();
  },
  "registry:logout": (v, s) => {
    const p = v.positionals;
    if (p.length === 2) delete s.global.appRegistryLogins[p[0]!]?.[p[1]!];
    else delete s.global.registryLogins[p[0]!];
    return new Out().done();
  },
  "letsencrypt:enable": (v, s) => {
    if (v.positionals[0] === "--all") return allApps(s, (app) => void (app.letsencrypt = true));
    return withApp(v, s, (app, out) => {
      const domains = app.domains.filter((d) => d !== "_");
      if (domains.length === 0) return out.fail("No domains set for app; add one with domains:add");
      const email = s.apps[v.positionals[0]!]!.properties["letsencrypt"]?.["email"] ??
        s.global.properties["letsencrypt"]?.["email"];
      if (email === undefined || email === "") {
        return out.fail("email not set; set one with letsencrypt:set --global email <email>");
      }
      if (!app.ports.some((m) => m.startsWith("http:80:"))) {
        const http = app.ports.find((m) => m.startsWith("http:")) ??
          app.ports.find((m) => m.startsWith("https:"));
        if (http === undefined) return out.fail("No http or https port mapping found for app");
        app.ports.push(`http:80:${http.split(":")[2]}`);
      }
      app.letsencrypt = true;
    });
  },
  "letsencrypt:disable": (v, s) => withApp(v, s, (app) => void (app.letsencrypt = false)),
  "letsencrypt:revoke": (v, s) => withApp(v, s, (app) => void (app.letsencrypt = false)),
  "letsencrypt:active": (v, s) => withApp(v, s, (app, out) => out.line(String(app.letsencrypt))),
  "letsencrypt:list": (_v, s) => {
    const out = new Out();
    for (const name of sortedKeys(s.apps)) if (s.apps[name]!.letsencrypt) out.line(name);
    return out.done();
  },
  "letsencrypt:set": (v, s) => genericSet(v, s),
  "letsencrypt:report": (v, s) => genericReport(v, s),
};

function uniq(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** The text of the regular file `path` in a tar (ustar names, PAX `path` records), if any. */
function tarFile(bytes: Uint8Array, path: string): string | undefined {
  const decoder = new TextDecoder();
  const field = (block: Uint8Array, start: number, length: number) => {
    const raw = block.subarray(start, start + length);
    const end = raw.indexOf(0);
    return decoder.decode(end < 0 ? raw : raw.subarray(0, end));
  };
  let paxPath: string | undefined;
  for (let offset = 0; offset + 512 <= bytes.length;) {
    const block = bytes.subarray(offset, offset + 512);
    if (block.every((b) => b === 0)) return undefined;
    const size = Number.parseInt(field(block, 124, 12).trim() || "0", 8);
    const type = field(block, 156, 1) || "0";
    const prefix = field(block, 345, 155);
    const name = prefix === "" ? field(block, 0, 100) : `${prefix}/${field(block, 0, 100)}`;
    const data = bytes.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "x") {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(decoder.decode(data));
      paxPath = m?.[1];
      continue;
    }
    const entryPath = (paxPath ?? name).replace(/^\.\//, "");
    paxPath = undefined;
    if (entryPath === path && (type === "0" || type === "\0")) return decoder.decode(data);
  }
  return undefined;
}

function looksLikeTar(bytes: Uint8Array): boolean {
  if (bytes.length < 512) return false;
  return new TextDecoder().decode(bytes.subarray(257, 262)) === "ustar";
}

/** Splits a docker options string into entries, one per flag (`-v a -p 1:1` -> 2 entries). */
function splitOptions(text: string): string[] {
  const words = text.trim().split(/\s+/).filter((w) => w !== "");
  const entries: string[] = [];
  for (const w of words) {
    if (w.startsWith("-") || entries.length === 0) entries.push(w);
    else entries[entries.length - 1] += ` ${w}`;
  }
  return entries;
}

function duplicateHostPort(maps: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const m of maps) {
    const [scheme, host] = m.split(":");
    const key = `${scheme}:${host}`;
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return undefined;
}

function proxyType(s: DoubleState, app: AppState): string {
  return app.properties["proxy"]?.["type"] || s.global.properties["proxy"]?.["type"] || "nginx";
}

function appUsesNetwork(app: AppState, network: string): boolean {
  if (!app.deployed) return false;
  const props = app.properties["network"] ?? {};
  return ["attach-post-create", "attach-post-deploy", "initial-network"].some((k) =>
    (props[k] ?? "").split(" ").includes(network)
  );
}

function procList(v: ValidArgv, app: AppState): string[] {
  const given = v.positionals.slice(1).flatMap((p) => p.split(","));
  return given.length > 0
    ? given
    : sortedKeys(app.scale).length > 0
    ? sortedKeys(app.scale)
    : ["web"];
}

/** Runs `fn` on the app in positionals[0] (exit 20 when missing). */
function withApp(
  v: ValidArgv,
  s: DoubleState,
  fn: (app: AppState, out: Out) => Outcome | void,
): Outcome {
  const out = new Out();
  const app = getApp(v, s, out);
  if (isOutcome(app)) return app;
  const result = fn(app, out);
  return result ?? out.done();
}

/** `--all` or one app. */
function eachApp(
  v: ValidArgv,
  s: DoubleState,
  fn: (app: AppState, out: Out) => Outcome | void,
): Outcome {
  if (v.flags["--all"] !== undefined) return allApps(s, fn);
  return withApp(v, s, fn);
}

function allApps(s: DoubleState, fn: (app: AppState, out: Out) => Outcome | void): Outcome {
  const out = new Out();
  for (const name of sortedKeys(s.apps)) {
    const result = fn(s.apps[name]!, out);
    if (result !== undefined && result.exit !== 0) return result;
  }
  return out.done();
}

// ---------------------------------------------------------------------------------------------
// config helpers

function configOf(
  v: ValidArgv,
  s: DoubleState,
  out: Out,
): { vars: Record<string, string> } | { outcome: Outcome } {
  if (v.flags["--global"] !== undefined) return { vars: { ...s.global.config } };
  const app = getApp(v, s, out);
  if (isOutcome(app)) return { outcome: app };
  if (v.flags["--merged"] !== undefined) return { vars: { ...s.global.config, ...app.config } };
  return { vars: { ...app.config } };
}

function configWrite(
  v: ValidArgv,
  s: DoubleState,
  mutate: (vars: Record<string, string>, out: Out) => boolean,
): Outcome {
  const out = new Out();
  if (v.flags["--global"] !== undefined) {
    const vars = { ...s.global.config };
    if (!mutate(vars, out)) return out.done();
    s.global.config = vars;
    return out.done();
  }
  const app = getApp(v, s, out);
  if (isOutcome(app)) return app;
  const vars = { ...app.config };
  if (!mutate(vars, out)) return out.done();
  app.config = vars;
  if (v.flags["--no-restart"] === undefined) restart(app);
  return out.done();
}

/** Renders config in one of `config:export`'s formats (keys sorted, like Dokku). */
function formatConfig(vars: Record<string, string>, format: string): string {
  const keys = sortedKeys(vars);
  const lines = (fn: (k: string, v: string) => string) =>
    keys.map((k) => fn(k, vars[k]!) + "\n").join("");
  switch (format) {
    case "json":
      return sortedJson(vars) + "\n";
    case "json-list":
      return JSON.stringify(keys.map((k) => ({ name: k, value: vars[k]! }))) + "\n";
    case "envfile":
      return lines((k, v) =>
        `${k}="${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`
      );
    case "shell":
      return keys.map((k) => `${k}=${shellQuote(vars[k]!)}`).join(" ") + "\n";
    case "docker-args":
      return keys.map((k) => `--env=${k}=${shellQuote(vars[k]!)}`).join(" ") + "\n";
    case "docker-args-keys":
      return keys.map((k) => `--env=${k}`).join(" ") + "\n";
    case "pack-keys":
      return keys.map((k) => `--env ${k}`).join(" ") + "\n";
    case "pretty": {
      const width = Math.max(0, ...keys.map((k) => k.length)) + 1;
      return lines((k, v) => `${(k + ":").padEnd(width)}  ${v}`);
    }
    default:
      return lines((k, v) => `export ${k}=${shellQuote(v)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// resources

const RESOURCE_FLAGS = [
  "--cpu",
  "--memory",
  "--memory-swap",
  "--network",
  "--network-ingress",
  "--network-egress",
  "--nvidia-gpu",
];

function resourceSet(v: ValidArgv, s: DoubleState, kind: "limit" | "reserve"): Outcome {
  return withApp(v, s, (app, out) => {
    const proc = (v.flags["--process-type"] as string | undefined) ?? "_default_";
    const given = RESOURCE_FLAGS.filter((f) => v.flags[f] !== undefined);
    const table = app.resources[kind];
    if (given.length === 0) {
      for (const r of sortedKeys(table[proc] ?? {})) out.line(`       ${r}: ${table[proc]![r]}`);
      return;
    }
    const current = table[proc] ??= {};
    for (const f of given) {
      const value = v.flags[f] as string;
      if (value === "clear") delete current[f.slice(2)];
      else current[f.slice(2)] = value;
    }
    if (Object.keys(current).length === 0) delete table[proc];
  });
}

function resourceClear(v: ValidArgv, s: DoubleState, kind: "limit" | "reserve"): Outcome {
  return withApp(v, s, (app) => {
    const proc = v.flags["--process-type"] as string | undefined;
    if (proc === undefined) app.resources[kind] = {};
    else delete app.resources[kind][proc];
  });
}

// ---------------------------------------------------------------------------------------------
// generic :set and :report

function namespaceOf(command: string): string {
  return command.slice(0, command.indexOf(":"));
}

/** `<ns>:set <app>|--global <key> [value...]`: stores the value (space-joined); none clears. */
function genericSet(v: ValidArgv, s: DoubleState): Outcome {
  const out = new Out();
  const ns = namespaceOf(v.command);
  const global = v.flags["--global"] !== undefined;
  const keyIdx = global ? 0 : 1;
  const key = v.positionals[keyIdx]!;
  const value = v.positionals.slice(keyIdx + 1).join(" ");
  let bag: Record<string, Record<string, string>>;
  if (global) bag = s.global.properties;
  else if (ns === "storage") {
    const entry = s.storage[v.positionals[0]!];
    if (entry === undefined) return out.fail(`Storage entry ${v.positionals[0]} does not exist`);
    if (value === "") delete entry.options[`--${key}`];
    else entry.options[`--${key}`] = value;
    return out.done();
  } else {
    const app = getApp(v, s, out);
    if (isOutcome(app)) return app;
    bag = app.properties;
  }
  if (
    ns === "logs" && key === "max-size" && value !== "" && !/^(\d+[bkmg]?|unlimited)$/.test(value)
  ) {
    return out.fail(
      `Invalid max-size value ${JSON.stringify(value)}: expected <number>[bkmg] or unlimited`,
    );
  }
  const props = bag[ns] ??= {};
  if (value === "") {
    delete props[key];
    out.line(`-----> Unsetting ${key}`);
  } else {
    props[key] = value;
    out.line(`-----> Setting ${key} to ${value}`);
  }
  if (Object.keys(props).length === 0) delete bag[ns];
  return out.done();
}

/** Property keys `<ns>:set` accepts, with their defaults. */
function propertyTable(ns: string): { keys: string[]; defaults: Record<string, string> } {
  const spec = findCommand(`${ns}:set`);
  const keys = (spec?.properties?.keys ?? []).filter((k) => !k.endsWith("*"));
  const detail = (spec?.properties as { detail?: Record<string, { default?: string }> } | undefined)
    ?.detail ?? {};
  const defaults: Record<string, string> = {};
  for (const k of keys) {
    const d = detail[k]?.default;
    if (d !== undefined && !d.startsWith("(")) defaults[k] = d;
  }
  return { keys, defaults };
}

/** The report values of one app for one plugin namespace (keys without the leading `--`). */
export function reportValues(s: DoubleState, ns: string, appName: string): Record<string, string> {
  const app = s.apps[appName]!;
  const values: Record<string, string> = {};
  const { keys: allKeys, defaults } = propertyTable(ns);
  // `restore` is reported as the top-level `restore` key, not `ps-restore`.
  const keys = ns === "ps" ? allKeys.filter((k) => k !== "restore") : allKeys;
  const appProps = app.properties[ns] ?? {};
  const globalProps = s.global.properties[ns] ?? {};
  for (const k of keys) {
    values[`${ns}-${k}`] = appProps[k] ?? "";
    values[`${ns}-global-${k}`] = globalProps[k] ?? "";
    values[`${ns}-computed-${k}`] = appProps[k] || globalProps[k] || defaults[k] || "";
  }
  // Properties set under wildcard keys (letsencrypt dns-provider-*).
  for (const k of sortedKeys(appProps)) {
    if (!(ns === "ps" && k === "restore")) values[`${ns}-${k}`] ??= appProps[k]!;
  }
  switch (ns) {
    case "ps": {
      const total = app.deployed ? Object.values(app.scale).reduce((a, b) => a + b, 0) : 0;
      values["deployed"] = String(app.deployed);
      values["processes"] = String(total);
      values["running"] = !app.deployed ? "false" : app.running ? "true" : "false";
      values["restore"] = appProps["restore"] ?? "true";
      values["ps-can-scale"] = "true";
      values["ps-restart-policy"] = appProps["restart-policy"] ?? "";
      values["ps-computed-restart-policy"] = appProps["restart-policy"] ||
        globalProps["restart-policy"] || "on-failure:10";
      if (app.deployed) {
        for (const proc of sortedKeys(app.scale)) {
          for (let n = 1; n <= app.scale[proc]!; n++) {
            const cid = fakeHash(
              `${appName}/${proc}/${n}/${app.counters.deploys}/${app.counters.restarts}`,
              64,
            );
            values[`status-${proc}.${n}`] = `${app.running ? "running" : "exited"} (CID: ${
              cid.slice(0, 11)
            })`;
          }
        }
      }
      break;
    }
    case "ports":
      values["ports-map"] = app.ports.join(" ");
      values["ports-map-detected"] = "";
      break;
    case "domains":
      values["domains-app-enabled"] = String(app.domainsEnabled);
      values["domains-app-vhosts"] = app.domains.join(" ");
      values["domains-global-enabled"] = "true";
      values["domains-global-vhosts"] = s.global.domains.join(" ");
      break;
    case "proxy":
      values["proxy-enabled"] = String(app.proxyEnabled);
      values["proxy-type"] = proxyType(s, app);
      break;
    case "docker-options":
      for (const phase of ["build", "deploy", "run"] as const) {
        values[`docker-options-${phase}`] = app.dockerOptions[phase].join(" ");
        values[`docker-options-${phase}-list`] = JSON.stringify(app.dockerOptions[phase]);
      }
      break;
    case "resource":
      for (const kind of ["limit", "reserve"] as const) {
        for (const proc of sortedKeys(app.resources[kind])) {
          for (const r of sortedKeys(app.resources[kind][proc]!)) {
            values[`resource-${proc}.${kind}.${r}`] = app.resources[kind][proc]![r]!;
          }
        }
      }
      break;
    case "checks":
      values["checks-disabled-list"] = app.checks.disabled.join(",") || "none";
      values["checks-skipped-list"] = app.checks.skipped.join(",") || "none";
      break;
    case "storage":
      values["storage-build-mounts"] = "";
      values["storage-deploy-mounts"] = mountsFor(app, s, "deploy");
      values["storage-run-mounts"] = mountsFor(app, s, "run");
      break;
    case "apps":
      values["apps-locked"] = String(app.locked);
      break;
    case "letsencrypt":
      values["letsencrypt-active"] = String(app.letsencrypt);
      break;
    case "git":
      if (!appProps["source-image"] && app.source?.kind === "image") {
        values["git-source-image"] = app.source.image;
      }
      break;
  }
  return values;
}

function mountsFor(app: AppState, s: DoubleState, phase: string): string {
  return app.mounts
    .filter((m) => m.phases.includes(phase))
    .map((m) =>
      m.legacy !== undefined
        ? `-v ${m.legacy}`
        : `-v ${s.storage[m.name!]?.path ?? m.name}:${m.containerDir}`
    )
    .join(" ");
}

function globalReportValues(s: DoubleState, ns: string): Record<string, string> {
  const { keys, defaults } = propertyTable(ns);
  const globalProps = s.global.properties[ns] ?? {};
  const values: Record<string, string> = {};
  for (const k of keys) {
    values[`${ns}-global-${k}`] = globalProps[k] ?? "";
    values[`${ns}-computed-${k}`] = globalProps[k] || defaults[k] || "";
  }
  for (const k of sortedKeys(globalProps)) values[`${ns}-global-${k}`] ??= globalProps[k]!;
  return values;
}

/**
 * `<ns>:report [<app>|--global] [--format json] [--<ns>-<key>]`: one value for an info flag, a
 * JSON object for `--format json`, else a human table.
 */
function genericReport(v: ValidArgv, s: DoubleState): Outcome {
  const out = new Out();
  const ns = namespaceOf(v.command);
  const infoFlag = Object.keys(v.flags).find((f) => f !== "--format" && f !== "--global");
  const json = v.flags["--format"] === "json";
  let targets: [string, Record<string, string>][];
  if (v.flags["--global"] !== undefined) targets = [["global", globalReportValues(s, ns)]];
  else if (v.positionals[0] !== undefined) {
    const name = v.positionals[0];
    if (s.apps[name] === undefined) return appMissing(out, name);
    targets = [[name, reportValues(s, ns, name)]];
  } else {
    if (infoFlag !== undefined) return out.fail("An app name is required with an info flag");
    targets = sortedKeys(s.apps).map((a) => [a, reportValues(s, ns, a)]);
  }
  for (const [name, values] of targets) {
    if (infoFlag !== undefined) {
      const value = values[infoFlag.slice(2)];
      if (value === undefined) {
        const valid = sortedKeys(values).map((k) => `--${k}`).join(", ");
        return out.fail(`Invalid flag passed, valid flags: ${valid}`);
      }
      out.line(value);
      continue;
    }
    if (json) {
      out.line(sortedJson(values));
      continue;
    }
    out.line(`=====> ${name} ${ns} information`);
    for (const k of sortedKeys(values)) {
      const label = k.replaceAll("-", " ");
      out.line(
        `       ${(label.charAt(0).toUpperCase() + label.slice(1) + ":").padEnd(40)}${values[k]}`,
      );
    }
  }
  return out.done();
}

// ---------------------------------------------------------------------------------------------
// datastores

function titleCase(plugin: string): string {
  return plugin.charAt(0).toUpperCase() + plugin.slice(1);
}

function serviceHost(plugin: string, svc: string): string {
  return `dokku-${plugin}-${svc.replaceAll(".", "-").replaceAll("_", "-")}`;
}

function linkOption(plugin: string, svc: string): string {
  return `--link dokku.${plugin}.${svc}:${serviceHost(plugin, svc)}`;
}

/** The URL a link sets, per the plugin's template (scheme override honoured). */
export function serviceUrl(
  plugin: string,
  input: { svc: string; service: ServiceState; app: AppState; querystring?: string },
): string {
  const ds = datastoreSpec(plugin)!;
  const { svc, service, app } = input;
  const scheme = app.config[ds.link.schemeOverrideVar] || ds.link.scheme;
  const template = typeof ds.link.urlTemplate === "string"
    ? ds.link.urlTemplate
    : scheme === "http"
    ? ds.link.urlTemplate.whenSchemeIsHttp
    : ds.link.urlTemplate.default;
  const url = template
    .replaceAll("{scheme}", scheme)
    .replaceAll("{password}", service.password)
    .replaceAll("{host}", serviceHost(plugin, svc))
    .replaceAll("{service}", svc)
    .replaceAll("{database}", svc.replaceAll(".", "_").replaceAll("-", "_"));
  return input.querystring === undefined ? url : `${url}?${input.querystring}`;
}

/** The `env`-file text Dokku greps when choosing a link variable. */
function configText(app: AppState): string {
  return sortedKeys(app.config).map((k) => `${k}="${app.config[k]}"`).join("\n");
}

function datastore(v: ValidArgv, s: DoubleState, _ctx: ExecContext): Outcome {
  const out = new Out();
  const plugin = v.spec.datastore!;
  const ds = datastoreSpec(plugin)!;
  const sub = v.command.slice(plugin.length + 1);
  const services = s.datastores[plugin] ?? {};
  const name = v.positionals[0];
  const label = `${titleCase(plugin)} service`;
  if (sub === "list") {
    out.line(`=====> ${titleCase(plugin)} services`);
    for (const n of sortedKeys(services)) out.line(n);
    return out.done();
  }
  if (sub === "app-links") {
    const appName = v.positionals[0]!;
    if (s.apps[appName] === undefined) return appMissing(out, appName);
    for (const n of sortedKeys(services)) {
      if (services[n]!.links[appName] !== undefined) out.line(n);
    }
    return out.done();
  }
  if (name === undefined) return out.done();
  if (sub === "create") {
    if (services[name] !== undefined) return out.fail(`${label} ${name} already exists`);
    const options: Record<string, string> = {};
    for (const k of sortedKeys(v.flags)) {
      const value = v.flags[k]!;
      options[k] = Array.isArray(value) ? value.join(",") : String(value);
    }
    s.datastores[plugin] = services;
    services[name] = {
      image: options["--image"] ?? ds.image,
      imageVersion: options["--image-version"] ?? ds.defaultImageVersion,
      password: options["--password"] ?? fakeHash(`${plugin}/${name}/password`, 32),
      links: {},
      exposedPorts: [],
      status: "running",
      properties: {
        ...(options["--initial-network"] === undefined
          ? {}
          : { "initial-network": options["--initial-network"] }),
        ...(options["--post-create-network"] === undefined
          ? {}
          : { "post-create-network": options["--post-create-network"] }),
        ...(options["--post-start-network"] === undefined
          ? {}
          : { "post-start-network": options["--post-start-network"] }),
      },
      options,
    };
    out.line(`=====> ${titleCase(plugin)} container created: ${name}`);
    return out.done();
  }
  if (sub === "exists") {
    if (services[name] === undefined) return out.fail(`${label} ${name} does not exist`);
    return out.done();
  }
  const service = services[name];
  if (service === undefined) return out.fail(`${label} ${name} does not exist`);
  switch (sub) {
    case "destroy": {
      const linked = sortedKeys(service.links);
      if (linked.length > 0) {
        return out.fail(`Cannot delete linked service; linked apps: ${linked.join(" ")}`);
      }
      if (!confirmed(v)) {
        return out.fail(`Confirmation did not match ${name}. Aborted. (pass --force)`);
      }
      delete services[name];
      if (Object.keys(services).length === 0) delete s.datastores[plugin];
      out.line(`=====> Deleting ${name}`);
      return out.done();
    }
    case "link": {
      const appName = v.positionals[1]!;
      const app = s.apps[appName];
      if (app === undefined) return appMissing(out, appName);
      const existing = service.links[appName];
      if (existing !== undefined) return out.fail(`Already linked as ${existing}`);
      const text = configText(app);
      let varName: string;
      const alias = v.flags["--alias"] as string | undefined;
      if (alias !== undefined) {
        // Dokku's rule, written out here on its own: the double is the oracle that the product's
        // copy (src/dokku/mod.ts) is tested against.
        varName = `${alias.toUpperCase().replace(/_URL$/, "")}_URL`;
        if (text.includes(varName)) return out.fail(`${varName} is already in use`);
      } else {
        varName = `${ds.link.defaultAlias}_URL`;
        if (text.includes(varName)) {
          const color = ds.link.fallbackColors.find((c) =>
            !text.includes(ds.link.fallbackAliasPattern.replace("<COLOR>", c))
          );
          if (color === undefined) return out.fail("No free link variable name left");
          varName = ds.link.fallbackAliasPattern.replace("<COLOR>", color);
        }
      }
      const qs = v.flags["--querystring"] as string | undefined;
      app.config = {
        ...app.config,
        [varName]: serviceUrl(plugin, {
          svc: name,
          service,
          app,
          ...(qs === undefined ? {} : { querystring: qs }),
        }),
      };
      service.links[appName] = varName;
      for (const phase of ["build", "deploy", "run"] as const) {
        app.dockerOptions[phase].push(linkOption(plugin, name));
      }
      if (v.flags["--no-restart"] === undefined && !v.globals.noRestart) restart(app);
      out.line(`-----> Setting config vars`);
      out.line(`       ${varName}:  ${app.config[varName]}`);
      return out.done();
    }
    case "unlink": {
      const appName = v.positionals[1]!;
      const app = s.apps[appName];
      if (app === undefined) return appMissing(out, appName);
      const varName = service.links[appName];
      if (varName === undefined) return out.fail(`Not linked to app ${appName}`);
      delete service.links[appName];
      const config = { ...app.config };
      delete config[varName];
      app.config = config;
      const opt = linkOption(plugin, name);
      for (const phase of ["build", "deploy", "run"] as const) {
        app.dockerOptions[phase] = app.dockerOptions[phase].filter((o) => o !== opt);
      }
      // Only the global --no-restart is honoured by unlink; `-n` is ignored.
      if (!v.globals.noRestart) restart(app);
      return out.done();
    }
    case "linked": {
      const appName = v.positionals[1]!;
      if (service.links[appName] === undefined) {
        return out.fail(`${label} ${name} is not linked to ${appName}`);
      }
      return out.done();
    }
    case "links":
      for (const a of sortedKeys(service.links)) out.line(a);
      return out.done();
    case "promote": {
      const appName = v.positionals[1]!;
      const app = s.apps[appName];
      if (app === undefined) return appMissing(out, appName);
      const varName = service.links[appName];
      if (varName === undefined) return out.fail(`Not linked to app ${appName}`);
      const primary = `${ds.link.defaultAlias}_URL`;
      if (varName !== primary) {
        app.config = { ...app.config, [primary]: app.config[varName]! };
      }
      restart(app);
      return out.done();
    }
    case "info": {
      const fields: Record<string, string> = {
        "config-dir": `/var/lib/dokku/services/${plugin}/${name}/config`,
        "data-dir": `/var/lib/dokku/services/${plugin}/${name}/data`,
        dsn: serviceUrl(plugin, { svc: name, service, app: newApp() }),
        "exposed-ports": service.exposedPorts.length === 0 ? "-" : service.exposedPorts.join(" "),
        id: fakeHash(`${plugin}/${name}/id`, 64),
        "internal-ip": "172.17.0.2",
        "initial-network": service.properties["initial-network"] ?? "",
        links: sortedKeys(service.links).join(" ") || "-",
        "post-create-network": service.properties["post-create-network"] ?? "",
        "post-start-network": service.properties["post-start-network"] ?? "",
        "service-root": `/var/lib/dokku/services/${plugin}/${name}`,
        status: service.status,
        version: `${service.image}:${service.imageVersion}`,
      };
      const flag = Object.keys(v.flags)[0];
      if (flag !== undefined) {
        out.line(fields[flag.slice(2)] ?? "");
        return out.done();
      }
      out.line(`=====> ${name} ${plugin} service information`);
      for (const k of sortedKeys(fields)) out.line(`       ${(k + ":").padEnd(22)}${fields[k]}`);
      return out.done();
    }
    case "set": {
      const key = v.positionals[1]!;
      const value = v.positionals.slice(2).join(" ");
      if (value === "") delete service.properties[key];
      else service.properties[key] = value;
      return out.done();
    }
    case "expose": {
      if (service.exposedPorts.length > 0) {
        return out.fail(
          `${label} ${name} already exposed on port(s) ${service.exposedPorts.join(" ")}`,
        );
      }
      const ports = v.positionals.slice(1);
      if (ports.length !== 0 && ports.length !== ds.ports.length) {
        return out.fail(
          `${label} requires ${ds.ports.length} port(s) to expose, got ${ports.length}`,
        );
      }
      service.exposedPorts = ports.length > 0 ? ports : ds.ports.map((_, i) => String(40000 + i));
      return out.done();
    }
    case "unexpose":
      service.exposedPorts = [];
      return out.done();
    case "start":
    case "restart":
      service.status = "running";
      return out.done();
    case "stop":
      service.status = "stopped";
      return out.done();
    case "pause":
      service.status = "paused";
      return out.done();
    case "upgrade": {
      const version = v.flags["--image-version"] as string | undefined;
      const image = v.flags["--image"] as string | undefined;
      if (version !== undefined) service.imageVersion = version;
      if (image !== undefined) service.image = image;
      service.status = "running";
      return out.done();
    }
    case "clone": {
      const target = v.positionals[1]!;
      if (services[target] !== undefined) return out.fail(`${label} ${target} already exists`);
      services[target] = { ...JSON.parse(JSON.stringify(service)), links: {}, exposedPorts: [] };
      return out.done();
    }
    default:
      return out.done();
  }
}
