/**
 * The service graph: which compose service must be set up before which, found from
 * `depends_on`, `links`, `network_mode`/`ipc`/`pid: service:x`, `volumes_from` and datastore
 * references in environment values. Cycles are errors naming every edge with its location;
 * levels are the topological levels that the compiler turns into parallel stages.
 *
 * Everything is sorted explicitly (plain code-unit order), so numeric-looking service names
 * such as `10` and `2` never reorder the output.
 *
 * @module
 */
import type { ComposeModel, SourceMap } from "../compose/types.ts";
import { type Diagnostic, DiagnosticBag, type Related } from "../diagnostics/mod.ts";
import { findHostReferences, HostIndex, serviceHosts } from "./_refs.ts";

export { findHostReferences, HostIndex, serviceHosts };
export type { HostLookup, HostRef } from "./_refs.ts";
export { renderGraph } from "./_render.ts";
export type { GraphFormat } from "./_render.ts";

/** Why one service comes before another. */
export type EdgeKind =
  | "depends_on"
  | "links"
  | "network_mode"
  | "ipc"
  | "pid"
  | "volumes_from"
  | "datastore_link";

/** `from` needs `to`: `to` is set up first. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** The compose path that makes the edge (`services.web.depends_on.db`). */
  readonly key: string;
}

export interface ServiceGraph {
  /** Service names, sorted. */
  readonly nodes: readonly string[];
  /** Sorted by from, to, kind; one edge per (from, to, kind). */
  readonly edges: readonly GraphEdge[];
}

export interface BuildGraphOptions {
  readonly sources: SourceMap;
  /**
   * Services that are datastores: environment values of the other services that name one of
   * them as a host add a `datastore_link` edge.
   */
  readonly datastores?: ReadonlySet<string>;
}

