/**
 * Figures the HTML report draws, computed here so the reporter only draws them:
 * the reliability curve (pass@k and pass^k for every k) and a latency histogram. Pure.
 */
import { meanOfDefined, passAtK, passHatK } from "./stats.js";
import type { AtK } from "./types.js";

/**
 * pass@k and pass^k of a suite for k = 1..maxK: each the mean over cases of the per-case
 * estimate, over the cases with at least maxK judged trials: the cases the suite's own
 * pass@k and pass^k at maxK are over (casesCounted). One set of cases at every k, or a case
 * with fewer trials would drop out part-way and the curve jump: pass^k could rise with k.
 * pass@k rises and pass^k falls as k grows; the gap is how unreliable the model is.
 */
export function reliabilityCurve(cases: readonly { n: number; passes: number }[], maxK: number): AtK[] {
  const counted = cases.filter((c) => c.n >= maxK);
  const out: AtK[] = [];
  for (let k = 1; k <= maxK; k++) {
    out.push({
      k,
      passAtK: meanOfDefined(counted.map((c) => passAtK(c.n, c.passes, k))),
      passHatK: meanOfDefined(counted.map((c) => passHatK(c.n, c.passes, k))),
    });
  }
  return out;
}

export interface Bin {
  /** Inclusive lower edge. */
  from: number;
  /** Exclusive upper edge, except the last bin's, which holds the maximum. */
  to: number;
  count: number;
}

/**
 * Equal-width bins from the smallest to the largest finite value; non-finite values
 * (trials that never answered) are left out. All values equal: one bin of width zero.
 */
export function histogram(values: readonly number[], binCount: number): Bin[] {
  const xs = values.filter(Number.isFinite);
  if (xs.length === 0 || binCount < 1) return [];
  // A loop, not Math.min(...xs): spreading a long run's latencies would overflow the stack.
  let lo = xs[0]!;
  let hi = xs[0]!;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (lo === hi) return [{ from: lo, to: hi, count: xs.length }];
  const width = (hi - lo) / binCount;
  const bins: Bin[] = Array.from({ length: binCount }, (_, i) => ({ from: lo + i * width, to: i === binCount - 1 ? hi : lo + (i + 1) * width, count: 0 }));
  for (const x of xs) bins[Math.min(binCount - 1, Math.floor((x - lo) / width))]!.count++;
  return bins;
}

/**
 * A latency distribution with about √n bins (at most 12): enough to show its shape
 * without most bins holding one trial. Values that never arrived count towards n only.
 */
export function latencyHistogram(latencies: readonly number[]): Bin[] {
  return histogram(latencies, Math.min(12, Math.max(1, Math.ceil(Math.sqrt(latencies.length)))));
}
