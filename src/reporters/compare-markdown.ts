/** Markdown for a pull-request comment or job summary of harness compare. Renders; never decides. */
import type { ModelComparison } from "../core/model-comparison-types.js";
import { atKNotes, baselineChangeNotes, compareStatus, describeCase, detectableAt, erroredCases, PROVIDER_HEAD, providerRow, referenceThresholdNotes, SUITE_HEAD, suiteLabel, summaryCells } from "./compare-format.js";
import { markdownLine } from "./format.js";
import { cell } from "./markdown.js";

const ICON = { worse: "❌", better: "✅", "not-worse": "✅", undecided: "⚠️", "not-judged": "⚠️" } as const;

const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;

export function renderCompareMarkdown(result: ModelComparison): string {
  const out: string[] = [];
  // Verdicts and notes whole: each ends with the p-value or the reason it rests on.
  if (!result.judged) out.push(`### ⚠️ Not judged: ${markdownLine(result.notJudgedReason ?? "")}`, "");
  for (const cmp of result.candidates) {
    out.push(`### ${ICON[cmp.verdict.status]} ${markdownLine(cmp.verdict.message)}`, "");
    for (const t of cmp.verdict.thresholds) out.push(`### ❌ ${markdownLine(t)}`, "");
  }
  for (const note of referenceThresholdNotes(result)) out.push(`⚠️ ${markdownLine(note)}`, "");
  if (result.interrupted) out.push(`⚠️ Interrupted by ${result.interrupted}: the figures cover only the trials that finished.`, "");
  out.push(`**Compare: ${markdownLine(compareStatus(result))}**`, "");
  for (const cmp of result.candidates) {
    out.push(`#### ${cell(cmp.candidate)} vs ${cell(cmp.reference)} (reference)`, "");
    out.push(row(SUITE_HEAD), row(SUITE_HEAD.map(() => "---")));
    for (const s of cmp.suites) out.push(row([cell(suiteLabel(s)), ...summaryCells(s)]));
    if (cmp.suites.length > 1) out.push(row(["**all suites**", ...summaryCells(cmp.overall)]));
    const notes = [...atKNotes(cmp), ...baselineChangeNotes(cmp)];
    if (notes.length > 0) out.push("", ...notes.map((n) => `${markdownLine(n)}  `));
    if (cmp.discordant.length > 0) {
      out.push("", "Cases whose pass rate differs, worst first:", "");
      for (const d of cmp.discordant) {
        out.push(`- ${d.direction === "worse" ? "❌" : "✅"} ${cell(describeCase(d))}${d.description ? ` (guards: ${cell(d.description)})` : ""}`);
        for (const r of d.reasons.slice(0, 3)) out.push(`  - ${r.count}× ${cell(r.reason)}`);
      }
    }
    const errored = erroredCases(cmp);
    if (errored.length > 0) {
      out.push("", "Cases every trial of which errored on one side, not compared:", "");
      for (const u of errored) {
        out.push(`- ⚠️ ${cell(`${u.suite}/${u.caseId}`)}: every trial errored on ${cell(u.label)}`);
        for (const r of u.reasons.slice(0, 3)) out.push(`  - ${r.count}× ${cell(r.reason)}`);
      }
    }
    out.push("");
  }
  out.push(row(PROVIDER_HEAD), row(PROVIDER_HEAD.map(() => "---")));
  for (const p of result.providers) out.push(row(providerRow(p).map(cell)));
  const errors = result.providers.flatMap((p) => (p.topErrors ?? []).map((r) => `- ${cell(p.label)}: ${r.count}× ${cell(r.reason)}`));
  if (errors.length > 0) out.push("", "Errored trials, most frequent first:", "", ...errors);
  out.push("", `<sub>Δ: candidate − reference pass rate in points over paired cases (95% t interval over cases); p drop: one-sided paired sign-flip test; all-pass only: its p drop is McNemar exact, that the candidate is worse; detectable drop ${detectableAt(result)}.</sub>`);
  return `${out.join("\n")}\n`;
}
