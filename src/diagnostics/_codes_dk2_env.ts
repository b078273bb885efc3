/**
 * Diagnostic codes DK21xx (interpolation, dotenv, units, command splitting) and DK22xx (schema
 * validation of compose files). Keep codes stable once released; add, never renumber.
 */
import type { CodeTable } from "./_registry.ts";

export const CODES_DK2_ENV: CodeTable = {};
