/**
 * Structural checks of a Dokkufile value, shared by the text and JSON readers: names and ids,
 * references between stages and steps, commands, secrets, guards. Problems are located through a
 * `locate` function that maps a model path (`["stages", 0, "steps", 1, "needs", 0]`) to a span in
 * the text the value was read from.
 */
import { type Diagnostic, DiagnosticBag, type Related, type Span } from "../diagnostics/mod.ts";
import {
  type Accept,
  type ArchiveFile,
  type Command,
  type Dokkufile,
  DOKKUFILE_FORMAT,
  type Guard,
  type StdinSpec,
  type Step,
} from "./types.ts";

/** A path into the model: property names and array indexes. */
export type ModelPath = readonly (string | number)[];

/** Maps a model path to where it was written, when known. */
export type Locate = (path: ModelPath) => Span | undefined;

/** Charsets of names and values (documented in `docs/dokkufile.md`). */
export const PATTERNS = {
  stepId: /^[a-z0-9][a-z0-9._\/-]*$/,
  stageName: /^[a-z0-9][a-z0-9._-]*$/,
  project: /^[a-z0-9][a-z0-9_-]*$/,
  checksum: /^sha256:[0-9a-f]{64}$/,
  version: /^[0-9]+\.[0-9]+\.[0-9]+$/,
  secret: /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/,
  configKey: /^[A-Za-z_][A-Za-z0-9_]*$/,
  app: /^[a-z0-9][a-z0-9._-]*$/,
  process: /^[A-Za-z][A-Za-z0-9_-]*$/,
  lock: /^(global|(app|network|storage):[A-Za-z0-9._-]+|datastore:[a-z]+:[A-Za-z0-9._-]+)$/,
  warningCode: /^[A-Z]+[0-9]+$/,
} as const;

/**
 * Why `path` cannot name a file added to an archive, or undefined when it can: relative, `/`
 * separators, no empty, `.` or `..` segment (no escaping the archive, one spelling per file),
 * no backslash or control character.
 */
export function archivePathProblem(path: string): string | undefined {
  if (path === "") return "it is empty";
  if (path.startsWith("/")) return "it is absolute";
  if (path.includes("\\")) return "it has a backslash";
  // deno-lint-ignore no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(path)) return "it has a control character";
  if (!path.isWellFormed()) return "it has a lone surrogate";
  for (const segment of path.split("/")) {
    if (segment === "") return "it has an empty segment";
    if (segment === "." || segment === "..") return `it has the segment '${segment}'`;
  }
  return undefined;
}

