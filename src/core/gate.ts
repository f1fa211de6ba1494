/** The verdict: did this run regress against its baseline, or miss a suite's threshold? Pure. */
import { DEFAULT_MAX_ERROR_SHARE } from "../defaults.js";
import { passAtK, passHatK } from "./stats.js";
import type { CaseResult, Comparison, GateVerdict, PendingPolicy, Regression, SuiteResult } from "./types.js";

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
  errors: { total: number; errored: number; share: number; byCategory?: Partial<Record<string, number>> };
  /** Above this share of errored trials the run is not judged (default 0.1). */
  maxErrorShare?: number;
  interrupted?: "SIGINT" | "SIGTERM" | null;
  /** Why the run stopped before its end (no key, say), when it did. */
  stopped?: string | null;
  /** Default "warn": pending human reviews are shown but do not fail the gate. */
  pendingPolicy?: PendingPolicy;
  /** A shard's run: one shard's tests are the wrong family to correct over, so the verdict is deferred. */
  shard?: { index: number; count: number } | null;
  /**
   * The run is to become the new baseline (--update-baseline): it cannot regress against the
   * old one, so its changes are accepted, not failed on; thresholds are absolute floors and still hold.
   */
  updatingBaseline?: boolean;
}

export function decideGate(input: GateInput): GateVerdict {
  if (input.shard) {
    // A shard's errors are a share of all the shards' trials, weighed by harness merge; one
    // whose errors alone were past that share stopped, and says so (stopped). Missing
    // fixtures still make it not judged, by their category.
    const verdict = judge({ ...input, shard: null, errors: { ...input.errors, errored: 0, share: 0 } });
    return {
      ...verdict,
      status: "fail",
      judged: false,
      // A shard that could not be judged on its own (errors, interruption) says so; a sound one defers.
      deferred: verdict.judged,
      notJudgedReason: verdict.judged ? `shard ${input.shard.index}/${input.shard.count}: the gate is applied once, by harness merge over all shards` : verdict.notJudgedReason,
      regressions: [],
      improvements: [],
      newCases: [],
      missingCases: [],
      missingSuites: [],
    };
  }
  return judge(input);
}

