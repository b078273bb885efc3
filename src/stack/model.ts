/**
 * The Stack model, version `stack/v1`: a Dokku-shaped description of a compose project.
 *
 * Produced by a pure transform from the canonical compose model (`transform.ts`), consumed by the
 * Dokkufile lowering (`src/compiler/`). Everything here is already decided: names are valid Dokku
 * names, env values are rewritten, every entry carries where it came from. The lowering only
 * chooses commands; it never looks at compose again.
 *
 * Versioned: a change that breaks consumers bumps the version. All arrays are sorted by their
 * natural key (documented per field) so the model is deterministic.
 *
 * CHANGELOG (all additive and optional so far; Stacks written against the first draft still type-check):
 * - StackDatastore.dependsOn: services the datastore is ordered after (datastore -> datastore).
 * - StackLink.replaces: the compose variable the link now provides (`DATABASE_URL`), recorded
 *   so the Dokkufile can say it; its original value is shown with any password masked.
 * - StackMount.subpath: `volume.subpath` (`storage:mount --volume-subpath`).
 * - StackApp.process: the process type the service runs as (`web`, or `x-dokku.process`).
 * - StackConfigVar.rewrite.from never contains a password (`postgres://u:***@db:5432/x`).
 */
import type { SourceRef } from "../dokkufile/types.ts";

export const STACK_VERSION = "stack/v1" as const;

/** The official datastore plugins (commands.json `datastores`). */
export type DatastorePlugin =
  | "postgres"
  | "mysql"
  | "mariadb"
  | "redis"
  | "mongo"
  | "rabbitmq"
  | "memcached"
  | "elasticsearch"
  | "clickhouse"
  | "meilisearch";

/** A Dokku network made from a compose network. */
export interface StackNetwork {
  /** The compose key (`front`). */
  readonly key: string;
  /** The Dokku/docker network name (compose platform name, e.g. `shop_front`). */
  readonly name: string;
  /** External networks are expected to exist: never created, never destroyed. */
  readonly external: boolean;
  readonly source: SourceRef;
}

/** A named storage entry (`storage:create`) made from a named volume or a bind mount. */
export interface StackStorage {
  /** The compose volume key, or the bind's host path for binds. */
  readonly key: string;
  /** The storage entry name: a DNS-1123 label of at most 45 characters, not `legacy-*`. */
  readonly name: string;
  /** Host path for bind mounts (absolute on the Dokku host); absent for Dokku-managed entries. */
  readonly hostPath?: string;
  /** `--chown` value (`root` for image/Dockerfile apps). */
  readonly chown?: string;
  readonly external: boolean;
  readonly source: SourceRef;
}

/** A datastore service created through an official plugin. */
export interface StackDatastore {
  /** The compose service name. */
  readonly service: string;
  readonly plugin: DatastorePlugin;
  /** The datastore service name (`^[A-Za-z0-9_-]+$`), e.g. `shop-db`. */
  readonly name: string;
  /** In-network host name: `dokku-<plugin>-<name with . and _ as ->`. */
  readonly hostname: string;
  /** Image repository when it differs from the plugin default (`--image`). */
  readonly image?: string;
  /** `--image-version` from the image tag. */
  readonly imageVersion?: string;
  /** Create flags taken from the service env (`POSTGRES_PASSWORD` -> `--password`), flag -> value. */
  readonly createFlags: Readonly<Record<string, string>>;
  /** Create flags whose value is a secret: flag -> secret name (the runtime resolves it). */
  readonly secretCreateFlags: Readonly<Record<string, string>>;
  /** Networks (Dokku names) the datastore joins after start (`--post-start-network`). */
  readonly networks: readonly string[];
  /** Compose services this datastore is ordered after (sorted); ordering only. Always set by the transform. */
  readonly dependsOn?: readonly string[];
  readonly source: SourceRef;
}

/** An app linked to a datastore (`<plugin>:link <datastore> <app> --alias <alias> --no-restart`). */
export interface StackLink {
  readonly app: string;
  readonly datastore: string;
  readonly plugin: DatastorePlugin;
  /** Link alias: the variable the link sets is `<alias>_URL`. */
  readonly alias: string;
  /**
   * The compose variable this link replaces (`DATABASE_URL=postgres://u:p@db:5432/app`): it is
   * not in the app's plain config, because the link sets it. `from` has any password masked.
   */
  readonly replaces?: { readonly key: string; readonly from: string; readonly reason: string };
  readonly source: SourceRef;
}

/** One config variable of an app. */
export interface StackConfigVar {
  readonly key: string;
  readonly value: string;
  readonly source: SourceRef;
  /** Set when the compose value was rewritten (`postgres://u:p@db:5432/x` -> link, `http://api:3000` -> `http://shop-api.web:3000`). */
  readonly rewrite?: { readonly from: string; readonly reason: string };
}

