/**
 * The whole run (or comparison) as JSON: the one artifact later commands re-read. NaN (not
 * computable) is written as null: JSON.stringify writes NaN and ±Infinity so by itself.
 */
import type { ModelComparison } from "../core/model-comparison-types.js";
import type { RunResult } from "../core/types.js";

/** The whole report as one string; for a big run's file, write renderJsonChunks' pieces instead. */
export function renderJson(result: RunResult | ModelComparison): string {
  return [...renderJsonChunks(result)].join("");
}

/**
 * The report as JSON, in pieces: a 100,000-trial report is tens of MB as one string, and twice
 * that while it is written out. Objects and arrays are opened and indented `depth` levels deep;
 * below that each value is written on one line. At the default depth of a run report that is
 * one line per trial: under half the size of indenting every field of every trial (10,000
 * trials: 3.7 MB instead of 7.9), with the run, suites and cases still easy to read.
 */
export function* renderJsonChunks(result: RunResult | ModelComparison, depth = 6): Generator<string> {
  // One generator with a stack of its own, yielding every 64 KiB: a yield* per level would pass
  // each of a big report's ~100,000 pieces up through six generators, which took most of its time.
  const stack: { entries: [string | undefined, unknown][]; next: number; level: number; close: string }[] = [];
  let text = "";
  const write = (value: unknown, level: number) => {
    const isObject = typeof value === "object" && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== "function";
    if (level >= depth || !isObject) {
      text += JSON.stringify(value) ?? "null";
      return;
    }
    const entries: [string | undefined, unknown][] = Array.isArray(value)
      ? // As JSON.stringify does in arrays.
        value.map((v: unknown) => [undefined, v === undefined || typeof v === "function" || typeof v === "symbol" ? null : v])
      : Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol");
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    if (entries.length === 0) text += open + close;
    else {
      text += `${open}\n`;
      stack.push({ entries, next: 0, level, close });
    }
  };
  write(result, 0);
  while (stack.length > 0) {
    const top = stack.at(-1)!;
    if (top.next === top.entries.length) {
      text += `\n${"  ".repeat(top.level)}${top.close}`;
      stack.pop();
      continue;
    }
    const [key, value] = top.entries[top.next]!;
    text += `${top.next > 0 ? ",\n" : ""}${"  ".repeat(top.level + 1)}${key === undefined ? "" : `${JSON.stringify(key)}: `}`;
    top.next++;
    write(value, top.level + 1);
    if (text.length >= 1 << 16) {
      yield text;
      text = "";
    }
  }
  yield `${text}\n`;
}
