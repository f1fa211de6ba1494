/**
 * The HTML reporter as text: self-contained, escaped, and drawing the figures core/ computed.
 * What a browser makes of it is test/html-browser.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildHistoryEntry } from "../src/core/history.js";
import { MAX_CASES_WITH_ALL_TRIALS, renderHtml } from "../src/reporters/html.js";
import { REPORTERS } from "../src/reporters/index.js";
import { expectSelfContained } from "./helpers/html-page.js";
import { HOSTILE_OUTPUT, regressedRun } from "./helpers/regressed-run.js";

const result = regressedRun();
const html = renderHtml(result);

describe("the html reporter", () => {
  it("the run has the regression, failure and error the page must show", () => {
    expect(result.gate.regressions.map((r) => [r.kind, r.caseId])).toContainEqual(["case", "refund-window"]);
    expect(result.suites[0]!.totals.errored).toBe(1);
  });

  it("escapes outputs and reasons: markup from a model shows as text", () => {
    expect(html).not.toContain(HOSTILE_OUTPUT);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b onmouseover");
    expect(html).toContain("&lt;script&gt;window.__pwned = 1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;");
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it("shows hidden characters in outputs, reasons and errors as codes, as the terminal does; emoji and joined scripts stay whole", () => {
    const run = regressedRun();
    const [refund, , flaky] = run.suites[0]!.cases;
    const t = refund!.trials[0]!;
    t.output = "You will get a refund of \u202E0001$\u202C only. 👩🏽‍💻 می‌خواهم";
    t.grades[0]!.reason = "said \u200bno\u200b refund";
    flaky!.trials[4]!.error!.message = "app said \u202Edeen on\u202C";
    const page = renderHtml(run);
    // Obeyed, U+202E would show "0001$" as "$1000" to the person reading the page.
    expect(page).toContain("You will get a refund of \\u{202e}0001$\\u{202c} only. 👩🏽‍💻 می‌خواهم</pre>");
    expect(page).toContain("<li>1× said \\u{200b}no\\u{200b} refund</li>"); // the case's reasons and the gate's why
    expect(page).toContain("app said \\u{202e}deen on\\u{202c}</p>");
    expect(page).not.toMatch(/[\u200b\u202a-\u202e]/);
  });

  it("fetches nothing: no src or href, and a policy that allows only its own script, by hash", () => {
    expectSelfContained(html);
  });

  it("marks failing and regressed cases for the filters", () => {
    const tag = (id: string) => new RegExp(`<details [^>]*data-case="${id}"[^>]*>`).exec(html)![0];
    expect(tag("refund-window")).toContain("data-failed");
    expect(tag("refund-window")).toContain("data-regressed");
    expect(tag("flaky")).toContain("data-failed"); // its errored trial
    expect(tag("steady")).not.toContain("data-failed");
    expect(html).toContain("failures (2)");
    expect(html).toContain("regressions (1)");
  });

  it("draws the curve core computed over the suite's counted cases, and names them: k = 1..5 all leave out the case with 4 judged trials", () => {
    const curve = /data-chart="curve"[\s\S]*?<\/figure>/.exec(html)![0];
    expect(curve.match(/class="point at"/g)).toHaveLength(5);
    expect(curve.match(/class="point hat"/g)).toHaveLength(5);
    // refund-window 0/5 and steady 5/5 at every k; flaky (4/4 judged) is out of every point, not only k = 5.
    for (const k of [1, 4, 5]) {
      expect(curve).toContain(`pass^${k} = 0.50`);
      expect(curve).toContain(`pass@${k} = 0.50`);
    }
    // The point at k = 5 is the suite's own pass^5, over the cases the terminal names.
    expect(result.suites[0]!.passHatK).toBe(0.5);
    expect(curve).toContain("<figcaption>pass@k and pass^k for k = 1..5 (over 2 of 3 cases: 1 had fewer than 5 judged trials)");
  });

  it("shows the summary, the gate's why, a latency histogram and the cost scatter", () => {
    expect(html).toContain("Gate failed");
    expect(html).toContain("What failed the gate");
    expect(html).toContain("<code>refund-window</code> 5/5 → 0/5 passing");
    expect(html).toContain("latency p50 / p95 / max");
    expect(html.match(/<rect class="bar"/g)!.length).toBeGreaterThan(0);
    expect(/data-chart="scatter"[\s\S]*?<\/figure>/.exec(html)![0]).toContain('class="point scatter"');
  });

  it("a suite with an unknown cost is named, not plotted at zero", () => {
    const page = renderHtml(regressedRun({ withCost: false }));
    expect(/data-chart="scatter"[\s\S]*?<\/figure>/.exec(page)![0]).not.toContain('class="point scatter"');
    expect(page).toContain("Not plotted (cost or pass rate unknown): refund-policy (openai:gpt-4o-mini)");
  });

  it("counts in the singular where it is one: 1 trial per case, latency of 1 trial, the last 1 run", () => {
    const run = regressedRun();
    const s = run.suites[0]!;
    s.trials = 1;
    s.cases = [{ ...s.cases[1]!, trials: s.cases[1]!.trials.slice(0, 1) }];
    const page = renderHtml(run, { history: [buildHistoryEntry(run, { commit: null, dirty: null })] });
    expect(page).toContain(" · 1 trial per case</p>");
    expect(page).toContain("<figcaption>latency of 1 trial</figcaption>");
    expect(page).toContain("<figcaption>pass^k over the last 1 run ");
  });

  it("charts pass^k over the history only when given one", () => {
    expect(html).not.toContain('data-chart="history"');
    const earlier = { ...buildHistoryEntry(result, { commit: null, dirty: null }), time: "2026-11-20T00:00:00.000Z" };
    const other = { ...earlier, suites: { "refund-policy": { ...earlier.suites["refund-policy"]!, provider: "anthropic:claude-haiku-4-5", passHatK: 0.9 } } };
    const page = renderHtml(result, { history: [earlier, other, buildHistoryEntry(result, { commit: null, dirty: null })] });
    const chart = /data-chart="history"[\s\S]*?<\/figure>/.exec(page)![0];
    expect(chart.match(/class="point hat"/g)).toHaveLength(3);
    expect(chart.match(/class="marker"/g)).toHaveLength(2); // to anthropic, and back
  });
});

describe("loading", () => {
  it("the registry loads the html reporter only when it renders", async () => {
    const rendered = REPORTERS.html!.render(result, { color: false, env: {} });
    expect(rendered).toBeInstanceOf(Promise);
    expect(await rendered).toBe(html);
  });

  it("no module imports the html reporter statically", () => {
    const src = path.resolve(__dirname, "../src");
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
    for (const f of files) {
      const text = readFileSync(path.join(src, f), "utf8");
      expect(/^\s*import\s[^;]*from\s+["'][^"']*\/html\.js["']/m.test(text), f).toBe(false);
    }
  });
});

describe("the html reporter on a big suite", () => {
  const quietCases = MAX_CASES_WITH_ALL_TRIALS;
  const big = renderHtml(regressedRun({ quietCases }));
  const caseHtml = (page: string, id: string) => new RegExp(`<details[^>]*data-case="${id}"[\\s\\S]*?</details>`).exec(page)![0];
  const tables = (page: string) => page.match(/<table class="trials">/g)?.length ?? 0;

  it("lists every case, but the quiet ones without their trials' outputs", () => {
    expect(big.match(/<details class="case/g)).toHaveLength(quietCases + 3);
    expect(big).toContain(`data-case="quiet-${quietCases}"`);
    expect(big).not.toContain("quiet answer quiet-");
    expect(big).toContain(`${quietCases + 3} cases: listed without their trials' outputs are ${quietCases + 1} that passed every trial and did not change. The JSON report (-o) keeps every output.`);
    expect(caseHtml(big, "quiet-7")).toContain("5 trials, not shown on this page; the JSON report (-o) keeps every output.");
  });

  it("keeps the trials of the cases worth a look: the regression, the failure, the errored trial", () => {
    expect(caseHtml(big, "refund-window")).toContain('<table class="trials">');
    expect(caseHtml(big, "refund-window")).toContain("&lt;script&gt;window.__pwned");
    expect(caseHtml(big, "flaky")).toContain('<table class="trials">');
    expect(caseHtml(big, "steady")).not.toContain('<table class="trials">');
    expect(tables(big)).toBe(2);
  });

  it("counts a passing case new since the baseline as quiet: a suite the baseline lacks is all new", () => {
    const fresh = renderHtml(regressedRun({ quietCases, quietInBaseline: false }));
    expect(fresh).not.toContain("quiet answer quiet-");
    expect(tables(fresh)).toBe(2);
  });

  it("shows trials for at most the limit of cases worth a look, and says how many more there are", () => {
    const failing = renderHtml(regressedRun({ failingCases: MAX_CASES_WITH_ALL_TRIALS + 100 }));
    expect(tables(failing)).toBe(MAX_CASES_WITH_ALL_TRIALS);
    // refund-window, flaky and the first 498 failing cases have their trials; the other 102 are counted.
    expect(caseHtml(failing, "fail-498")).toContain('<table class="trials">');
    expect(caseHtml(failing, "fail-499")).not.toContain('<table class="trials">');
    expect(failing).toContain(`listed without their trials' outputs are 1 that passed every trial and did not change; 102 more worth a look, beyond the run's first ${MAX_CASES_WITH_ALL_TRIALS}.`);
  });

  it("counts the cases of the whole run, not of each suite: two suites of 303 are one run of 606", () => {
    const run = regressedRun({ quietCases: 300 });
    const twice = { ...run, suites: [run.suites[0]!, { ...run.suites[0]!, name: "second-suite" }] };
    const page = renderHtml(twice);
    expect(page).not.toContain("quiet answer quiet-");
    expect(page.match(/cases: listed without their trials' outputs are 301 that passed every trial/g)).toHaveLength(2);
  });

  it("shows every trial while a run has at most the limit of cases", () => {
    const small = renderHtml(regressedRun({ quietCases: quietCases - 3 }));
    expect(small).toContain("quiet answer quiet-1<");
    expect(small).not.toContain("listed without their trials' outputs");
  });
});
