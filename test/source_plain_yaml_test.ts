/**
 * The plain-YAML fast path (`src/source/plain.ts`) against the `yaml` package: on every YAML
 * file of the fixtures and the conformance suite, on generated bench files and on line-by-line
 * mutations of all of them, whatever the fast path accepts it must read exactly as the full
 * parser does (values, spans in the same order, no tags, no diagnostics).
 */
import assert from "node:assert/strict";
import { parseFullYaml, parseYaml } from "../src/source/_yaml.ts";
import { keyPathKey, parsePlainYaml, pathKey } from "../src/source/plain.ts";
import { composeYaml } from "../bench/_gen.ts";

const CONFORMANCE = new URL("../../shared/compose-conformance/", import.meta.url);
const FIXTURES = new URL("../fixtures/", import.meta.url);

/** Seeds for the mutations: the empty values and one-line flow sequences the fast path reads. */
const SEED = `name: seed
services:
  web:
    image: nginx:1.25
    command: ["npm", "run", "start"]
    entrypoint: [ /bin/sh , -c ]
    ports: ["80:80", '443:443']
    depends_on: [db,cache,]
    profiles: []
    dns: [ ] # none
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"] # probe
      retries: 3
    environment:
      DEBUG:
      EMPTY:   
      COMMENTED: # nothing
      LEVEL: info
    labels:
      - [a, b]
      - []
      -
      - x
    extra_hosts:
    - [1, true, null, ~, 1.5, '', "a, b", a b, a:b]
  db:
    image: postgres
networks:
  front:
  back:
volumes:
  pgdata:
  # a comment between
  cache:
`;

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
    // Toward and around one-line flow sequences and empty values.
    (l) => l.replace(/: (.+)$/, ": [$1]"),
    (l) => l.replace(/: (.+)$/, ': ["$1", x]'),
    (l) => l.replace(/^(\s*)- (.*)$/, "$1- [$2]"),
    (l) => l.replace(/: .+$/, ": []"),
    (l) => l.replace(/^(\s*)- .*$/, "$1-"),
    (l) => l.replace(/^(\s*)- .*$/, "$1- # c"),
    (l) => l.replace(/\[/, "[ "),
    (l) => l.replace(/\[/, "[["),
    (l) => l.replace(/\[/, "[,"),
    (l) => l.replace(/\]/, ",]"),
    (l) => l.replace(/\]/, "]]"),
    (l) => l.replace(/\]/, "] x"),
    (l) => l.replace(/\]/, "]#x"),
    (l) => l.replace(/\](.*)$/, ""),
    (l) => l.replace(/\[(.*)\]/, "[$1 # c]"),
    (l) => l.replace(/\[(.*)\]/, "{$1}"),
    (l) => l.replace(/, /g, ","),
    (l) => l.replace(/, /, ",, "),
    (l) => l.replace(/, /, ": "),
    (l) => l.replace(/, /, " :"),
    (l) => l.replace(/,/, ":,"),
    (l) => l.replace(/"/g, "'"),
    (l) => l.replace(/"/g, ""),
    (l) => l.replace(/"/, '"\\'),
    (l) => l.replace(/'/, "''"),
    (l) => l.replace(/\[([^\]]*)\]/, "[$1, 0755, -0, .inf, *a, &b c, !t d, ?e, -f, %g]"),
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
  const files = [...yamlFiles(FIXTURES), ...yamlFiles(CONFORMANCE), composeYaml(3), SEED];
  let accepted = 0;
  let tried = 0;
  for (const text of files) {
    for (const variant of [text, ...mutations(text)]) {
      tried++;
      if (compare(variant)) accepted++;
    }
  }
  for (const n of [10, 40]) assert.ok(compare(composeYaml(n)), `bench ${n}`);
  assert.ok(compare(SEED), "the seed takes the fast path");
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
    "a: {b: 1}\n",
    "a: |\n  text\n",
    "a: &x 1\nb: *x\n",
    "a: !reset []\n",
    "<<: {a: 1}\n",
    '"a": 1\n',
    'a: "\\n"\n',
    "a: 'it''s'\n",
    "a: one\n  two\n",
    "a: 1\na: 2\n",
    "a: 0755\n",
    "a: 0x1f\n",
    "a: .inf\n",
    "1: a\n",
    "- a\n",
    "- [a]\n",
    "a: [a, [b]]\n",
    "a: [{b: 1}]\n",
    "a: [b: 1]\n",
    "a: [b:]\n",
    "a: [b:, c]\n",
    "a: [b : c]\n",
    '"a": [b]\n',
    "a: [a,\n  b]\n",
    "a: [\n  a]\n",
    "a: [,]\n",
    "a: [a,,b]\n",
    "a: [a] b\n",
    "a: [a]#c\n",
    "a: [a #b]\n",
    "a: [a]]\n",
    'a: ["a"b]\n',
    'a: ["\\n"]\n',
    "a: ['it''s']\n",
    "a: [0755]\n",
    "a: [.inf]\n",
    "a: [*x]\n",
    "a: [&x a]\n",
    "a: [!reset a]\n",
    "a: [? x]\n",
    "a: [-]\n",
    "a: [- a]\n",
    "a: [-, a]\n",
    "a: [a]\n  b: 1\n",
    "a:\n-\n  b: 1\n",
    "a:\n- # c\n  b\n",
    "a:\n  - b: 1\n",
    "a: b: c\n",
    "  a: 1\n",
  ];
  for (const text of refused) {
    assert.equal(parsePlainYaml(text, { file: "c.yaml" }), undefined, text);
  }
});

