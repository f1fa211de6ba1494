/** The compare Markdown reporter from object literals: whole verdicts, escaped, and the overall outcome. */
import { describe, expect, it } from "vitest";
import { compareModels } from "../src/core/model-comparison.js";
import { renderCompareMarkdown } from "../src/reporters/compare-markdown.js";
import { OPTIONS, side, suitesSide } from "./helpers/comparison-sides.js";

describe("the compare markdown reporter", () => {
  const ref = suitesSide("ref", { alpha: [5, 5, 5, 5, 5, 5], beta: [0, 0, 0, 0, 0, 0] });
  const cand = suitesSide("cand_<b>@team", { alpha: [0, 0, 0, 0, 0, 0], beta: [5, 5, 5, 5, 5, 5] });
  const result = compareModels(ref, [cand], OPTIONS);
  const md = renderCompareMarkdown(result);

  it("keeps a verdict whole, past 200 characters, with its p-value, escaped as a cell is", () => {
    const message = result.candidates[0]!.verdict.message;
    expect(message.length).toBeGreaterThan(200);
    const escaped = message.replace(/_/g, "\\_").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/@(?=\w)/g, "@\u200b");
    expect(md).toContain(`### ❌ ${escaped}\n`);
    expect(md).toContain("corrected &lt; 0.001 ≤ α 0.05); over every case pass rate 0 points");
    expect(md).not.toContain("<b>");
  });

  it("says the comparison's outcome, as the terminal does", () => {
    expect(md).toContain("**Compare: FAIL (a candidate is significantly worse)**");
    const pass = renderCompareMarkdown(compareModels(side("ref", Array<number>(12).fill(5)), [side("cand", Array<number>(12).fill(5))], OPTIONS));
    expect(pass).toContain("**Compare: PASS**");
  });
});
