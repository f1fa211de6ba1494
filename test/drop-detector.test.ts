/**
 * The power estimate's fast test of drop: it must decide every simulated test as
 * signFlipTest's p-value does, to the last bit, and its memo of the cases' laws must never
 * answer for another case.
 */
import { describe, expect, it } from "vitest";
import { createDropDetector, memoiseSplits } from "../src/core/drop-detector.js";
import { caseSplits, planSignFlip, signFlipTest, type PairedCounts } from "../src/core/paired.js";
import { mulberry32 } from "./helpers/prng.js";

/** The doubles `steps` representable values above (below, if negative) x ≥ 0. */
function ulps(x: number, steps: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + BigInt(steps));
  return view.getFloat64(0);
}

/** Random paired sets of the shapes a power simulation draws: equal and unequal trial counts, few and many cases, rates anywhere and near 100%. */
function randomSets(seed: number, count: number): PairedCounts[][] {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  return Array.from({ length: count }, () => {
    const shape = int(0, 4);
    const high = rand() < 0.5;
    const passes = (n: number) => (high ? Math.max(0, n - int(0, 2)) : int(0, n));
    return Array.from({ length: int(1, shape >= 3 ? 10 : 14) }, () => {
      const rn = shape === 0 ? 5 : shape === 1 ? int(1, 12) : shape === 2 ? int(3, 10) : int(20, 45);
      const cn = shape === 4 || rand() < 0.5 ? rn : int(Math.max(1, rn - 3), rn + 3);
      return { reference: { n: rn, c: passes(rn) }, candidate: { n: cn, c: passes(cn) } };
    });
  });
}

describe("createDropDetector", () => {
  it("decides as signFlipTest's pDrop does, at α = 0.05 and 1/16 and at, just beside and a little beside each p-value, on up to 300 random sets counted every way", () => {
    const methods = new Set<string>();
    let checked = 0;
    // 200 000: the simulation's limit on convolving; 20 000 moves the line between the ways.
    for (const maxExactWork of [200_000, 20_000]) {
      const detect = createDropDetector(maxExactWork);
      for (const pairs of randomSets(maxExactWork, 150)) {
        const method = planSignFlip(pairs, maxExactWork).method;
        // signFlipTest lists up to 2^20 sums, in BigInt past 2^40: seconds each. Up to 2^15 here.
        if (method.startsWith("listed") && pairs.reduce((s, p) => s * caseSplits(p).splits.length, 1) > 2 ** 15) continue;
        methods.add(method);
        checked++;
        const { pDrop } = signFlipTest(pairs, maxExactWork);
        for (const alpha of [0.05, 1 / 16, pDrop, ulps(pDrop, 1), ulps(pDrop, -1), ulps(pDrop, 1000), ulps(pDrop, -1000)]) {
          expect(detect(pairs, alpha), `α ${alpha}, pDrop ${pDrop}: ${JSON.stringify(pairs)}`).toBe(pDrop <= alpha);
        }
      }
    }
    expect([...methods].sort()).toEqual(["convolve", "listed", "listed-big", "normal"]);
    expect(checked).toBeGreaterThan(250);
  });

  it("decides as signFlipTest does where even the smallest whole-number scale passes 2^53 (8 cases of a prime number of trials, 101–137: their product is 1.3e16) and the sums are met in BigInt", () => {
    const rand = mulberry32(41);
    const detect = createDropDetector(200_000);
    for (let rep = 0; rep < 20; rep++) {
      const pairs = [101, 103, 107, 109, 113, 127, 131, 137].map((n) => {
        const ref = n - Math.floor(rand() * 4);
        return { reference: { n, c: ref }, candidate: { n, c: ref - 1 - Math.floor(rand() * 3) } };
      });
      const { pDrop } = signFlipTest(pairs, 200_000);
      for (const alpha of [0.05, pDrop, ulps(pDrop, -1), pDrop * 1.01, pDrop * 0.99]) expect(detect(pairs, alpha), `α ${alpha}, pDrop ${pDrop}`).toBe(pDrop <= alpha);
    }
  });

  it("where the scale is within 2^53 but the sums are not (8 cases of coprime trial counts, product 7.1e15, large differences), they are met in BigInt, never rounded", () => {
    const detect = createDropDetector(200_000);
    const ns = [89, 97, 101, 103, 91, 95, 92, 99];
    // Found by a search in which doubles rounding these sums decided wrongly beside pDrop.
    const sets = [
      [[41, 85], [84, 46], [52, 72], [79, 41], [6, 61], [15, 13], [45, 52], [0, 25]],
      [[43, 0], [3, 29], [85, 32], [62, 72], [72, 47], [79, 27], [9, 22], [38, 96]],
      [[73, 6], [60, 42], [90, 29], [95, 24], [63, 47], [80, 36], [85, 35], [7, 66]],
    ];
    for (const set of sets) {
      const pairs = set.map(([ref, cand], i) => ({ reference: { n: ns[i]!, c: ref! }, candidate: { n: ns[i]!, c: cand! } }));
      const { pDrop } = signFlipTest(pairs, 200_000);
      for (const alpha of [pDrop, ulps(pDrop, -1)]) expect(detect(pairs, alpha), `α ${alpha}, pDrop ${pDrop}`).toBe(pDrop <= alpha);
    }
  });

  it("no pairs: never a drop (signFlipTest's pDrop is NaN)", () => {
    expect(createDropDetector(200_000)([], 0.05)).toBe(false);
  });
});

