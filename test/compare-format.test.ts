/** The cells the compare reporters share: labels and figures that must not be misread. */
import { describe, expect, it } from "vitest";
import { compareModels } from "../src/core/model-comparison.js";
import { compareStatus, fmtAllTrials, providerRow, PROVIDER_HEAD, suiteLabel } from "../src/reporters/compare-format.js";
import { figures, OPTIONS, side } from "./helpers/comparison-sides.js";

describe("compare's shared cells", () => {
  it("labels a suite with both sides' k when they differ", () => {
    const cmp = compareModels(side("ref", [5, 5]), [side("cand", [5, 5])], OPTIONS).candidates[0]!;
    const suite = cmp.suites[0]!;
    expect(suiteLabel(suite)).toBe("s (k=5)");
    expect(suiteLabel({ ...suite, k: { reference: 5, candidate: 3 } })).toBe("s (k=5 → 3)");
    // A suite one side did not run has one k.
    expect(suiteLabel({ ...suite, k: { reference: Number.NaN, candidate: 3 } })).toBe("s (k=3)");
  });

  it("shows McNemar's p as the p of a drop, so that beside a gain it is not read as the gain's", () => {
    // The candidate alone passes c1 in every trial: a gain, with p drop 1.
    const cmp = compareModels(side("ref", [2, 5, 5, 5]), [side("cand", [5, 5, 5, 5])], OPTIONS).candidates[0]!;
    expect(fmtAllTrials(cmp.overall)).toBe("0 / 1 (p drop 1.000)");
  });

  it("the status line of a pass says when a candidate's verdict is an open question, not all clear", () => {
    const all = Array<number>(12).fill(5);
    expect(compareStatus(compareModels(side("ref", all), [side("cand", all)], OPTIONS))).toBe("PASS");
    // 5/5 → 1/5 on one case: a drop at α, not at α/2: 'cannot tell'.
    const open = compareModels(side("ref", all), [side("cand", [1, ...all.slice(1)])], OPTIONS);
    expect(open.candidates[0]!.verdict.status).toBe("undecided");
    expect(compareStatus(open)).toBe("PASS (no candidate shown worse; cannot tell for one)");
  });

  it("a side no judge graded shows its judge cost as —; one a judge graded, its cost", () => {
    const at = PROVIDER_HEAD.indexOf("judge cost");
    expect(providerRow({ ...figures("a"), judgeCostUsd: 0, judgeCalls: 0 })[at]).toBe("—");
    expect(providerRow({ ...figures("a"), judgeCostUsd: 0.0002, judgeCalls: 9 })[at]).toBe("$0.0002");
  });
});
