/**
 * THE mapping table: every compose service key, how dokompose maps it to Dokku, and why.
 *
 * - `converted`: the key becomes a Dokku feature (named in `feature`).
 * - `lossy`: part of it becomes a Dokku feature; the parts that cannot are warnings (DK4xxx)
 *   naming the compose path.
 * - `ignored`: Dokku has no equivalent; the key is reported with a DK4001 warning (datastores:
 *   DK4004) whenever a service sets it. Nothing is dropped silently.
 *
 * `handled` marks keys the transform reads itself (it reports their lossy parts precisely);
 * every other key present in a service gets the generic warning with `reason` as the hint.
 * `docs/mapping.md` is generated from this table (`scripts/gen_mapping_doc.ts`).
 */

/** How a compose key maps to Dokku. */
export type MappingStatus = "converted" | "lossy" | "ignored";

/** One row of the mapping table. */
export interface MappingRule {
  /** The compose service key (`ports`). */
  readonly key: string;
  /** For app services. */
  readonly status: MappingStatus;
  /** The Dokku feature it maps to (`ports:set`), or `-`. */
  readonly feature: string;
  readonly reason: string;
  /** For datastore services (official plugins). */
  readonly datastore: MappingStatus;
  readonly datastoreReason: string;
  /** True when the transform reads the key itself and reports its lossy parts precisely. */
  readonly handled: boolean;
}

const PLUGIN_MANAGED = "The datastore plugin manages this itself";

function row(
  key: string,
  app: [MappingStatus, string, string],
  datastore: [MappingStatus, string] = ["ignored", PLUGIN_MANAGED],
  handled = app[0] !== "ignored",
): MappingRule {
  return {
    key,
    status: app[0],
    feature: app[1],
    reason: app[2],
    datastore: datastore[0],
    datastoreReason: datastore[1],
    handled,
  };
}

const DOCKER_OPTS =
  "Dokku could pass it with 'docker-options:add <app> deploy'; add it yourself if needed";
const NO_EQUIV = "Dokku has no equivalent";
const LOADER = "Applied by the loader before mapping";

