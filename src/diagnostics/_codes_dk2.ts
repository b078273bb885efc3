/** Diagnostic codes DK2xxx: compose schema and semantics. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

export const CODES_DK2: CodeTable = {};
