/**
 * The HTML report's per-case part: every trial with its output, grades and reasons.
 * Outputs are untrusted model text: each goes through `escUntrusted`, so markup in an
 * output shows as text and never runs, and hidden characters show as codes.
 */
import type { CaseComparison, CaseResult, Grade, TrialResult } from "../core/types.js";
import { esc, escUntrusted } from "./html-charts.js";
import { DASH, fmtMs, fmtProb, fmtUsd } from "./format.js";
import { failureReasons } from "./why.js";
import { changedLabel, mostlyErroredLabel } from "./changed-since.js";

/** What the "failures" filter shows: a case with a failed or errored trial. */
export const isFailing = (cr: CaseResult): boolean => cr.passes < cr.n || cr.errored > 0;

/** What the "regressions" filter shows: a drop against the baseline, significant or not. */
export const isRegression = (cmp: CaseComparison | undefined): boolean => cmp?.status === "regressed" || cmp?.status === "undecided" || cmp?.status === "down";

/**
 * A case whose trials need no reading: every one passed, none awaits a person, and it is the
 * same as in the baseline or new since it (a suite the baseline lacks is all new).
 */
export const isQuiet = (cr: CaseResult, cmp: CaseComparison | undefined): boolean =>
  cr.passes === cr.n && cr.errored === 0 && cr.pending === 0 && (cmp === undefined || cmp.status === "same" || cmp.status === "new");

function trialStatus(t: TrialResult): "pass" | "fail" | "error" | "pending" {
  if (t.error) return "error";
  if (t.pending) return "pending";
  return t.passed ? "pass" : "fail";
}

function renderGrade(g: Grade): string {
  const mark = g.pending ? "…" : g.pass ? "✓" : "✗";
  const human = g.human ? ` <span class="human">person (${esc(g.human.reviewer)}): ${esc(g.human.verdict)}${g.human.note ? `, ${escUntrusted(g.human.note)}` : ""}</span>` : "";
  return `<li class="${g.pending ? "pending" : g.pass ? "pass" : "fail"}">${mark} <b>${esc(g.type)}</b> ${g.score.toFixed(2)}: ${escUntrusted(g.reason)}${human}</li>`;
}

function renderTrial(t: TrialResult): string {
  const status = trialStatus(t);
  // Read once: a long output is read back from the run journal each time it is asked for.
  const text = t.output;
  const output = text === null ? `<span class="none">no output</span>` : `<pre class="output">${escUntrusted(text)}</pre>`;
  const error = t.error ? `<p class="error">${esc(t.error.category)}: ${escUntrusted(t.error.message)}</p>` : "";
  const grades = t.grades.length > 0 ? `<ul class="grades">${t.grades.map(renderGrade).join("")}</ul>` : "";
  const meta = [fmtMs(t.latencyMs ?? Number.NaN), fmtUsd(t.costUsd), t.cached ? "from fixture" : "live", t.shared ? "shared answer, counted on another trial" : "", t.retries > 0 ? `${t.retries} retries` : ""].filter(Boolean).join(" · ");
  return `<tr class="trial ${status}"><td>${t.index + 1}</td><td><span class="badge ${status}">${status}</span></td><td>${output}${error}</td><td>${grades}</td><td class="meta">${esc(meta)}</td></tr>`;
}

/** `withTrials: false` leaves out the trial table (outputs and grades), for the quiet cases of a big suite. */
export function renderCase(cr: CaseResult, cmp: CaseComparison | undefined, withTrials = true): string {
  const failed = isFailing(cr);
  const regressed = isRegression(cmp);
  const attrs = `class="case${failed ? " failed" : ""}" data-case="${esc(cr.id)}"${failed ? " data-failed" : ""}${regressed ? " data-regressed" : ""}${failed ? " open" : ""}`;
  const vs = cmp ? `<span class="status ${esc(cmp.status)}">${esc(cmp.status)}${cmp.baseline ? ` (baseline ${cmp.baseline.passes}/${cmp.baseline.n})` : ""}${[changedLabel(cmp), mostlyErroredLabel(cmp, cr)].map((x) => (x ? `, ${x}` : "")).join("")}</span>` : "";
  const summary = [
    `<span class="badge ${cr.passes < cr.n ? "fail" : cr.errored > 0 ? "error" : "pass"}">${cr.passes}/${cr.n}</span>`,
    `<code>${esc(cr.id)}</code>`,
    cr.description ? `<span class="desc">${esc(cr.description)}</span>` : "",
    `<span class="figs">pass@${cr.k} ${fmtProb(cr.passAtK)} · pass^${cr.k} ${fmtProb(cr.passHatK)}${cr.errored > 0 ? ` · ${cr.errored} errored` : ""}${cr.pending > 0 ? ` · ${cr.pending} pending` : ""}</span>`,
    vs,
  ].join(" ");
  const reasons = failureReasons(cr);
  const why = reasons.length > 0 ? `<ul class="reasons">${reasons.map(([r, n]) => `<li>${n}× ${escUntrusted(r)}</li>`).join("")}</ul>` : "";
  if (!withTrials) return `<details ${attrs}><summary>${summary}</summary>${why}<p class="muted">${cr.trials.length} trial${cr.trials.length === 1 ? "" : "s"}, not shown on this page; the JSON report (-o) keeps every output.</p></details>`;
  const trials = `<table class="trials"><thead><tr><th>#</th><th>result</th><th>output</th><th>grades</th><th>${esc(`latency · cost`)}</th></tr></thead><tbody>${cr.trials.map(renderTrial).join("")}</tbody></table>`;
  return `<details ${attrs}><summary>${summary}</summary>${why}${cr.trials.length > 0 ? trials : `<p>${DASH}</p>`}</details>`;
}
