/** ComparisonSide literals for compareModels tests: one suite "s", per-case passes out of 5. */
import type { ComparisonSide } from "../../src/core/comparison-sides.js";
import type { ProviderFigures } from "../../src/core/model-comparison-types.js";
import { buildRunResult } from "../../src/core/result.js";
import type { Baseline, RunResult, TrialResult } from "../../src/core/types.js";
import { makeCase, makeSuite } from "./project.js";

export const OPTIONS = { mode: "providers" as const, harnessVersion: "test", startedAt: "2026-01-01T00:00:00.000Z", durationMs: 1 };

export function figures(label: string, judged = true): ProviderFigures {
  return {
    label,
    source: "run",
    cases: 0,
    trials: 0,
    costUsd: null,
    costPerCaseUsd: null,
    judgeCostUsd: null,
    tokens: null,
    latencyMs: null,
    refusals: null,
    errored: 0,
    errorsByCategory: {},
    judged,
    notJudgedReason: judged ? null : "3 of 10 trials errored (30% > 10%)",
    thresholdProblems: [],
    passRate: Number.NaN,
    passRateInterval: [Number.NaN, Number.NaN],
    latencyHistogram: null,
  };
}

/** A side from per-case passes out of 5, in one suite "s"; reasons name the case and side. */
export function side(label: string, passes: readonly number[], judged = true): ComparisonSide {
  return {
    label,
    figures: figures(label, judged),
    suites: [
      {
        name: "s",
        k: 5,
        cases: passes.map((c, i) => ({
          id: `c${i + 1}`,
          description: undefined,
          counts: { n: 5, passes: c, errored: 0, passAtK: c > 0 ? 1 : 0, passHatK: c === 5 ? 1 : 0 },
          reasons: c < 5 ? [{ reason: `${label} failed c${i + 1}`, count: 5 - c }] : [],
        })),
      },
    ],
  };
}

/** A side of several suites, each from per-case passes out of 5 (cases c1, c2, … numbered across suites). */
export function suitesSide(label: string, suites: Record<string, readonly number[]>): ComparisonSide {
  const all = side(label, Object.values(suites).flat());
  let at = 0;
  all.suites = Object.entries(suites).map(([name, passes]) => {
    const cases = all.suites[0]!.cases.slice(at, at + passes.length);
    at += passes.length;
    return { name, k: 5, cases };
  });
  return all;
}

export function trial(index: number, passed: boolean, latencyMs: number, costUsd: number | null): TrialResult {
  return {
    index,
    output: passed ? "ok" : "no",
    passed,
    pending: false,
    grades: [{ type: "contains", pass: passed, score: passed ? 1 : 0, reason: passed ? "" : 'output does not contain "ok"' }],
    latencyMs,
    usage: { inputTokens: 10, outputTokens: 2 },
    costUsd,
    cached: false,
    retries: 0,
    judge: null,
    error: null,
  };
}

/** One suite of two cases, 2 trials each: a passes 1 (latencies 100, 200 ms), b passes 2 (300, 400 ms). */
export function twoCaseRun(): RunResult {
  const suite = makeSuite({ providerId: "openai:gpt-4o-mini", dir: "/tmp", trials: 2, cases: [makeCase("a"), makeCase("b")] });
  const raw = {
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 5,
    suites: [{ suite, cases: [{ case: suite.cases[0]!, trials: [trial(0, true, 100, 0.01), trial(1, false, 200, 0.01)] }, { case: suite.cases[1]!, trials: [trial(0, true, 300, 0.02), trial(1, true, 400, 0.02)] }] }],
  };
  return buildRunResult(raw, { harnessVersion: "test" });
}

/** Suite s: c1 5/5, c2 4/5; suite other: z 5/5. */
export function twoSuiteBaseline(): Baseline {
  return {
    schemaVersion: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
    harnessVersion: "test",
    git: { commit: null, dirty: null },
    suites: {
      s: { provider: "openai:gpt-4o-mini", trials: 5, k: 5, passAtK: 1, passHatK: 0.5, passRate: 0.9, cases: { c1: { n: 5, passes: 5, errored: 0, promptHash: "x" }, c2: { n: 5, passes: 4, errored: 0, promptHash: "y" } } },
      other: { provider: "openai:gpt-4o-mini", trials: 5, k: 5, passAtK: 1, passHatK: 1, passRate: 1, cases: { z: { n: 5, passes: 5, errored: 0, promptHash: "z" } } },
    },
  };
}
