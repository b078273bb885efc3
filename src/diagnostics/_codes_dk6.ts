/** Diagnostic codes DK6xxx: Dokkufile format. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

export const CODES_DK6: CodeTable = {};
