/**
 * The Dokku command surface as data, and a validator for dokku argv.
 *
 * Loads `../shared/dokku/commands.json` (relative to the repository root; Dokku 0.38's real
 * command surface, read from source) and checks any `["dokku", ...]` argv against it: the command
 * exists and is implemented, arguments are within the arity (variadic and `orFlag` aware), every
 * flag exists for that command, takes a value iff it should and sits where Dokku's parser for that
 * command accepts it, enum values, `:set` property keys, and naming rules.
 *
 * Used by compiler/runtime tests directly and by the `dokku` test double (which must not depend on
 * npm packages, so this module imports nothing but the JSON file).
 */

/** One flag of a command, as in commands.json. */
export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly takesValue: boolean;
  readonly values?: readonly string[];
  readonly valueHint?: string;
  readonly positional?: boolean;
  readonly oneOf?: readonly string[];
  readonly repeatable?: boolean;
  readonly required?: boolean;
  readonly exclusiveWith?: string;
  readonly source?: string;
  readonly type?: string;
}

/** One positional argument of a command. */
export interface ArgSpec {
  readonly name: string;
  readonly required: boolean;
  readonly variadic?: boolean;
  readonly orFlag?: string;
  readonly format?: string;
}

/** The property table of a `:set` command. */
export interface PropertiesSpec {
  readonly keys?: readonly string[];
  readonly globalKeys?: readonly string[] | string;
  readonly readOnlyKeys?: readonly string[];
  readonly documentedButRejected?: readonly string[];
  readonly valueRules?: Readonly<Record<string, string>>;
  readonly legacyForm?: string;
}

/** One command of commands.json, with where it came from. */
export interface CommandSpec {
  readonly command: string;
  readonly plugin: string;
  readonly namespace?: string;
  readonly args: readonly ArgSpec[];
  readonly flags: readonly FlagSpec[];
  readonly flagPlacement?: string;
  readonly implementation?: string;
  readonly status?: string;
  readonly readOnly: boolean;
  readonly properties?: PropertiesSpec;
  readonly exitCodes?: Readonly<Record<string, string>>;
  readonly infoFlags?: string;
  readonly rerun?: string;
  readonly idempotent?: string;
  readonly triggers?: readonly string[];
  /** `core`, `letsencrypt`, or `datastore` (then {@linkcode CommandSpec.datastore} is set). */
  readonly family: "core" | "datastore" | "letsencrypt";
  readonly datastore?: string;
}

/** The link rules and naming of one datastore plugin. */
export interface DatastoreSpec {
  readonly commandPrefix: string;
  readonly image: string;
  readonly defaultImageVersion: string;
  readonly ports: readonly number[];
  readonly link: {
    readonly envVar: string;
    readonly defaultAlias: string;
    readonly fallbackAliasPattern: string;
    readonly fallbackColors: readonly string[];
    readonly urlTemplate: string | { readonly default: string; readonly whenSchemeIsHttp: string };
    readonly scheme: string;
    readonly schemeOverrideVar: string;
  };
  readonly naming: { readonly serviceNameRegex: string };
  readonly unimplementedSubcommands: readonly string[];
}

interface RemovedCommand {
  readonly command: string;
  readonly lastSeen?: string;
  readonly replacement?: string;
}

interface CommandsJson {
  readonly appNameRules: { readonly create: string; readonly legacyExisting: string };
  readonly configKeyRule: string;
  readonly core: {
    readonly commands: readonly Omit<CommandSpec, "family">[];
    readonly removedCommands: readonly RemovedCommand[];
  };
  readonly datastores: Readonly<
    Record<string, DatastoreSpec & { readonly commands: readonly Omit<CommandSpec, "family">[] }>
  >;
  readonly letsencrypt: { readonly commands: readonly Omit<CommandSpec, "family">[] };
}

/** Where commands.json lives: `<repo>/../shared/dokku/commands.json`. */
export const COMMANDS_JSON_URL = new URL("../../../shared/dokku/commands.json", import.meta.url);

const RAW: CommandsJson = JSON.parse(Deno.readTextFileSync(COMMANDS_JSON_URL));

const COMMANDS: ReadonlyMap<string, CommandSpec> = (() => {
  const map = new Map<string, CommandSpec>();
  for (const c of RAW.core.commands) map.set(c.command, { ...c, family: "core" });
  for (const c of RAW.letsencrypt.commands) map.set(c.command, { ...c, family: "letsencrypt" });
  for (const [plugin, ds] of Object.entries(RAW.datastores)) {
    for (const c of ds.commands) {
      map.set(c.command, { ...c, family: "datastore", datastore: plugin });
    }
  }
  return map;
})();

