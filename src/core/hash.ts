/** Stable content hashes: the same data hashes the same whatever its key order. */
// crypto.hash is the one-shot form: about a third of createHash's time for short texts,
// which counts at a hash per case on loading and per trial on fixture lookups.
import { hash } from "node:crypto";

/** JSON with object keys sorted, so equal data always serialises the same. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** Hex sha256 of the stable JSON of `value`, cut to `length` characters. */
export function hashOf(value: unknown, length = 64): string {
  return hashText(stableStringify(value), length);
}

/**
 * Whether what two hashes stand for changed: only where both are known. One side without it
 * (a baseline from before it was recorded) says nothing, and nothing is said.
 */
export function hashChanged(before: string | undefined, now: string | undefined): boolean {
  return before !== undefined && now !== undefined && before !== now;
}

/** Hex sha256 of `text`, cut to `length` characters. */
export function hashText(text: string, length = 64): string {
  return hash("sha256", text, "hex").slice(0, length);
}

const stableOfObject = new WeakMap<object, string>();

/**
 * stableStringify of data that is never changed once made (a loaded suite's provider, a grader
 * spec shared by all its cases), worked out once per object. Elements joined by commas inside
 * brackets give the same text as stableStringify of the array holding them.
 */
export function stableStringifyShared(value: unknown): string {
  if (value === null || typeof value !== "object") return stableStringify(value) ?? "null";
  let text = stableOfObject.get(value);
  if (text === undefined) stableOfObject.set(value, (text = stableStringify(value)));
  return text;
}

/** Identity of an output for reviews: a verdict given once applies wherever the same text appears again. */
export function outputHash(output: string): string {
  return hash("sha256", output, "hex").slice(0, 16);
}
