/**
 * Reporters render one RunResult and decide nothing. Each is checked on a run with a
 * regression, built by the real pipeline (buildRunResult) from a small raw run; JUnit XML
 * is parsed back with a real XML parser and checked against the JUnit schema's required shape.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { buildRunResult } from "../src/core/result.js";
import type { Baseline, LoadedCase, LoadedSuite, RawRun, TrialResult } from "../src/core/types.js";
import { renderGithub } from "../src/reporters/github.js";
import { renderJunit } from "../src/reporters/junit.js";
import { renderMarkdown } from "../src/reporters/markdown.js";
import { renderTerminal } from "../src/reporters/terminal.js";
import { describeErrors, fmtPct, fmtUsd } from "../src/reporters/format.js";

function trial(index: number, passed: boolean, output: string): TrialResult {
  return {
    index,
    output,
    passed,
    pending: false,
    grades: [{ type: "icontains", pass: passed, score: passed ? 1 : 0, reason: passed ? "ok" : `output must contain "30 days"; got ${JSON.stringify(output)}` }],
    latencyMs: 100,
    usage: { inputTokens: 10, outputTokens: 5 },
    costUsd: 0.0001,
    cached: true,
    retries: 0,
    judge: null,
    error: null,
  };
}

const mkCase = (id: string, line: number, description?: string): LoadedCase => ({ id, description, vars: {}, messages: [{ role: "user", content: id }], graders: [], line, promptHash: `h-${id}` });

// Eight cases; "refund-window" went from 5/5 to 0/5 (a regression); the output has characters XML and workflow commands must escape.
const cases = Array.from({ length: 8 }, (_, i) => mkCase(i === 0 ? "refund-window" : `case-${i}`, 10 + 5 * i, i === 0 ? "promised a refund on day 45 (ticket 4411) <& \"'>" : undefined));
const suite: LoadedSuite = { name: "refund-policy", file: "evals/refund-policy.yaml", dir: "/", provider: { id: "openai:gpt-4o-mini", config: {} }, judge: undefined, trials: 5, threshold: undefined, cases };
const raw: RawRun = {
  startedAt: "2026-11-24T10:00:00.000Z",
  durationMs: 1234,
  suites: [{ suite, cases: cases.map((c, i) => ({ case: c, trials: Array.from({ length: 5 }, (_, t) => trial(t, i !== 0, i === 0 ? "Sure, full refund!\n<b>&\u0000" : "30 days")) })) }],
};
const baseline: Baseline = {
  schemaVersion: 1,
  createdAt: "2026-11-01T00:00:00.000Z",
  harnessVersion: "0.1.0",
  git: { commit: "abcdef1234567", dirty: false },
  suites: { "refund-policy": { provider: "openai:gpt-4o-mini", trials: 5, k: 5, passAtK: 1, passHatK: 1, passRate: 1, cases: Object.fromEntries(cases.map((c) => [c.id, { n: 5, passes: 5, errored: 0, promptHash: c.promptHash }])) } },
};
const result = buildRunResult(raw, { baseline, baselinePath: "evals/baseline.json", harnessVersion: "0.1.0" });

describe("the run these reporters render", () => {
  it("says how to accept the drop if it was meant, in the terminal and in Markdown; not for a floor, which --update-baseline does not move", () => {
    const hint = "If the change is intended, accept it as the new reference: harness eval --update-baseline, then commit evals/baseline.json.";
    expect(renderTerminal(result, { color: false })).toContain(`\n${hint}`);
    // In Markdown, as code spans: copied from the page, the command is what the shell reads.
    expect(renderMarkdown(result)).toContain("\nIf the change is intended, accept it as the new reference: `harness eval --update-baseline`, then commit `evals/baseline.json`.\n");
    // Another baseline than the default: the command names it, or it would write the default.
    const elsewhere = { ...result, gate: { ...result.gate, baseline: { ...result.gate.baseline!, path: "base/other.json" } } };
    expect(renderTerminal(elsewhere, { color: false })).toContain("harness eval --baseline base/other.json --update-baseline, then commit base/other.json.");
    // A merged run is accepted by merging its shards again, named as they were (quoted for the shell where needed).
    const merged = { ...elsewhere, mergedFrom: ["shards/1.json", "shard two's.json"] };
    expect(renderTerminal(merged, { color: false })).toContain("harness merge shards/1.json 'shard two'\\''s.json' --baseline base/other.json --update-baseline, then commit base/other.json.");
    // In Markdown, whole (four shards named as the README names them passed a cell's 200
    // characters), with no escape or mention mark: what is copied is what the shell reads.
    const four = { ...result, mergedFrom: ["1", "2", "3", "4"].map((i) => `reports/shard-${i}@ci.json`) };
    expect(renderMarkdown(four)).toContain(
      "accept it as the new reference: `harness merge reports/shard-1@ci.json reports/shard-2@ci.json reports/shard-3@ci.json reports/shard-4@ci.json --update-baseline`, then commit `evals/baseline.json`.\n",
    );
    expect(renderMarkdown({ ...result, mergedFrom: ["a`b.json"] })).toContain("``harness merge 'a`b.json' --update-baseline``");
    // Every one named, however many (a placeholder pasted is a shell redirection); one that looks like an option, as a path.
    const many = { ...result, mergedFrom: ["1", "2", "3", "4", "5"].map((i) => `r/${i}.json`).concat("-6.json") };
    expect(renderTerminal(many, { color: false })).toContain("harness merge r/1.json r/2.json r/3.json r/4.json r/5.json ./-6.json --update-baseline, then commit evals/baseline.json.");
    const floorOnly = { ...result, gate: { ...result.gate, regressions: [{ kind: "threshold" as const, suite: "refund-policy", message: "pass^5 0.875 is below the threshold 0.9" }] } };
    expect(renderTerminal(floorOnly, { color: false })).not.toContain("If the change is intended");
    expect(renderMarkdown(floorOnly)).not.toContain("If the change is intended");
    // Nor where a floor failed beside the drop: --update-baseline would still fail on it.
    const withFloor = { ...result, gate: { ...result.gate, regressions: [...result.gate.regressions, floorOnly.gate.regressions[0]!] } };
    expect(renderTerminal(withFloor, { color: false })).not.toContain("If the change is intended");
    // Nor for a case undecided for its errors: --update-baseline keeps its entry as it was.
    const undecided = { ...result, comparison: { ...result.comparison!, cases: result.comparison!.cases.map((c) => (c.caseId === "refund-window" ? { ...c, status: "undecided" as const } : c)) } };
    expect(renderTerminal(undecided, { color: false })).not.toContain("If the change is intended");
  });

  it("has the regression the gate found", () => {
    expect(result.gate.status).toBe("fail");
    expect(result.gate.regressions.map((r) => [r.kind, r.caseId])).toEqual([
      ["case", "refund-window"],
      ["suite", undefined],
    ]);
  });
});

describe("junit", () => {
  const xml = renderJunit(result);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase"].includes(name) });

  it("is well-formed XML, with the JUnit schema's required structure and counts", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser.parse(xml);
    const root = doc.testsuites;
    expect(root).toMatchObject({ name: "harness", tests: "9", failures: "2", errors: "0", skipped: "0" });
    const [ts] = root.testsuite;
    // Required by the schema: name, tests, failures, errors on testsuite; name and classname on testcase.
    for (const a of ["name", "tests", "failures", "errors", "time"]) expect(ts).toHaveProperty(a);
    expect(ts.testcase).toHaveLength(9); // eight cases and the suite's own gate
    for (const tc of ts.testcase) for (const a of ["name", "classname", "time"]) expect(tc).toHaveProperty(a);
  });

  it("fails the regressed case with the gate's message and the reasons, at its file and line", () => {
    const tc = parser.parse(xml).testsuites.testsuite[0].testcase.find((t: { name: string }) => t.name === "refund-window");
    expect(tc).toMatchObject({ classname: "refund-policy", file: "evals/refund-policy.yaml", line: "10" });
    expect(tc.failure.message).toMatch(/^regressed: 5\/5 → 0\/5 passing/);
    expect(tc.failure["#text"]).toContain('5× output must contain "30 days"');
    // The NUL byte XML cannot hold is gone; the specials came back intact through the parser.
    expect(tc.failure["#text"]).toContain("<b>&");
    expect(xml).not.toContain("\u0000");
  });

  it("shows hidden characters in model text as codes: a bidi override would make a CI viewer show $1000 for 0001$", () => {
    const c = mkCase("bidi", 1);
    const r = buildRunResult({ startedAt: "", durationMs: 0, suites: [{ suite: { ...suite, cases: [c] }, cases: [{ case: c, trials: [trial(0, false, "refund of \u202e0001$\u202c only")] }] }] }, { harnessVersion: "0.1.0" });
    const out = renderJunit(r);
    expect(out).not.toMatch(/[\u202a-\u202e]/);
    expect(out).toContain("\\u{202e}0001$\\u{202c}");
  });

  it("passes unchanged cases, and names the suite-level verdict", () => {
    const cases = parser.parse(xml).testsuites.testsuite[0].testcase;
    const ok = cases.find((t: { name: string }) => t.name === "case-1");
    expect(ok.failure).toBeUndefined();
    expect(ok["system-out"]).toMatch(/^5\/5 judged trials passed/);
    expect(cases.find((t: { name: string }) => t.name === "(suite gate)").failure.message).toMatch(/^pass rate 40\/40 → 35\/40 over the cases both runs judged \(one-sided exact test, stratified by case, p /);
  });

  it("keeps the suite's own verdict as a passing testcase when nothing is wrong: the count of tests does not move", () => {
    const passing = parser.parse(renderJunit(buildRunResult(raw, { harnessVersion: "0.1.0" }))).testsuites;
    expect(passing).toMatchObject({ tests: "9", failures: "0" });
    const gate = passing.testsuite[0].testcase.find((t: { name: string }) => t.name === "(suite gate)");
    expect(gate).toBeDefined();
    expect(gate.failure).toBeUndefined();
  });
});

describe("markdown", () => {
  const md = renderMarkdown(result);
  it("leads with the verdict, tabulates each suite, and says what failed and why", () => {
    expect(md.split("\n")[0]).toBe("### ❌ Gate failed: 2 problems");
    // Seven cases always pass, one never: pass@5 = pass^5 = 7/8; pooled 35/40.
    expect(md).toContain("| refund-policy | 0.88 (k=5) | 0.88 | 88% (");
    expect(md).toContain("100% → 88% ❌");
    expect(md).toContain("- **refund-policy / refund-window** (case): 5/5 → 0/5 passing");
    expect(md).toContain("  - guards: promised a refund on day 45 (ticket 4411)");
    expect(md).toContain('  - 5× output must contain "30 days"');
    expect(md).toContain("Baseline evals/baseline.json @ abcdef1");
  });

  it("under a suite below its threshold, names the cases that pulled it down, worst first, with why", () => {
    // Case i passes min(i, 4) of its 5 trials, case 7 all of them: seven cases below 5/5, five shown.
    const uneven: RawRun = {
      ...raw,
      suites: [{ suite: { ...suite, threshold: { passHatK: 0.95, passRate: 0.95 } }, cases: cases.map((c, i) => ({ case: c, trials: Array.from({ length: 5 }, (_, t) => trial(t, t < Math.min(i, 4) || i === 7, "no")) })) }],
    };
    const r = buildRunResult(uneven, { harnessVersion: "0.1.0" });
    // Below two floors: the cases are listed once, not under each.
    expect(r.gate.regressions.map((x) => x.kind)).toEqual(["threshold", "threshold"]);
    const md = renderMarkdown(r);
    const listed = md.split("\n").filter((l) => /^ {2}- (?!and )/.test(l));
    expect(listed).toEqual([
      "  - refund-window: 0/5 passed; guards: promised a refund on day 45 (ticket 4411) &lt;&amp; \"'&gt;",
      "  - case-1: 1/5 passed",
      "  - case-2: 2/5 passed",
      "  - case-3: 3/5 passed",
      "  - case-4: 4/5 passed",
    ]);
    expect(md).toContain('    - 5× output must contain "30 days"; got "no"');
    expect(md).toContain("  - and 2 more cases with failing trials");
  });

  it("a suite's errored trials say apart those a stop cancelled, which never ran", () => {
    const failed = (index: number, category: "server-error" | "cancelled"): TrialResult => ({ ...trial(index, false, ""), output: null, passed: null, grades: [], error: { category, message: category } });
    // Case 0: two errored at the server; cases 1..7 cancelled from the third trial on.
    const stopped: RawRun = { ...raw, suites: [{ suite, cases: cases.map((c, i) => ({ case: c, trials: Array.from({ length: 5 }, (_, t) => (i === 0 ? (t < 2 ? failed(t, "server-error") : trial(t, true, "30 days")) : t < 2 ? trial(t, true, "30 days") : failed(t, "cancelled"))) })) }] };
    const r = buildRunResult(stopped, { harnessVersion: "0.1.0", interrupted: "SIGINT" });
    expect(r.suites[0]!.totals).toMatchObject({ errored: 23, cancelled: 21 });
    expect(renderTerminal(r, { color: false })).toContain("17 passed, 0 failed, 2 errored, 21 cancelled when the run stopped");
    expect(renderMarkdown(r)).toContain("17/40 passed, 2 errored, 21 cancelled when the run stopped");
    expect(buildRunResult(raw, { harnessVersion: "0.1.0" }).suites[0]!.totals.cancelled).toBeUndefined();
  });

  it("with no baseline, an interrupted run neither promises to become it nor advises writing one from it", () => {
    const say = (o: { interrupted?: "SIGINT"; updatingBaseline?: boolean }) => renderTerminal(buildRunResult(raw, { harnessVersion: "0.1.0", ...o }), { color: false });
    expect(say({ updatingBaseline: true })).toContain("No baseline yet: nothing to compare against; this run becomes it (--update-baseline).");
    expect(say({})).toContain("No baseline: nothing to compare against. Write one with --update-baseline.");
    const stoppedUpdating = say({ updatingBaseline: true, interrupted: "SIGINT" });
    expect(stoppedUpdating).toContain("No baseline yet: nothing to compare against. This run, interrupted, does not become it.");
    expect(stoppedUpdating).not.toContain("becomes it");
    const stopped = say({ interrupted: "SIGINT" });
    expect(stopped).toContain("No baseline: nothing to compare against.\n");
    expect(stopped).not.toContain("Write one with --update-baseline");
  });

  it("a case compared on the few trials that did not error says how many errored, not a bare 'same'", async () => {
    const { renderHtml } = await import("../src/reporters/html.js");
    const crashed = (index: number): TrialResult => ({ ...trial(index, false, ""), output: null, passed: null, grades: [], error: { category: "server-error", message: "app exited 1" } });
    const cancelled = (index: number): TrialResult => ({ ...crashed(index), error: { category: "cancelled", message: "the run stopped" } });
    // case-1 (5/5 in the baseline): one trial judged and passing, four errored; case-2: two of five
    // errored; case-3: four cancelled by a stop, which never ran and are not the case's errors.
    const shaky: RawRun = { ...raw, suites: [{ suite, cases: cases.map((c, i) => ({ case: c, trials: Array.from({ length: 5 }, (_, t) => (i === 1 && t > 0) || (i === 2 && t < 2) ? crashed(t) : i === 3 && t > 0 ? cancelled(t) : trial(t, i !== 0, i === 0 ? "no" : "30 days")) })) }] };
    const r = buildRunResult(shaky, { baseline, harnessVersion: "0.1.0", maxErrorShare: 0.5 });
    expect(r.comparison!.cases.find((c) => c.caseId === "case-1")).toMatchObject({ status: "same", current: { n: 1, passes: 1 }, errored: 4 });
    const rows = renderTerminal(r, { color: false }).split("\n");
    expect(rows.find((l) => l.includes("case-1"))).toMatch(/same \(4 of 5 errored\)/);
    expect(rows.find((l) => l.includes("case-2"))).toMatch(/│ same +│/);
    expect(rows.find((l) => l.includes("case-3"))).toMatch(/│ same +│/);
    expect(renderHtml(r)).toContain("same (baseline 5/5), 4 of 5 errored</span>");
  });

  it("a cost under a dollar keeps two significant digits, so costs side by side keep their ratio", () => {
    // 0.010875 and 0.0015 read $0.01 and $0.0015 before: a ratio of 7.3 shown as 6.7.
    expect([0.010875, 0.0015, 0.0003, 0.000345, 0.234, 0.5, 0.0999, 0, 1, 12.345, 2e-7, null].map(fmtUsd)).toEqual(["$0.011", "$0.0015", "$0.0003", "$0.00034", "$0.23", "$0.50", "$0.10", "$0.00", "$1.00", "$12.35", "< $0.000001", "unknown"]);
  });

  it("a percentage never rounds to 100% or 0% that it is not", () => {
    expect([1, 0.998, 0.9996, 0.99999, 0.5, 0.004, 0.00001, 0].map(fmtPct)).toEqual(["100%", "99.8%", "99.96%", "> 99.99%", "50%", "0.4%", "< 0.01%", "0%"]);
  });

  it("says when pass@k and pass^k leave out cases with fewer than k judged trials, as the terminal does", () => {
    const errored: TrialResult = { ...trial(4, false, ""), output: null, passed: null, grades: [], error: { category: "server-error", message: "HTTP 500" } };
    const short: RawRun = { ...raw, suites: [{ suite, cases: cases.map((c, i) => ({ case: c, trials: Array.from({ length: 5 }, (_, t) => (i === 3 && t === 4 ? { ...errored, index: t } : trial(t, true, "30 days"))) })) }] };
    const md = renderMarkdown(buildRunResult(short, { harnessVersion: "0.1.0" }));
    expect(md).toContain("| refund-policy | 1.00 (k=5) (over 7 of 8 cases) | 1.00 (over 7 of 8 cases) |");
    expect(renderMarkdown(buildRunResult(raw, { harnessVersion: "0.1.0" }))).not.toContain("over ");
  });

  it("shows the monitoring figures: latency p50/p95/max, tokens, refusals, answers cut at the token limit and errors by category", () => {
    const slow = (t: TrialResult, i: number): TrialResult => ({ ...t, latencyMs: 100 + 10 * i });
    const monitored: RawRun = {
      ...raw,
      suites: raw.suites.map((s) => ({
        ...s,
        cases: s.cases.map((c, ci) => ({
          ...c,
          trials: c.trials.map((t, i) =>
            ci === 1 && i === 0 ? { ...t, output: null, passed: null, latencyMs: null, usage: null, costUsd: null, error: { category: "rate-limit" as const, message: "429" } } : ci === 2 && i === 0 ? { ...slow(t, i), refused: true as const } : ci === 3 && i < 2 ? { ...slow(t, i), truncated: true as const } : slow(t, i),
          ),
        })),
      })),
    };
    const r = buildRunResult(monitored, { harnessVersion: "0.1.0" });
    expect(r.suites[0]!.refusals).toBe(1);
    const text = renderMarkdown(r);
    // Latencies 100, 110, 120, 130, 140 per case (one trial errored): p50 120, max 140; 39 answers × 10 in / 5 out.
    expect(text).toContain("1 refused, 2 cut at the token limit | 120 ms / 140 ms / 140 ms | 390 / 195 |");
    expect(text).toContain("1 of 40 trials errored (3%): rate-limit 1.");
    expect(renderTerminal(r, { color: false })).toMatch(/cost \S+ {3}1 refusal {3}2 answers cut at the token limit \(maxTokens\)\n/);
  });
});

describe("github", () => {
  it("one error annotation per problem, at the case's line, with the message escaped", () => {
    const lines = renderGithub(result).trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      "::error file=evals/refund-policy.yaml,line=10,title=Regression%3A refund-policy/refund-window::" +
        `${result.gate.regressions[0]!.message.replace(/%/g, "%25")}%0AGuards: promised a refund on day 45 (ticket 4411) <& "'>`,
    );
    expect(lines[1]).toMatch(/^::error file=evals\/refund-policy\.yaml,title=Gate%3A refund-policy \(suite\)::pass rate 40\/40 → 35\/40 over the cases both runs judged/);
  });

  it("a run not judged is one warning, not regressions from trials it may have cancelled", () => {
    const stopped = buildRunResult(raw, { baseline, harnessVersion: "0.1.0", interrupted: "SIGINT" });
    expect(stopped.gate.regressions.length).toBeGreaterThan(0);
    expect(renderGithub(stopped).trim().split("\n")).toEqual(["::warning title=harness%3A run not judged::the run was interrupted by SIGINT"]);
    // Markdown lists what it found, but not as what failed: the verdict above it says not judged.
    const md = renderMarkdown(stopped);
    expect(md).toMatch(/^### ⚠️ Not judged: the run was interrupted by SIGINT\n/);
    expect(md).toContain("#### Found before the run stopped (not a verdict: the run was not judged)");
    expect(md).not.toContain("What failed");
    expect(renderMarkdown(result)).toContain("#### What failed the gate");
  });
});

describe("runs that are not judged, and untrusted text", () => {
  it("junit adds an erroring (run) testcase when the run could not be judged, but not for a deferred shard", () => {
    const notJudged = buildRunResult(raw, { baseline, harnessVersion: "0.1.0", interrupted: "SIGINT" });
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (n) => ["testsuite", "testcase"].includes(n) }).parse(renderJunit(notJudged));
    expect(doc.testsuites.errors).toBe("1");
    const run = doc.testsuites.testsuite.find((s: { name: string }) => s.name === "harness");
    expect(run.testcase[0].error.message).toBe("the run was interrupted by SIGINT");
    const shard = buildRunResult(raw, { baseline, harnessVersion: "0.1.0", shard: { index: 1, count: 2 } });
    expect(renderJunit(shard)).not.toContain("(run)");
    expect(renderGithub(shard)).toBe("");
  });

  it("markdown escapes HTML, code and mentions from outputs and descriptions", () => {
    const md = renderMarkdown(result);
    expect(md).toContain("&lt;&amp; \"'&gt;");
    expect(md).not.toContain("<b>");
    const mention = renderMarkdown({ ...result, gate: { ...result.gate, regressions: [{ kind: "suite", suite: "s", message: "ping @octocat `x`" }] } });
    expect(mention).toContain("ping @\u200boctocat \\`x\\`");
  });

  it("markdown over a size limit with so many suites that their table alone is over: the table is cut too, whole rows", () => {
    const suites = Array.from({ length: 2000 }, (_, i) => ({ ...result.suites[0]!, name: `suite-${i}` }));
    const big = { ...result, suites, gate: { ...result.gate, regressions: [{ kind: "suite" as const, suite: "suite-1", message: "dropped" }] } };
    const cut = renderMarkdown(big, { maxBytes: 60_000, fullAt: "the job summary" });
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(60_000);
    const shown = cut.split("\n").filter((l) => l.startsWith("| suite-")).length;
    expect(shown).toBeGreaterThan(100);
    expect(cut).toContain(`| … and ${2000 - shown} more suites, left out for GitHub's size limit: all are in the job summary |`);
    expect(cut).toContain("- … and 1 more problem, left out for GitHub's size limit: all are in the job summary");
  });

  it("markdown escapes a not-judged reason: it quotes servers and exec commands", () => {
    const md = renderMarkdown({ ...result, gate: { ...result.gate, judged: false, notJudgedReason: "exec:./x-<img src=x>-|-**b** @octocat" } });
    expect(md.split("\n")[0]).toBe("### ⚠️ Not judged: exec:./x-&lt;img src=x&gt;-\\|-\\*\\*b\\*\\* @\u200boctocat");
  });

  it("markdown over a size limit lists what failed up to it, whole problems only, and says how many more and where", () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ kind: "suite" as const, suite: `suite-${i}`, message: `pass rate dropped ${"x".repeat(200)}` }));
    const big = { ...result, gate: { ...result.gate, regressions: many } };
    const whole = renderMarkdown(big);
    expect(Buffer.byteLength(whole)).toBeGreaterThan(60_000);
    // No limit, or one it fits under: the same text.
    expect(renderMarkdown(big, { maxBytes: 10_000_000, fullAt: "the job summary" })).toBe(whole);
    const cut = renderMarkdown(big, { maxBytes: 60_000, fullAt: "the job summary" });
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(60_000);
    const shown = cut.split("\n").filter((l) => l.startsWith("- **suite-")).length;
    expect(shown).toBeGreaterThan(200);
    expect(cut).toContain(`- … and ${500 - shown} more problems, left out for GitHub's size limit: all are in the job summary`);
    // What is shown is the whole text's beginning, and its end (the baseline line) is kept.
    expect(whole.startsWith(cut.slice(0, cut.indexOf("- … and")))).toBe(true);
    expect(cut.trimEnd().split("\n").at(-1)).toBe(whole.trimEnd().split("\n").at(-1));
  });
});

describe("terminal, on a run that stopped", () => {
  it("lists why cases failed before the trials the stop cancelled, and leaves out the cases it only cancelled", async () => {
    const { renderTerminal } = await import("../src/reporters/terminal.js");
    const cancelled = (index: number): TrialResult => ({ ...trial(index, false, ""), output: null, passed: null, grades: [], error: { category: "cancelled", message: "the run was stopped before this trial finished" } });
    const refused = (index: number): TrialResult => ({ ...cancelled(index), error: { category: "network", message: "openai:gpt-4o-mini: connection failed (connect ECONNREFUSED 127.0.0.1:9)" } });
    const three = [mkCase("c0", 1), mkCase("c1", 2), mkCase("c2", 3)];
    const stopped = buildRunResult(
      {
        ...raw,
        suites: [
          {
            suite: { ...suite, cases: three },
            cases: [
              // Two passed, one refused, two cancelled: the refusal is the reason, the cancellations come after.
              { case: three[0]!, trials: [trial(0, true, "30 days"), trial(1, true, "30 days"), refused(2), cancelled(3), cancelled(4)] },
              { case: three[1]!, trials: [trial(0, true, "30 days"), cancelled(1), cancelled(2), cancelled(3), cancelled(4)] },
              { case: three[2]!, trials: [0, 1, 2, 3, 4].map(cancelled) },
            ],
          },
        ],
      },
      { harnessVersion: "0.1.0", stopped: "3 of 15 trials errored" },
    );
    const text = renderTerminal(stopped, { color: false });
    const why = text.split("\n").filter((l) => /^ {2}[✗!…] | {6}\d+× /.test(l));
    expect(why).toEqual([
      // Errored, not failed: marked apart from a failure.
      "  ! c0",
      "      1× errored (network): openai:gpt-4o-mini: connection failed (connect ECONNREFUSED 127.0.0.1:9)",
      "      2× errored (cancelled): the run was stopped before this trial finished",
    ]);
    expect(text).toContain("  Not listed: 2 cases where nothing failed, but trials were cancelled when the run stopped: c1, c2\n");

    // A big suite's table, too, shows the case that failed rather than the ones the stop cancelled.
    const many = Array.from({ length: 100 }, (_, i) => mkCase(`c${i}`, i + 1));
    const big = buildRunResult(
      {
        ...raw,
        suites: [{ suite: { ...suite, cases: many }, cases: many.map((c, i) => ({ case: c, trials: [0, 1, 2, 3, 4].map((t) => (i < 9 ? trial(t, true, "30 days") : i === 9 && t === 0 ? refused(t) : cancelled(t))) })) }],
      },
      { harnessVersion: "0.1.0", stopped: "1 of 500 trials errored" },
    );
    // Against a baseline that has every case, those the stop cancelled are "not judged"; half are missing from it, "new".
    const bigBaseline: Baseline = {
      ...baseline,
      suites: { "refund-policy": { ...baseline.suites["refund-policy"]!, cases: Object.fromEntries(many.slice(0, 50).map((c) => [c.id, { n: 5, passes: 5, errored: 0, promptHash: c.promptHash }])) } },
    };
    for (const against of [undefined, bigBaseline]) {
      const bigRun = against ? buildRunResult({ ...raw, suites: big.suites.map((x) => ({ suite: { ...suite, cases: many }, cases: x.cases.map((cr, i) => ({ case: many[i]!, trials: cr.trials })) })) }, { harnessVersion: "0.1.0", stopped: "1 of 500 trials errored", baseline: against }) : big;
      const bigText = renderTerminal(bigRun, { color: false });
      expect(bigText.split("\n").filter((l) => /^│ c\d+ /.test(l)).map((l) => l.split(" ")[1])).toEqual(["c9"]);
      expect(bigText).toContain("  Not listed: 9 cases that passed every trial, unchanged; 90 cases where nothing failed, but trials were cancelled when the run stopped (all of them");
      // Said once, under the table.
      expect(bigText.split("where nothing failed")).toHaveLength(2);
    }
  });
});

describe("the errors line", () => {
  it("does not say that trials the stop cancelled errored", () => {
    const errors = (byCategory: Record<string, number>, errored: number) => ({ total: 10, errored, share: errored / 10, byCategory });
    expect(describeErrors(errors({ "server-error": 2 }, 2))).toBe("2 of 10 trials errored (20%): server-error 2.");
    expect(describeErrors(errors({ "server-error": 2, cancelled: 8 }, 10))).toBe("2 of 10 trials errored (server-error 2), and 8 were cancelled when the run stopped.");
    expect(describeErrors(errors({ cancelled: 1 }, 1))).toBe("1 of 10 trials was cancelled when the run stopped.");
  });
});

describe("terminal, the mark of a case worth a look", () => {
  it("is ✗ only where a trial failed; … where, none failing, a person is awaited; ! where trials only errored", () => {
    const awaiting = (t: TrialResult): TrialResult => ({ ...t, passed: null, pending: true, grades: [{ type: "human", pass: false, score: 0, reason: "awaiting human review", pending: true }] });
    const errored = (t: TrialResult): TrialResult => ({ ...t, passed: null, error: { category: "grader-error", message: "g.mjs threw: boom" } });
    const [a, b, c, d] = ["failing", "awaiting", "errored", "mixed"].map((id, i) => mkCase(id, i + 1));
    const trials = (f: (t: TrialResult) => TrialResult) => [trial(0, true, "30 days"), f(trial(1, true, "30 days"))];
    const r = buildRunResult(
      {
        startedAt: "",
        durationMs: 0,
        suites: [
          {
            suite: { ...suite, trials: 2, cases: [a!, b!, c!, d!] },
            cases: [
              { case: a!, trials: [trial(0, true, "30 days"), trial(1, false, "none")] },
              { case: b!, trials: trials(awaiting) },
              { case: c!, trials: trials(errored) },
              { case: d!, trials: [awaiting(trial(0, true, "30 days")), errored(trial(1, true, "30 days"))] },
            ],
          },
        ],
      },
      { harnessVersion: "0.1.0", maxErrorShare: 1 },
    );
    const marks = renderTerminal(r, { color: false }).split("\n").filter((l) => /^ {2}[✗…!] /.test(l));
    expect(marks).toEqual(["  ✗ failing", "  … awaiting", "  ! errored", "  … mixed"]);
  });
});

describe("a pass with trials awaiting review", () => {
  it("says so in every report's verdict: terminal, Markdown and HTML alike", async () => {
    const { renderHtml } = await import("../src/reporters/html.js");
    const awaited: TrialResult = { ...trial(1, true, "30 days"), passed: null, pending: true, grades: [{ type: "human", pass: false, score: 0, reason: "awaiting human review", pending: true }] };
    const c = mkCase("tone", 1);
    const r = buildRunResult({ startedAt: "", durationMs: 0, suites: [{ suite: { ...suite, trials: 2, cases: [c] }, cases: [{ case: c, trials: [trial(0, true, "30 days"), awaited] }] }] }, { harnessVersion: "0.1.0" });
    expect(r.gate).toMatchObject({ status: "pass", pending: { trials: 1, policy: "warn" } });
    expect(renderTerminal(r, { color: false })).toContain("Gate: PASS, with 1 trial awaiting human review (--pending warn)");
    expect(renderMarkdown(r)).toMatch(/^### ✅ Gate passed \(no baseline to compare against\), with 1 trial awaiting human review\n/);
    expect(await renderHtml(r)).toContain('<div class="verdict pass">Gate passed (no baseline to compare against), with 1 trial awaiting human review</div>');
  });
});

describe("vs baseline", () => {
  it("says where it is over fewer cases than the suite's pass rate beside it, and which passes are awaited", async () => {
    const { renderHtml } = await import("../src/reporters/html.js");
    const awaited = (t: TrialResult): TrialResult => ({ ...t, passed: null, pending: true, grades: [{ type: "human", pass: false, score: 0, reason: "awaiting human review", pending: true }] });
    // Eight cases as the baseline had them, the first now failing 4 trials and awaiting its fifth; a new case, failing.
    const fresh = mkCase("new-case", 99);
    const now: RawRun = {
      ...raw,
      suites: [
        {
          suite: { ...suite, cases: [...cases, fresh] },
          cases: [
            ...cases.map((c, i) => ({ case: c, trials: Array.from({ length: 5 }, (_, t) => (i === 0 && t === 4 ? awaited(trial(t, true, "30 days")) : trial(t, i !== 0, i === 0 ? "no" : "30 days"))) })),
            { case: fresh, trials: Array.from({ length: 5 }, (_, t) => trial(t, false, "no")) },
          ],
        },
      ],
    };
    const r = buildRunResult(now, { baseline, baselinePath: "evals/baseline.json", harnessVersion: "0.1.0" });
    expect(r.comparison!.suites[0]).toMatchObject({ cases: 8, pending: 1, baseline: { n: 40, passes: 40 }, current: { n: 40, passes: 36 } });
    const vs = "100% → 90% (over 8 of 9 cases; 1 awaiting review counted as passing)";
    expect(renderMarkdown(r)).toContain(`| ${vs} ❌ |`);
    expect(renderHtml(r)).toContain(`<dt>vs baseline</dt><dd>${vs}</dd>`);
    expect(r.gate.regressions.find((x) => x.kind === "suite")?.message).toMatch(/^pass rate 40\/40 → 36\/40 over the cases both runs judged, 1 awaiting review counted as passing \(/);
  });
});

describe("terminal, on a big suite", () => {
  it("lists the cases worth a look and counts the rest, instead of a row per case", async () => {
    const { renderTerminal } = await import("../src/reporters/terminal.js");
    const many = Array.from({ length: 100 }, (_, i) => mkCase(`c${i}`, i + 1));
    const big: LoadedSuite = { ...suite, cases: many };
    const run = buildRunResult(
      { ...raw, suites: [{ suite: big, cases: many.map((c, i) => ({ case: c, trials: Array.from({ length: 5 }, (_, t) => trial(t, !(i === 7 && t < 2), "30 days")) })) }] },
      { harnessVersion: "0.1.0" },
    );
    const text = renderTerminal(run, { color: false });
    const rows = text.split("\n").filter((l) => /^│ c\d+ /.test(l));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^│ c7 /);
    expect(text).toContain("Not listed: 99 cases that passed every trial, unchanged (all of them: -o report.json or --reporter html)");
    // When the command wrote (or read) the JSON report, the terminal points there instead.
    expect(renderTerminal(run, { color: false, saved: "out/run.json" })).toContain("unchanged (all of them: in out/run.json; as a page: harness report out/run.json --reporter html)");
    // At the limit or under it, every case has its row.
    expect(renderTerminal(run, { color: false, maxRows: 100 }).split("\n").filter((l) => /^│ c\d+ /.test(l))).toHaveLength(100);
  });
});

describe("terminal, counting in the singular", () => {
  it("one reason or one case left out is said as one", () => {
    // refund-window fails two ways; 26 failing cases are one more than the terminal gives reasons for.
    const many = Array.from({ length: 26 }, (_, i) => mkCase(`c${i}`, i + 1));
    const run = buildRunResult(
      { ...raw, suites: [{ suite: { ...suite, cases: many }, cases: many.map((c) => ({ case: c, trials: Array.from({ length: 5 }, (_, t) => trial(t, false, t === 0 ? "No." : "Maybe.")) })) }] },
      { harnessVersion: "0.1.0" },
    );
    const text = renderTerminal(run, { color: false, maxReasons: 1 });
    expect(text).toContain("      … and 1 more reason (see -o report.json)");
    expect(text).toContain("  … and why 1 more case failed: -o report.json or --reporter html");
  });
});

describe("a pass@k that cannot be computed", () => {
  it("shows as — where pass@k and pass^k are shown, never as 0: one case with 3 judged trials of 5 (2 errored)", async () => {
    const { renderHtml } = await import("../src/reporters/html.js");
    const errored = (index: number): TrialResult => ({ ...trial(index, true, ""), output: null, passed: null, grades: [], error: { category: "timeout", message: "no answer in 60000 ms" } });
    const c = mkCase("short", 1);
    const r = buildRunResult(
      { startedAt: "", durationMs: 0, suites: [{ suite: { ...suite, cases: [c] }, cases: [{ case: c, trials: [trial(0, true, "30 days"), trial(1, true, "30 days"), trial(2, true, "30 days"), errored(3), errored(4)] }] }] },
      { harnessVersion: "0.1.0", maxErrorShare: 1 },
    );
    // n = 3 judged trials < k = 5: undefined, for the case and for the suite over it.
    expect(r.suites[0]).toMatchObject({ k: 5, casesCounted: 0, cases: [{ n: 3, passes: 3, errored: 2 }] });

    // Soft: each reporter that shows a 0 is named.
    const text = renderTerminal(r, { color: false });
    const row = text.split("\n").find((l) => /^│ short /.test(l))!;
    expect.soft(row.split("│").map((x) => x.trim()).slice(1, 7)).toEqual(["short", "3", "3", "2", "—", "—"]);
    expect.soft(text).toContain("  pass@5 —   pass^5 — (over 0 of 1 cases: 1 had fewer than 5 judged trials)");

    const md = renderMarkdown(r);
    expect.soft(md).toContain("| refund-policy | — (k=5) (over 0 of 1 cases) | — (over 0 of 1 cases) | 100% (");

    const xml = renderJunit(r);
    expect.soft(xml).toContain("3/3 judged trials passed (2 errored, 0 pending); pass@5 —, pass^5 —");

    const html = renderHtml(r);
    expect.soft(html).toContain("<div><dt>pass@5</dt><dd>—</dd></div><div><dt>pass^5</dt><dd>—</dd></div>");
    expect.soft(html).toContain('<span class="figs">pass@5 — · pass^5 — · 2 errored</span>');
  });
});
