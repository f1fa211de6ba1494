/**
 * A suite's totals against figures worked out by hand from a few mixed trials: answered or
 * not, priced or not, with or without usage, refused, judged.
 */
import { describe, expect, it } from "vitest";
import { aggregateCase, aggregateSuite } from "../src/core/aggregate.js";
import { reliabilityCurve } from "../src/core/curves.js";
import { TrialWithStoredOutput } from "../src/core/stored-output.js";
import type { Grade, JudgeUsage, LoadedCase, LoadedSuite, TrialResult } from "../src/core/types.js";

const pass: Grade = { type: "contains", pass: true, score: 1, reason: "ok" };
const judgedGrade: Grade = { type: "rubric", pass: false, score: 0, reason: "no", judgePromptHash: "h-rubric" };

function trial(index: number, over: Partial<TrialResult>): TrialResult {
  return { index, output: "answer", passed: true, pending: false, grades: [pass], latencyMs: 10, usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0.5, cached: false, retries: 0, judge: null, error: null, ...over };
}

const suite = { name: "s", file: "s.yaml", provider: { id: "openai:m", config: {} }, trials: 3, threshold: undefined } as unknown as LoadedSuite;
const caseOf = (id: string) => ({ id, line: 1, promptHash: "p" }) as unknown as LoadedCase;
const judge = (calls: number, latencyMs: number, costUsd: number | null): JudgeUsage => ({ calls, latencyMs, usage: { inputTokens: 100, outputTokens: 10 }, costUsd });

