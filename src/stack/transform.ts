/**
 * The Stack transform: canonical compose model -> `stack/v1`. Pure and synchronous.
 *
 * Order: classify services (apps / datastores), name them, build the service graph, decide
 * networks and storage, then build datastores, apps (config, secrets, links, rewrites), and
 * finally report every compose key the table says is not converted. Warnings are DK4xxx
 * diagnostics located at their compose key; `strict` turns them into errors.
 */
import type { LoadedProject } from "../compose/types.ts";
import { didYouMean } from "../compose/suggest.ts";
import {
  type Diagnostic,
  sortDiagnostics,
  strict as strictDiagnostics,
} from "../diagnostics/mod.ts";
import { buildGraph, type GraphEdge, HostIndex } from "../graph/mod.ts";
import {
  type Stack,
  STACK_VERSION,
  type StackApp,
  type StackDatastore,
  type StackLink,
  type StackMount,
  type StackNetwork,
  type StackStorage,
} from "./model.ts";
import { cmp, Context, isSet } from "./_context.ts";
import { buildDatastore, reportDatastoreDeploy } from "./_datastore.ts";
import { PLUGIN_NAMES, pluginForImage, type PluginInfo, pluginInfo } from "./_datastores.ts";
import { buildConfig, type Target } from "./_env_rewrite.ts";
import { type ImageRef, parseImageRef } from "./_image.ts";
import { MAPPING, type MappingRule } from "./_mapping.ts";
import {
  APP_NAME,
  appName,
  datastoreHostname,
  datastoreName,
  networkName,
  storageName,
} from "./_naming.ts";
import { sha256Hex, sha256HexAsync } from "../hash/mod.ts";
import {
  appHealthchecks,
  appPorts,
  appResources,
  appRestart,
  appStartCommand,
  DEFAULT_PROCESS,
  deploySource,
  relativePath,
  replicas,
} from "./_app.ts";
import { readXDokku, type XDokku } from "./_xdokku.ts";

/** Options of {@linkcode transformToStack}. */
export interface TransformOptions {
  /** Turn mapping warnings into errors (`--strict`): the Stack is then not produced. */
  readonly strict?: boolean;
  /** The mapping table (default: {@linkcode MAPPING}); tests pass a modified one. */
  readonly mapping?: readonly MappingRule[];
  /**
   * `inputChecksum(project.inputs)`, when the caller has it already (`compileProject` computes
   * it natively with {@linkcode inputChecksumAsync}, while the transform module loads).
   */
  readonly inputChecksum?: string;
}

/** The Stack (absent when there are errors) and every diagnostic found, sorted. */
export interface TransformResult {
  readonly stack?: Stack;
  readonly diagnostics: readonly Diagnostic[];
}

/** Dokku's storage directory: bind mounts outside it are reported. */
export const DOKKU_STORAGE_DIR = "/var/lib/dokku/data/storage";

/**
 * `sha256:<hex>` over the input files: for each file sorted by path, its project-relative path,
 * a NUL byte, its text, and a NUL byte (so file boundaries cannot shift), UTF-8 encoded.
 */
export function inputChecksum(inputs: LoadedProject["inputs"]): string {
  return `sha256:${sha256Hex(checksumInput(inputs))}`;
}

/**
 * {@linkcode inputChecksum}, computed natively by Web Crypto: in a cold process the JavaScript
 * SHA-256 of a small project costs ~1.5 ms of interpreted code, the native one a fraction.
 */
export async function inputChecksumAsync(inputs: LoadedProject["inputs"]): Promise<string> {
  return `sha256:${await sha256HexAsync(checksumInput(inputs))}`;
}

function checksumInput(inputs: LoadedProject["inputs"]): Uint8Array {
  const parts: string[] = [];
  // Sorted by path: the loader's read order must not change the checksum.
  for (const file of [...inputs].sort((a, b) => cmp(a.path, b.path))) {
    parts.push(file.path, "\0", file.text, "\0");
  }
  return new TextEncoder().encode(parts.join(""));
}

interface Classified {
  readonly service: string;
  readonly x: XDokku;
  readonly ref: ImageRef | undefined;
  readonly plugin: PluginInfo | undefined;
}

