/** compareModels, sideFromRun and sideFromBaseline from object literals: pairing, ordering, Holm, and the verdicts. */
import { describe, expect, it } from "vitest";
import { sideFromBaseline, sideFromRun } from "../src/core/comparison-sides.js";
import { compareModels } from "../src/core/model-comparison.js";
import { passHatK } from "../src/core/stats.js";
import { OPTIONS, side, twoCaseRun, twoSuiteBaseline } from "./helpers/comparison-sides.js";

const ALL_PASS = Array<number>(12).fill(5);

describe("compareModels: pairing and the discordant cases", () => {
  it("lists the cases that differ, the candidate's worst drops first, each with the worse side's reasons", () => {
    const ref = side("ref", [5, 5, 3, 5, 4, 5]);
    const cand = side("cand", [5, 2, 5, 4, 4, 0]);
    const r = compareModels(ref, [cand], OPTIONS);
    const cmp = r.candidates[0]!;
    expect(cmp.discordant.map((d) => [d.caseId, d.direction, Math.round(d.difference * 100)])).toEqual([
      ["c6", "worse", -100],
      ["c2", "worse", -60],
      ["c4", "worse", -20],
      ["c3", "better", 40],
    ]);
    expect(cmp.discordant[0]!.reasons).toEqual([{ reason: "cand failed c6", count: 5 }]);
    expect(cmp.discordant[3]!.reasons).toEqual([{ reason: "ref failed c3", count: 2 }]);
    // pass^k: c2, c4, c6 only the reference passed in full; c3 only the candidate.
    expect(cmp.overall.allTrials).toMatchObject({ referenceOnly: 3, candidateOnly: 1 });
    expect(cmp.overall.allTrials.pDrop).toBeCloseTo(5 / 16, 12);
    expect(cmp.overall.difference.mean).toBeCloseTo((-1 - 0.6 - 0.2 + 0.4) / 6, 12);
    expect(cmp.overall.reference.passRate).toBeCloseTo(27 / 30, 12);
    expect(cmp.overall.candidate.passRate).toBeCloseTo(20 / 30, 12);
  });

  it("a case with no judged trial on one side is unpaired and left out of every test", () => {
    const ref = side("ref", [5, 5, 5]);
    const cand = side("cand", [5, 0, 5]);
    cand.suites[0]!.cases[1]!.counts = { n: 0, passes: 0, errored: 5, passAtK: Number.NaN, passHatK: Number.NaN };
    const cmp = compareModels(ref, [cand], OPTIONS).candidates[0]!;
    expect(cmp.overall).toMatchObject({ paired: 2, unpaired: 1 });
    expect(cmp.discordant).toEqual([]);
    expect(cmp.cases[1]!.difference).toBeNaN();
  });
});

