import { describe, expect, it } from "vitest";
import { sideFromRun } from "../src/core/comparison-sides.js";
import { failureReasons, withoutTrialPlace } from "../src/core/failure-reasons.js";
import { buildRunResult } from "../src/core/result.js";
import type { CaseResult, LoadedCase, LoadedSuite, TrialResult } from "../src/core/types.js";

const missing = (index: number, file: string): TrialResult => ({
  index,
  output: null,
  passed: null,
  pending: false,
  grades: [],
  latencyMs: null,
  usage: null,
  costUsd: null,
  cached: false,
  retries: 0,
  judge: null,
  error: { category: "missing-fixture", message: `openai:gpt-4o: no answer is recorded for this request (trial ${index}: ${file})` },
});
const failed = (index: number, reason: string): TrialResult => ({
  index,
  output: "no",
  passed: false,
  pending: false,
  grades: [{ type: "contains", pass: false, score: 0, reason }],
  latencyMs: 10,
  usage: null,
  costUsd: null,
  cached: false,
  retries: 0,
  judge: null,
  error: null,
});
const caseOf = (trials: TrialResult[]) => ({ trials }) as unknown as CaseResult;

describe("failure reasons", () => {
  it("trials missing their answers alike are one reason, counted, with the first one's place", () => {
    const trials = [0, 1, 2, 3, 4].map((i) => missing(i, `fixtures/openai/gpt-4o/f${i}.json`));
    expect(failureReasons(caseOf(trials))).toEqual([["errored (missing-fixture): openai:gpt-4o: no answer is recorded for this request (trial 0: fixtures/openai/gpt-4o/f0.json, and 4 more)", 5]]);
  });

  it("one such trial keeps its reason word for word; other reasons are counted as they read", () => {
    const trials = [missing(3, "fixtures/a.json"), failed(0, 'must contain "ok"'), failed(1, 'must contain "ok"'), failed(2, "must contain (trial 2: not a place)x")];
    expect(failureReasons(caseOf(trials))).toEqual([
      ['must contain "ok"', 2],
      ["errored (missing-fixture): openai:gpt-4o: no answer is recorded for this request (trial 3: fixtures/a.json)", 1],
      ["must contain (trial 2: not a place)x", 1],
    ]);
    expect(withoutTrialPlace("x (trial 12: fixtures/b.json, and 4 more)")).toBe("x");
  });

  it("compare's most frequent errors add the cases' alike reasons up, whatever file each trial missed", () => {
    const cases: LoadedCase[] = ["a", "b"].map((id, i) => ({ id, description: undefined, vars: {}, messages: [{ role: "user", content: id }], graders: [], line: 5 + i, promptHash: `h-${id}` }));
    const suite: LoadedSuite = { name: "s", file: "evals/s.yaml", dir: "/", provider: { id: "openai:gpt-4o", config: {} }, judge: undefined, trials: 3, threshold: undefined, cases };
    const raw = { startedAt: "2026-11-30T10:00:00.000Z", durationMs: 1, suites: [{ suite, cases: cases.map((c) => ({ case: c, trials: [0, 1, 2].map((t) => missing(t, `fixtures/${c.id}${t}.json`)) })) }] };
    const run = buildRunResult(raw, { harnessVersion: "0.1.0" });
    expect(sideFromRun(run, "openai:gpt-4o").figures.topErrors).toEqual([{ reason: "errored (missing-fixture): openai:gpt-4o: no answer is recorded for this request", count: 6 }]);
  });
});