function classify(ctx: Context, service: string): Classified {
  const svc = ctx.service(service);
  const x = readXDokku(ctx, service);
  let ref: ImageRef | undefined;
  if (typeof svc.image === "string") {
    const parsed = parseImageRef(svc.image);
    if (parsed.ok) ref = parsed.ref;
    else {
      ctx.report("DK4012", { image: svc.image, service, reason: parsed.reason }, [
        "services",
        service,
        "image",
      ]);
    }
  }
  if (x.app === true) return { service, x, ref, plugin: undefined };
  if (x.datastore !== undefined) {
    const info = pluginInfo(x.datastore);
    if (info === undefined) {
      ctx.report("DK4013", {
        plugin: x.datastore,
        service,
        expected: PLUGIN_NAMES.map((p) => `'${p}'`).join(", "),
      }, ["services", service, "x-dokku", "datastore"]);
      return { service, x, ref, plugin: undefined };
    }
    if (svc.image === undefined) {
      ctx.report("DK4015", { service }, ["services", service]);
    }
    return { service, x, ref, plugin: info };
  }
  if (ref !== undefined && svc.build === undefined) {
    return { service, x, ref, plugin: pluginForImage(ref) };
  }
  return { service, x, ref, plugin: undefined };
}

/** Reports names two services share; returns the names that are taken once. */
function checkCollisions(
  ctx: Context,
  kind: string,
  entries: readonly { service: string; name: string; path: readonly (string | number)[] }[],
): void {
  const first = new Map<string, { service: string; path: readonly (string | number)[] }>();
  for (const e of entries) {
    const prior = first.get(e.name);
    if (prior === undefined) {
      first.set(e.name, e);
      continue;
    }
    ctx.report(
      "DK4020",
      { first: prior.service, second: e.service, kind, name: e.name },
      e.path,
      ctx.related(`'${prior.service}' is defined here`, prior.path),
    );
  }
}

function networkKeys(ctx: Context, service: string): string[] {
  const svc = ctx.service(service);
  if (typeof svc.network_mode === "string") return [];
  if (svc.networks === undefined) return ["default"];
  return Object.keys(svc.networks).sort(cmp);
}

const SECURITY_HANDLED = new Set(["cap_add", "privileged", "pid", "ipc", "network_mode"]);

function securityLints(ctx: Context, service: string): void {
  const svc = ctx.service(service);
  const base = ["services", service];
  if (svc.privileged === true) ctx.report("DK4050", { service }, [...base, "privileged"]);
  if (Array.isArray(svc.cap_add) && svc.cap_add.length > 0) {
    const caps = [...svc.cap_add].map(String).sort(cmp).map((c) => `'${c}'`).join(", ");
    ctx.report("DK4051", { service, caps }, [...base, "cap_add"]);
  }
  if (svc.network_mode === "host") ctx.report("DK4052", { service }, [...base, "network_mode"]);
  else if (typeof svc.network_mode === "string" && svc.network_mode !== "bridge") {
    ctx.report("DK4065", { mode: svc.network_mode, service }, [...base, "network_mode"]);
  }
  if (svc.pid === "host") ctx.report("DK4053", { service }, [...base, "pid"]);
  if (svc.ipc === "host") ctx.report("DK4054", { service }, [...base, "ipc"]);
  for (const key of ["pid", "ipc"] as const) {
    const v = svc[key];
    if (isSet(v) && v !== "host") {
      ctx.report("DK4001", {
        key,
        service,
        reason: "Dokku does not share namespaces between apps",
      }, [...base, key]);
    }
  }
  (svc.volumes ?? []).forEach((m, i) => {
    if (m.type === "bind" && m.source !== undefined && /(^|\/)docker\.sock$/.test(m.source)) {
      ctx.report("DK4055", { service, path: m.source }, [...base, "volumes", i]);
    }
  });
}

