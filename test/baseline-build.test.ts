/** What --update-baseline writes for each case: the run's judged counts, or, for a case no one has judged yet, what it had. */
import os from "node:os";
import { describe, expect, it } from "vitest";
import { buildBaseline, keptForPending } from "../src/baseline/baseline.js";
import type { Baseline, CaseResult, SuiteResult } from "../src/core/types.js";

const caseOf = (id: string, n: number, passes: number, pending: number): CaseResult => ({ id, n, passes, pending, errored: 0, promptHash: "p-new" }) as unknown as CaseResult;
const suiteOf = (cases: CaseResult[]): SuiteResult =>
  ({ name: "tone", provider: "exec:node app.mjs", trials: 5, k: 5, passAtK: 1, passHatK: 1, passRate: 1, judgePrompts: {}, judgeModel: null, cases }) as unknown as SuiteResult;

const previous: Baseline = {
  schemaVersion: 1,
  createdAt: "2026-11-28T10:00:00.000Z",
  harnessVersion: "0.1.0",
  git: null,
  suites: { tone: { provider: "exec:node app.mjs", trials: 5, k: 5, passAtK: 1, passHatK: 1, passRate: 1, cases: { all: { n: 5, passes: 5, errored: 0, promptHash: "p-old" }, some: { n: 5, passes: 5, errored: 0, promptHash: "p-old" } } } },
} as unknown as Baseline;

describe("buildBaseline with trials awaiting review", () => {
  it("keeps the entry of a case none of whose trials was judged, and takes the judged counts of one with some", () => {
    const run = [suiteOf([caseOf("all", 0, 0, 5), caseOf("some", 4, 0, 1), caseOf("new", 0, 0, 5)])];
    const written = buildBaseline(run, previous, "0.1.0", os.tmpdir()).suites.tone!.cases;
    expect(written.all).toEqual({ n: 5, passes: 5, errored: 0, promptHash: "p-old" });
    // Four sure failures were judged: the run accepted as the reference says so.
    expect(written.some).toEqual({ n: 4, passes: 0, errored: 0, promptHash: "p-new" });
    // Nothing to keep for a case the old baseline did not have.
    expect(written.new).toEqual({ n: 0, passes: 0, errored: 0, promptHash: "p-new" });
    expect(keptForPending(run, previous)).toBe("Kept the previous baseline entries of 1 case with trials awaiting human review: tone/all.\n");
    expect(keptForPending(run, null)).toBeUndefined();
  });
});
