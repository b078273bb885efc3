/**
 * zod v4 models of a compose file *as written* (before canonicalization: short and long syntaxes
 * both allowed), following compose-spec's `schema/compose-spec.json` (compose-spec `170098ba`).
 *
 * Differences from the JSON schema, all deliberate:
 * - Fields the spec types as only number or only boolean also accept a string, because the raw
 *   tree may still hold interpolated strings there (the loader casts them, I14).
 * - Resource names (networks and models too) are checked against `^[a-zA-Z0-9._-]+$`.
 * - Unknown keys, `uniqueItems` and name patterns are reported by our own checks (custom zod
 *   issues with a DK22xx code in `params`), so every problem is found in one pass and an unknown
 *   key is reported at the key itself.
 *
 * Nothing is built at import time: {@linkcode buildComposeSchema} constructs the schema on first
 * use and caches it (start-up cost matters), and {@linkcode composeSchemaFor} builds only the
 * parts a document uses, for validation.
 *
 * @module
 */
// A namespace import, not `{ z }`: `z` is a namespace object that the bundler cannot tree-shake,
// so it would carry all 64 zod locales into the bundle (763 KB of zod instead of 181 KB).
import * as z from "zod";
import { NAME_PATTERN } from "./_plain.ts";

/** `params` of our custom zod issues. */
export interface CustomParams {
  readonly dk: string;
  readonly args: Readonly<Record<string, string>>;
  /** For unknown keys: the keys allowed there (sorted), for the did-you-mean hint. */
  readonly known?: readonly string[];
  /** For unknown keys: whether `x-*` extension keys are allowed there. */
  readonly ext?: boolean;
}

/** The built schema and the side tables `composeJsonSchema()` needs. */
export interface ComposeSchema {
  readonly root: z.ZodType;
  /** Every key of the service model, sorted. */
  readonly serviceKeys: readonly string[];
  /** Named definitions, emitted under `definitions` in the JSON schema. */
  readonly registry: z.core.$ZodRegistry<{ id: string }>;
  /** Objects built by `obj()`: true when `x-*` keys are allowed. */
  readonly objects: WeakMap<z.ZodType, boolean>;
  /** Mappings built by `named()` / `dict()`: the pattern their keys must match. */
  readonly keyPatterns: WeakMap<z.ZodType, string>;
  /** Lists whose items must be unique. */
  readonly uniqueLists: WeakSet<z.ZodType>;
}

// Defined with the zod-free fast path, which checks names the same way.
export { NAME_PATTERN } from "./_plain.ts";

let cached: ComposeSchema | undefined;

/** The compose schema, built on first use. */
export function buildComposeSchema(): ComposeSchema {
  cached ??= builder().full();
  return cached;
}

/** The known keys a document uses: at the top level, and in any of its services. */
export interface UsedKeys {
  readonly root: ReadonlySet<string>;
  readonly service: ReadonlySet<string>;
}

/**
 * The keys of `tree` (top level) and of its services' mappings; unknown keys included (they are
 * never part of a schema, so they change nothing).
 */