const REMOVED: ReadonlyMap<string, RemovedCommand> = new Map(
  RAW.core.removedCommands.map((r) => [r.command, r]),
);

/** The regex a new app name must match (`apps:create`). */
export const APP_NAME_CREATE_RE = new RegExp(RAW.appNameRules.create);
/** The regex an existing (possibly legacy) app name matches. */
export const APP_NAME_LEGACY_RE = new RegExp(RAW.appNameRules.legacyExisting);
/** The regex a config key must match. */
export const CONFIG_KEY_RE = new RegExp(RAW.configKeyRule);

/** The spec of one command, or undefined when commands.json does not list it. */
export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.get(name);
}

/** All command names, sorted. */
export function commandNames(): string[] {
  // Sorted: map insertion order follows the JSON file, which callers must not rely on.
  return [...COMMANDS.keys()].sort();
}

/** True when commands.json marks the command read-only (reports, probes, lists). */
export function isReadOnlyCommand(name: string): boolean {
  return COMMANDS.get(name)?.readOnly === true;
}

/** The datastore plugin names, sorted. */
export function datastoreNames(): string[] {
  // Sorted for determinism; JSON object order is not a contract.
  return Object.keys(RAW.datastores).sort();
}

/** The link/naming rules of a datastore plugin. */
export function datastoreSpec(plugin: string): DatastoreSpec | undefined {
  return RAW.datastores[plugin];
}

/** Global flags Dokku strips when they lead the argv. */
export interface GlobalFlags {
  quiet: boolean;
  trace: boolean;
  force: boolean;
  noRestart: boolean;
  app?: string;
}

/** A valid argv, parsed. */
export interface ValidArgv {
  readonly ok: true;
  readonly command: string;
  readonly positionals: string[];
  /** Long flag name (with `--`) -> value; `true` for booleans; repeatable flags give `string[]`. */
  readonly flags: Record<string, string | true | string[]>;
  readonly globals: GlobalFlags;
  readonly spec: CommandSpec;
}

/** An invalid argv: why, and the exit code Dokku would give (2 for a Go pflag error). */
export interface InvalidArgv {
  readonly ok: false;
  readonly reason: string;
  readonly exit: 1 | 2;
}

export type ValidateResult = ValidArgv | InvalidArgv;

const DNS1123_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function fail(reason: string, exit: 1 | 2 = 1): InvalidArgv {
  return { ok: false, reason, exit };
}

/**
 * Validates a dokku argv (`argv[0] === "dokku"`) against commands.json. Never throws for bad
 * input.
 */
export function validateArgv(argv: readonly string[]): ValidateResult {
  if (argv[0] !== "dokku") {
    return fail(`argv must start with "dokku", got ${JSON.stringify(argv[0] ?? "")}`);
  }
  const globals: GlobalFlags = { quiet: false, trace: false, force: false, noRestart: false };
  let i = 1;
  for (; i < argv.length; i++) {
    const tok = argv[i]!;
    if (!tok.startsWith("--")) break;
    if (tok === "--quiet") globals.quiet = true;
    else if (tok === "--trace") globals.trace = true;
    else if (tok === "--force") globals.force = true;
    else if (tok === "--no-restart") globals.noRestart = true;
    else if (tok === "--app" || tok.startsWith("--app=")) {
      const value = tok === "--app" ? argv[++i] : tok.slice("--app=".length);
      if (value === undefined || value === "") return fail("global flag --app needs an app name");
      globals.app = value;
    } else {
      return fail(
        `${JSON.stringify(tok)} is not a global flag; expected one of --quiet, --trace, --force, ` +
          `--app <app>, --no-restart before the command`,
      );
    }
  }
  const command = argv[i];
  if (command === undefined) return fail("no command given");
  const tokens = argv.slice(i + 1);
  const spec = COMMANDS.get(command);
  if (spec === undefined) {
    const removed = REMOVED.get(command);
    if (removed !== undefined) {
      const last = removed.lastSeen === undefined ? "" : ` (last seen in ${removed.lastSeen})`;
      const use = removed.replacement === undefined ? "" : `; use \`${removed.replacement}\``;
      return fail(`\`${command}\` is not a dokku command: it was removed${last}${use}`);
    }
    const colon = command.indexOf(":");
    const ds = colon === -1 ? undefined : RAW.datastores[command.slice(0, colon)];
    if (ds?.unimplementedSubcommands.includes(command.slice(colon + 1)) === true) {
      return fail(`\`${command}\` is not implemented by the ${command.slice(0, colon)} plugin`);
    }
    return fail(`\`${command}\` is not a dokku command`);
  }
  if (spec.status === "not-implemented" || spec.status === "broken") {
    return fail(`\`${command}\` is ${spec.status} in Dokku 0.38 and must not be used`);
  }
  if (spec.family === "datastore") {
    const ds = RAW.datastores[spec.datastore!]!;
    const sub = command.slice(command.indexOf(":") + 1);
    if (ds.unimplementedSubcommands.includes(sub)) {
      return fail(`\`${command}\` is not implemented by the ${spec.datastore} plugin`);
    }
  }
  const parsed = spec.family === "datastore"
    ? parseDatastore(spec, tokens)
    : spec.implementation === "go"
    ? parseGo(spec, tokens)
    : parseBash(spec, tokens);
  if (!parsed.ok) return parsed;
  const { flags, order } = parsed;
  const positionals = parsed.positionals;
  if (globals.app !== undefined && spec.family === "core" && spec.args[0]?.name === "app") {
    positionals.unshift(globals.app);
  }
  return checkSemantics(spec, { positionals, flags, order, globals });
}

