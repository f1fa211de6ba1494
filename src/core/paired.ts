/**
 * Paired statistics for two models run on the same cases (harness compare).
 *
 * Cases, not trials, are the unit. The trials of one case share its prompt and its
 * difficulty, so they are not independent: five trials of a case the model always
 * gets right are one piece of evidence, not five. Two models run on the same cases
 * are paired, each case its own control, so the spread of difficulty between cases
 * cancels out of their difference. Every test here therefore works on one figure per
 * case, never on trials pooled as if independent (a two-proportion test on pooled
 * counts would be far too confident):
 *
 * - pass rate: d_i = candidate's pass rate − reference's on case i, tested with the
 *   exact paired sign-flip (permutation) test (Fisher 1935; Good 2005, ch. 3). If the
 *   two models do equally well on a case, its two counts are exchangeable and the sign
 *   of d_i is a coin flip; the p-value counts the sign patterns whose sum is at least as
 *   extreme as the one observed. No normal or equal-variance assumption, exact at any
 *   number of cases; only when the patterns are too many to count is the same
 *   permutation distribution approximated by its normal limit.
 * - pass^k: whether a case passed all of its trials, tested with McNemar's exact test
 *   (McNemar 1947): only the cases where exactly one model passed them all carry
 *   evidence, and under no difference each is equally likely to go either way.
 * - an interval on the mean d over cases (never trials), at Student's t.
 */
import { logFactorial, normalCdf, tQuantile, type CaseCounts } from "./stats.js";

/** One case as two models did on it. */
export interface PairedCounts {
  reference: CaseCounts;
  candidate: CaseCounts;
}

export interface SignFlipResult {
  /** Mean over the cases of candidate − reference pass rate; NaN with no cases. */
  mean: number;
  /** One-sided p-value that the candidate is worse. */
  pDrop: number;
  /** One-sided p-value that the candidate is better. */
  pRise: number;
  /** exact: every sign pattern counted; normal: the permutation distribution's normal limit (too many patterns to count). */
  method: "exact" | "normal";
}

/** Above this many steps (cases × reachable sums) the exact count gives way to the normal limit. */
export const DEFAULT_EXACT_WORK = 50_000_000;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

/**
 * The differences as whole numbers on a common scale, so that sums compare exactly
 * (floating-point sums of fifths would make equal sums look unequal). null when the
 * common denominator is too large to count with.
 */
function integerDifferences(pairs: readonly PairedCounts[]): number[] | null {
  let lcm = 1;
  for (const { reference: r, candidate: c } of pairs) {
    const den = r.n * c.n;
    lcm = (lcm / gcd(lcm, den)) * den;
    if (lcm > 2 ** 40) return null;
  }
  const scaled = pairs.map(({ reference: r, candidate: c }) => (c.c * r.n - r.c * c.n) * (lcm / (r.n * c.n)));
  const g = scaled.reduce((acc, x) => gcd(acc, x), 0);
  return g === 0 ? scaled : scaled.map((x) => x / g);
}

/**
 * Exact paired sign-flip test on per-case pass-rate differences, one-sided both ways.
 * Cases where either model has no judged trial must be left out by the caller.
 */
export function signFlipTest(pairs: readonly PairedCounts[], maxExactWork = DEFAULT_EXACT_WORK): SignFlipResult {
  if (pairs.length === 0) return { mean: Number.NaN, pDrop: Number.NaN, pRise: Number.NaN, method: "exact" };
  const d = pairs.map(({ reference: r, candidate: c }) => c.c / c.n - r.c / r.n);
  const mean = d.reduce((s, x) => s + x, 0) / d.length;
  const ints = integerDifferences(pairs);
  const nonzero = ints?.filter((x) => x !== 0) ?? [];
  const reach = nonzero.reduce((s, x) => s + Math.abs(x), 0);
  if (ints === null || nonzero.length * (2 * reach + 1) > maxExactWork) {
    // Few cases but awkward denominators: count the reachable sums themselves (at most 2^m),
    // never the normal approximation, which is far off at six or seven cases.
    const exact = ints === null ? d.filter((x) => Math.abs(x) > 1e-12) : nonzero;
    if (exact.length <= 20) return { mean, ...reachableSums(exact, ints === null ? 1e-9 : 0), method: "exact" };
    return { mean, ...normalLimit(ints ?? d, ints !== null), method: "normal" };
  }
  // dist[reach + s] = P(Σ ε_i |a_i| = s) over independent fair signs ε_i.
  let dist = new Float64Array(2 * reach + 1);
  dist[reach] = 1;
  for (const x of nonzero) {
    const a = Math.abs(x);
    const next = new Float64Array(dist.length);
    for (let s = 0; s < dist.length; s++) {
      const p = dist[s]!;
      if (p === 0) continue;
      next[s - a] = next[s - a]! + p / 2;
      next[s + a] = next[s + a]! + p / 2;
    }
    dist = next;
  }
  const observed = nonzero.reduce((s, x) => s + x, 0);
  let below = 0;
  let above = 0;
  for (let s = -reach; s <= reach; s++) {
    if (s <= observed) below += dist[reach + s]!;
    if (s >= observed) above += dist[reach + s]!;
  }
  return { mean, pDrop: Math.min(1, below), pRise: Math.min(1, above), method: "exact" };
}

