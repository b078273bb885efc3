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
 * - a top-level function declaration, async too, `function f() {...}` becomes
 *   `var f = (function f() {...});` (no longer hoisted: a call before that line at load time
 *   would fail on every start, which the bundle tests would see at once);
 * - an object literal's method `key(...) {...}` becomes `key: (function (...) {...})` (esbuild
 *   writes every module initializer so);
 * - a class method `m(...) {...}` becomes
 *   `[(__dk_m7 = (function (...) {...}), "m")]() { return __dk_m7.apply(this, arguments); }`
 *   (with `var __dk_m7;` at the start of the enclosing function): the body, now a parenthesized
 *   function in the method's computed key, stays inside the class and is evaluated once with it;
 *   V8 compiles only the one-line method on first call. Not with `super`, for generators, or for
 *   private methods.
 * - constructors, getters, setters, generators, nested declarations and methods that do not
 *   qualify stay as they are.
 *
 * Measured on `compile` of a 10-service file: ~9 ms less JavaScript for ~1 ms more load; then
 * module initializers and class methods: V8's lazy parsing and compiling went from ~9.4 ms to
 * ~1.5 ms per run (function events), ~2-4 ms less wall time side by side.
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
  readonly computed?: boolean;
  readonly key?: { readonly name?: string; readonly value?: unknown };
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

function isProtoKey(property: ParentNode): boolean {
  const key = property.key;
  return property.computed !== true && key !== undefined &&
    (key.name === "__proto__" || key.value === "__proto__");
}

/**
 * A change to the code: a replacement of `[start, end)` (an insertion when they are equal). Its
 * text may render other parts of the code, with their own edits ({@linkcode render}).
 */
interface Edit {
  readonly start: number;
  readonly end: number;
  /** At one position: declarations (0), closings (1), openings (2), replacements (3). */
  readonly rank: number;
  readonly text: string | ((part: (from: number, to: number, without: Edit) => string) => string);
}

/** The parts of a class method that this module reads. */
interface MethodNode {
  readonly start: number;
  readonly computed: boolean;
  readonly key: {
    readonly type: string;
    readonly start: number;
    readonly end: number;
    readonly name?: string;
  };
}

/** Whether a node of type `type` is anywhere in `node`'s tree (every child, keys included). */
function contains(node: unknown, type: string): boolean {
  if (node === null || typeof node !== "object") return false;
  if (Array.isArray(node)) return node.some((child) => contains(child, type));
  if ((node as { type?: unknown }).type === type) return true;
  return Object.values(node).some((child) => contains(child, type));
}

/**
 * Where a `var` for a moved method body is declared: the start of the body of the function that
 * holds the class (or of the program), so that it lives exactly as long as that scope. Undefined
 * inside an arrow function without a block body.
 */
function declarationPoint(ancestors: readonly acorn.Node[]): number | undefined {
  for (let i = ancestors.length - 4; i >= 0; i--) {
    const node = ancestors[i] as acorn.Node & { body?: acorn.Node };
    if (node.type === "Program") return node.start;
    if (
      node.type === "FunctionDeclaration" || node.type === "FunctionExpression" ||
      node.type === "ArrowFunctionExpression"
    ) {
      return node.body?.type === "BlockStatement" ? node.body.start + 1 : undefined;
    }
    if (node.type === "StaticBlock" || node.type === "PropertyDefinition") return undefined;
  }
  return undefined;
}