interface Parsed {
  readonly ok: true;
  readonly positionals: string[];
  readonly flags: Record<string, string | true | string[]>;
  /** Token kinds in argv order, to check where flags sat relative to positionals. */
  readonly order: ("flag" | "positional")[];
}

function findFlag(spec: CommandSpec, tok: string): FlagSpec | undefined {
  for (const f of spec.flags) {
    if (f.name === tok || f.short === tok) return f;
    if (f.oneOf?.includes(tok)) return { ...f, name: tok };
  }
  return undefined;
}

function hasFlag(spec: CommandSpec, name: string): boolean {
  return spec.flags.some((f) => f.name === name);
}

/** Report commands take one informational flag `--<plugin>-<key>` (or `--deployed`...). */
function isInfoFlag(spec: CommandSpec, tok: string): boolean {
  return spec.infoFlags !== undefined && /^--[a-z0-9][a-z0-9.-]*$/.test(tok);
}

function setFlag(
  flags: Record<string, string | true | string[]>,
  f: FlagSpec,
  value: string | true,
): void {
  if (f.repeatable === true && typeof value === "string") {
    const prev = flags[f.name];
    flags[f.name] = Array.isArray(prev) ? [...prev, value] : [value];
  } else {
    flags[f.name] = value;
  }
}

/** Go subcommands: pflag; flags anywhere (unless before-positionals), `--` ends flags. */
function parseGo(spec: CommandSpec, tokens: readonly string[]): Parsed | InvalidArgv {
  const positionals: string[] = [];
  const flags: Record<string, string | true | string[]> = {};
  const order: ("flag" | "positional")[] = [];
  const beforePositionals = spec.flagPlacement === "before-positionals";
  let endOfFlags = false;
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    if (endOfFlags || tok === "-" || !tok.startsWith("-")) {
      positionals.push(tok);
      order.push("positional");
      continue;
    }
    if (tok === "--") {
      endOfFlags = true;
      continue;
    }
    if (beforePositionals && positionals.length > 0) {
      const base = tok.split("=")[0]!;
      if (findFlag(spec, base) !== undefined) {
        return fail(
          `flag ${base} must come before the positional arguments of ${spec.command}; ` +
            `after them it is taken as a docker option`,
        );
      }
      positionals.push(tok);
      order.push("positional");
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (tok.startsWith("--")) {
      const eq = tok.indexOf("=");
      name = eq === -1 ? tok : tok.slice(0, eq);
      inline = eq === -1 ? undefined : tok.slice(eq + 1);
    } else {
      // pflag shorthand: `-n`, `-n10`, `-n=10`.
      name = tok.slice(0, 2);
      inline = tok.length > 2 ? tok.slice(tok[2] === "=" ? 3 : 2) : undefined;
    }
    const f = findFlag(spec, name);
    if (f === undefined) {
      if (isInfoFlag(spec, tok)) {
        if (Object.keys(flags).some((key) => isInfoFlag(spec, key) && !hasFlag(spec, key))) {
          return fail(`${spec.command} accepts a single informational flag, got a second ${tok}`);
        }
        flags[tok] = true;
        order.push("flag");
        continue;
      }
      if (tok.startsWith("--")) {
        return fail(`unknown flag: ${name} (flag ${name} is not a flag of ${spec.command})`, 2);
      }
      return fail(
        `unknown shorthand flag: '${tok.slice(1, 2)}' in ${tok} (a positional starting ` +
          `with "-" needs "--" before it in ${spec.command})`,
        2,
      );
    }
    order.push("flag");
    if (f.takesValue) {
      let value = inline;
      if (value === undefined) {
        value = tokens[k + 1];
        k++;
      }
      if (value === undefined) return fail(`flag needs an argument: ${f.name}`, 2);
      setFlag(flags, f, value);
    } else {
      if (inline !== undefined && inline !== "true" && inline !== "false") {
        return fail(`invalid argument "${inline}" for "${f.name}" flag: not a boolean`, 2);
      }
      if (inline !== "false") setFlag(flags, f, true);
    }
  }
  return { ok: true, positionals, flags, order };
}

