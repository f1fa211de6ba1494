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
  // An array's items are read by index and an object's by key, without a [key, value] pair for
  // each: at a line per trial, the pairs took a sixth of the time it took to write 100,000 trials.
  const stack: Frame[] = [];
  const indents = ["", "  "];
  const indent = (level: number) => (indents[level] ??= "  ".repeat(level));
  let text = "";
  const write = (value: unknown, level: number) => {
    if (level >= depth || typeof value !== "object" || value === null || typeof (value as { toJSON?: unknown }).toJSON === "function") {
      text += JSON.stringify(value) ?? "null";
      return;
    }
    let frame: Frame;
    if (Array.isArray(value)) frame = { keys: null, values: value, next: 0, level, close: "]" };
    else {
      // Each value read once, as Object.entries did: what is written is what was there.
      const keys: string[] = [];
      const values: unknown[] = [];
      for (const key of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[key];
        if (isWritten(v)) {
          keys.push(key);
          values.push(v);
        }
      }
      frame = { keys, values, next: 0, level, close: "}" };
    }
    if (frame.values.length === 0) text += frame.keys ? "{}" : "[]";
    else {
      text += frame.keys ? "{\n" : "[\n";
      stack.push(frame);
    }
  };
  write(result, 0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next === top.values.length) {
      text += `\n${indent(top.level)}${top.close}`;
      stack.pop();
      continue;
    }
    const i = top.next++;
    text += i > 0 ? `,\n${indent(top.level + 1)}` : indent(top.level + 1);
    if (top.keys) {
      text += `${JSON.stringify(top.keys[i])}: `;
      write(top.values[i], top.level + 1);
    } else {
      const v = top.values[i];
      // As JSON.stringify does in arrays.
      write(isWritten(v) ? v : null, top.level + 1);
    }
    if (text.length >= 1 << 16) {
      yield text;
      text = "";
    }
  }
  yield `${text}\n`;
}

/** An object or array open on the writer's stack: an array's items, or an object's written keys and their values. */
interface Frame {
  keys: string[] | null;
  values: readonly unknown[];
  next: number;
  level: number;
  close: string;
}

/** JSON.stringify leaves such a value out of an object (and writes null for it in an array). */
function isWritten(v: unknown): boolean {
  return v !== undefined && typeof v !== "function" && typeof v !== "symbol";
}
