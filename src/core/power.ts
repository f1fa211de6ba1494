/**
 * How large a drop a comparison could have seen: the smallest difference these cases,
 * with these trial counts, would show as significant in 80% of runs. Without it "no
 * significant difference" cannot be told apart from "too few cases to notice one".
 *
 * Estimated by simulation (seeded, so the figure reproduces): each case's true rate is taken
 * as (c + ½)/(n + 1), its observed rate pulled from 0 and 1 (the mean of the Jeffreys
 * posterior), both models are drawn again with their own judged-trial counts, and the very
 * test the comparison uses (the paired sign-flip test) is applied. Taking the observed rate
 * itself, a case seen at 5/5 was simulated as never failing, and the power claimed was
 * optimistic: 73-78% where 80% was named (a review's simulation from the true rates). Two ways of getting worse are tried:
 * - a drop of δ points in every case's pass rate (a model that is a little worse everywhere);
 * - f cases breaking outright (pass rate 0), the reference's most reliable ones first.
 * The same random draws are reused for every δ and f (common random numbers), so the
 * estimated power rises steadily with the size of the drop and a bisection finds its edge.
 */
import { createDropDetector, type DropDetector } from "./drop-detector.js";
import type { PairedCounts } from "./paired.js";
import { binomialDraw, DEFAULT_SEED, mulberry32 } from "./random.js";
import type { CaseCounts } from "./stats.js";

export interface PowerInput {
  /** Per paired case: the reference's counts and how many trials of the candidate were judged. */
  cases: readonly { reference: CaseCounts; candidateN: number }[];
  /** The level each test is held to (for several candidates, α divided by their number: Holm's first step). */
  alpha: number;
  /** Default 0.8. */
  target?: number;
  /** Simulated runs per size of drop; default 500. */
  simulations?: number;
  seed?: number;
}

export interface PowerEstimate {
  alpha: number;
  target: number;
  simulations: number;
  seed: number;
  /** Smallest drop in every case's pass rate (a share, 0.01 steps) detected with the target power; NaN when even a drop to 0 is not. */
  minDetectableDrop: number;
  /** Fewest cases that must break outright to be detected with the target power; NaN when even all of them breaking is not. */
  minDetectableFlips: number;
}

/** Work allowed per simulated test before the normal limit is used: thousands of tests run. */
const SIMULATION_EXACT_WORK = 200_000;

export function estimatePower(input: PowerInput): PowerEstimate {
  const target = input.target ?? 0.8;
  const simulations = input.simulations ?? 500;
  const seed = input.seed ?? DEFAULT_SEED;
  const cases = input.cases.filter((c) => c.reference.n > 0 && c.candidateN > 0);
  const rates = cases.map((c) => plausibleRate(c.reference));
  // One detector, so one memo of the cases' laws, for every size of drop tried: the draws repeat the same counts.
  const detect = createDropDetector(SIMULATION_EXACT_WORK);
  const powerOf = (candidateRate: (i: number) => number) => simulatePower(cases, candidateRate, input.alpha, simulations, seed, (i) => rates[i]!, detect);

  const minDetectableDrop = smallestReaching(100, target, (points) => powerOf((i) => Math.max(0, rates[i]! - points / 100))) / 100;
  // The reference's most reliable cases break first: their breaking is the clearest to see.
  const order = rates.map((r, i) => ({ r, i })).sort((a, b) => b.r - a.r || a.i - b.i);
  const rank = new Map(order.map((x, position) => [x.i, position]));
  const minDetectableFlips = smallestReaching(cases.length, target, (f) => powerOf((i) => (rank.get(i)! < f ? 0 : rates[i]!)));
  return { alpha: input.alpha, target, simulations, seed, minDetectableDrop, minDetectableFlips };
}

/** A case's true rate as the simulation takes it: c of n seen, pulled from 0 and 1. */
export function plausibleRate({ c, n }: CaseCounts): number {
  return (c + 0.5) / (n + 1);
}

/** Smallest x in 1..max with power(x) ≥ target, by bisection; NaN when power(max) falls short. */
function smallestReaching(max: number, target: number, power: (x: number) => number): number {
  if (max < 1 || power(max) < target) return Number.NaN;
  let lo = 0;
  let hi = max;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (power(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Share of simulated runs in which the sign-flip test finds the candidate worse at α; the reference drawn at referenceRate (default: as observed).
 * `detect` decides each run as signFlipTest(pairs, SIMULATION_EXACT_WORK).pDrop <= alpha would; default a fresh one.
 */
export function simulatePower(
  cases: readonly { reference: CaseCounts; candidateN: number }[],
  candidateRate: (i: number) => number,
  alpha: number,
  simulations: number,
  seed: number,
  referenceRate: (i: number) => number = (i) => cases[i]!.reference.c / cases[i]!.reference.n,
  detect: DropDetector = createDropDetector(SIMULATION_EXACT_WORK),
): number {
  const rand = mulberry32(seed);
  const draw = (n: number, p: number) => binomialDraw(rand, n, p);
  let detected = 0;
  for (let s = 0; s < simulations; s++) {
    const pairs: PairedCounts[] = cases.map((c, i) => ({
      reference: { n: c.reference.n, c: draw(c.reference.n, referenceRate(i)) },
      candidate: { n: c.candidateN, c: draw(c.candidateN, candidateRate(i)) },
    }));
    if (detect(pairs, alpha)) detected++;
  }
  return detected / simulations;
}
