/**
 * The paired statistics of harness compare, checked against hand-worked values and
 * against independent brute force: every sign pattern enumerated, binomial sums in
 * BigInt, every bootstrap resample listed.
 */
import { describe, expect, it } from "vitest";
import { mcnemarExact, meanInterval, signFlipTest, type PairedCounts } from "../src/core/paired.js";
import { normalCdf } from "../src/core/stats.js";
import { binomialDraw } from "../src/core/random.js";
import { mulberry32 } from "./helpers/prng.js";

const pair = (refPasses: number, candPasses: number, refN = 5, candN = refN): PairedCounts => ({
  reference: { n: refN, c: refPasses },
  candidate: { n: candN, c: candPasses },
});

/**
 * Exact one-sided p-values by listing all 2^m sign patterns. Sums are compared as
 * fractions over the product of every denominator, so no rounding decides a tie.
 */
function bruteSignFlip(pairs: readonly PairedCounts[]): { pDrop: number; pRise: number } {
  const den = pairs.reduce((d, p) => d * BigInt(p.reference.n * p.candidate.n), 1n);
  const nums = pairs.map((p) => (BigInt(p.candidate.c * p.reference.n - p.reference.c * p.candidate.n) * den) / BigInt(p.reference.n * p.candidate.n));
  const observed = nums.reduce((s, x) => s + x, 0n);
  const abs = nums.map((x) => (x < 0n ? -x : x));
  let below = 0;
  let above = 0;
  const total = 2 ** pairs.length;
  for (let mask = 0; mask < total; mask++) {
    let sum = 0n;
    abs.forEach((a, i) => (sum += mask & (1 << i) ? a : -a));
    if (sum <= observed) below++;
    if (sum >= observed) above++;
  }
  return { pDrop: below / total, pRise: above / total };
}

