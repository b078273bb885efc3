/**
 * Stage C steps 18 and 24: semantic checks of resources, and consistency checks of the enabled
 * services (RULES.md Q3-Q8, Q15, D3, D5, H4, PR4). Every problem is a located diagnostic; the
 * checks run in sorted order so messages are predictable.
 */
import { diag, type DiagArgs, type DiagOptions, type Related } from "../diagnostics/mod.ts";
import type { YamlPath } from "../source/plain.ts";
import { isIpAddress } from "./_canonical.ts";
import type { LoadContext } from "./_context.ts";
import { spanAt } from "./_interp_tree.ts";
import { isObj, type Obj, scalarString, sortedKeys } from "./_util.ts";
import { didYouMean } from "./suggest.ts";

/** A did-you-mean hint for a reference to an undefined name, or `fallback`. */
function nearHint(name: string, defined: Obj, fallback?: string): { hint?: string } {
  const near = didYouMean(name, Object.keys(defined));
  if (near !== undefined) return { hint: `Did you mean "${near}"?` };
  return fallback === undefined ? {} : { hint: fallback };
}

function report(
  ctx: LoadContext,
  code: string,
  args: DiagArgs,
  path: YamlPath,
  extra: Omit<DiagOptions, "span" | "path"> = {},
): void {
  ctx.diagnostics.push(
    diag(code, args, { ...extra, span: spanAt(ctx.spans, path), path: path.join(".") }),
  );
}

const CREATION_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  networks: [
    "driver",
    "driver_opts",
    "ipam",
    "internal",
    "attachable",
    "enable_ipv4",
    "enable_ipv6",
  ],
  volumes: ["driver", "driver_opts"],
  secrets: ["file", "environment"],
  configs: ["file", "environment", "content"],
};

/** Step 18: resources that are external and also set creation attributes; secret sources. */
export function checkResources(ctx: LoadContext, model: Obj): void {
  for (const kind of ["networks", "volumes", "secrets", "configs"] as const) {
    const section = model[kind];
    if (!isObj(section)) continue;
    const singular = kind.slice(0, -1);
    for (const name of sortedKeys(section)) {
      const r = section[name];
      if (!isObj(r)) continue;
      if (r["external"] === true) {
        for (const attribute of CREATION_ATTRIBUTES[kind] ?? []) {
          if (r[attribute] !== undefined) {
            report(ctx, "DK2612", { attribute, kind: singular, name }, [kind, name, attribute]);
          }
        }
        continue;
      }
      if (kind === "secrets" || kind === "configs") {
        const choices = kind === "secrets"
          ? ["file", "environment"]
          : ["file", "environment", "content"];
        const set = choices.filter((c) => r[c] !== undefined);
        if (set.length !== 1) {
          report(ctx, "DK2613", {
            kind: singular === "secret" ? "Secret" : "Config",
            name,
            choices: [...choices, "external"].join("|"),
          }, [kind, name]);
        }
      }
    }
  }
}

/** `"dev"` or `"dev", "test"` (sorted), for messages. */
function profilesOf(service: unknown): string {
  const list = isObj(service) && Array.isArray(service["profiles"]) ? service["profiles"] : [];
  return list.map((p) => `"${scalarString(p)}"`).sort().join(" or ");
}

function firstProfile(service: unknown): string {
  const list = isObj(service) && Array.isArray(service["profiles"]) ? service["profiles"] : [];
  return [...list].map((p) => scalarString(p)).sort()[0] ?? "NAME";
}

const HEALTH_PREFIXES = new Set(["CMD", "CMD-SHELL", "NONE"]);

function declared(model: Obj, kind: string): Obj {
  const section = model[kind];
  return isObj(section) ? section : {};
}

