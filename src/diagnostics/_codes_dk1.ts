/** Diagnostic codes DK1xxx: YAML and source files. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

export const CODES_DK1: CodeTable = {};
