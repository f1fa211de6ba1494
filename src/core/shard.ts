/**
 * Sharding for suites that outgrow one job: a case belongs to shard i of n by a hash of
 * its suite and id, so it stays in its shard when others are added or removed. Pure.
 */
import { createHash } from "node:crypto";
import type { Baseline, LoadedSuite, ShardOf } from "./types.js";

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

/**
 * What a shard is a part of, for harness merge to check that the shards it joins are of one
 * run: shards of another commit, or run on other suites, would otherwise merge into a whole
 * that no one ran, and a suite some shard never had would pass as merely "not run". It covers
 * what the suite files say (cases, prompts, graders, judge, thresholds, provider, trials) and
 * the code they run as far as harness sees it (a grader module's, an exec: app's: code-version.ts).
 */
export function shardOfRun(all: readonly LoadedSuite[], shard: Shard): ShardOf {
  const hash = createHash("sha256");
  let cases = 0;
  for (const s of [...all].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(`${JSON.stringify([s.name, s.provider.id, s.trials, s.judge?.id ?? null, s.threshold ?? null, s.code ?? null])}\n`);
    for (const c of s.cases) hash.update(`${JSON.stringify([c.id, c.promptHash, c.graders])}\n`);
    cases += s.cases.length;
  }
  return { index: shard.index, count: shard.count, of: { cases, digest: hash.digest("hex").slice(0, 16) } };
}
