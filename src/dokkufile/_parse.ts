/**
 * The Dokkufile text reader: one directive per line, every problem a located diagnostic, all of
 * them collected (never a throw for bad input). Structural checks (`_validate.ts`) run once the
 * text reads cleanly, located through the spans recorded here. The format is specified in
 * `docs/dokkufile.md`.
 */
import { type Diagnostic, DiagnosticBag, type Span } from "../diagnostics/mod.ts";
import {
  type Accept,
  type ArchiveFile,
  type ArtifactWarning,
  type Command,
  type Dokkufile,
  DOKKUFILE_FORMAT,
  type Guard,
  type SecretRef,
  type SourceRef,
  type Stage,
  type StdinSpec,
  type Step,
  type Verify,
} from "./types.ts";
import {
  decodeOption,
  decodeProse,
  decodeWord,
  type OptionToken,
  type Token,
  tokenize,
  type WordError,
} from "./_words.ts";
import { closest, type ModelPath, validateModel } from "./_validate.ts";

/** How each directive is written (hints and the spec). */
export const USAGE: Readonly<Record<string, string>> = {
  PROJECT: "PROJECT <name>",
  INPUT: "INPUT sha256:<hex>",
  DOKKU: "DOKKU <minimum version>",
  SECRET: "SECRET <name>",
  WARNING: "WARNING <code> [file=<file>] [line=<n>] [key=<compose key>] <message>",
  STAGE: "STAGE <name> [NEEDS <stage>...]",
  STEP: "STEP <id> LOCK <lock> [NEEDS <step>...]",
  GUARD: "GUARD present=<codes> missing=<codes> dokku <arg>...",
  RUN: "RUN dokku <arg>...",
  UNDO: "UNDO dokku <arg>...",
  STDIN: "STDIN secrets-json <KEY>=<secret>... | STDIN archive <dir>",
  FILE: "FILE <path> <content>",
  ACCEPT: "ACCEPT exit=<code> output=<text> as=unchanged [THEN dokku <arg>...]",
  VERIFY: "VERIFY <app> [<process>=<count>...]",
};

const DIRECTIVES = Object.keys(USAGE);
const HEADER = new Set(["PROJECT", "INPUT", "DOKKU", "SECRET", "WARNING"]);
const SINGLE_HEADER = {
  PROJECT: "project",
  INPUT: "inputChecksum",
  DOKKU: "dokkuVersion",
} as const;
/** Order of a step's lines: GUARD, then RUN, then UNDO, then VERIFY. */
const RANK: Readonly<Record<string, number>> = { GUARD: 1, RUN: 2, UNDO: 3, VERIFY: 4 };
const VERSION_LINE = /^#[ \t]*syntax[ \t]*=[ \t]*(\S*)[ \t]*$/;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface MCommand {
  argv: string[];
  stdin?: StdinSpec;
  accept: Accept[];
  stdinAt?: Span;
  /** `FILE` lines after `STDIN archive`. */
  files: ArchiveFile[];
}

interface MStep {
  id: string;
  lock: string;
  needs: string[];
  guard?: Guard;
  guardAt?: Span;
  run: MCommand[];
  undo: MCommand[];
  source: SourceRef[];
  notes: string[];
  verify?: Verify;
  verifyAt?: Span;
  rank: number;
  rankDirective: string;
  /** The command STDIN and ACCEPT lines attach to, with its model path. */
  last?: { command: MCommand; path: ModelPath } | undefined;
  path: ModelPath;
}

/** A step as its STEP line opens it; the lines that follow fill it in. */
function emptyStep(path: ModelPath): MStep {
  return {
    id: "",
    lock: "",
    needs: [],
    run: [],
    undo: [],
    source: [],
    notes: [],
    rank: 0,
    rankDirective: "STEP",
    path,
  };
}

interface MStage {
  name: string;
  needs: string[];
  steps: MStep[];
}