function chooseBig(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/**
 * The exact law under "no difference" by listing every outcome: a case with equal trials
 * either sign of its difference (½ each), a case with unequal trials every split of its
 * passes between the two models (hypergeometric weights, in BigInt). Sums are compared as
 * fractions over the product of every denominator, so no rounding decides a tie.
 */
function bruteLaw(pairs: readonly PairedCounts[]): { pDrop: number; pRise: number } {
  const den = pairs.reduce((d, p) => d * BigInt(p.reference.n * p.candidate.n), 1n);
  const scaled = (p: PairedCounts, cand: number, ref: number) => (BigInt(cand * p.reference.n - ref * p.candidate.n) * den) / BigInt(p.reference.n * p.candidate.n);
  const outcomes = pairs.map((p) => {
    if (p.reference.n === p.candidate.n) {
      const a = scaled(p, p.candidate.c, p.reference.c);
      return { total: 2n, list: [{ v: a, w: 1n }, { v: -a, w: 1n }] };
    }
    const passes = p.reference.c + p.candidate.c;
    const all = p.reference.n + p.candidate.n;
    const list = [];
    for (let k = 0; k <= p.candidate.n; k++) {
      if (passes - k < 0 || passes - k > p.reference.n) continue;
      list.push({ v: scaled(p, k, passes - k), w: chooseBig(passes, k) * chooseBig(all - passes, p.candidate.n - k) });
    }
    return { total: chooseBig(all, p.candidate.n), list };
  });
  const observed = pairs.reduce((s, p) => s + scaled(p, p.candidate.c, p.reference.c), 0n);
  let below = 0n;
  let above = 0n;
  const walk = (i: number, sum: bigint, weight: bigint): void => {
    if (i === outcomes.length) {
      if (sum <= observed) below += weight;
      if (sum >= observed) above += weight;
      return;
    }
    for (const { v, w } of outcomes[i]!.list) walk(i + 1, sum + v, weight * w);
  };
  walk(0, 0n, 1n);
  const total = outcomes.reduce((t, o) => t * o.total, 1n);
  // Scale both to about 2^52 before leaving BigInt: the totals can pass Number's range of exact integers.
  const shift = BigInt(Math.max(0, total.toString(2).length - 52));
  const ratio = (x: bigint) => Number(x >> shift) / Number(total >> shift);
  return { pDrop: ratio(below), pRise: ratio(above) };
}

/** signFlipTest counted every outcome and found the p-values given. */
function expectExact(pairs: readonly PairedCounts[], want: { pDrop: number; pRise: number }): void {
  const got = signFlipTest(pairs);
  expect(got.method).toBe("exact");
  expect(got.pDrop, JSON.stringify(pairs)).toBeCloseTo(want.pDrop, 10);
  expect(got.pRise, JSON.stringify(pairs)).toBeCloseTo(want.pRise, 10);
}

describe("signFlipTest", () => {
  it("three cases that broke outright: p(drop) = 1/8, the only pattern as low as the one seen", () => {
    const r = signFlipTest([pair(5, 0), pair(5, 0), pair(5, 0)]);
    expect(r.mean).toBe(-1);
    expect(r.pDrop).toBeCloseTo(1 / 8, 12);
    expect(r.pRise).toBe(1);
    expect(r.method).toBe("exact");
  });

  it("d = −0.2, −0.4, +0.4 by hand: 4 of 8 patterns sum to ≤ −0.2, 6 of 8 to ≥ −0.2", () => {
    const r = signFlipTest([pair(5, 4), pair(5, 3), pair(3, 5)]);
    expect(r.mean).toBeCloseTo(-0.2 / 3, 12);
    expect(r.pDrop).toBeCloseTo(4 / 8, 12);
    expect(r.pRise).toBeCloseTo(6 / 8, 12);
  });

  it("cases with no difference carry no evidence: adding them changes neither p-value", () => {
    const base = [pair(5, 0), pair(4, 1), pair(5, 5)];
    const padded = [...base, pair(5, 5), pair(2, 2), pair(0, 0), pair(3, 3)];
    expect(signFlipTest(padded).pDrop).toBeCloseTo(signFlipTest(base).pDrop, 12);
    expect(signFlipTest(padded).pRise).toBeCloseTo(signFlipTest(base).pRise, 12);
  });

  it("no difference at all: both p-values are 1; no cases: NaN, never 0", () => {
    expect(signFlipTest([pair(5, 5), pair(3, 3)])).toMatchObject({ mean: 0, pDrop: 1, pRise: 1 });
    const none = signFlipTest([]);
    expect(none.mean).toBeNaN();
    expect(none.pDrop).toBeNaN();
  });

  it("equals brute-force enumeration of every sign pattern, for 300 random sets of up to 12 cases with equal trial counts", () => {
    const rand = mulberry32(20260101);
    for (let rep = 0; rep < 300; rep++) {
      const m = 1 + Math.floor(rand() * 12);
      const pairs = Array.from({ length: m }, () => {
        const n = 1 + Math.floor(rand() * 5);
        return pair(Math.floor(rand() * (n + 1)), Math.floor(rand() * (n + 1)), n, n);
      });
      const want = bruteSignFlip(pairs);
      expectExact(pairs, want);
      // With equal counts the general law is the sign flip: the two brute forces agree.
      expect(bruteLaw(pairs).pDrop).toBeCloseTo(want.pDrop, 12);
    }
  });

  it("equals brute-force enumeration of every outcome, for 300 random sets of up to 8 cases some of whose trials errored (unequal counts)", () => {
    const rand = mulberry32(20261130);
    let unequal = 0;
    for (let rep = 0; rep < 300; rep++) {
      const m = 1 + Math.floor(rand() * 8);
      const pairs = Array.from({ length: m }, () => {
        const refN = 1 + Math.floor(rand() * 6);
        const candN = rand() < 0.4 ? 1 + Math.floor(rand() * 6) : refN;
        if (candN !== refN) unequal++;
        return pair(Math.floor(rand() * (refN + 1)), Math.floor(rand() * (candN + 1)), refN, candN);
      });
      const want = bruteLaw(pairs);
      expectExact(pairs, want);
    }
    expect(unequal).toBeGreaterThan(200);
  });

  it("by hand: one case at 1 of 2 against 0 of 1 (unequal trials): the candidate's share of the one pass is hypergeometric, 1/3", () => {
    // Reference 1/2, candidate 0/1: of the 3 trials one passed; it is the candidate's with chance 1/3.
    // d = 0 − 1/2 is the lowest the case can show (the other split: 1 − 0 = +1), so p(drop) = 2/3.
    const r = signFlipTest([pair(1, 0, 2, 1)]);
    expect(r.mean).toBeCloseTo(-0.5, 12);
    expect(r.pDrop).toBeCloseTo(2 / 3, 12);
    expect(r.pRise).toBe(1);
  });

  /** The normal limit (forced by a budget of 0) within `tolerance` of the exact count, over sets drawn by `draw`. */
  function expectNormalNear(seed: number, sets: number, draw: (rand: () => number) => PairedCounts[], tolerance: number): void {
    const rand = mulberry32(seed);
    for (let rep = 0; rep < sets; rep++) {
      const pairs = draw(rand);
      const exact = signFlipTest(pairs);
      const approx = signFlipTest(pairs, 0);
      expect(approx.method).toBe("normal");
      expect(exact.method).toBe("exact");
      expect(Math.abs(approx.pDrop - exact.pDrop)).toBeLessThan(tolerance);
      expect(Math.abs(approx.pRise - exact.pRise)).toBeLessThan(tolerance);
    }
  }

  it("the normal limit, used when the patterns are too many to count, is close to the exact count at 40 cases", () => {
    expectNormalNear(7, 20, (rand) => Array.from({ length: 40 }, () => pair(Math.floor(rand() * 6), Math.floor(rand() * 6))), 0.01);
  });

  it("and at 200 cases where half ran 3 trials against 10 (its skewed laws need more cases: at 40 it was 0.012 off)", () => {
    const draw = (rand: () => number) =>
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? pair(Math.floor(rand() * 4), Math.floor(rand() * 11), 3, 10) : pair(Math.floor(rand() * 6), Math.floor(rand() * 6))));
    expectNormalNear(11, 10, draw, 0.002);
  });
});