/** Every key of the service the table does not convert, reported once. */
function reportKeys(
  ctx: Context,
  service: string,
  datastore: PluginInfo | undefined,
  table: ReadonlyMap<string, MappingRule>,
): void {
  const svc = ctx.service(service);
  for (const key of Object.keys(svc).sort(cmp)) {
    if (key.startsWith("x-") || !isSet(svc[key])) continue;
    const rule = table.get(key);
    const path = ["services", service, key];
    if (rule === undefined) {
      const near = didYouMean(key, [...table.keys()]);
      ctx.bag.add("DK4003", { key, service }, {
        span: ctx.sources.get(path),
        path: path.join("."),
        ...(near === undefined ? {} : { hint: `Did you mean '${near}'?` }),
      });
      continue;
    }
    if (datastore !== undefined) {
      if (rule.datastore === "ignored" && !SECURITY_HANDLED.has(key)) {
        ctx.report("DK4004", {
          key,
          service,
          plugin: datastore.plugin,
          reason: rule.datastoreReason,
        }, path);
      }
      continue;
    }
    if (rule.status === "ignored" && !rule.handled) {
      ctx.report("DK4001", { key, service, reason: rule.reason }, path);
    }
  }
}

const NETWORK_OPTIONS: Readonly<Record<string, string>> = {
  driver: "Dokku creates bridge networks",
  driver_opts: "Dokku creates networks without driver options",
  ipam: "Dokku networks assign addresses themselves",
  internal: "Dokku networks are not internal; apps can reach the outside",
  attachable: "Dokku attaches containers itself",
  enable_ipv4: "Dokku creates networks with the docker defaults",
  enable_ipv6: "Dokku creates networks with the docker defaults",
  labels: "Dokku creates networks without labels",
};

const VOLUME_OPTIONS: Readonly<Record<string, string>> = {
  driver: "Dokku storage entries are host directories",
  driver_opts: "Dokku storage entries are host directories",
  labels: "Dokku storage entries have no labels",
};

/** Options of top-level networks and volumes that Dokku does not use, reported. */
function reportResources(ctx: Context): void {
  const groups = [
    ["networks", "network", NETWORK_OPTIONS, "bridge"],
    ["volumes", "volume", VOLUME_OPTIONS, "local"],
  ] as const;
  for (const [top, kind, options, defaultDriver] of groups) {
    const defs = ctx.model[top] ?? {};
    for (const name of Object.keys(defs).sort(cmp)) {
      const def = defs[name];
      if (def === undefined || def === null || def.external === true) continue;
      for (const key of Object.keys(options)) {
        const value = def[key];
        if (!isSet(value) || (key === "driver" && value === defaultDriver)) continue;
        if (key === "enable_ipv4" && value === true) continue;
        if (
          (key === "internal" || key === "attachable" || key === "enable_ipv6") && value === false
        ) {
          continue;
        }
        ctx.report("DK4068", { key, kind, name, reason: options[key]! }, [top, name, key]);
      }
    }
  }
}