describe("compareModels: verdicts", () => {
  it("a candidate that breaks 6 of 12 always-passing cases is worse (p = 1/64), naming them", () => {
    const r = compareModels(side("ref", ALL_PASS), [side("cand", [0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5])], OPTIONS);
    const v = r.candidates[0]!.verdict;
    expect(v.status).toBe("worse");
    expect(v.pDropAdjusted).toBeCloseTo(1 / 64, 12);
    expect(v.regressedCases).toEqual(["s/c1", "s/c2", "s/c3", "s/c4", "s/c5", "s/c6"]);
    expect(v.message).toMatch(/^cand is worse than ref: lower on 6 cases: s\/c1, s\/c2, s\/c3, s\/c4, s\/c5 and 1 more \(.*p = 0\.016 ≤ α 0\.05\)$/);
    expect(r.status).toBe("fail");
  });

  it("the same candidate twice: Holm doubles the smaller p, so 5 broken cases (p = 1/32 each) are no longer enough", () => {
    const broken = [0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5, 5];
    expect(compareModels(side("ref", ALL_PASS), [side("a", broken)], OPTIONS).candidates[0]!.verdict.status).toBe("worse");
    const two = compareModels(side("ref", ALL_PASS), [side("a", broken), side("b", broken)], OPTIONS);
    for (const c of two.candidates) {
      expect(c.verdict.pDropAdjusted).toBeCloseTo(2 / 32, 12);
      expect(c.verdict.status).not.toBe("worse");
    }
    // Power is held to Holm's strictest step, α/2: breaking 5 cases (1/32 > 0.025) is not enough.
    expect(two.candidates[0]!.overall.power.alpha).toBe(0.025);
    expect(two.candidates[0]!.overall.power.minDetectableFlips).toBe(6);
    expect(two.status).toBe("pass");
  });

  it("an identical candidate on 12 cases is not worse, and the line says what drop these cases could detect", () => {
    const v = compareModels(side("ref", ALL_PASS), [side("cand", ALL_PASS)], OPTIONS).candidates[0]!.verdict;
    expect(v.status).toBe("not-worse");
    expect(v.message).toMatch(/^cand shows no significant drop against ref on these suites \(pass rate 0 points, 95% CI 0 to 0; could detect a drop of \d+ points at 80% power, or 5 cases breaking\)$/);
  });

  it("cases one side never answered keep it from 'no significant drop', and the line says how many", () => {
    const cand = side("cand", ALL_PASS);
    // Every trial of two cases errored for the candidate (a context-length error, say): no judged trial.
    for (const c of cand.suites[0]!.cases.slice(0, 2)) c.counts = { ...c.counts, n: 0, passes: 0, errored: 5 };
    const v = compareModels(side("ref", ALL_PASS), [cand], OPTIONS).candidates[0]!.verdict;
    expect(v.status).toBe("undecided");
    expect(v.message).toMatch(/^cannot tell whether cand is worse than ref: 2 cases have no judged trial on one side/);
  });

  it("three cases: too few to decide, whatever they show", () => {
    const v = compareModels(side("ref", [5, 5, 5]), [side("cand", [5, 5, 5])], OPTIONS).candidates[0]!.verdict;
    expect(v.status).toBe("undecided");
    expect(v.message).toMatch(/^too few cases to decide whether cand is worse than ref: 3 paired cases would miss/);
  });

  it("a drop that is not significant but as large as a detectable one is undecided, not 'not worse'", () => {
    const cand = [0, 0, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5];
    const cmp = compareModels(side("ref", ALL_PASS), [side("cand", cand)], OPTIONS).candidates[0]!;
    expect(cmp.overall.difference.pDrop).toBeCloseTo(1 / 8, 12);
    expect(cmp.overall.difference.interval[0]).toBeLessThan(-cmp.overall.power.minDetectableDrop);
    expect(cmp.verdict.status).toBe("undecided");
    expect(cmp.verdict.message).toMatch(/^cannot tell whether cand is worse than ref: .* does not rule out a drop of \d+ points/);
  });

  it("a candidate that fixes 6 always-failing cases is better; the exit status stays pass", () => {
    const r = compareModels(side("ref", [0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5]), [side("cand", ALL_PASS)], OPTIONS);
    expect(r.candidates[0]!.verdict.status).toBe("better");
    expect(r.candidates[0]!.verdict.message).toMatch(/^cand is better than ref: higher on 6 cases/);
    expect(r.status).toBe("pass");
  });

  it("a run that could not be judged makes no verdict, even where the numbers look like a regression", () => {
    const r = compareModels(side("ref", ALL_PASS), [side("cand", Array<number>(12).fill(0), false)], OPTIONS);
    expect(r.judged).toBe(false);
    expect(r.notJudgedReason).toBe("cand: 3 of 10 trials errored (30% > 10%)");
    expect(r.candidates[0]!.verdict.status).toBe("not-judged");
    expect(r.status).toBe("fail");
  });

  it("an interrupted comparison is not judged", () => {
    const r = compareModels(side("ref", ALL_PASS), [side("cand", ALL_PASS)], { ...OPTIONS, interrupted: "SIGINT" });
    expect(r).toMatchObject({ judged: false, notJudgedReason: "the comparison was interrupted by SIGINT", interrupted: "SIGINT" });
  });
});


describe("the sides", () => {
  it("a run's figures: cost in total and per case, tokens, latency p50/p95 over every answered trial", () => {
    const s = sideFromRun(twoCaseRun(), "openai:gpt-4o-mini");
    expect(s.figures).toMatchObject({ source: "run", cases: 2, trials: 4, tokens: { inputTokens: 40, outputTokens: 8 }, errored: 0, judged: true, judgeCostUsd: 0 });
    expect(s.figures.costUsd).toBeCloseTo(0.06, 12);
    expect(s.figures.costPerCaseUsd).toBeCloseTo(0.03, 12);
    // Type 7 percentiles of 100, 200, 300, 400: p50 250, p95 385.
    expect(s.figures.latencyMs).toEqual({ p50: 250, p95: 385, max: 400 });
    expect(s.suites[0]!.cases[0]!.reasons).toEqual([{ reason: 'output does not contain "ok"', count: 1 }]);
  });

  it("the baseline keeps counts only: pass^k from them, cost, tokens and latency unknown, never 0", () => {
    const b = sideFromBaseline(twoSuiteBaseline(), "baseline", ["s"]);
    expect(b.suites.map((s) => s.name)).toEqual(["s"]);
    expect(b.suites[0]!.cases[1]!.counts).toMatchObject({ n: 5, passes: 4, passHatK: passHatK(5, 4, 5) });
    expect(b.figures).toMatchObject({ source: "baseline", cases: 2, trials: 10, costUsd: null, tokens: null, latencyMs: null });
    // A case the run has and the baseline lacks is unpaired.
    const cmp = compareModels(b, [side("cand", [5, 4, 5])], { ...OPTIONS, mode: "baseline" }).candidates[0]!;
    expect(cmp.overall).toMatchObject({ paired: 2, unpaired: 1 });
    expect(cmp.cases.map((c) => c.caseId)).toEqual(["c1", "c2", "c3"]);
  });
});