describe("normalCdf", () => {
  it("matches tabulated values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.6448536269514722)).toBeCloseTo(0.05, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 7);
  });
});

describe("mcnemarExact", () => {
  it("5 cases only the reference passed in full, none the other way: (1/2)^5", () => {
    expect(mcnemarExact(5, 0).pDrop).toBeCloseTo(1 / 32, 12);
    expect(mcnemarExact(5, 0).pRise).toBe(1);
  });

  it("6 against 1: P(X ≥ 6 | X ~ Bin(7, 1/2)) = (C(7,6) + C(7,7)) / 128 = 8/128", () => {
    expect(mcnemarExact(6, 1).pDrop).toBeCloseTo(8 / 128, 12);
    expect(mcnemarExact(6, 1).pRise).toBeCloseTo(127 / 128, 12);
  });

  it("no discordant case: no evidence either way", () => {
    expect(mcnemarExact(0, 0)).toEqual({ pDrop: 1, pRise: 1 });
  });

  it("equals the binomial upper tail summed in BigInt for every b, c ≤ 25", () => {
    for (let b = 0; b <= 25; b++) {
      for (let c = 0; c <= 25; c++) {
        const n = b + c;
        let num = 0n;
        for (let x = b; x <= n; x++) num += chooseBig(n, x);
        const want = Number((num * 10n ** 15n) / 2n ** BigInt(n)) / 1e15;
        expect(mcnemarExact(b, c).pDrop, `${b}/${c}`).toBeCloseTo(want, 10);
      }
    }
  });
});

describe("meanInterval", () => {
  it("by hand: three cases 0, −0.4, 1: mean 0.2, s = 0.7211, t(2) = 4.302653, half 1.7913, within [−1, 1]", () => {
    const [lo, hi] = meanInterval([0, -0.4, 1]);
    expect(lo).toBe(-1);
    expect(hi).toBe(1);
    // Eight cases: mean −0.025; s² = Σ(d − m̄)² / 7 = 0.755 / 7; t(7) = 2.364624 (t table).
    const d = [-0.4, 0, 0, 0.2, 0, -0.2, 0.6, -0.4];
    const mean = -0.025;
    const half = 2.364624 * Math.sqrt(0.755 / 7 / 8);
    const [a, b] = meanInterval(d);
    expect(a).toBeCloseTo(mean - half, 6);
    expect(b).toBeCloseTo(mean + half, 6);
  });

  it("every case the same difference: the interval is that point; one case: the whole range; no cases: NaN", () => {
    const [lo, hi] = meanInterval([-0.2, -0.2, -0.2]);
    expect(lo).toBeCloseTo(-0.2, 12);
    expect(hi).toBeCloseTo(-0.2, 12);
    expect(meanInterval([0.4])).toEqual([-1, 1]);
    expect(meanInterval([])).toEqual([Number.NaN, Number.NaN]);
  });

  it("with nothing changed, covers Δ = 0 in about 95% of simulated comparisons of 6 and 9 cases", () => {
    let seed = 31;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const cases of [6, 9]) {
      let covered = 0;
      const RUNS = 4000;
      for (let run = 0; run < RUNS; run++) {
        const d = Array.from({ length: cases }, () => {
          const p = rand();
          let a = 0;
          let b = 0;
          for (let t = 0; t < 5; t++) {
            if (rand() < p) a++;
            if (rand() < p) b++;
          }
          return (b - a) / 5;
        });
        const [lo, hi] = meanInterval(d);
        if (lo <= 0 && 0 <= hi) covered++;
      }
      expect(covered / RUNS, `${cases} cases`).toBeGreaterThan(0.93);
    }
  });
});

