import assert from "node:assert/strict";
import { renderGraph } from "../src/graph/mod.ts";
import { type Stack, transformToStack } from "../src/stack/mod.ts";
import { loaded, shopModel, shuffled } from "./support/stack_project.ts";

function shop(seed?: number): Stack {
  const model = shopModel();
  const r = transformToStack(
    loaded(seed === undefined ? model : shuffled(model, seed), { sourcesModel: model }),
  );
  assert.ok(r.stack);
  return r.stack;
}

for (const [format, ext] of [["dot", "dot"], ["mermaid", "mmd"], ["json", "json"]] as const) {
  Deno.test(`graph render: ${format} matches its golden file (UPDATE_GOLDEN=1 rewrites it)`, async () => {
    const text = renderGraph(shop(), format);
    const url = new URL(`./golden/graph_shop.${ext}`, import.meta.url);
    if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(url, text);
    assert.equal(text, await Deno.readTextFile(url));
    assert.equal(renderGraph(shop(3), format), text, "shuffled input renders the same bytes");
  });
}

Deno.test("graph render: json lists every app, datastore, network and storage entry", () => {
  const doc = JSON.parse(renderGraph(shop(), "json"));
  assert.equal(doc.version, "graph/v1");
  assert.deepEqual(doc.nodes.map((n: { id: string }) => n.id), [
    "network:shop_default",
    "service:analytics",
    "service:api",
    "service:db",
    "service:redis",
    "service:web",
    "service:worker",
    "storage:shop-uploads",
  ]);
  assert.ok(
    doc.edges.some((e: { from: string; to: string; kind: string; label: string }) =>
      e.from === "service:web" && e.to === "service:db" && e.kind === "link" &&
      e.label === "DATABASE_URL"
    ),
  );
  assert.deepEqual(doc.stages.map((s: { services: string[] }) => s.services), [
    ["analytics", "db", "redis"],
    ["api", "worker"],
    ["web"],
  ]);
});

Deno.test("graph render: dot quotes names and groups stages", () => {
  const text = renderGraph(shop(), "dot");
  assert.match(text, /^digraph "shop" \{/);
  assert.match(
    text,
    /subgraph "cluster_stage_0" \{\n {4}label="stage 0";\n {4}"service:analytics";/,
  );
  assert.match(text, /"service:db" \[label="db\\npostgres shop-db", shape=cylinder\];/);
});