/** `stages[0].steps[1].needs[0]`: a model path as text, for `Diagnostic.path`. */
export function pathText(path: ModelPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(above + 1, (prev[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return prev[b.length] as number;
}

/** The closest candidate within a small edit distance (ties: the first in sorted order). */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(value.length / 3)) + 1;
  // Sorted, so a tie always picks the same candidate whatever order they came in.
  for (const candidate of [...candidates].sort()) {
    const d = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

class Checker {
  readonly #bag = new DiagnosticBag();
  readonly #locate: Locate;

  constructor(locate: Locate) {
    this.#locate = locate;
  }

  get items(): readonly Diagnostic[] {
    return this.#bag.items;
  }

  add(
    code: string,
    args: Readonly<Record<string, string | number>>,
    path: ModelPath,
    extra: { hint?: string; related?: { message: string; path: ModelPath } } = {},
  ): void {
    const related: Related[] = [];
    if (extra.related !== undefined) {
      const span = this.#locate(extra.related.path);
      if (span !== undefined) related.push({ message: extra.related.message, span });
    }
    this.#bag.add(code, args, {
      span: this.#locate(path),
      path: pathText(path),
      hint: extra.hint,
      related,
    });
  }

  invalid(what: string, value: string | number, expected: string, path: ModelPath): void {
    this.add("DK6012", { what, value, expected }, path);
  }

  argv(argv: readonly string[], path: ModelPath): void {
    const first = argv[0];
    if (first === undefined) {
      this.invalid("command", "", "a dokku command such as 'dokku apps:list'", path);
    } else if (first !== "dokku") {
      this.add("DK6037", { found: first }, [...path, 0]);
    }
  }

  exitCode(code: number, path: ModelPath): boolean {
    if (!Number.isInteger(code) || code < 0 || code > 255) {
      this.invalid("exit code", code, "a whole number from 0 to 255", path);
      return false;
    }
    return true;
  }

  guard(guard: Guard, path: ModelPath): void {
    this.argv(guard.argv, [...path, "argv"]);
    for (const key of ["presentExit", "missingExit"] as const) {
      const codes = guard[key];
      if (codes.length === 0) {
        this.invalid(
          "guard",
          key === "presentExit" ? "present=" : "missing=",
          "at least one exit code",
          [...path, key],
        );
      }
      const seen = new Set<number>();
      codes.forEach((code, i) => {
        if (!this.exitCode(code, [...path, key, i])) return;
        if (seen.has(code)) {
          this.add("DK6044", { what: "exit code", value: code }, [...path, key, i]);
        }
        seen.add(code);
      });
    }
    const present = new Set(guard.presentExit);
    const reported = new Set<number>();
    for (const [i, code] of guard.missingExit.entries()) {
      if (present.has(code) && !reported.has(code)) {
        this.add("DK6039", { code }, [...path, "missingExit", i]);
      }
      reported.add(code);
    }
  }

  stdin(stdin: StdinSpec, secrets: ReadonlySet<string>, path: ModelPath): void {
    if (stdin.kind === "archive") {
      const context = stdin.context;
      if (
        context === "" || context.startsWith("/") || context.includes("\\") ||
        /^[A-Za-z]:/.test(context) || context.includes("\u0000")
      ) {
        this.invalid(
          "archive directory",
          context,
          "a directory relative to the Dokkufile, with '/' separators",
          [...path, "context"],
        );
      }
      if (stdin.files !== undefined) this.files(stdin.files, [...path, "files"]);
      return;
    }
    if (stdin.secrets.length === 0) {
      this.invalid("secrets-json input", "", "at least one KEY=secret pair", path);
    }
    const keys = new Set<string>();
    stdin.secrets.forEach((ref, i) => {
      const at = [...path, "secrets", i];
      if (!PATTERNS.configKey.test(ref.key)) {
        this.invalid("config key", ref.key, "a name matching [A-Za-z_][A-Za-z0-9_]*", at);
      } else if (keys.has(ref.key)) {
        this.add("DK6044", { what: "config key", value: ref.key }, at);
      }
      keys.add(ref.key);
      if (!secrets.has(ref.secret)) {
        this.add("DK6038", { secret: ref.secret }, at);
      }
    });
  }

  /** Generated archive files: at least one, safe relative paths, sorted, unique, UTF-8 text. */
  files(files: readonly ArchiveFile[], path: ModelPath): void {
    if (files.length === 0) {
      this.invalid("archive files", "", "at least one file, or no 'files' at all", path);
    }
    const paths = new Set<string>();
    files.forEach((file, i) => {
      const at = [...path, i];
      const reason = archivePathProblem(file.path);
      if (reason !== undefined) {
        this.invalid(
          "archive file path",
          file.path,
          `a path relative to the archive root with '/' separators (${reason})`,
          [...at, "path"],
        );
      } else if (paths.has(file.path)) {
        this.add("DK6044", { what: "archive file", value: file.path }, [...at, "path"]);
      } else {
        const previous = files[i - 1]?.path;
        if (previous !== undefined && file.path < previous) {
          this.add("DK6046", { path: file.path }, [...at, "path"]);
        }
        // A file where another one needs a directory: the tar could hold only one of them.
        const parent = [...paths].find((p) => file.path.startsWith(`${p}/`));
        if (parent !== undefined) {
          this.add("DK6047", { path: file.path, parent }, [...at, "path"]);
        }
      }
      paths.add(file.path);
      if (!file.content.isWellFormed()) {
        this.invalid(
          "content of archive file",
          file.path,
          "text without lone surrogates ('\\ud800'-'\\udfff' alone), which UTF-8 cannot carry",
          [...at, "content"],
        );
      }
    });
  }

  accept(accept: Accept, path: ModelPath): void {
    this.exitCode(accept.exit, [...path, "exit"]);
    if (accept.output === "") {
      this.invalid(
        "accepted output",
        "",
        "a non-empty text that only the benign outcome prints (an empty one would accept every failure)",
        [...path, "output"],
      );
    }
    if (accept.as !== "unchanged") {
      this.invalid("accept outcome", accept.as, "'unchanged'", [...path, "as"]);
    }
    if (accept.then !== undefined) this.argv(accept.then, [...path, "then"]);
  }

  command(command: Command, secrets: ReadonlySet<string>, path: ModelPath): void {
    this.argv(command.argv, [...path, "argv"]);
    if (command.stdin !== undefined) this.stdin(command.stdin, secrets, [...path, "stdin"]);
    command.accept?.forEach((accept, i) => this.accept(accept, [...path, "accept", i]));
  }

  step(step: Step, secrets: ReadonlySet<string>, path: ModelPath): void {
    if (!PATTERNS.lock.test(step.lock)) {
      this.invalid(
        "lock",
        step.lock,
        "'global', 'app:<name>', 'network:<name>', 'storage:<name>' or 'datastore:<plugin>:<name>'",
        [...path, "lock"],
      );
    }
    if (step.guard !== undefined) this.guard(step.guard, [...path, "guard"]);
    if (step.run.length === 0) this.add("DK6040", { step: step.id }, [...path, "id"]);
    step.run.forEach((c, i) => this.command(c, secrets, [...path, "run", i]));
    step.undo.forEach((c, i) => this.command(c, secrets, [...path, "undo", i]));
    step.source.forEach((ref, i) => {
      const at = [...path, "source", i];
      if (ref.file === "") this.invalid("source file", "", "a project-relative file name", at);
      if (ref.key === "") this.invalid("source key", "", "a compose key path", at);
      if (!Number.isInteger(ref.line) || ref.line < 1) {
        this.invalid("source line", ref.line, "a line number from 1", at);
      }
    });
    if (step.verify !== undefined) {
      const verify = step.verify;
      const at = [...path, "verify"];
      if (!PATTERNS.app.test(verify.app)) {
        this.invalid("app name", verify.app, "a Dokku app name such as 'shop-web'", [
          ...at,
          "app",
        ]);
      }
      // Sorted: object key order would put integer-like process names first.
      for (const type of Object.keys(verify.processes).sort()) {
        const count = verify.processes[type] as number;
        if (!PATTERNS.process.test(type)) {
          this.invalid(
            "process type",
            type,
            "a name such as 'web' or 'worker' (a letter, then letters, digits, '_' or '-')",
            [
              ...at,
              "processes",
              type,
            ],
          );
        }
        if (!Number.isInteger(count) || count < 0) {
          this.invalid("process count", count, "a whole number from 0", [
            ...at,
            "processes",
            type,
          ]);
        }
      }
    }
  }
}

function checkHeader(file: Dokkufile, c: Checker): Set<string> {
  if (file.format !== DOKKUFILE_FORMAT) c.add("DK6002", { found: String(file.format) }, ["format"]);
  if (!PATTERNS.project.test(file.project)) {
    c.invalid("project name", file.project, "a compose project name such as 'shop'", ["project"]);
  }
  if (!PATTERNS.checksum.test(file.inputChecksum)) {
    c.invalid("input checksum", file.inputChecksum, "'sha256:' and 64 lowercase hex digits", [
      "inputChecksum",
    ]);
  }
  if (!PATTERNS.version.test(file.dokkuVersion)) {
    c.invalid("Dokku version", file.dokkuVersion, "a version such as '0.38.0'", ["dokkuVersion"]);
  }
  const secrets = new Set<string>();
  file.secrets.forEach((secret, i) => {
    if (!PATTERNS.secret.test(secret)) {
      c.invalid("secret name", secret, "a name matching [A-Za-z0-9_][A-Za-z0-9_.-]*", [
        "secrets",
        i,
      ]);
    }
    if (secrets.has(secret)) {
      c.add("DK6041", { secret }, ["secrets", i], {
        related: {
          message: "first declared here",
          path: ["secrets", file.secrets.indexOf(secret)],
        },
      });
    } else if (i > 0 && secret < (file.secrets[i - 1] as string)) {
      c.add("DK6042", { secret }, ["secrets", i]);
    }
    secrets.add(secret);
  });
  file.warnings.forEach((w, i) => {
    if (!PATTERNS.warningCode.test(w.code)) {
      c.invalid("warning code", w.code, "a diagnostic code such as 'DK4012'", [
        "warnings",
        i,
        "code",
      ]);
    }
    if (w.line !== undefined && (!Number.isInteger(w.line) || w.line < 1)) {
      c.invalid("warning line", w.line, "a line number from 1", ["warnings", i, "line"]);
    }
  });
  return secrets;
}

interface StepPlace {
  readonly stage: number;
  readonly index: number;
  readonly step: Step;
}

function checkNeeds(
  owner: string,
  needs: readonly string[],
  path: ModelPath,
  c: Checker,
  check: (need: string, at: ModelPath) => void,
): void {
  const seen = new Set<string>();
  needs.forEach((need, i) => {
    const at = [...path, i];
    if (need === owner) {
      c.add("DK6045", { owner }, at);
    } else if (seen.has(need)) {
      c.add("DK6043", { need, owner }, at);
    } else {
      check(need, at);
    }
    seen.add(need);
  });
}

/** Finds step cycles inside one stage, in file order, one report per strongly connected set. */
function checkCycles(
  places: readonly StepPlace[],
  byId: ReadonlyMap<string, StepPlace>,
  c: Checker,
): void {
  const inStage = (from: StepPlace) =>
    from.step.needs
      .map((need) => byId.get(need))
      .filter((p): p is StepPlace =>
        p !== undefined && p.stage === from.stage && p.step !== from.step
      );
  // Tarjan's algorithm over file order, so the reported cycles never depend on map order.
  let counter = 0;
  const index = new Map<StepPlace, number>();
  const low = new Map<StepPlace, number>();
  const onStack = new Set<StepPlace>();
  const stack: StepPlace[] = [];
  const components: StepPlace[][] = [];
  const visit = (v: StepPlace): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of inStage(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: StepPlace[] = [];
      let w: StepPlace;
      do {
        w = stack.pop() as StepPlace;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component);
    }
  };
  for (const place of places) if (!index.has(place)) visit(place);
  const order = new Map(places.map((p, i) => [p, i]));
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort((a, b) =>
      (order.get(a) as number) - (order.get(b) as number)
    )[0] as StepPlace;
    // Shortest way back to the start inside the component (breadth first, needs in listed order).
    const previous = new Map<StepPlace, StepPlace>();
    const queue: StepPlace[] = [start];
    let end: StepPlace | undefined;
    while (queue.length > 0 && end === undefined) {
      const v = queue.shift() as StepPlace;
      for (const w of inStage(v)) {
        if (!members.has(w)) continue;
        if (w === start) {
          end = v;
          break;
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    const chain: StepPlace[] = [];
    for (let v: StepPlace | undefined = end; v !== undefined && v !== start; v = previous.get(v)) {
      chain.unshift(v);
    }
    const cycle = [start, ...chain, start].map((p) => `'${p.step.id}'`).join(" -> ");
    const next = chain[0] ?? start;
    const needIndex = start.step.needs.indexOf(next.step.id);
    c.add("DK6034", { cycle }, ["stages", start.stage, "steps", start.index, "needs", needIndex]);
  }
}

/** Validates a Dokkufile value; `locate` places problems in the text it was read from. */
export function validateModel(
  file: Dokkufile,
  options: { readonly locate?: Locate } = {},
): Diagnostic[] {
  const c = new Checker(options.locate ?? (() => undefined));
  const secrets = checkHeader(file, c);

  const stageIndex = new Map<string, number>();
  file.stages.forEach((stage, s) => {
    const path = ["stages", s];
    if (!PATTERNS.stageName.test(stage.name)) {
      c.invalid("stage name", stage.name, "a name matching [a-z0-9][a-z0-9._-]*", [
        ...path,
        "name",
      ]);
    }
    const first = stageIndex.get(stage.name);
    if (first !== undefined) {
      c.add("DK6031", { name: stage.name }, [...path, "name"], {
        related: { message: "first defined here", path: ["stages", first, "name"] },
      });
    } else {
      stageIndex.set(stage.name, s);
    }
  });
  const stageNames = [...stageIndex.keys()];
  file.stages.forEach((stage, s) => {
    checkNeeds(stage.name, stage.needs, ["stages", s, "needs"], c, (need, at) => {
      const where = stageIndex.get(need);
      if (where === undefined) {
        const guess = closest(need, stageNames);
        c.add("DK6035", { stage: stage.name, need }, at, {
          ...(guess === undefined ? {} : { hint: `Did you mean '${guess}'?` }),
        });
      } else if (where >= s) {
        c.add("DK6036", { stage: stage.name, need }, at);
      }
    });
  });

  const byId = new Map<string, StepPlace>();
  const places: StepPlace[] = [];
  file.stages.forEach((stage, s) => {
    stage.steps.forEach((step, k) => {
      const path = ["stages", s, "steps", k];
      const place = { stage: s, index: k, step };
      places.push(place);
      if (!PATTERNS.stepId.test(step.id)) {
        c.invalid("step id", step.id, "an id matching [a-z0-9][a-z0-9._/-]*", [...path, "id"]);
      }
      const first = byId.get(step.id);
      if (first !== undefined) {
        c.add("DK6030", { id: step.id }, [...path, "id"], {
          related: {
            message: "first defined here",
            path: ["stages", first.stage, "steps", first.index, "id"],
          },
        });
      } else {
        byId.set(step.id, place);
      }
      c.step(step, secrets, path);
    });
  });
  const ids = [...byId.keys()];
  for (const place of places) {
    const path = ["stages", place.stage, "steps", place.index, "needs"];
    checkNeeds(place.step.id, place.step.needs, path, c, (need, at) => {
      const target = byId.get(need);
      if (target === undefined) {
        const guess = closest(need, ids);
        c.add("DK6032", { step: place.step.id, need }, at, {
          ...(guess === undefined ? {} : { hint: `Did you mean '${guess}'?` }),
        });
      } else if (target.stage > place.stage) {
        const stage = file.stages[target.stage]?.name ?? "";
        c.add("DK6033", { step: place.step.id, need, stage }, at);
      }
    });
  }
  // Only real steps take part; duplicates were reported above.
  checkCycles(places.filter((p) => byId.get(p.step.id) === p), byId, c);
  return [...c.items];
}
