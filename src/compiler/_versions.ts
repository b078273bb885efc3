/**
 * The first Dokku release that has each core command (and flag) the compiler emits, copied from
 * `../shared/dokku/commands.json` (`since`; `<=0.4.0` is written `0.4.0`). A test checks this
 * table against that file for every command in every golden output, so it cannot drift.
 *
 * Plugin commands (datastores, letsencrypt) are versioned by their plugin, not by Dokku, and do
 * not raise the minimum Dokku version.
 */
import { PLUGIN_NAMES } from "../stack/mod.ts";

interface Since {
  readonly since: string;
  readonly flags?: Readonly<Record<string, string>>;
}

const CORE: Readonly<Record<string, Since>> = {
  "app-json:set": { since: "0.25.0" },
  "apps:create": { since: "0.4.0" },
  "apps:destroy": { since: "0.4.0", flags: { "--force": "0.21.0" } },
  "apps:exists": { since: "0.11.5" },
  "builder-dockerfile:set": { since: "0.25.0" },
  "builder:set": { since: "0.24.0" },
  "config:import": {
    since: "0.37.0",
    flags: { "--no-restart": "0.37.0", "--format": "0.37.0" },
  },
  "config:set": { since: "0.4.0", flags: { "--encoded": "0.11.2", "--no-restart": "0.11.2" } },
  "config:unset": { since: "0.4.0", flags: { "--no-restart": "0.12.8" } },
  "docker-options:add": { since: "0.4.0" },
  "docker-options:remove": { since: "0.4.0" },
  "domains:clear": { since: "0.4.0" },
  "domains:set": { since: "0.8.0" },
  "git:from-archive": { since: "0.24.0" },
  "git:from-image": { since: "0.24.0" },
  "git:sync": { since: "0.23.0", flags: { "--build": "0.23.0", "--build-if-changes": "0.37.5" } },
  "network:create": { since: "0.20.0" },
  "network:destroy": { since: "0.20.0", flags: { "--force": "0.21.0" } },
  "network:exists": { since: "0.20.0" },
  "network:set": { since: "0.11.0" },
  "ports:clear": { since: "0.31.0" },
  "ports:set": { since: "0.31.0" },
  "proxy:disable": { since: "0.5.0" },
  "proxy:enable": { since: "0.5.0" },
  "ps:rebuild": { since: "0.4.0" },
  "ps:scale": { since: "0.4.0", flags: { "--skip-deploy": "0.22.0" } },
  "ps:set": { since: "0.22.0" },
  "resource:limit": { since: "0.15.0", flags: { "--cpu": "0.19.0", "--memory": "0.19.0" } },
  "resource:limit-clear": { since: "0.15.0" },
  "resource:reserve": { since: "0.15.0", flags: { "--cpu": "0.19.0", "--memory": "0.19.0" } },
  "resource:reserve-clear": { since: "0.15.0" },
  "storage:create": { since: "0.38.0", flags: { "--chown": "0.38.0" } },
  "storage:destroy": { since: "0.38.0", flags: { "--force": "0.38.10" } },
  "storage:info": { since: "0.38.0" },
  "storage:mount": {
    since: "0.5.0",
    flags: {
      "--container-dir": "0.38.0",
      "--volume-readonly": "0.38.0",
      "--volume-subpath": "0.38.0",
    },
  },
  "storage:unmount": { since: "0.5.0", flags: { "--container-dir": "0.38.0" } },
};

/** The oldest version the compiler ever asks for (the oldest release commands.json scanned). */
export const FLOOR_VERSION = "0.4.0";

/** Parsed versions, cached: the compiler compares the same few strings thousands of times. */
const PARSED = new Map<string, readonly number[]>();

function parse(version: string): readonly number[] {
  let parts = PARSED.get(version);
  if (parts === undefined) {
    parts = version.split(".").map((part) => Number.parseInt(part, 10) || 0);
    PARSED.set(version, parts);
  }
  return parts;
}

/** Compares dotted versions numerically (`0.9.0` < `0.10.0`). */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * The first Dokku version that accepts `argv` (`["dokku", "<command>", ...]`), or undefined for
 * a plugin command. Throws for a core command missing from the table: the compiler emitted a
 * command nobody checked (a bug).
 */
export function sinceOf(argv: readonly string[]): string | undefined {
  const command = argv[1] ?? "";
  const entry = CORE[command];
  if (entry === undefined) {
    if (isPluginCommand(command)) return undefined;
    throw new Error(`No 'since' entry for the Dokku command '${command}'`);
  }
  let since = entry.since;
  const flags = entry.flags;
  if (flags === undefined) return since;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") break;
    const flag = flags[arg];
    if (flag !== undefined && compareVersions(flag, since) > 0) since = flag;
  }
  return since;
}

/** Commands of the datastore plugins and of letsencrypt carry their own `since` data. */
const PLUGINS = new Set<string>([...PLUGIN_NAMES, "letsencrypt"]);

function isPluginCommand(command: string): boolean {
  return PLUGINS.has(command.split(":")[0] ?? "");
}