/** `code` with `edits` applied within `[from, to)`, leaving out `skip`. */
function render(
  code: string,
  edits: readonly Edit[],
  from: number,
  to: number,
  skip?: Edit,
): string {
  let out = "";
  let at = from;
  for (const edit of edits) {
    if (edit === skip || edit.start < at || edit.end > to) continue;
    // A part rendered for another edit ends before what is inserted at its end.
    if (skip !== undefined && edit.start === to && edit.end === to) continue;
    out += code.slice(at, edit.start);
    out += typeof edit.text === "string"
      ? edit.text
      : edit.text((a, b, without) => render(code, edits, a, b, without));
    at = edit.end;
  }
  return out + code.slice(at, to);
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
  const edits: Edit[] = [];
  let marked = 0;
  const wrap = (start: number, end: number, open: string, close: string) => {
    edits.push({ start, end: start, rank: 2, text: open }, {
      start: end,
      end,
      rank: 1,
      text: close,
    });
    marked++;
  };
  let moved = 0;
  walk.fullAncestor(ast, (raw, _state, ancestors) => {
    const node = raw as unknown as FunctionNode;
    if (
      node.type !== "FunctionExpression" && node.type !== "ArrowFunctionExpression" &&
      node.type !== "FunctionDeclaration"
    ) return;
    if (!hot.has(v8Position(code, node))) return;
    const parent = ancestors[ancestors.length - 2] as unknown as ParentNode | undefined;
    if (node.type === "FunctionDeclaration") {
      if (parent?.type !== "Program" || node.generator || !node.id) return;
      wrap(node.start, node.end, `var ${node.id.name} = (`, ");");
      return;
    }
    // An object literal's plain method `key(...) {...}` becomes `key: (function (...) {...})`:
    // the same name, `this` and result; only what no caller here relies on differs (a method
    // has no prototype and cannot be constructed). esbuild writes each module's initializer
    // this way. Not with `super` (a method's home object), nor for the `__proto__` key, which
    // as a property would set the prototype instead.
    if (
      parent?.type === "Property" && parent.method === true && parent.kind === "init" &&
      node.type === "FunctionExpression" && !node.async && !node.generator &&
      !isProtoKey(parent) && !contains(node, "Super")
    ) {
      wrap(node.start, node.end, ": (function ", ")");
      return;
    }
    // A class method `m(...) {...}` becomes
    // `[(__dk_mN = (function (...) {...}), "m")]() { return __dk_mN.apply(this, arguments); }`:
    // its body, now a parenthesized function, stays inside the class (so private names and the
    // class's own name mean the same), is evaluated once with the class, and keeps `this`,
    // arguments and result; only the method's `length` differs. Not with `super` (a method's
    // home object), for generators, or for private methods (their key cannot be computed).
    if (parent?.type === "MethodDefinition" && parent.kind === "method") {
      const method = parent as unknown as MethodNode;
      const point = declarationPoint(ancestors as acorn.Node[]);
      if (
        point === undefined || node.generator || method.key.type === "PrivateIdentifier" ||
        contains(node, "Super")
      ) return;
      let name: string;
      do name = `__dk_m${moved++}`; while (code.includes(name));
      let keyStart = method.key.start;
      let key = method.key.type === "Identifier"
        ? JSON.stringify(method.key.name)
        : code.slice(method.key.start, method.key.end);
      if (method.computed) {
        while (keyStart > 0 && code[keyStart - 1] !== "[") keyStart--;
        keyStart--;
        key = `(${key})`;
      }
      if (node.async) {
        // The `async` keyword goes with the body: the new method returns the body's promise.
        const at = code.lastIndexOf("async", keyStart - 1);
        if (at < method.start) return;
        keyStart = at;
      }
      const prefix = node.async ? "async function " : "function ";
      const member: Edit = {
        start: keyStart,
        end: node.end,
        rank: 3,
        text: (part) =>
          `[(${name} = (${prefix}${part(node.start, node.end, member)}), ${key})]() ` +
          `{ return ${name}.apply(this, arguments); }`,
      };
      edits.push(member, { start: point, end: point, rank: 0, text: `var ${name};` });
      marked++;
      return;
    }
    // Getters, setters, constructors and class fields: the function is the member's body and
    // cannot be wrapped.
    if (
      parent?.type === "MethodDefinition" || parent?.type === "PropertyDefinition" ||
      parent?.type === "Property" && (parent.method === true || parent.kind !== "init")
    ) return;
    let before = node.start - 1;
    while (before >= 0 && /\s/.test(code[before] as string)) before--;
    if (code[before] === "(" && node.type === "FunctionExpression") return; // already one
    wrap(node.start, node.end, "(", ")");
  });
  edits.sort((a, b) => a.start - b.start || a.rank - b.rank);
  return { code: render(code, edits, 0, code.length), marked };
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
