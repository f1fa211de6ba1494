/**
 * A case whose graders changed since the baseline is flagged, as a changed prompt is: the hash
 * of what grades it (core/graders-hash.ts) is kept per case in the baseline and compared.
 */
import os from "node:os";
import { describe, expect, it } from "vitest";
import { buildBaseline } from "../src/baseline/baseline.js";
import type { GraderSpec } from "../src/config/schema.js";
import { compareToBaseline } from "../src/core/compare.js";
import { decideGate } from "../src/core/gate.js";
import { gradersHash } from "../src/core/graders-hash.js";
import type { Baseline, CaseResult, SuiteResult } from "../src/core/types.js";

const EQUALS_PASS: GraderSpec = { type: "equals", value: "PASS" };
const RUBRIC: GraderSpec = { type: "rubric", value: "Answers politely.", judge: "openai:gpt-4o-mini" };
const CHECK: GraderSpec = { type: "javascript", file: "check.mjs" };

function caseOf(id: string, passes: number, gradersHash: string | undefined): CaseResult {
  return { id, description: undefined, line: 1, promptHash: `p-${id}`, ...(gradersHash !== undefined ? { gradersHash } : {}), n: 5, passes, errored: 0, pending: 0, k: 5, passAtK: 1, passHatK: 1, at: [], trials: [] };
}

function suiteOf(cases: CaseResult[]): SuiteResult {
  return { name: "s", provider: "exec:node app.mjs", trials: 5, k: 5, passAtK: 1, passHatK: 1, passRate: 1, judgePrompts: {}, judgeModel: null, threshold: undefined, totals: { pending: 0 }, cases } as unknown as SuiteResult;
}

/** The baseline of a run in which every case passed 5 of 5, graded by `graders[id]` (no field at all where undefined). */
function baselineOf(graders: Record<string, string | undefined>): Baseline {
  const cases = Object.fromEntries(Object.entries(graders).map(([id, h]) => [id, { n: 5, passes: 5, errored: 0, promptHash: `p-${id}`, ...(h !== undefined ? { gradersHash: h } : {}) }]));
  return { schemaVersion: 1, createdAt: "2026-01-01T00:00:00.000Z", harnessVersion: "0.1.0", git: { commit: null, dirty: null }, suites: { s: { provider: "exec:node app.mjs", trials: 5, k: 5, passAtK: 1, passHatK: 1, passRate: 1, cases } } };
}

function gateOf(current: SuiteResult, baseline: Baseline) {
  const comparison = compareToBaseline([current], baseline);
  const verdict = decideGate({ suites: [current], comparison, baseline: { path: "evals/baseline.json", commit: null, createdAt: baseline.createdAt }, alpha: 0.05, errors: { total: 5, errored: 0, share: 0 } });
  return { comparison, verdict };
}

const flagged = (current: SuiteResult, baseline: Baseline) => compareToBaseline([current], baseline).cases.filter((c) => c.gradersChanged).map((c) => c.caseId);

describe("graders changed since the baseline", () => {
  it("the same graders, however their keys are ordered, and the same module code: nothing is said", () => {
    const before = gradersHash([EQUALS_PASS, RUBRIC, CHECK], "code-v1");
    const reordered: GraderSpec[] = [{ value: "PASS", type: "equals" }, { judge: "openai:gpt-4o-mini", value: "Answers politely.", type: "rubric" }, { file: "check.mjs", type: "javascript" }];
    const { comparison, verdict } = gateOf(suiteOf([caseOf("a", 5, gradersHash(reordered, "code-v1"))]), baselineOf({ a: before }));
    expect(comparison.cases[0]!.gradersChanged).toBe(false);
    expect(verdict.status).toBe("pass");
  });

  it.each<[string, GraderSpec[], string | undefined]>([
    ["a changed value", [{ type: "equals", value: "PASSED" }, RUBRIC, CHECK], "code-v1"],
    ["a changed rubric", [EQUALS_PASS, { ...RUBRIC, value: "Answers politely and briefly." }, CHECK], "code-v1"],
    ["another grader type", [{ type: "contains", value: "PASS" }, RUBRIC, CHECK], "code-v1"],
    ["an added grader (a suite's, first)", [{ type: "not-contains", value: "sorry" }, EQUALS_PASS, RUBRIC, CHECK], "code-v1"],
    ["a removed grader", [EQUALS_PASS, CHECK], "code-v1"],
    ["a grader's own judge model", [EQUALS_PASS, { ...RUBRIC, judge: "anthropic:claude-haiku-4-5" }, CHECK], "code-v1"],
    ["a javascript grader's export", [EQUALS_PASS, RUBRIC, { ...CHECK, export: "strict" }], "code-v1"],
    ["its module's code", [EQUALS_PASS, RUBRIC, CHECK], "code-v2"],
  ])("%s: that case is flagged, and no other", (_what, graders, code) => {
    const same = gradersHash([EQUALS_PASS, RUBRIC, CHECK], "code-v1");
    const current = suiteOf([caseOf("a", 5, gradersHash(graders, code)), caseOf("b", 5, same)]);
    expect(flagged(current, baselineOf({ a: same, b: same }))).toEqual(["a"]);
  });

  it("a baseline written before graders were hashed: nothing is said, and the gate is as it was", () => {
    const current = suiteOf([caseOf("a", 5, gradersHash([{ type: "contains", value: "A" }], undefined)), caseOf("b", 0, gradersHash([EQUALS_PASS], undefined))]);
    const { comparison, verdict } = gateOf(current, baselineOf({ a: undefined, b: undefined }));
    expect(comparison.cases.map((c) => c.gradersChanged)).toEqual([false, false]);
    expect(verdict.status).toBe("fail");
    expect(verdict.regressions.map((r) => r.message).join("\n")).not.toContain("graders");
  });

  it("is compared and gated as a changed prompt is: a significant drop still fails, and says the graders changed", () => {
    const current = suiteOf([caseOf("a", 0, gradersHash([{ type: "equals", value: "PASSED" }], undefined))]);
    const { comparison, verdict } = gateOf(current, baselineOf({ a: gradersHash([EQUALS_PASS], undefined) }));
    expect(comparison.cases[0]).toMatchObject({ status: "regressed", gradersChanged: true, promptChanged: false });
    expect(verdict.status).toBe("fail");
    expect(verdict.regressions.find((r) => r.kind === "case")!.message).toMatch(/; the graders changed since the baseline$/);
  });

  it("--update-baseline records each case's graders hash, and the next run with the same graders says nothing", () => {
    const h = gradersHash([EQUALS_PASS], undefined);
    const written = buildBaseline([suiteOf([caseOf("a", 5, h)])], null, "0.1.0", os.tmpdir());
    expect(written.suites.s!.cases.a).toEqual({ n: 5, passes: 5, errored: 0, promptHash: "p-a", gradersHash: h });
    expect(flagged(suiteOf([caseOf("a", 5, h)]), written)).toEqual([]);
    expect(flagged(suiteOf([caseOf("a", 5, gradersHash([{ type: "contains", value: "A" }], undefined))]), written)).toEqual(["a"]);
  });
});
