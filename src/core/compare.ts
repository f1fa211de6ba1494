/**
 * Sets a run against its baseline. A regression is a statistically significant
 * drop, not any drop: per case a one-sided Fisher exact test on the pass counts,
 * and per suite an exact stratified test over the cases both runs have, each case
 * its own stratum (stats.ts stratifiedLess).
 * All of these form one family, corrected together (Holm's step-down with
 * Tarone's count of testable hypotheses), so the chance that the gate fires on
 * noise is at most α for the whole run. A gate that cries wolf gets switched off.
 */
import { DEFAULT_ALPHA } from "../defaults.js";
import { hashChanged } from "./hash.js";
import { fisherGreater, fisherLess, fisherLessFloor, stratifiedLess, stratifiedLessFloor, taroneHolm, type CountsPair } from "./stats.js";
import type { Baseline, CaseComparison, CaseStatus, Comparison, SuiteComparison, SuiteResult } from "./types.js";

export { DEFAULT_ALPHA };

export function compareToBaseline(suites: readonly SuiteResult[], baseline: Baseline, alpha = DEFAULT_ALPHA): Comparison {
  const cases: CaseComparison[] = [];
  const pUp: number[] = [];
  const floorDrop: number[] = [];
  const floorUp: number[] = [];
  // A case with no judged trial, every one errored: its drop test had they failed (NaN for any other case).
  const pWorst: number[] = [];
  const suiteFloor: number[] = [];
  const missing: Comparison["missing"] = [];
  const suiteRows: SuiteComparison[] = [];

  for (const suite of suites) {
    // Own keys only: a suite named "constructor" must not find Object's.
    const base = Object.hasOwn(baseline.suites, suite.name) ? baseline.suites[suite.name] : undefined;
    let pooledB = { n: 0, passes: 0 };
    let pooledC = { n: 0, passes: 0 };
    let pooledPending = 0;
    const strata: CountsPair[] = [];
    for (const c of suite.cases) {
      const b = base && Object.hasOwn(base.cases, c.id) ? base.cases[c.id] : undefined;
      const current = { n: c.n, passes: c.passes };
      const pending = { ...(c.pending > 0 ? { pending: c.pending } : {}), ...(c.errored > 0 ? { errored: c.errored } : {}) };
      if (!b) {
        cases.push({ suite: suite.name, caseId: c.id, status: "new", baseline: null, current, ...pending, pDrop: Number.NaN, pDropAdjusted: Number.NaN, promptChanged: false, gradersChanged: false });
        pUp.push(Number.NaN);
        floorDrop.push(1);
        floorUp.push(1);
        pWorst.push(Number.NaN);
        continue;
      }
      // A trial awaits a person only when every other grader passed it, so the judged trials
      // alone over-sample failures: a drop is tested with the awaited ones as passes, a rise
      // with them as failures. Either way, the people's verdicts can only confirm it.
      const high = { n: c.n + c.pending, passes: c.passes + c.pending };
      const low = { n: c.n + c.pending, passes: c.passes };
      const judged = b.n > 0 && high.n > 0;
      if (judged) {
        pooledB = { n: pooledB.n + b.n, passes: pooledB.passes + b.passes };
        pooledC = { n: pooledC.n + high.n, passes: pooledC.passes + high.passes };
        pooledPending += c.pending;
        strata.push({ cB: b.passes, nB: b.n, cC: high.passes, nC: high.n });
      }
      cases.push({
        suite: suite.name,
        caseId: c.id,
        status: judged ? "same" : "not-judged",
        baseline: { n: b.n, passes: b.passes },
        current,
        ...pending,
        pDrop: judged ? fisherLess(b.passes, b.n, high.passes, high.n) : Number.NaN,
        pDropAdjusted: Number.NaN,
        promptChanged: b.promptHash !== c.promptHash,
        // A baseline from before graders were hashed says nothing of them, and nothing is said.
        gradersChanged: hashChanged(b.gradersHash, c.gradersHash),
      });
      pUp.push(judged ? fisherGreater(b.passes, b.n, low.passes, low.n) : Number.NaN);
      // A case no trial of which was judged, every one errored (an app that now crashes on it, a
      // prompt now past the context window), takes its place in the family as if they had failed:
      // errors must not hide that case. Only such a case: where some trials were judged, they
      // stand for the case, and counting errors as failures would call any run with scattered
      // errors a drop, more surely the more trials (a review measured 70% at 50 trials, 5% errors).
      // Every trial must have run: one a stop cancelled says nothing of the case (the run is not judged anyway).
      const hidden = !judged && b.n > 0 && c.errored > 0 && c.pending === 0 && (c.cancelled ?? 0) === 0;
      pWorst.push(hidden ? fisherLess(b.passes, b.n, 0, c.errored) : Number.NaN);
      floorDrop.push(judged ? fisherLessFloor(b.passes, b.n, high.passes, high.n) : hidden ? fisherLessFloor(b.passes, b.n, 0, c.errored) : 1);
      // A rise in passes is a drop in failures.
      floorUp.push(judged ? fisherLessFloor(b.n - b.passes, b.n, low.n - low.passes, low.n) : 1);
    }
    if (base) {
      const ids = new Set(suite.cases.map((c) => c.id));
      for (const id of Object.keys(base.cases)) if (!ids.has(id)) missing.push({ suite: suite.name, caseId: id });
    }
    const pooled = base && pooledB.n > 0 && pooledC.n > 0;
    suiteRows.push({
      suite: suite.name,
      providerChanged: base && base.provider !== suite.provider ? { baseline: base.provider, current: suite.provider } : null,
      judgeChanged: base?.judgeModel && suite.judgeModel && base.judgeModel !== suite.judgeModel ? { baseline: base.judgeModel, current: suite.judgeModel } : null,
      judgePromptsChanged: base?.judgePrompts ? Object.keys(suite.judgePrompts).filter((t) => base.judgePrompts![t] !== undefined && base.judgePrompts![t] !== suite.judgePrompts[t]) : [],
      baseline: base ? pooledB : null,
      current: pooledC,
      cases: strata.length,
      ...(pooledPending > 0 ? { pending: pooledPending } : {}),
      pDrop: pooled ? stratifiedLess(strata) : Number.NaN,
      pDropAdjusted: Number.NaN,
      regressed: false,
    });
    suiteFloor.push(pooled ? stratifiedLessFloor(strata) : 1);
  }

  // One family: every case test and every suite test, and the all-errored cases' tests as if they had failed.
  const drop = taroneHolm([...cases.map((c, i) => (Number.isFinite(pWorst[i]!) ? pWorst[i]! : c.pDrop)), ...suiteRows.map((s) => s.pDrop)], [...floorDrop, ...suiteFloor], alpha);
  const up = taroneHolm(pUp, floorUp, alpha);
  cases.forEach((c, i) => {
    if (Number.isFinite(pWorst[i]!)) {
      // Not seen to drop, but it would be, had its errored trials failed: not decided.
      if (drop.reject[i]!) {
        c.status = "undecided";
        c.pDropIfErroredFailed = pWorst[i]!;
        c.pDropIfErroredFailedAdjusted = drop.adjusted[i]!;
      }
      return;
    }
    c.pDropAdjusted = drop.adjusted[i]!;
    if (c.status === "same") c.status = statusOf(c, drop.reject[i]!, up.reject[i]!);
  });
  suiteRows.forEach((s, i) => {
    s.pDropAdjusted = drop.adjusted[cases.length + i]!;
    s.regressed = drop.reject[cases.length + i]!;
  });
  const ran = new Set(suites.map((s) => s.name));
  const missingSuites = Object.entries(baseline.suites)
    .filter(([name, s]) => !ran.has(name) && Object.keys(s.cases).length > 0)
    .map(([suite, s]) => ({ suite, cases: Object.keys(s.cases).length }));
  return { alpha, cases, suites: suiteRows, missing, missingSuites };
}

function statusOf(c: CaseComparison, dropped: boolean, rose: boolean): CaseStatus {
  if (dropped) return "regressed";
  if (rose) return "improved";
  const before = c.baseline!.passes / c.baseline!.n;
  // Trials awaiting a person could still go either way.
  const pending = c.pending ?? 0;
  const n = c.current.n + pending;
  return (c.current.passes + pending) / n < before ? "down" : c.current.passes / n > before ? "up" : "same";
}