describe("aggregateSuite", () => {
  it("pass@k and pass^k at every k (--at) over one set of cases, those with the suite's k judged trials: never falling as k grows, and as the HTML curve draws them", () => {
    const k4 = { ...suite, trials: 4 } as LoadedSuite;
    const err = { output: null, passed: null, error: { category: "network" as const, message: "down" } };
    const make = (id: string, passed: boolean[], errored: number) =>
      aggregateCase(caseOf(id), [...passed.map((p, i) => trial(i, { passed: p })), ...Array.from({ length: errored }, (_, i) => trial(passed.length + i, err))], 4, [1, 2, 4]);
    // 0/4, 4/4, 2/3 with one errored, 1/2 with two errored.
    const cases = [make("none", [false, false, false, false], 0), make("all", [true, true, true, true], 0), make("most", [true, true, false], 1), make("half", [true, false], 2)];
    const s = aggregateSuite(k4, cases, [1, 2, 4]);
    // Over "none" and "all" alone: 0 and 1 at every k, so 0.5. Over every case with k judged
    // trials, pass@1 was (0 + 1 + 2/3 + 1/2) / 4 = 0.542 and pass@2 (0 + 1 + 1 + 1) / 4 = 0.75,
    // above pass@4's 0.5.
    expect(s.casesCounted).toBe(2);
    expect(s.at).toEqual([
      { k: 1, passAtK: 0.5, passHatK: 0.5 },
      { k: 2, passAtK: 0.5, passHatK: 0.5 },
      { k: 4, passAtK: 0.5, passHatK: 0.5 },
    ]);
    expect([s.passAtK, s.passHatK]).toEqual([0.5, 0.5]);
    const curve = reliabilityCurve(cases, 4);
    for (const a of s.at) expect(curve.find((p) => p.k === a.k)).toEqual(a);
  });

  it("counts latency, tokens, refusals, truncations and cost over answered trials only, and judge usage over all", () => {
    const stored = new TrialWithStoredOutput(trial(2, { latencyMs: 40, usage: null, costUsd: 0.25 }), () => {
      throw new Error("the totals must not read an output back from disk");
    });
    const a = aggregateCase(caseOf("a"), [trial(0, { latencyMs: 20, refused: true, usage: { inputTokens: 3, outputTokens: 4 } }), trial(1, { passed: false, latencyMs: 30, truncated: true, grades: [judgedGrade], judge: judge(2, 7, 0.01) }), stored], 3, [3]);
    // A trial with no answer: its latency, tokens, refusal and cost (made up here, to show they are
    // left out) do not count; its judge's calls do, as a judge is paid for whether or not it helped.
    const unanswered = trial(1, { output: null, passed: null, latencyMs: 999, usage: { inputTokens: 100, outputTokens: 100 }, refused: true, truncated: true, costUsd: 9, judge: judge(4, 1, 0.5), error: { category: "network", message: "down" } });
    const b = aggregateCase(caseOf("b"), [trial(0, { latencyMs: 10 }), unanswered, trial(2, { latencyMs: 50, judge: judge(1, 3, 0.02) })], 3, [3]);
    expect([a.n, a.passes, a.errored, b.n, b.passes, b.errored]).toEqual([3, 2, 0, 2, 2, 1]);

    const s = aggregateSuite(suite, [a, b], [3]);
    expect(s.totals).toEqual({ cases: 2, trials: 6, passed: 4, failed: 1, errored: 1, pending: 0 });
    // Five answered latencies, 10 20 30 40 50: p50 30, p95 at position 3.8 → 40 + 0.8·10.
    expect(s.latencyMs.p50).toBe(30);
    expect(s.latencyMs.p95).toBeCloseTo(48, 10);
    expect(s.latencyMs.max).toBe(50);
    expect(s.refusals).toBe(1);
    expect(s.truncations).toBe(1);
    // Usage 3+1+1+1 in (the stored trial has none), 4+1+1+1 out.
    expect(s.tokens).toEqual({ inputTokens: 6, outputTokens: 7 });
    // Every answered trial is priced: 0.5 + 0.5 + 0.25 + 0.5 + 0.5.
    expect(s.costUsd).toBe(2.25);
    // Judges: 2 calls (7 ms, $0.01), 4 calls (1 ms, $0.5) and 1 call (3 ms, $0.02), in trial order.
    expect(s.judge).toEqual({ calls: 7, tokens: { inputTokens: 300, outputTokens: 30 }, costUsd: 0.01 + 0.5 + 0.02, latencyMs: { p50: 3, p95: 6.6, max: 7 } });
    expect(s.judgePrompts).toEqual({ rubric: "h-rubric" });
  });

  it("counts a shared answer's call once: its trial is judged and timed, but its tokens and cost are another trial's", () => {
    const shared = { shared: true as const, usage: { inputTokens: 7, outputTokens: 7 }, costUsd: 4 };
    const first = aggregateCase(caseOf("first"), [trial(0, { latencyMs: 20 }), trial(1, {})], 3, [3]);
    const again = aggregateCase(caseOf("again"), [trial(0, { ...shared, latencyMs: 20 }), trial(1, { ...shared, passed: false })], 3, [3]);
    const s = aggregateSuite(suite, [first, again], [3]);
    expect(s.totals).toMatchObject({ trials: 4, passed: 3, failed: 1 });
    expect(s.latencyMs.max).toBe(20);
    expect(s.tokens).toEqual({ inputTokens: 2, outputTokens: 2 });
    expect(s.costUsd).toBe(1);
    // A suite whose answers were all paid for by another's costs nothing, known: not unknown.
    const borrowed = aggregateSuite(suite, [again], [3]);
    expect(borrowed.tokens).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(borrowed.costUsd).toBe(0);
    expect(aggregateSuite(suite, [aggregateCase(caseOf("u"), [trial(0, { ...shared, costUsd: null })], 3, [3])], [3]).costUsd).toBe(0);
  });

  it("counts a trial awaiting review as pending, neither passed nor failed", () => {
    const awaiting = { passed: null, pending: true, grades: [{ type: "human", pass: false, score: 0, reason: "awaiting review", pending: true } as Grade] };
    const c = aggregateCase(caseOf("p"), [trial(0, {}), trial(1, awaiting), trial(2, { passed: false })], 3, [3]);
    expect([c.n, c.passes, c.pending, c.errored]).toEqual([2, 1, 1, 0]);
    expect(aggregateSuite(suite, [c], [3]).totals).toEqual({ cases: 1, trials: 3, passed: 1, failed: 1, errored: 0, pending: 1 });
  });

  it("leaves cost unknown when any answered trial is unpriced, tokens unknown when none has usage, and no judge when none was asked", () => {
    const c = aggregateCase(caseOf("c"), [trial(0, { usage: null }), trial(1, { usage: null, costUsd: null }), trial(2, { output: null, passed: null, usage: null, costUsd: null, error: { category: "timeout", message: "t" } })], 3, [3]);
    const s = aggregateSuite(suite, [c], [3]);
    expect(s.costUsd).toBeNull();
    expect(s.tokens).toBeNull();
    expect(s.judge).toBeNull();
    expect(s.judgePrompts).toEqual({});
    expect(s.refusals).toBe(0);
    // Said only when some answer was cut.
    expect(s).not.toHaveProperty("truncations");
  });

  it("counts a token count missing from a trial read back from a report as 0, as before", () => {
    const partial = trial(0, { usage: { inputTokens: 5 } as never });
    const s = aggregateSuite(suite, [aggregateCase(caseOf("u"), [partial, trial(1, { usage: undefined as never })], 3, [3])], [3]);
    expect(s.tokens).toEqual({ inputTokens: 5, outputTokens: 0 });
  });

  it("has no cost, no latency and no tokens when nothing was answered", () => {
    const down = { output: null, passed: null, latencyMs: null, usage: null, costUsd: null, error: { category: "network" as const, message: "down" } };
    const s = aggregateSuite(suite, [aggregateCase(caseOf("d"), [trial(0, down), trial(1, down)], 3, [3])], [3]);
    expect(s.costUsd).toBeNull();
    expect(s.tokens).toBeNull();
    expect(Number.isNaN(s.latencyMs.p50) && Number.isNaN(s.latencyMs.max)).toBe(true);
    expect(s.totals).toEqual({ cases: 1, trials: 2, passed: 0, failed: 0, errored: 2, pending: 0 });
  });
});
