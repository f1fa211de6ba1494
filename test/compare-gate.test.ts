/**
 * compareToBaseline + decideGate on hand-built runs: the scenarios the gate must
 * get right, and a simulated false-alarm rate under "nothing changed".
 */
import { describe, expect, it } from "vitest";
import { compareToBaseline, DEFAULT_ALPHA } from "../src/core/compare.js";
import { decideGate } from "../src/core/gate.js";
import type { ThresholdSpec } from "../src/config/schema.js";
import type { Baseline, CaseResult, Comparison, GateVerdict, SuiteResult } from "../src/core/types.js";
import { mulberry32 } from "./helpers/prng.js";

// ---- builders -----------------------------------------------------------------

/** [id, judged trials, passes, prompt hash?] */
type CaseRow = [id: string, n: number, passes: number, hash?: string];

function caseResult([id, n, passes, hash]: CaseRow, k: number): CaseResult {
  return {
    id,
    description: undefined,
    line: 1,
    promptHash: hash ?? `h-${id}`,
    n,
    passes,
    errored: 0,
    pending: 0,
    k,
    // Not used by compare/gate; a cheap stand-in.
    passAtK: passes > 0 ? 1 : 0,
    passHatK: passes === n ? 1 : 0,
    at: [],
    trials: [],
  };
}

function suite(name: string, rows: CaseRow[], opts: { trials?: number; threshold?: ThresholdSpec; passAtK?: number; passHatK?: number; passRate?: number } = {}): SuiteResult {
  const trials = opts.trials ?? 5;
  const cases = rows.map((r) => caseResult(r, trials));
  const passed = rows.reduce((s, r) => s + r[2], 0);
  const judged = rows.reduce((s, r) => s + r[1], 0);
  return {
    name,
    file: `evals/${name}.yaml`,
    provider: "fixture:test",
    trials,
    k: trials,
    passAtK: opts.passAtK ?? 1,
    passHatK: opts.passHatK ?? 1,
    casesCounted: rows.length,
    at: [],
    passRate: opts.passRate ?? (judged > 0 ? passed / judged : Number.NaN),
    passRateInterval: [0, 1],
    totals: { cases: rows.length, trials: judged, passed, failed: judged - passed, errored: 0, pending: 0 },
    latencyMs: { p50: 1, p95: 1, max: 1 },
    tokens: { inputTokens: 0, outputTokens: 0 },
    costUsd: null,
    judge: null,
    judgePrompts: {},
    judgeModel: null,
    threshold: opts.threshold,
    cases,
  };
}

function baseline(suites: Record<string, CaseRow[]>, trials = 5): Baseline {
  const out: Baseline = {
    schemaVersion: 1,
    createdAt: "2025-01-01T00:00:00.000Z",
    harnessVersion: "0.1.0",
    git: { commit: "abc123", dirty: false },
    suites: {},
  };
  for (const [name, rows] of Object.entries(suites)) {
    out.suites[name] = {
      provider: "fixture:test",
      trials,
      k: trials,
      passAtK: null,
      passHatK: null,
      passRate: null,
      cases: Object.fromEntries(rows.map(([id, n, passes, hash]) => [id, { n, passes, errored: 0, promptHash: hash ?? `h-${id}` }])),
    };
  }
  return out;
}

const NO_ERRORS = { total: 40, errored: 0, share: 0 };

const BASE_INFO = { path: "evals/baseline.json", commit: "abc123", createdAt: "2025-01-01T00:00:00.000Z" };

function run(current: SuiteResult[], base: Baseline | null, alpha = DEFAULT_ALPHA): { comparison: Comparison | null; verdict: GateVerdict } {
  const comparison = base ? compareToBaseline(current, base, alpha) : null;
  const verdict = decideGate({ suites: current, comparison, baseline: base ? BASE_INFO : null, alpha, errors: NO_ERRORS });
  return { comparison, verdict };
}

/** n cases "c0".."c{n-1}", each with the given counts. */
function rows(count: number, n: number, passes: number, prefix = "c"): CaseRow[] {
  return Array.from({ length: count }, (_, i) => [`${prefix}${i}`, n, passes] as CaseRow);
}

function statusOf(comparison: Comparison | null, caseId: string, suiteName = "s"): string | undefined {
  return comparison?.cases.find((c) => c.suite === suiteName && c.caseId === caseId)?.status;
}

// ---- scenarios ------------------------------------------------------------------

