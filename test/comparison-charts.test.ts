/**
 * What the compare HTML page draws, computed by core when the comparison is built: each
 * side's reliability curve per suite, its pooled pass rate with an interval, its latency
 * histogram, and both sides' reasons on a differing case. Object literals and hand values.
 */
import { describe, expect, it } from "vitest";
import { sideFromBaseline, sideFromRun } from "../src/core/comparison-sides.js";
import { latencyHistogram } from "../src/core/curves.js";
import { compareModels } from "../src/core/model-comparison.js";
import { OPTIONS, side, twoCaseRun, twoSuiteBaseline } from "./helpers/comparison-sides.js";

describe("compareModels: reliability curves per suite and side", () => {
  it("pass@k and pass^k for k = 1..5 on each side, from its per-case counts", () => {
    // ref: cases at 5/5 and 3/5. pass@2 of 3/5 = 1 − C(2,2)/C(5,2) = 0.9; pass^2 = C(3,2)/C(5,2) = 0.3.
    const r = compareModels(side("ref", [5, 3]), [side("cand", [5, 5])], OPTIONS);
    expect(r.curves.map((c) => c.suite)).toEqual(["s"]);
    const [ref, cand] = r.curves[0]!.providers;
    expect(ref!.label).toBe("ref");
    expect(ref!.k).toBe(5);
    expect(ref!.points.map((p) => p.k)).toEqual([1, 2, 3, 4, 5]);
    expect(ref!.points[0]!.passAtK).toBeCloseTo(0.8, 12);
    expect(ref!.points[0]!.passHatK).toBeCloseTo(0.8, 12);
    expect(ref!.points[1]!.passAtK).toBeCloseTo(0.95, 12);
    expect(ref!.points[1]!.passHatK).toBeCloseTo(0.65, 12);
    expect(ref!.points[4]!.passAtK).toBeCloseTo(1, 12);
    expect(ref!.points[4]!.passHatK).toBeCloseTo(0.5, 12);
    expect(cand!.label).toBe("cand");
    expect(cand!.points.every((p) => p.passAtK === 1 && p.passHatK === 1)).toBe(true);
  });

  it("a suite only one side ran has that side's curve alone; sides keep the providers' order", () => {
    const ref = side("ref", [5, 3]);
    ref.suites.push({ ...ref.suites[0]!, name: "only-ref", k: 3 });
    const r = compareModels(ref, [side("a", [5]), side("b", [4])], OPTIONS);
    expect(r.curves.map((c) => [c.suite, c.providers.map((p) => p.label)])).toEqual([
      ["s", ["ref", "a", "b"]],
      ["only-ref", ["ref"]],
    ]);
    expect(r.curves[1]!.providers[0]!.points.map((p) => p.k)).toEqual([1, 2, 3]);
  });
});

describe("compareModels: both sides' reasons on a differing case", () => {
  it("a case both sides failed sometimes keeps each side's reasons, and `reasons` stays the worse side's", () => {
    const r = compareModels(side("ref", [2, 5]), [side("cand", [4, 3])], OPTIONS);
    const [worse, better] = r.candidates[0]!.discordant;
    expect(worse).toMatchObject({ caseId: "c2", direction: "worse", reasons: [{ reason: "cand failed c2", count: 2 }] });
    expect(worse!.reasonsBySide).toEqual({ reference: [], candidate: [{ reason: "cand failed c2", count: 2 }] });
    expect(better).toMatchObject({ caseId: "c1", direction: "better", reasons: [{ reason: "ref failed c1", count: 3 }] });
    expect(better!.reasonsBySide).toEqual({ reference: [{ reason: "ref failed c1", count: 3 }], candidate: [{ reason: "cand failed c1", count: 1 }] });
  });
});

describe("the sides' pass rate and latency histogram", () => {
  it("a run: 3 of 4 trials passed, the interval at the effective size of 3 trials; latencies in √4 = 2 bins", () => {
    const f = sideFromRun(twoCaseRun(), "openai:gpt-4o-mini").figures;
    expect(f.passRate).toBe(0.75);
    // Cases 1/2 and 2/2: design effect 4/3, so Wilson at 2.25 of 3 trials, with Student's t
    // for the spread measured on two cases: 12.706205 (t table, 97.5%, 1 degree of freedom);
    // Clopper-Pearson's at 95% is inside it.
    expect(f.passRateInterval[0]).toBeCloseTo(0.010273, 5);
    expect(f.passRateInterval[1]).toBeCloseTo(0.998848, 5);
    expect(f.latencyHistogram).toEqual([
      { from: 100, to: 250, count: 2 },
      { from: 250, to: 400, count: 2 },
    ]);
  });

  it("the baseline: a pass rate from its counts (9 of 10), and no latency histogram, since it stores no latencies", () => {
    const f = sideFromBaseline(twoSuiteBaseline(), "baseline", ["s"]).figures;
    expect(f.passRate).toBeCloseTo(0.9, 12);
    // Design effect 10/9: Wilson at 8.1 of 9 trials, t at 1 degree of freedom (two cases).
    expect(f.passRateInterval[0]).toBeCloseTo(0.042793, 5);
    expect(f.passRateInterval[1]).toBeCloseTo(0.999448, 5);
    expect(f.latencyHistogram).toBeNull();
  });
});

describe("latencyHistogram", () => {
  it("about √n bins, at most 12; trials that never answered count towards n but are not drawn", () => {
    expect(latencyHistogram([10, 20, 30, 40, 50, 60, 70, 80, 100])).toHaveLength(3);
    expect(latencyHistogram(Array.from({ length: 400 }, (_, i) => i))).toHaveLength(12);
    // Nine trials, seven of which never answered: √9 = 3 bins over the two that did.
    expect(latencyHistogram([...Array<number>(7).fill(Number.NaN), 10, 40])).toEqual([
      { from: 10, to: 20, count: 1 },
      { from: 20, to: 30, count: 0 },
      { from: 30, to: 40, count: 1 },
    ]);
  });
});
