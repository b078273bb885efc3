/**
 * The Dokkufile JSON contract: a writer with a fixed key order, and a reader that locates every
 * problem (`file:line:col`) by recording where each value starts while it reads.
 */
import { type Diagnostic, DiagnosticBag, type Span } from "../diagnostics/mod.ts";
import type {
  Accept,
  ArtifactWarning,
  Command,
  Dokkufile,
  Guard,
  SourceRef,
  Stage,
  StdinSpec,
  Step,
  Verify,
} from "./types.ts";
import { DOKKUFILE_FORMAT } from "./types.ts";
import { type ModelPath, pathText, validateModel } from "./_validate.ts";
// Type only: the zod schema is passed in, so this module (and `mod.ts`) never loads zod.
import type { ShapeResult } from "./schema.ts";

// Writers: each builds a fresh object with its keys in the documented order, so the output never
// depends on how the value was constructed.

function stdinJson(stdin: StdinSpec): unknown {
  return stdin.kind === "secrets-json"
    ? { kind: stdin.kind, secrets: stdin.secrets.map((s) => ({ key: s.key, secret: s.secret })) }
    : {
      kind: stdin.kind,
      context: stdin.context,
      ...(stdin.files === undefined
        ? {}
        : { files: stdin.files.map((f) => ({ path: f.path, content: f.content })) }),
    };
}

function acceptJson(accept: Accept): unknown {
  return {
    exit: accept.exit,
    output: accept.output,
    as: accept.as,
    ...(accept.then === undefined ? {} : { then: [...accept.then] }),
  };
}

function commandJson(command: Command): unknown {
  return {
    argv: [...command.argv],
    ...(command.stdin === undefined ? {} : { stdin: stdinJson(command.stdin) }),
    ...(command.accept === undefined ? {} : { accept: command.accept.map(acceptJson) }),
  };
}

function guardJson(guard: Guard): unknown {
  return {
    argv: [...guard.argv],
    presentExit: [...guard.presentExit],
    missingExit: [...guard.missingExit],
  };
}

function sourceJson(ref: SourceRef): unknown {
  return { file: ref.file, line: ref.line, key: ref.key };
}

