/**
 * JUnit XML, which common CI viewers read: one testsuite per suite, one testcase per
 * case. A case fails when the gate says it regressed; a case whose every trial errored
 * is an error; one awaiting review or without enough judged trials is skipped. Known,
 * unchanged flakiness passes (the gate is the judge of that) and says so in system-out.
 */
import type { CaseResult, RunResult, SuiteResult } from "../core/types.js";
import { showControlChars } from "../core/text.js";
import { describeSelection, fmtProb } from "./format.js";
import { failureReasons, onlyCancelled } from "./why.js";

/**
 * Hidden characters shown as codes, as every report shows them (a bidi override would make a
 * CI viewer show "$1000" for "0001$"); what XML 1.0 cannot hold at all is dropped; the five
 * specials are escaped.
 */
export function xmlEscape(text: string): string {
  return showControlChars(text)
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const attr = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;
const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);

function caseTime(c: CaseResult): number {
  return c.trials.reduce((s, t) => s + (t.latencyMs ?? 0), 0);
}

function testcase(suite: SuiteResult, c: CaseResult, result: RunResult): { xml: string; failed: boolean; errored: boolean; skipped: boolean } {
  const regression = result.gate.regressions.find((r) => r.kind === "case" && r.suite === suite.name && r.caseId === c.id);
  const reasons = failureReasons(c).map(([why, n]) => `${n}× ${why}`).join("\n");
  const summary = `${c.passes}/${c.n} judged trials passed (${c.errored} errored, ${c.pending} pending); pass@${c.k} ${fmtProb(c.passAtK)}, pass^${c.k} ${fmtProb(c.passHatK)}`;
  const open = `    <testcase${attr("classname", suite.name)}${attr("name", c.id)}${attr("file", suite.file)}${attr("line", c.line)}${attr("time", seconds(caseTime(c)))}>`;
  let body: string;
  let kind: "failed" | "errored" | "skipped" | "passed";
  if (regression) {
    kind = "failed";
    const undecided = result.comparison?.cases.some((x) => x.suite === suite.name && x.caseId === c.id && x.status === "undecided");
    body = `      <failure${attr("message", `${undecided ? "undecided" : "regressed"}: ${regression.message}`)}${attr("type", "regression")}>${xmlEscape(`${summary}\n${reasons}`)}</failure>`;
  } else if (c.n === 0 && c.errored > 0 && c.pending === 0) {
    kind = "errored";
    // Trials a stop cancelled never ran: they did not error.
    body = `      <error${attr("message", onlyCancelled(c) ? "cancelled when the run stopped" : "every trial errored")}${attr("type", "errored")}>${xmlEscape(reasons)}</error>`;
  } else if (c.n === 0) {
    kind = "skipped";
    body = `      <skipped${attr("message", c.pending > 0 ? "awaiting human review" : "no judged trials")}/>`;
  } else {
    kind = "passed";
    body = `      <system-out>${xmlEscape(reasons ? `${summary} (not a regression)\n${reasons}` : summary)}</system-out>`;
  }
  return { xml: `${open}\n${body}\n    </testcase>`, failed: kind === "failed", errored: kind === "errored", skipped: kind === "skipped" };
}

export function renderJunit(result: RunResult): string {
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const suites = result.suites.map((suite) => {
    const cases = suite.cases.map((c) => testcase(suite, c, result));
    // Suite-level verdicts (pooled regression, thresholds, pending) are a testcase of their own,
    // passing or not: a CI viewer's count of tests must not change with the verdict.
    const suiteProblems = result.gate.regressions.filter((r) => r.kind !== "case" && r.suite === suite.name);
    const message = suiteProblems.map((r) => r.message).join("; ");
    const failure = suiteProblems.length > 0 ? `\n      <failure${attr("message", message)}${attr("type", "gate")}>${xmlEscape(message)}</failure>\n    ` : "";
    cases.push({
      xml: `    <testcase${attr("classname", suite.name)}${attr("name", "(suite gate)")}${attr("file", suite.file)}${attr("time", "0.000")}>${failure}</testcase>`,
      failed: suiteProblems.length > 0,
      errored: false,
      skipped: false,
    });
    const f = cases.filter((c) => c.failed).length;
    const e = cases.filter((c) => c.errored).length;
    const s = cases.filter((c) => c.skipped).length;
    tests += cases.length;
    failures += f;
    errors += e;
    skipped += s;
    const time = suite.cases.reduce((sum, c) => sum + caseTime(c), 0);
    // A run of chosen cases (--case) says so where a test viewer shows a suite's properties.
    const selection = result.selection
      ? `    <properties>\n      <property${attr("name", "harness.selection")}${attr("value", describeSelection(result) ?? "")}/>\n${suite.selectedFrom !== undefined ? `      <property${attr("name", "harness.casesInFile")}${attr("value", suite.selectedFrom)}/>\n` : ""}    </properties>\n`
      : "";
    return `  <testsuite${attr("name", suite.name)}${attr("tests", cases.length)}${attr("failures", f)}${attr("errors", e)}${attr("skipped", s)}${attr("time", seconds(time))}>\n${selection}${cases.map((c) => c.xml).join("\n")}\n  </testsuite>`;
  });
  // A run that could not be judged must not look green in a CI test tab.
  if (!result.gate.judged && !result.gate.deferred) {
    const message = result.gate.notJudgedReason ?? "not judged";
    suites.push(`  <testsuite${attr("name", "harness")}${attr("tests", 1)}${attr("failures", 0)}${attr("errors", 1)}${attr("skipped", 0)}${attr("time", "0.000")}>\n    <testcase${attr("classname", "harness")}${attr("name", "(run)")}${attr("time", "0.000")}>\n      <error${attr("message", message)}${attr("type", "not-judged")}>${xmlEscape(message)}</error>\n    </testcase>\n  </testsuite>`);
    tests += 1;
    errors += 1;
  }
  const head = `<testsuites${attr("name", "harness")}${attr("tests", tests)}${attr("failures", failures)}${attr("errors", errors)}${attr("skipped", skipped)}${attr("time", seconds(result.durationMs))}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.join("\n")}\n</testsuites>\n`;
}