describe("gate scenarios", () => {
  it("behaviour unchanged (same counts) → pass, every case 'same'", () => {
    const r: CaseRow[] = [["a", 5, 5], ["b", 5, 3], ["c", 5, 0], ["d", 5, 1]];
    const { comparison, verdict } = run([suite("s", r)], baseline({ s: r }));
    expect(verdict.status).toBe("pass");
    expect(verdict.regressions).toEqual([]);
    expect(comparison!.cases.map((c) => c.status)).toEqual(["same", "same", "same", "same"]);
    expect(comparison!.suites[0]!.regressed).toBe(false);
    expect(verdict.baseline).toEqual(BASE_INFO);
  });

  it("one trial flipping in one case (5/5 → 4/5) among 8 cases → pass, that case 'down'", () => {
    const before = rows(8, 5, 5);
    const after = before.map((r) => (r[0] === "c3" ? (["c3", 5, 4] as CaseRow) : r));
    const { comparison, verdict } = run([suite("s", after)], baseline({ s: before }));
    expect(verdict.status).toBe("pass");
    expect(verdict.regressions).toEqual([]);
    expect(statusOf(comparison, "c3")).toBe("down");
    expect(comparison!.cases.filter((c) => c.status !== "same").map((c) => c.caseId)).toEqual(["c3"]);
    expect(comparison!.suites[0]!.regressed).toBe(false);
  });

  it("one case of eight going 5/5 → 0/5 → fail, the case 'regressed' and listed", () => {
    const before = rows(8, 5, 5);
    const after = before.map((r) => (r[0] === "c5" ? (["c5", 5, 0] as CaseRow) : r));
    const { comparison, verdict } = run([suite("s", after)], baseline({ s: before }));
    expect(verdict.status).toBe("fail");
    expect(statusOf(comparison, "c5")).toBe("regressed");
    const caseRegs = verdict.regressions.filter((x) => x.kind === "case");
    expect(caseRegs).toHaveLength(1);
    expect(caseRegs[0]).toMatchObject({ kind: "case", suite: "s", caseId: "c5" });
    expect(caseRegs[0]!.message).toContain("5/5 → 0/5");
    // p = 1/252 raw. The seven unchanged cases (5/5 both times) can never reach
    // significance, so they take no share of α: only this case (floor 1/252) and the
    // suite's test (only c5 can move in it: floor 1/252) compete, so K = 2.
    const c5 = comparison!.cases.find((c) => c.caseId === "c5")!;
    expect(c5.pDrop).toBeCloseTo(1 / 252, 12);
    expect(c5.pDropAdjusted).toBeCloseTo(2 / 252, 12);
    // No other case is blamed.
    expect(comparison!.cases.filter((c) => c.status === "regressed").map((c) => c.caseId)).toEqual(["c5"]);
  });

  it("half of 8 cases going always → never (5/5 → 0/5) → fail", () => {
    const before = rows(8, 5, 5);
    const after = before.map((r, i) => (i % 2 === 0 ? ([r[0], 5, 0] as CaseRow) : r));
    const { comparison, verdict } = run([suite("s", after)], baseline({ s: before }));
    expect(verdict.status).toBe("fail");
    expect(comparison!.cases.filter((c) => c.status === "regressed").map((c) => c.caseId)).toEqual(["c0", "c2", "c4", "c6"]);
    expect(comparison!.suites[0]!.regressed).toBe(true);
  });

  it("half of 8 cases going 3/3 → 0/3: no single case survives Holm, but the suite's test fails the gate", () => {
    const before = rows(8, 3, 3);
    const after = before.map((r, i) => (i < 4 ? ([r[0], 3, 0] as CaseRow) : r));
    const { comparison, verdict } = run([suite("s", after, { trials: 3 })], baseline({ s: before }, 3));
    // Per case: 1/C(6,3) = 0.05 raw; four such cases compete for α, so none is significant on its own.
    for (const c of comparison!.cases.slice(0, 4)) {
      expect(c.pDrop).toBeCloseTo(1 / 20, 12);
      expect(c.pDropAdjusted).toBeGreaterThanOrEqual(0.05);
      expect(c.status).not.toBe("regressed");
    }
    expect(verdict.regressions.filter((x) => x.kind === "case")).toEqual([]);
    // Summed 24/24 → 12/24; each of the four strata at its lowest: p = (1/20)^4.
    expect(comparison!.suites[0]!.pDrop).toBeCloseTo(1 / 20 ** 4, 15);
    expect(comparison!.suites[0]).toMatchObject({ suite: "s", baseline: { n: 24, passes: 24 }, current: { n: 24, passes: 12 }, regressed: true });
    expect(verdict.status).toBe("fail");
    expect(verdict.regressions.filter((x) => x.kind === "suite")).toHaveLength(1);
    expect(verdict.regressions.find((x) => x.kind === "suite")!.suite).toBe("s");
  });

  it("suite test at the edge: four single-trial flips among 8 cases (p = 1/16) pass, five (p = 1/32) fail", () => {
    const before = rows(8, 5, 5);
    // Each 5/5 → 4/5 case has its 9 passes split 5/4 or worse with probability C(9,4)·C(1,1)/C(10,5) = 1/2;
    // the cases at 5/5 both times cannot move. Four flips together: (1/2)^4.
    const four = before.map((r, i) => (i < 4 ? ([r[0], 5, 4] as CaseRow) : r));
    const a = run([suite("s", four)], baseline({ s: before }));
    expect(a.comparison!.suites[0]!.pDrop).toBeCloseTo(1 / 16, 12);
    expect(a.comparison!.suites[0]!.regressed).toBe(false);
    expect(a.verdict.status).toBe("pass");
    // Five: (1/2)^5. No case could reach α on its own (floor 1/2), so the suite's test has all of α.
    const five = before.map((r, i) => (i < 5 ? ([r[0], 5, 4] as CaseRow) : r));
    const b = run([suite("s", five)], baseline({ s: before }));
    expect(b.comparison!.suites[0]!.pDrop).toBeCloseTo(1 / 32, 12);
    expect(b.comparison!.cases.some((c) => c.status === "regressed")).toBe(false);
    expect(b.verdict.status).toBe("fail");
    expect(b.verdict.regressions.map((x) => x.kind)).toEqual(["suite"]);
  });

  it("one case of twenty going 5/5 → 0/5 still fails the gate", () => {
    const before = rows(20, 5, 5);
    const after = before.map((r) => (r[0] === "c7" ? (["c7", 5, 0] as CaseRow) : r));
    const { comparison, verdict } = run([suite("s", after)], baseline({ s: before }));
    // Only c7 can move: the suite's test is c7's own, 1/C(10,5) = 1/252.
    expect(comparison!.suites[0]!.pDrop).toBeCloseTo(1 / 252, 12);
    expect(verdict.status).toBe("fail");
    // The other nineteen cases cannot reach significance at 5/5 → 5/5, so the case is named too.
    expect(statusOf(comparison, "c7")).toBe("regressed");
  });

  it("suites are corrected against each other: two suites at p = 1/32 both pass; one alone fails", () => {
    const before = rows(8, 5, 5);
    const five = before.map((r, i) => (i < 5 ? ([r[0], 5, 4] as CaseRow) : r));
    const four = before.map((r, i) => (i < 4 ? ([r[0], 5, 4] as CaseRow) : r));
    // Both suites could reach α/2 only below 0.025; 1/32 does not, so neither is significant.
    const both = run([suite("s", five), suite("t", five)], baseline({ s: before, t: before }));
    expect(both.comparison!.suites.map((x) => x.regressed)).toEqual([false, false]);
    expect(both.verdict.status).toBe("pass");
    // Beside a suite at p = 1/16, whose margins can never reach 0.05, the 1/32 suite keeps all of α.
    const mixed = run([suite("s", five), suite("t", four)], baseline({ s: before, t: before }));
    expect(mixed.comparison!.suites.map((x) => x.regressed)).toEqual([true, false]);
  });

  it("new cases → 'new', listed in newCases, not failed; missing cases → missingCases, not failed", () => {
    const before: CaseRow[] = [["a", 5, 5], ["b", 5, 4], ["gone", 5, 5]];
    const after: CaseRow[] = [["a", 5, 5], ["b", 5, 4], ["fresh", 5, 0]];
    const { comparison, verdict } = run([suite("s", after)], baseline({ s: before }));
    expect(verdict.status).toBe("pass");
    expect(verdict.regressions).toEqual([]);
    expect(statusOf(comparison, "fresh")).toBe("new");
    expect(verdict.newCases).toEqual([{ suite: "s", caseId: "fresh" }]);
    expect(verdict.missingCases).toEqual([{ suite: "s", caseId: "gone" }]);
    // The new case (0/5) is not pooled into the suite test.
    expect(comparison!.suites[0]).toMatchObject({ baseline: { n: 10, passes: 9 }, current: { n: 10, passes: 9 }, regressed: false });
  });

  it("a whole suite new since the baseline → every case 'new', gate passes", () => {
    const { comparison, verdict } = run([suite("s", [["a", 5, 0]]), suite("t", [["x", 5, 0], ["y", 5, 1]])], baseline({ s: [["a", 5, 0]] }));
    expect(verdict.status).toBe("pass");
    expect(verdict.newCases).toEqual([
      { suite: "t", caseId: "x" },
      { suite: "t", caseId: "y" },
    ]);
    expect(comparison!.suites.find((s) => s.suite === "t")!.baseline).toBeNull();
  });

  it("a significant improvement → 'improved', gate passes, listed in improvements", () => {
    const before: CaseRow[] = [["a", 5, 0], ["b", 5, 5], ["c", 5, 3]];
    const after: CaseRow[] = [["a", 5, 5], ["b", 5, 5], ["c", 5, 3]];
    const { comparison, verdict } = run([suite("s", after)], baseline({ s: before }));
    expect(statusOf(comparison, "a")).toBe("improved");
    expect(verdict.status).toBe("pass");
    expect(verdict.improvements).toHaveLength(1);
    expect(verdict.improvements[0]).toMatchObject({ suite: "s", caseId: "a" });
    expect(verdict.improvements[0]!.message).toContain("0/5 → 5/5");
  });

  it("a small rise that is not significant → 'up', not 'improved'", () => {
    const before: CaseRow[] = [["a", 5, 3]];
    const after: CaseRow[] = [["a", 5, 4]];
    const { comparison, verdict } = run([suite("s", after)], baseline({ s: before }));
    expect(statusOf(comparison, "a")).toBe("up");
    expect(verdict.improvements).toEqual([]);
  });

  it("threshold: passHatK 0.5 against a floor of 0.9 → fail with kind 'threshold'", () => {
    const s = suite("s", rows(4, 5, 5), { threshold: { passHatK: 0.9 }, passHatK: 0.5 });
    // Even with no baseline at all.
    const { verdict } = run([s], null);
    expect(verdict.status).toBe("fail");
    expect(verdict.regressions).toHaveLength(1);
    expect(verdict.regressions[0]).toMatchObject({ kind: "threshold", suite: "s" });
    expect(verdict.regressions[0]!.message).toContain("0.9");
    // And with an unchanged baseline.
    const { verdict: v2 } = run([s], baseline({ s: rows(4, 5, 5) }));
    expect(v2.status).toBe("fail");
    expect(v2.regressions.map((x) => x.kind)).toEqual(["threshold"]);
  });

  it("threshold met (equal to the floor) → pass", () => {
    const s = suite("s", rows(4, 5, 5), { threshold: { passHatK: 0.9, passAtK: 0.95, passRate: 0.8 }, passHatK: 0.9, passAtK: 1, passRate: 0.8 });
    expect(run([s], null).verdict.status).toBe("pass");
  });

  it("threshold against a NaN metric (too few trials) → fail, not pass", () => {
    const s = suite("s", rows(4, 2, 2), { threshold: { passAtK: 0.5 }, passAtK: Number.NaN });
    const { verdict } = run([s], null);
    expect(verdict.status).toBe("fail");
    expect(verdict.regressions).toHaveLength(1);
    expect(verdict.regressions[0]!.kind).toBe("threshold");
  });

  it("a changed prompt hash is flagged promptChanged (and only for that case)", () => {
    const before: CaseRow[] = [["a", 5, 5, "old"], ["b", 5, 5, "same"]];
    const after: CaseRow[] = [["a", 5, 5, "new"], ["b", 5, 5, "same"]];
    const { comparison, verdict } = run([suite("s", after)], baseline({ s: before }));
    expect(comparison!.cases.find((c) => c.caseId === "a")!.promptChanged).toBe(true);
    expect(comparison!.cases.find((c) => c.caseId === "b")!.promptChanged).toBe(false);
    expect(verdict.status).toBe("pass");
  });

  it("a regression on a case whose prompt changed says so", () => {
    const before: CaseRow[] = [["a", 5, 5, "old"]];
    const after: CaseRow[] = [["a", 5, 0, "new"]];
    const { verdict } = run([suite("s", after)], baseline({ s: before }));
    expect(verdict.status).toBe("fail");
    expect(verdict.regressions.find((x) => x.kind === "case")!.message).toMatch(/prompt changed/);
  });

  it("cases with no judged trials are 'not-judged' and not pooled", () => {
    const before: CaseRow[] = [["a", 5, 5], ["b", 5, 5]];
    const after: CaseRow[] = [["a", 0, 0], ["b", 5, 5]];
    const { comparison, verdict } = run([suite("s", after)], baseline({ s: before }));
    expect(statusOf(comparison, "a")).toBe("not-judged");
    expect(comparison!.suites[0]).toMatchObject({ baseline: { n: 5, passes: 5 }, current: { n: 5, passes: 5 } });
    expect(verdict.status).toBe("pass");
  });

  it("reordering cases changes nothing (keyed by id, not position)", () => {
    const before: CaseRow[] = [["a", 5, 5], ["b", 5, 0]];
    const after: CaseRow[] = [["b", 5, 0], ["a", 5, 5]];
    const { comparison, verdict } = run([suite("s", after)], baseline({ s: before }));
    expect(verdict.status).toBe("pass");
    expect(comparison!.cases.every((c) => c.status === "same")).toBe(true);
  });
});

