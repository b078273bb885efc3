/**
 * Renders a Stack as a graph: apps, datastores, networks and storage entries as nodes; links,
 * dependencies, network membership and mounts as edges; topological levels as stages.
 * Deterministic: every list in a Stack is already sorted, and this module sorts what it builds.
 */
import type { Stack } from "../stack/model.ts";

export type GraphFormat = "dot" | "mermaid" | "json";

interface Node {
  readonly id: string;
  readonly kind: "app" | "datastore" | "network" | "storage";
  readonly name: string;
  readonly label: string;
  readonly stage?: number;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly kind: "depends_on" | "link" | "network" | "mount";
  readonly label?: string;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function collect(stack: Stack): { nodes: Node[]; edges: Edge[] } {
  const stageOf = new Map<string, number>();
  for (const level of stack.levels) for (const s of level.services) stageOf.set(s, level.index);
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const withStage = (service: string) => {
    const stage = stageOf.get(service);
    return stage === undefined ? {} : { stage };
  };
  for (const app of stack.apps) {
    nodes.push({
      id: `service:${app.service}`,
      kind: "app",
      name: app.name,
      label: `${app.service}\napp ${app.name}`,
      ...withStage(app.service),
    });
    for (const dep of app.dependsOn) {
      edges.push({ from: `service:${app.service}`, to: `service:${dep}`, kind: "depends_on" });
    }
    for (const net of app.networks) {
      edges.push({ from: `service:${app.service}`, to: `network:${net}`, kind: "network" });
    }
    for (const m of app.mounts) {
      edges.push({
        from: `service:${app.service}`,
        to: `storage:${m.storage}`,
        kind: "mount",
        label: m.containerDir,
      });
    }
  }
  for (const ds of stack.datastores) {
    nodes.push({
      id: `service:${ds.service}`,
      kind: "datastore",
      name: ds.name,
      label: `${ds.service}\n${ds.plugin} ${ds.name}`,
      ...withStage(ds.service),
    });
    for (const dep of ds.dependsOn ?? []) {
      edges.push({ from: `service:${ds.service}`, to: `service:${dep}`, kind: "depends_on" });
    }
    for (const net of ds.networks) {
      edges.push({ from: `service:${ds.service}`, to: `network:${net}`, kind: "network" });
    }
  }
  const appByName = new Map(stack.apps.map((a) => [a.name, a.service]));
  const dsByName = new Map(stack.datastores.map((d) => [`${d.plugin}:${d.name}`, d.service]));
  for (const link of stack.links) {
    const from = appByName.get(link.app);
    const to = dsByName.get(`${link.plugin}:${link.datastore}`);
    if (from === undefined || to === undefined) continue;
    edges.push({
      from: `service:${from}`,
      to: `service:${to}`,
      kind: "link",
      label: `${link.alias}_URL`,
    });
  }
  for (const net of stack.networks) {
    nodes.push({
      id: `network:${net.name}`,
      kind: "network",
      name: net.name,
      label: `network ${net.name}`,
    });
  }
  for (const st of stack.storage) {
    nodes.push({
      id: `storage:${st.name}`,
      kind: "storage",
      name: st.name,
      label: `storage ${st.name}`,
    });
  }
  // A link already says "needs": drop the plain dependency edge it duplicates.
  const linked = new Set(edges.filter((e) => e.kind === "link").map((e) => `${e.from}\0${e.to}`));
  const kept = edges.filter((e) => e.kind !== "depends_on" || !linked.has(`${e.from}\0${e.to}`));
  nodes.sort((a, b) => cmp(a.id, b.id));
  kept.sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.kind, b.kind));
  return { nodes, edges: kept };
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

const DOT_SHAPE: Record<Node["kind"], string> = {
  app: "shape=box",
  datastore: "shape=cylinder",
  network: "shape=ellipse, style=dashed",
  storage: "shape=folder",
};

const DOT_EDGE: Record<Edge["kind"], string> = {
  depends_on: "style=dashed",
  link: "style=bold",
  network: "style=dotted, arrowhead=none",
  mount: "style=solid",
};

function renderDot(stack: Stack, nodes: Node[], edges: Edge[]): string {
  const out = [`digraph ${dotString(stack.project)} {`, "  rankdir=LR;"];
  for (const level of stack.levels) {
    out.push(`  subgraph ${dotString(`cluster_stage_${level.index}`)} {`);
    out.push(`    label=${dotString(`stage ${level.index}`)};`);
    for (const s of level.services) out.push(`    ${dotString(`service:${s}`)};`);
    out.push("  }");
  }
  for (const n of nodes) {
    out.push(`  ${dotString(n.id)} [label=${dotString(n.label)}, ${DOT_SHAPE[n.kind]}];`);
  }
  for (const e of edges) {
    const label = e.label === undefined ? "" : `, label=${dotString(e.label)}`;
    out.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [${DOT_EDGE[e.kind]}${label}];`);
  }
  out.push("}");
  return out.join("\n") + "\n";
}

function mermaidText(text: string): string {
  return `"${text.replace(/"/g, "#quot;").replace(/\n/g, "<br/>")}"`;
}

const MERMAID_SHAPE: Record<Node["kind"], [string, string]> = {
  app: ["[", "]"],
  datastore: ["[(", ")]"],
  network: ["((", "))"],
  storage: ["[/", "/]"],
};

const MERMAID_ARROW: Record<Edge["kind"], string> = {
  depends_on: "-.->",
  link: "==>",
  network: "---",
  mount: "-->",
};

function renderMermaid(stack: Stack, nodes: Node[], edges: Edge[]): string {
  const ids = new Map(nodes.map((n, i) => [n.id, `n${i}`]));
  const out = ["flowchart LR"];
  const placed = new Set<string>();
  for (const level of stack.levels) {
    out.push(`  subgraph stage_${level.index} [${mermaidText(`stage ${level.index}`)}]`);
    for (const s of level.services) {
      const node = nodes.find((n) => n.id === `service:${s}`);
      if (node === undefined) continue;
      const [open, close] = MERMAID_SHAPE[node.kind];
      out.push(`    ${ids.get(node.id)}${open}${mermaidText(node.label)}${close}`);
      placed.add(node.id);
    }
    out.push("  end");
  }
  for (const n of nodes) {
    if (placed.has(n.id)) continue;
    const [open, close] = MERMAID_SHAPE[n.kind];
    out.push(`  ${ids.get(n.id)}${open}${mermaidText(n.label)}${close}`);
  }
  for (const e of edges) {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (from === undefined || to === undefined) continue;
    const label = e.label === undefined ? "" : `|${mermaidText(e.label)}|`;
    out.push(`  ${from} ${MERMAID_ARROW[e.kind]}${label} ${to}`);
  }
  return out.join("\n") + "\n";
}

/** Renders the Stack's graph as Graphviz dot, a Mermaid flowchart, or JSON (`graph/v1`). */
export function renderGraph(stack: Stack, format: GraphFormat): string {
  const { nodes, edges } = collect(stack);
  switch (format) {
    case "dot":
      return renderDot(stack, nodes, edges);
    case "mermaid":
      return renderMermaid(stack, nodes, edges);
    case "json": {
      const doc = {
        version: "graph/v1",
        project: stack.project,
        nodes: nodes.map((n) => ({ id: n.id, kind: n.kind, name: n.name, stage: n.stage ?? null })),
        edges: edges.map((e) => ({ from: e.from, to: e.to, kind: e.kind, label: e.label ?? null })),
        stages: stack.levels.map((l) => ({ index: l.index, services: l.services })),
      };
      return JSON.stringify(doc, null, 2) + "\n";
    }
  }
}
