/** Rate-limit summaries joined into one line per provider and role: a run's servers, or a merge's shards. */
import type { ClimbedBack, RateLimitSummary } from "./types.js";

/** Each way a limit may have climbed back, least first. */
export const CLIMB_ORDER = ["no", "partly", "fully"] as const satisfies readonly ClimbedBack[];

/**
 * The 429s add up, the lowest limit is the lowest of any, and the limit climbed back only as far
 * as the one that climbed least: said of all, "climbed back" must hold of each. Unknown (a shard
 * from before it was kept) where any is unknown.
 */
export function joinRateLimits(summaries: Iterable<RateLimitSummary>): RateLimitSummary[] {
  const byProvider = new Map<string, RateLimitSummary>();
  for (const x of summaries) {
    const key = `${x.role}\u0000${x.provider}`;
    const seen = byProvider.get(key);
    if (!seen) {
      byProvider.set(key, { ...x });
      continue;
    }
    const climbedBack = seen.climbedBack && x.climbedBack && CLIMB_ORDER[Math.min(CLIMB_ORDER.indexOf(seen.climbedBack), CLIMB_ORDER.indexOf(x.climbedBack))];
    const joined: RateLimitSummary = { provider: seen.provider, role: seen.role, rateLimited: seen.rateLimited + x.rateLimited, lowest: Math.min(seen.lowest, x.lowest), max: Math.max(seen.max, x.max) };
    if (climbedBack) joined.climbedBack = climbedBack;
    byProvider.set(key, joined);
  }
  return [...byProvider.values()];
}
