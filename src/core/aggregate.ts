/** From raw trials to per-case and per-suite figures. Pure. */
import { meanOfDefined, passAtK, passHatK, suitePassRateInterval, summarize } from "./stats.js";
import type { AtK, CaseResult, ErrorCategory, LoadedCase, LoadedSuite, RunResult, SuiteResult, TrialResult } from "./types.js";
import { hasOutput } from "./stored-output.js";

/** The k values to report: the main k (the number of trials) and any asked for with --at. */
export function kValues(trials: number, at: readonly number[]): { k: number; all: number[] } {
  const all = [...new Set([...at, trials])].filter((k) => k >= 1 && k <= trials).sort((a, b) => a - b);
  return { k: trials, all };
}

export function aggregateCase(c: LoadedCase, trials: readonly TrialResult[], k: number, ks: readonly number[]): CaseResult {
  const judged = trials.filter((t) => t.passed !== null);
  const n = judged.length;
  const passes = judged.filter((t) => t.passed).length;
  const at: AtK[] = ks.map((kk) => ({ k: kk, passAtK: passAtK(n, passes, kk), passHatK: passHatK(n, passes, kk) }));
  return {
    id: c.id,
    description: c.description,
    line: c.line,
    promptHash: c.promptHash,
    n,
    passes,
    errored: trials.filter((t) => t.error !== null).length,
    pending: trials.filter((t) => t.pending).length,
    k,
    passAtK: passAtK(n, passes, k),
    passHatK: passHatK(n, passes, k),
    at,
    trials: [...trials],
  };
}

export function aggregateSuite(suite: LoadedSuite, cases: CaseResult[], ks: readonly number[]): SuiteResult {
  const k = suite.trials;
  const trials = cases.flatMap((c) => c.trials);
  const answered = trials.filter(hasOutput);
  const { rate, interval } = suitePassRateInterval(cases.map((c) => ({ n: c.n, c: c.passes })));
  const latencies = answered.map((t) => t.latencyMs ?? Number.NaN);
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
    casesCounted: cases.filter((c) => Number.isFinite(c.passAtK)).length,
    at: ks.map((kk) => ({
      k: kk,
      passAtK: meanOfDefined(cases.map((c) => c.at.find((a) => a.k === kk)?.passAtK ?? Number.NaN)),
      passHatK: meanOfDefined(cases.map((c) => c.at.find((a) => a.k === kk)?.passHatK ?? Number.NaN)),
    })),
    passRate: rate,
    passRateInterval: interval,
    totals: {
      cases: cases.length,
      trials: trials.length,
      passed,
      failed: judged - passed,
      errored: cases.reduce((s, c) => s + c.errored, 0),
      pending: cases.reduce((s, c) => s + c.pending, 0),
    },
    latencyMs: summarize(latencies),
    refusals: answered.filter((t) => t.refused).length,
    tokens: answered.some((t) => t.usage !== null)
      ? {
          inputTokens: answered.reduce((s, t) => s + (t.usage?.inputTokens ?? 0), 0),
          outputTokens: answered.reduce((s, t) => s + (t.usage?.outputTokens ?? 0), 0),
        }
      : null,
    // A total that silently left out unpriced calls would understate the bill: unknown if any is unknown.
    costUsd: answered.length > 0 && answered.every((t) => t.costUsd !== null) ? answered.reduce((s, t) => s + t.costUsd!, 0) : null,
    judge: judgeTotals(trials),
    judgePrompts: judgePrompts(cases),
    judgeModel: suite.judge?.id ?? null,
    threshold: suite.threshold,
    cases,
  };
}

function judgeTotals(trials: readonly TrialResult[]): SuiteResult["judge"] {
  const judged = trials.flatMap((t) => (t.judge ? [t.judge] : []));
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

/** Hash of each judge prompt the suite's grades used, by grader type. */
function judgePrompts(cases: readonly CaseResult[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of cases) for (const t of c.trials) for (const g of t.grades) if (g.judgePromptHash) out[g.type] = g.judgePromptHash;
  return out;
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