// ---- false alarms ------------------------------------------------------------------

describe("false alarms (a gate that cries wolf gets switched off)", () => {
  it("with nothing changed, the gate fails in at most ~5% of runs", () => {
    const rand = mulberry32(20250101);
    const trials = 5;
    // 20 cases with fixed true pass rates: a mixture of 1.0, 0.9 and 0.5.
    const rates = Array.from({ length: 20 }, (_, i) => [1.0, 0.9, 0.5][i % 3]!);
    const draw = (): CaseRow[] =>
      rates.map((p, i) => {
        let passes = 0;
        for (let t = 0; t < trials; t++) if (rand() < p) passes++;
        return [`c${i}`, trials, passes] as CaseRow;
      });

    const RUNS = 2000;
    let fails = 0;
    let caseFails = 0;
    let suiteFails = 0;
    for (let r = 0; r < RUNS; r++) {
      const base = baseline({ s: draw() });
      const { verdict } = run([suite("s", draw())], base);
      if (verdict.status === "fail") fails++;
      if (verdict.regressions.some((x) => x.kind === "case")) caseFails++;
      if (verdict.regressions.some((x) => x.kind === "suite")) suiteFails++;
    }
    const share = fails / RUNS;
    // Binomial noise on 2000 runs at 5% is ~0.5%: allow two standard errors.
    expect(share, `false alarms ${fails}/${RUNS} (case ${caseFails}, suite ${suiteFails})`).toBeLessThanOrEqual(0.05 + 0.01);
  });
});