describe("memoiseSplits", () => {
  it("answers each case with its own law, for every case of up to 12 trials a side, each asked twice", () => {
    const splitsOf = memoiseSplits();
    const all: PairedCounts[] = [];
    for (let rn = 1; rn <= 12; rn++)
      for (let rc = 0; rc <= rn; rc++)
        for (let cn = 1; cn <= 12; cn++) for (let cc = 0; cc <= cn; cc++) all.push({ reference: { n: rn, c: rc }, candidate: { n: cn, c: cc } });
    for (const pair of [...all, ...all.reverse()]) expect(splitsOf(pair), JSON.stringify(pair)).toEqual(caseSplits(pair));
  });

  it("keeps apart cases whose counts would share a key packed too tight (1, 1, 1, 0 and 1, 0, 4097, 0 at a radix of 2^12), and answers counts past the packing", () => {
    const splitsOf = memoiseSplits();
    const pair = (rn: number, rc: number, cn: number, cc: number): PairedCounts => ({ reference: { n: rn, c: rc }, candidate: { n: cn, c: cc } });
    const pairs = [pair(1, 1, 1, 0), pair(1, 0, 4097, 0), pair(1, 1, 2, 0), pair(1, 0, 8192, 0), pair(8191, 1, 1, 0), pair(8192, 1, 1, 0), pair(9000, 1, 1, 1)];
    for (const p of [...pairs, ...pairs.reverse()]) expect(splitsOf(p), JSON.stringify(p)).toEqual(caseSplits(p));
  });

  it("two cases one pass apart get their own laws, and a detector shared between them decides each as signFlipTest does", () => {
    const splitsOf = memoiseSplits();
    const a = { reference: { n: 10, c: 7 }, candidate: { n: 8, c: 2 } };
    const b = { reference: { n: 10, c: 7 }, candidate: { n: 8, c: 3 } };
    expect(splitsOf(a)).toEqual(caseSplits(a));
    expect(splitsOf(b)).toEqual(caseSplits(b));
    expect(splitsOf(b)).not.toEqual(splitsOf(a));
    const detect = createDropDetector(200_000);
    const setOf = (p: PairedCounts) => [p, { reference: { n: 10, c: 9 }, candidate: { n: 8, c: 3 } }, { reference: { n: 10, c: 8 }, candidate: { n: 8, c: 4 } }];
    for (const pairs of [setOf(a), setOf(b), setOf(a)]) {
      const { pDrop } = signFlipTest(pairs, 200_000);
      for (const alpha of [pDrop, ulps(pDrop, -1)]) expect(detect(pairs, alpha)).toBe(pDrop <= alpha);
    }
  });
});