/** Bash subcommands: only known flags are flags; `--` is an ordinary word. */
function parseBash(spec: CommandSpec, tokens: readonly string[]): Parsed | InvalidArgv {
  const positionals: string[] = [];
  const flags: Record<string, string | true | string[]> = {};
  const order: ("flag" | "positional")[] = [];
  const beforeApp = spec.flagPlacement === "before-app";
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    if (beforeApp && positionals.length > 0) {
      positionals.push(tok);
      order.push("positional");
      continue;
    }
    const eq = tok.startsWith("--") ? tok.indexOf("=") : -1;
    const name = eq === -1 ? tok : tok.slice(0, eq);
    const f = tok.startsWith("-") && tok !== "-" && tok !== "--" ? findFlag(spec, name) : undefined;
    // A `:set` value may start with "--" (`letsencrypt:set <app> lego-args --dns.resolvers=x`).
    const lead = flags["--global"] !== undefined ? 0 : 1;
    const isValue = spec.properties !== undefined && positionals.length >= lead + 1;
    if (f === undefined || (isValue && f.positional === true)) {
      if (tok.startsWith("--") && tok.length > 2 && !isValue) {
        if (isInfoFlag(spec, tok)) {
          flags[tok] = true;
          order.push("flag");
          continue;
        }
        if (spec.command === "letsencrypt:enable" && tok === "--all" && positionals.length === 0) {
          positionals.push(tok);
          order.push("positional");
          continue;
        }
        return fail(`flag ${name} is not a flag of ${spec.command}`);
      }
      if (tok === "--" && spec.properties !== undefined) {
        return fail(
          `${spec.command} is a bash command and does not understand "--"; it would be taken ` +
            `as a value`,
        );
      }
      positionals.push(tok);
      order.push("positional");
      continue;
    }
    order.push("flag");
    if (f.takesValue) {
      let value = eq === -1 ? undefined : tok.slice(eq + 1);
      if (value === undefined) {
        value = tokens[k + 1];
        k++;
      }
      if (value === undefined) return fail(`flag ${f.name} of ${spec.command} needs a value`);
      setFlag(flags, f, value);
    } else {
      if (eq !== -1) return fail(`flag ${f.name} of ${spec.command} takes no value`);
      setFlag(flags, f, true);
    }
  }
  return { ok: true, positionals, flags, order };
}

/**
 * Datastore plugins: the service (and app) are read positionally, then getopts parses the flags;
 * a word after the flags stops getopts and every later flag is silently ignored.
 */