describe("false alarms with errored trials (errors that are no failures must not read as a drop)", () => {
  it("random errors at 5% and 8%, 5 to 100 trials a case: the gate fails in at most ~5% of runs", () => {
    const rand = mulberry32(20261130);
    const shapes = [
      { cases: 20, trials: 5, rate: 0.9 },
      { cases: 20, trials: 20, rate: 0.95 },
      { cases: 10, trials: 50, rate: 0.98 },
      { cases: 20, trials: 100, rate: 1 },
    ];
    for (const { cases, trials, rate } of shapes) {
      for (const errorRate of [0.05, 0.08]) {
        const RUNS = 400;
        let fails = 0;
        for (let r = 0; r < RUNS; r++) {
          const draw = (errors: number): { row: CaseRow; errored: number }[] =>
            Array.from({ length: cases }, (_, i) => {
              let passes = 0;
              let n = 0;
              let errored = 0;
              for (let t = 0; t < trials; t++) {
                if (rand() < errors) errored++;
                else {
                  n++;
                  if (rand() < rate) passes++;
                }
              }
              return { row: [`c${i}`, n, passes] as CaseRow, errored };
            });
          const base = baseline({ s: draw(0).map((x) => x.row) }, trials);
          const now = draw(errorRate);
          const current = suite("s", now.map((x) => x.row), { trials });
          current.cases.forEach((c, i) => Object.assign(c, { errored: now[i]!.errored, trials: Array.from({ length: now[i]!.errored }, () => ({ error: { category: "server-error" } })) }));
          const comparison = compareToBaseline([current], base, DEFAULT_ALPHA);
          const verdict = decideGate({ suites: [current], comparison, baseline: BASE_INFO, alpha: DEFAULT_ALPHA, errors: NO_ERRORS });
          if (verdict.status === "fail") fails++;
        }
        expect(fails / RUNS, `${cases} cases × ${trials} at ${rate}, ${errorRate * 100}% errors`).toBeLessThanOrEqual(0.05 + 0.02);
      }
    }
  });
});

