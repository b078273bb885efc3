/** Diagnostic codes DK5xxx: runtime. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

export const CODES_DK5: CodeTable = {};
