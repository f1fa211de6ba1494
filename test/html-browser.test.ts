/**
 * The HTML report in a real browser: Debian's Chromium, driven by playwright-core, opens the
 * file:// page the real CLI wrote from the example suites. The charts render, the filters
 * work, markup in an output stays text, nothing is fetched, and a screenshot is kept in .harness/.
 * Chromium is required, not optional: without it this file fails and says how to install it.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { beforeEach, describe, expect, it } from "vitest";
import type { RunResult } from "../src/core/types.js";
import { copyExamples, ROOT, runHarness } from "./cli-run.js";
import { screenshotAt, visibleCases as shownCases, usePage } from "./helpers/chromium.js";

const SCREENSHOT = path.join(ROOT, ".harness", "html-report.png");
const HOSTILE = `<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">`;

let page: Page;
let run: RunResult;

/** The saved run, with one failing output turned into markup, and legal-threat-escalates' baseline raised to 5/5 (a drop). */
async function writeReport(): Promise<string> {
  const dir = await copyExamples();
  const baselineFile = path.join(dir, "evals", "baseline.json");
  const baseline = JSON.parse(await readFile(baselineFile, "utf8"));
  baseline.suites["refund-policy"].cases["legal-threat-escalates"].passes = 5;
  await writeFile(baselineFile, JSON.stringify(baseline));
  const r = await runHarness(["eval", "--offline", "-q", "-o", "run.json"], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  run = JSON.parse(await readFile(path.join(dir, "run.json"), "utf8"));
  const failing = run.suites.flatMap((s) => s.cases).flatMap((c) => c.trials).find((t) => t.passed === false)!;
  failing.output = HOSTILE;
  await writeFile(path.join(dir, "run.json"), JSON.stringify(run));
  const html = await runHarness(["report", "run.json", "--reporter", "html"], { cwd: dir });
  expect(html.code, html.stderr).toBe(0);
  return path.join(dir, "harness-report.html");
}

const browser = usePage(writeReport);
beforeEach(() => {
  page = browser().page;
});

const visibleCases = () => shownCases(page);

describe("the HTML report in Chromium", () => {
  it("renders every chart as an SVG of non-zero size, with its data points", async () => {
    const charts = page.locator("figure.chart svg");
    // The scatter, then per suite the pass@k/pass^k curve and the latency histogram.
    expect(await charts.count()).toBe(1 + 2 * run.suites.length);
    for (const svg of await charts.all()) {
      const box = await svg.boundingBox();
      expect(box!.width).toBeGreaterThan(0);
      expect(box!.height).toBeGreaterThan(0);
    }
    for (const s of run.suites) {
      const section = page.locator(`section.suite[data-suite="${s.name}"]`);
      const points = section.locator('[data-chart="curve"] circle.point');
      expect(await points.count()).toBe(2 * s.trials);
      const box = await points.first().boundingBox();
      expect(box!.width).toBeGreaterThan(0);
      const bars = await section.locator('[data-chart="latency"] rect.bar').evaluateAll((rs) => rs.map((r) => (r as unknown as { getBBox(): { height: number } }).getBBox().height));
      expect(bars.some((h) => h > 0)).toBe(true);
    }
    expect(await page.locator('[data-chart="scatter"] circle.point').count()).toBe(run.suites.length);
  });

  it("the failures filter leaves only failing cases; regressions only the dropped one", async () => {
    const all = run.suites.flatMap((s) => s.cases);
    const failing = all.filter((c) => c.passes < c.n || c.errored > 0).map((c) => c.id);
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.length).toBeLessThan(all.length);
    expect(await visibleCases()).toEqual(all.map((c) => c.id));
    await page.click('button[data-show="failures"]');
    expect(await visibleCases()).toEqual(failing);
    await page.click('button[data-show="regressions"]');
    expect(await visibleCases()).toEqual(["legal-threat-escalates"]);
    await page.click('button[data-show="all"]');
    expect(await visibleCases()).toHaveLength(all.length);
  });

  it("markup in a model's output is shown as text and never runs", async () => {
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("pre.output", { hasText: HOSTILE }).count()).toBe(1);
    expect(browser().pageErrors).toEqual([]);
  });

  it("fetches nothing from any network: every request is the file itself or data:", async () => {
    expect(browser().requests.length).toBeGreaterThan(0);
    for (const url of browser().requests) expect(url.startsWith("file:") || url.startsWith("data:"), url).toBe(true);
  });

  it("takes a screenshot into .harness/", async () => {
    await page.click('button[data-show="failures"]');
    const png = await screenshotAt(page, SCREENSHOT);
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect((await stat(SCREENSHOT)).size).toBeGreaterThan(20_000);
  });
});
