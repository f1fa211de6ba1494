/** The whole run as JSON: the one artifact later commands re-read. NaN (not computable) is written as null. */
import type { RunResult } from "../core/types.js";

export function renderJson(result: RunResult): string {
  return `${JSON.stringify(result, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`;
}
