/**
 * What Dokku itself does, as far as both the compiler and the runtime need to know it (see
 * `../shared/dokku/SEMANTICS.md`). Pure.
 *
 * The Dokku test double (`test/dokku_double/`) models the same behaviour on its own, on purpose:
 * it is the oracle the compiler's and the runtime's use of these rules is tested against.
 *
 * @module
 */

/**
 * The environment variable a datastore link sets in the app for `--alias <alias>`: the alias
 * upper-cased, a trailing `_URL` stripped, then `_URL` added (`db` -> `DB_URL`,
 * `database_url` -> `DATABASE_URL`).
 */
export function linkVariable(alias: string): string {
  return `${alias.toUpperCase().replace(/_URL$/, "")}_URL`;
}
