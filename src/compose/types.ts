/**
 * The canonical compose model: what the loader produces and the compiler consumes.
 *
 * Its JSON form is exactly the canonical JSON shape of `docker compose config --format json` /
 * compose-go, as described in `../shared/compose-conformance/README.md`. Every short syntax has
 * been expanded, so later stages never ask "is this a string or a list".
 *
 * Known keys are typed; keys the loader does not reshape (cap_add, sysctls, ...) are kept as they
 * were validated, under the index signature, so the compiler can classify every key.
 */
import type { Span } from "../diagnostics/mod.ts";

export type Json = null | boolean | number | string | readonly Json[] | {
  readonly [k: string]: Json;
};

export interface PortConfig {
  readonly target: number;
  /** Always a string (`"8080"`, a range `"8000-9000"`), absent when not published. */
  readonly published?: string;
  readonly host_ip?: string;
  readonly protocol: string;
  readonly mode: string;
  readonly name?: string;
  readonly app_protocol?: string;
}

export interface VolumeMount {
  readonly type: "volume" | "bind" | "tmpfs" | "npipe" | "cluster" | "image";
  /** Named volume key, absolute bind path; absent for anonymous volumes and tmpfs. */
  readonly source?: string;
  readonly target: string;
  readonly read_only?: boolean;
  readonly bind?: {
    readonly create_host_path?: boolean;
    readonly propagation?: string;
    readonly selinux?: string;
  };
  readonly volume?: { readonly nocopy?: boolean; readonly subpath?: string };
  /** `size` is a decimal string of bytes. */
  readonly tmpfs?: { readonly size?: string; readonly mode?: number };
  readonly consistency?: string;
}

export interface DependsOn {
  readonly condition: "service_started" | "service_healthy" | "service_completed_successfully";
  readonly required: boolean;
  readonly restart?: boolean;
}

export interface ServiceNetwork {
  readonly aliases?: readonly string[];
  readonly ipv4_address?: string;
  readonly ipv6_address?: string;
  readonly priority?: number;
  readonly [key: string]: unknown;
}

export interface Healthcheck {
  /** `["CMD-SHELL", s]`, `["CMD", ...]` or `["NONE"]`. */
  readonly test?: readonly string[];
  /** Go duration strings (`"1m30s"`). */
  readonly interval?: string;
  readonly timeout?: string;
  readonly start_period?: string;
  readonly start_interval?: string;
  readonly retries?: number;
  readonly disable?: boolean;
}

export interface BuildConfig {
  /** Absolute path, unless a URL or git reference. */
  readonly context: string;
  readonly dockerfile?: string;
  readonly dockerfile_inline?: string;
  readonly args?: Readonly<Record<string, string | null>>;
  readonly target?: string;
  readonly [key: string]: unknown;
}

export interface ServiceSecretGrant {
  readonly source: string;
  readonly target?: string;
  readonly uid?: string;
  readonly gid?: string;
  /** Octal string, e.g. `"0440"`. */
  readonly mode?: string;
}

export interface ServiceConfig {
  readonly image?: string;
  readonly build?: BuildConfig;
  /** `null` means "use the image default"; `[]` means explicitly empty. */
  readonly command?: readonly string[] | null;
  readonly entrypoint?: readonly string[] | null;
  /** The resolved container environment (env_file merged, `environment` wins); `null` = unset. */
  readonly environment?: Readonly<Record<string, string | null>>;
  readonly env_file?: readonly {
    readonly path: string;
    readonly required: boolean;
    readonly format?: string;
  }[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly ports?: readonly PortConfig[];
  readonly expose?: readonly string[];
  readonly volumes?: readonly VolumeMount[];
  readonly depends_on?: Readonly<Record<string, DependsOn>>;
  readonly networks?: Readonly<Record<string, ServiceNetwork | null>>;
  readonly network_mode?: string;
  readonly healthcheck?: Healthcheck;
  readonly restart?: string;
  readonly secrets?: readonly ServiceSecretGrant[];
  readonly configs?: readonly ServiceSecretGrant[];
  readonly links?: readonly string[];
  readonly volumes_from?: readonly string[];
  readonly profiles?: readonly string[];
  readonly scale?: number;
  readonly deploy?: { readonly [key: string]: unknown };
  /** Byte sizes are decimal strings. */
  readonly mem_limit?: string;
  readonly cpus?: number;
  readonly [key: string]: unknown;
}

export interface TopLevelResource {
  /** The platform name (`<project>_<key>` unless external or named). */
  readonly name?: string;
  readonly external?: boolean;
  readonly driver?: string;
  readonly file?: string;
  readonly environment?: string;
  readonly content?: string;
  readonly [key: string]: unknown;
}

/** The canonical model (the JSON of `dokompose config --format json`). */
export interface ComposeModel {
  readonly name: string;
  readonly services: Readonly<Record<string, ServiceConfig>>;
  readonly networks?: Readonly<Record<string, TopLevelResource>>;
  readonly volumes?: Readonly<Record<string, TopLevelResource>>;
  readonly secrets?: Readonly<Record<string, TopLevelResource>>;
  readonly configs?: Readonly<Record<string, TopLevelResource>>;
  readonly [key: string]: unknown;
}

/** A compose file as read: project-relative path (`/` separators) and its exact text. */
export interface InputFile {
  readonly path: string;
  readonly text: string;
}

/**
 * Where each part of the model came from. Keys are compose paths as arrays
 * (`["services", "web", "environment", "DATABASE_URL"]`); a lookup falls back to the nearest
 * ancestor that has a location, so every path resolves to something useful.
 */
export interface SourceMap {
  get(path: readonly (string | number)[]): Span | undefined;
}

/** What the loader returns on success. */
export interface LoadedProject {
  readonly model: ComposeModel;
  readonly sources: SourceMap;
  /** Services disabled by profiles (sorted); not in `model.services`. */
  readonly disabledServices: readonly string[];
  /** Every file read (compose files, .env, env_files, extends/include targets), sorted by path. */
  readonly inputs: readonly InputFile[];
  /** Absolute project directory (never written into artifacts). */
  readonly projectDir: string;
}
