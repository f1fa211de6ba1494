/**
 * The compare page as text: escaped, self-contained, drawing what core computed, and
 * loaded only when used. What a browser makes of it is test/compare-html-browser.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareModels } from "../src/core/model-comparison.js";
import { renderCompareHtml } from "../src/reporters/compare-html.js";
import { esc } from "../src/reporters/html-charts.js";
import { COMPARE_REPORTERS } from "../src/reporters/index.js";
import { OPTIONS, side } from "./helpers/comparison-sides.js";
import { expectSelfContained } from "./helpers/html-page.js";

const HOSTILE = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
const REF = "ref<b onmouseover=x>";

/** ref passes c1..c3 in full; cand drops c1 to 1/5 (with a reason in markup) and c2 to 4/5, and lifts c4 from 2/5. */
function comparison() {
  const ref = side(REF, [5, 5, 5, 2]);
  ref.figures = { ...ref.figures, costUsd: 0.02, passRate: 0.85, passRateInterval: [0.7, 0.93], latencyHistogram: [{ from: 10, to: 20, count: 20 }] };
  const cand = side("cand", [1, 4, 5, 5]);
  cand.suites[0]!.cases[0]!.reasons = [{ reason: HOSTILE, count: 4 }];
  return compareModels(ref, [cand], OPTIONS);
}
const result = comparison();
const html = renderCompareHtml(result);

describe("the compare html reporter", () => {
  it("escapes reasons and labels: markup from a model or a config shows as text", () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b onmouseover");
    expect(html).toContain("&lt;script&gt;window.__pwned = 1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;");
  });

  it("fetches nothing: no src or href, and a policy that allows only its own script, by hash", () => {
    expectSelfContained(html);
  });

  it("shows a reason's bidi overrides as codes, as the terminal does, so 0001$ is not displayed as $1000", () => {
    const ref = side(REF, [5, 5, 5, 2]);
    const cand = side("cand", [1, 4, 5, 5]);
    cand.suites[0]!.cases[0]!.reasons = [{ reason: "promised \u202E0001$\u202C", count: 4 }];
    const page = renderCompareHtml(compareModels(ref, [cand], OPTIONS));
    expect(page).toContain("<li>4× promised \\u{202e}0001$\\u{202c}</li>");
    expect(page).not.toMatch(/[\u202a-\u202e]/);
  });

  it("shows the verdict, and marks the worse cases for the regressions filter and the better for improvements", () => {
    // Four cases are too few to decide: the line says so, in the colour of a warning.
    expect(result.candidates[0]!.verdict.status).toBe("undecided");
    expect(html).toContain(`<div class="verdict not-judged" data-candidate="cand">${esc(result.candidates[0]!.verdict.message)}</div>`);
    const tag = (id: string) => new RegExp(`<details [^>]*data-case="s/${id}"[^>]*>`).exec(html)![0];
    expect(tag("c1")).toContain("data-regressed");
    expect(tag("c2")).toContain("data-regressed");
    expect(tag("c4")).toContain("data-improved");
    expect(tag("c4")).not.toContain("data-regressed");
    expect(html).not.toContain('data-case="s/c3"');
    expect(html).toContain("regressions: candidate worse (2)");
    expect(html).toContain("improvements (1)");
  });

  it("draws both measures of both providers, k = 1..5, with the provider's colour on each", () => {
    const chart = /data-chart="curve"[\s\S]*?<\/figure>/.exec(html)![0];
    const series = [...chart.matchAll(/<g class="series provider" data-provider="([^"]*)" data-measure="([^"]*)">([\s\S]*?)<\/g>/g)];
    expect(series.map((m) => [m[1], m[2]])).toEqual([
      ["ref&lt;b onmouseover=x&gt;", "pass@k"],
      ["ref&lt;b onmouseover=x&gt;", "pass^k"],
      ["cand", "pass@k"],
      ["cand", "pass^k"],
    ]);
    for (const m of series) expect(m[3]!.match(/<circle class="point/g)).toHaveLength(5);
    // Same colour for a provider's two curves, another for the other provider's; rings mark pass^k.
    const colour = (m: RegExpMatchArray) => /<polyline[^>]* stroke="([^"]+)"/.exec(m[3]!)![1];
    expect(colour(series[0]!)).toBe(colour(series[1]!));
    expect(colour(series[2]!)).not.toBe(colour(series[0]!));
    expect(series[1]![3]).toContain('fill="#fff"');
    // cand's pass^2 is the mean of C(1,2)/C(5,2) = 0, C(4,2)/C(5,2) = 0.6, 1 and 1: 0.65.
    expect(series[3]![3]).toContain("<title>cand: pass^2 = 0.65</title>");
    expect(chart).toMatch(/class="legend">.*ref&lt;b onmouseover=x&gt;.*cand/);
  });

  it("plots a provider whose cost is known, with its interval, and names the other; draws the latency it has", () => {
    const scatter = /data-chart="scatter"[\s\S]*?<\/figure>/.exec(html)![0];
    expect(scatter.match(/<circle class="point/g)).toHaveLength(1);
    expect(scatter.match(/<line class="whisker"/g)).toHaveLength(1);
    expect(scatter).toContain("85% (95% CI 70%–93%) for $0.02");
    expect(html).toContain("Not plotted (cost or pass rate unknown): cand");
    expect(html.match(/data-chart="latency"/g)).toHaveLength(1);
    expect(html).toContain("No latencies for: cand");
  });
});

describe("loading", () => {
  it("the registry loads the compare html reporter only when it renders", async () => {
    const rendered = COMPARE_REPORTERS.html!.render(result, { color: false, env: {} });
    expect(rendered).toBeInstanceOf(Promise);
    expect(await rendered).toBe(html);
    expect(COMPARE_REPORTERS.html!.defaultTarget).toEqual({ file: "harness-compare.html" });
  });

  it("no module imports the compare html reporter statically", () => {
    const src = path.resolve(__dirname, "../src");
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
    for (const f of files) {
      const text = readFileSync(path.join(src, f), "utf8");
      expect(/^\s*import\s[^;]*from\s+["'][^"']*\/compare-html\.js["']/m.test(text), f).toBe(false);
    }
  });
});