function parseDatastore(spec: CommandSpec, tokens: readonly string[]): Parsed | InvalidArgv {
  const positionals: string[] = [];
  const flags: Record<string, string | true | string[]> = {};
  const order: ("flag" | "positional")[] = [];
  const required = spec.args.filter((a) => a.required).length;
  let inFlags = false;
  let lastBool: string | undefined;
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    const looksLikeFlag = tok.startsWith("-") && tok !== "-";
    if (!inFlags) {
      if (!looksLikeFlag) {
        positionals.push(tok);
        order.push("positional");
        continue;
      }
      if (positionals.length < required) {
        return fail(
          `flag ${tok} must come after the positional arguments of ${spec.command} ` +
            `(${synopsis(spec)}); the datastore plugin reads positionals first`,
        );
      }
      inFlags = true;
    }
    if (!looksLikeFlag) {
      const why = lastBool === undefined ? "" : `: flag ${lastBool} takes no value, and`;
      return fail(
        `unexpected argument ${
          JSON.stringify(tok)
        } after the flags of ${spec.command}${why} a word ` +
          `after the flags stops option parsing, so later flags would be silently ignored`,
      );
    }
    const f = findFlag(spec, tok);
    if (f === undefined) return fail(`flag ${tok} is not a flag of ${spec.command}`);
    order.push("flag");
    if (f.takesValue) {
      const value = tokens[k + 1];
      k++;
      if (value === undefined) return fail(`flag ${f.name} of ${spec.command} needs a value`);
      setFlag(flags, f, value);
      lastBool = undefined;
    } else {
      setFlag(flags, f, true);
      lastBool = tok;
    }
  }
  // `<ds>:destroy <svc> force` is accepted as the bare word form of --force.
  if (spec.command.endsWith(":destroy") && positionals.length === 2 && positionals[1] === "force") {
    positionals.pop();
    flags["--force"] = true;
  }
  return { ok: true, positionals, flags, order };
}

function synopsis(spec: CommandSpec): string {
  return spec.args
    .map((a) => {
      const base = a.orFlag === undefined ? `<${a.name}>` : `<${a.name}>|${a.orFlag}`;
      const body = a.variadic === true ? `${base}...` : base;
      return a.required ? body : `[${body}]`;
    })
    .join(" ");
}

interface CheckInput {
  positionals: string[];
  flags: Record<string, string | true | string[]>;
  order: ("flag" | "positional")[];
  globals: GlobalFlags;
}

function enumOf(f: FlagSpec): readonly string[] | undefined {
  if (f.values !== undefined) return f.values;
  if (f.valueHint !== undefined && /^[a-z-]+(\|[a-z-]+)+$/.test(f.valueHint)) {
    return f.valueHint.split("|");
  }
  return undefined;
}

function checkSemantics(spec: CommandSpec, input: CheckInput): ValidateResult {
  const { positionals, flags, globals } = input;
  const cmd = spec.command;
  // Flag values, exclusivity, required flags.
  for (const f of spec.flags) {
    const v = flags[f.name];
    if (v === undefined) {
      if (f.required === true && f.takesValue) return fail(`${cmd} requires flag ${f.name}`);
      continue;
    }
    const allowed = enumOf(f);
    if (allowed !== undefined) {
      for (const one of Array.isArray(v) ? v : [v]) {
        if (typeof one === "string" && !allowed.includes(one)) {
          return fail(
            `invalid value ${JSON.stringify(one)} for flag ${f.name} of ${cmd}; expected one of ` +
              allowed.join(", "),
          );
        }
      }
    }
    if (f.exclusiveWith !== undefined && flags[f.exclusiveWith] !== undefined) {
      return fail(`flags ${f.name} and ${f.exclusiveWith} of ${cmd} cannot be used together`);
    }
  }
  // Which leading argument a flag replaces (`--global`, `--all`, ...).
  const satisfied = new Set<number>();
  // An argument with an `orFlag` (`<app>|--global`, `[--all|<app>]`) needs one of the two;
  // reports are the exception (no app means every app).
  const isReport = cmd === "report" || cmd.endsWith(":report");
  const required = spec.args.map((a) =>
    a.required || (!isReport && a.orFlag !== undefined && a.orFlag !== "-")
  );
  spec.args.forEach((a, idx) => {
    if (a.orFlag !== undefined && a.orFlag !== "-" && flags[a.orFlag] !== undefined) {
      satisfied.add(idx);
    }
  });
  const first = spec.args[0];
  if (
    first !== undefined && (first.name === "app" || first.name === "service") &&
    ((flags["--global"] !== undefined && hasFlag(spec, "--global")) ||
      (flags["--all"] !== undefined && hasFlag(spec, "--all")))
  ) {
    satisfied.add(0);
  }
  // A bash flag that stands in for the app must sit where the app would be.
  for (const f of spec.flags) {
    if (f.positional === true && flags[f.name] !== undefined) {
      const firstFlag = input.order.indexOf("flag");
      const firstPos = input.order.indexOf("positional");
      if (firstPos !== -1 && firstPos < firstFlag) {
        return fail(`${f.name} replaces the <app> argument of ${cmd} and must come first`);
      }
    }
  }
  const open = spec.args.filter((_, idx) => !satisfied.has(idx));
  let min = spec.args.filter((_, idx) => !satisfied.has(idx) && required[idx]).length;
  let max = open.some((a) => a.variadic === true) ? Infinity : open.length;
  if (spec.properties?.legacyForm !== undefined) {
    // Both forms: `<app> <legacy-value>` and `<app> <key> [<value>]`.
    const lead = satisfied.has(0) ? 0 : 1;
    min = lead + 1;
    max = lead + 2;
  }
  if (positionals.length < min) {
    return fail(
      `${cmd} needs ${min} argument${min === 1 ? "" : "s"} (${synopsis(spec)}), got ` +
        `${positionals.length}`,
    );
  }
  if (positionals.length > max) {
    return fail(
      `${cmd} takes at most ${max} argument${max === 1 ? "" : "s"} (${synopsis(spec)}), got ` +
        `${positionals.length}: ${JSON.stringify(positionals)}`,
    );
  }
  const isGlobal = satisfied.has(0) && flags["--global"] !== undefined;
  const app = satisfied.has(0) ? undefined : positionals[0];
  // Property keys of `:set` commands.
  if (spec.properties !== undefined && cmd.endsWith(":set")) {
    const keyIdx = satisfied.has(0) ? 0 : 1;
    const checked = checkProperty(spec, {
      key: positionals[keyIdx],
      values: positionals.slice(keyIdx + 1),
      isGlobal,
    });
    if (checked !== undefined) return checked;
  }
  const named = checkNames(spec, { positionals, flags, app, isGlobal });
  if (named !== undefined) return named;
  return { ok: true, command: cmd, positionals, flags, globals, spec };
}

