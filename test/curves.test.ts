/** The figures the HTML report draws, against values worked by hand. */
import { describe, expect, it } from "vitest";
import { histogram, reliabilityCurve } from "../src/core/curves.js";

describe("reliabilityCurve", () => {
  // 5/5, 4/5, 3/5, 1/2, and one case whose trials all errored (n = 0).
  const cases = [
    { n: 5, passes: 5 },
    { n: 5, passes: 4 },
    { n: 5, passes: 3 },
    { n: 2, passes: 1 },
    { n: 0, passes: 0 },
  ];
  const curve = reliabilityCurve(cases, 5);

  it("has one point per k from 1 to n", () => {
    expect(curve.map((a) => a.k)).toEqual([1, 2, 3, 4, 5]);
  });

  it("is over the cases with 5 judged trials at every k, as the suite's pass@5 and pass^5 are: k = 1 is (1 + 0.8 + 0.6) / 3", () => {
    expect(curve[0]!.passAtK).toBeCloseTo(0.8, 12);
    expect(curve[0]!.passHatK).toBeCloseTo(0.8, 12);
  });

  it("k = 2: pass@2 = (1 + 1 + (1 − 1/10)) / 3; pass^2 = (1 + 6/10 + 3/10) / 3", () => {
    expect(curve[1]!.passAtK).toBeCloseTo(2.9 / 3, 12);
    expect(curve[1]!.passHatK).toBeCloseTo(1.9 / 3, 12);
  });

  it("k = 3: pass^3 = (1 + 4/10 + 1/10) / 3", () => {
    expect(curve[2]!.passAtK).toBeCloseTo(1, 12);
    expect(curve[2]!.passHatK).toBeCloseTo(0.5, 12);
  });

  it("k = 5: pass^5 = (1 + 0 + 0) / 3, the reliability fall-off", () => {
    expect(curve[4]!.passAtK).toBeCloseTo(1, 12);
    expect(curve[4]!.passHatK).toBeCloseTo(1 / 3, 12);
  });

  it("pass^k never rises with k: a case short of trials is out at every k, not dropped part-way", () => {
    // Nine cases at 5/5 and one that errored once, then failed 4 times: were it counted while
    // it had enough trials, pass^1..4 would be 0.9 and pass^5 1.
    const short = [...Array.from({ length: 9 }, () => ({ n: 5, passes: 5 })), { n: 4, passes: 0 }];
    expect(reliabilityCurve(short, 5).map((a) => [a.passAtK, a.passHatK])).toEqual(Array.from({ length: 5 }, () => [1, 1]));
  });

  it("no case with enough trials: NaN at every k, never 0", () => {
    const curve = reliabilityCurve([{ n: 2, passes: 2 }], 3);
    // Every k is there, or the loop below would check nothing.
    expect(curve.map((a) => a.k)).toEqual([1, 2, 3]);
    for (const a of curve) {
      expect(a.passAtK).toBeNaN();
      expect(a.passHatK).toBeNaN();
    }
  });
});

describe("histogram", () => {
  it("bins equal widths from min to max, the maximum in the last bin, non-finite values left out", () => {
    expect(histogram([10, 20, 30, 40, Number.NaN, 12], 3)).toEqual([
      { from: 10, to: 20, count: 2 },
      { from: 20, to: 30, count: 1 },
      { from: 30, to: 40, count: 2 },
    ]);
  });

  it("all values equal: one bin holding them all; no values: no bins", () => {
    expect(histogram([7, 7, 7], 4)).toEqual([{ from: 7, to: 7, count: 3 }]);
    expect(histogram([Number.NaN], 4)).toEqual([]);
  });

  it("counts every finite value once", () => {
    const xs = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 613);
    expect(histogram(xs, 12).reduce((s, b) => s + b.count, 0)).toBe(1000);
  });
});
