/**
 * The power estimate of harness compare: simulated, so checked against cases whose power
 * is known by hand, and against the exact power found by enumerating every outcome.
 */
import { describe, expect, it } from "vitest";
import { planSignFlip, signFlipTest } from "../src/core/paired.js";
import { estimatePower, plausibleRate, simulatePower, type PowerEstimate, type PowerInput } from "../src/core/power.js";
import { binomialDraw, mulberry32 } from "../src/core/random.js";

const always = (m: number, n = 5) => Array.from({ length: m }, () => ({ reference: { n, c: n }, candidateN: n }));

function binomialPmf(n: number, k: number, p: number): number {
  let choose = 1;
  for (let i = 1; i <= k; i++) choose = (choose * (n - k + i)) / i;
  return choose * p ** k * (1 - p) ** (n - k);
}

describe("estimatePower", () => {
  it("cases that always pass, f of them breaking: 5 must break at α 0.05 and 7 at α 0.01", () => {
    // Taken as 5.5/6, the unbroken cases sometimes fail in a draw, and a broken one (0/5) differs from
    // its reference almost always: the test then sees about 2^−f.
    expect(estimatePower({ cases: always(10), alpha: 0.05 }).minDetectableFlips).toBe(5);
    expect(estimatePower({ cases: always(10), alpha: 0.01 }).minDetectableFlips).toBe(7);
    expect(estimatePower({ cases: always(6), alpha: 0.05 }).minDetectableFlips).toBe(5);
  });

  it("four cases can never reach α 0.05 (the smallest sign-flip p is 1/16): no drop is detectable", () => {
    const p = estimatePower({ cases: always(4), alpha: 0.05 });
    expect(p.minDetectableDrop).toBeNaN();
    expect(p.minDetectableFlips).toBeNaN();
  });

  it("a reference seen failing everything is taken to pass 1 time in 12, (0 + ½)/(5 + 1): the drop named is never more than that", () => {
    const cases = Array.from({ length: 20 }, () => ({ reference: { n: 5, c: 0 }, candidateN: 5 }));
    const p = estimatePower({ cases, alpha: 0.05 });
    expect(p.minDetectableDrop).toBeLessThanOrEqual(0.09);
    // A candidate at 0: the sign-flip test sees only drops, and p = 2^−k for the k cases whose
    // reference passed at all; k ≥ 5 reaches 0.05. k ~ Binomial(20, 1 − (11/12)^5).
    const q = 1 - (11 / 12) ** 5;
    let atLeast5 = 0;
    for (let k = 5; k <= 20; k++) atLeast5 += binomialPmf(20, k, q);
    const simulations = 4000;
    const simulated = simulatePower(cases, () => 0, 0.05, simulations, 5, () => 1 / 12);
    expect(Math.abs(simulated - atLeast5)).toBeLessThan(4 * Math.sqrt((atLeast5 * (1 - atLeast5)) / simulations));
  });

  it("five one-trial cases seen passing are taken to pass 3 times in 4, (1 + ½)/(1 + 1): all five must go pass-then-fail, at most 0.75^5 = 24%, so nothing is detectable", () => {
    // With five cases only all five differences negative reach 0.05 (p = 1/32; four give 1/16).
    const p = estimatePower({ cases: always(5, 1), alpha: 0.05, simulations: 2000 });
    expect(p.minDetectableDrop).toBeNaN();
    expect(p.minDetectableFlips).toBeNaN();
    // Taken as certain passes, as before, 96 points (0.8^(1/5)) looked detectable.
    expect(simulatePower(always(5, 1), () => 1 - 0.96, 0.05, 2000, 1, () => 1)).toBeGreaterThanOrEqual(0.79);
  });

  it("reproduces from its seed, and says which seed and how many simulations it used", () => {
    const cases = [5, 4, 5, 3, 5, 5, 2, 5, 4, 5, 5, 1].map((c) => ({ reference: { n: 5, c }, candidateN: 5 }));
    const a = estimatePower({ cases, alpha: 0.05, seed: 11 });
    expect(estimatePower({ cases, alpha: 0.05, seed: 11 })).toEqual(a);
    expect(a).toMatchObject({ seed: 11, simulations: 500, target: 0.8, alpha: 0.05 });
    expect(a.minDetectableDrop).toBeGreaterThan(0);
    expect(a.minDetectableDrop).toBeLessThanOrEqual(1);
  });

  it("more cases detect smaller drops", () => {
    const few = estimatePower({ cases: always(8), alpha: 0.05 }).minDetectableDrop;
    const many = estimatePower({ cases: always(40), alpha: 0.05 }).minDetectableDrop;
    expect(many).toBeLessThan(few);
  });
});

