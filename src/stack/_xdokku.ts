/** The service-level `x-dokku` extension: validated once, typed for the rest of the transform. */
import { didYouMean } from "../compose/suggest.ts";
import { type Context, isRecord } from "./_context.ts";
import { X_DOKKU_KEYS } from "./_mapping.ts";
import { CONFIG_KEY } from "./_naming.ts";

export interface XDokku {
  readonly app?: boolean;
  readonly datastore?: string;
  readonly process?: string;
  readonly scheme?: string;
  readonly ports?: readonly string[];
  readonly domains?: readonly string[];
  readonly letsencrypt?: boolean;
  readonly git?: { readonly repository: string; readonly ref?: string };
  readonly secrets?: readonly string[];
  readonly secretEnv?: Readonly<Record<string, string>>;
}

const SCHEMES = ["grpc", "grpcs", "http", "https"];
const DOMAIN_RE =
  /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
export const PORT_MAP_RE = /^([a-z][a-z0-9]*):([0-9]{1,5}):([0-9]{1,5})$/;

function strings(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** Reads `services.<service>.x-dokku`; reports bad values and unknown keys. */
export function readXDokku(ctx: Context, service: string): XDokku {
  const raw = ctx.service(service)["x-dokku"];
  const base = ["services", service, "x-dokku"];
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    ctx.bag.add("DK4071", {
      key: "",
      service,
      reason: "expected a mapping",
      expected: "Write 'x-dokku:' as a mapping, e.g. 'x-dokku: {domains: [example.com]}'",
    }, { span: ctx.sources.get(base), path: base.join(".") });
    return {};
  }
  const out: { -readonly [K in keyof XDokku]: XDokku[K] } = {};
  const bad = (key: string, reason: string, expected: string) =>
    ctx.report("DK4071", { key, service, reason, expected }, [...base, key]);
  // Sorted: reports come out in a stable order whatever the YAML order was.
  for (const key of Object.keys(raw).sort()) {
    const value = raw[key];
    switch (key) {
      case "app":
        if (typeof value === "boolean") out.app = value;
        else {bad(
            key,
            "expected true or false",
            "Write 'app: true' to deploy the service as an app",
          );}
        break;
      case "datastore":
        if (typeof value === "string") out.datastore = value;
        else bad(key, "expected a plugin name", "Write e.g. 'datastore: postgres'");
        break;
      case "process":
        if (typeof value === "string" && /^[a-z0-9][a-z0-9-]*$/.test(value)) out.process = value;
        else {bad(
            key,
            `'${String(value)}' is not a process type`,
            "Process types are lower-case words such as 'web' or 'worker'",
          );}
        break;
      case "scheme":
        if (typeof value === "string" && SCHEMES.includes(value)) out.scheme = value;
        else {bad(
            key,
            `'${String(value)}' is not a proxy scheme`,
            `Expected one of ${SCHEMES.join(", ")}`,
          );}
        break;
      case "ports":
        if (strings(value) && value.every((v) => PORT_MAP_RE.test(v))) out.ports = value;
        else {bad(
            key,
            "expected a list of 'scheme:host-port:container-port'",
            'Write e.g. \'ports: ["http:80:5000", "https:443:5000"]\'',
          );}
        break;
      case "domains":
        if (strings(value) && value.every((v) => DOMAIN_RE.test(v))) out.domains = value;
        else {bad(
            key,
            "expected a list of domain names",
            "Write e.g. 'domains: [shop.example.com]'",
          );}
        break;
      case "letsencrypt":
        if (typeof value === "boolean") out.letsencrypt = value;
        else bad(key, "expected true or false", "Write 'letsencrypt: true'");
        break;
      case "git":
        if (
          isRecord(value) && typeof value.repository === "string" && value.repository.length > 0 &&
          (value.ref === undefined || typeof value.ref === "string") &&
          Object.keys(value).every((k) => k === "repository" || k === "ref")
        ) {
          out.git = value.ref === undefined
            ? { repository: value.repository }
            : { repository: value.repository, ref: value.ref as string };
        } else {
          bad(
            key,
            "expected {repository, ref}",
            "Write e.g. 'git: {repository: https://github.com/acme/shop.git, ref: main}'",
          );
        }
        break;
      case "secrets":
        if (strings(value) && value.every((v) => CONFIG_KEY.test(v))) out.secrets = value;
        else {bad(
            key,
            "expected a list of environment variable names",
            "Write e.g. 'secrets: [API_KEY, DB_PASSWORD]'",
          );}
        break;
      case "secret-env":
        if (
          isRecord(value) &&
          Object.values(value).every((v) => typeof v === "string" && CONFIG_KEY.test(v))
        ) out.secretEnv = value as Record<string, string>;
        else {bad(
            key,
            "expected a mapping of secret name to environment variable name",
            "Write e.g. 'secret-env: {db_password: DB_PASSWORD}'",
          );}
        break;
      default: {
        const near = didYouMean(key, X_DOKKU_KEYS);
        ctx.bag.add("DK4072", { key, service, known: X_DOKKU_KEYS.join(", ") }, {
          span: ctx.sources.get([...base, key]),
          path: [...base, key].join("."),
          ...(near === undefined
            ? {}
            : { hint: `Did you mean '${near}'? Known keys: ${X_DOKKU_KEYS.join(", ")}` }),
        });
      }
    }
  }
  if (out.app === true && out.datastore !== undefined) {
    bad("app", "'app: true' and 'datastore' exclude each other", "Keep one of them");
  }
  return out;
}
