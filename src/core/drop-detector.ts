/**
 * Whether the paired test finds the candidate worse at α, decided exactly as
 * `signFlipTest(pairs, maxExactWork).pDrop <= alpha` decides it, for the thousands of tests a
 * power estimate runs (power.ts) on the same few cases. Same answers, found faster:
 * - each case's law is worked out once per (trial counts, pass counts): the draws repeat them;
 * - where signFlipTest lists every reachable sum (up to 2^20 of them, each a Map entry, in
 *   BigInt past 2^40: 14 cases of 25–38 trials each took 15 s), or convolves a few cases
 *   over a wide span, the lower tail is found by meeting in the middle: the sums of each
 *   half of the cases, sorted, about 2·√(number of sums) of them (Horowitz & Sahni 1974).
 * The two add the same chances in different orders, so their sums may differ in the last
 * bits. Both sums are of non-negative terms, each within a relative γ(roundings) of the true
 * value (Higham 2002, Lemma 3.1 and §4.2), so the tail decides only when it is farther from
 * α than both bounds together; closer than that, signFlipTest's own count decides.
 */
import { caseSplits, gcd, planPValues, planSignFlip, type CaseLaw, type CaseSplits, type PairedCounts, type SignFlipPlan, type SplitsOf } from "./paired.js";

/** A test of drop at α on the given pairs, answering as signFlipTest(pairs, maxExactWork).pDrop <= alpha would. */
export type DropDetector = (pairs: readonly PairedCounts[], alpha: number) => boolean;

export function createDropDetector(maxExactWork: number): DropDetector {
  const splitsOf = memoiseSplits();
  return (pairs, alpha) => {
    if (pairs.length === 0) return false; // signFlipTest's pDrop is NaN
    const plan = planSignFlip(pairs, maxExactWork, splitsOf);
    return decideInTheMiddle(plan, pairs, splitsOf, alpha) ?? planPValues(plan).pDrop <= alpha;
  };
}

/** The decision from the tail met in the middle, where that is the cheaper way; undefined where it is not, or cannot tell. */
function decideInTheMiddle(plan: SignFlipPlan, pairs: readonly PairedCounts[], splitsOf: SplitsOf, alpha: number): boolean | undefined {
  switch (plan.method) {
    case "convolve": {
      // Few cases with large values (8 cases of 3–10 trials: 256 sums over a span of thousands).
      const combinations = plan.laws.reduce((s, law) => s * law.values.length, 1);
      const work = plan.laws.reduce((s, law) => s + law.values.length, 0) * (2 * plan.reach + 1);
      return combinations <= 2 ** 20 && 32 * Math.sqrt(combinations) < work ? listedDecides(plan.laws, plan.observed, alpha, numbers) : undefined;
    }
    case "listed":
      return listedDecides(plan.laws, plan.observed, alpha, numbers);
    case "listed-big": {
      const small = smallScaleLaws(pairs, splitsOf);
      if (small !== null) return listedDecides(small.laws, small.observed, alpha, numbers);
      const big = plan.bigLaws();
      return listedDecides(big.laws, big.observed, alpha, bigints);
    }
    case "normal":
      return undefined;
  }
}

/** Laws remembered at most: a case of 40 trials against 38 has up to 79 splits, about 3 kB. */
const MEMO_LIMIT = 10_000;

/**
 * caseSplits, remembered by all four counts (each below 2^13, packed into one number: a
 * string key cost as much as the law it saved). The memo holds the very arrays caseSplits
 * returned; none of their readers writes to them.
 */
export function memoiseSplits(): SplitsOf {
  const memo = new Map<number, CaseSplits>();
  const RADIX = 2 ** 13;
  return (pair) => {
    const { reference: r, candidate: c } = pair;
    if (Math.max(r.n, r.c, c.n, c.c) >= RADIX) return caseSplits(pair);
    const key = ((r.n * RADIX + r.c) * RADIX + c.n) * RADIX + c.c;
    let splits = memo.get(key);
    if (splits === undefined) {
      splits = caseSplits(pair);
      if (memo.size < MEMO_LIMIT) memo.set(key, splits);
    }
    return splits;
  };
}

/** Whole numbers that add and compare exactly: doubles within 2^53, or BigInt. */
interface Exact<T> {
  zero: T;
  add: (a: T, b: T) => T;
  compare: (a: T, b: T) => number;
}
const numbers: Exact<number> = { zero: 0, add: (a, b) => a + b, compare: (a, b) => a - b }; // a − b has the sign of the exact difference
const bigints: Exact<bigint> = { zero: 0n, add: (a, b) => a + b, compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0) };

/**
 * The cases' laws on the smallest whole-number scale, in doubles, where signFlipTest's scale
 * (the product of the trial counts) is past 2^40 and it counts in BigInt; null when even this
 * one would pass 2^53. A case's values are multiples of 1/d for d its reduced denominator
 * (equal trials of 25–38 per case: d = n, a scale of lcm(25..38) = 2.3e14). Any positive scale
 * keeps every sum's order and every tie.
 */
