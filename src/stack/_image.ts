/**
 * Image references, parsed like Docker's reference grammar (distribution/reference):
 * `[registry[:port]/]path[:tag][@algo:hex]`, with Docker Hub normalization (`docker.io`,
 * `index.docker.io`, and `library/` for single-component names).
 */

/** A parsed image reference. */
export interface ImageRef {
  /** The registry host (`docker.io` for Docker Hub). */
  readonly registry: string;
  /** The repository path in that registry (`library/postgres`, `bitnami/postgresql`). */
  readonly path: string;
  /** The short form users write (`postgres`, `bitnami/postgresql`, `ghcr.io/acme/api`). */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** The outcome of {@linkcode parseImageRef}. */
export type ImageParse =
  | { readonly ok: true; readonly ref: ImageRef }
  | { readonly ok: false; readonly reason: string };

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

/** Parses an image reference; never throws. */
export function parseImageRef(text: string): ImageParse {
  if (text.length === 0) return { ok: false, reason: "the reference is empty" };
  if (text !== text.trim() || /\s/.test(text)) {
    return { ok: false, reason: "it contains white space" };
  }
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) {
      return { ok: false, reason: `'${digest}' is not a digest like 'sha256:<64 hex digits>'` };
    }
    if (digest.startsWith("sha256:") && digest.length !== 7 + 64) {
      return { ok: false, reason: "a sha256 digest has exactly 64 hex digits" };
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { ok: false, reason: `'${tag}' is not a valid tag` };
  }
  if (rest.length === 0) return { ok: false, reason: "the repository name is empty" };
  const parts = rest.split("/");
  let registry = "docker.io";
  const first = parts[0]!;
  if (
    parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost" ||
      first !== first.toLowerCase())
  ) {
    if (!DOMAIN.test(first)) return { ok: false, reason: `'${first}' is not a valid registry` };
    registry = first === "index.docker.io" ? "docker.io" : first;
    parts.shift();
  }
  for (const part of parts) {
    if (!COMPONENT.test(part)) {
      return {
        ok: false,
        reason: part !== part.toLowerCase()
          ? `repository names must be lower case ('${part}')`
          : `'${part}' is not a valid path component`,
      };
    }
  }
  if (rest.length > 255) return { ok: false, reason: "the repository name is longer than 255" };
  let path = parts.join("/");
  if (registry === "docker.io" && parts.length === 1) path = `library/${path}`;
  const repository = registry === "docker.io"
    ? (path.startsWith("library/") ? path.slice("library/".length) : path)
    : `${registry}/${path}`;
  const ref: { -readonly [K in keyof ImageRef]: ImageRef[K] } = { registry, path, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return { ok: true, ref };
}