/** Reads the text form; see {@linkcode parseDokkufile} in `mod.ts`. */
class Reader {
  readonly #file: string;
  readonly #bag = new DiagnosticBag();
  /**
   * Spans by model path, recorded as pairs and indexed on the first {@linkcode locate} (only a
   * problem needs one): joining every token's path while reading costs more than the reading.
   */
  readonly #recorded: (ModelPath | string | number | undefined)[] = [];
  #spans: Map<string, Span> | undefined;
  #lineNo = 0;
  #line = "";
  readonly #header: {
    project?: string;
    inputChecksum?: string;
    dokkuVersion?: string;
    secrets: string[];
    warnings: ArtifactWarning[];
  } = { secrets: [], warnings: [] };
  readonly #headerLines = new Map<string, Span>();
  readonly #stages: MStage[] = [];
  #orphans: MStage | undefined;
  #step: MStep | undefined;

  constructor(file: string) {
    this.#file = file;
  }

  get diagnostics(): readonly Diagnostic[] {
    return this.#bag.items;
  }

  #span(offset: number, length: number, line = this.#lineNo): Span {
    return {
      file: this.#file,
      line,
      column: offset + 1,
      endLine: line,
      endColumn: offset + 1 + Math.max(1, length),
    };
  }

  #at(token: Token): Span {
    return this.#span(token.offset, token.raw.length);
  }

  /**
   * Records where `path` (then `key`, when given: one more path element, without copying `path`)
   * is written: `length` characters at `offset` of the current line.
   */
  #record(path: ModelPath, offset: number, length: number, key?: string | number): void {
    this.#recorded.push(path, key, this.#lineNo, offset, length);
  }

  /** The span recorded for `path`, or for its closest recorded parent. */
  locate(path: ModelPath): Span | undefined {
    let spans = this.#spans;
    if (spans === undefined) {
      // In recording order: a path recorded twice keeps its last span.
      spans = new Map();
      const recorded = this.#recorded;
      for (let i = 0; i < recorded.length; i += 5) {
        const key = recorded[i + 1] as string | number | undefined;
        const [line, offset, length] = recorded.slice(i + 2, i + 5) as number[];
        const path = recorded[i] as ModelPath;
        spans.set(
          key === undefined ? path.join(".") : [...path, key].join("."),
          this.#span(offset as number, length as number, line),
        );
      }
      this.#spans = spans;
    }
    for (let n = path.length; n > 0; n--) {
      const span = spans.get(path.slice(0, n).join("."));
      if (span !== undefined) return span;
    }
    return undefined;
  }

  #error(code: string, args: Readonly<Record<string, string | number>>, span: Span, hint?: string) {
    this.#bag.add(code, args, { span, hint });
  }

  #wordError(error: WordError): void {
    this.#error(error.code, error.args, this.#span(error.offset, error.length));
  }

  #word(token: Token): string | undefined {
    const decoded = decodeWord(token.raw, token.offset);
    if ("error" in decoded) {
      this.#wordError(decoded.error);
      return undefined;
    }
    return decoded.value;
  }

  /** Decodes every token as a word; undefined when any is wrong (each one reported). */
  #words(tokens: readonly Token[]): string[] | undefined {
    const out: string[] = [];
    let ok = true;
    for (const token of tokens) {
      const value = this.#word(token);
      if (value === undefined) ok = false;
      else out.push(value);
    }
    return ok ? out : undefined;
  }

  /** Leading `name=value` tokens; returns them and the index of the first other token. */
  #options(
    directive: string,
    tokens: readonly Token[],
    known: readonly string[],
  ): { options: Map<string, OptionToken>; rest: number; ok: boolean } {
    const options = new Map<string, OptionToken>();
    let ok = true;
    let i = 0;
    for (; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      const decoded = decodeOption(token);
      if (decoded === undefined) break;
      if ("error" in decoded) {
        this.#wordError(decoded.error);
        ok = false;
        continue;
      }
      const { option } = decoded;
      if (!known.includes(option.name)) {
        const guess = closest(option.name, known);
        this.#error(
          "DK6011",
          { name: option.name, directive, known: known.join(", ") },
          this.#span(token.offset, option.name.length),
          guess === undefined ? undefined : `Did you mean '${guess}='?`,
        );
        ok = false;
      } else if (options.has(option.name)) {
        this.#error(
          "DK6008",
          { directive: `${option.name}=`, where: `in '${directive}'` },
          this.#at(token),
        );
        ok = false;
      } else {
        options.set(option.name, option);
      }
    }
    return { options, rest: i, ok };
  }

  #missing(directive: string, what: string, span: Span): void {
    this.#error("DK6006", { directive, what, usage: USAGE[directive] ?? directive }, span);
  }

  #unexpected(directive: string, token: Token): void {
    this.#error(
      "DK6007",
      { word: token.raw, directive, usage: USAGE[directive] ?? directive },
      this.#at(token),
    );
  }

  #number(what: string, value: string, offset: number, expected: string): number | undefined {
    if (!/^[0-9]{1,9}$/.test(value)) {
      this.#error("DK6012", { what, value, expected }, this.#span(offset, value.length));
      return undefined;
    }
    return Number(value);
  }

  #exitCodes(option: OptionToken, path: ModelPath): number[] | undefined {
    if (!/^[0-9]{1,9}(,[0-9]{1,9})*$/.test(option.value)) {
      this.#error(
        "DK6012",
        {
          what: "exit code list",
          value: option.value,
          expected: "comma-separated exit codes such as '0' or '1,20'",
        },
        this.#span(option.valueOffset, option.value.length),
      );
      return undefined;
    }
    let offset = option.valueOffset;
    return option.value.split(",").map((part, i) => {
      this.#record(path, offset, part.length, i);
      offset += part.length + 1;
      return Number(part);
    });
  }

  /** Reads the whole text. */
  read(text: string): void {
    const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
    const lines = body.split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
    const first = (lines[0] ?? "").replace(/\r$/, "");
    this.#lineNo = 1;
    this.#line = first;
    const version = VERSION_LINE.exec(first);
    if (version === null) {
      const found = first.length > 40 ? `${first.slice(0, 40)}...` : first;
      const compose =
        /^(services|version|name|include|networks|volumes|secrets|configs|x-[\w.-]+)\s*:/
          .test(first);
      this.#error(
        "DK6001",
        { found },
        this.#span(0, Math.max(1, first.length)),
        compose
          ? "This looks like a compose file: compile it first with 'dokompose compile -f <file> -o Dokkufile'"
          : undefined,
      );
      return;
    }
    const format = version[1] as string;
    if (format !== DOKKUFILE_FORMAT) {
      const offset = first.lastIndexOf(format);
      const known = /^dokkufile\/v[0-9]+$/.test(format);
      this.#error(
        "DK6002",
        { found: format },
        this.#span(offset < 0 ? 0 : offset, format.length),
        known ? undefined : `Expected '${DOKKUFILE_FORMAT}'`,
      );
      return;
    }
    this.#record(["format"], first.indexOf("syntax"), first.length);
    for (let i = 1; i < lines.length; i++) {
      this.#lineNo = i + 1;
      const line = lines[i] as string;
      this.#line = line.endsWith("\r") ? line.slice(0, -1) : line;
      this.#readLine();
    }
    for (const directive of Object.keys(SINGLE_HEADER)) {
      if (!this.#headerLines.has(directive)) {
        this.#error(
          "DK6009",
          { directive, usage: USAGE[directive] ?? directive },
          this.#span(0, first.length, 1),
        );
      }
    }
  }

  #readLine(): void {
    const line = this.#line;
    let indent = 0;
    // Blanks counted by character code: this runs for every line.
    for (let c = line.charCodeAt(0); c === 0x20 || c === 0x09; c = line.charCodeAt(++indent));
    const content = line.slice(indent);
    if (content === "") return;
    if (content.startsWith("#")) {
      this.#comment(content, indent);
      return;
    }
    const { tokens, error } = tokenize(line, indent);
    if (error !== undefined) {
      this.#wordError(error);
      this.#placeholder(/^[A-Z]+/.exec(content)?.[0] ?? "");
      return;
    }
    const head = tokens[0] as Token;
    const args = tokens.slice(1);
    const directive = head.raw;
    if (!DIRECTIVES.includes(directive)) {
      const upper = directive.toUpperCase();
      const guess = DIRECTIVES.includes(upper) ? upper : closest(upper, DIRECTIVES);
      this.#error(
        "DK6003",
        { name: directive, known: DIRECTIVES.join(", ") },
        this.#at(head),
        guess === undefined
          ? undefined
          : guess === upper
          ? `Directives are upper case: did you mean '${guess}'?`
          : `Did you mean '${guess}'?`,
      );
      return;
    }
    if (HEADER.has(directive)) {
      if (this.#stages.length > 0 || this.#orphans !== undefined) {
        this.#error(
          "DK6010",
          {
            directive,
            where: "after the first STAGE",
            expected:
              "Move header lines (PROJECT, INPUT, DOKKU, SECRET, WARNING) before the first STAGE",
          },
          this.#at(head),
        );
        return;
      }
      this.#headerDirective(directive, head, args);
      return;
    }
    if (directive === "STAGE") {
      this.#stage(head, args);
      return;
    }
    if (directive === "STEP") {
      this.#stepHead(head, args);
      return;
    }
    const step = this.#step;
    if (step === undefined) {
      this.#error(
        "DK6010",
        {
          directive,
          where: "outside a step",
          expected: "Put it after a 'STEP <id> LOCK <lock>' line",
        },
        this.#at(head),
      );
      return;
    }
    const rank = RANK[directive];
    if (rank !== undefined) {
      if (rank < step.rank) {
        this.#error("DK6013", { directive, before: step.rankDirective }, this.#at(head));
      } else {
        step.rank = rank;
        step.rankDirective = directive;
      }
    }
    switch (directive) {
      case "GUARD":
        step.last = undefined;
        this.#guard(step, head, args);
        return;
      case "RUN":
      case "UNDO":
        this.#command(step, directive, head, args);
        return;
      case "STDIN":
      case "FILE":
      case "ACCEPT": {
        const last = step.last;
        if (last === undefined) {
          this.#error(
            "DK6010",
            {
              directive,
              where: "here",
              expected:
                "Put STDIN, FILE and ACCEPT lines right after the RUN or UNDO line they belong to",
            },
            this.#at(head),
          );
          return;
        }
        if (directive === "STDIN") this.#stdin(last.command, last.path, head, args);
        else if (directive === "FILE") this.#fileLine(last.command, last.path, head, args);
        else this.#accept(last.command, last.path, head, args);
        return;
      }
      case "VERIFY":
        step.last = undefined;
        this.#verify(step, head, args);
        return;
    }
  }

  /**
   * After an unreadable STAGE, STEP, RUN or UNDO line: opens what the line would have opened, so
   * the lines that follow attach where they belong instead of to the previous stage, step or
   * command (which would report problems that are not there).
   */
  #placeholder(directive: string): void {
    if (directive === "STAGE") {
      this.#stages.push({ name: "", needs: [], steps: [] });
      this.#step = undefined;
      return;
    }
    if (directive === "STEP") {
      const stage = this.#stages[this.#stages.length - 1] ??
        (this.#orphans ??= { name: "", needs: [], steps: [] });
      const step = emptyStep(["stages", -1, "steps", stage.steps.length]);
      stage.steps.push(step);
      this.#step = step;
      return;
    }
    const step = this.#step;
    if (step !== undefined && (directive === "RUN" || directive === "UNDO")) {
      const list = directive === "RUN" ? step.run : step.undo;
      const command: MCommand = { argv: [], accept: [], files: [] };
      list.push(command);
      step.last = { command, path: [...step.path, directive === "RUN" ? "run" : "undo", -1] };
    }
  }

  #comment(content: string, indent: number): void {
    const isFrom = content.startsWith("# from ");
    const isNote = content.startsWith("# note:");
    if (!isFrom && !isNote) return;
    const step = this.#step;
    if (step === undefined) {
      this.#error(
        "DK6010",
        {
          directive: isFrom ? "# from" : "# note:",
          where: "outside a step",
          expected: "Put provenance and note comments after a STEP line, or reword the comment",
        },
        this.#span(indent, content.length),
      );
      return;
    }
    if (isNote) {
      let offset = indent + "# note:".length;
      // Plain prose never starts with blanks (the writer quotes such notes): skip them all.
      while (this.#line[offset] === " " || this.#line[offset] === "\t") offset++;
      const decoded = decodeProse(this.#line.slice(offset), offset);
      if ("error" in decoded) {
        this.#wordError(decoded.error);
        return;
      }
      this.#record([...step.path, "notes", step.notes.length], indent, content.length);
      step.notes.push(decoded.value);
      return;
    }
    const usage = "# from <compose key> (<file>:<line>)";
    const malformed = () =>
      this.#error("DK6014", { what: "provenance", usage }, this.#span(indent, content.length));
    const { tokens, error } = tokenize(this.#line, indent + "# from ".length);
    if (error !== undefined) {
      this.#wordError(error);
      return;
    }
    const [keyToken, placeToken] = tokens;
    if (keyToken === undefined || placeToken === undefined || tokens.length !== 2) {
      malformed();
      return;
    }
    const place = /^\((.+):([0-9]{1,9})\)$/.exec(placeToken.raw);
    if (place === null) {
      malformed();
      return;
    }
    const key = this.#word(keyToken);
    const fileDecoded = decodeWord(place[1] as string, placeToken.offset + 1);
    if ("error" in fileDecoded) {
      this.#wordError(fileDecoded.error);
      return;
    }
    if (key === undefined) return;
    this.#record([...step.path, "source", step.source.length], indent, content.length);
    step.source.push({ file: fileDecoded.value, line: Number(place[2]), key });
  }

  #headerDirective(directive: string, head: Token, args: readonly Token[]): void {
    if (directive === "WARNING") {
      this.#warning(head, args);
      return;
    }
    const key = directive === "SECRET"
      ? undefined
      : SINGLE_HEADER[directive as keyof typeof SINGLE_HEADER];
    const firstLine = this.#headerLines.get(directive);
    if (key !== undefined && firstLine !== undefined) {
      this.#bag.add("DK6008", { directive, where: "in the header" }, {
        span: this.#at(head),
        related: [{ message: "first set here", span: firstLine }],
      });
      return;
    }
    // Seen even when its value is wrong, so a bad value is not also reported as missing.
    this.#headerLines.set(directive, this.#at(head));
    const [valueToken, extra] = args;
    if (valueToken === undefined) {
      this.#missing(
        directive,
        directive === "SECRET" ? "a secret name" : "a value",
        this.#at(head),
      );
      return;
    }
    if (extra !== undefined) {
      this.#unexpected(directive, extra);
      return;
    }
    const value = this.#word(valueToken);
    if (value === undefined) return;
    if (key === undefined) {
      this.#record(
        ["secrets", this.#header.secrets.length],
        valueToken.offset,
        valueToken.raw.length,
      );
      this.#header.secrets.push(value);
      return;
    }
    this.#record([key], valueToken.offset, valueToken.raw.length);
    this.#header[key] = value;
  }

  #warning(head: Token, args: readonly Token[]): void {
    const [codeToken, ...rest] = args;
    if (codeToken === undefined) {
      this.#missing("WARNING", "a code", this.#at(head));
      return;
    }
    const code = this.#word(codeToken);
    const { options, rest: at, ok } = this.#options("WARNING", rest, ["file", "line", "key"]);
    const messageToken = rest[at];
    if (messageToken === undefined) {
      if (ok) this.#missing("WARNING", "a message", this.#at(head));
      return;
    }
    const extra = rest[at + 1];
    if (extra !== undefined) {
      this.#unexpected("WARNING", extra);
      return;
    }
    const message = this.#word(messageToken);
    const lineOption = options.get("line");
    const line = lineOption === undefined ? undefined : this.#number(
      "line number",
      lineOption.value,
      lineOption.valueOffset,
      "a whole number such as '12'",
    );
    if (code === undefined || message === undefined || !ok) return;
    if (lineOption !== undefined && line === undefined) return;
    const warning: Mutable<ArtifactWarning> = { code, message };
    const file = options.get("file");
    if (file !== undefined) warning.file = file.value;
    if (line !== undefined) warning.line = line;
    const key = options.get("key");
    if (key !== undefined) warning.key = key.value;
    const path = ["warnings", this.#header.warnings.length];
    this.#record(path, head.offset, head.raw.length);
    this.#record(path, codeToken.offset, codeToken.raw.length, "code");
    if (lineOption !== undefined) {
      this.#record(path, lineOption.valueOffset, lineOption.value.length, "line");
    }
    this.#header.warnings.push(warning);
  }

  /** `NEEDS a b` after the fixed words of STAGE and STEP. */
  #needs(directive: string, tokens: readonly Token[], path: ModelPath): string[] | undefined {
    const [keyword, ...names] = tokens;
    if (keyword === undefined) return [];
    if (keyword.raw !== "NEEDS") {
      this.#unexpected(directive, keyword);
      return undefined;
    }
    if (names.length === 0) {
      this.#missing(
        directive,
        directive === "STAGE" ? "stage names after NEEDS" : "step ids after NEEDS",
        this.#at(keyword),
      );
      return undefined;
    }
    const values = this.#words(names);
    if (values === undefined) return undefined;
    names.forEach((token, i) => this.#record(path, token.offset, token.raw.length, i));
    return values;
  }

  #stage(head: Token, args: readonly Token[]): void {
    this.#step = undefined;
    const [nameToken, ...rest] = args;
    const path = ["stages", this.#stages.length];
    const stage: MStage = { name: "", needs: [], steps: [] };
    // A broken STAGE line still opens a stage, so its steps are read (and checked) in place.
    this.#stages.push(stage);
    this.#record(path, head.offset, head.raw.length);
    if (nameToken === undefined) {
      this.#missing("STAGE", "a name", this.#at(head));
      return;
    }
    const name = this.#word(nameToken);
    if (name !== undefined) {
      stage.name = name;
      this.#record(path, nameToken.offset, nameToken.raw.length, "name");
    }
    stage.needs = this.#needs("STAGE", rest, [...path, "needs"]) ?? [];
  }

  #stepHead(head: Token, args: readonly Token[]): void {
    let stage = this.#stages[this.#stages.length - 1];
    let stageIndex = this.#stages.length - 1;
    if (stage === undefined) {
      this.#error(
        "DK6010",
        {
          directive: "STEP",
          where: "before the first STAGE",
          expected: "Start a stage with 'STAGE <name>' first",
        },
        this.#at(head),
      );
      // Keep reading the step's lines, so their problems are reported too.
      this.#orphans ??= { name: "", needs: [], steps: [] };
      stage = this.#orphans;
      stageIndex = -1;
    }
    const path = ["stages", stageIndex, "steps", stage.steps.length];
    const step = emptyStep(path);
    stage.steps.push(step);
    this.#step = step;
    this.#record(path, head.offset, head.raw.length);
    const [idToken, lockKeyword, lockToken, ...rest] = args;
    if (idToken === undefined) {
      this.#missing("STEP", "an id", this.#at(head));
      return;
    }
    const id = this.#word(idToken);
    if (id !== undefined) {
      step.id = id;
      this.#record(path, idToken.offset, idToken.raw.length, "id");
    }
    if (lockKeyword === undefined || lockKeyword.raw !== "LOCK" || lockToken === undefined) {
      if (lockKeyword !== undefined && lockKeyword.raw !== "LOCK") {
        this.#unexpected("STEP", lockKeyword);
      } else {
        this.#missing("STEP", "'LOCK <lock>'", this.#at(lockKeyword ?? idToken));
      }
      return;
    }
    const lock = this.#word(lockToken);
    if (lock !== undefined) {
      step.lock = lock;
      this.#record(path, lockToken.offset, lockToken.raw.length, "lock");
    }
    step.needs = this.#needs("STEP", rest, [...path, "needs"]) ?? [];
  }

  #argv(directive: string, tokens: readonly Token[], head: Token, path: ModelPath) {
    if (tokens.length === 0) {
      this.#missing(directive, "a command", this.#at(head));
      return undefined;
    }
    const argv = this.#words(tokens);
    if (argv === undefined) return undefined;
    const first = tokens[0] as Token;
    this.#record(path, first.offset, first.raw.length);
    tokens.forEach((token, i) => this.#record(path, token.offset, token.raw.length, i));
    return argv;
  }

  /**
   * A directive allowed once (per step, or per command): the span of this occurrence when
   * `earlier` is unset, else `undefined` after reporting DK6008 (the repeat is ignored).
   */
  #once(
    earlier: Span | undefined,
    directive: string,
    where: string,
    head: Token,
  ): Span | undefined {
    if (earlier !== undefined) {
      this.#bag.add("DK6008", { directive, where }, {
        span: this.#at(head),
        related: [{ message: "first set here", span: earlier }],
      });
      return undefined;
    }
    return this.#at(head);
  }

  #guard(step: MStep, head: Token, args: readonly Token[]): void {
    const path = [...step.path, "guard"];
    const first = this.#once(step.guardAt, "GUARD", `in step '${step.id}'`, head);
    if (first === undefined) return;
    step.guardAt = first;
    this.#record(path, head.offset, head.raw.length);
    const { options, rest, ok } = this.#options("GUARD", args, ["present", "missing"]);
    const exits: Partial<Record<"present" | "missing", number[]>> = {};
    for (const name of ["present", "missing"] as const) {
      const option = options.get(name);
      if (option === undefined) {
        if (ok) this.#missing("GUARD", `'${name}=<codes>'`, this.#at(head));
        continue;
      }
      const at = [...path, `${name}Exit`];
      this.#record(at, option.valueOffset, option.value.length);
      const codes = this.#exitCodes(option, at);
      if (codes !== undefined) exits[name] = codes;
    }
    const argv = this.#argv("GUARD", args.slice(rest), head, [...path, "argv"]);
    if (argv === undefined || exits.present === undefined || exits.missing === undefined) return;
    step.guard = { argv, presentExit: exits.present, missingExit: exits.missing };
  }

  #command(step: MStep, directive: "RUN" | "UNDO", head: Token, args: readonly Token[]): void {
    const list = directive === "RUN" ? step.run : step.undo;
    const path = [...step.path, directive === "RUN" ? "run" : "undo", list.length];
    const command: MCommand = { argv: [], accept: [], files: [] };
    // Added even when broken, so its STDIN and ACCEPT lines attach to it and are checked.
    list.push(command);
    step.last = { command, path };
    this.#record(path, head.offset, head.raw.length);
    command.argv = this.#argv(directive, args, head, [...path, "argv"]) ?? [];
  }

  #stdin(command: MCommand, path: ModelPath, head: Token, args: readonly Token[]): void {
    const at = [...path, "stdin"];
    const first = this.#once(command.stdinAt, "STDIN", "for one command", head);
    if (first === undefined) return;
    command.stdinAt = first;
    this.#record(at, head.offset, head.raw.length);
    const [kindToken, ...rest] = args;
    if (kindToken === undefined) {
      this.#missing("STDIN", "a kind ('secrets-json' or 'archive')", this.#at(head));
      return;
    }
    if (kindToken.raw === "archive") {
      const [contextToken, extra] = rest;
      if (contextToken === undefined) {
        this.#missing("STDIN", "the directory to archive", this.#at(kindToken));
        return;
      }
      if (extra !== undefined) {
        this.#unexpected("STDIN", extra);
        return;
      }
      const context = this.#word(contextToken);
      if (context === undefined) return;
      this.#record(at, contextToken.offset, contextToken.raw.length, "context");
      command.stdin = { kind: "archive", context };
      return;
    }
    if (kindToken.raw !== "secrets-json") {
      this.#error(
        "DK6012",
        { what: "stdin kind", value: kindToken.raw, expected: "'secrets-json' or 'archive'" },
        this.#at(kindToken),
      );
      return;
    }
    const secrets: SecretRef[] = [];
    let ok = true;
    rest.forEach((token, i) => {
      const pair = this.#word(token);
      if (pair === undefined) {
        ok = false;
        return;
      }
      const eq = pair.indexOf("=");
      if (eq <= 0 || eq === pair.length - 1) {
        this.#error(
          "DK6012",
          {
            what: "secret pair",
            value: pair,
            expected: "KEY=secret, such as 'DB_PASSWORD=db_password'",
          },
          this.#at(token),
        );
        ok = false;
        return;
      }
      this.#record([...at, "secrets", i], token.offset, token.raw.length);
      secrets.push({ key: pair.slice(0, eq), secret: pair.slice(eq + 1) });
    });
    if (ok) command.stdin = { kind: "secrets-json", secrets };
  }

  /** `FILE <path> <content>`: a file added to the archive of the `STDIN archive` above it. */
  #fileLine(command: MCommand, path: ModelPath, head: Token, args: readonly Token[]): void {
    const [pathToken, contentToken, extra] = args;
    if (command.stdin?.kind !== "archive") {
      // After a STDIN line that did not read, its own error is enough.
      if (command.stdinAt !== undefined && command.stdin === undefined) return;
      this.#error(
        "DK6010",
        {
          directive: "FILE",
          where: command.stdin === undefined ? "without an archive" : "with 'STDIN secrets-json'",
          expected:
            "Put FILE lines after the 'STDIN archive <dir>' line of the command whose archive they join",
        },
        this.#at(head),
      );
      return;
    }
    if (pathToken === undefined || contentToken === undefined) {
      this.#missing(
        "FILE",
        pathToken === undefined ? "a path" : "the content",
        this.#at(pathToken ?? head),
      );
      return;
    }
    if (extra !== undefined) {
      this.#unexpected("FILE", extra);
      return;
    }
    const filePath = this.#word(pathToken);
    const content = this.#word(contentToken);
    if (filePath === undefined || content === undefined) return;
    const at = [...path, "stdin", "files", command.files.length];
    this.#record(at, head.offset, head.raw.length);
    this.#record(at, pathToken.offset, pathToken.raw.length, "path");
    this.#record(at, contentToken.offset, contentToken.raw.length, "content");
    command.files.push({ path: filePath, content });
  }

  #accept(command: MCommand, path: ModelPath, head: Token, args: readonly Token[]): void {
    const at = [...path, "accept", command.accept.length];
    const { options, rest, ok } = this.#options("ACCEPT", args, ["exit", "output", "as"]);
    let good = ok;
    for (const name of ["exit", "output", "as"]) {
      if (!options.has(name)) {
        if (ok) this.#missing("ACCEPT", `'${name}='`, this.#at(head));
        good = false;
      }
    }
    const exitOption = options.get("exit");
    const exit = exitOption === undefined ? undefined : this.#number(
      "exit code",
      exitOption.value,
      exitOption.valueOffset,
      "a whole number from 0 to 255",
    );
    const asOption = options.get("as");
    if (asOption !== undefined && asOption.value !== "unchanged") {
      this.#error(
        "DK6012",
        { what: "accept outcome", value: asOption.value, expected: "'unchanged'" },
        this.#span(asOption.valueOffset, asOption.value.length),
      );
      good = false;
    }
    let then: string[] | undefined;
    const thenToken = args[rest];
    if (thenToken !== undefined) {
      if (thenToken.raw !== "THEN") {
        this.#unexpected("ACCEPT", thenToken);
        return;
      }
      then = this.#argv("ACCEPT", args.slice(rest + 1), thenToken, [...at, "then"]);
      if (then === undefined) good = false;
    }
    const output = options.get("output");
    if (!good || exit === undefined || output === undefined) return;
    this.#record(at, head.offset, head.raw.length);
    if (exitOption !== undefined) {
      this.#record(at, exitOption.valueOffset, exitOption.value.length, "exit");
    }
    this.#record(at, output.valueOffset, output.value.length, "output");
    const accept: Mutable<Accept> = { exit, output: output.value, as: "unchanged" };
    if (then !== undefined) accept.then = then;
    command.accept.push(accept);
  }

  #verify(step: MStep, head: Token, args: readonly Token[]): void {
    const path = [...step.path, "verify"];
    const first = this.#once(step.verifyAt, "VERIFY", `in step '${step.id}'`, head);
    if (first === undefined) return;
    step.verifyAt = first;
    this.#record(path, head.offset, head.raw.length);
    const [appToken, ...pairs] = args;
    if (appToken === undefined) {
      this.#missing("VERIFY", "an app name", this.#at(head));
      return;
    }
    const app = this.#word(appToken);
    this.#record(path, appToken.offset, appToken.raw.length, "app");
    const processes: Record<string, number> = {};
    let ok = app !== undefined;
    for (const token of pairs) {
      const pair = this.#word(token);
      if (pair === undefined) {
        ok = false;
        continue;
      }
      const eq = pair.lastIndexOf("=");
      const type = pair.slice(0, eq);
      const count = pair.slice(eq + 1);
      if (eq <= 0 || !/^[0-9]{1,9}$/.test(count)) {
        this.#error(
          "DK6012",
          { what: "process count", value: pair, expected: "<process>=<count>, such as 'web=2'" },
          this.#at(token),
        );
        ok = false;
        continue;
      }
      if (Object.hasOwn(processes, type)) {
        this.#error("DK6044", { what: "process type", value: type }, this.#at(token));
        ok = false;
        continue;
      }
      this.#record([...path, "processes", type], token.offset, token.raw.length);
      // defineProperty: a "__proto__" process type stays data (and fails validation).
      Object.defineProperty(processes, type, {
        value: Number(count),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (ok && app !== undefined) step.verify = { app, processes };
  }

  /** The value read, when the header is complete (problems are in the diagnostics). */
  result(): Dokkufile | undefined {
    const h = this.#header;
    if (h.project === undefined || h.inputChecksum === undefined || h.dokkuVersion === undefined) {
      return undefined;
    }
    return {
      format: DOKKUFILE_FORMAT,
      project: h.project,
      inputChecksum: h.inputChecksum,
      dokkuVersion: h.dokkuVersion,
      secrets: h.secrets,
      stages: this.#stages.map(freezeStage),
      warnings: h.warnings,
    };
  }
}

