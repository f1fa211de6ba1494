/**
 * The half of compare's "worse" decision that eval's gate makes: each suite's one-sided
 * exact test stratified by case, and each case's one-sided Fisher test, the reference
 * taken as the baseline and the candidate as the run (compare.ts). The overall sign-flip
 * test averages the cases' differences, so a candidate that collapses on one suite and
 * gains on another could pass it while eval's gate, on the same runs, fails; these tests
 * see the collapse where it is.
 *
 * Every candidate's tests form ONE family, corrected together by Holm's step-down with
 * Tarone's count (stats.ts taroneHolm) at α/2; the overall test has the other half
 * (Bonferroni between the halves), so the whole comparison still holds α. A corrected p
 * is reported doubled (capped at 1), to be read against α itself.
 */
import { fisherLess, fisherLessFloor, stratifiedLess, stratifiedLessFloor, taroneHolm, type CountsPair } from "./stats.js";
import type { PairedCase, VerdictRegression } from "./model-comparison-types.js";
import { fmtP } from "./model-verdict.js";

/** A share of α corrected within its half reads against α itself: twice the p, never above 1. */
export const doubled = (p: number) => (Number.isFinite(p) ? Math.min(1, 2 * p) : p);

const pct = (passes: number, n: number) => `${Math.round((passes / n) * 100)}%`;

interface Test {
  candidate: number;
  kind: "suite" | "case";
  suite: string;
  caseId?: string;
  p: number;
  floor: number;
  /** What the message shows: summed counts over the suite's paired cases, or the case's own. */
  reference: { n: number; passes: number };
  current: { n: number; passes: number };
  cases: number;
  /** A case every trial of which errored, tested as if they had failed. */
  errored?: true;
}

/**
 * The counts a drop is tested on, as eval's gate tests them: a trial awaiting a person passed
 * every other grader, so the candidate's count as passes and the reference's as failures. A
 * drop seen so, the people's verdicts can only confirm; sure failures still show.
 */
const forDrop = (c: PairedCase) => {
  const r = c.reference!;
  const x = c.candidate!;
  const rp = r.pending ?? 0;
  const xp = x.pending ?? 0;
  return { cB: r.passes, nB: r.n + rp, cC: x.passes + xp, nC: x.n + xp };
};
const judged = (c: PairedCase) => c.reference !== null && c.candidate !== null && forDrop(c).nB > 0 && forDrop(c).nC > 0;
const allErrored = (c: PairedCase) =>
  c.reference !== null && c.candidate !== null && c.reference.n + (c.reference.pending ?? 0) > 0 && c.candidate.n === 0 && (c.candidate.pending ?? 0) === 0 && c.candidate.errored > 0;

function testsOf(cases: readonly PairedCase[], candidate: number): Test[] {
  const tests: Test[] = [];
  const suites = [...new Set(cases.map((c) => c.suite))];
  for (const suite of suites) {
    const paired = cases.filter((c) => c.suite === suite && judged(c));
    const strata: CountsPair[] = paired.map(forDrop);
    for (const [i, c] of paired.entries()) {
      const x = strata[i]!;
      tests.push({
        candidate,
        kind: "case",
        suite,
        caseId: c.caseId,
        p: fisherLess(x.cB, x.nB, x.cC, x.nC),
        floor: fisherLessFloor(x.cB, x.nB, x.cC, x.nC),
        reference: { n: x.nB, passes: x.cB },
        current: { n: x.nC, passes: x.cC },
        cases: 1,
      });
    }
    // A case every trial of which errored on the candidate's side (an app that now crashes on
    // it), where the reference was judged, is tested as if they had failed, as eval's gate tests
    // such a case: its errors must not hide it.
    for (const c of cases.filter((x) => x.suite === suite && allErrored(x))) {
      const r = c.reference!;
      const x = { cB: r.passes, nB: r.n + (r.pending ?? 0), cC: 0, nC: c.candidate!.errored };
      tests.push({ candidate, kind: "case", suite, caseId: c.caseId, p: fisherLess(x.cB, x.nB, 0, x.nC), floor: fisherLessFloor(x.cB, x.nB, 0, x.nC), reference: { n: x.nB, passes: x.cB }, current: { n: x.nC, passes: 0 }, cases: 1, errored: true });
    }
    if (strata.length === 0) continue;
    const sum = (pick: (x: CountsPair) => number) => strata.reduce((s, x) => s + pick(x), 0);
    tests.push({
      candidate,
      kind: "suite",
      suite,
      p: stratifiedLess(strata),
      floor: stratifiedLessFloor(strata),
      reference: { n: sum((x) => x.nB), passes: sum((x) => x.cB) },
      current: { n: sum((x) => x.nC), passes: sum((x) => x.cC) },
      cases: strata.length,
    });
  }
  return tests;
}

