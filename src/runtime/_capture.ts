/**
 * Capture before overwrite: for a command that replaces a setting, the read-only command that
 * reads the current value, and the commands that put it back (run in a rollback). Pure.
 *
 * Contract (real Dokku and the test double behave the same):
 * - `<plugin>:set <app> <key> [values]` -> read `<plugin>:report <app> --<plugin>-<key>`;
 *   restore `<plugin>:set <app> <key> <old values...>` (no value clears the key).
 * - `config:set`, `config:unset`, `config:import` -> read `config:export --format json <app>`;
 *   restore the old values with `config:import --no-restart --format json <app> -` (values on
 *   stdin, so an old secret never lands in argv) and `config:unset --no-restart <app> K...` for
 *   keys that did not exist.
 * - `ports:set|add|remove|clear` -> `ports:report <app> --ports-map`; restore `ports:set` or
 *   `ports:clear`. `domains:set|add|remove|clear` -> `domains:report <app> --domains-app-vhosts`;
 *   restore `domains:set` or `domains:clear`. `proxy:disable|enable` -> `proxy:report <app>
 *   --proxy-enabled`; restore `proxy:enable` or `proxy:disable`. `ps:scale <app> proc=n...` ->
 *   `ps:scale <app>` (its `proc: qty` table); restore `ps:scale [--skip-deploy] <app> proc=old...`
 *   (a process type that was not there goes back to 0).
 */
import type { Command } from "../dokkufile/types.ts";
import type { RunResult } from "./runner.ts";

/** A command run in a rollback; its stdin is literal text (never printed). */
export interface RestoreCommand {
  readonly argv: readonly string[];
  readonly stdin?: string;
}

/** How to capture one setting and put it back. */
export interface Capture {
  readonly app: string;
  /** The read-only command that prints the current value. */
  readonly read: readonly string[];
  /** Restore commands from the read command's result; undefined when the output is unusable. */
  restore(result: RunResult): RestoreCommand[] | undefined;
}

/** Core plugins whose `:set <app> <key> [values]` is captured through `:report`. */
const SET_PLUGINS: ReadonlySet<string> = new Set([
  "app-json",
  "apps",
  "builder",
  "builder-dockerfile",
  "builder-herokuish",
  "builder-lambda",
  "builder-nixpacks",
  "builder-pack",
  "builder-railpack",
  "buildpacks",
  "builds",
  "caddy",
  "checks",
  "cron",
  "git",
  "haproxy",
  "logs",
  "network",
  "nginx",
  "openresty",
  "proxy",
  "ps",
  "registry",
  "scheduler",
  "scheduler-docker-local",
  "scheduler-k3s",
  "traefik",
]);

const GLOBAL_FLAGS: ReadonlySet<string> = new Set([
  "--quiet",
  "--trace",
  "--force",
  "--no-restart",
]);

/** The command name and its arguments, without `dokku` and leading global flags. */
export function splitCommand(argv: readonly string[]): { name: string; args: string[] } {
  let i = argv[0] === "dokku" ? 1 : 0;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === "--app") i += 2;
    else if (GLOBAL_FLAGS.has(a)) i++;
    else break;
  }
  return { name: argv[i] ?? "", args: argv.slice(i + 1) };
}

/** Positional arguments, skipping flags (`--format` and `--app` take a value). */
function positionals(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      out.push(...args.slice(i + 1));
      break;
    }
    if (a === "--format" || a === "--app") {
      i++;
      continue;
    }
    if (a.startsWith("-") && a !== "-") continue;
    out.push(a);
  }
  return out;
}

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter((w) => w !== "");
}

function firstLine(text: string): string {
  return text.replace(/\r/g, "").split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
}

function configCapture(
  app: string,
  keysTouched: readonly string[] | "all",
): Capture {
  return {
    app,
    read: ["dokku", "config:export", "--format", "json", app],
    restore(result) {
      let old: unknown;
      try {
        old = JSON.parse(result.stdout);
      } catch {
        return undefined;
      }
      if (typeof old !== "object" || old === null || Array.isArray(old)) return undefined;
      const before = old as Record<string, unknown>;
      const keys = keysTouched === "all" ? undefined : keysTouched;
      const restoreValues: Record<string, string> = {};
      const unset: string[] = [];
      // Sorted: old config comes from a JSON object, whose key order is the server's business.
      const candidates = keys ?? Object.keys(before).sort();
      for (const key of candidates) {
        const value = before[key];
        if (typeof value === "string") restoreValues[key] = value;
        else unset.push(key);
      }
      const out: RestoreCommand[] = [];
      if (Object.keys(restoreValues).length > 0) {
        out.push({
          argv: ["dokku", "config:import", "--no-restart", "--format", "json", app, "-"],
          stdin: JSON.stringify(restoreValues),
        });
      }
      if (keysTouched === "all") {
        // A replace import: keys that did not exist before are found only after the fact, so
        // the restore first clears everything, then re-imports the old values.
        return [
          { argv: ["dokku", "config:clear", "--no-restart", app] },
          ...out,
        ];
      }
      if (unset.length > 0) {
        out.push({ argv: ["dokku", "config:unset", "--no-restart", app, ...[...unset].sort()] });
      }
      return out;
    },
  };
}