/** Step 24: consistency of the enabled services (`disabled` still count as defined). */
export function checkServices(ctx: LoadContext, model: Obj, disabled: ReadonlySet<string>): void {
  const services = declared(model, "services");
  const networks = declared(model, "networks");
  const volumes = declared(model, "volumes");
  const secrets = declared(model, "secrets");
  const configs = declared(model, "configs");
  for (const name of sortedKeys(services)) {
    if (disabled.has(name)) continue;
    const s = services[name];
    if (!isObj(s)) continue;
    const at = (...rest: (string | number)[]): YamlPath => ["services", name, ...rest];
    const noImage = s["image"] === undefined || s["image"] === "";
    if (noImage && s["build"] === undefined && s["provider"] === undefined) {
      // `image: ${IMAGE}` with IMAGE unset is the usual way to get an empty image.
      const empty = s["image"] === ""
        ? {
          hint:
            "Its image: is empty, probably from a variable that is not set; set it, or add build: DIR",
        }
        : {};
      report(ctx, "DK2601", { service: name }, at(...(s["image"] === "" ? ["image"] : [])), empty);
    }
    if (s["network_mode"] !== undefined && s["networks"] !== undefined) {
      report(ctx, "DK2602", { service: name }, at("network_mode"));
    }
    if (isObj(s["networks"])) {
      for (const net of sortedKeys(s["networks"])) {
        if (networks[net] === undefined) {
          report(
            ctx,
            "DK2603",
            { service: name, name: net },
            at("networks", net),
            nearHint(net, networks),
          );
        }
      }
    }
    if (Array.isArray(s["volumes"])) {
      s["volumes"].forEach((v, i) => {
        if (
          isObj(v) && v["type"] === "volume" && typeof v["source"] === "string" &&
          volumes[v["source"]] === undefined
        ) {
          report(
            ctx,
            "DK2604",
            { service: name, name: v["source"] },
            at("volumes", i),
            nearHint(v["source"], volumes),
          );
        }
      });
    }
    for (
      const [key, code, table] of [["secrets", "DK2605", secrets], [
        "configs",
        "DK2606",
        configs,
      ]] as const
    ) {
      const grants = s[key];
      if (!Array.isArray(grants)) continue;
      grants.forEach((g, i) => {
        const source = isObj(g) ? g["source"] : undefined;
        if (typeof source === "string" && table[source] === undefined) {
          report(ctx, code, { service: name, name: source }, at(key, i), nearHint(source, table));
        }
      });
    }
    if (Array.isArray(s["ports"])) {
      s["ports"].forEach((p, i) => {
        const ip = isObj(p) ? p["host_ip"] : undefined;
        if (typeof ip === "string" && !isIpAddress(ip)) {
          report(ctx, "DK2617", { ip }, at("ports", i));
        }
      });
    }
    for (const key of ["network_mode", "ipc", "pid", "uts", "cgroup"]) {
      const value = s[key];
      if (typeof value === "string" && value.startsWith("service:")) {
        const target = value.slice("service:".length);
        if (services[target] === undefined) {
          report(
            ctx,
            "DK2615",
            { service: name, key, name: target },
            at(key),
            nearHint(target, services),
          );
        }
      }
    }
    if (isObj(s["depends_on"])) {
      const deps: Obj = s["depends_on"];
      for (const dep of sortedKeys(deps)) {
        const entry = deps[dep];
        const required = !(isObj(entry) && entry["required"] === false);
        if (services[dep] === undefined) {
          if (required) {
            report(
              ctx,
              "DK2607",
              { service: name, name: dep, state: "undefined" },
              at("depends_on", dep),
              nearHint(dep, services),
            );
          } else {
            report(ctx, "DK2616", { service: name, name: dep }, at("depends_on", dep));
            delete deps[dep];
          }
        } else if (disabled.has(dep) && required) {
          report(
            ctx,
            "DK2607",
            { service: name, name: dep, state: "disabled" },
            at(
              "depends_on",
              dep,
            ),
            {
              hint: `Service "${dep}" is only enabled by profile ${profilesOf(services[dep])}; ` +
                `activate it with --profile ${firstProfile(services[dep])}, or set required: false`,
            },
          );
        }
      }
    }
    const health = s["healthcheck"];
    if (isObj(health) && Array.isArray(health["test"]) && health["test"].length > 0) {
      const first = scalarString(health["test"][0]);
      if (!HEALTH_PREFIXES.has(first)) {
        report(ctx, "DK2609", { service: name, found: first }, at("healthcheck", "test"));
      }
    }
    const deploy = isObj(s["deploy"]) ? s["deploy"] : {};
    const replicas = deploy["replicas"];
    if (typeof s["scale"] === "number" && typeof replicas === "number" && s["scale"] !== replicas) {
      report(ctx, "DK2610", { service: name, scale: s["scale"], replicas }, at("scale"));
    }
    const count = typeof s["scale"] === "number"
      ? s["scale"]
      : typeof replicas === "number"
      ? replicas
      : 1;
    if (s["container_name"] !== undefined && count > 1) {
      report(ctx, "DK2611", { service: name, replicas: count }, at("container_name"));
    }
    const resources = isObj(deploy["resources"]) ? deploy["resources"] : {};
    const limits = isObj(resources["limits"]) ? resources["limits"] : {};
    const reservations = isObj(resources["reservations"]) ? resources["reservations"] : {};
    const pairs: [string, unknown, string, unknown][] = [
      ["cpus", s["cpus"], "deploy.resources.limits.cpus", limits["cpus"]],
      ["mem_limit", s["mem_limit"], "deploy.resources.limits.memory", limits["memory"]],
      [
        "mem_reservation",
        s["mem_reservation"],
        "deploy.resources.reservations.memory",
        reservations["memory"],
      ],
      ["pids_limit", s["pids_limit"], "deploy.resources.limits.pids", limits["pids"]],
    ];
    for (const [a, x, b, y] of pairs) {
      if (x !== undefined && y !== undefined && scalarString(x) !== scalarString(y)) {
        report(
          ctx,
          "DK2614",
          { service: name, a, b, x: scalarString(x), y: scalarString(y) },
          at(a),
        );
      }
    }
  }
  checkCycles(ctx, services, disabled);
}

/** D5: the first dependency cycle, searched in sorted order so the message is predictable. */
function checkCycles(ctx: LoadContext, services: Obj, disabled: ReadonlySet<string>): void {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const deps = (name: string): string[] => {
    const s = services[name];
    const d = isObj(s) ? s["depends_on"] : undefined;
    return isObj(d)
      ? sortedKeys(d).filter((x) => services[x] !== undefined && !disabled.has(x))
      : [];
  };
  const visit = (name: string): string[] | undefined => {
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of deps(name)) {
      const st = state.get(dep);
      if (st === "visiting") return [...stack.slice(stack.indexOf(dep)), dep];
      if (st === undefined) {
        const found = visit(dep);
        if (found !== undefined) return found;
      }
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const name of sortedKeys(services)) {
    if (disabled.has(name) || state.has(name)) continue;
    const cycle = visit(name);
    if (cycle !== undefined) {
      const first = cycle[0] ?? name;
      // Every other edge of the loop, located, so the user sees where each dependency is declared.
      const related: Related[] = [];
      for (let i = 1; i + 1 < cycle.length; i++) {
        const from = cycle[i] ?? "";
        const to = cycle[i + 1] ?? "";
        const span = spanAt(ctx.spans, ["services", from, "depends_on", to]);
        if (span !== undefined) {
          related.push({ message: `"${from}" depends on "${to}" here`, span });
        }
      }
      report(ctx, "DK2608", { cycle: cycle.join(" -> ") }, [
        "services",
        first,
        "depends_on",
        cycle[1] ?? "",
      ], { related });
      return;
    }
  }
}
