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
 * - pass rate: d_i = candidate's pass rate − reference's on case i, tested with an exact
 *   paired permutation test (Fisher 1935; Good 2005, ch. 3). If the two models do equally
 *   well on a case that both ran as many times, its two counts are exchangeable and the
 *   sign of d_i is a coin flip: the sign-flip test. Where the trial counts differ (-k, or
 *   errored trials) its trials are exchangeable instead, and which of its passes were the
 *   candidate's is hypergeometric. The p-value is the chance, under those laws, of a sum
 *   at least as extreme as the one observed: no normal or equal-variance assumption, exact
 *   at any number of cases; only when the outcomes are too many to count is the same law
 *   approximated by its normal limit.
 * - pass^k: whether a case passed all of its trials, tested with McNemar's exact test
 *   (McNemar 1947): only the cases where exactly one model passed them all carry
 *   evidence, and under no difference each is equally likely to go either way.
 * - an interval on the mean d over cases (never trials), at Student's t.
 */
import { logChoose, logFactorial, normalCdf, tQuantile, type CaseCounts } from "./stats.js";

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

/** Above this many steps (Σ over cases of its possible values × reachable sums) the exact count gives way to the normal limit. */
export const DEFAULT_EXACT_WORK = 50_000_000;

/** Above this many combinations of the cases' values, too many to list, the normal limit is used. */
const MAX_LISTED = 1 << 20;

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

/** One case's law under "no difference": the differences it could have shown, and their chances. */
export interface CaseLaw<T = number> {
  values: T[];
  probs: number[];
}

/** The splits of a case's passes between the models (candidate's, reference's) it could have shown, and their chances. */
export interface CaseSplits {
  splits: [cand: number, ref: number][];
  probs: number[];
}

/** Where a case's splits come from: caseSplits, or a memo of it (power.ts runs thousands of tests on the same few cases). */
export type SplitsOf = (pair: PairedCounts) => CaseSplits;

/**
 * Case i's law under "no difference", given what cannot tell the two models apart.
 * - Equal trials: its two counts are exchangeable, so given the pair either model is as
 *   likely to hold the larger: the counts as seen or swapped, ±d_i, each with chance ½ (the
 *   sign flip).
 * - Unequal trials: the counts are not exchangeable (a rate over 3 trials spreads wider than
 *   one over 10, and one-sidedly near 100%), so flipping the sign is not "no difference":
 *   at 3 trials against 10 it called noise a drop in 7.1% of test/paired.test.ts's seeded
 *   runs at α 0.05. The trials are exchangeable: given the case's passes, which of them
 *   were the candidate's is hypergeometric, as in Fisher's test.
 */
export function caseSplits({ reference: r, candidate: c }: PairedCounts): CaseSplits {
  if (r.n === c.n) return c.c === r.c ? { splits: [[c.c, r.c]], probs: [1] } : { splits: [[c.c, r.c], [r.c, c.c]], probs: [0.5, 0.5] };
  const passes = r.c + c.c;
  const all = r.n + c.n;
  const denom = logChoose(all, c.n);
  const splits: [number, number][] = [];
  const probs: number[] = [];
  for (let k = Math.max(0, passes - r.n); k <= Math.min(c.n, passes); k++) {
    splits.push([k, passes - k]);
    probs.push(Math.exp(logChoose(passes, k) + logChoose(all - passes, c.n - k) - denom));
  }
  return { splits, probs };
}

/** A case's law on the caller's scale: `diff(cand, ref)` is cand/n_c − ref/n_r on it. */
function caseLaw<T>(pair: PairedCounts, diff: (cand: number, ref: number) => T, splitsOf: SplitsOf): CaseLaw<T> {
  const { splits, probs } = splitsOf(pair);
  return { values: splits.map(([cand, ref]) => diff(cand, ref)), probs };
}

/**
 * The cases' laws with whole-number values on a common scale, so that sums compare exactly
 * (floating-point sums of fifths would make equal sums look unequal), and the observed sum
 * on it. null when the common denominator is too large to count with.
 */