/**
 * How to capture what `command` overwrites, or undefined when it overwrites nothing we restore
 * (creates, links, deploys: their UNDO handles them) or targets `--global`.
 */
export function captureFor(command: Command): Capture | undefined {
  const { name, args } = splitCommand(command.argv);
  if (args.includes("--global") || args.includes("--all")) return undefined;
  const pos = positionals(args);
  const app = pos[0];
  if (app === undefined || app === "-") return undefined;
  switch (name) {
    case "config:set":
      return configCapture(
        app,
        pos.slice(1).map((kv) => kv.split("=")[0]!).filter((k) => k !== ""),
      );
    case "config:unset":
      return configCapture(app, pos.slice(1));
    case "config:import": {
      if (args.includes("--replace")) return configCapture(app, "all");
      if (command.stdin?.kind !== "secrets-json") return configCapture(app, "all");
      return configCapture(app, command.stdin.secrets.map((s) => s.key));
    }
    case "ports:set":
    case "ports:add":
    case "ports:remove":
    case "ports:clear":
      return {
        app,
        read: ["dokku", "ports:report", app, "--ports-map"],
        restore: (r) => {
          const maps = words(r.stdout);
          return [{
            argv: maps.length > 0
              ? ["dokku", "ports:set", app, ...maps]
              : ["dokku", "ports:clear", app],
          }];
        },
      };
    case "domains:set":
    case "domains:add":
    case "domains:remove":
    case "domains:clear":
      return {
        app,
        read: ["dokku", "domains:report", app, "--domains-app-vhosts"],
        restore: (r) => {
          const domains = words(r.stdout);
          return [{
            argv: domains.length > 0
              ? ["dokku", "domains:set", app, ...domains]
              : ["dokku", "domains:clear", app],
          }];
        },
      };
    case "ps:scale": {
      const counts = pos.slice(1).filter((a) => /^[A-Za-z0-9_-]+=\d+$/.test(a));
      if (counts.length === 0) return undefined;
      const skip = args.includes("--skip-deploy") ? ["--skip-deploy"] : [];
      return {
        app,
        read: ["dokku", "ps:scale", app],
        restore: (r) => {
          // `ps:scale <app>` prints a `proc: qty` table under a header.
          const old = new Map<string, string>();
          for (const line of r.stdout.split("\n")) {
            const m = /^\s*([A-Za-z0-9_-]+):\s+(\d+)\s*$/.exec(line);
            if (m !== null) old.set(m[1]!, m[2]!);
          }
          const procs = new Set([...old.keys(), ...counts.map((c) => c.split("=")[0]!)]);
          // Sorted: the table's order is the server's; a process type it lacked goes back to 0.
          const args = [...procs].sort().map((p) => `${p}=${old.get(p) ?? "0"}`);
          return [{ argv: ["dokku", "ps:scale", ...skip, app, ...args] }];
        },
      };
    }
    case "proxy:disable":
    case "proxy:enable":
      return {
        app,
        read: ["dokku", "proxy:report", app, "--proxy-enabled"],
        restore: (r) => {
          const value = firstLine(r.stdout);
          if (value !== "true" && value !== "false") return undefined;
          return [{ argv: ["dokku", value === "true" ? "proxy:enable" : "proxy:disable", app] }];
        },
      };
  }
  const m = /^([a-z0-9-]+):set$/.exec(name);
  if (m === null || !SET_PLUGINS.has(m[1]!)) return undefined;
  const plugin = m[1]!;
  const key = pos[1];
  if (key === undefined) return undefined;
  return {
    app,
    read: ["dokku", `${plugin}:report`, app, `--${plugin}-${key}`],
    restore: (r) => [{ argv: ["dokku", `${plugin}:set`, app, key, ...words(r.stdout)] }],
  };
}

/** True for `apps:create <app>`: the app did not exist before this command. */
export function createdApp(command: Command): string | undefined {
  const { name, args } = splitCommand(command.argv);
  if (name !== "apps:create") return undefined;
  return positionals(args)[0];
}
