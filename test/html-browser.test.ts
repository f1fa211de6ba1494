/**
 * The HTML report in a real browser: Debian's Chromium, driven by playwright-core, opens the
 * file:// page the real CLI wrote from the example suites. The charts render, the filters
 * work, markup in an output stays text, nothing is fetched, and a screenshot is kept in .harness/.
 * Chromium is required, not optional: without it this file fails and says how to install it.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { RunResult } from "../src/core/types.js";
import { copyExamples, ROOT, runHarness } from "./cli-run.js";

const CHROMIUM = "/usr/bin/chromium";
// This machine's network is closed: without these Chromium stalls on its own background calls.
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SCREENSHOT = path.join(ROOT, ".harness", "html-report.png");
const HOSTILE = `<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">`;

let context: BrowserContext;
let page: Page;
let userDataDir: string;
let run: RunResult;
const requests: string[] = [];
const pageErrors: string[] = [];

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

/**
 * Opened by the first test that needs it, so that without Chromium every test fails with
 * the message below: a missing browser must fail the run, never skip it.
 */
let opened: Promise<Page> | undefined;
function openReport(): Promise<Page> {
  opened ??= (async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: the HTML report is tested in a real browser. Install it with: apt-get install -y chromium (see README, Development)`);
    }
    const file = await writeReport();
    userDataDir = await mkdtemp(path.join(tmpdir(), "harness-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 900 } });
    const p = await context.newPage();
    p.on("request", (req) => requests.push(req.url()));
    p.on("pageerror", (err) => pageErrors.push(err.message));
    p.on("console", (msg) => {
      if (msg.type() === "error") pageErrors.push(msg.text());
    });
    await p.goto(pathToFileURL(file).href, { waitUntil: "load" });
    return p;
  })();
  return opened;
}

beforeEach(async () => {
  page = await openReport();
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

const visibleCases = () => page.locator("details.case").evaluateAll((els) => els.filter((e) => (e as unknown as { offsetParent: unknown }).offsetParent !== null).map((e) => e.getAttribute("data-case")));

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
    expect(pageErrors).toEqual([]);
  });

  it("fetches nothing from any network: every request is the file itself or data:", async () => {
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(url.startsWith("file:") || url.startsWith("data:"), url).toBe(true);
  });

  it("takes a screenshot into .harness/", async () => {
    await rm(SCREENSHOT, { force: true });
    await page.click('button[data-show="failures"]');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = await readFile(SCREENSHOT);
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect((await stat(SCREENSHOT)).size).toBeGreaterThan(20_000);
  });
});
