/** The verdict: did this run regress against its baseline, or miss a suite's threshold? Pure. */
import type { Comparison, GateVerdict, Regression, SuiteResult } from "./types.js";

function fmtP(p: number): string {
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

function pct(passes: number, n: number): string {
  return `${passes}/${n}`;
}

export interface GateInput {
  suites: readonly SuiteResult[];
  comparison: Comparison | null;
  baseline: GateVerdict["baseline"];
  alpha: number;
  errors: { total: number; errored: number; share: number };
  /** Above this share of errored trials the run is not judged (default 0.1). */
  maxErrorShare?: number;
  interrupted?: "SIGINT" | "SIGTERM" | null;
}

export function decideGate({ suites, comparison, baseline, alpha, errors, maxErrorShare = DEFAULT_MAX_ERROR_SHARE, interrupted = null }: GateInput): GateVerdict {
  const regressions: Regression[] = [];
  const improvements: GateVerdict["improvements"] = [];
  const newCases: GateVerdict["newCases"] = [];

  if (comparison) {
    for (const c of comparison.cases) {
      if (c.status === "new") newCases.push({ suite: c.suite, caseId: c.caseId });
      if (c.status === "regressed" && c.baseline) {
        regressions.push({
          kind: "case",
          suite: c.suite,
          caseId: c.caseId,
          message: `${pct(c.baseline.passes, c.baseline.n)} → ${pct(c.current.passes, c.current.n)} passing (one-sided Fisher p ${fmtP(c.pDrop)}, corrected ${fmtP(c.pDropAdjusted)} ≤ α ${alpha})${c.promptChanged ? "; the prompt changed since the baseline" : ""}`,
        });
      }
      if (c.status === "improved" && c.baseline) {
        improvements.push({ suite: c.suite, caseId: c.caseId, message: `${pct(c.baseline.passes, c.baseline.n)} → ${pct(c.current.passes, c.current.n)} passing` });
      }
    }
    for (const s of comparison.suites) {
      if (s.regressed && s.baseline) {
        regressions.push({
          kind: "suite",
          suite: s.suite,
          message: `pooled pass rate ${pct(s.baseline.passes, s.baseline.n)} → ${pct(s.current.passes, s.current.n)} (one-sided Fisher p ${fmtP(s.pDrop)}, corrected ${fmtP(s.pDropAdjusted)} ≤ α ${alpha})`,
        });
      }
    }
  }

  for (const s of suites) {
    const t = s.threshold;
    if (!t) continue;
    const checks: [string, number, number | undefined][] = [
      [`pass@${s.k}`, s.passAtK, t.passAtK],
      [`pass^${s.k}`, s.passHatK, t.passHatK],
      ["pass rate", s.passRate, t.passRate],
    ];
    for (const [label, value, floor] of checks) {
      if (floor === undefined) continue;
      if (!Number.isFinite(value)) regressions.push({ kind: "threshold", suite: s.name, message: `${label} could not be computed (too few judged trials) against the threshold ${floor}` });
      else if (value < floor) regressions.push({ kind: "threshold", suite: s.name, message: `${label} ${value.toFixed(3)} is below the threshold ${floor}` });
    }
  }

  const notJudgedReason = interrupted
    ? `the run was interrupted by ${interrupted}`
    : tooManyErrors(errors, maxErrorShare)
      ? `${errors.errored} of ${errors.total} trials errored (${(errors.share * 100).toFixed(0)}% > ${(maxErrorShare * 100).toFixed(0)}%)`
      : null;
  return {
    status: regressions.length > 0 || notJudgedReason !== null ? "fail" : "pass",
    judged: notJudgedReason === null,
    notJudgedReason,
    regressions,
    improvements,
    newCases,
    missingCases: comparison?.missing ?? [],
    baseline,
    alpha,
  };
}

/** Default share of errored trials above which a run cannot be judged (exit 3). */
export const DEFAULT_MAX_ERROR_SHARE = 0.1;

/** A run with too many errored trials says nothing reliable, whichever way the gate went. */
export function tooManyErrors(errors: { share: number; errored: number }, maxShare: number): boolean {
  return errors.errored > 0 && errors.share > maxShare;
}
