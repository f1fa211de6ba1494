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

describe("buildBaseline with cases this run could not judge", () => {
  it("keeps the entry of a case with trials awaiting review or none judged, and leaves one out that had none", () => {
    const erroredOnly = { ...caseOf("crashed", 0, 0, 0), errored: 5 } as CaseResult;
    const prev = { ...previous, suites: { tone: { ...previous.suites.tone!, cases: { ...previous.suites.tone!.cases, crashed: { n: 5, passes: 5, errored: 0, promptHash: "p-old" } } } } } as Baseline;
    const run = [suiteOf([caseOf("all", 0, 0, 5), caseOf("some", 1, 0, 4), caseOf("new", 0, 0, 5), caseOf("judged", 5, 4, 0), erroredOnly])];
    const written = buildBaseline(run, prev, "0.1.0", os.tmpdir()).suites.tone!.cases;
    expect(written.all).toEqual({ n: 5, passes: 5, errored: 0, promptHash: "p-old" });
    // The one judged trial of "some" is the one another grader failed: 0/1 would be a sample of failures, not its rate.
    expect(written.some).toEqual({ n: 5, passes: 5, errored: 0, promptHash: "p-old" });
    // Every trial errored: n 0 would never be compared again.
    expect(written.crashed).toEqual({ n: 5, passes: 5, errored: 0, promptHash: "p-old" });
    // Nothing to keep for a case the old baseline did not have: it stays "new" until a run judges it.
    expect(Object.hasOwn(written, "new")).toBe(false);
    expect(written.judged).toEqual({ n: 5, passes: 4, errored: 0, promptHash: "p-new" });
    expect(keptForPending(run, prev)).toBe(
      "Kept the previous baseline entries of 3 cases this run could not judge (trials awaiting human review, or every trial errored): tone/all, tone/some, tone/crashed.\n" +
        "Left out of the baseline 1 case this run could not judge (trials awaiting human review, or every trial errored), with no entry before: tone/new.\n",
    );
    expect(keptForPending([suiteOf([caseOf("judged", 5, 4, 0)])], prev)).toBeUndefined();
  });
});
