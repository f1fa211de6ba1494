/** From raw trials to per-case and per-suite figures. Pure. */
import { meanOfDefined, passAtK, passHatK, suitePassRateInterval, summarize } from "./stats.js";
import type { AtK, CaseResult, ErrorCategory, JudgeUsage, LoadedCase, LoadedSuite, RunResult, SuiteResult, TrialResult } from "./types.js";
import { hasOutput } from "./stored-output.js";

/** The k values to report: the main k (the number of trials) and any asked for with --at. */
export function kValues(trials: number, at: readonly number[]): { k: number; all: number[] } {
  const all = [...new Set([...at, trials])].filter((k) => k >= 1 && k <= trials).sort((a, b) => a - b);
  return { k: trials, all };
}

export function aggregateCase(c: LoadedCase, trials: readonly TrialResult[], k: number, ks: readonly number[]): CaseResult {
  let n = 0;
  let passes = 0;
  let errored = 0;
  let cancelled = 0;
  let pending = 0;
  for (const t of trials) {
    if (t.passed !== null) n++;
    if (t.passed) passes++;
    if (t.error !== null) errored++;
    if (t.error?.category === "cancelled") cancelled++;
    if (t.pending) pending++;
  }
  const at: AtK[] = ks.map((kk) => ({ k: kk, passAtK: passAtK(n, passes, kk), passHatK: passHatK(n, passes, kk) }));
  return {
    id: c.id,
    description: c.description,
    line: c.line,
    promptHash: c.promptHash,
    ...(c.gradersHash !== undefined ? { gradersHash: c.gradersHash } : {}),
    n,
    passes,
    errored,
    ...(cancelled > 0 ? { cancelled } : {}),
    pending,
    k,
    passAtK: passAtK(n, passes, k),
    passHatK: passHatK(n, passes, k),
    at,
    trials: [...trials],
  };
}

export function aggregateSuite(suite: LoadedSuite, cases: CaseResult[], ks: readonly number[]): SuiteResult {
  const k = suite.trials;
  const sums = trialTotals(cases);
  // Every k over one set of cases, those the main figures are over (at least k judged trials):
  // a case with fewer dropping in at a smaller k made pass@k fall as k grew, and the figures
  // disagree with the HTML report's curve (core/curves.ts), which is over that set too.
  const counted = cases.filter((c) => Number.isFinite(c.passAtK));
  const { rate, interval } = suitePassRateInterval(cases.map((c) => ({ n: c.n, c: c.passes })));
  const passed = cases.reduce((s, c) => s + c.passes, 0);
  const judged = cases.reduce((s, c) => s + c.n, 0);
  return {
    name: suite.name,
    file: suite.file,
    provider: suite.provider.id,
    trials: suite.trials,
    k,
    passAtK: meanOfDefined(cases.map((c) => c.passAtK)),
    passHatK: meanOfDefined(cases.map((c) => c.passHatK)),
    casesCounted: counted.length,
    at: ks.map((kk) => ({
      k: kk,
      passAtK: meanOfDefined(counted.map((c) => c.at.find((a) => a.k === kk)?.passAtK ?? Number.NaN)),
      passHatK: meanOfDefined(counted.map((c) => c.at.find((a) => a.k === kk)?.passHatK ?? Number.NaN)),
    })),
    passRate: rate,
    passRateInterval: interval,
    totals: {
      cases: cases.length,
      trials: sums.trials,
      passed,
      failed: judged - passed,
      errored: cases.reduce((s, c) => s + c.errored, 0),
      pending: cases.reduce((s, c) => s + c.pending, 0),
      ...(sums.cancelled > 0 ? { cancelled: sums.cancelled } : {}),
    },
    latencyMs: summarize(sums.latencies),
    refusals: sums.refusals,
    ...(sums.truncations > 0 ? { truncations: sums.truncations } : {}),
    tokens: sums.withUsage > 0 ? { inputTokens: sums.inputTokens, outputTokens: sums.outputTokens } : null,
    // A total that silently left out unpriced calls would understate the bill: unknown if any is unknown.
    costUsd: sums.answered > 0 && sums.unpriced === 0 ? sums.costUsd : null,
    judge: judgeTotals(sums.judged),
    judgePrompts: sums.judgePrompts,
    judgeModel: suite.judge?.id ?? null,
    threshold: suite.threshold,
    ...(suite.selectedFrom !== undefined ? { selectedFrom: suite.selectedFrom } : {}),
    cases,
  };
}

/**
 * What a suite's figures need from its trials, in one pass over them (100,000 trials went
 * through a dozen). Latency, tokens, refusals, truncations and cost count the trials the model answered.
 */
function trialTotals(cases: readonly CaseResult[]) {
  const totals = {
    trials: 0,
    answered: 0,
    latencies: [] as number[],
    refusals: 0,
    truncations: 0,
    withUsage: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    unpriced: 0,
    judged: [] as JudgeUsage[],
    cancelled: 0,
    // Hash of each judge prompt the suite's grades used, by grader type.
    judgePrompts: {} as Record<string, string>,
  };
  for (const c of cases) {
    totals.cancelled += c.cancelled ?? 0;
    for (const t of c.trials) {
      totals.trials++;
      if (t.judge) totals.judged.push(t.judge);
      for (const g of t.grades) if (g.judgePromptHash) totals.judgePrompts[g.type] = g.judgePromptHash;
      if (!hasOutput(t)) continue;
      totals.answered++;
      totals.latencies.push(t.latencyMs ?? Number.NaN);
      if (t.refused) totals.refusals++;
      if (t.truncated) totals.truncations++;
      // Trials read back from a journal or a report are not checked field by field: a missing count is 0.
      if (t.usage !== null) totals.withUsage++;
      // A shared answer's call is counted on the trial given it first: twice, the totals would
      // say twice what the provider billed.
      if (t.shared) continue;
      totals.inputTokens += t.usage?.inputTokens ?? 0;
      totals.outputTokens += t.usage?.outputTokens ?? 0;
      if (t.costUsd === null) totals.unpriced++;
      else totals.costUsd += t.costUsd;
    }
  }
  return totals;
}

function judgeTotals(judged: readonly JudgeUsage[]): SuiteResult["judge"] {
  if (judged.length === 0) return null;
  const withUsage = judged.filter((j) => j.usage !== null);
  return {
    calls: judged.reduce((s, j) => s + j.calls, 0),
    tokens:
      withUsage.length === 0
        ? null
        : { inputTokens: withUsage.reduce((s, j) => s + j.usage!.inputTokens, 0), outputTokens: withUsage.reduce((s, j) => s + j.usage!.outputTokens, 0) },
    costUsd: judged.every((j) => j.costUsd !== null) ? judged.reduce((s, j) => s + j.costUsd!, 0) : null,
    latencyMs: summarize(judged.map((j) => j.latencyMs)),
  };
}

export function summariseErrors(suites: readonly SuiteResult[]): RunResult["errors"] {
  const byCategory: Partial<Record<ErrorCategory, number>> = {};
  let total = 0;
  let errored = 0;
  for (const s of suites) {
    for (const c of s.cases) {
      for (const t of c.trials) {
        total++;
        if (t.error) {
          errored++;
          byCategory[t.error.category] = (byCategory[t.error.category] ?? 0) + 1;
        }
      }
    }
  }
  return { total, errored, share: total === 0 ? 0 : errored / total, byCategory };
}