function verifyJson(verify: Verify): unknown {
  const processes: Record<string, number> = {};
  // Sorted: keep the output independent of the order the compiler added process types in.
  for (const type of Object.keys(verify.processes).sort()) {
    Object.defineProperty(processes, type, {
      value: verify.processes[type],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { app: verify.app, processes };
}

function stepJson(step: Step): unknown {
  return {
    id: step.id,
    lock: step.lock,
    needs: [...step.needs],
    ...(step.guard === undefined ? {} : { guard: guardJson(step.guard) }),
    run: step.run.map(commandJson),
    undo: step.undo.map(commandJson),
    source: step.source.map(sourceJson),
    notes: [...step.notes],
    ...(step.verify === undefined ? {} : { verify: verifyJson(step.verify) }),
  };
}

function stageJson(stage: Stage): unknown {
  return { name: stage.name, needs: [...stage.needs], steps: stage.steps.map(stepJson) };
}

function warningJson(w: ArtifactWarning): unknown {
  return {
    code: w.code,
    ...(w.file === undefined ? {} : { file: w.file }),
    ...(w.line === undefined ? {} : { line: w.line }),
    ...(w.key === undefined ? {} : { key: w.key }),
    message: w.message,
  };
}

/** The JSON contract: pretty (2 spaces), fixed key order, newline-terminated. */
export function dokkufileToJson(file: Dokkufile): string {
  const doc = {
    format: file.format,
    project: file.project,
    inputChecksum: file.inputChecksum,
    dokkuVersion: file.dokkuVersion,
    secrets: [...file.secrets],
    stages: file.stages.map(stageJson),
    warnings: file.warnings.map(warningJson),
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

// Reader: a small JSON parser that records the offset of every value by its path.

class JsonSyntaxError {
  readonly reason: string;
  readonly offset: number;
  constructor(reason: string, offset: number) {
    this.reason = reason;
    this.offset = offset;
  }
}

const MAX_DEPTH = 64;

class JsonScanner {
  readonly #text: string;
  #i = 0;
  /** Path (joined with `.`) -> offset of the value, and of the key for object members. */
  readonly offsets = new Map<string, number>();
  /** Path of an object member (joined with `.`) -> offset of its key. */
  readonly keyOffsets = new Map<string, number>();
  /** Members named `__proto__`: never part of the contract, and objects copy them unreliably. */
  readonly protoKeys: ModelPath[] = [];

  constructor(text: string) {
    this.#text = text;
  }

  #ws(): void {
    while (this.#i < this.#text.length && " \t\n\r".includes(this.#text[this.#i] as string)) {
      this.#i++;
    }
  }

  #fail(reason: string, offset = this.#i): never {
    throw new JsonSyntaxError(reason, offset);
  }

  #describe(ch = this.#text[this.#i]): string {
    return ch === undefined ? "the end of the text" : `'${ch}'`;
  }

  document(): unknown {
    this.#ws();
    const value = this.#value([]);
    this.#ws();
    if (this.#i < this.#text.length) this.#fail(`unexpected ${this.#describe()} after the value`);
    return value;
  }

  #value(path: ModelPath): unknown {
    this.#ws();
    // A Dokkufile nests 8 levels deep; a limit keeps hostile input from exhausting the stack.
    if (path.length > MAX_DEPTH) this.#fail(`values nest deeper than ${MAX_DEPTH} levels`);
    this.offsets.set(path.join("."), this.#i);
    const ch = this.#text[this.#i];
    if (ch === "{") return this.#object(path);
    if (ch === "[") return this.#array(path);
    if (ch === '"') return this.#string();
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.#text.startsWith(word, this.#i)) {
        this.#i += word.length;
        return value;
      }
    }
    const number = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    number.lastIndex = this.#i;
    const m = number.exec(this.#text);
    if (m !== null) {
      this.#i += m[0].length;
      return Number(m[0]);
    }
    return this.#fail(`expected a value, found ${this.#describe()}`);
  }

  #string(): string {
    const start = this.#i;
    this.#i++;
    while (this.#i < this.#text.length) {
      const ch = this.#text[this.#i] as string;
      if (ch === "\\") {
        this.#i += 2;
      } else if (ch === '"') {
        this.#i++;
        try {
          return JSON.parse(this.#text.slice(start, this.#i)) as string;
        } catch {
          return this.#fail("invalid escape in a string", start);
        }
      } else if (ch < " ") {
        return this.#fail("a control character in a string must be escaped");
      } else {
        this.#i++;
      }
    }
    return this.#fail("the string is not closed", start);
  }

  #object(path: ModelPath): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.#i++;
    this.#ws();
    if (this.#text[this.#i] === "}") {
      this.#i++;
      return out;
    }
    for (;;) {
      this.#ws();
      if (this.#text[this.#i] !== '"') this.#fail(`expected a key, found ${this.#describe()}`);
      const keyOffset = this.#i;
      const key = this.#string();
      if (Object.hasOwn(out, key)) this.#fail(`duplicate key '${key}'`, keyOffset);
      this.keyOffsets.set([...path, key].join("."), keyOffset);
      if (key === "__proto__") this.protoKeys.push([...path, key]);
      this.#ws();
      if (this.#text[this.#i] !== ":") this.#fail(`expected ':', found ${this.#describe()}`);
      this.#i++;
      // defineProperty: a "__proto__" key is data, never the prototype.
      Object.defineProperty(out, key, {
        value: this.#value([...path, key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.#ws();
      const next = this.#text[this.#i];
      this.#i++;
      if (next === "}") return out;
      if (next !== ",") {
        this.#fail(`expected ',' or '}', found ${this.#describe(next)}`, this.#i - 1);
      }
    }
  }

  #array(path: ModelPath): unknown[] {
    const out: unknown[] = [];
    this.#i++;
    this.#ws();
    if (this.#text[this.#i] === "]") {
      this.#i++;
      return out;
    }
    for (;;) {
      out.push(this.#value([...path, out.length]));
      this.#ws();
      const next = this.#text[this.#i];
      this.#i++;
      if (next === "]") return out;
      if (next !== ",") {
        this.#fail(`expected ',' or ']', found ${this.#describe(next)}`, this.#i - 1);
      }
    }
  }
}

function spanAt(text: string, file: string, offset: number): Span {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { file, line, column: offset - lineStart + 1 };
}

/** Reads the JSON contract: syntax, then the zod schema, then the structural checks. */
export function readJson(
  text: string,
  options: { readonly file: string; readonly checkShape: (value: unknown) => ShapeResult },
): { dokkufile?: Dokkufile; diagnostics: Diagnostic[] } {
  const bag = new DiagnosticBag();
  const scanner = new JsonScanner(text);
  let value: unknown;
  try {
    value = scanner.document();
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    bag.add("DK6020", { reason: error.reason }, {
      span: spanAt(text, options.file, error.offset),
    });
    return { diagnostics: [...bag.items] };
  }
  const locate = (path: ModelPath): Span | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const offset = scanner.offsets.get(path.slice(0, n).join("."));
      if (offset !== undefined) return spanAt(text, options.file, offset);
    }
    return undefined;
  };
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const format = (value as Record<string, unknown>)["format"];
    if (typeof format === "string" && format !== DOKKUFILE_FORMAT) {
      bag.add("DK6002", { found: format }, {
        span: locate(["format"]),
        path: "format",
        ...(/^dokkufile\/v[0-9]+$/.test(format) ? {} : { hint: `Expected '${DOKKUFILE_FORMAT}'` }),
      });
      return { diagnostics: [...bag.items] };
    }
  }
  for (const path of scanner.protoKeys) {
    bag.add("DK6021", { path: pathText(path), reason: "the key '__proto__' is not allowed" }, {
      span: spanAt(text, options.file, scanner.keyOffsets.get(path.join(".")) ?? 0),
      path: pathText(path),
    });
  }
  if (bag.hasErrors) return { diagnostics: [...bag.items] };
  const shape = options.checkShape(value);
  if ("issues" in shape) {
    for (const issue of shape.issues) {
      // Unknown keys are reported on their object; point at the key itself.
      const keyOffset = issue.unknownKey === undefined
        ? undefined
        : scanner.keyOffsets.get([...issue.path, issue.unknownKey].join("."));
      bag.add("DK6021", { path: pathText(issue.path) || "(top level)", reason: issue.message }, {
        span: keyOffset === undefined ? locate(issue.path) : spanAt(text, options.file, keyOffset),
        path: pathText(issue.path),
      });
    }
    return { diagnostics: [...bag.items] };
  }
  const dokkufile = shape.data;
  bag.push(...validateModel(dokkufile, { locate }));
  if (bag.hasErrors) return { diagnostics: [...bag.items] };
  return { dokkufile, diagnostics: [...bag.items] };
}
