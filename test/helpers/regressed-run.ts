/** A small run for the HTML report and history tests, built by the real pipeline: a regression, an untrusted output, an errored trial. */
import { buildRunResult } from "../../src/core/result.js";
import type { Baseline, LoadedCase, LoadedSuite, RawRun, TrialResult } from "../../src/core/types.js";

/** Markup a model could answer with: it must show as text and never run. */
export const HOSTILE_OUTPUT = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
export const HOSTILE_REASON = `expected "30 days"; got <b onmouseover=alert(1)>bold</b> & more`;

function trial(index: number, outcome: "pass" | "fail" | "error", output: string, latencyMs: number): TrialResult {
  const error = outcome === "error" ? { category: "timeout" as const, message: "no answer in 60000 ms" } : null;
  return {
    index,
    output: error ? null : output,
    passed: error ? null : outcome === "pass",
    pending: false,
    grades: error ? [] : [{ type: "icontains", pass: outcome === "pass", score: outcome === "pass" ? 1 : 0, reason: outcome === "pass" ? "contains it" : HOSTILE_REASON }],
    latencyMs: error ? null : latencyMs,
    usage: error ? null : { inputTokens: 20, outputTokens: 8 },
    costUsd: error ? null : 0.0002,
    cached: true,
    retries: 0,
    judge: null,
    error,
  };
}

const mkCase = (id: string): LoadedCase => ({ id, description: `guards ticket ${id}`, vars: {}, messages: [{ role: "user", content: id }], graders: [], line: 1, promptHash: `h-${id}` });

/**
 * refund-window: 5/5 → 0/5 (regressed); steady: 5/5; flaky: 4/5 judged plus one errored trial.
 * `quietCases` adds that many more cases like steady (ids quiet-1…, answering "quiet answer <id>"),
 * in the baseline unless `quietInBaseline` is false; `failingCases` adds cases that fail their first trial (fail-1…).
 */
export function regressedRun(options: { withCost?: boolean; quietCases?: number; quietInBaseline?: boolean; failingCases?: number } = {}) {
  const quiet = Array.from({ length: options.quietCases ?? 0 }, (_, i) => `quiet-${i + 1}`);
  const failing = Array.from({ length: options.failingCases ?? 0 }, (_, i) => `fail-${i + 1}`);
  const ids = ["refund-window", "steady", "flaky", ...quiet, ...failing];
  const cases = ids.map(mkCase);
  const suite: LoadedSuite = { name: "refund-policy", file: "evals/refund-policy.yaml", dir: "/", provider: { id: "openai:gpt-4o-mini", config: {} }, judge: undefined, trials: 5, threshold: undefined, cases };
  const outcomes: Record<string, ("pass" | "fail" | "error")[]> = {
    "refund-window": ["fail", "fail", "fail", "fail", "fail"],
    steady: ["pass", "pass", "pass", "pass", "pass"],
    flaky: ["pass", "pass", "pass", "pass", "error"],
    ...Object.fromEntries(quiet.map((id) => [id, ["pass", "pass", "pass", "pass", "pass"] as const])),
    ...Object.fromEntries(failing.map((id) => [id, ["fail", "pass", "pass", "pass", "pass"] as const])),
  };
  const answer = (id: string, o: string) => (o === "fail" ? HOSTILE_OUTPUT : id.startsWith("quiet-") ? `quiet answer ${id}` : "Within 30 days.");
  const raw: RawRun = {
    startedAt: "2026-11-24T10:00:00.000Z",
    durationMs: 1234,
    suites: [{ suite, cases: cases.map((c) => ({ case: c, trials: outcomes[c.id]!.map((o, t) => trial(t, o, answer(c.id, o), 100 + 10 * t)) })) }],
  };
  if (options.withCost === false) for (const s of raw.suites) for (const c of s.cases) for (const t of c.trials) t.costUsd = null;
  const baseline: Baseline = {
    schemaVersion: 1,
    createdAt: "2026-11-01T00:00:00.000Z",
    harnessVersion: "0.1.0",
    git: { commit: "abcdef1234567", dirty: false },
    suites: { "refund-policy": { provider: "openai:gpt-4o-mini", trials: 5, k: 5, passAtK: 1, passHatK: 1, passRate: 1, cases: Object.fromEntries(ids.filter((id) => options.quietInBaseline !== false || !id.startsWith("quiet-")).map((id) => [id, { n: 5, passes: 5, errored: 0, promptHash: `h-${id}` }])) } },
  };
  return buildRunResult(raw, { baseline, baselinePath: "evals/baseline.json", harnessVersion: "0.1.0" });
}