function judge({ suites, comparison, baseline, alpha, errors, maxErrorShare = DEFAULT_MAX_ERROR_SHARE, interrupted = null, stopped = null, pendingPolicy = "warn", updatingBaseline = false }: GateInput): GateVerdict {
  let regressions: Regression[] = [];
  const improvements: GateVerdict["improvements"] = [];
  const newCases: GateVerdict["newCases"] = [];

  if (comparison) {
    for (const c of comparison.cases) {
      if (c.status === "new") newCases.push({ suite: c.suite, caseId: c.caseId });
      const awaiting = c.pending ? `, ${c.pending} awaiting review counted as passing` : "";
      if (c.status === "regressed" && c.baseline) {
        regressions.push({
          kind: "case",
          suite: c.suite,
          caseId: c.caseId,
          message: `${pct(c.baseline.passes, c.baseline.n)} → ${pct(c.current.passes, c.current.n)} passing${awaiting} (one-sided Fisher p ${fmtP(c.pDrop)}, corrected ${fmtP(c.pDropAdjusted)} ≤ α ${alpha})${c.promptChanged ? "; the prompt changed since the baseline" : ""}${c.gradersChanged ? "; the graders changed since the baseline" : ""}`,
        });
      }
      if (c.status === "undecided" && c.baseline) {
        regressions.push({
          kind: "case",
          suite: c.suite,
          caseId: c.caseId,
          message: `${pct(c.baseline.passes, c.baseline.n)} → ${pct(c.current.passes, c.current.n)} passing, ${c.errored ?? 0} errored${awaiting}: had the errored trials failed, a significant drop (one-sided Fisher p ${fmtP(c.pDropIfErroredFailed ?? Number.NaN)}, corrected ${fmtP(c.pDropIfErroredFailedAdjusted ?? Number.NaN)} ≤ α ${alpha}): not decided; run again (--resume retries only the errored trials)`,
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
          message: `pass rate ${pct(s.baseline.passes, s.baseline.n)} → ${pct(s.current.passes, s.current.n)} over the cases both runs judged${s.pending ? `, ${s.pending} awaiting review counted as passing` : ""} (one-sided exact test, stratified by case, p ${fmtP(s.pDrop)}, corrected ${fmtP(s.pDropAdjusted)} ≤ α ${alpha})`,
        });
      }
    }
  }

  for (const s of suites) {
    const t = s.threshold;
    // A floor for the mean over the whole suite says nothing of a few cases chosen with --case.
    if (!t || s.selectedFrom !== undefined) continue;
    const awaited = s.totals.pending > 0 ? ` (counting ${s.totals.pending} trials awaiting review as passing)` : "";
    const checks: [string, AtKFloor, number | undefined][] = [
      [`pass@${s.k}${awaited}`, atKIfAwaitedPass(s, "passAtK"), t.passAtK],
      [`pass^${s.k}${awaited}`, atKIfAwaitedPass(s, "passHatK"), t.passHatK],
      [`pass rate${awaited}`, { value: passRateIfAwaitedPass(s), cases: s.cases.length, worst: worstPassRate(s) }, t.passRate],
    ];
    for (const [label, figures, floor] of checks) {
      if (floor === undefined) continue;
      const message = thresholdProblem(s, label, figures, floor);
      if (message) regressions.push({ kind: "threshold", suite: s.name, message });
    }
  }

  const accepted = updatingBaseline ? regressions.filter((r) => r.kind === "case" || r.kind === "suite") : undefined;
  if (accepted) regressions = regressions.filter((r) => !accepted.includes(r));

  const pending = suites.reduce((n, s) => n + s.totals.pending, 0);
  if (pendingPolicy === "fail") {
    for (const s of suites) {
      if (s.totals.pending > 0) regressions.push({ kind: "pending", suite: s.name, message: `${s.totals.pending} trial${s.totals.pending === 1 ? "" : "s"} await human review (harness review), and --pending is fail` });
    }
  }
  const missingFixtures = errors.byCategory?.["missing-fixture"] ?? 0;
  const notJudgedReason = interrupted
    ? `the run was interrupted by ${interrupted}`
    : stopped !== null
      ? `the run stopped: ${stopped}`
      : missingFixtures > 0
      ? `${missingFixtures} trial${missingFixtures === 1 ? " has" : "s have"} no recorded answer in the fixtures (offline): a changed prompt, model, rubric or judged answer, or more trials than were recorded, needs recording with --record`
      : tooManyErrors(errors, maxErrorShare)
      ? `${errors.errored} of ${errors.total} trials errored (${(errors.share * 100).toFixed(0)}% > ${(maxErrorShare * 100).toFixed(0)}%)`
      : errors.errored > 0 && errors.errored === errors.total
      ? // Whatever --max-error-rate allows, a run with no judged trial has nothing to pass on.
        `all ${errors.total} trials errored: nothing was judged`
      : null;
  return {
    status: regressions.length > 0 || notJudgedReason !== null ? "fail" : "pass",
    judged: notJudgedReason === null,
    notJudgedReason,
    deferred: false,
    pending: { trials: pending, policy: pendingPolicy },
    regressions,
    ...(accepted ? { accepted } : {}),
    improvements,
    newCases,
    missingCases: comparison?.missing ?? [],
    missingSuites: comparison?.missingSuites ?? [],
    baseline,
    alpha,
  };
}

/** A suite figure checked against its floor: its value, over how many cases, and how low errors could pull it. */
interface AtKFloor {
  value: number;
  cases: number;
  worst: number;
}

/**
 * The suite's pass@k or pass^k for its floor, with trials awaiting review counted as passing:
 * a person is awaited only where every other grader passed, so the judged trials alone
 * over-sample failures, and a floor must fail only on what the reviews cannot change. A case
 * that failed 1 trial of 5 with 4 awaited has pass^5 = 0 whatever people say; left out of the
 * mean for want of 5 judged trials, it let a suite the reviews could never lift pass its floor.
 * `worst`: the mean had every errored trial failed, what a hidden failing case could pull it
 * down to. A case keeps what its passes already prove: 4 passes in 5 trials is pass@5 = 1
 * whatever the fifth did, while its pass^5 is then 0.
 */