describe("runs that cannot be judged", () => {
  const suites = [suite("s", rows(8, 5, 5))];
  it("too many errored trials: not judged, and status is fail so no reader mistakes it for a pass", () => {
    const v = decideGate({ suites, comparison: null, baseline: null, alpha: 0.05, errors: { total: 40, errored: 5, share: 0.125 }, maxErrorShare: 0.1 });
    expect(v).toMatchObject({ judged: false, status: "fail", regressions: [] });
    expect(v.notJudgedReason).toBe("5 of 40 trials errored (13% > 10%)");
  });
  it("errors at or under the limit are judged", () => {
    const v = decideGate({ suites, comparison: null, baseline: null, alpha: 0.05, errors: { total: 40, errored: 4, share: 0.1 }, maxErrorShare: 0.1 });
    expect(v).toMatchObject({ judged: true, status: "pass", notJudgedReason: null });
  });
  it("an interrupted run is not judged", () => {
    const v = decideGate({ suites, comparison: null, baseline: null, alpha: 0.05, errors: NO_ERRORS, interrupted: "SIGTERM" });
    expect(v).toMatchObject({ judged: false, status: "fail", notJudgedReason: "the run was interrupted by SIGTERM" });
  });
  it("a suite whose baseline came from another provider is flagged", () => {
    const base = baseline({ s: rows(8, 5, 5) });
    base.suites.s!.provider = "anthropic:claude-haiku-4-5";
    const cmp = compareToBaseline(suites, base, 0.05);
    expect(cmp.suites[0]!.providerChanged).toEqual({ baseline: "anthropic:claude-haiku-4-5", current: suites[0]!.provider });
    expect(compareToBaseline(suites, baseline({ s: rows(8, 5, 5) }), 0.05).suites[0]!.providerChanged).toBeNull();
  });
});

