/**
 * The plain-YAML fast path (`src/source/_plain_yaml.ts`) against the `yaml` package: on every YAML
 * file of the fixtures and the conformance suite, on generated bench files and on line-by-line
 * mutations of all of them, whatever the fast path accepts it must read exactly as the full
 * parser does (values, spans in the same order, no tags, no diagnostics).
 */
import assert from "node:assert/strict";
import { parseFullYaml, parseYaml } from "../src/source/_yaml.ts";
import { parsePlainYaml } from "../src/source/plain.ts";
import { composeYaml } from "../bench/_gen.ts";

const CONFORMANCE = new URL("../../shared/compose-conformance/", import.meta.url);
const FIXTURES = new URL("../fixtures/", import.meta.url);

function yamlFiles(dir: URL, out: string[] = []): string[] {
  // Sorted: the test's order (and its messages) should not depend on the file system.
  const entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1);
  for (const entry of entries) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yamlFiles(url, out);
    else if (/\.ya?ml$/.test(entry.name)) out.push(Deno.readTextFileSync(url));
  }
  return out;
}

/** Variants of `text`, one line changed at a time, to reach the fast path's edges. */
function mutations(text: string): string[] {
  const lines = text.split("\n");
  const edits: ((line: string) => string)[] = [
    (l) => `${l} # note`,
    (l) => `${l}#x`,
    (l) => `${l}   `,
    (l) => ` ${l}`,
    (l) => l.replace(/: (.+)$/, ": '$1'"),
    (l) => l.replace(/: (.+)$/, ': "$1"'),
    (l) => l.replace(/: "(.*)"$/, ": $1"),
    (l) => l.replace(/: .+$/, ":"),
    (l) => l.replace(/: .+$/, ": 0755"),
    (l) => l.replace(/: .+$/, ": -12"),
    (l) => l.replace(/: .+$/, ": 1.50"),
    (l) => l.replace(/: .+$/, ": 1e3"),
    (l) => l.replace(/: .+$/, ": ~"),
    (l) => l.replace(/: .+$/, ": TRUE"),
    (l) => l.replace(/: .+$/, ": a: b"),
    (l) => l.replace(/: .+$/, ": a #b # c"),
    (l) => l.replace(/^(\s*)([\w.-]+):/, "$1true:"),
    (l) => l.replace(/^(\s*)([\w.-]+):/, "$1__proto__:"),
    (l) => l.replace(/^(\s*)- /, "$1-   "),
    (l) => l.replace(/^(\s*)- (.*)$/, "$1- - $2"),
    (l) => l.replace(/^(\s*)- (.*)$/, "$1- k: $2"),
    (l) => l.replace(/^ {2}/, ""),
  ];
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    for (const edit of edits) {
      const line = lines[i] as string;
      const changed = edit(line);
      if (changed !== line) {
        out.push([...lines.slice(0, i), changed, ...lines.slice(i + 1)].join("\n"));
      }
    }
    // A duplicated line (duplicate keys) and a removed one (indentation changes).
    out.push([...lines.slice(0, i + 1), ...lines.slice(i)].join("\n"));
    out.push([...lines.slice(0, i), ...lines.slice(i + 1)].join("\n"));
  }
  return out;
}

function compare(text: string): boolean {
  const plain = parsePlainYaml(text, { file: "compose.yaml" });
  if (plain === undefined) return false;
  const full = parseFullYaml(text, { file: "compose.yaml" });
  assert.deepEqual(plain, full, text);
  assert.deepEqual(full.diagnostics, [], text);
  assert.equal(full.documents.length, 1, text);
  // The same spans, set in the same order (deepEqual does not compare Map order).
  assert.deepEqual([...plain.documents[0]!.spans], [...full.documents[0]!.spans], text);
  return true;
}

Deno.test("plain yaml: reads what it accepts exactly as the yaml package does", () => {
  const files = [...yamlFiles(FIXTURES), ...yamlFiles(CONFORMANCE), composeYaml(3)];
  let accepted = 0;
  let tried = 0;
  for (const text of files) {
    for (const variant of [text, ...mutations(text)]) {
      tried++;
      if (compare(variant)) accepted++;
    }
  }
  for (const n of [10, 40]) assert.ok(compare(composeYaml(n)), `bench ${n}`);
  console.log(`accepted ${accepted} of ${tried}`);
  // Not vacuous: the fast path takes a good share of the inputs, and refuses some.
  assert.ok(accepted > 1000, `accepted ${accepted} of ${tried}`);
  assert.ok(accepted < tried, `accepted all ${tried}`);
});

Deno.test("plain yaml: the bench files take the fast path", () => {
  for (const n of [1, 10, 40]) {
    assert.ok(parsePlainYaml(composeYaml(n), { file: "c.yaml" }), `bench ${n}`);
  }
});

Deno.test("plain yaml: what it leaves to the full parser", () => {
  const refused = [
    "",
    "# only a comment\n",
    "a: 1\r\n",
    "a:\tb\n",
    "a: é\n",
    "---\na: 1\n",
    "a: [1, 2]\n",
    "a: {b: 1}\n",
    "a: |\n  text\n",
    "a: &x 1\nb: *x\n",
    "a: !reset []\n",
    "<<: {a: 1}\n",
    '"a": 1\n',
    'a: "\\n"\n',
    "a: 'it''s'\n",
    "a: one\n  two\n",
    "a:\n",
    "a: 1\na: 2\n",
    "a: 0755\n",
    "a: 0x1f\n",
    "a: .inf\n",
    "1: a\n",
    "- a\n",
    "a:\n  - b: 1\n",
    "a: b: c\n",
    "  a: 1\n",
  ];
  for (const text of refused) {
    assert.equal(parsePlainYaml(text, { file: "c.yaml" }), undefined, text);
  }
});

Deno.test("plain yaml: parseYaml gives the same result through either path", () => {
  const text = "services:\n  web:\n    image: nginx # pinned later\n    ports:\n    - '80:80'\n";
  assert.ok(parsePlainYaml(text, { file: "c.yaml" }) !== undefined);
  assert.deepEqual(parseYaml(text, { file: "c.yaml" }), parseFullYaml(text, { file: "c.yaml" }));
});