Deno.test("plain yaml: reads empty values and one-line flow sequences as yaml does", () => {
  const accepted = [
    // Empty (null) values: before a sibling, a dedent, a comment or the end of the file.
    "volumes:\n  pgdata:\n  cache:\n",
    "a:\nb: 1\n",
    "a:",
    "a:\n",
    "a:   \nb: 1\n",
    "a:   ",
    "a: # c\nb: 1\n",
    "a:    # c\n",
    "a:\n# c\nb: 1\n",
    "a:\n    # deeper comment\nb: 1\n",
    "x:\n  a:\nb: 1\n",
    "x:\n  a:   \n\n\nb:\n",
    "environment:\n  DEBUG:\n  LEVEL: info\n",
    // A key with nothing after it and a deeper line: the line is its value.
    "a:\n  b:\n",
    "a: # c\n  - b\n",
    // Empty list items.
    "a:\n- \n- b\n",
    "a:\n-\n",
    "a:\n  -   \nb: 1\n",
    "a:\n- # c\n- x\n",
    "a:\n  -   # c\n  - x\n",
    // One-line flow sequences.
    'command: ["npm", "start"]\n',
    'test: ["CMD", "curl", "-f", "http://localhost"]\n',
    "depends_on: [db, cache]\n",
    'ports: ["80:80", "443:443"]\n',
    "a: [ a , b ]\n",
    "a: [a,b]\n",
    "a: [a, b,]\n",
    "a: [a, b, ]\n",
    "a: []\n",
    "a: [ ]\n",
    'a: ["a, b"]\n',
    "a: ['x']\n",
    "a: [ 'x' ,\"y\" ]\n",
    "a: [1, true, null, ~, 1.5, '', \"\", -3, +4, FALSE, 1e3, .5]\n",
    "a: [a] # c\n",
    "a: [a]   \n",
    "a: [ ] # c\n",
    "a: [a b  c, a:b, c:/d, a#b, a :b, a?, a- b, a'b]\n",
    "a: [/bin/sh, -c, --flag, -1, -.5]\n",
    "a:\n- [a, b]\n",
    "a:\n  - [a, b] # c\n  - []\n  - [ ]\n  - x\n",
    "a: [x]\nb:\n",
  ];
  for (const text of accepted) {
    assert.ok(compare(text), `not taken by the fast path: ${JSON.stringify(text)}`);
  }
});

Deno.test("plain yaml: flow sequence and empty value spans", () => {
  const text = "a: [ x , 'y' ]\nb:   \nc:\n- [1]\n-\n";
  const doc = parsePlainYaml(text, { file: "c.yaml" })?.documents[0];
  assert.ok(doc !== undefined);
  assert.deepEqual(doc.value, { a: ["x", "y"], b: null, c: [[1], null] });
  const at = (...path: (string | number)[]) => {
    const span = doc.spans.get(pathKey(path));
    return span && [span.line, span.column, span.endLine, span.endColumn];
  };
  assert.deepEqual(at("a"), [1, 1, 1, 2]);
  assert.deepEqual(at("a", 0), [1, 6, 1, 7]);
  assert.deepEqual(at("a", 1), [1, 10, 1, 13]);
  assert.deepEqual(at("b"), [2, 6, undefined, undefined]);
  assert.deepEqual(at("c", 0), [4, 3, 4, 6]);
  assert.deepEqual(at("c", 0, 0), [4, 4, 4, 5]);
  assert.deepEqual(at("c", 1), [5, 2, undefined, undefined]);
  assert.deepEqual(doc.spans.get(keyPathKey(["b"])), {
    file: "c.yaml",
    line: 2,
    column: 1,
    endLine: 2,
    endColumn: 2,
  });
});

Deno.test("plain yaml: most compile fixtures take the fast path", () => {
  const dir = new URL("compile/", FIXTURES);
  const names = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  const slow: string[] = [];
  for (const name of names) {
    let text: string;
    try {
      text = Deno.readTextFileSync(new URL(`${name}/compose.yaml`, dir));
    } catch {
      continue;
    }
    if (!compare(text)) slow.push(name);
  }
  // Left to the full parser: a block scalar, quoted keys, mappings inside a sequence.
  assert.ok(slow.length <= 3, `full parser for ${slow.join(", ")}`);
});

Deno.test("plain yaml: parseYaml gives the same result through either path", () => {
  const text = "services:\n  web:\n    image: nginx # pinned later\n    ports:\n    - '80:80'\n";
  assert.ok(parsePlainYaml(text, { file: "c.yaml" }) !== undefined);
  assert.deepEqual(parseYaml(text, { file: "c.yaml" }), parseFullYaml(text, { file: "c.yaml" }));
});