describe("thresholds never let an errored trial hide a failing case", () => {
  // Ten cases of three trials: nine always pass; case "b" failed both judged trials and errored once,
  // so with k = 3 its pass^3 is undefined and the mean over the other nine is 1.
  function hidden(threshold: ThresholdSpec) {
    const s = suite("s", rows(10, 3, 3), { trials: 3, threshold, passAtK: 1, passHatK: 1 });
    const b = s.cases[1]!;
    Object.assign(b, { n: 2, passes: 0, errored: 1, passAtK: Number.NaN, passHatK: Number.NaN });
    s.casesCounted = 9;
    return decideGate({ suites: [s], comparison: null, baseline: null, alpha: 0.05, errors: { total: 30, errored: 1, share: 1 / 30 } });
  }

  it("fails when the hidden case could pull the mean under the floor", () => {
    const v = hidden({ passHatK: 0.95 });
    expect(v.status).toBe("fail");
    expect(v.regressions[0]!.message).toBe("pass^3 1.000 over 9 of 10 cases meets the threshold 0.95, but 1 case with errored trials could pull it to 0.900: not decided");
  });

  it("passes when even a hidden case at 0 keeps the mean over the floor", () => {
    expect(hidden({ passHatK: 0.9 }).status).toBe("pass");
  });

  // Nine cases pass 5/5; case "b" failed its one judged trial and errored four times.
  // Judged trials alone: 45/46 = 0.978. Had the errored ones failed: 45/50 = 0.900.
  function hiddenTrials(passRate: number) {
    const s = suite("s", [...rows(9, 5, 5), ["b", 1, 0]], { threshold: { passRate } });
    Object.assign(s.cases[9]!, { errored: 4, passAtK: Number.NaN, passHatK: Number.NaN });
    Object.assign(s.totals, { trials: 50, errored: 4 });
    s.casesCounted = 9;
    return decideGate({ suites: [s], comparison: null, baseline: null, alpha: 0.05, errors: { total: 50, errored: 4, share: 0.08 } });
  }

  it("a pass-rate floor: errored trials count as failures in the worst case", () => {
    const v = hiddenTrials(0.95);
    expect(v.status).toBe("fail");
    expect(v.regressions[0]!.message).toBe("pass rate 0.978 over 46 judged trials meets the threshold 0.95, but 4 errored trials could pull it to 0.900: not decided");
    expect(hiddenTrials(0.9).status).toBe("pass");
  });
});

