/**
 * harness compare as one self-contained HTML page: the verdicts, the paired figures per
 * suite, every provider's reliability curves, cost against quality, latency, and the
 * cases that differ. Every figure comes from the comparison; this file only lays it out.
 */
import type { CandidateStatus, ModelComparison } from "../core/model-comparison-types.js";
import { atKNotes, baselineChangeNotes, compareStatus, detectableAt, PROVIDER_HEAD, providerRow, referenceThresholdNotes, SUITE_HEAD, suiteLabel, summaryCells } from "./compare-format.js";
import { costScatter, latencyCharts, reliabilityCharts } from "./compare-html-charts.js";
import { discordantSection } from "./compare-html-cases.js";
import { htmlPage } from "./html-assets.js";
import { esc } from "./html-charts.js";

const VERDICT_CLASS: Record<CandidateStatus, "pass" | "fail" | "not-judged"> = {
  worse: "fail",
  "not-worse": "pass",
  better: "pass",
  undecided: "not-judged",
  "not-judged": "not-judged",
};

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const tr = (cells: readonly string[], tag: "th" | "td") => `<tr>${cells.map((c) => `<${tag}>${esc(c)}</${tag}>`).join("")}</tr>`;
  return `<table class="figures"><thead>${tr(head, "th")}</thead><tbody>${rows.map((r) => tr(r, "td")).join("")}</tbody></table>`;
}

function verdicts(result: ModelComparison): string {
  const lines = result.candidates.flatMap((c) => [
    `<div class="verdict ${VERDICT_CLASS[c.verdict.status]}" data-candidate="${esc(c.candidate)}">${esc(c.verdict.message)}</div>`,
    ...c.verdict.thresholds.map((t) => `<div class="verdict fail" data-candidate="${esc(c.candidate)}" data-threshold>${esc(t)}</div>`),
  ]);
  for (const note of referenceThresholdNotes(result)) lines.push(`<div class="verdict not-judged">${esc(note)}</div>`);
  if (result.interrupted) lines.push(`<div class="verdict not-judged">Interrupted by ${esc(result.interrupted)}: the figures cover only the trials that finished.</div>`);
  if (!result.judged) lines.push(`<div class="verdict not-judged">Not judged: ${esc(result.notJudgedReason ?? "")}</div>`);
  return lines.join("");
}

function suiteTables(result: ModelComparison): string {
  return result.candidates
    .map((cmp) => {
      const rows = cmp.suites.map((s) => [suiteLabel(s), ...summaryCells(s)]);
      if (cmp.suites.length > 1) rows.push(["all suites", ...summaryCells(cmp.overall)]);
      const notes = [...atKNotes(cmp), ...baselineChangeNotes(cmp)].map((n) => `<p class="muted">${esc(n)}</p>`);
      return `<h3>${esc(cmp.candidate)} vs ${esc(cmp.reference)} (reference)</h3>${table(SUITE_HEAD, rows)}${notes.join("")}`;
    })
    .join("");
}

export function renderCompareHtml(result: ModelComparison): string {
  const meta = [`started ${result.startedAt}`, `${(result.durationMs / 1000).toFixed(1)} s`, `harness ${result.harnessVersion}`, `reference ${result.reference}`, `α = ${result.alpha}`, `seed ${result.seed}`].join(" · ");
  const status = result.judged ? compareStatus(result) : "NOT JUDGED";
  const body = [
    `<header><h1>harness compare</h1><p class="meta">${esc(meta)}</p>${verdicts(result)}<p class="meta">Compare: ${esc(status)}</p></header>`,
    `<h2>Per suite</h2>${suiteTables(result)}`,
    `<p class="muted">Δ: candidate − reference pass rate in points, mean over paired cases, 95% t interval over cases. p drop: one-sided paired sign-flip test. all-pass only: cases only one side passed in every trial (p drop: McNemar exact, that the candidate is worse). Detectable drop: ${esc(detectableAt(result))}.</p>`,
    `<h2>Reliability as k grows</h2><p class="muted">pass@k: the chance that at least one of k trials passes; pass^k: that all k do. The wider they part, the less a single answer can be trusted.</p>${reliabilityCharts(result)}`,
    `<h2>Cost and quality</h2>${costScatter(result)}`,
    `<h2>Latency</h2>${latencyCharts(result)}`,
    `<h2>Per provider</h2>${table(PROVIDER_HEAD, result.providers.map(providerRow))}`,
    discordantSection(result),
  ];
  return htmlPage(`harness compare ${result.startedAt}`, body.join("\n"));
}
