/**
 * Sharding for suites that outgrow one job: a case belongs to shard i of n by a hash of
 * its suite and id, so it stays in its shard when others are added or removed. Pure.
 */
import { createHash } from "node:crypto";
import type { Baseline, LoadedSuite } from "./types.js";

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function shardOf(suite: string, caseId: string, count: number): number {
  const digest = createHash("sha256").update(`${suite}\u0000${caseId}`).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

/** The suites with only this shard's cases; suites left empty are dropped. */
export function selectShard(suites: readonly LoadedSuite[], shard: Shard): LoadedSuite[] {
  return suites
    .map((s) => ({ ...s, cases: s.cases.filter((c) => shardOf(s.name, c.id, shard.count) === shard.index) }))
    .filter((s) => s.cases.length > 0);
}

/** The baseline seen by one shard: its own cases only, so the others are not reported missing. */
export function baselineForShard(baseline: Baseline, shard: Shard): Baseline {
  const suites: Baseline["suites"] = {};
  for (const [name, s] of Object.entries(baseline.suites)) {
    suites[name] = { ...s, cases: Object.fromEntries(Object.entries(s.cases).filter(([id]) => shardOf(name, id, shard.count) === shard.index)) };
  }
  return { ...baseline, suites };
}