function freezeCommand(command: MCommand): Command {
  const out: Mutable<Command> = { argv: command.argv };
  if (command.stdin?.kind === "archive" && command.files.length > 0) {
    out.stdin = { ...command.stdin, files: command.files };
  } else if (command.stdin !== undefined) {
    out.stdin = command.stdin;
  }
  if (command.accept.length > 0) out.accept = command.accept;
  return out;
}

function freezeStep(step: MStep): Step {
  const out: Mutable<Step> = {
    id: step.id,
    lock: step.lock,
    needs: step.needs,
    run: step.run.map(freezeCommand),
    undo: step.undo.map(freezeCommand),
    source: step.source,
    notes: step.notes,
  };
  if (step.guard !== undefined) out.guard = step.guard;
  if (step.verify !== undefined) out.verify = step.verify;
  return out;
}

function freezeStage(stage: MStage): Stage {
  return { name: stage.name, needs: stage.needs, steps: stage.steps.map(freezeStep) };
}

/** Reads the text form, then validates it (located) when it reads cleanly. */
export function parseText(
  text: string,
  options: { readonly file: string },
): { dokkufile?: Dokkufile; diagnostics: Diagnostic[] } {
  const reader = new Reader(options.file);
  reader.read(text);
  const diagnostics = [...reader.diagnostics];
  const value = reader.result();
  if (value === undefined || diagnostics.some((d) => d.severity === "error")) {
    return { diagnostics };
  }
  diagnostics.push(...validateModel(value, { locate: (path) => reader.locate(path) }));
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  return { dokkufile: value, diagnostics };
}