function atKIfAwaitedPass(s: SuiteResult, key: "passAtK" | "passHatK"): AtKFloor {
  const estimate = key === "passAtK" ? passAtK : passHatK;
  const best = (c: CaseResult) => (c.pending === 0 ? c[key] : estimate(c.n + c.pending, c.passes + c.pending, s.k));
  const judged = s.cases.map(best).filter(Number.isFinite);
  // With nothing awaited, the figure is the suite's own, as every report shows it.
  const value = s.totals.pending === 0 ? s[key] : judged.length === 0 ? Number.NaN : judged.reduce((sum, v) => sum + v, 0) / judged.length;
  // Cases short of k only because trials errored could be failing ones: counted at their worst.
  const counted = s.cases.filter((c) => Number.isFinite(best(c)) || c.errored > 0);
  const worst = (c: CaseResult) => {
    if (c.errored === 0) return best(c);
    const v = estimate(c.n + c.pending + c.errored, c.passes + c.pending, s.k);
    return Number.isFinite(v) ? v : 0;
  };
  return { value, cases: s.totals.pending === 0 ? s.casesCounted : judged.length, worst: counted.length === 0 ? Number.NaN : counted.reduce((sum, c) => sum + worst(c), 0) / counted.length };
}

/**
 * The pass rate with the trials awaiting review as passes. They are the ones no other grader
 * failed, so the judged trials alone over-sample failures: how they turn out is the --pending
 * policy's business, and a floor fails only on what they cannot change.
 */
function passRateIfAwaitedPass(s: SuiteResult): number {
  const { passed, failed, pending } = s.totals;
  return pending === 0 ? s.passRate : (passed + pending) / (passed + failed + pending);
}

/** The pass rate if every errored trial had failed: what errors could be hiding. */
function worstPassRate(s: SuiteResult): number {
  const { passed, failed, errored, pending } = s.totals;
  return passed + failed + errored + pending === 0 ? Number.NaN : (passed + pending) / (passed + failed + errored + pending);
}

/**
 * A threshold passes only when it holds however the cases that could not be computed
 * (fewer than k judged trials) would have turned out: an errored trial must never
 * let a failing case slip out of the mean and the suite over its floor.
 */
function thresholdProblem(s: SuiteResult, label: string, { value, cases, worst }: AtKFloor, floor: number): string | undefined {
  if (!Number.isFinite(value)) {
    // Short of k only because reviews are pending: the --pending policy decides, not this floor.
    if (s.cases.every((c) => c.errored === 0 && (Number.isFinite(c.passAtK) || c.pending > 0)) && s.cases.some((c) => c.pending > 0)) return undefined;
    return `${label} could not be computed (no case has enough judged trials) against the threshold ${floor}`;
  }
  if (value < floor) return `${label} ${value.toFixed(3)} is below the threshold ${floor}`;
  if (worst < floor && label.startsWith("pass rate")) {
    const { passed, failed, errored, pending } = s.totals;
    return `${label} ${value.toFixed(3)} over ${passed + failed + pending} ${pending > 0 ? "" : "judged "}trials meets the threshold ${floor}, but ${errored} errored trial${errored === 1 ? "" : "s"} could pull it to ${worst.toFixed(3)}: not decided`;
  }
  if (worst < floor) {
    const missing = s.cases.filter((c) => !Number.isFinite(c.passAtK) && c.errored > 0).length;
    return `${label} ${value.toFixed(3)} over ${cases} of ${s.cases.length} cases meets the threshold ${floor}, but ${missing} case${missing === 1 ? "" : "s"} with errored trials could pull it to ${worst.toFixed(3)}: not decided`;
  }
  return undefined;
}

export { DEFAULT_MAX_ERROR_SHARE };

/** A run with too many errored trials says nothing reliable, whichever way the gate went. */
export function tooManyErrors(errors: { share: number; errored: number }, maxShare: number): boolean {
  return errors.errored > 0 && errors.share > maxShare;
}