export function usedKeys(tree: unknown): UsedKeys {
  const root = new Set<string>();
  const service = new Set<string>();
  if (isMapping(tree)) {
    for (const key of Object.keys(tree)) root.add(key);
    const services = tree["services"];
    if (isMapping(services)) {
      for (const value of Object.values(services)) {
        if (isMapping(value)) { for (const key of Object.keys(value)) service.add(key); }
      }
    }
  }
  return { root, service };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

let validating: ReturnType<typeof builder> | undefined;
const subsets = new Map<string, z.ZodType>();

/**
 * A schema that validates `tree` exactly as {@linkcode buildComposeSchema}'s `root` does (the
 * same issues), built only for the top-level and service keys `tree` uses: every key absent
 * from a mapping is optional there, and an unknown key is still checked against the full list
 * of known keys. Building the whole model costs more than validating a typical file with it.
 * Its own builder: building parts on demand must not change the full schema's construction
 * order, which its JSON schema depends on.
 */
export function composeSchemaFor(tree: unknown): z.ZodType {
  const keys = usedKeys(tree);
  // Sorted: the signature must not depend on the order keys appear in the document.
  const signature = JSON.stringify([[...keys.root].sort(), [...keys.service].sort()]);
  let schema = subsets.get(signature);
  if (schema === undefined) {
    validating ??= builder();
    schema = validating.subset(keys);
    subsets.set(signature, schema);
  }
  return schema;
}

/** `make()` on the first call, the same value after. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

type Shape = Record<string, z.ZodType>;

/** JSON text of a list item for duplicate detection; undefined for cyclic (aliased) values. */
function stableKey(item: unknown, seen: Set<unknown> = new Set()): string | undefined {
  if (typeof item !== "object" || item === null) return JSON.stringify(item) ?? String(item);
  // Checked by hand: JSON.stringify on a cyclic value throws only after a slow walk.
  if (seen.has(item)) return undefined;
  seen.add(item);
  const parts: string[] = [];
  if (Array.isArray(item)) {
    for (const element of item) {
      const key = stableKey(element, seen);
      if (key === undefined) return undefined;
      parts.push(key);
    }
    seen.delete(item);
    return `[${parts.join(",")}]`;
  }
  for (const [k, v] of Object.entries(item)) {
    const key = stableKey(v, seen);
    if (key === undefined) return undefined;
    parts.push(`${JSON.stringify(k)}:${key}`);
  }
  seen.delete(item);
  return `{${parts.join(",")}}`;
}

/**
 * The schema's parts, each built on first use (`once`), and two ways to assemble them: the whole
 * model, or the part of it a document uses.
 */
function builder() {
  const registry = z.registry<{ id: string }>();
  const objects = new WeakMap<z.ZodType, boolean>();
  const keyPatterns = new WeakMap<z.ZodType, string>();
  const uniqueLists = new WeakSet<z.ZodType>();

  const define = <T extends z.ZodType>(id: string, schema: T): T => {
    registry.add(schema, { id });
    return schema;
  };

  // --- building blocks ---------------------------------------------------------------------
  const str = () => z.string();
  /** A number, or a string the loader casts after interpolation. */
  const num = () => z.union([z.number(), z.string()]);
  const int = () => z.union([z.number().int(), z.string()]);
  const bool = () => z.union([z.boolean(), z.string()]);

  /** A mapping with known keys; other keys are DK2201 errors (except `x-*` when `ext`). */
  const obj = (
    shape: Shape,
    options: { ext?: boolean; known?: readonly string[] } = {},
  ): z.ZodType => {
    const ext = options.ext ?? true;
    // `known`: the full key list when `shape` holds only the keys a document uses.
    const known = options.known ?? Object.keys(shape).sort();
    const knownSet = new Set(known);
    const schema = z.looseObject(shape).superRefine((value, ctx) => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return;
      // Object.keys order is insertion order; issues are sorted by the caller.
      for (const key of Object.keys(value)) {
        if (knownSet.has(key) || (ext && key.startsWith("x-"))) continue;
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "unknown key",
          input: (value as Record<string, unknown>)[key],
          params: { dk: "DK2201", args: { key }, known, ext } satisfies CustomParams,
        });
      }
    }, { when: () => true });
    objects.set(schema, ext);
    return schema;
  };

  /** A list whose items must be unique (JSON schema `uniqueItems`). */
  const uniqueList = (item: z.ZodType): z.ZodType => {
    const schema = z.array(item).superRefine((items, ctx) => {
      if (!Array.isArray(items)) return;
      const seen = new Set<string>();
      items.forEach((item, index) => {
        const key = stableKey(item);
        if (key === undefined) return;
        if (seen.has(key)) {
          ctx.addIssue({
            code: "custom",
            path: [index],
            message: "duplicate entry",
            input: item,
            params: { dk: "DK2206", args: { value: key } } satisfies CustomParams,
          });
        }
        seen.add(key);
      });
    }, { when: () => true });
    uniqueLists.add(schema);
    return schema;
  };

  /** A mapping with free keys matching `pattern` (DK2205 / DK2208 otherwise). */
  const keyed = (kind: string, pattern: RegExp | undefined, value: z.ZodType): z.ZodType => {
    const schema = z.record(z.string(), value).superRefine((map, ctx) => {
      if (typeof map !== "object" || map === null) return;
      for (const key of Object.keys(map)) {
        if (key === "") {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "empty key",
            input: map[key],
            params: { dk: "DK2208", args: {} } satisfies CustomParams,
          });
        } else if (pattern !== undefined && !pattern.test(key)) {
          const suggestion = key.replace(/[^a-zA-Z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") ||
            kind;
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "invalid name",
            input: map[key],
            params: {
              dk: "DK2205",
              args: { kind, name: key, suggestion: JSON.stringify(suggestion) },
            } satisfies CustomParams,
          });
        }
      }
    }, { when: () => true });
    keyPatterns.set(schema, pattern === undefined ? ".+" : pattern.source);
    return schema;
  };
  const named = (kind: string, value: z.ZodType) => keyed(kind, NAME_PATTERN, value);
  const dict = (value: z.ZodType) => keyed("key", undefined, value);

  const listOfStrings = once(() => define("list_of_strings", uniqueList(str())));
  const stringOrList = once(() => define("string_or_list", z.union([str(), listOfStrings()])));
  const listOrDict = once(() =>
    define(
      "list_or_dict",
      z.union([
        dict(z.union([z.string(), z.number(), z.boolean(), z.null()])),
        uniqueList(str()),
      ]),
    )
  );
  const extraHosts = once(() =>
    define(
      "extra_hosts",
      z.union([dict(z.union([str(), z.array(str())])), uniqueList(str())]),
    )
  );
  const command = once(() => define("command", z.union([z.null(), str(), z.array(str())])));
  const driverOpts = () => dict(z.union([str(), z.number()]));
  const externalFlag = () => z.union([z.boolean(), z.string(), obj({ name: str() })]);

  const ulimits = once(() =>
    define(
      "ulimits",
      keyed(
        "ulimit",
        /^[a-z]+$/,
        z.union([int(), obj({ hard: int(), soft: int() })]),
      ),
    )
  );
  const serviceHook = once(() =>
    define(
      "service_hook",
      obj({
        command: command(),
        user: str().optional(),
        privileged: bool().optional(),
        working_dir: str().optional(),
        environment: listOrDict().optional(),
      }),
    )
  );
  const grant = once(() =>
    define(
      "service_config_or_secret",
      z.array(z.union([
        str(),
        obj({
          source: str().optional(),
          target: str().optional(),
          uid: str().optional(),
          gid: str().optional(),
          mode: num().optional(),
        }),
      ])),
    )
  );
  const blkioLimit = once(() =>
    obj({ path: str().optional(), rate: int().optional() }, { ext: false })
  );
  const blkioWeight = once(() =>
    obj({ path: str().optional(), weight: int().optional() }, { ext: false })
  );
  const deviceRequest = once(() =>
    obj({
      capabilities: listOfStrings(),
      count: z.union([str(), z.number().int()]).optional(),
      device_ids: listOfStrings().optional(),
      driver: str().optional(),
      options: listOrDict().optional(),
    })
  );
  const gpus = once(() =>
    define(
      "gpus",
      z.union([
        z.literal("all"),
        z.array(obj({
          capabilities: listOfStrings().optional(),
          count: z.union([str(), z.number().int()]).optional(),
          device_ids: listOfStrings().optional(),
          driver: str().optional(),
          options: listOrDict().optional(),
        })),
      ]),
    )
  );

  const healthcheck = once(() =>
    define(
      "healthcheck",
      obj({
        disable: bool().optional(),
        interval: str().optional(),
        retries: num().optional(),
        test: z.union([str(), z.array(str())]).optional(),
        timeout: str().optional(),
        start_period: str().optional(),
        start_interval: str().optional(),
      }),
    )
  );

  const development = once(() =>
    define(
      "development",
      obj({
        watch: z.array(obj({
          ignore: stringOrList().optional(),
          include: stringOrList().optional(),
          path: str(),
          action: z.enum(["rebuild", "sync", "restart", "sync+restart", "sync+exec"]),
          target: str().optional(),
          exec: serviceHook().optional(),
          initial_sync: bool().optional(),
        })).optional(),
      }).nullable(),
    )
  );

  const updateConfig = () =>
    obj({
      parallelism: int().optional(),
      delay: str().optional(),
      failure_action: str().optional(),
      monitor: str().optional(),
      max_failure_ratio: num().optional(),
      order: z.enum(["start-first", "stop-first"]).optional(),
    });
  const deployment = once(() =>
    define(
      "deployment",
      obj({
        mode: str().optional(),
        endpoint_mode: str().optional(),
        replicas: int().optional(),
        labels: listOrDict().optional(),
        rollback_config: updateConfig().optional(),
        update_config: updateConfig().optional(),
        resources: obj({
          limits: obj({
            cpus: num().optional(),
            memory: str().optional(),
            pids: int().optional(),
          }).optional(),
          reservations: obj({
            cpus: num().optional(),
            memory: str().optional(),
            generic_resources: z.array(obj({
              discrete_resource_spec: obj({
                kind: str().optional(),
                value: num().optional(),
              }).optional(),
            })).optional(),
            devices: z.array(deviceRequest()).optional(),
          }).optional(),
        }).optional(),
        restart_policy: obj({
          condition: str().optional(),
          delay: str().optional(),
          max_attempts: int().optional(),
          window: str().optional(),
        }).optional(),
        placement: obj({
          constraints: z.array(str()).optional(),
          preferences: z.array(obj({ spread: str().optional() })).optional(),
          max_replicas_per_node: int().optional(),
        }).optional(),
      }).nullable(),
    )
  );

  const build = once(() =>
    obj({
      context: str().optional(),
      dockerfile: str().optional(),
      dockerfile_inline: str().optional(),
      entitlements: z.array(str()).optional(),
      args: listOrDict().optional(),
      ssh: listOrDict().optional(),
      labels: listOrDict().optional(),
      cache_from: z.array(str()).optional(),
      cache_to: z.array(str()).optional(),
      no_cache: bool().optional(),
      additional_contexts: listOrDict().optional(),
      network: str().optional(),
      provenance: bool().optional(),
      sbom: bool().optional(),
      pull: bool().optional(),
      target: str().optional(),
      shm_size: num().optional(),
      extra_hosts: extraHosts().optional(),
      isolation: str().optional(),
      privileged: bool().optional(),
      secrets: grant().optional(),
      tags: z.array(str()).optional(),
      ulimits: ulimits().optional(),
      platforms: z.array(str()).optional(),
    })
  );

  const portObject = once(() =>
    obj({
      name: str().optional(),
      mode: str().optional(),
      host_ip: str().optional(),
      target: int().optional(),
      published: z.union([str(), z.number().int()]).optional(),
      protocol: str().optional(),
      app_protocol: str().optional(),
    })
  );

  const volumeMount = once(() =>
    obj({
      type: z.enum(["bind", "volume", "tmpfs", "cluster", "npipe", "image"]),
      source: str().optional(),
      target: str().optional(),
      read_only: bool().optional(),
      consistency: str().optional(),
      bind: obj({
        propagation: str().optional(),
        create_host_path: bool().optional(),
        recursive: z.enum(["enabled", "disabled", "writable", "readonly"]).optional(),
        selinux: z.enum(["z", "Z"]).optional(),
      }).optional(),
      volume: obj({
        labels: listOrDict().optional(),
        nocopy: bool().optional(),
        subpath: str().optional(),
      }).optional(),
      tmpfs: obj({
        size: z.union([z.number().int().min(0), str()]).optional(),
        mode: num().optional(),
      }).optional(),
      image: obj({ subpath: str().optional() }).optional(),
    })
  );

  const serviceNetwork = once(() =>
    obj({
      aliases: listOfStrings().optional(),
      interface_name: str().optional(),
      ipv4_address: str().optional(),
      ipv6_address: str().optional(),
      link_local_ips: listOfStrings().optional(),
      mac_address: str().optional(),
      driver_opts: driverOpts().optional(),
      priority: num().optional(),
      gw_priority: num().optional(),
    }).nullable()
  );

  const pullPolicy = once(() =>
    str().regex(
      /always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+/,
      "always, never, build, if_not_present, missing, refresh, daily, weekly or every_<duration>",
    )
  );

  /**
   * The service model, one builder per key (in the spec's order): a document is validated
   * against the keys it uses, so the schemas of the ~90 others are never built.
   */
  const serviceParts: Readonly<Record<string, () => z.ZodType>> = {
    develop: () => development().optional(),
    deploy: () => deployment().optional(),
    annotations: () => listOrDict().optional(),
    attach: () => bool().optional(),
    build: () => z.union([str(), build()]).optional(),
    blkio_config: () =>
      obj({
        device_read_bps: z.array(blkioLimit()).optional(),
        device_read_iops: z.array(blkioLimit()).optional(),
        device_write_bps: z.array(blkioLimit()).optional(),
        device_write_iops: z.array(blkioLimit()).optional(),
        weight: int().optional(),
        weight_device: z.array(blkioWeight()).optional(),
      }, { ext: false }).optional(),
    cap_add: () => uniqueList(str()).optional(),
    cap_drop: () => uniqueList(str()).optional(),
    cgroup: () => z.enum(["host", "private"]).optional(),
    cgroup_parent: () => str().optional(),
    command: () => command().optional(),
    configs: () => grant().optional(),
    container_name: () =>
      str().regex(
        /[a-zA-Z0-9][a-zA-Z0-9_.-]+/,
        'a name of at least two characters: letters, digits, "_", "." and "-"',
      ).optional(),
    cpu_count: () => z.union([str(), z.number().int().min(0)]).optional(),
    cpu_percent: () => z.union([str(), z.number().int().min(0).max(100)]).optional(),
    cpu_shares: () => num().optional(),
    cpu_quota: () => num().optional(),
    cpu_period: () => num().optional(),
    cpu_rt_period: () => num().optional(),
    cpu_rt_runtime: () => num().optional(),
    cpus: () => num().optional(),
    cpuset: () => str().optional(),
    credential_spec: () =>
      obj({
        config: str().optional(),
        file: str().optional(),
        registry: str().optional(),
      }).optional(),
    depends_on: () =>
      z.union([
        listOfStrings(),
        named(
          "service",
          obj({
            restart: bool().optional(),
            required: bool().optional(),
            condition: z.enum([
              "service_started",
              "service_healthy",
              "service_completed_successfully",
            ]),
          }),
        ),
      ]).optional(),
    device_cgroup_rules: () => listOfStrings().optional(),
    devices: () =>
      z.array(z.union([
        str(),
        obj({ source: str(), target: str().optional(), permissions: str().optional() }),
      ])).optional(),
    dns: () => stringOrList().optional(),
    dns_opt: () => uniqueList(str()).optional(),
    dns_search: () => stringOrList().optional(),
    domainname: () => str().optional(),
    entrypoint: () => command().optional(),
    env_file: () =>
      z.union([
        str(),
        z.array(z.union([
          str(),
          obj({ path: str(), format: str().optional(), required: bool().optional() }, {
            ext: false,
          }),
        ])),
      ]).optional(),
    label_file: () => z.union([str(), z.array(str())]).optional(),
    environment: () => listOrDict().optional(),
    expose: () => uniqueList(z.union([str(), z.number()])).optional(),
    extends: () =>
      z.union([str(), obj({ service: str(), file: str().optional() }, { ext: false })])
        .optional(),
    provider: () =>
      obj({
        type: str(),
        options: dict(z.union([
          z.union([str(), z.number(), z.boolean()]),
          z.array(z.union([str(), z.number(), z.boolean()])),
        ])).optional(),
      }).optional(),
    external_links: () => uniqueList(str()).optional(),
    extra_hosts: () => extraHosts().optional(),
    gpus: () => gpus().optional(),
    group_add: () => uniqueList(z.union([str(), z.number()])).optional(),
    healthcheck: () => healthcheck().optional(),
    hostname: () => str().optional(),
    image: () => str().optional(),
    init: () => bool().optional(),
    ipc: () => str().optional(),
    isolation: () => str().optional(),
    labels: () => listOrDict().optional(),
    links: () => uniqueList(str()).optional(),
    logging: () =>
      obj({
        driver: str().optional(),
        options: dict(z.union([str(), z.number(), z.null()])).optional(),
      }).optional(),
    mac_address: () => str().optional(),
    mem_limit: () => num().optional(),
    mem_reservation: () => num().optional(),
    mem_swappiness: () => int().optional(),
    memswap_limit: () => num().optional(),
    network_mode: () => str().optional(),
    models: () =>
      z.union([
        listOfStrings(),
        named("model", obj({ endpoint_var: str().optional(), model_var: str().optional() })),
      ]).optional(),
    networks: () => z.union([listOfStrings(), named("network", serviceNetwork())]).optional(),
    oom_kill_disable: () => bool().optional(),
    oom_score_adj: () => z.union([str(), z.number().int().min(-1000).max(1000)]).optional(),
    pid: () => str().nullable().optional(),
    pids_limit: () => num().optional(),
    platform: () => str().optional(),
    ports: () => uniqueList(z.union([z.number(), str(), portObject()])).optional(),
    post_start: () => z.array(serviceHook()).optional(),
    pre_stop: () => z.array(serviceHook()).optional(),
    privileged: () => bool().optional(),
    profiles: () => listOfStrings().optional(),
    pull_policy: () => pullPolicy().optional(),
    pull_refresh_after: () => str().optional(),
    read_only: () => bool().optional(),
    restart: () => str().optional(),
    runtime: () => str().optional(),
    scale: () => int().optional(),
    security_opt: () => uniqueList(str()).optional(),
    shm_size: () => num().optional(),
    secrets: () => grant().optional(),
    sysctls: () => listOrDict().optional(),
    stdin_open: () => bool().optional(),
    stop_grace_period: () => str().optional(),
    stop_signal: () => str().optional(),
    storage_opt: () => z.record(z.string(), z.unknown()).optional(),
    tmpfs: () => stringOrList().optional(),
    tty: () => bool().optional(),
    ulimits: () => ulimits().optional(),
    use_api_socket: () => bool().optional(),
    user: () => str().optional(),
    uts: () => str().optional(),
    userns_mode: () => str().optional(),
    volumes: () => uniqueList(z.union([str(), volumeMount()])).optional(),
    volumes_from: () => uniqueList(str()).optional(),
    working_dir: () => str().optional(),
  };

  const labels = () => listOrDict().optional();
  const network = once(() =>
    define(
      "network",
      obj({
        name: str().optional(),
        driver: str().optional(),
        driver_opts: driverOpts().optional(),
        ipam: obj({
          driver: str().optional(),
          config: z.array(obj({
            subnet: str().optional(),
            ip_range: str().optional(),
            gateway: str().optional(),
            aux_addresses: dict(str()).optional(),
          })).optional(),
          options: dict(str()).optional(),
        }).optional(),
        external: externalFlag().optional(),
        internal: bool().optional(),
        enable_ipv4: bool().optional(),
        enable_ipv6: bool().optional(),
        attachable: bool().optional(),
        labels: labels(),
      }).nullable(),
    )
  );
  const volume = once(() =>
    define(
      "volume",
      obj({
        name: str().optional(),
        driver: str().optional(),
        driver_opts: driverOpts().optional(),
        external: externalFlag().optional(),
        labels: labels(),
      }).nullable(),
    )
  );
  const secret = once(() =>
    define(
      "secret",
      obj({
        name: str().optional(),
        environment: str().optional(),
        file: str().optional(),
        external: externalFlag().optional(),
        labels: labels(),
        driver: str().optional(),
        driver_opts: driverOpts().optional(),
        template_driver: str().optional(),
      }),
    )
  );
  const config = once(() =>
    define(
      "config",
      obj({
        name: str().optional(),
        content: str().optional(),
        environment: str().optional(),
        file: str().optional(),
        external: externalFlag().optional(),
        labels: labels(),
        template_driver: str().optional(),
      }),
    )
  );
  const model = once(() =>
    define(
      "model",
      obj({
        name: str().optional(),
        model: str(),
        context_size: int().optional(),
        runtime_flags: z.array(str()).optional(),
      }),
    )
  );
  const include = once(() =>
    define(
      "include",
      z.union([
        str(),
        obj({
          path: stringOrList().optional(),
          env_file: stringOrList().optional(),
          project_directory: str().optional(),
        }, { ext: false }),
      ]),
    )
  );

  /** The top-level model, one builder per key, like {@linkcode serviceParts}. */
  const rootParts: Readonly<Record<string, (service: () => z.ZodType) => z.ZodType>> = {
    version: () => str().optional(),
    name: () => str().optional(),
    include: () => z.array(include()).optional(),
    services: (service) => named("service", service()).optional(),
    models: () => named("model", model()).optional(),
    networks: () => named("network", network()).optional(),
    volumes: () => named("volume", volume()).optional(),
    secrets: () => named("secret", secret()).optional(),
    configs: () => named("config", config()).optional(),
  };
  const serviceKeys = Object.keys(serviceParts).sort();
  const rootKeys = Object.keys(rootParts).sort();

  /** The parts of `parts` named in `keys`, in the order of `parts` (zod walks shape order). */
  const pick = <T>(parts: Readonly<Record<string, T>>, keys: ReadonlySet<string>) =>
    Object.keys(parts).filter((key) => keys.has(key)).map((key) => [key, parts[key] as T] as const);

  return {
    full(): ComposeSchema {
      // Built in the order the blocks are declared above: the JSON schema depends on it.
      for (
        const block of [
          listOfStrings,
          stringOrList,
          listOrDict,
          extraHosts,
          command,
          ulimits,
          serviceHook,
          grant,
          blkioLimit,
          blkioWeight,
          deviceRequest,
          gpus,
          healthcheck,
          development,
          deployment,
          build,
          portObject,
          volumeMount,
          serviceNetwork,
          pullPolicy,
        ]
      ) block();
      const serviceShape: Shape = {};
      for (const [key, part] of Object.entries(serviceParts)) serviceShape[key] = part();
      const service = define("service", obj(serviceShape));
      for (const block of [network, volume, secret, config, model, include]) block();
      const rootShape: Shape = {};
      for (const [key, part] of Object.entries(rootParts)) rootShape[key] = part(() => service);
      return {
        root: obj(rootShape),
        serviceKeys,
        registry,
        objects,
        keyPatterns,
        uniqueLists,
      };
    },
    subset(keys: UsedKeys): z.ZodType {
      const serviceShape: Shape = {};
      for (const [key, part] of pick(serviceParts, keys.service)) serviceShape[key] = part();
      const service = () => obj(serviceShape, { known: serviceKeys });
      const rootShape: Shape = {};
      for (const [key, part] of pick(rootParts, keys.root)) rootShape[key] = part(service);
      return obj(rootShape, { known: rootKeys });
    },
  };
}
