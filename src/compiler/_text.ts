/** Text helpers for notes and ids: masking secrets, stable step ids. */

const URL_PASSWORD = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)@/g;

/** Hides the password of every URL in `text` (`postgres://u:pw@db/x` -> `postgres://u:***@db/x`). */
export function maskUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, "$1***@");
}

/** A step-id component made from a name: lower case, `[a-z0-9.-]`, starting with `[a-z0-9]`. */
export function idPart(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^[^a-z0-9]+/, "");
  return cleaned === "" ? "x" : cleaned;
}

/** Hands out unique id prefixes: the second holder of `web` gets `web-2`, and so on. */
export class IdAllocator {
  readonly #taken = new Set<string>();

  take(name: string): string {
    const base = idPart(name);
    let id = base;
    for (let n = 2; this.#taken.has(id); n++) id = `${base}-${n}`;
    this.#taken.add(id);
    return id;
  }
}
