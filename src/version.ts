/** The dokompose version (kept equal to deno.json's by a test). Never written into artifacts. */
export const VERSION = "0.1.0";