/** Every compose service key, sorted. */
export const MAPPING: readonly MappingRule[] = [
  row("annotations", ["ignored", "-", "Container annotations are not supported by Dokku"]),
  row("attach", [
    "ignored",
    "-",
    "Log attachment is a 'docker compose up' option; use 'dokku logs'",
  ]),
  row("blkio_config", ["ignored", "-", DOCKER_OPTS]),
  row(
    "build",
    [
      "lossy",
      "git:from-archive / git:sync, builder-dockerfile:set, docker-options (build)",
      "context, dockerfile, args and target are kept; a git URL context becomes git:sync; other build options (cache, secrets, ssh, platforms, ...) are reported",
    ],
    ["ignored", "Datastores run the plugin's image; a build is not used"],
    true,
  ),
  row("cap_add", ["ignored", "-", `Security lint DK4051. ${DOCKER_OPTS}`], undefined, true),
  row("cap_drop", ["ignored", "-", DOCKER_OPTS]),
  row("cgroup", ["ignored", "-", DOCKER_OPTS]),
  row("cgroup_parent", ["ignored", "-", DOCKER_OPTS]),
  row("command", [
    "converted",
    "ps:set dockerfile-start-cmd",
    "The argv is shell-quoted into one string",
  ], ["ignored", "The plugin starts the datastore with its own command; use '--config-options'"]),
  row("configs", [
    "ignored",
    "-",
    "Dokku has no config files; put the content in the image or in config vars",
  ]),
  row("container_name", [
    "ignored",
    "-",
    "Dokku names containers itself; environment values naming it are rewritten to the Dokku host name",
  ], ["ignored", "The plugin names the container 'dokku.<plugin>.<name>'"]),
  row("cpu_count", ["ignored", "-", DOCKER_OPTS]),
  row("cpu_percent", ["ignored", "-", DOCKER_OPTS]),
  row("cpu_period", ["ignored", "-", DOCKER_OPTS]),
  row("cpu_quota", ["ignored", "-", DOCKER_OPTS]),
  row("cpu_rt_period", ["ignored", "-", DOCKER_OPTS]),
  row("cpu_rt_runtime", ["ignored", "-", DOCKER_OPTS]),
  row("cpu_shares", ["ignored", "-", DOCKER_OPTS]),
  row("cpus", ["converted", "resource:limit --cpu", "Kept as the CPU limit"]),
  row("cpuset", ["ignored", "-", DOCKER_OPTS]),
  row("credential_spec", ["ignored", "-", "Windows containers only"]),
  row("depends_on", [
    "lossy",
    "stage order, <plugin>:link",
    "Orders setup (stages); a dependency on a datastore links it. Conditions other than service_started are ordering only (DK4063)",
  ], ["converted", "Orders setup only"]),
  row("deploy", [
    "lossy",
    "ps:scale, resource:limit/reserve, ps:set restart-policy",
    "replicas, resources (cpus, memory; memory reservation) and restart_policy are kept; other keys are reported (DK4067)",
  ], ["lossy", "resources.limits.memory becomes '--memory'; the rest is managed by the plugin"]),
  row("develop", ["ignored", "-", "'docker compose watch' is a development feature"]),
  row("device_cgroup_rules", ["ignored", "-", DOCKER_OPTS]),
  row("devices", ["ignored", "-", DOCKER_OPTS]),
  row("dns", ["ignored", "-", DOCKER_OPTS]),
  row("dns_opt", ["ignored", "-", DOCKER_OPTS]),
  row("dns_search", ["ignored", "-", DOCKER_OPTS]),
  row("domainname", ["ignored", "-", DOCKER_OPTS]),
  row("entrypoint", [
    "lossy",
    "-",
    "Dokku cannot override an image's entrypoint (DK4062); set it in the Dockerfile",
  ]),
  row("env_file", ["converted", "config:set", `${LOADER}: merged into 'environment'`], [
    "converted",
    "Merged into 'environment' by the loader",
  ]),
  row("environment", [
    "converted",
    "config:set, config:import (secrets)",
    "Plain values become config vars (sorted); host names of services are rewritten; secrets never appear as values",
  ], [
    "lossy",
    "Password variables become create flags ('--password', '--root-password'); others are reported (DK4011)",
  ]),
  row("expose", [
    "converted",
    "network",
    "Apps on a shared network reach each other on every port; nothing is published",
  ], ["converted", "The plugin exposes its ports to linked apps"]),
  row("extends", ["converted", "(loader)", LOADER], ["converted", LOADER]),
  row("external_links", [
    "ignored",
    "-",
    "Containers outside the project cannot be linked on Dokku",
  ]),
  row("extra_hosts", ["ignored", "-", DOCKER_OPTS]),
  row("gpus", ["ignored", "-", "Use 'resource:limit --nvidia-gpu' yourself"]),
  row("group_add", ["ignored", "-", DOCKER_OPTS]),
  row("healthcheck", [
    "lossy",
    "app.json healthchecks (app-json:set appjson-path)",
    "Build apps: a startup check in a generated '.dokompose/app.json' added to the build archive; 'start_interval' is dropped (DK4061); image apps cannot take one (DK4060), git syncs need it committed (DK4802)",
  ], ["ignored", "The plugin checks that the datastore is up itself"]),
  row("hostname", [
    "ignored",
    "-",
    "Dokku sets the host name; environment values naming it are rewritten to the Dokku network alias",
  ]),
  row("image", [
    "converted",
    "git:from-image",
    "An app deploys the image; a datastore image selects the plugin and '--image-version'",
  ], ["converted", "Selects the plugin; the tag becomes '--image-version'"]),
  row("init", ["ignored", "-", DOCKER_OPTS]),
  row(
    "ipc",
    ["ignored", "-", "Namespaces are not shared on Dokku (security lint DK4054 for 'host')"],
    undefined,
    true,
  ),
  row("isolation", ["ignored", "-", "Windows containers only"]),
  row("label_file", ["ignored", "-", "Container labels are not applied; Dokku sets its own"]),
  row("labels", ["ignored", "-", "Container labels are not applied; Dokku sets its own"]),
  row("links", [
    "converted",
    "stage order, <plugin>:link",
    "Orders setup; a link to a datastore becomes a plugin link; other apps are reached over a shared network",
  ], ["converted", "Orders setup only"]),
  row("logging", ["ignored", "-", "Use 'logs:set <app> max-size' or a vector sink"]),
  row("mac_address", ["ignored", "-", NO_EQUIV]),
  row("mem_limit", [
    "converted",
    "resource:limit --memory",
    "Kept as the memory limit (Dokku units, e.g. '512m')",
  ], [
    "converted",
    "Becomes '--memory' (MB)",
  ]),
  row("mem_reservation", [
    "converted",
    "resource:reserve --memory",
    "Kept as the memory reservation",
  ]),
  row("mem_swappiness", ["ignored", "-", DOCKER_OPTS]),
  row("memswap_limit", ["ignored", "-", "Use 'resource:limit --memory-swap' yourself"]),
  row("models", ["ignored", "-", "Compose model runners are not supported by Dokku"]),
  row(
    "network_mode",
    [
      "lossy",
      "stage order",
      "Dokku apps always get their own network namespace (DK4065; security lint DK4052 for 'host'); 'service:x' orders setup",
    ],
    ["ignored", PLUGIN_MANAGED],
    true,
  ),
  row("networks", [
    "converted",
    "network:create, network:set attach-post-deploy",
    "Each network shared by two or more services becomes a Dokku network; static addresses are reported",
  ], ["converted", "Becomes '--post-start-network'"]),
  row("oom_kill_disable", ["ignored", "-", DOCKER_OPTS]),
  row("oom_score_adj", ["ignored", "-", DOCKER_OPTS]),
  row(
    "pid",
    ["ignored", "-", "Namespaces are not shared on Dokku (security lint DK4053 for 'host')"],
    undefined,
    true,
  ),
  row("pids_limit", ["ignored", "-", DOCKER_OPTS]),
  row("platform", ["ignored", "-", "Dokku builds and runs for the host's platform"]),
  row("ports", [
    "lossy",
    "ports:set, proxy:disable",
    "Published TCP ports become proxy maps (http/https/grpc); UDP, raw TCP, ranges, loopback-bound ports and host IPs are reported (DK4030, DK4031, DK4067); no published port disables the proxy",
  ], ["ignored", "Use '<plugin>:expose' to publish a datastore"]),
  row("post_start", ["ignored", "-", "Use app.json 'scripts.dokku.postdeploy' in the image"]),
  row("pre_stop", ["ignored", "-", NO_EQUIV]),
  row("privileged", ["ignored", "-", `Security lint DK4050. ${DOCKER_OPTS}`], undefined, true),
  row("profiles", ["converted", "(loader)", LOADER], ["converted", LOADER]),
  row("provider", ["ignored", "-", "Compose providers are not supported by Dokku"]),
  row("pull_policy", [
    "ignored",
    "-",
    "Dokku pulls an image when it is missing; 'git:from-image' re-pulls with '--force'",
  ]),
  row("pull_refresh_after", ["ignored", "-", NO_EQUIV]),
  row("read_only", ["ignored", "-", DOCKER_OPTS]),
  row("restart", [
    "converted",
    "ps:set restart-policy",
    "no, always, unless-stopped and on-failure[:N] are kept",
  ], [
    "converted",
    "The plugin restarts its container itself, like 'always'",
  ]),
  row("runtime", ["ignored", "-", DOCKER_OPTS]),
  row("scale", ["converted", "ps:scale", "The process count"]),
  row("secrets", [
    "lossy",
    "config:import (from the runtime's secrets)",
    "A granted secret becomes a secret config var (never a value in the artifact); Dokku has no secret files (DK4080)",
  ], ["lossy", "A '*_PASSWORD_FILE' secret becomes a secret create flag; others are reported"]),
  row("security_opt", ["ignored", "-", DOCKER_OPTS]),
  row("shm_size", ["ignored", "-", DOCKER_OPTS], [
    "ignored",
    "Use the plugin's '--shm-size' yourself",
  ]),
  row("stdin_open", [
    "ignored",
    "-",
    "Dokku processes run detached; use 'dokku run' for interactive work",
  ]),
  row("stop_grace_period", ["ignored", "-", "Use 'ps:set <app> stop-timeout-seconds' yourself"]),
  row("stop_signal", ["ignored", "-", "Set STOPSIGNAL in the Dockerfile"]),
  row("storage_opt", ["ignored", "-", DOCKER_OPTS]),
  row("sysctls", ["ignored", "-", DOCKER_OPTS]),
  row("tmpfs", ["lossy", "-", "tmpfs mounts are not kept (DK4042)"]),
  row("tty", ["ignored", "-", "Dokku processes run detached"]),
  row("ulimits", ["ignored", "-", DOCKER_OPTS]),
  row("use_api_socket", ["ignored", "-", "Dokku does not give containers the Docker API socket"]),
  row("user", ["ignored", "-", "Set USER in the Dockerfile"]),
  row("userns_mode", ["ignored", "-", DOCKER_OPTS]),
  row("uts", ["ignored", "-", DOCKER_OPTS]),
  row("volumes", [
    "lossy",
    "storage:create, storage:mount",
    "Named volumes and binds become storage entries; anonymous volumes and tmpfs are reported (DK4042); host paths outside Dokku's storage directory are reported (DK4040)",
  ], ["ignored", "The plugin keeps data in /var/lib/dokku/services/<plugin>/<name>"]),
  row("volumes_from", [
    "lossy",
    "stage order",
    "Orders setup; the other service's volumes are not mounted (DK4067)",
  ]),
  row("working_dir", ["ignored", "-", "Set WORKDIR in the Dockerfile"]),
];

const BY_KEY = new Map(MAPPING.map((r) => [r.key, r]));

/** The rule for a compose service key, or undefined for keys outside the specification. */
export function mappingRule(key: string): MappingRule | undefined {
  return BY_KEY.get(key);
}

/** Keys of `x-dokku` (service level), sorted. */
export const X_DOKKU_KEYS: readonly string[] = [
  "app",
  "datastore",
  "domains",
  "git",
  "letsencrypt",
  "ports",
  "process",
  "scheme",
  "secret-env",
  "secrets",
];