/** A drop eval's gate would fail, not significant at the half of α compare's suite and case tests have: both corrections shown. */
function describeNear(t: Test, atAlpha: number, atHalf: number, alpha: number): string {
  const subject =
    t.kind === "suite"
      ? `suite ${t.suite}: pass rate ${pct(t.reference.passes, t.reference.n)} → ${pct(t.current.passes, t.current.n)} over ${t.cases} case${t.cases === 1 ? "" : "s"} (stratified exact`
      : t.errored
        ? `case ${t.suite}/${t.caseId}: ${t.reference.passes}/${t.reference.n} → every one of ${t.current.n} trials errored (had they failed, one-sided Fisher`
        : `case ${t.suite}/${t.caseId}: ${t.reference.passes}/${t.reference.n} → ${t.current.passes}/${t.current.n} passing (one-sided Fisher`;
  return `${subject} p ${fmtP(t.p)}, corrected ${fmtP(atAlpha)} ≤ α ${alpha} as eval's gate holds it, ${fmtP(atHalf)} > α at the α/2 of compare's suite and case tests)`;
}

function describe(t: Test, pAdjusted: number, alpha: number): string {
  const test = `p ${fmtP(t.p)}, corrected ${fmtP(pAdjusted)} ≤ α ${alpha}`;
  return t.kind === "suite"
    ? `suite ${t.suite}: pass rate ${pct(t.reference.passes, t.reference.n)} → ${pct(t.current.passes, t.current.n)} over ${t.cases} case${t.cases === 1 ? "" : "s"} (stratified exact ${test})`
    : t.errored
      ? `case ${t.suite}/${t.caseId}: ${t.reference.passes}/${t.reference.n} → every one of ${t.current.n} trials errored; had they failed, a significant drop (one-sided Fisher ${test}): not decided`
      : `case ${t.suite}/${t.caseId}: ${t.reference.passes}/${t.reference.n} → ${t.current.passes}/${t.current.n} passing (one-sided Fisher ${test})`;
}

/**
 * Each candidate's significant drops by suite and by case, suites first, then cases by p; and
 * the near ones: drops the same family rejects at α, as eval's gate holds it, but not at α/2,
 * the half these tests have here. A verdict must not call such a candidate "no significant drop".
 * `casesByCandidate[i]` is null for a candidate that is not judged: it takes no share of α.
 */
export function gateRegressions(casesByCandidate: readonly (readonly PairedCase[] | null)[], alpha: number): { regressions: VerdictRegression[][]; near: VerdictRegression[][] } {
  const tests = casesByCandidate.flatMap((cases, i) => (cases ? testsOf(cases, i) : []));
  const family = taroneHolm(
    tests.map((t) => t.p),
    tests.map((t) => t.floor),
    alpha / 2,
  );
  const atEvalLevel = taroneHolm(
    tests.map((t) => t.p),
    tests.map((t) => t.floor),
    alpha,
  );
  const regressions: VerdictRegression[][] = casesByCandidate.map(() => []);
  const near: VerdictRegression[][] = casesByCandidate.map(() => []);
  const order = tests.map((_, i) => i).sort((a, b) => (tests[a]!.kind === tests[b]!.kind ? tests[a]!.p - tests[b]!.p : tests[a]!.kind === "suite" ? -1 : 1));
  for (const i of order) {
    const t = tests[i]!;
    const at = { kind: t.kind, suite: t.suite, ...(t.caseId !== undefined ? { caseId: t.caseId } : {}), p: t.p };
    if (family.reject[i]) {
      const pAdjusted = doubled(family.adjusted[i]!);
      regressions[t.candidate]!.push({ ...at, pAdjusted, message: describe(t, pAdjusted, alpha) });
    } else if (atEvalLevel.reject[i]) {
      const pAdjusted = doubled(family.adjusted[i]!);
      near[t.candidate]!.push({ ...at, pAdjusted, message: describeNear(t, atEvalLevel.adjusted[i]!, pAdjusted, alpha) });
    }
  }
  return { regressions, near };
}