describe("trials awaiting review, and errored trials, against the baseline", () => {
  // A trial awaits a person only when every other grader passed it: the judged trials of such
  // a case are its sure failures. Twenty cases at 90%: the baseline saw 10 failures in 100.
  const before: CaseRow[] = Array.from({ length: 20 }, (_, i) => [`c${i}`, 5, i < 10 ? 4 : 5] as CaseRow);

  it("the judged trials alone are a sample of failures: awaited ones count as passes for a drop, and nothing regressed", () => {
    // The same 10 failures, judged at once; the other 90 trials await review.
    const s = suite("s", before.map(([id], i) => [id, i < 10 ? 1 : 0, 0] as CaseRow));
    s.cases.forEach((c, i) => Object.assign(c, { pending: i < 10 ? 4 : 5 }));
    const { comparison, verdict } = run([s], baseline({ s: before }));
    expect(verdict.regressions).toEqual([]);
    expect(verdict.status).toBe("pass");
    expect(comparison!.suites[0]).toMatchObject({ regressed: false, current: { n: 100, passes: 90 } });
    expect(comparison!.cases.map((c) => c.status)).toEqual(before.map(() => "same"));
    // The people's verdicts can only confirm a drop seen this way: 5/5 → 0/2 with 3 awaiting, even all passing, is 3/5.
    const sure = suite("s", [["a", 2, 0], ...rows(7, 5, 5)]);
    Object.assign(sure.cases[0]!, { pending: 3 });
    const drop = run([sure], baseline({ s: [["a", 5, 5], ...rows(7, 5, 5)] }));
    expect(statusOf(drop.comparison, "a")).toBe("down");
    // Awaited trials count as failures for a rise: 0/5 → 0/0 with 5 awaiting is no improvement.
    const waiting = suite("s", [["a", 0, 0], ...rows(7, 5, 5)]);
    Object.assign(waiting.cases[0]!, { pending: 5 });
    expect(statusOf(run([waiting], baseline({ s: [["a", 5, 0], ...rows(7, 5, 5)] })).comparison, "a")).toBe("same");
  });

  it("a regression seen even with every awaited trial passing fails the gate, and says how they were counted", () => {
    const s = suite("s", [["a", 5, 0], ...rows(7, 5, 5)]);
    Object.assign(s.cases[0]!, { pending: 1 });
    const { verdict } = run([s], baseline({ s: [["a", 5, 5], ...rows(7, 5, 5)] }));
    expect(verdict.regressions[0]!.message).toMatch(/^5\/5 → 0\/5 passing, 1 awaiting review counted as passing \(one-sided Fisher p/);
  });

  it("a case whose trials all errored, where it passed before, is not decided: the gate fails rather than pass what it could not see", () => {
    const s = suite("s", [["a", 0, 0], ...rows(7, 5, 5)]);
    Object.assign(s.cases[0]!, { errored: 5 });
    const { comparison, verdict } = run([s], baseline({ s: [["a", 5, 5], ...rows(7, 5, 5)] }));
    expect(statusOf(comparison, "a")).toBe("undecided");
    expect(verdict.status).toBe("fail");
    // Had the 5 errored trials failed: 5/5 → 0/5, p = 1/252, Holm with Tarone's count over the one testable case.
    expect(verdict.regressions).toEqual([
      {
        kind: "case",
        suite: "s",
        caseId: "a",
        message: "5/5 → 0/0 passing, 5 errored: had the errored trials failed, a significant drop (one-sided Fisher p 0.004, corrected 0.004 ≤ α 0.05): not decided; run again (--resume retries only the errored trials)",
      },
    ]);
    // One errored trial of five, the other four passing, hides nothing that could be significant.
    const one = suite("s", [["a", 4, 4], ...rows(7, 5, 5)]);
    Object.assign(one.cases[0]!, { errored: 1 });
    const r = run([one], baseline({ s: [["a", 5, 5], ...rows(7, 5, 5)] }));
    expect(statusOf(r.comparison, "a")).toBe("same");
    expect(r.verdict.status).toBe("pass");
    // Trials a stop cancelled never ran: a case with some says nothing of whether it now crashes.
    const stopped = suite("s", [["a", 0, 0], ...rows(7, 5, 5)]);
    Object.assign(stopped.cases[0]!, { errored: 5, cancelled: 2 });
    expect(statusOf(run([stopped], baseline({ s: [["a", 5, 5], ...rows(7, 5, 5)] })).comparison, "a")).toBe("not-judged");
    // A case that failed before as well has nothing to hide.
    const failing = suite("s", [["a", 0, 0], ...rows(7, 5, 5)]);
    Object.assign(failing.cases[0]!, { errored: 5 });
    expect(run([failing], baseline({ s: [["a", 5, 0], ...rows(7, 5, 5)] })).verdict.status).toBe("pass");
  });

  it("a case with errored trials and none judged, but some awaiting review, is compared on those, not undecided", () => {
    // 5/5 before; now 3 errored and 2 awaiting a person, which no other grader failed. The
    // awaited trials are the case's evidence (as passes for a drop): 5/5 → 2/2 is no drop, and
    // nothing is hidden that the people's verdicts could not show.
    const s = suite("s", [["a", 0, 0], ...rows(7, 5, 5)]);
    Object.assign(s.cases[0]!, { errored: 3, pending: 2 });
    const { comparison, verdict } = run([s], baseline({ s: [["a", 5, 5], ...rows(7, 5, 5)] }));
    const a = comparison!.cases.find((c) => c.caseId === "a")!;
    expect(a).toMatchObject({ status: "same", current: { n: 0, passes: 0 }, pending: 2, errored: 3 });
    expect(a.pDropIfErroredFailed).toBeUndefined();
    expect(comparison!.suites[0]).toMatchObject({ cases: 8, pending: 2, current: { n: 37, passes: 37 } });
    expect(verdict.status).toBe("pass");
    expect(verdict.regressions).toEqual([]);
  });
});

describe("thresholds hold on what is known, no more", () => {
  it("pass@k: a case's passes already prove it; only what errors could still change is 'not decided'", () => {
    // Three cases of five trials; "a" passed 4 and errored once: pass@5 is 1 whatever the fifth did, pass^5 is not known.
    const s = suite("s", [["a", 4, 4], ...rows(2, 5, 5, "b")], { threshold: { passAtK: 0.9 } });
    Object.assign(s.cases[0]!, { errored: 1, passAtK: Number.NaN, passHatK: Number.NaN });
    s.casesCounted = 2;
    const v = decideGate({ suites: [s], comparison: null, baseline: null, alpha: 0.05, errors: { total: 15, errored: 1, share: 1 / 15 } });
    expect(v.regressions).toEqual([]);
    s.threshold = { passHatK: 0.9 };
    const hat = decideGate({ suites: [s], comparison: null, baseline: null, alpha: 0.05, errors: { total: 15, errored: 1, share: 1 / 15 } });
    expect(hat.regressions.map((r) => r.message)).toEqual(["pass^5 1.000 over 2 of 3 cases meets the threshold 0.9, but 1 case with errored trials could pull it to 0.667: not decided"]);
  });

  it("a pass-rate floor counts trials awaiting review as passing: the judged ones alone are the failures", () => {
    // 20 cases at 90%: 10 sure failures judged, 90 trials awaiting review. Judged alone: 0/10.
    const s = suite("s", Array.from({ length: 20 }, (_, i) => [`c${i}`, i < 10 ? 1 : 0, 0] as CaseRow), { threshold: { passRate: 0.85 } });
    s.cases.forEach((c, i) => Object.assign(c, { pending: i < 10 ? 4 : 5 }));
    Object.assign(s.totals, { trials: 100, pending: 90 });
    const gate = (floor: number) => decideGate({ suites: [{ ...s, threshold: { passRate: floor } }], comparison: null, baseline: null, alpha: 0.05, errors: { total: 100, errored: 0, share: 0 } });
    expect(gate(0.85).regressions).toEqual([]);
    expect(gate(0.95).regressions.map((r) => r.message)).toEqual(["pass rate (counting 90 trials awaiting review as passing) 0.900 is below the threshold 0.95"]);
  });

  it("so do pass@k and pass^k floors: a case already failed, its other trials awaited, counts at what reviews could make it", () => {
    // "solid" passed 5/5; "mixed" failed 1 judged trial and awaits 4: its pass^5 is 0 whatever people say,
    // so the suite's can be at most 0.5. Left out for want of 5 judged trials, it read 1.0 over 1 of 2 cases.
    const s = suite("s", [["solid", 5, 5], ["mixed", 1, 0]], { threshold: { passHatK: 0.8 } });
    Object.assign(s.cases[1]!, { pending: 4, passAtK: Number.NaN, passHatK: Number.NaN });
    Object.assign(s, { passAtK: 1, passHatK: 1, casesCounted: 1 });
    Object.assign(s.totals, { trials: 10, pending: 4 });
    const gate = (threshold: SuiteResult["threshold"]) => decideGate({ suites: [{ ...s, threshold }], comparison: null, baseline: null, alpha: 0.05, errors: { total: 10, errored: 0, share: 0 } });
    expect(gate({ passHatK: 0.8 }).regressions.map((r) => r.message)).toEqual(["pass^5 (counting 4 trials awaiting review as passing) 0.500 is below the threshold 0.8"]);
    // pass@5 counts the awaited trials as the passes they may be: 1, nothing to fail on yet.
    expect(gate({ passAtK: 0.8 }).regressions).toEqual([]);
    // With nothing judged as failing, the reviews could still make it 1: the pending policy's business.
    Object.assign(s.cases[1]!, { n: 0, passes: 0, pending: 5 });
    expect(gate({ passHatK: 0.8 }).regressions).toEqual([]);
  });
});

describe("suites in the baseline that the run did not run", () => {
  it("are listed with their case counts, but not one with no cases: it had no gate to lose", () => {
    const base = baseline({ s: rows(2, 5, 5), renamed: rows(3, 5, 5), empty: [] });
    const { comparison, verdict } = run([suite("s", rows(2, 5, 5))], base);
    expect(comparison!.missingSuites).toEqual([{ suite: "renamed", cases: 3 }]);
    expect(verdict.missingSuites).toEqual([{ suite: "renamed", cases: 3 }]);
    expect(verdict.status).toBe("pass");
  });
});

describe("names that are also Object's", () => {
  it("a suite or case named like an Object.prototype member is compared as any other", () => {
    const rowsOf: CaseRow[] = [["toString", 5, 5], ["constructor", 5, 5]];
    const current = [suite("constructor", rowsOf)];
    const fresh = compareToBaseline(current, baseline({}), 0.05);
    expect(fresh.cases.map((c) => c.status)).toEqual(["new", "new"]);
    expect(fresh.suites[0]!.baseline).toBeNull();
    const same = compareToBaseline(current, baseline({ constructor: rowsOf }), 0.05);
    expect(same.cases.map((c) => c.status)).toEqual(["same", "same"]);
  });
});

describe("a changed judge is flagged", () => {
  it("a different judge model, or changed judge instructions, since the baseline", () => {
    const current = suite("s", rows(2, 5, 5));
    current.judgeModel = "anthropic:claude-haiku-4-5";
    current.judgePrompts = { rubric: "new-hash", "closed-qa": "same-hash" };
    const base = baseline({ s: rows(2, 5, 5) });
    base.suites.s!.judgeModel = "openai:gpt-4o-mini";
    base.suites.s!.judgePrompts = { rubric: "old-hash", "closed-qa": "same-hash" };
    const cmp = compareToBaseline([current], base, 0.05).suites[0]!;
    expect(cmp.judgeChanged).toEqual({ baseline: "openai:gpt-4o-mini", current: "anthropic:claude-haiku-4-5" });
    expect(cmp.judgePromptsChanged).toEqual(["rubric"]);
    current.judgeModel = "openai:gpt-4o-mini";
    expect(compareToBaseline([current], base, 0.05).suites[0]!.judgeChanged).toBeNull();
  });

  it("a judge grader type new since the baseline is not 'instructions changed': there were none to change", () => {
    const current = suite("s", rows(2, 5, 5));
    current.judgePrompts = { rubric: "same-hash", factuality: "fact-hash" };
    const base = baseline({ s: rows(2, 5, 5) });
    base.suites.s!.judgePrompts = { rubric: "same-hash" };
    expect(compareToBaseline([current], base, 0.05).suites[0]!.judgePromptsChanged).toEqual([]);
    // The type the baseline had is still checked beside it.
    current.judgePrompts = { rubric: "new-hash", factuality: "fact-hash" };
    expect(compareToBaseline([current], base, 0.05).suites[0]!.judgePromptsChanged).toEqual(["rubric"]);
    // A baseline from before judges were hashed has nothing to compare.
    delete base.suites.s!.judgePrompts;
    expect(compareToBaseline([current], base, 0.05).suites[0]!.judgePromptsChanged).toEqual([]);
  });
});
