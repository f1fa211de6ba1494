/** When a run's plain progress lines are written, and which waits on a rate limit are said. */
import { RATE_LIMIT_WAIT_NOTICE_MS } from "../defaults.js";

/** When plain progress lines are written, and which waits on a rate limit are said, in ms. */
export interface ProgressPace {
  /** The first line, this long into a run (15 s): a run that ends sooner says nothing. */
  firstMs: number;
  /** After it, half the time elapsed, but at least this (30 s)… */
  minGapMs: number;
  /** …and at most this (5 min). */
  maxGapMs: number;
  /** The shortest wait on a rate limit that is said (5 s). */
  rateLimitWaitMs: number;
}

export const PROGRESS_PACE: ProgressPace = { firstMs: 15_000, minGapMs: 30_000, maxGapMs: 300_000, rateLimitWaitMs: RATE_LIMIT_WAIT_NOTICE_MS };

/**
 * For tests alone: every time in the pace multiplied by this (0.01: the first line after 150 ms),
 * so a test's run shows in a second what a real one shows in minutes.
 */
const PACE_SCALE_VARIABLE = "HARNESS_TEST_PROGRESS_SCALE";

/** The pace a run keeps: PROGRESS_PACE, unless a test scales it. */
export function progressPace(env: NodeJS.ProcessEnv): ProgressPace {
  const scale = Number(env[PACE_SCALE_VARIABLE]);
  if (!(scale > 0 && Number.isFinite(scale))) return PROGRESS_PACE;
  return { firstMs: PROGRESS_PACE.firstMs * scale, minGapMs: PROGRESS_PACE.minGapMs * scale, maxGapMs: PROGRESS_PACE.maxGapMs * scale, rateLimitWaitMs: PROGRESS_PACE.rateLimitWaitMs * scale };
}

/**
 * The wait before the next plain line, `elapsedMs` into a run: half the time elapsed, between
 * 30 s and 5 min. Lines then come at 15 s, 45 s, 75 s, 113 s, 169 s, …: 8 in a run of 10
 * minutes, 18 in an hour, 30 in two, and 12 in each hour after the first. A growing gap keeps a
 * long run's log short, and what a line says has changed in proportion since the last; the cap
 * keeps it from reading as hung (Bazel dropped its ever-growing gap for that, bazel#16119) and
 * under CircleCI's 10 minutes without output, after which it ends a step.
 */
export function progressGap(elapsedMs: number, pace: ProgressPace = PROGRESS_PACE): number {
  return Math.min(pace.maxGapMs, Math.max(pace.minGapMs, elapsedMs / 2));
}
