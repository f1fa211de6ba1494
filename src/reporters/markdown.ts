/** Markdown: the job summary a pull request shows, from the one run result. */
import type { RunResult } from "../core/types.js";
import { DASH, fmtMs, fmtPct, fmtProb, fmtTokens, fmtUsd, oneLine } from "./format.js";
import { failureReasons } from "./why.js";

/**
 * Model outputs and case text are untrusted: in a job summary or PR comment they must not
 * render HTML, break out of code or tables, or @-mention people.
 */
export const cell = (s: string) =>
  oneLine(s, 200)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([|`*_\[\]])/g, "\\$1")
    .replace(/@(?=\w)/g, "@\u200b");

function verdictLine(result: RunResult): string {
  const g = result.gate;
  if (!g.judged) return `### ⚠️ Not judged: ${g.notJudgedReason}`;
  if (g.status === "pass") return `### ✅ Gate passed${g.baseline ? ": no significant regression" : " (no baseline to compare against)"}`;
  return `### ❌ Gate failed: ${g.regressions.length} problem${g.regressions.length === 1 ? "" : "s"}`;
}

const FAILING_CASES_SHOWN = 5;

/** Under a suite below its threshold: the cases that pulled it down, worst first, each with why. */
function failingCases(result: RunResult, suite: string): string[] {
  const cases = (result.suites.find((s) => s.name === suite)?.cases ?? []).filter((c) => c.passes < c.n).sort((a, b) => a.passes / a.n - b.passes / b.n);
  const out: string[] = [];
  for (const c of cases.slice(0, FAILING_CASES_SHOWN)) {
    out.push(`  - ${cell(c.id)}: ${c.passes}/${c.n} passed${c.description ? `; guards: ${cell(c.description)}` : ""}`);
    for (const [why, n] of failureReasons(c).slice(0, 2)) out.push(`    - ${n}× ${cell(why)}`);
  }
  if (cases.length > FAILING_CASES_SHOWN) out.push(`  - and ${cases.length - FAILING_CASES_SHOWN} more case${cases.length - FAILING_CASES_SHOWN === 1 ? "" : "s"} with failing trials`);
  return out;
}

export function renderMarkdown(result: RunResult): string {
  const out: string[] = [verdictLine(result), ""];
  out.push("| suite | pass@k | pass^k | pass rate (95% CI) | vs baseline | trials | latency p50 / p95 / max | tokens in / out | cost |", "|---|---|---|---|---|---|---|---|---|");
  for (const s of result.suites) {
    const cmp = result.comparison?.suites.find((x) => x.suite === s.name);
    const vs = cmp?.baseline && cmp.baseline.n > 0 && cmp.current.n > 0 ? `${fmtPct(cmp.baseline.passes / cmp.baseline.n)} → ${fmtPct(cmp.current.passes / cmp.current.n)}${cmp.regressed ? " ❌" : ""}` : DASH;
    const [lo, hi] = s.passRateInterval;
    const t = s.totals;
    out.push(
      `| ${cell(s.name)} | ${fmtProb(s.passAtK)} (k=${s.k}) | ${fmtProb(s.passHatK)} | ${fmtPct(s.passRate)} (${fmtPct(lo)}–${fmtPct(hi)}) | ${vs} | ${t.passed}/${t.trials} passed, ${t.errored} errored${t.pending ? `, ${t.pending} pending` : ""}${s.refusals ? `, ${s.refusals} refused` : ""} | ${fmtMs(s.latencyMs.p50)} / ${fmtMs(s.latencyMs.p95)} / ${fmtMs(s.latencyMs.max)} | ${s.tokens ? `${fmtTokens(s.tokens.inputTokens)} / ${fmtTokens(s.tokens.outputTokens)}` : DASH} | ${fmtUsd(s.costUsd)}${s.judge ? ` + judge ${fmtUsd(s.judge.costUsd)}` : ""} |`,
    );
  }
  const e = result.errors;
  if (e.errored > 0) out.push("", `${e.errored} of ${e.total} trials errored (${fmtPct(e.share)}): ${Object.entries(e.byCategory).map(([k, v]) => `${k} ${v}`).join(", ")}. Errored trials are neither passed nor failed.`);
  const problems = result.gate.regressions;
  if (problems.length > 0) {
    out.push("", "#### What failed", "");
    // A suite below several floors (pass@k, pass^k, pass rate) lists its failing cases once, under the last.
    const lastThreshold = new Map(problems.filter((r) => r.kind === "threshold").map((r) => [r.suite, r]));
    for (const r of problems) {
      out.push(`- **${r.kind === "case" ? `${r.suite} / ${r.caseId}` : r.suite}** (${r.kind}): ${cell(r.message)}`);
      if (r.kind === "threshold" && lastThreshold.get(r.suite) === r) out.push(...failingCases(result, r.suite));
      if (r.kind !== "case") continue;
      const c = result.suites.find((s) => s.name === r.suite)?.cases.find((x) => x.id === r.caseId);
      if (c?.description) out.push(`  - guards: ${cell(c.description)}`);
      for (const [why, n] of c ? failureReasons(c).slice(0, 3) : []) out.push(`  - ${n}× ${cell(why)}`);
    }
  }
  if (result.gate.improvements.length > 0) {
    out.push("", `Improved: ${result.gate.improvements.map((i) => `${i.suite}/${i.caseId} (${i.message})`).join(", ")}`);
  }
  if (result.gate.missingCases.length > 0) {
    out.push("", `In the baseline but not run: ${result.gate.missingCases.map((m) => `${cell(m.suite)}/${cell(m.caseId)}`).join(", ")}`);
  }
  if (result.gate.pending.trials > 0) out.push("", `${result.gate.pending.trials} trials await human review (\`harness review\`).`);
  if (result.gate.baseline) out.push("", `<sub>Baseline ${result.gate.baseline.path}${result.gate.baseline.commit ? ` @ ${result.gate.baseline.commit.slice(0, 7)}` : ""}; α = ${result.gate.alpha} for the whole run.</sub>`);
  return `${out.join("\n")}\n`;
}
