/** Diagnostic codes DK4xxx: Dokku mapping. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

export const CODES_DK4: CodeTable = {};
