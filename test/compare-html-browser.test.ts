/**
 * The compare page in a real browser: the real CLI compares the two example models offline,
 * and Chromium opens the file:// page. Each suite's chart draws both measures of both
 * providers, the scatter one point per provider, the filters work, nothing is fetched,
 * and a screenshot is kept in .harness/.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { beforeEach, describe, expect, it } from "vitest";
import type { ModelComparison } from "../src/core/model-comparison-types.js";
import { copyExamples, ROOT, runHarness } from "./cli-run.js";
import { screenshotAt, visibleCases, usePage } from "./helpers/chromium.js";

const SCREENSHOT = path.join(ROOT, ".harness", "compare-report.png");
const PROVIDERS = ["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"];

let page: Page;
let comparison: ModelComparison;

async function writeReport(): Promise<string> {
  const dir = await copyExamples();
  const r = await runHarness(["compare", ...PROVIDERS.flatMap((p) => ["-p", p]), "--offline", "-q", "--reporter", "html:out.html", "-o", "comparison.json"], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  comparison = JSON.parse(await readFile(path.join(dir, "comparison.json"), "utf8"));
  return path.join(dir, "out.html");
}

const browser = usePage(writeReport);
beforeEach(() => {
  page = browser().page;
});

describe("the compare page in Chromium", () => {
  it("each suite's chart has a pass@k and a pass^k curve per provider, k = 1..n each, and a legend naming both", async () => {
    expect(comparison.curves.map((c) => c.suite)).toEqual(["order-router", "refund-policy"]);
    for (const curves of comparison.curves) {
      const chart = page.locator(`.suite[data-suite="${curves.suite}"] [data-chart="curve"]`);
      expect(await chart.count()).toBe(1);
      expect(await chart.locator("g.series").count()).toBe(2 * PROVIDERS.length);
      for (const provider of PROVIDERS) {
        const n = curves.providers.find((p) => p.label === provider)!.k;
        expect(n).toBe(5);
        const mine = chart.locator(`g.series[data-provider="${provider}"]`);
        expect(await mine.locator("polyline").count()).toBe(2);
        expect(await mine.locator("circle.point").count()).toBe(2 * n);
        for (const measure of ["pass@k", "pass^k"]) expect(await chart.locator(`g.series[data-provider="${provider}"][data-measure="${measure}"] circle.point`).count()).toBe(n);
        const box = await mine.locator("polyline").first().boundingBox();
        expect(box!.width).toBeGreaterThan(0);
      }
      const legend = await chart.locator(".legend").innerText();
      for (const provider of PROVIDERS) expect(legend).toContain(provider);
    }
  });

  it("the scatter has one point per provider, each named in its key", async () => {
    const scatter = page.locator('[data-chart="scatter"]');
    expect(await scatter.locator("circle.point").count()).toBe(2);
    const key = await scatter.locator("ol.key-list").innerText();
    for (const provider of PROVIDERS) expect(key).toContain(provider);
    // Each provider's latency distribution is drawn with bars of some height.
    for (const provider of PROVIDERS) {
      const bars = await page.locator(`[data-provider="${provider}"] [data-chart="latency"] rect.bar`).evaluateAll((rs) => rs.map((r) => (r as unknown as { getBBox(): { height: number } }).getBBox().height));
      expect(bars.some((h) => h > 0)).toBe(true);
    }
  });

  it("the regressions filter leaves only the case the candidate did worse on; improvements only the better ones", async () => {
    const discordant = comparison.candidates[0]!.discordant;
    const ids = (direction: string) => discordant.filter((d) => d.direction === direction).map((d) => `${d.suite}/${d.caseId}`);
    expect(await visibleCases(page)).toEqual([...ids("worse"), ...ids("better")]);
    await page.click('button[data-show="regressions"]');
    expect(await visibleCases(page)).toEqual(["refund-policy/refund-after-window"]);
    expect(ids("worse")).toEqual(["refund-policy/refund-after-window"]);
    await page.click('button[data-show="improvements"]');
    expect(await visibleCases(page)).toEqual(ids("better"));
    expect(ids("better")).toHaveLength(2);
    await page.click('button[data-show="all"]');
    expect(await visibleCases(page)).toHaveLength(3);
  });

  it("fetches nothing from any network and raises no error", async () => {
    expect(browser().requests.length).toBeGreaterThan(0);
    for (const url of browser().requests) expect(url.startsWith("file:") || url.startsWith("data:"), url).toBe(true);
    expect(browser().pageErrors).toEqual([]);
  });

  it("takes a screenshot into .harness/", async () => {
    const png = await screenshotAt(page, SCREENSHOT);
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect((await stat(SCREENSHOT)).size).toBeGreaterThan(20_000);
  });
});
