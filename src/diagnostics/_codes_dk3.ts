/** Diagnostic codes DK3xxx: service graph. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

export const CODES_DK3: CodeTable = {};
