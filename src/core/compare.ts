/**
 * Sets a run against its baseline. A regression is a statistically significant
 * drop, not any drop: per case a one-sided Fisher exact test on the pass counts,
 * Holm-corrected across every compared case; per suite the same test on the
 * pooled counts of the cases both runs have, Holm-corrected across suites.
 * A gate that fires on noise gets switched off.
 */
import { fisherGreater, fisherLess, holmAdjust } from "./stats.js";
import type { Baseline, CaseComparison, CaseStatus, Comparison, SuiteComparison, SuiteResult } from "./types.js";

/** Default significance level for the gate. */
export const DEFAULT_ALPHA = 0.05;

export function compareToBaseline(suites: readonly SuiteResult[], baseline: Baseline, alpha = DEFAULT_ALPHA): Comparison {
  const cases: CaseComparison[] = [];
  const pUp: number[] = [];
  const missing: Comparison["missing"] = [];
  const suiteRows: SuiteComparison[] = [];

  for (const suite of suites) {
    const base = baseline.suites[suite.name];
    let pooledB = { n: 0, passes: 0 };
    let pooledC = { n: 0, passes: 0 };
    for (const c of suite.cases) {
      const b = base?.cases[c.id];
      const current = { n: c.n, passes: c.passes };
      if (!b) {
        cases.push({ suite: suite.name, caseId: c.id, status: "new", baseline: null, current, pDrop: Number.NaN, pDropAdjusted: Number.NaN, promptChanged: false });
        pUp.push(Number.NaN);
        continue;
      }
      const judged = b.n > 0 && c.n > 0;
      if (judged) {
        pooledB = { n: pooledB.n + b.n, passes: pooledB.passes + b.passes };
        pooledC = { n: pooledC.n + c.n, passes: pooledC.passes + c.passes };
      }
      cases.push({
        suite: suite.name,
        caseId: c.id,
        status: judged ? "same" : "not-judged",
        baseline: { n: b.n, passes: b.passes },
        current,
        pDrop: judged ? fisherLess(b.passes, b.n, c.passes, c.n) : Number.NaN,
        pDropAdjusted: Number.NaN,
        promptChanged: b.promptHash !== c.promptHash,
      });
      pUp.push(judged ? fisherGreater(b.passes, b.n, c.passes, c.n) : Number.NaN);
    }
    if (base) {
      const ids = new Set(suite.cases.map((c) => c.id));
      for (const id of Object.keys(base.cases)) if (!ids.has(id)) missing.push({ suite: suite.name, caseId: id });
    }
    suiteRows.push({
      suite: suite.name,
      baseline: base ? pooledB : null,
      current: pooledC,
      pDrop: base && pooledB.n > 0 && pooledC.n > 0 ? fisherLess(pooledB.passes, pooledB.n, pooledC.passes, pooledC.n) : Number.NaN,
      regressed: false,
    });
  }

  const adjustedDrop = holmAdjust(cases.map((c) => c.pDrop));
  const adjustedUp = holmAdjust(pUp);
  cases.forEach((c, i) => {
    c.pDropAdjusted = adjustedDrop[i]!;
    if (c.status === "same") c.status = statusOf(c, adjustedDrop[i]!, adjustedUp[i]!, alpha);
  });
  const adjustedSuites = holmAdjust(suiteRows.map((s) => s.pDrop));
  suiteRows.forEach((s, i) => {
    s.regressed = adjustedSuites[i]! < alpha;
  });
  return { alpha, cases, suites: suiteRows, missing };
}

function statusOf(c: CaseComparison, pDrop: number, pUp: number, alpha: number): CaseStatus {
  if (pDrop < alpha) return "regressed";
  if (pUp < alpha) return "improved";
  const before = c.baseline!.passes / c.baseline!.n;
  const now = c.current.passes / c.current.n;
  return now < before ? "down" : now > before ? "up" : "same";
}
