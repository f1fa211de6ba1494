/** The whole run (or comparison) as JSON: the one artifact later commands re-read. NaN (not computable) is written as null. */
import type { ModelComparison } from "../core/model-comparison-types.js";
import type { RunResult } from "../core/types.js";

// JSON.stringify writes NaN and ±Infinity as null by itself (ECMA-262 SerializeJSONProperty):
// no replacer is needed for that, and one called on every key was most of a large report's cost.
export function renderJson(result: RunResult | ModelComparison): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

const finite = (_k: string, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v);

/**
 * The same text as renderJson, in pieces: a 100,000-trial report is 80 MB as one string, and
 * twice that while it is written out. Objects and arrays are opened `depth` levels deep (the
 * run, its suites, their cases); below that each value is one JSON.stringify. Strings in
 * JSON never hold a raw newline, so re-indenting a piece is a plain replace.
 */
export function* renderJsonChunks(result: RunResult | ModelComparison, depth = 4): Generator<string> {
  yield* chunks(finite("", result), 0, depth);
  yield "\n";
}

function* chunks(value: unknown, level: number, depth: number): Generator<string> {
  const pad = "  ".repeat(level);
  const inner = `${pad}  `;
  const isObject = typeof value === "object" && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== "function";
  if (level >= depth || !isObject) {
    yield (JSON.stringify(value, null, 2) ?? "null").replace(/\n/g, `\n${pad}`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return void (yield "[]");
    yield "[\n";
    for (let i = 0; i < value.length; i++) {
      yield inner;
      const v = finite(String(i), value[i]);
      yield* chunks(v === undefined || typeof v === "function" || typeof v === "symbol" ? null : v, level + 1, depth);
      yield i < value.length - 1 ? ",\n" : "\n";
    }
    return void (yield `${pad}]`);
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => [k, finite(k, v)] as const)
    .filter(([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol");
  if (entries.length === 0) return void (yield "{}");
  yield "{\n";
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    yield `${inner}${JSON.stringify(k)}: `;
    yield* chunks(v, level + 1, depth);
    yield i < entries.length - 1 ? ",\n" : "\n";
  }
  yield `${pad}}`;
}
