/**
 * Splitting of `SSH_ORIGINAL_COMMAND` the way Dokku does it: xargs quoting rules (blanks separate
 * words; single and double quotes group, with no escapes inside them; a backslash outside quotes
 * makes the next character literal). Commands starting with `git-` or `git:` are split on
 * whitespace only.
 */

/** The words, or an error message for an unmatched quote. */
export type SplitResult = { ok: true; words: string[] } | { ok: false; error: string };

const BLANK = /[ \t\n]/;

/** Splits a command line with xargs quoting rules. */
export function splitXargs(line: string): SplitResult {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  const chars = [...line];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === "\n") return { ok: false, error: `unmatched ${quoteName(quote)} quote` };
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\") {
      const next = chars[i + 1];
      if (next === undefined) {
        return { ok: false, error: "backslash at the end of the command line" };
      }
      cur += next;
      i++;
      inWord = true;
    } else if (BLANK.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote !== undefined) return { ok: false, error: `unmatched ${quoteName(quote)} quote` };
  if (inWord) words.push(cur);
  return { ok: true, words };
}

function quoteName(q: "'" | '"'): string {
  return q === "'" ? "single" : "double";
}

/**
 * Splits `SSH_ORIGINAL_COMMAND` as Dokku's forced command does: a leading `--` (from
 * `ssh host -- cmd`) is dropped; `git-*`/`git:*` commands are split on whitespace only.
 */
export function splitSshCommand(line: string): SplitResult {
  const trimmed = line.replace(/^[ \t\n]+/, "");
  const firstWord = trimmed.split(/[ \t\n]+/)[0] ?? "";
  let words: string[];
  const afterDashes = firstWord === "--" ? trimmed.slice(2).replace(/^[ \t\n]+/, "") : trimmed;
  const command = afterDashes.split(/[ \t\n]+/)[0] ?? "";
  if (command.startsWith("git-") || command.startsWith("git:")) {
    words = afterDashes.split(/[ \t\n]+/).filter((w) => w !== "");
  } else {
    const split = splitXargs(trimmed);
    if (!split.ok) return split;
    words = split.words;
    if (words[0] === "--") words = words.slice(1);
  }
  return { ok: true, words };
}
