/** The whole run (or comparison) as JSON: the one artifact later commands re-read. NaN (not computable) is written as null. */
import type { ModelComparison } from "../core/model-comparison-types.js";
import type { RunResult } from "../core/types.js";

export function renderJson(result: RunResult | ModelComparison): string {
  return `${JSON.stringify(result, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`;
}
