/** compareModels, sideFromRun and sideFromBaseline from object literals: pairing, ordering, Holm, and the verdicts. */
import { describe, expect, it } from "vitest";
import { sideFromBaseline, sideFromRun } from "../src/core/comparison-sides.js";
import { compareModels } from "../src/core/model-comparison.js";
import { passHatK } from "../src/core/stats.js";
import { OPTIONS, side, suitesSide, twoCaseRun, twoSuiteBaseline } from "./helpers/comparison-sides.js";

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

  it("pass@k, pass^k and all-pass only are over the cases with k judged trials on both sides, and say how many", () => {
    const cand = side("cand", [5, 5, 5, 5]);
    // Case c1: 4 judged trials, all failing, and one errored: no pass^5 on the candidate's side.
    cand.suites[0]!.cases[0]!.counts = { n: 4, passes: 0, errored: 1, passAtK: Number.NaN, passHatK: Number.NaN };
    const o = compareModels(side("ref", [5, 5, 5, 2]), [cand], OPTIONS).candidates[0]!.overall;
    expect(o).toMatchObject({ paired: 4, countedAtK: 3 });
    // Both sides over c2..c4: the reference's pass^k (1 + 1 + 0) / 3, not (1 + 1 + 1 + 0) / 4.
    expect(o.reference.passHatK).toBeCloseTo(2 / 3, 12);
    expect(o.candidate.passHatK).toBe(1);
    expect(o.allTrials).toMatchObject({ referenceOnly: 0, candidateOnly: 1 });
    // The pass rate is over every paired case: c1 counts there, 0/4.
    expect(o.candidate.passRate).toBeCloseTo(3 / 4, 12);
  });
});

