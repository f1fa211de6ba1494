/** --reporter html and --open, of eval and of compare, through the real binary on the example suites. */
import { existsSync } from "node:fs";
import { chmod, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExamples, runHarness } from "./cli-run.js";
import { waitFor } from "./helpers/project.js";

const offline = ["eval", "--offline", "-q"];

/** A stand-in browser that writes down what it was asked to open. */
async function recordingBrowser(dir: string): Promise<{ command: string; opened: string }> {
  const command = path.join(dir, "browser.sh");
  const opened = path.join(dir, "opened.txt");
  await writeFile(command, `#!/bin/sh\nprintf '%s\\n' "$@" > "${opened}.tmp" && mv "${opened}.tmp" "${opened}"\n`);
  await chmod(command, 0o755);
  return { command, opened };
}

describe("the html reporter from the command line", () => {
  it("eval writes harness-report.html; report re-renders the same page from the saved run", async () => {
    const dir = await copyExamples();
    const r = await runHarness([...offline, "--reporter", "html", "-o", "run.json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const html = await readFile(path.join(dir, "harness-report.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('data-case="legal-threat-escalates"');
    const again = await runHarness(["report", "run.json", "--reporter", "html:again.html"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(await readFile(path.join(dir, "again.html"), "utf8")).toBe(html);
  });
});

describe("eval --open", () => {
  it("adds the html reporter and opens its file with $BROWSER, detached", async () => {
    const dir = await copyExamples();
    const browser = await recordingBrowser(dir);
    const r = await runHarness([...offline, "--open"], { cwd: dir, env: { BROWSER: browser.command } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Gate: PASS"); // the terminal report is still there
    await waitFor(() => existsSync(browser.opened), 30_000, "the browser script to run");
    expect(await readFile(browser.opened, "utf8")).toBe(`${path.join(dir, "harness-report.html")}\n`);
    expect(existsSync(path.join(dir, "harness-report.html"))).toBe(true);
  });

  it("opens the file named by --reporter html:file, with %s in $BROWSER standing for it", async () => {
    const dir = await copyExamples();
    const browser = await recordingBrowser(dir);
    const r = await runHarness([...offline, "--open", "--reporter", "html:out/page.html"], { cwd: dir, env: { BROWSER: `${browser.command} --new-window %s` } });
    expect(r.code).toBe(0);
    await waitFor(() => existsSync(browser.opened), 30_000, "the browser script to run");
    expect(await readFile(browser.opened, "utf8")).toBe(`--new-window\n${path.join(dir, "out/page.html")}\n`);
  });

  it("a browser that cannot start is a warning, not an error", async () => {
    const dir = await copyExamples();
    const r = await runHarness([...offline, "--open"], { cwd: dir, env: { BROWSER: path.join(dir, "no-such-browser") } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^harness: warning: could not open harness-report\.html in a browser \(.*no-such-browser: spawn .* ENOENT\); open it yourself$/m);
  });

  it("--open with the page on standard output is a usage error, before anything runs", async () => {
    const dir = await copyExamples();
    const r = await runHarness([...offline, "--open", "--reporter", "html:-"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--open needs the HTML report in a file");
  });
});

describe("compare --reporter html and --open", () => {
  const compare = ["compare", "-p", "openai:gpt-4o-mini", "-p", "anthropic:claude-haiku-4-5", "--offline"];

  it("writes the comparison page, and only it: the terminal report is not asked for", async () => {
    const dir = await copyExamples();
    const r = await runHarness([...compare, "--reporter", "html:out.html"], { cwd: dir });
    expect(r.stderr).toBe("Wrote the html report to out.html.\n");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const html = await readFile(path.join(dir, "out.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("anthropic:claude-haiku-4-5 shows no significant drop against openai:gpt-4o-mini on these suites");
    expect(html).toContain('data-case="refund-policy/refund-after-window" data-candidate="anthropic:claude-haiku-4-5" data-regressed');
    for (const suite of ["order-router", "refund-policy"]) expect(html).toContain(`<div class="suite" data-suite="${suite}"><figure class="chart" data-chart="curve">`);
    expect(html).toContain("2× output must not match /\\b(full refund|refund you)\\b/i; got &quot;Our window is 30 days");
    expect(existsSync(path.join(dir, "harness-compare.html"))).toBe(false);
  });

  it("--open adds the html reporter at harness-compare.html and opens it, keeping the terminal report", async () => {
    const dir = await copyExamples();
    const browser = await recordingBrowser(dir);
    const r = await runHarness([...compare, "--open"], { cwd: dir, env: { BROWSER: browser.command } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Compare: PASS");
    await waitFor(() => existsSync(browser.opened), 30_000, "the browser script to run");
    expect(await readFile(browser.opened, "utf8")).toBe(`${path.join(dir, "harness-compare.html")}\n`);
    expect(await readFile(path.join(dir, "harness-compare.html"), "utf8")).toMatch(/^<!doctype html>[\s\S]*<h1>harness compare<\/h1>/);
  });

  it("--open with the page on standard output is a usage error, before any model is called", async () => {
    const dir = await copyExamples();
    const r = await runHarness([...compare, "--open", "--reporter", "html:-"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--open needs the HTML report in a file");
  });
});