describe("simulatePower", () => {
  it("matches the exact power from enumerating every outcome (3 cases, 2 trials each, α 0.25)", () => {
    // Reference rates 1, 1/2, 1; the candidate's lowered by 0.4 points each (0.6, 0.1, 0.6).
    const cases = [
      { reference: { n: 2, c: 2 }, candidateN: 2 },
      { reference: { n: 2, c: 1 }, candidateN: 2 },
      { reference: { n: 2, c: 2 }, candidateN: 2 },
    ];
    const refRates = [1, 0.5, 1];
    const candRates = [0.6, 0.1, 0.6];
    const alpha = 0.25;
    let exact = 0;
    // Every combination of reference and candidate counts, weighted by its binomial chance.
    for (let code = 0; code < 3 ** 6; code++) {
      const counts = Array.from({ length: 6 }, (_, j) => Math.floor(code / 3 ** j) % 3);
      let chance = 1;
      const pairs = cases.map((_, i) => {
        chance *= binomialPmf(2, counts[2 * i]!, refRates[i]!) * binomialPmf(2, counts[2 * i + 1]!, candRates[i]!);
        return { reference: { n: 2, c: counts[2 * i]! }, candidate: { n: 2, c: counts[2 * i + 1]! } };
      });
      if (chance > 0 && signFlipTest(pairs).pDrop <= alpha) exact += chance;
    }
    const simulations = 20000;
    const simulated = simulatePower(cases, (i) => candRates[i]!, alpha, simulations, 3);
    const se = Math.sqrt((exact * (1 - exact)) / simulations);
    expect(exact).toBeGreaterThan(0.2);
    expect(Math.abs(simulated - exact)).toBeLessThan(4 * se);
  });
});

/**
 * The estimate as first written, every simulated run put to signFlipTest itself (at the
 * simulation's limit of 200 000 steps), and the ways it counted them.
 */
function referenceEstimate({ cases: all, alpha, simulations = 500, seed = 0x5eed }: PowerInput, methods: Set<string>): PowerEstimate {
  const cases = all.filter((c) => c.reference.n > 0 && c.candidateN > 0);
  const rates = cases.map((c) => plausibleRate(c.reference));
  const power = (candidateRate: (i: number) => number) => {
    const rand = mulberry32(seed);
    let detected = 0;
    for (let s = 0; s < simulations; s++) {
      const pairs = cases.map((c, i) => ({
        reference: { n: c.reference.n, c: binomialDraw(rand, c.reference.n, rates[i]!) },
        candidate: { n: c.candidateN, c: binomialDraw(rand, c.candidateN, candidateRate(i)) },
      }));
      if (pairs.length > 0) methods.add(planSignFlip(pairs, 200_000).method);
      if (signFlipTest(pairs, 200_000).pDrop <= alpha) detected++;
    }
    return detected / simulations;
  };
  const smallest = (max: number, reaches: (x: number) => boolean) => {
    if (max < 1 || !reaches(max)) return Number.NaN;
    let lo = 0;
    let hi = max;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (reaches(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  const minDetectableDrop = smallest(100, (points) => power((i) => Math.max(0, rates[i]! - points / 100)) >= 0.8) / 100;
  const rank = rates.map((r, i) => ({ r, i })).sort((a, b) => b.r - a.r || a.i - b.i).map((x) => x.i);
  const minDetectableFlips = smallest(cases.length, (f) => power((i) => (rank.indexOf(i) < f ? 0 : rates[i]!)) >= 0.8);
  return { alpha, target: 0.8, simulations, seed, minDetectableDrop, minDetectableFlips };
}

describe("estimatePower, fast", () => {
  it("gives the very estimate of the algorithm as first written, on 20 seeded random suites with equal and unequal trial counts, every way of counting among their simulated tests", () => {
    const rand = mulberry32(2026);
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    const passes = (n: number, high: boolean) => (high ? n - int(0, 1) : int(0, n));
    // Each shape keeps signFlipTest's own count of every simulated test below about a millisecond.
    const shapes = [
      // 5 trials a case, as most suites run.
      () => Array.from({ length: int(5, 12) }, () => ({ reference: { n: 5, c: passes(5, rand() < 0.5) }, candidateN: 5 })),
      // Each case its own count of trials, both models alike: past 2^40 the listed sums are in BigInt.
      () => Array.from({ length: int(5, 10) }, () => int(3, 40)).map((n) => ({ reference: { n, c: passes(n, rand() < 0.5) }, candidateN: n })),
      // A few cases whose candidate ran another count (errored trials, -k).
      () => Array.from({ length: int(2, 4) }, () => int(2, 8)).map((n) => ({ reference: { n, c: passes(n, rand() < 0.5) }, candidateN: Math.max(1, n + int(-3, 3)) })),
      // Many such cases: the normal limit.
      () => Array.from({ length: int(20, 30) }, () => int(5, 10)).map((n) => ({ reference: { n, c: passes(n, false) }, candidateN: n + int(0, 2) })),
    ];
    const methods = new Set<string>();
    for (let rep = 0; rep < 20; rep++) {
      const input = { cases: shapes[rep % shapes.length]!(), alpha: [0.05, 0.025, 0.01][rep % 3]!, simulations: 60, seed: rep };
      expect(estimatePower(input), JSON.stringify(input)).toEqual(referenceEstimate(input, methods));
    }
    expect([...methods].sort()).toEqual(["convolve", "listed", "listed-big", "normal"]);
  });
});
