/**
 * The two kinds of side a comparison sets against each other, reduced to what it needs:
 * a finished run (every figure known), or the stored baseline (per-case counts only:
 * no cost, tokens or latency, which stay unknown rather than zero).
 */
import { latencyHistogram } from "./curves.js";
import { failureReasons, isErrorReason, withoutTrialPlace } from "./failure-reasons.js";
import type { ProviderFigures, ReasonCount, SideCase } from "./model-comparison-types.js";
import { passAtK, passHatK, suitePassRateInterval, summarize } from "./stats.js";
import type { Baseline, RunResult, Usage } from "./types.js";
import { hasOutput } from "./stored-output.js";

export interface SideSuite {
  name: string;
  k: number;
  /** The judge model and its instructions' hashes by grader type, where known: to flag a judge changed since the baseline. */
  judgeModel?: string | null;
  judgePrompts?: Record<string, string>;
  cases: { id: string; description: string | undefined; promptHash?: string; gradersHash?: string; counts: SideCase; reasons: { reason: string; count: number }[] }[];
}

/** One side of a comparison: a model's run, or the baseline. */
export interface ComparisonSide {
  label: string;
  figures: ProviderFigures;
  suites: SideSuite[];
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  return values.length > 0 && values.every((v) => v !== null) ? values.reduce<number>((s, v) => s + v!, 0) : null;
}

function sumUsage(usages: readonly (Usage | null)[]): Usage | null {
  const known = usages.filter((u): u is Usage => u !== null);
  if (known.length === 0) return null;
  return { inputTokens: known.reduce((s, u) => s + u.inputTokens, 0), outputTokens: known.reduce((s, u) => s + u.outputTokens, 0) };
}

/** The pooled pass rate over every case of every suite, each case one cluster, as a suite's own rate is. */
function pooledPassRate(suites: readonly SideSuite[]): Pick<ProviderFigures, "passRate" | "passRateInterval"> {
  const { rate, interval } = suitePassRateInterval(suites.flatMap((s) => s.cases.map((c) => ({ n: c.counts.n, c: c.counts.passes }))));
  return { passRate: rate, passRateInterval: interval };
}

/** Errored trials' reasons summed over every case, most frequent first: what broke, where a count by category says only how often. */
function topErrors(suites: readonly SideSuite[], max = 3): ReasonCount[] {
  const counts = new Map<string, number>();
  for (const c of suites.flatMap((s) => s.cases)) {
    // Without the trial's place: every case missing its fixtures is one reason, not one each.
    for (const r of c.reasons) {
      if (!isErrorReason(r.reason)) continue;
      const reason = withoutTrialPlace(r.reason);
      counts.set(reason, (counts.get(reason) ?? 0) + r.count);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, max).map(([reason, count]) => ({ reason, count }));
}

/** A run as one side. `label` names it: the provider it ran on, normally. */
export function sideFromRun(run: RunResult, label: string): ComparisonSide {
  const suites = run.suites.map((s) => ({
    name: s.name,
    k: s.k,
    judgeModel: s.judgeModel,
    judgePrompts: s.judgePrompts,
    cases: s.cases.map((c) => ({
      id: c.id,
      description: c.description,
      promptHash: c.promptHash,
      ...(c.gradersHash !== undefined ? { gradersHash: c.gradersHash } : {}),
      counts: { n: c.n, passes: c.passes, errored: c.errored, pending: c.pending, passAtK: c.passAtK, passHatK: c.passHatK },
      reasons: failureReasons(c).map(([reason, count]) => ({ reason, count })),
    })),
  }));
  const cases = run.suites.reduce((n, s) => n + s.totals.cases, 0);
  const latencies = run.suites.flatMap((s) => s.cases.flatMap((c) => c.trials.filter(hasOutput).map((t) => t.latencyMs ?? Number.NaN)));
  const costUsd = sumOrNull(run.suites.map((s) => s.costUsd));
  const figures: ProviderFigures = {
    label,
    source: "run",
    cases,
    trials: run.suites.reduce((n, s) => n + s.totals.trials, 0),
    costUsd,
    costPerCaseUsd: costUsd === null || cases === 0 ? null : costUsd / cases,
    // No judge calls cost nothing; an unpriced one makes the total unknown.
    judgeCostUsd: sumOrNull(run.suites.map((s) => (s.judge ? s.judge.costUsd : 0))),
    judgeCalls: run.suites.reduce((n, s) => n + (s.judge?.calls ?? 0), 0),
    tokens: sumUsage(run.suites.map((s) => s.tokens)),
    latencyMs: latencies.length > 0 ? summarize(latencies) : null,
    refusals: run.suites.reduce((n, s) => n + (s.refusals ?? 0), 0),
    errored: run.errors.errored,
    errorsByCategory: run.errors.byCategory,
    topErrors: topErrors(suites),
    judged: run.gate.judged,
    notJudgedReason: run.gate.notJudgedReason,
    // A floor a suite sets is checked on every run: compare must not pass what eval fails.
    thresholdProblems: run.gate.regressions.filter((r) => r.kind === "threshold").map((r) => ({ suite: r.suite, message: r.message })),
    ...pooledPassRate(suites),
    latencyHistogram: latencyHistogram(latencies),
  };
  return { label, figures, suites };
}

/** The stored baseline as one side, for the suites named (those the run has); it keeps counts, nothing else. */
export function sideFromBaseline(baseline: Baseline, label: string, suiteNames: readonly string[]): ComparisonSide {
  const suites: SideSuite[] = suiteNames.flatMap((name) => {
    const b = Object.hasOwn(baseline.suites, name) ? baseline.suites[name]! : undefined;
    if (!b) return [];
    const cases = Object.entries(b.cases).map(([id, c]) => ({
      id,
      description: undefined,
      promptHash: c.promptHash,
      ...(c.gradersHash !== undefined ? { gradersHash: c.gradersHash } : {}),
      counts: { n: c.n, passes: c.passes, errored: c.errored, pending: 0, passAtK: passAtK(c.n, c.passes, b.k), passHatK: passHatK(c.n, c.passes, b.k) },
      reasons: [],
    }));
    return [{ name, k: b.k, judgeModel: b.judgeModel ?? null, ...(b.judgePrompts ? { judgePrompts: b.judgePrompts } : {}), cases }];
  });
  const all = suites.flatMap((s) => s.cases);
  const errored = all.reduce((n, c) => n + c.counts.errored, 0);
  const figures: ProviderFigures = {
    label,
    source: "baseline",
    cases: all.length,
    trials: all.reduce((n, c) => n + c.counts.n + c.counts.errored, 0),
    costUsd: null,
    costPerCaseUsd: null,
    judgeCostUsd: null,
    judgeCalls: null,
    tokens: null,
    latencyMs: null,
    refusals: null,
    errored,
    errorsByCategory: {},
    judged: true,
    notJudgedReason: null,
    thresholdProblems: [],
    ...pooledPassRate(suites),
    latencyHistogram: null,
  };
  return { label, figures, suites };
}