/** Compiles a loaded compose project into a Stack. */
export function transformToStack(
  project: LoadedProject,
  options: TransformOptions = {},
): TransformResult {
  const ctx = new Context(project);
  const model = project.model;
  const table = new Map((options.mapping ?? MAPPING).map((r) => [r.key, r]));
  const services = Object.keys(model.services).sort(cmp);
  const projectName = model.name;
  if (!APP_NAME.test(appName(projectName, "x")) || appName(projectName, "") === "") {
    ctx.bag.add("DK4023", { project: projectName }, { span: project.sources.get(["name"]) });
  }

  // 1. Classify and name.
  const classified = services.map((s) => classify(ctx, s));
  const datastores = classified.filter((c) => c.plugin !== undefined);
  const apps = classified.filter((c) => c.plugin === undefined);
  const dsNames = new Map(
    datastores.map((c) => [c.service, datastoreName(projectName, c.service)]),
  );
  const appNames = new Map(apps.map((c) => [c.service, appName(projectName, c.service)]));
  checkCollisions(
    ctx,
    "app",
    apps.map((c) => ({
      service: c.service,
      name: appNames.get(c.service)!,
      path: ["services", c.service],
    })),
  );
  checkCollisions(
    ctx,
    "datastore",
    datastores.map((c) => ({
      service: c.service,
      name: datastoreHostname(c.plugin!.plugin, dsNames.get(c.service)!),
      path: ["services", c.service],
    })),
  );

  // 2. The service graph.
  const g = buildGraph(model, {
    sources: project.sources,
    datastores: new Set(datastores.map((c) => c.service)),
  });
  ctx.bag.push(...g.diagnostics);
  const edgesFrom = new Map<string, GraphEdge[]>(services.map((s) => [s, []]));
  for (const e of g.graph.edges) edgesFrom.get(e.from)!.push(e);
  const dependsOn = (s: string) => [...new Set(edgesFrom.get(s)!.map((e) => e.to))].sort(cmp);

  // 3. Networks: kept when external or shared by two or more services.
  const members = new Map<string, string[]>();
  for (const s of services) {
    for (const key of networkKeys(ctx, s)) {
      if (!members.has(key)) members.set(key, []);
      members.get(key)!.push(s);
    }
  }
  const networks: StackNetwork[] = [];
  const netName = new Map<string, string>();
  for (const key of [...members.keys()].sort(cmp)) {
    const def = model.networks?.[key];
    const external = def?.external === true;
    if (!external && members.get(key)!.length < 2) continue;
    const name = networkName(def?.name ?? `${projectName}_${key}`);
    netName.set(key, name);
    networks.push({
      key,
      name,
      external,
      source: ctx.ref(def === undefined ? ["services"] : ["networks", key]),
    });
  }
  checkCollisions(
    ctx,
    "network",
    networks.map((n) => ({ service: n.key, name: n.name, path: ["networks", n.key] })),
  );
  const serviceNetworks = (s: string) =>
    networkKeys(ctx, s).map((k) => netName.get(k)).filter((n): n is string => n !== undefined)
      .sort(cmp);

  // 4. Where each service is reached on Dokku.
  // `web` for every app: an image or a Dockerfile without a Procfile has exactly one process
  // type, `web`, which runs the image's CMD; a service without ports is still `web`, with the
  // proxy disabled. `x-dokku.process` names a Procfile type the image or context ships.
  const processOf = new Map(apps.map((c) => [c.service, c.x.process ?? DEFAULT_PROCESS]));
  const targets = new Map<string, Target>();
  for (const c of datastores) {
    const name = dsNames.get(c.service)!;
    targets.set(c.service, {
      kind: "datastore",
      plugin: c.plugin!.plugin,
      name,
      hostname: datastoreHostname(c.plugin!.plugin, name),
    });
  }
  for (const c of apps) {
    const name = appNames.get(c.service)!;
    targets.set(c.service, { kind: "app", name, host: `${name}.${processOf.get(c.service)}` });
  }

  // 5. Datastores.
  const secrets = new Set<string>();
  const stackDatastores: StackDatastore[] = datastores.map((c) => {
    reportDatastoreDeploy(ctx, c.service, c.plugin!.plugin);
    const name = dsNames.get(c.service)!;
    return buildDatastore(ctx, {
      service: c.service,
      info: c.plugin!,
      ref: c.ref,
      x: c.x,
      name,
      hostname: datastoreHostname(c.plugin!.plugin, name),
      networks: serviceNetworks(c.service),
      dependsOn: dependsOn(c.service),
    }, secrets);
  });

  // 6. Storage, from the apps' mounts.
  const storage = new Map<string, StackStorage>();
  const mountsOf = (service: string): StackMount[] => {
    const svc = ctx.service(service);
    const out: StackMount[] = [];
    (svc.volumes ?? []).forEach((m, i) => {
      const path = ["services", service, "volumes", i];
      let entry: StackStorage | undefined;
      if (m.type === "volume" && m.source !== undefined) {
        const def = model.volumes?.[m.source];
        const name = storageName(def?.name ?? `${projectName}_${m.source}`);
        entry = {
          key: m.source,
          name,
          external: def?.external === true,
          chown: "root",
          source: ctx.ref(def === undefined ? path : ["volumes", m.source]),
        };
        if (entry.external) {
          entry = { key: m.source, name, external: true, source: entry.source };
        }
      } else if (m.type === "bind" && m.source !== undefined) {
        const dir = project.projectDir.replace(/\/+$/, "");
        const looksLikeFile = (p: string) => /[^/]\.[A-Za-z0-9]{1,8}$/.test(p);
        if (
          (m.source === dir || m.source.startsWith(`${dir}/`)) && looksLikeFile(m.source) &&
          looksLikeFile(m.target)
        ) {
          ctx.report("DK4042", {
            what: `File bind mount './${relativePath(dir, m.source)}'`,
            target: m.target,
            service,
            reason:
              "Dokku storage entries are directories; copy the file into the image, or pass its content as a config var",
          }, path);
          return;
        }
        if (m.source === dir || m.source.startsWith(`${dir}/`)) {
          const rel = relativePath(dir, m.source);
          const key = rel === "." ? "." : `./${rel}`;
          const name = storageName(`${projectName}-${rel === "." ? "project" : rel}`);
          entry = { key, name, external: false, chown: "root", source: ctx.ref(path) };
          ctx.report("DK4041", { path: key, service, name }, path);
        } else {
          const name = storageName(`${projectName}${m.source.replace(/[/.]+/g, "-")}`);
          entry = {
            key: m.source,
            name,
            hostPath: m.source,
            external: false,
            source: ctx.ref(path),
          };
          const inStorage = m.source.startsWith(`${DOKKU_STORAGE_DIR}/`);
          if (!inStorage && !/(^|\/)docker\.sock$/.test(m.source)) {
            ctx.report("DK4040", { path: m.source, service }, path);
          }
        }
      } else {
        const what = m.type === "volume" ? "Anonymous volume" : `${m.type} mount`;
        ctx.report("DK4042", {
          what,
          target: m.target,
          service,
          reason: m.type === "volume" || m.type === "tmpfs"
            ? "Its data is lost when Dokku replaces the container; use a named volume to keep it"
            : "Dokku mounts storage entries and host paths only",
        }, path);
        return;
      }
      const prior = storage.get(entry.name);
      if (prior === undefined) {
        storage.set(entry.name, entry);
      } else if (prior.key !== entry.key) {
        ctx.report("DK4022", {
          first: prior.key,
          second: entry.key,
          kind: "storage entry",
          name: entry.name,
        }, path);
        return;
      }
      if (m.type === "volume" && m.volume?.nocopy === true) {
        ctx.report("DK4067", {
          key: `volumes.${i}.volume.nocopy`,
          service,
          what: "storage entries always start empty",
          reason: "Remove 'nocopy'; the image's files at the mount point are hidden either way",
        }, [...path, "volume", "nocopy"]);
      }
      const mount: { -readonly [K in keyof StackMount]: StackMount[K] } = {
        storage: entry.name,
        containerDir: m.target,
        readOnly: m.read_only === true,
        source: ctx.ref(path),
      };
      if (m.volume?.subpath !== undefined) mount.subpath = m.volume.subpath;
      out.push(mount);
    });
    const tmpfs = svc.tmpfs;
    if (isSet(tmpfs)) {
      const list = Array.isArray(tmpfs) ? tmpfs.map(String) : [String(tmpfs)];
      for (const target of list) {
        ctx.report("DK4042", {
          what: "tmpfs mount",
          target,
          service,
          reason: "Dokku does not create tmpfs mounts; add '--tmpfs' with docker-options yourself",
        }, ["services", service, "tmpfs"]);
      }
    }
    return out.sort((a, b) => cmp(a.containerDir, b.containerDir));
  };

  // 7. Apps.
  const hostIndex = new HostIndex(model);
  const stackApps: StackApp[] = [];
  const links: StackLink[] = [];
  for (const c of apps) {
    const service = c.service;
    const svc = ctx.service(service);
    const base = ["services", service];
    const name = appNames.get(service)!;
    const deploy = deploySource(ctx, service, c.x);
    const ports = appPorts(ctx, service, c.x);
    const conf = buildConfig(ctx, {
      service,
      app: name,
      x: c.x,
      hosts: hostIndex.of(service),
      targets,
      edges: edgesFrom.get(service)!,
    }, secrets);
    links.push(...conf.links);
    const process = processOf.get(service)!;
    const app: { -readonly [K in keyof StackApp]: StackApp[K] } = {
      service,
      name,
      deploy,
      config: conf.config,
      secretConfig: conf.secretConfig,
      ports,
      proxy: ports.length > 0,
      mounts: mountsOf(service),
      networks: serviceNetworks(service),
      process,
      processes: { [process]: replicas(ctx, service) },
      resources: appResources(ctx, service),
      domains: [...(c.x.domains ?? [])].sort(cmp),
      letsencrypt: c.x.letsencrypt === true,
      dependsOn: dependsOn(service),
      source: ctx.ref(base),
    };
    const restart = appRestart(ctx, service);
    if (restart !== undefined) app.restartPolicy = restart;
    const start = appStartCommand(ctx, service);
    if (start !== undefined) app.startCommand = start;
    const checks = appHealthchecks(ctx, service, deploy.kind);
    if (checks !== undefined) {
      app.healthchecks = checks;
      app.healthcheckSource = ctx.ref([...base, "healthcheck"]);
    }
    if (app.letsencrypt && app.domains.length === 0) {
      ctx.report("DK4070", { service }, [...base, "x-dokku", "letsencrypt"]);
    }
    if (app.letsencrypt && !ports.some((p) => p.scheme === "http" || p.scheme === "https")) {
      ctx.report("DK4073", { service }, [...base, "x-dokku", "letsencrypt"]);
    }
    for (
      const [dep, spec] of Object.entries(svc.depends_on ?? {}).sort((a, b) => cmp(a[0], b[0]))
    ) {
      if (spec.condition !== "service_started") {
        ctx.report("DK4063", { service, target: dep, condition: spec.condition }, [
          ...base,
          "depends_on",
          dep,
        ]);
      }
    }
    (svc.volumes_from ?? []).forEach((v, i) => {
      ctx.report("DK4067", {
        key: `volumes_from.${i}`,
        service,
        what: `the volumes of '${v}' are not mounted (it only orders setup)`,
        reason: "Mount the same named volumes explicitly",
      }, [...base, "volumes_from", i]);
    });
    for (const [net, spec] of Object.entries(svc.networks ?? {}).sort((a, b) => cmp(a[0], b[0]))) {
      for (const key of ["ipv4_address", "ipv6_address", "mac_address", "link_local_ips"]) {
        if (spec !== null && isSet(spec[key])) {
          ctx.report("DK4067", {
            key: `networks.${net}.${key}`,
            service,
            what: "Dokku networks assign addresses themselves",
            reason: "Reach the app by name instead of a fixed address",
          }, [...base, "networks", net, key]);
        }
      }
    }
    securityLints(ctx, service);
    reportKeys(ctx, service, undefined, table);
    stackApps.push(app);
  }
  for (const c of datastores) {
    securityLints(ctx, c.service);
    reportKeys(ctx, c.service, c.plugin, table);
    for (
      const key of ["domains", "git", "letsencrypt", "ports", "process", "scheme", "secret-env"]
    ) {
      const raw = ctx.service(c.service)["x-dokku"];
      if (raw === null || typeof raw !== "object" || !(key in raw)) continue;
      ctx.report("DK4004", {
        key: `x-dokku.${key}`,
        service: c.service,
        plugin: c.plugin!.plugin,
        reason: "Only 'x-dokku.datastore', 'x-dokku.app' and 'x-dokku.secrets' apply to datastores",
      }, ["services", c.service, "x-dokku", key]);
    }
  }

  reportResources(ctx);

  let diagnostics = sortDiagnostics(ctx.bag.items);
  const warnings = diagnostics.filter((d) => d.severity === "warning").map((d) => ({
    code: d.code,
    message: d.message,
    source: {
      file: d.span?.file ?? "",
      line: d.span?.line ?? 0,
      key: d.path ?? "",
    },
  }));
  if (options.strict === true) diagnostics = strictDiagnostics(diagnostics);
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };

  const stack: Stack = {
    version: STACK_VERSION,
    project: projectName,
    inputChecksum: options.inputChecksum ?? inputChecksum(project.inputs),
    networks: networks.sort((a, b) => cmp(a.name, b.name)),
    storage: [...storage.values()].sort((a, b) => cmp(a.name, b.name)),
    datastores: stackDatastores.sort((a, b) => cmp(a.name, b.name) || cmp(a.plugin, b.plugin)),
    apps: stackApps.sort((a, b) => cmp(a.name, b.name)),
    links: links.sort((a, b) => cmp(a.app, b.app) || cmp(a.datastore, b.datastore)),
    levels: g.levels.map((services, index) => ({ index, services })),
    secrets: [...secrets].sort(cmp),
    warnings,
  };
  return { stack, diagnostics };
}