/** A config variable whose value is a secret resolved at run time. */
export interface StackSecretVar {
  readonly key: string;
  readonly secret: string;
  readonly source: SourceRef;
}

/** A port mapping (`ports:set`). */
export interface StackPort {
  /** `http`, `https`, `grpc`, `grpcs`, `tcp`, `udp`. */
  readonly scheme: string;
  readonly host: number;
  readonly container: number;
  readonly source: SourceRef;
}

/** A storage mount (`storage:mount <app> <entry> --container-dir <dir>`). */
export interface StackMount {
  readonly storage: string;
  readonly containerDir: string;
  readonly readOnly: boolean;
  /** `--volume-subpath`: mount only this path inside the entry. */
  readonly subpath?: string;
  readonly source: SourceRef;
}

/** How an app's code gets to Dokku. */
export type StackDeploySource =
  | { readonly kind: "image"; readonly image: string; readonly source: SourceRef }
  | {
    readonly kind: "build";
    /** Build context relative to the project dir (`.`, `web`, ...), `/` separators. */
    readonly context: string;
    /** Dockerfile path relative to the context. */
    readonly dockerfile?: string;
    readonly target?: string;
    /** Build args passed as `--build-arg KEY` (values come from config vars). */
    readonly args: readonly string[];
    /** `x-dokku.git`: a repository Dokku syncs from (`git:sync --build-if-changes`). */
    readonly git?: { readonly repository: string; readonly ref?: string };
    readonly source: SourceRef;
  };

/** An app (everything that is not a datastore). */
export interface StackApp {
  /** The compose service name. */
  readonly service: string;
  /** The Dokku app name (`<project>-<service>`, normalized). */
  readonly name: string;
  readonly deploy: StackDeploySource;
  /** Plain config, sorted by key. */
  readonly config: readonly StackConfigVar[];
  /** Secret config, sorted by key. */
  readonly secretConfig: readonly StackSecretVar[];
  /** Sorted by scheme, host, container. Empty = no published port = proxy disabled. */
  readonly ports: readonly StackPort[];
  readonly proxy: boolean;
  /** Sorted by containerDir. */
  readonly mounts: readonly StackMount[];
  /** Dokku network names the app attaches to (sorted). */
  readonly networks: readonly string[];
  /**
   * The process type the service runs as: `web` (the only type of an image or a Dockerfile
   * deploy without a Procfile), or `x-dokku.process`.
   */
  readonly process?: string;
  /** Process type -> count (`{ web: N }` unless `x-dokku.process` names another type). */
  readonly processes: Readonly<Record<string, number>>;
  readonly resources: {
    readonly limit: { readonly cpu?: string; readonly memory?: string };
    readonly reserve: { readonly memory?: string };
  };
  /** `ps:set restart-policy` value. */
  readonly restartPolicy?: string;
  /** `ps:set dockerfile-start-cmd` value (compose `command`, shell-quoted). */
  readonly startCommand?: string;
  /**
   * Healthchecks as app.json `healthchecks` entries of the app's process type (build apps only;
   * the compiler writes them to a generated `.dokompose/app.json` in the build archive).
   */
  readonly healthchecks?: readonly Readonly<Record<string, unknown>>[];
  /** Where the `healthcheck` key is (set with `healthchecks`). */
  readonly healthcheckSource?: SourceRef;
  readonly domains: readonly string[];
  readonly letsencrypt: boolean;
  /** Compose services this app depends on (sorted): apps and datastores. */
  readonly dependsOn: readonly string[];
  readonly source: SourceRef;
}

/** A topological level of the service graph: services in one level can be set up in parallel. */
export interface StackLevel {
  readonly index: number;
  /** Compose service names in this level (sorted). */
  readonly services: readonly string[];
}

/** A compile warning: a compose key that was lossy or ignored, with its reason. */
export interface StackWarning {
  readonly code: string;
  readonly message: string;
  readonly source: SourceRef;
}

/** The whole Stack. */
export interface Stack {
  readonly version: typeof STACK_VERSION;
  readonly project: string;
  /** `sha256:<hex>` of the input files (project-relative names and contents, sorted by name). */
  readonly inputChecksum: string;
  /** Sorted by name. */
  readonly networks: readonly StackNetwork[];
  /** Sorted by name. */
  readonly storage: readonly StackStorage[];
  /** Sorted by name. */
  readonly datastores: readonly StackDatastore[];
  /** Sorted by name. */
  readonly apps: readonly StackApp[];
  /** Sorted by app, then datastore. */
  readonly links: readonly StackLink[];
  readonly levels: readonly StackLevel[];
  /** Secret names (sorted) the runtime must resolve. */
  readonly secrets: readonly string[];
  readonly warnings: readonly StackWarning[];
}
