/** Stable content hashes: the same data hashes the same whatever its key order. */
import { createHash } from "node:crypto";

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
  return createHash("sha256").update(stableStringify(value)).digest("hex").slice(0, length);
}

/** Identity of an output for reviews: a verdict given once applies wherever the same text appears again. */
export function outputHash(output: string): string {
  return createHash("sha256").update(output).digest("hex").slice(0, 16);
}
