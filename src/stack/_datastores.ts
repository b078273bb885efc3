/**
 * The ten official datastore plugins: which images they run, their link alias and which
 * container environment variables map to `<plugin>:create` flags. Kept in code so the transform
 * stays pure; `test/stack_datastores_test.ts` checks it against `shared/dokku/commands.json`.
 */
import type { DatastorePlugin } from "./model.ts";
import type { ImageRef } from "./_image.ts";

export interface PluginInfo {
  readonly plugin: DatastorePlugin;
  /** The registry path of the default image on Docker Hub (`library/postgres`). */
  readonly path: string;
  /** The image as the plugin names it (`postgres`, `clickhouse/clickhouse-server`). */
  readonly image: string;
  readonly defaultImageVersion: string;
  /** The link alias when none is given: the link sets `<alias>_URL`. */
  readonly defaultAlias: string;
  /** Container environment variable -> create flag. */
  readonly envFlags: Readonly<Record<string, "--password" | "--root-password">>;
  /** Container environment variables the plugin decides itself, with why. */
  readonly envFixed: Readonly<Record<string, string>>;
}

const PG_FIXED = "The plugin creates the user 'postgres' and a database named after the service";
const MY_FIXED = "The plugin creates its own user and a database named after the service";

/** Sorted by plugin name. */
export const PLUGINS: readonly PluginInfo[] = [
  {
    plugin: "clickhouse",
    path: "clickhouse/clickhouse-server",
    image: "clickhouse/clickhouse-server",
    defaultImageVersion: "26.5.1.882",
    defaultAlias: "CLICKHOUSE",
    envFlags: { CLICKHOUSE_PASSWORD: "--password" },
    envFixed: { CLICKHOUSE_USER: MY_FIXED, CLICKHOUSE_DB: MY_FIXED },
  },
  {
    plugin: "elasticsearch",
    path: "library/elasticsearch",
    image: "elasticsearch",
    defaultImageVersion: "9.3.3",
    defaultAlias: "ELASTICSEARCH",
    envFlags: {},
    envFixed: {},
  },
  {
    plugin: "mariadb",
    path: "library/mariadb",
    image: "mariadb",
    defaultImageVersion: "12.2.2",
    defaultAlias: "DATABASE",
    envFlags: {
      MARIADB_PASSWORD: "--password",
      MARIADB_ROOT_PASSWORD: "--root-password",
      MYSQL_PASSWORD: "--password",
      MYSQL_ROOT_PASSWORD: "--root-password",
    },
    envFixed: {
      MARIADB_DATABASE: MY_FIXED,
      MARIADB_USER: MY_FIXED,
      MYSQL_DATABASE: MY_FIXED,
      MYSQL_USER: MY_FIXED,
    },
  },
  {
    plugin: "meilisearch",
    path: "getmeili/meilisearch",
    image: "getmeili/meilisearch",
    defaultImageVersion: "v1.45.0",
    defaultAlias: "MEILISEARCH",
    envFlags: { MEILI_MASTER_KEY: "--password" },
    envFixed: {},
  },
  {
    plugin: "memcached",
    path: "library/memcached",
    image: "memcached",
    defaultImageVersion: "1.6.42",
    defaultAlias: "MEMCACHED",
    envFlags: {},
    envFixed: {},
  },
  {
    plugin: "mongo",
    path: "library/mongo",
    image: "mongo",
    defaultImageVersion: "8.2.9",
    defaultAlias: "MONGO",
    envFlags: { MONGO_INITDB_ROOT_PASSWORD: "--root-password" },
    envFixed: { MONGO_INITDB_ROOT_USERNAME: MY_FIXED, MONGO_INITDB_DATABASE: MY_FIXED },
  },
  {
    plugin: "mysql",
    path: "library/mysql",
    image: "mysql",
    defaultImageVersion: "9.7.0",
    defaultAlias: "DATABASE",
    envFlags: { MYSQL_PASSWORD: "--password", MYSQL_ROOT_PASSWORD: "--root-password" },
    envFixed: { MYSQL_DATABASE: MY_FIXED, MYSQL_USER: MY_FIXED },
  },
  {
    plugin: "postgres",
    path: "library/postgres",
    image: "postgres",
    defaultImageVersion: "18.4",
    defaultAlias: "DATABASE",
    envFlags: { POSTGRES_PASSWORD: "--password" },
    envFixed: { POSTGRES_DB: PG_FIXED, POSTGRES_USER: PG_FIXED },
  },
  {
    plugin: "rabbitmq",
    path: "library/rabbitmq",
    image: "rabbitmq",
    defaultImageVersion: "4.3.1-management",
    defaultAlias: "RABBITMQ",
    envFlags: { RABBITMQ_DEFAULT_PASS: "--password" },
    envFixed: { RABBITMQ_DEFAULT_USER: MY_FIXED, RABBITMQ_DEFAULT_VHOST: MY_FIXED },
  },
  {
    plugin: "redis",
    path: "library/redis",
    image: "redis",
    defaultImageVersion: "8.8.0",
    defaultAlias: "REDIS",
    envFlags: { REDIS_PASSWORD: "--password" },
    envFixed: {},
  },
];

/** Plugin names, sorted. */
export const PLUGIN_NAMES: readonly DatastorePlugin[] = PLUGINS.map((p) => p.plugin);

/** The plugin entry for a name, or undefined. */
export function pluginInfo(name: string): PluginInfo | undefined {
  return PLUGINS.find((p) => p.plugin === name);
}

/**
 * The plugin whose official image this is: an exact repository match on Docker Hub
 * (`postgres`, `docker.io/library/postgres`), never a prefix or look-alike (`mongo-express`,
 * `bitnami/postgresql`).
 */
export function pluginForImage(ref: ImageRef): PluginInfo | undefined {
  if (ref.registry !== "docker.io") return undefined;
  return PLUGINS.find((p) => p.path === ref.path);
}