/**
 * The permutation distribution's normal limit: mean 0, variance Σ x_i². On the integer
 * scale its sums lie 2 apart, so a continuity correction of 1 keeps the observed sum in its tail.
 */
function normalLimit(x: readonly number[], integer: boolean): { pDrop: number; pRise: number } {
  const sd = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
  if (sd === 0) return { pDrop: 1, pRise: 1 };
  const t = x.reduce((s, v) => s + v, 0);
  const cc = integer ? 1 : 0;
  return { pDrop: normalCdf((t + cc) / sd), pRise: normalCdf((-t + cc) / sd) };
}


/** P(X ≥ x) for X ~ Binomial(n, 1/2). */
function halfBinomialUpper(x: number, n: number): number {
  let p = 0;
  for (let i = Math.max(0, x); i <= n; i++) p += Math.exp(logFactorial(n) - logFactorial(i) - logFactorial(n - i) - n * Math.LN2);
  return Math.min(1, p);
}

/**
 * McNemar's exact test (the binomial test on the discordant pairs). `referenceOnly`:
 * cases only the reference passed (all trials), `candidateOnly`: only the candidate.
 * With no discordant case there is no evidence either way: both p-values are 1.
 */
export function mcnemarExact(referenceOnly: number, candidateOnly: number): { pDrop: number; pRise: number } {
  const n = referenceOnly + candidateOnly;
  return { pDrop: halfBinomialUpper(referenceOnly, n), pRise: halfBinomialUpper(candidateOnly, n) };
}

/**
 * Student's t interval on the mean of per-case values: m̄ ± t(m − 1) · s / √m, within the
 * values' range [−1, 1]. The cases are the sample (each one's difference already holds its
 * trials' noise), and their spread is measured on those few cases, hence t. A percentile
 * bootstrap over cases, used before, was too narrow on few cases: with nothing changed it
 * missed Δ = 0 in 13.5% of runs at 6 cases, 10% at 9 (a review's simulation).
 * When every case shows the same difference the interval is that point: these cases showed
 * no spread, and the power estimate says how large a difference they could show. One case
 * has no spread to measure: the whole range. No case: NaN.
 */
export function meanInterval(values: readonly number[], level = 0.95): [number, number] {
  const m = values.length;
  if (m === 0) return [Number.NaN, Number.NaN];
  if (m === 1) return [-1, 1];
  const mean = values.reduce((sum, v) => sum + v, 0) / m;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (m - 1);
  const half = tQuantile(1 - (1 - level) / 2, m - 1) * Math.sqrt(variance / m);
  return [Math.max(-1, mean - half), Math.min(1, mean + half)];
}

/**
 * The exact sign-flip p-values by the distribution of Σ ε_i |x_i| kept as a map of the sums
 * that occur: at most 2^m entries, whatever the denominators. `tolerance` makes float sums
 * that differ by rounding count as equal (integers need none).
 */
function reachableSums(x: readonly number[], tolerance: number): { pDrop: number; pRise: number } {
  let dist = new Map<number, number>([[0, 1]]);
  const key = (v: number) => (tolerance > 0 ? Math.round(v / tolerance) * tolerance : v);
  for (const v of x) {
    const a = Math.abs(v);
    const next = new Map<number, number>();
    for (const [s, p] of dist) {
      for (const t of [key(s - a), key(s + a)]) next.set(t, (next.get(t) ?? 0) + p / 2);
    }
    dist = next;
  }
  const observed = key(x.reduce((s, v) => s + v, 0));
  let below = 0;
  let above = 0;
  for (const [s, p] of dist) {
    if (s <= observed + tolerance / 2) below += p;
    if (s >= observed - tolerance / 2) above += p;
  }
  return { pDrop: Math.min(1, below), pRise: Math.min(1, above) };
}