function integerLaws(pairs: readonly PairedCounts[], splitsOf: SplitsOf): { laws: CaseLaw[]; observed: number } | null {
  let lcm = 1;
  for (const { reference: r, candidate: c } of pairs) {
    const den = r.n * c.n;
    lcm = (lcm / gcd(lcm, den)) * den;
    if (lcm > 2 ** 40) return null;
  }
  const scaled = (p: PairedCounts) => (cand: number, ref: number) => (cand * p.reference.n - ref * p.candidate.n) * (lcm / (p.reference.n * p.candidate.n));
  const laws = pairs.map((p) => caseLaw(p, scaled(p), splitsOf));
  let observed = pairs.reduce((sum, p) => sum + scaled(p)(p.candidate.c, p.reference.c), 0);
  const g = laws.reduce((acc, law) => law.values.reduce(gcd, acc), 0);
  if (g > 1) {
    for (const law of laws) law.values = law.values.map((v) => v / g);
    observed /= g;
  }
  return { laws, observed };
}

function gcdBig(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/**
 * The laws as whole numbers on a common scale however large, in BigInt: for few cases whose
 * trial counts (errored trials left out, suites of their own sizes) make the common
 * denominator too large for a double. Rounded floats there lost the observed sum's own
 * chance from its tail: five cases that could give no p below 1/32 gave 0.
 */
function bigIntegerLaws(pairs: readonly PairedCounts[], splitsOf: SplitsOf): { laws: CaseLaw<bigint>[]; observed: bigint } {
  let lcm = 1n;
  for (const { reference: r, candidate: c } of pairs) {
    const den = BigInt(r.n * c.n);
    lcm = (lcm / gcdBig(lcm, den)) * den;
  }
  const scaled = (p: PairedCounts) => (cand: number, ref: number) => BigInt(cand * p.reference.n - ref * p.candidate.n) * (lcm / BigInt(p.reference.n * p.candidate.n));
  return { laws: pairs.map((p) => caseLaw(p, scaled(p), splitsOf)), observed: pairs.reduce((sum, p) => sum + scaled(p)(p.candidate.c, p.reference.c), 0n) };
}

/**
 * Exact paired permutation test on per-case pass-rate differences, one-sided both ways: the
 * law of Σ d_i when the two models do equally well on every case is the convolution of the
 * cases' laws (caseLaw). With equal trials per case it is the sign-flip test.
 * Cases where either model has no judged trial must be left out by the caller.
 */
export function signFlipTest(pairs: readonly PairedCounts[], maxExactWork = DEFAULT_EXACT_WORK): SignFlipResult {
  if (pairs.length === 0) return { mean: Number.NaN, pDrop: Number.NaN, pRise: Number.NaN, method: "exact" };
  const mean = pairs.reduce((s, { reference: r, candidate: c }) => s + c.c / c.n - r.c / r.n, 0) / pairs.length;
  const plan = planSignFlip(pairs, maxExactWork);
  return { mean, ...planPValues(plan), method: plan.method === "normal" ? "normal" : "exact" };
}

/**
 * How signFlipTest counts the law of the sum for these (non-empty) pairs: the cases' laws
 * that can vary, the observed sum on their scale, and the way:
 * - convolve: whole numbers within reach, few enough steps;
 * - listed, listed-big: few cases but awkward denominators, every reachable sum listed (in BigInt past 2^40);
 * - normal: too many outcomes to count.
 */
export type SignFlipPlan =
  | { method: "convolve"; laws: CaseLaw[]; observed: number; reach: number }
  | { method: "listed"; laws: CaseLaw[]; observed: number }
  | { method: "listed-big"; bigLaws: () => { laws: CaseLaw<bigint>[]; observed: bigint } }
  | { method: "normal"; laws: CaseLaw[]; observed: number; integer: boolean };

export function planSignFlip(pairs: readonly PairedCounts[], maxExactWork: number, splitsOf: SplitsOf = caseSplits): SignFlipPlan {
  const ints = integerLaws(pairs, splitsOf);
  const laws = (ints?.laws ?? pairs.map((p) => caseLaw(p, (cand, ref) => cand / p.candidate.n - ref / p.reference.n, splitsOf))).filter((law) => law.values.length > 1);
  const observed = ints?.observed ?? pairs.reduce((s, { reference: r, candidate: c }) => s + c.c / c.n - r.c / r.n, 0);
  const reach = laws.reduce((s, law) => s + Math.max(...law.values.map(Math.abs)), 0);
  const work = laws.reduce((s, law) => s + law.values.length, 0) * (2 * reach + 1);
  if (ints !== null && work <= maxExactWork) return { method: "convolve", laws, observed, reach };
  // Few cases but awkward denominators: count the reachable sums themselves, never the
  // normal approximation, which is far off at six or seven cases.
  const combinations = laws.reduce((s, law) => s * law.values.length, 1);
  if (combinations <= MAX_LISTED) {
    if (ints !== null) return { method: "listed", laws, observed };
    const bigLaws = () => {
      const big = bigIntegerLaws(pairs, splitsOf);
      return { laws: big.laws.filter((law) => law.values.length > 1), observed: big.observed };
    };
    return { method: "listed-big", bigLaws };
  }
  return { method: "normal", laws, observed, integer: ints !== null };
}

/** The plan's one-sided p-values. */
export function planPValues(plan: SignFlipPlan): { pDrop: number; pRise: number } {
  switch (plan.method) {
    case "convolve":
      return convolve(plan.laws, plan.reach, plan.observed);
    case "listed":
      return reachableSums(plan.laws, plan.observed, 0, (a, b) => a + b);
    case "listed-big": {
      const { laws, observed } = plan.bigLaws();
      return reachableSums(laws, observed, 0n, (a, b) => a + b);
    }
    case "normal":
      return normalLimit(plan.laws, plan.observed, plan.integer);
  }
}

/**
 * P(sum ≤ observed) and P(sum ≥ observed), the law of the sum held over −reach..reach. Only the
 * span the sums so far can reach is visited (the rest is zero), in two buffers used in turn.
 */
function convolve(laws: readonly CaseLaw[], reach: number, observed: number): { pDrop: number; pRise: number } {
  let dist = new Float64Array(2 * reach + 1);
  let next = new Float64Array(dist.length);
  dist[reach] = 1;
  let lo = reach;
  let hi = reach;
  for (const { values, probs } of laws) {
    const nextLo = lo + Math.min(...values);
    const nextHi = hi + Math.max(...values);
    next.fill(0, nextLo, nextHi + 1);
    for (let s = lo; s <= hi; s++) {
      const p = dist[s]!;
      if (p === 0) continue;
      for (let j = 0; j < values.length; j++) next[s + values[j]!]! += p * probs[j]!;
    }
    [dist, next] = [next, dist];
    lo = nextLo;
    hi = nextHi;
  }
  let below = 0;
  let above = 0;
  for (let s = lo - reach; s <= hi - reach; s++) {
    if (s <= observed) below += dist[reach + s]!;
    if (s >= observed) above += dist[reach + s]!;
  }
  return { pDrop: Math.min(1, below), pRise: Math.min(1, above) };
}

/**
 * The law's normal limit: mean 0, variance the sum of the cases' variances. On the integer
 * scale the sums lie on a lattice (spaced 2 apart for sign flips), so a continuity correction
 * of half its spacing keeps the observed sum in its tail.
 */
function normalLimit(laws: readonly CaseLaw[], observed: number, integer: boolean): { pDrop: number; pRise: number } {
  const variance = laws.reduce((s, { values, probs }) => s + values.reduce((v, x, j) => v + probs[j]! * x * x, 0), 0);
  if (variance === 0) return { pDrop: 1, pRise: 1 };
  const sd = Math.sqrt(variance);
  const spacing = integer ? laws.reduce((acc, { values }) => values.reduce((a, v) => gcd(a, v - values[0]!), acc), 0) : 0;
  const cc = spacing / 2;
  return { pDrop: normalCdf((observed + cc) / sd), pRise: normalCdf((-observed + cc) / sd) };
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
 * The exact p-values by the law of the sum kept as a map of the sums that occur: at most the
 * product of the cases' value counts, whatever the denominators. Whole numbers only (doubles
 * within 2^53, or BigInt), so equal sums are equal keys and the observed one is in both tails.
 */
function reachableSums<T extends number | bigint>(laws: readonly CaseLaw<T>[], observed: T, zero: T, add: (a: T, b: T) => T): { pDrop: number; pRise: number } {
  let dist = new Map<T, number>([[zero, 1]]);
  for (const { values, probs } of laws) {
    const next = new Map<T, number>();
    for (const [s, p] of dist) {
      values.forEach((v, j) => {
        const t = add(s, v);
        next.set(t, (next.get(t) ?? 0) + p * probs[j]!);
      });
    }
    dist = next;
  }
  let below = 0;
  let above = 0;
  for (const [s, p] of dist) {
    if (s <= observed) below += p;
    if (s >= observed) above += p;
  }
  return { pDrop: Math.min(1, below), pRise: Math.min(1, above) };
}
