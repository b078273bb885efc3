/**
 * Profile-guided eager compilation of the bundle (`make build`).
 *
 * Every CLI command is a fresh process. Deno keeps a V8 code cache for the bundle, but it holds
 * only what V8 compiled when it compiled the module: the top-level code. Every function is
 * compiled again, in every process, on its first call; for `compile` of a 10-service file that
 * was ~30 ms of the ~35 ms of JavaScript (V8's function events; `bench/out/results.md`).
 *
 * V8 compiles a function together with the script when the function is written as a
 * parenthesized expression (its heuristic for functions that are called at once), and then the
 * code cache holds it. Doing that for every function would make the cache, and so every start,
 * much bigger; so the build first runs the bundle on typical commands with V8's function events
 * logged ({@linkcode hotFunctionPositions}), and then marks only the functions those commands
 * compiled ({@linkcode eagerFunctions}):
 * - a function or arrow expression `f(function () {...})` becomes `f((function () {...}))`;
 * - a top-level function declaration `function f() {...}` becomes `var f = (function f() {...});`
 *   (no longer hoisted: a call before that line at load time would fail on every start, which
 *   the bundle tests would see at once);
 * - methods, nested declarations, async functions and generators stay as they are.
 *
 * Measured on `compile` of a 10-service file: ~9 ms less JavaScript for ~1 ms more load.
 *
 * @module
 */
import * as acorn from "acorn";
import * as walk from "acorn-walk";

/** A function node of acorn's tree, as far as this module reads it. */
interface FunctionNode {
  readonly type: "FunctionExpression" | "ArrowFunctionExpression" | "FunctionDeclaration";
  readonly start: number;
  readonly end: number;
  readonly id?: { readonly name: string; readonly end: number } | null;
  readonly params: readonly { readonly start: number }[];
  readonly async: boolean;
  readonly generator: boolean;
}

interface ParentNode {
  readonly type: string;
  readonly method?: boolean;
  readonly kind?: string;
}

/**
 * Where V8 says a function starts (its events' position): the `(` of its parameter list, or the
 * single parameter of an arrow written without parentheses.
 */
function v8Position(code: string, node: FunctionNode): number {
  if (node.type === "ArrowFunctionExpression" && code[node.start] !== "(") return node.start;
  let i = node.id ? node.id.end : node.start;
  while (i < node.end && code[i] !== "(") i++;
  return i;
}

/**
 * Marks the functions of `code` whose V8 position is in `hot` for eager compilation (see the
 * module documentation). Returns the new code and how many functions were marked.
 */
export function eagerFunctions(
  code: string,
  hot: ReadonlySet<number>,
): { code: string; marked: number } {
  const ast = acorn.parse(code, { ecmaVersion: "latest", sourceType: "module" });
  /** [position, text, opens]: insertions into the code. */
  const edits: [number, string, boolean][] = [];
  walk.fullAncestor(ast, (raw, _state, ancestors) => {
    const node = raw as unknown as FunctionNode;
    if (
      node.type !== "FunctionExpression" && node.type !== "ArrowFunctionExpression" &&
      node.type !== "FunctionDeclaration"
    ) return;
    if (!hot.has(v8Position(code, node))) return;
    const parent = ancestors[ancestors.length - 2] as unknown as ParentNode | undefined;
    if (node.type === "FunctionDeclaration") {
      if (parent?.type !== "Program" || node.async || node.generator || !node.id) return;
      edits.push([node.start, `var ${node.id.name} = (`, true], [node.end, ");", false]);
      return;
    }
    // A method's function is its body: it cannot be wrapped.
    if (
      parent?.type === "MethodDefinition" || parent?.type === "PropertyDefinition" ||
      (parent?.type === "Property" && (parent.method === true || parent.kind !== "init"))
    ) return;
    let before = node.start - 1;
    while (before >= 0 && /\s/.test(code[before] as string)) before--;
    if (code[before] === "(" && node.type === "FunctionExpression") return; // already one
    edits.push([node.start, "(", true], [node.end, ")", false]);
  });
  // From the end, so earlier positions stay valid. At one position the text inserted last comes
  // first: openings are inserted before closings, so a closing stays before an opening.
  edits.sort((a, b) => b[0] - a[0] || Number(b[2]) - Number(a[2]));
  let out = code;
  for (const [at, text] of edits) out = out.slice(0, at) + text + out.slice(at);
  return { code: out, marked: edits.length / 2 };
}

/**
 * The V8 positions of the functions of `script` (a `file://` URL) that the runs logged in
 * `log` (V8's `--log-function-events` output) compiled lazily.
 */
export function hotFunctionPositions(log: string, script: string): Set<number> {
  const ids = new Set<string>();
  const positions = new Set<number>();
  for (const line of log.split("\n")) {
    const fields = line.split(",");
    if (fields[0] === "script-details" && fields[2] === script) ids.add(fields[1] as string);
  }
  for (const line of log.split("\n")) {
    const fields = line.split(",");
    if (
      fields[0] === "function" && (fields[1] === "parse-function" || fields[1] === "interpreter") &&
      ids.has(fields[2] as string)
    ) positions.add(Number(fields[3]));
  }
  return positions;
}
