/**
 * A report page opened from file:// in Debian's Chromium through playwright-core, with the
 * page's requests and errors written down. Chromium is required, not optional: without it
 * this throws, saying how to install it, so a missing browser fails a run and never skips it.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";
import { afterAll, beforeEach } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
// This machine's network is closed: without these Chromium stalls on its own background calls.
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface OpenedPage {
  page: Page;
  /** Every URL the page asked for. */
  requests: string[];
  /** Uncaught exceptions and console errors. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openInChromium(file: string): Promise<OpenedPage> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: the HTML report is tested in a real browser. Install it with: apt-get install -y chromium (see README, Development)`);
  }
  const userDataDir = await mkdtemp(path.join(tmpdir(), "harness-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const pageErrors: string[] = [];
  page.on("request", (req) => requests.push(req.url()));
  page.on("pageerror", (err) => pageErrors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") pageErrors.push(msg.text());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return {
    page,
    requests,
    pageErrors,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The data-case of every case element the page shows now (a hidden one has no offsetParent). */
export function visibleCases(page: Page): Promise<(string | null)[]> {
  return page.locator("details.case").evaluateAll((els) => els.filter((e) => (e as unknown as { offsetParent: unknown }).offsetParent !== null).map((e) => e.getAttribute("data-case")));
}

/** A full-page screenshot written afresh to `file` (an old one is removed first, so a stale file cannot pass), read back. */
export async function screenshotAt(page: Page, file: string): Promise<Buffer> {
  await rm(file, { force: true });
  await page.screenshot({ path: file, fullPage: true });
  return readFile(file);
}

/**
 * Hooks for a test file about one page: `write` makes the report and the page is opened by
 * the first test, so without Chromium every test fails saying how to install it; closed at the end.
 */
export function usePage(write: () => Promise<string>): () => OpenedPage {
  let opened: Promise<OpenedPage> | undefined;
  let current: OpenedPage | undefined;
  beforeEach(async () => {
    opened ??= write().then(openInChromium);
    current = await opened;
  });
  afterAll(async () => {
    await current?.close();
  });
  return () => current!;
}