describe("signFlipTest on few cases with awkward denominators", () => {
  it("stays exact (every outcome counted) where the common denominator is too large to scale by", () => {
    // Seven cases whose trial counts (errors left some out) make the integer scale explode.
    const raw: [number, number, number, number][] = [
      [5, 12, 8, 19],
      [2, 20, 0, 16],
      [2, 13, 0, 20],
      [2, 18, 0, 17],
      [4, 20, 3, 14],
      [11, 17, 12, 18],
      [15, 17, 10, 16],
    ];
    const pairs: PairedCounts[] = raw.map(([rc, rn, cc, cn]) => ({ reference: { c: rc, n: rn }, candidate: { c: cc, n: cn } }));
    const r = signFlipTest(pairs);
    expect(r.method).toBe("exact");
    const want = bruteLaw(pairs);
    expect(r.pDrop).toBeCloseTo(want.pDrop, 12);
    expect(r.pRise).toBeCloseTo(want.pRise, 12);
    expect(r.pDrop).toBeCloseTo(0.0534259, 6); // not significant at 0.05
  });

  it("counts ties exactly there too: five cases that each dropped can give no p below 1/32", () => {
    // Suites of their own sizes: the common denominator passes 2^40. Floats rounded to a grid
    // lost the observed sum's own chance from its tail, and said p = 0.
    const pairs = [38, 28, 33, 41, 35].map((n) => pair(n, n - 6, n, n));
    const r = signFlipTest(pairs);
    expect(r.method).toBe("exact");
    expect(r.pDrop).toBe(1 / 32);
    expect(r.pRise).toBe(1);
  });

  it("equals brute-force enumeration for 150 random sets of few cases with trial counts of 25 to 45", () => {
    const rand = mulberry32(4077);
    for (let rep = 0; rep < 150; rep++) {
      const m = 2 + Math.floor(rand() * 6);
      const pairs = Array.from({ length: m }, (_, i) => {
        const refN = 25 + Math.floor(rand() * 21);
        // One case in three with a few more or fewer trials on the candidate's side (errored ones).
        const candN = i === 0 && rand() < 0.5 ? refN - 1 - Math.floor(rand() * 2) : refN;
        return pair(Math.floor(rand() * (refN + 1)), Math.floor(rand() * (candN + 1)), refN, candN);
      });
      expectExact(pairs, bruteLaw(pairs));
    }
  });
});

describe("signFlipTest holds α whatever the trial counts", () => {
  /** Share of simulated comparisons with no real difference that the test calls a drop at α 0.05. */
  function falseDropRate(referenceTrials: number, candidateTrials: number, runs: number): number {
    const rand = mulberry32(20261129);
    const binomial = (n: number, p: number) => binomialDraw(rand, n, p);
    let drops = 0;
    for (let r = 0; r < runs; r++) {
      const pairs: PairedCounts[] = [];
      for (let i = 0; i < 50; i++) {
        // Both models pass case i with the same probability: cases that mostly pass.
        const p = 0.9 + 0.1 * rand();
        pairs.push({ reference: { c: binomial(referenceTrials, p), n: referenceTrials }, candidate: { c: binomial(candidateTrials, p), n: candidateTrials } });
      }
      if (signFlipTest(pairs).pDrop <= 0.05) drops++;
    }
    return drops / runs;
  }

  it("with equal counts, and with 3 trials against 10 either way round (where flipping signs called noise a drop in 7.1% of these runs)", () => {
    // Seeded, so exact; each within α.
    expect(falseDropRate(5, 5, 1000)).toBe(0.036);
    expect(falseDropRate(3, 10, 1000)).toBe(0.028);
    expect(falseDropRate(10, 3, 1000)).toBe(0.021);
  }, 60_000);
});