function keyMatches(list: readonly string[], key: string): boolean {
  return list.some((k) => k.endsWith("*") ? key.startsWith(k.slice(0, -1)) : k === key);
}

function valueRule(rule: string): RegExp | undefined {
  if (rule === "integer") return /^\d+$/;
  const head = rule.split(" ")[0]!;
  if (!head.includes("|")) return undefined;
  const alts = head.split("|").map((alt) =>
    alt.replace(/[.*+?^${}()[\]\\]/g, "\\$&").replace(/<N>/g, "\\d+")
  );
  return new RegExp(`^(?:${alts.join("|")})$`);
}

function checkProperty(
  spec: CommandSpec,
  input: { key: string | undefined; values: string[]; isGlobal: boolean },
): InvalidArgv | undefined {
  const props = spec.properties!;
  const { key, values, isGlobal } = input;
  if (key === undefined) return undefined;
  const keys = props.keys ?? [];
  if (props.readOnlyKeys?.includes(key) === true) {
    return fail(`property ${JSON.stringify(key)} of ${spec.command} is read-only`);
  }
  if (!keyMatches(keys, key)) {
    if (props.legacyForm !== undefined && values.length === 0) return undefined;
    return fail(
      `${JSON.stringify(key)} is not a valid property of ${spec.command}; expected one of ` +
        keys.join(", "),
    );
  }
  if (isGlobal) {
    const g = props.globalKeys;
    const all = g === "all" || (Array.isArray(g) && g.some((k) => k.startsWith("${")));
    if (!all && !keyMatches(Array.isArray(g) ? g : [], key)) {
      return fail(`property ${JSON.stringify(key)} of ${spec.command} cannot be set with --global`);
    }
  }
  const rule = props.valueRules?.[key];
  const re = rule === undefined ? undefined : valueRule(rule);
  if (re !== undefined && values.length > 0) {
    for (const v of values) {
      if (!re.test(v)) {
        return fail(
          `invalid value ${JSON.stringify(v)} for property ${
            JSON.stringify(key)
          } of ${spec.command}; expected ${rule}`,
        );
      }
    }
  }
  if (spec.command === "network:set" && key.startsWith("attach-")) {
    const bad = values.find((v) => v === "host" || v === "bridge");
    if (bad !== undefined) {
      return fail(`network ${JSON.stringify(bad)} cannot be used for ${key}`);
    }
  }
  return undefined;
}

/** Checks a storage entry name (0.38 named storage). */
export function storageEntryNameProblem(name: string): string | undefined {
  if (!DNS1123_LABEL_RE.test(name)) return "must be a DNS-1123 label (lowercase, digits, -)";
  if (name.length > 45) return "must be at most 45 characters";
  if (name.startsWith("legacy-")) return `must not start with "legacy-"`;
  return undefined;
}