function smallScaleLaws(pairs: readonly PairedCounts[], splitsOf: SplitsOf): { laws: CaseLaw[]; observed: number } | null {
  const cases = pairs.map((pair) => {
    const { splits, probs } = splitsOf(pair);
    const den = pair.reference.n * pair.candidate.n;
    const numerators = splits.map(([cand, ref]) => cand * pair.reference.n - ref * pair.candidate.n);
    const g = numerators.reduce(gcd, den);
    return { den: den / g, numerators: numerators.map((x) => x / g), probs, observed: (pair.candidate.c * pair.reference.n - pair.reference.c * pair.candidate.n) / g };
  });
  let scale = 1;
  for (const { den } of cases) {
    scale = (scale / gcd(scale, den)) * den;
    if (scale > 2 ** 53) return null;
  }
  // Each value is within ±scale, so exact; the sums stay exact while their reach is below 2^53.
  const laws = cases.filter((c) => c.numerators.length > 1).map((c) => ({ values: c.numerators.map((x) => x * (scale / c.den)), probs: c.probs }));
  const reach = laws.reduce((s, { values }) => s + Math.max(...values.map(Math.abs)), 0);
  if (!(reach < 2 ** 53)) return null;
  return { laws, observed: cases.reduce((s, c) => s + c.observed * (scale / c.den), 0) };
}

/** Unit roundoff of a double. */
const U = 2 ** -53;

/**
 * pDrop <= alpha from the tail met in the middle, or undefined when it lies too close to α to
 * tell from signFlipTest's sum of the same chances in its own order. Every sum of the laws'
 * values must be exact in `exact`.
 */
function listedDecides<T>(laws: readonly CaseLaw<T>[], observed: T, alpha: number, exact: Exact<T>): boolean | undefined {
  if (!(alpha > 0 && alpha < 1)) return undefined; // signFlipTest caps pDrop at 1: leave the edges to it
  // Halves of about equal numbers of sums: the largest laws first, each to the smaller half.
  const halves: [CaseLaw<T>[], CaseLaw<T>[]] = [[], []];
  const sizes = [1, 1];
  for (const law of [...laws].sort((a, b) => b.values.length - a.values.length)) {
    const h = sizes[0]! <= sizes[1]! ? 0 : 1;
    halves[h].push(law);
    sizes[h]! *= law.values.length;
  }
  const low = sortedSums(halves[0], exact);
  const high = sortedSums(halves[1], exact);
  // below[j]: the chance of high's j smallest sums.
  const below = new Float64Array(high.sums.length + 1);
  for (let j = 0; j < high.sums.length; j++) below[j + 1] = below[j]! + high.probs[j]!;
  let tail = 0;
  let j = high.sums.length;
  for (let i = 0; i < low.sums.length; i++) {
    while (j > 0 && exact.compare(exact.add(low.sums[i]!, high.sums[j - 1]!), observed) > 0) j--;
    tail += low.probs[i]! * below[j]!;
  }
  // Roundings on any one term's path, in either sum: a product per law, and each addition into
  // a running sum. signFlipTest (its Map of sums, or its convolution) makes at most
  // 2·combinations additions into one sum's chance (each law has ≥ 2 values), then its tail
  // sum; this one at most one per sum in a half as it merges equal sums, then two running sums.
  const combinations = sizes[0]! * sizes[1]!;
  const roundings = 2 * laws.length + 2 * (sizes[0]! + sizes[1]!) + 2 + 3 * combinations;
  const gamma = (roundings * U) / (1 - roundings * U);
  // Twice the bound of the two, and a floor for products that underflow.
  const margin = 4 * gamma * alpha + roundings * 2 ** -1070;
  if (tail > alpha + margin) return false;
  if (tail < alpha - margin) return true;
  return undefined;
}

/** Every sum of one value from each law, ascending, equal sums merged, with its chance. */
function sortedSums<T>(laws: readonly CaseLaw<T>[], exact: Exact<T>): Sums<T> {
  let sums: Sums<T> = { sums: [exact.zero], probs: [1] };
  for (const { values, probs } of laws) {
    // Each value shifts the sorted sums so far: runs already in order, merged two by two.
    let runs = values.map((v, j) => ({ sums: sums.sums.map((s) => exact.add(s, v)), probs: sums.probs.map((p) => p * probs[j]!) }));
    while (runs.length > 1) runs = Array.from({ length: Math.ceil(runs.length / 2) }, (_, r) => (runs[2 * r + 1] ? merge(runs[2 * r]!, runs[2 * r + 1]!, exact.compare) : runs[2 * r]!));
    sums = runs[0]!;
  }
  return sums;
}

interface Sums<T> {
  sums: T[];
  probs: number[];
}

function merge<T>(a: Sums<T>, b: Sums<T>, compare: (x: T, y: T) => number): Sums<T> {
  const out: Sums<T> = { sums: [], probs: [] };
  let i = 0;
  let j = 0;
  while (i < a.sums.length || j < b.sums.length) {
    const order = i === a.sums.length ? 1 : j === b.sums.length ? -1 : compare(a.sums[i]!, b.sums[j]!);
    const sum = order <= 0 ? a.sums[i]! : b.sums[j]!;
    const p = order < 0 ? a.probs[i++]! : order > 0 ? b.probs[j++]! : a.probs[i++]! + b.probs[j++]!;
    const last = out.sums.length - 1;
    if (last >= 0 && compare(out.sums[last]!, sum) === 0) out.probs[last]! += p;
    else {
      out.sums.push(sum);
      out.probs.push(p);
    }
  }
  return out;
}
