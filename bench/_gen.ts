/**
 * Generated inputs for the benchmarks (and the bundle test): compose files of any size, built
 * only from features every stage supports (images, environment, ports, depends_on), so the
 * numbers measure the pipeline and not an error path. Deterministic: same `n`, same bytes.
 */

/** Options of {@linkcode composeYaml}. */
export interface ComposeOptions {
  /** Services per dependency group: service i depends on the group's first service. */
  readonly group?: number;
}

/**
 * A compose file with `n` services `svc-0001`... Every service has an image, three environment
 * variables (one interpolated from `${BENCH_TAG:-v1}`), a port, and all but the first of each
 * group of `group` services (default 10) depend on that group's first service, so the service
 * graph has two levels however large `n` is.
 */
export function composeYaml(n: number, options: ComposeOptions = {}): string {
  const group = options.group ?? 10;
  const name = (i: number) => `svc-${String(i).padStart(4, "0")}`;
  const lines = ["name: bench", "services:"];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  ${name(i)}:`,
      `    image: "registry.example.com/bench/${name(i)}:\${BENCH_TAG:-v1}"`,
      "    environment:",
      `      SERVICE_INDEX: "${i}"`,
      `      LOG_LEVEL: info`,
      `      GREETING: "hello from ${name(i)}"`,
      "    ports:",
      `      - "${8000 + (i % 1000)}:80"`,
    );
    const head = i - (i % group);
    if (head !== i) lines.push("    depends_on:", `      - ${name(head)}`);
  }
  return lines.join("\n") + "\n";
}
