/**
 * The compare page's differing cases, worst first, each with both sides' reasons for
 * failing. Reasons quote model outputs, so every one goes through `escUntrusted`.
 */
import type { CandidateComparison, DiscordantCase, ModelComparison, ReasonCount } from "../core/model-comparison-types.js";
import { fmtCounts, fmtPoints, sinceBaselineNote } from "./compare-format.js";
import { esc, escUntrusted } from "./html-charts.js";

function reasonList(label: string, reasons: readonly ReasonCount[], stored: boolean): string {
  const body =
    reasons.length > 0
      ? `<ul class="reasons">${reasons.map((r) => `<li>${r.count}× ${escUntrusted(r.reason)}</li>`).join("")}</ul>`
      : `<p class="none">${stored ? "no failing trial" : "reasons not stored"}</p>`;
  return `<div><h4>${esc(label)}</h4>${body}</div>`;
}

function renderCase(d: DiscordantCase, cmp: CandidateComparison, referenceStoresReasons: boolean): string {
  const worse = d.direction === "worse";
  const attrs = `class="case" data-case="${esc(`${d.suite}/${d.caseId}`)}" data-candidate="${esc(cmp.candidate)}"${worse ? " data-regressed" : " data-improved"}${worse ? " open" : ""}`;
  const summary = [
    `<span class="badge ${worse ? "fail" : "pass"}">${worse ? "worse" : "better"}</span>`,
    `<code>${esc(`${d.suite}/${d.caseId}`)}</code>`,
    `${esc(fmtCounts(d.reference))} → ${esc(fmtCounts(d.candidate))} passing <span class="status ${worse ? "down" : "up"}">(${esc(fmtPoints(d.difference))} points)</span>${esc(sinceBaselineNote(d))}`,
    d.description ? `<span class="desc">guards: ${esc(d.description)}</span>` : "",
  ].join(" ");
  const sides = reasonList(`${cmp.reference} (reference)`, d.reasonsBySide.reference, referenceStoresReasons) + reasonList(cmp.candidate, d.reasonsBySide.candidate, true);
  return `<details ${attrs}><summary>${summary}</summary><div class="case-sides">${sides}</div></details>`;
}

export function discordantSection(result: ModelComparison): string {
  const all = result.candidates.flatMap((cmp) => cmp.discordant);
  if (all.length === 0) return `<h2>Cases whose pass rate differs</h2><p class="muted">No compared case's pass rate differs.</p>`;
  const count = (direction: DiscordantCase["direction"]) => all.filter((d) => d.direction === direction).length;
  const button = (show: string, label: string) => `<button type="button" data-show="${show}" aria-pressed="${show === "all"}">${esc(label)}</button>`;
  const nav = `<nav class="filters">${button("all", `all (${all.length})`)} ${button("regressions", `regressions: candidate worse (${count("worse")})`)} ${button("improvements", `improvements (${count("better")})`)}</nav>`;
  const referenceStoresReasons = result.mode !== "baseline";
  const groups = result.candidates.map((cmp) => {
    const head = result.candidates.length > 1 ? `<h3>${esc(cmp.candidate)} vs ${esc(cmp.reference)}</h3>` : "";
    return head + cmp.discordant.map((d) => renderCase(d, cmp, referenceStoresReasons)).join("");
  });
  return `<h2>Cases whose pass rate differs, worst first</h2>${nav}${groups.join("")}`;
}