function checkNames(
  spec: CommandSpec,
  input: {
    positionals: string[];
    flags: Record<string, string | true | string[]>;
    app: string | undefined;
    isGlobal: boolean;
  },
): InvalidArgv | undefined {
  const { positionals, flags, app } = input;
  const cmd = spec.command;
  if (cmd === "apps:create" && app !== undefined && !APP_NAME_CREATE_RE.test(app)) {
    return fail(
      `invalid app name ${JSON.stringify(app)}: app names must match ${RAW.appNameRules.create}`,
    );
  }
  const rest = app === undefined ? positionals : positionals.slice(1);
  if (cmd === "config:set") {
    for (const pair of rest) {
      const eq = pair.indexOf("=");
      if (eq <= 0) {
        return fail(`config:set expects KEY=VALUE pairs, got ${JSON.stringify(pair)}`);
      }
      const key = pair.slice(0, eq);
      if (!CONFIG_KEY_RE.test(key)) {
        return fail(
          `invalid config key ${JSON.stringify(key)}: keys must match ${RAW.configKeyRule}`,
        );
      }
    }
  }
  if (cmd === "config:unset") {
    for (const key of rest) {
      if (!CONFIG_KEY_RE.test(key)) {
        return fail(
          `invalid config key ${JSON.stringify(key)}: keys must match ${RAW.configKeyRule}`,
        );
      }
    }
  }
  if (spec.family === "datastore" && spec.args[0]?.name === "service") {
    const svc = positionals[0];
    const rule = RAW.datastores[spec.datastore!]!.naming.serviceNameRegex;
    if (svc !== undefined && !new RegExp(rule).test(svc)) {
      return fail(
        `invalid ${spec.datastore} service name ${JSON.stringify(svc)}: must match ${rule}`,
      );
    }
  }
  if (cmd === "storage:create" || cmd === "storage:destroy" || cmd === "storage:info") {
    const name = positionals[0];
    const problem = name === undefined ? undefined : storageEntryNameProblem(name);
    if (problem !== undefined) {
      return fail(`invalid storage entry name ${JSON.stringify(name)}: ${problem}`);
    }
  }
  if (cmd === "storage:mount" || cmd === "storage:unmount") {
    const target = positionals[1];
    if (target !== undefined && !target.includes(":") && !target.startsWith("/")) {
      const problem = storageEntryNameProblem(target);
      if (problem !== undefined) {
        return fail(`invalid storage entry name ${JSON.stringify(target)}: ${problem}`);
      }
      if (cmd === "storage:mount" && flags["--container-dir"] === undefined) {
        return fail(
          `storage:mount of the named entry ${JSON.stringify(target)} needs --container-dir`,
        );
      }
    }
  }
  if (cmd === "ports:set" || cmd === "ports:add") {
    for (const map of rest) {
      if (!/^[a-z][a-z0-9]*:\d+:\d+$/.test(map)) {
        return fail(
          `invalid port map ${JSON.stringify(map)}: expected scheme:host-port:container-port`,
        );
      }
    }
  }
  if (cmd === "ports:remove") {
    for (const map of rest) {
      if (!/^([a-z][a-z0-9]*:\d+:\d+|\d+)$/.test(map)) {
        return fail(
          `invalid port map ${JSON.stringify(map)}: expected scheme:host-port:container-port or ` +
            `a host port`,
        );
      }
    }
  }
  if (cmd === "ps:scale") {
    for (const tuple of rest) {
      if (!/^[A-Za-z0-9_-]+=\d+$/.test(tuple)) {
        return fail(`invalid scale ${JSON.stringify(tuple)}: expected <process-type>=<count>`);
      }
    }
  }
  if (cmd === "docker-options:add" || cmd === "docker-options:remove") {
    const phases = positionals[1];
    if (phases !== undefined && flags["--process"] !== undefined && phases !== "deploy") {
      return fail(
        `--process of ${cmd} is only valid for the deploy phase, got ${JSON.stringify(phases)}`,
      );
    }
    if (phases !== undefined) {
      for (const phase of phases.split(",")) {
        if (!["build", "deploy", "run"].includes(phase)) {
          return fail(
            `invalid phase ${JSON.stringify(phase)} for ${cmd}; expected a comma list of ` +
              `build, deploy, run`,
          );
        }
      }
    }
  }
  return undefined;
}
