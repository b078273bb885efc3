/** State shared by the transform's helpers: the project, where things came from, diagnostics. */
import type { ComposeModel, LoadedProject, ServiceConfig, SourceMap } from "../compose/types.ts";
import { type DiagArgs, DiagnosticBag, type Related } from "../diagnostics/mod.ts";
import type { SourceRef } from "../dokkufile/types.ts";

export type Path = readonly (string | number)[];

export class Context {
  readonly project: LoadedProject;
  readonly model: ComposeModel;
  readonly sources: SourceMap;
  readonly bag: DiagnosticBag = new DiagnosticBag();

  constructor(project: LoadedProject) {
    this.project = project;
    this.model = project.model;
    this.sources = project.sources;
  }

  service(name: string): ServiceConfig {
    const svc = this.model.services[name];
    if (svc === undefined) throw new Error(`Bug: unknown service ${name}`);
    return svc;
  }

  /** Where a compose path came from, as a SourceRef (file and line of the nearest located ancestor). */
  ref(path: Path): SourceRef {
    const span = this.sources.get(path);
    return { file: span?.file ?? "", line: span?.line ?? 0, key: path.join(".") };
  }

  /** Adds a diagnostic located at a compose path. */
  report(code: string, args: DiagArgs, path: Path, related?: readonly Related[]): void {
    this.bag.add(code, args, {
      span: this.sources.get(path),
      path: path.join("."),
      related,
    });
  }

  /** A related location ("first defined here"), when the path is located. */
  related(message: string, path: Path): Related[] {
    const span = this.sources.get(path);
    return span === undefined ? [] : [{ message, span }];
  }
}

/** True when a value is set and not empty (null, [] and {} count as unset). */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