describe("compareModels: verdicts", () => {
  it("a candidate that breaks 6 of 12 always-passing cases is worse (p = 1/64, doubled for its half of α), naming them", () => {
    const r = compareModels(side("ref", ALL_PASS), [side("cand", [0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5])], OPTIONS);
    const v = r.candidates[0]!.verdict;
    expect(v.status).toBe("worse");
    expect(v.pDropAdjusted).toBeCloseTo(2 / 64, 12);
    expect(v.regressions[0]).toMatchObject({ kind: "overall", p: 1 / 64, pAdjusted: 2 / 64 });
    expect(v.regressedCases).toEqual(["s/c1", "s/c2", "s/c3", "s/c4", "s/c5", "s/c6"]);
    expect(v.message).toMatch(/^cand is worse than ref: lower on 6 cases: s\/c1, s\/c2, s\/c3, s\/c4, s\/c5 and 1 more \(.*p = 0\.016, corrected 0\.031 ≤ α 0\.05\); also significant on their own: suite s, case s\/c1, case s\/c2, and 4 more significant drops, listed in the report$/);
    expect(r.status).toBe("fail");
  });

  it("the same candidate twice: the overall p is Holm-corrected over both and doubled (4/32), so 5 broken cases fail only by the suite's test", () => {
    const broken = [0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5, 5];
    const one = compareModels(side("ref", ALL_PASS), [side("a", broken)], OPTIONS).candidates[0]!.verdict;
    expect(one.pDropAdjusted).toBeCloseTo(2 / 32, 12);
    const two = compareModels(side("ref", ALL_PASS), [side("a", broken), side("b", broken)], OPTIONS);
    for (const c of two.candidates) {
      expect(c.verdict.pDropAdjusted).toBeCloseTo(4 / 32, 12);
      // Suite s: 5 strata at 5/5 → 0/5, p = (1/252)^5, the least of the family's 12 testable tests.
      expect(c.verdict.regressions.map((r) => r.kind)).toEqual(["suite"]);
      expect(c.verdict.regressions[0]!.p / 252 ** -5).toBeCloseTo(1, 9);
      expect(c.verdict.status).toBe("worse");
    }
    // Power is held to the overall test's strictest step, α/2/2: breaking 6 cases (1/64 > 0.0125) is not enough.
    expect(two.candidates[0]!.overall.power.alpha).toBe(0.0125);
    expect(two.candidates[0]!.overall.power.minDetectableFlips).toBe(7);
  });

  it("an identical candidate on 12 cases is not worse, and the line says what drop these cases could detect", () => {
    const v = compareModels(side("ref", ALL_PASS), [side("cand", ALL_PASS)], OPTIONS).candidates[0]!.verdict;
    expect(v.status).toBe("not-worse");
    expect(v.message).toMatch(/^cand shows no significant drop against ref on these suites \(pass rate 0 points, 95% CI 0 to 0; paired sign-flip p 1\.000 > α 0\.05; could detect a drop of \d+ points at 80% power, or 6 cases breaking\)$/);
  });

  it("cases every trial of which errored on the candidate's side are tested as failing, as eval's gate tests them", () => {
    const cand = side("cand", ALL_PASS);
    // Every trial of two cases errored for the candidate (a context-length error, say): no judged trial.
    for (const c of cand.suites[0]!.cases.slice(0, 2)) c.counts = { ...c.counts, n: 0, passes: 0, errored: 5 };
    const v = compareModels(side("ref", ALL_PASS), [cand], OPTIONS).candidates[0]!.verdict;
    expect(v.status).toBe("worse");
    // Each 5/5 → 5 errored is p = 1/252 had they failed; two testable, Tarone's K 2 at α/2: corrected 2/252, doubled 4/252.
    expect(v.regressions.map((r) => r.message)).toEqual([
      "case s/c1: 5/5 → every one of 5 trials errored; had they failed, a significant drop (one-sided Fisher p 0.004, corrected 0.016 ≤ α 0.05): not decided",
      "case s/c2: 5/5 → every one of 5 trials errored; had they failed, a significant drop (one-sided Fisher p 0.004, corrected 0.016 ≤ α 0.05): not decided",
    ]);
    // Where the reference failed them too, nothing is hidden: it only keeps the verdict from 'no significant drop'.
    const ref = side("ref", [0, 0, ...ALL_PASS.slice(2)]);
    const held = compareModels(ref, [cand], OPTIONS).candidates[0]!.verdict;
    expect(held.status).toBe("undecided");
    expect(held.message).toMatch(/^cannot tell whether cand is worse than ref: 2 cases have every trial errored on one side \(s\/c1, s\/c2\), and a model's errors can be its failures \(/);
  });

  it("a drop eval's gate would fail at α, but the suite and case tests' α/2 does not: 'cannot tell', never 'no significant drop'", () => {
    // 5/5 → 1/5 on one case of twelve: Fisher p 6/252 = 0.024. Its floor and the suite's are 0.024: Tarone's K is 2,
    // so at α it is 0.024 ≤ 0.025, at α/2 it is above 0.0125.
    const v = compareModels(side("ref", ALL_PASS), [side("cand", [1, ...ALL_PASS.slice(1)])], OPTIONS).candidates[0]!.verdict;
    expect(v.status).toBe("undecided");
    expect(v.message).toMatch(
      /^cannot tell whether cand is worse than ref: suite s: .*; case s\/c1: 5\/5 → 1\/5 passing \(one-sided Fisher p 0\.024, corrected 0\.048 ≤ α 0\.05 as eval's gate holds it, 0\.095 > α at the α\/2 of compare's suite and case tests\): eval's gate would fail it, compare cannot say it is worse \(/,
    );
  });

  it("a drop eval's gate would fail is not hidden by a significant rise elsewhere: 'cannot tell', not 'better'", () => {
    // A review's counts: the candidate gains on 19 cases and breaks one (5/5 → 0/5) that the gate fails at α.
    const ref = suitesSide("ref", { A: Array<number>(12).fill(3), B: [5], C: Array<number>(7).fill(2) });
    const cand = suitesSide("cand", { A: Array<number>(12).fill(5), B: [0], C: Array<number>(7).fill(3) });
    const v = compareModels(ref, [cand], OPTIONS).candidates[0]!.verdict;
    expect(v.status).toBe("undecided");
    expect(v.message).toMatch(/^cannot tell whether cand is worse than ref: .*case B\/c13: 5\/5 → 0\/5 passing/);
  });

  it("nothing paired because every case awaits review: says so, with no NaN", () => {
    const cand = side("cand", ALL_PASS);
    for (const c of cand.suites[0]!.cases) c.counts = { ...c.counts, n: 0, passes: 0, pending: 5 };
    const v = compareModels(side("ref", ALL_PASS), [cand], OPTIONS).candidates[0]!.verdict;
    expect(v.status).toBe("undecided");
    expect(v.message).toMatch(/^cannot tell whether cand is worse than ref: 12 cases await human review on one side/);
    expect(v.message).not.toContain("NaN");
  });

  it("cases whose trials await human review on one side block 'no significant drop' too, and the line says to run harness review", () => {
    const cand = side("cand", ALL_PASS);
    cand.suites[0]!.cases[0]!.counts = { ...cand.suites[0]!.cases[0]!.counts, n: 0, passes: 0, pending: 5 };
    const cmp = compareModels(side("ref", ALL_PASS), [cand], OPTIONS).candidates[0]!;
    expect(cmp.unpaired).toEqual([{ suite: "s", caseId: "c1", side: "candidate", why: "pending" }]);
    expect(cmp.verdict.status).toBe("undecided");
    expect(cmp.verdict.message).toMatch(/^cannot tell whether cand is worse than ref: 1 case awaits human review on one side \(s\/c1\): run harness review \(/);
  });

  it("a case with some trials awaiting review is not averaged as its judged trials, a sample of failures; sure failures still count", () => {
    // 20 cases at 90% on both sides; on the candidate the 10 failures are judged and the other 90 trials await review.
    const rates = Array.from({ length: 20 }, (_, i) => (i < 10 ? 4 : 5));
    const cand = side("cand", rates);
    cand.suites[0]!.cases.forEach((c, i) => (c.counts = { ...c.counts, n: i < 10 ? 1 : 0, passes: 0, pending: i < 10 ? 4 : 5 }));
    const cmp = compareModels(side("ref", rates), [cand], OPTIONS).candidates[0]!;
    expect(cmp.verdict.status).not.toBe("worse");
    expect(cmp.verdict.regressions ?? []).toEqual([]);
    expect(cmp.unpaired.map((u) => u.why)).toEqual(rates.map(() => "pending"));
    // Eight sure failures and two awaiting, of ten trials, where the reference passed 10 of 10: a drop
    // even if both pass (10/10 → 2/10, Fisher p = 66/184,756).
    const sure = side("cand", [0, 5, 5, 5, 5, 5, 5, 5]);
    sure.suites[0]!.cases[0]!.counts = { ...sure.suites[0]!.cases[0]!.counts, n: 8, passes: 0, pending: 2 };
    const ref = side("ref", [5, 5, 5, 5, 5, 5, 5, 5]);
    ref.suites[0]!.cases[0]!.counts = { ...ref.suites[0]!.cases[0]!.counts, n: 10, passes: 10 };
    const worse = compareModels(ref, [sure], OPTIONS).candidates[0]!;
    expect(worse.verdict.status).toBe("worse");
    expect(worse.verdict.regressions?.map((r) => `${r.kind} ${r.caseId ?? r.suite}`)).toContain("case c1");
  });

  it("a case new since the baseline is not compared, and blocks nothing: 'no significant drop' still holds", () => {
    const ref = side("baseline", ALL_PASS);
    const cand = side("cand", [...ALL_PASS, 5]);
    const cmp = compareModels(ref, [cand], { ...OPTIONS, mode: "baseline" }).candidates[0]!;
    expect(cmp.unpaired).toEqual([{ suite: "s", caseId: "c13", side: "reference", why: "absent" }]);
    expect(cmp.verdict.status).toBe("not-worse");
    expect(cmp.verdict.message).toMatch(/^cand shows no significant drop against baseline on these suites \(.*\); not compared: 1 case new since the baseline \(s\/c13\)$/);
  });

  it("three cases: too few to decide, whatever they show", () => {
    const v = compareModels(side("ref", [5, 5, 5]), [side("cand", [5, 5, 5])], OPTIONS).candidates[0]!.verdict;
    expect(v.status).toBe("undecided");
    expect(v.message).toMatch(/^too few cases to decide whether cand is worse than ref: 3 paired cases would miss/);
  });

  it("a drop that is not significant but as large as a detectable one is undecided, not 'not worse'", () => {
    // Cases at 3/5: no single case's drop, nor the suite's, is significant on its own.
    const cand = [0, 0, 0, 5, 3, 3, 3, 3, 3, 3, 3, 3];
    const cmp = compareModels(side("ref", Array<number>(12).fill(3)), [side("cand", cand)], OPTIONS).candidates[0]!;
    expect(cmp.overall.difference.pDrop).toBeCloseTo(1 / 8, 12);
    expect(cmp.overall.difference.interval[0]).toBeLessThan(-cmp.overall.power.minDetectableDrop);
    expect(cmp.verdict.status).toBe("undecided");
    expect(cmp.verdict.message).toMatch(/^cannot tell whether cand is worse than ref: .* does not rule out a drop of \d+ points/);
    // One candidate: the overall test has half of α, so its corrected p is twice the raw one.
    expect(cmp.verdict.message).toContain("pass rate -12 points, 95% CI -32 to +8 is not significant (paired sign-flip p 0.125, corrected 0.250 > α 0.05)");
  });

  it("with two candidates, a 95% interval clear of 0 is 'no significant drop' only with the corrected p that failed beside it", () => {
    const cand = [2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3];
    const r = compareModels(side("ref", Array<number>(12).fill(3)), [side("a", cand), side("b", cand)], OPTIONS);
    const v = r.candidates[0]!.verdict;
    // p = 1/64; Holm over two candidates, doubled for the overall test's half of α: 4/64.
    expect(v.pDropAdjusted).toBeCloseTo(4 / 64, 12);
    expect(v.status).toBe("not-worse");
    expect(v.message).toContain("(pass rate -10 points, 95% CI -17 to -3; paired sign-flip p 0.016, corrected 0.063 > α 0.05; could detect");
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

  it("a candidate below a suite's threshold fails the comparison, whatever the paired tests say; the reference's miss does not", () => {
    const miss = [{ suite: "s", message: "pass rate 0.917 is below the threshold 0.95" }];
    const cand = side("cand", ALL_PASS);
    cand.figures.thresholdProblems = miss;
    const r = compareModels(side("ref", ALL_PASS), [cand], OPTIONS);
    expect(r.candidates[0]!.verdict.status).toBe("not-worse");
    expect(r.candidates[0]!.verdict.thresholds).toEqual(["cand misses the threshold of suite s (pass rate 0.917 is below the threshold 0.95): eval's gate would fail it"]);
    expect(r.status).toBe("fail");
    const ref = side("ref", ALL_PASS);
    ref.figures.thresholdProblems = miss;
    const shown = compareModels(ref, [side("cand", ALL_PASS)], OPTIONS);
    expect(shown.candidates[0]!.verdict.thresholds).toEqual([]);
    expect(shown.status).toBe("pass");
  });

  it("an interrupted comparison is not judged", () => {
    const r = compareModels(side("ref", ALL_PASS), [side("cand", ALL_PASS)], { ...OPTIONS, interrupted: "SIGINT" });
    expect(r).toMatchObject({ judged: false, notJudgedReason: "the comparison was interrupted by SIGINT", interrupted: "SIGINT" });
  });
});

describe("compareModels: worse by a suite's or a case's own test, as eval's gate decides", () => {
  const ONE_BROKEN = [0, ...Array<number>(19).fill(5)];

  it("a candidate that fails every case of suite alpha and gains as much on beta is worse, not 'cannot tell'", () => {
    const ref = suitesSide("ref", { alpha: [5, 5, 5, 5, 5, 5], beta: [0, 0, 0, 0, 0, 0] });
    const cand = suitesSide("cand", { alpha: [0, 0, 0, 0, 0, 0], beta: [5, 5, 5, 5, 5, 5] });
    const r = compareModels(ref, [cand], OPTIONS);
    const v = r.candidates[0]!.verdict;
    // Overall the gains cancel the losses: the sign-flip test alone saw nothing.
    expect(r.candidates[0]!.overall.difference.mean).toBe(0);
    expect(v.pDropAdjusted).toBe(1);
    expect(v.status).toBe("worse");
    expect(r.status).toBe("fail");
    // alpha's 6 strata at 5/5 → 0/5: p = (1/252)^6. Tarone's K at α/2 = 0.025: the 12 case tests
    // (floor 1/252 > 0.025/7) drop out at K = 7, the two suites' remain: corrected 7p, shown doubled.
    expect(v.regressions).toHaveLength(1);
    const [suite] = v.regressions;
    expect(suite).toMatchObject({ kind: "suite", suite: "alpha" });
    expect(suite!.p / 252 ** -6).toBeCloseTo(1, 9);
    expect(suite!.pAdjusted / (14 * 252 ** -6)).toBeCloseTo(1, 9);
    expect(v.regressedCases).toEqual(["alpha/c1", "alpha/c2", "alpha/c3", "alpha/c4", "alpha/c5", "alpha/c6"]);
    expect(v.message).toBe(
      "cand is worse than ref on suite alpha: pass rate 100% → 0% over 6 cases (stratified exact p < 0.001, corrected < 0.001 ≤ α 0.05); over every case pass rate 0 points, 95% CI -66 to +66: not a drop overall, but gains elsewhere do not make up for it",
    );
  });

  it("one case of twenty 5/5 → 0/5 is worse, as eval's gate says: Fisher p 1/252, corrected 2/252 within its half of α, shown as 4/252", () => {
    const v = compareModels(side("ref", Array<number>(20).fill(5)), [side("cand", ONE_BROKEN)], OPTIONS).candidates[0]!.verdict;
    expect(v.status).toBe("worse");
    // The suite's test and the case's can each reach p = 1/252: K = 2.
    expect(v.regressions.map((r) => [r.kind, r.caseId, r.p, r.pAdjusted])).toEqual([
      ["suite", undefined, expect.closeTo(1 / 252, 14), expect.closeTo(4 / 252, 14)],
      ["case", "c1", expect.closeTo(1 / 252, 14), expect.closeTo(4 / 252, 14)],
    ]);
    expect(v.regressedCases).toEqual(["s/c1"]);
    expect(v.message).toBe(
      "cand is worse than ref on suite s: pass rate 100% → 95% over 20 cases (stratified exact p 0.004, corrected 0.016 ≤ α 0.05); case s/c1: 5/5 → 0/5 passing (one-sided Fisher p 0.004, corrected 0.016 ≤ α 0.05); over every case pass rate -5 points, 95% CI -15 to +5, not significant on its own (paired sign-flip p 0.500, corrected 1.000)",
    );
  });

  it("every candidate's suite and case tests are one family: two such candidates make K = 4", () => {
    const r = compareModels(side("ref", Array<number>(20).fill(5)), [side("a", ONE_BROKEN), side("b", ONE_BROKEN)], OPTIONS);
    for (const c of r.candidates) {
      expect(c.verdict.status).toBe("worse");
      expect(c.verdict.regressions.map((x) => x.pAdjusted)).toEqual([expect.closeTo(8 / 252, 14), expect.closeTo(8 / 252, 14)]);
    }
  });

  it("a candidate that is not judged takes no share of the family", () => {
    const r = compareModels(side("ref", Array<number>(20).fill(5)), [side("a", ONE_BROKEN), side("b", ONE_BROKEN, false)], OPTIONS);
    expect(r.candidates[0]!.verdict.regressions.map((x) => x.pAdjusted)).toEqual([expect.closeTo(4 / 252, 14), expect.closeTo(4 / 252, 14)]);
    expect(r.candidates[1]!.verdict.regressions).toEqual([]);
  });
});

describe("compareModels: what changed since the baseline besides the model", () => {
  it("flags cases whose prompt or graders changed, and a judge model or judge instructions changed, only against the baseline", () => {
    const base = side("baseline", [5, 5, 5]);
    const run = side("cand", [5, 2, 5]);
    base.suites[0]!.cases.forEach((c) => (c.promptHash = `h-${c.id}`));
    run.suites[0]!.cases.forEach((c) => (c.promptHash = c.id === "c2" ? "h-new" : `h-${c.id}`));
    // c2's and c3's graders changed; c1's baseline entry predates graders hashes, so nothing is said of it.
    base.suites[0]!.cases.forEach((c) => c.id !== "c1" && (c.gradersHash = `g-${c.id}`));
    run.suites[0]!.cases.forEach((c) => (c.gradersHash = c.id === "c1" ? "g-c1" : `g-new-${c.id}`));
    Object.assign(base.suites[0]!, { judgeModel: "openai:gpt-4o", judgePrompts: { rubric: "r1", pairwise: "p1" } });
    Object.assign(run.suites[0]!, { judgeModel: "openai:gpt-4.1", judgePrompts: { rubric: "r2", pairwise: "p1" } });
    const cmp = compareModels(base, [run], { ...OPTIONS, mode: "baseline" }).candidates[0]!;
    expect(cmp.sinceBaseline).toEqual({
      promptChanged: ["s/c2"],
      gradersChanged: ["s/c2", "s/c3"],
      judgeChanged: [{ suite: "s", baseline: "openai:gpt-4o", current: "openai:gpt-4.1" }],
      judgePromptsChanged: [{ suite: "s", graders: ["rubric"] }],
    });
    expect(cmp.cases.map((c) => c.promptChanged ?? false)).toEqual([false, true, false]);
    expect(cmp.cases.map((c) => c.gradersChanged ?? false)).toEqual([false, true, true]);
    expect(cmp.discordant[0]).toMatchObject({ caseId: "c2", promptChanged: true, gradersChanged: true });
    // Two runs of the same suites on two models: nothing to flag.
    expect(compareModels(base, [run], OPTIONS).candidates[0]!.sinceBaseline).toBeNull();
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