export interface GraphResult {
  readonly graph: ServiceGraph;
  /** Topological levels (longest path from services without dependencies), each sorted. Empty on a cycle. */
  readonly levels: readonly (readonly string[])[];
  readonly diagnostics: readonly Diagnostic[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function serviceRef(value: string): string | undefined {
  return value.startsWith("service:") ? value.slice("service:".length) : undefined;
}

function collectEdges(model: ComposeModel, datastores: ReadonlySet<string>): GraphEdge[] {
  const edges: GraphEdge[] = [];
  // One index for the whole model: a host table per service would make this quadratic.
  const index = new HostIndex(model);
  for (const name of Object.keys(model.services).sort()) {
    const hosts = index.of(name);
    const svc = model.services[name]!;
    const base = `services.${name}`;
    for (const dep of Object.keys(svc.depends_on ?? {})) {
      edges.push({ from: name, to: dep, kind: "depends_on", key: `${base}.depends_on.${dep}` });
    }
    (svc.links ?? []).forEach((link, i) => {
      const to = link.split(":")[0]!;
      edges.push({ from: name, to, kind: "links", key: `${base}.links.${i}` });
    });
    for (const kind of ["network_mode", "ipc", "pid"] as const) {
      const value = svc[kind];
      const to = typeof value === "string" ? serviceRef(value) : undefined;
      if (to !== undefined) edges.push({ from: name, to, kind, key: `${base}.${kind}` });
    }
    (svc.volumes_from ?? []).forEach((entry, i) => {
      if (entry.startsWith("container:")) return;
      const to = entry.split(":")[0]!;
      edges.push({ from: name, to, kind: "volumes_from", key: `${base}.volumes_from.${i}` });
    });
    if (!datastores.has(name)) {
      for (const [key, value] of Object.entries(svc.environment ?? {})) {
        if (value === null) continue;
        for (const ref of findHostReferences(key, value, hosts)) {
          if (ref.service !== name && datastores.has(ref.service)) {
            edges.push({
              from: name,
              to: ref.service,
              kind: "datastore_link",
              key: `${base}.environment.${key}`,
            });
          }
        }
      }
    }
  }
  return edges;
}

function spanOf(sources: SourceMap, key: string) {
  return sources.get(key.split("."));
}

/** Builds the service graph of a canonical model. */
export function buildGraph(model: ComposeModel, options: BuildGraphOptions): GraphResult {
  const bag = new DiagnosticBag();
  const nodes = Object.keys(model.services).sort(cmp);
  const known = new Set(nodes);
  const unique = new Map<string, GraphEdge>();
  for (const edge of collectEdges(model, options.datastores ?? new Set())) {
    if (!known.has(edge.to)) {
      bag.add("DK3002", { service: edge.from, target: edge.to, key: edge.kind }, {
        span: spanOf(options.sources, edge.key),
        path: edge.key,
      });
      continue;
    }
    const id = `${edge.from}\0${edge.to}\0${edge.kind}`;
    if (!unique.has(id)) unique.set(id, edge);
  }
  // Map insertion order follows discovery; sort so the graph never depends on it.
  const edges = [...unique.values()].sort((a, b) =>
    cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.kind, b.kind)
  );
  const graph: ServiceGraph = { nodes, edges };
  const cycles = findCycles(graph);
  for (const cycle of cycles) {
    const related: Related[] = [];
    for (const edge of cycle) {
      const span = spanOf(options.sources, edge.key);
      if (span !== undefined) {
        related.push({ message: `'${edge.from}' needs '${edge.to}' here ('${edge.kind}')`, span });
      }
    }
    const names = [...cycle.map((e) => e.from), cycle[0]!.from];
    bag.add("DK3001", { cycle: names.join(" -> ") }, {
      span: spanOf(options.sources, cycle[0]!.key),
      path: cycle[0]!.key,
      related,
    });
  }
  const levels = cycles.length > 0 ? [] : computeLevels(graph);
  return { graph, levels, diagnostics: bag.items };
}

function adjacency(graph: ServiceGraph): Map<string, GraphEdge[]> {
  const out = new Map<string, GraphEdge[]>();
  for (const node of graph.nodes) out.set(node, []);
  // graph.edges is sorted by from, to, kind: each list is sorted by target, first kind first.
  for (const edge of graph.edges) out.get(edge.from)!.push(edge);
  return out;
}

/**
 * One cycle per strongly connected component that has one, as its edges. Each starts at the
 * component's smallest service and is the shortest way back to it, preferring smaller names,
 * so the message is predictable. Sorted by first service.
 */
export function findCycles(graph: ServiceGraph): GraphEdge[][] {
  const adj = adjacency(graph);
  // Tarjan's algorithm, iterating nodes and neighbours in sorted order.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const edge of adj.get(v)!) {
      const w = edge.to;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component.sort(cmp));
    }
  };
  for (const node of graph.nodes) if (!index.has(node)) visit(node);

  const cycles: GraphEdge[][] = [];
  for (const component of components) {
    const start = component[0]!;
    const members = new Set(component);
    const selfLoop = adj.get(start)!.find((e) => e.to === start);
    if (component.length === 1) {
      if (selfLoop !== undefined) cycles.push([selfLoop]);
      continue;
    }
    // Breadth-first from `start` inside the component, neighbours in sorted order.
    const via = new Map<string, GraphEdge>();
    const queue = [start];
    let closing: GraphEdge | undefined;
    while (queue.length > 0 && closing === undefined) {
      const v = queue.shift()!;
      for (const edge of adj.get(v)!) {
        if (!members.has(edge.to)) continue;
        if (edge.to === start) {
          closing = edge;
          break;
        }
        if (!via.has(edge.to)) {
          via.set(edge.to, edge);
          queue.push(edge.to);
        }
      }
    }
    if (closing === undefined) throw new Error(`Bug: no cycle through ${start}`);
    const path: GraphEdge[] = [closing];
    let at = closing.from;
    while (at !== start) {
      const edge = via.get(at)!;
      path.unshift(edge);
      at = edge.from;
    }
    cycles.push(path);
  }
  return cycles.sort((a, b) => cmp(a[0]!.from, b[0]!.from));
}

/** Topological levels: a service's level is one more than its deepest dependency's. */
export function computeLevels(graph: ServiceGraph): string[][] {
  const adj = adjacency(graph);
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (v: string): number => {
    const known = level.get(v);
    if (known !== undefined) return known;
    if (visiting.has(v)) throw new Error(`Bug: cycle through ${v} in computeLevels`);
    visiting.add(v);
    let d = 0;
    for (const edge of adj.get(v)!) if (edge.to !== v) d = Math.max(d, depth(edge.to) + 1);
    visiting.delete(v);
    level.set(v, d);
    return d;
  };
  const levels: string[][] = [];
  for (const node of graph.nodes) {
    const d = depth(node);
    while (levels.length <= d) levels.push([]);
    levels[d]!.push(node);
  }
  return levels.map((l) => l.sort(cmp));
}
