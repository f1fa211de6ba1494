/** Wording shared by the terminal and Markdown reports of harness compare. Formats; decides nothing. */
import type { CandidateComparison, DiscordantCase, ModelComparison, PairedCase, PairedSummary, ProviderFigures, ReasonCount, SideCase, SuitePair } from "../core/model-comparison-types.js";
import { changedLabel } from "./changed-since.js";
import { DASH, fmtMs, fmtProb, fmtTokens, fmtUsd } from "./format.js";

/** "PASS", or "FAIL (a candidate is significantly worse)": the outcome core decided, and what failed it. */
export function compareStatus(result: ModelComparison): string {
  if (!result.judged) return `NOT JUDGED (${result.notJudgedReason})`;
  if (result.status === "pass") {
    // Exit 0 either way; a scheduled job's log must not read an open question as all clear.
    const open = result.candidates.filter((c) => c.verdict.status === "undecided").length;
    return open > 0 ? `PASS (no candidate shown worse; cannot tell for ${open === 1 ? "one" : open})` : "PASS";
  }
  const why = [
    ...(result.candidates.some((c) => c.verdict.status === "worse") ? ["a candidate is significantly worse"] : []),
    ...(result.candidates.some((c) => (c.verdict.thresholds ?? []).length > 0) ? ["a candidate is below a suite's threshold"] : []),
  ];
  return `FAIL (${why.join("; ")})`;
}

/** Thresholds the reference missed: shown, never gated (the reference is what candidates are held against). */
export function referenceThresholdNotes(result: ModelComparison): string[] {
  const ref = result.providers[0];
  return (ref?.thresholdProblems ?? []).map((t) => `note: the reference ${ref!.label} misses the threshold of suite ${t.suite} (${t.message}); shown only, the reference is not gated`);
}

/** A share as signed points: 0.125 → "+13". */
export function fmtPoints(x: number): string {
  if (!Number.isFinite(x)) return DASH;
  const v = Math.round(x * 100);
  return `${v > 0 ? "+" : ""}${v}`;
}

export function fmtPValue(p: number): string {
  if (!Number.isFinite(p)) return DASH;
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

export function fmtDifference(s: PairedSummary): string {
  const d = s.difference;
  if (!Number.isFinite(d.mean)) return DASH;
  return `${fmtPoints(d.mean)} (${fmtPoints(d.interval[0])} to ${fmtPoints(d.interval[1])})`;
}

/**
 * "2 / 0 (p drop 0.250)": cases only the reference, and only the candidate, passed in every
 * trial, and McNemar's p that the candidate is worse; "p drop" so that beside an improvement
 * it does not read as the p of that improvement.
 */
export function fmtAllTrials(s: PairedSummary): string {
  const a = s.allTrials;
  return `${a.referenceOnly} / ${a.candidateOnly} (p drop ${fmtPValue(a.pDrop)})`;
}

/** "demo (k=5)", or "demo (k=5 → 3)" when the reference and the candidate ran different trials per case. */
export function suiteLabel(s: SuitePair): string {
  const { reference: r, candidate: c } = s.k;
  if (Number.isFinite(r) && Number.isFinite(c) && r !== c) return `${s.suite} (k=${r} → ${c})`;
  return `${s.suite} (k=${Number.isFinite(c) ? c : r})`;
}

export function fmtDetectable(s: PairedSummary): string {
  const p = s.power;
  if (!Number.isFinite(p.minDetectableDrop)) return "none";
  return `${Math.round(p.minDetectableDrop * 100)} pts${Number.isFinite(p.minDetectableFlips) ? ` / ${p.minDetectableFlips} cases` : ""}`;
}

/** "at 80% power for the overall test, at α 0.025 (its half of α 0.05)": the level the power was simulated at, from the comparison. */
export function detectableAt(result: ModelComparison): string {
  const power = result.candidates[0]?.overall.power;
  const holm = result.candidates.length > 1 ? `, Holm-split over ${result.candidates.length} candidates` : "";
  return power ? `at ${Math.round(power.target * 100)}% power for the overall test, at α ${power.alpha} (its half of α ${result.alpha}${holm})` : `α ${result.alpha}`;
}

export function fmtCounts(s: SideCase | null): string {
  return s ? `${s.passes}/${s.n}` : DASH;
}

export function describeCase(c: DiscordantCase): string {
  return `${c.suite}/${c.caseId}  ${fmtCounts(c.reference)} → ${fmtCounts(c.candidate)} passing (${fmtPoints(c.difference)} points)${sinceBaselineNote(c)}`;
}

/** " (prompt changed)", " (graders changed)", both, or nothing: what else may explain the difference. */
export function sinceBaselineNote(c: Pick<PairedCase, "promptChanged" | "gradersChanged">): string {
  const label = changedLabel(c);
  return label ? ` (${label})` : "";
}

/** Cases named in a note; the rest are counted. */
const NAMED = 5;

/** What changed since the baseline besides the model, one line each; none against another model. */
export function baselineChangeNotes(cmp: CandidateComparison): string[] {
  const changes = cmp.sinceBaseline;
  if (!changes) return [];
  const named = (ids: readonly string[]) => ids.slice(0, NAMED).join(", ") + (ids.length > NAMED ? ` and ${ids.length - NAMED} more` : "");
  const prompts = changes.promptChanged;
  // Comparisons written before graders were compared have no list: nothing to say of them.
  const graders = changes.gradersChanged ?? [];
  return [
    ...(prompts.length > 0 ? [`${prompts.length} case${prompts.length === 1 ? "'s prompt" : "s' prompts"} changed since the baseline (${named(prompts)}): differences may be the prompt's, not the model's`] : []),
    ...(graders.length > 0 ? [`${graders.length} case${graders.length === 1 ? "'s graders" : "s' graders"} changed since the baseline (${named(graders)}): differences may be the graders', not the model's`] : []),
    ...changes.judgeChanged.map((j) => `${j.suite}: judged by ${j.current}, but the baseline by ${j.baseline}: differences may be the judge's, not the model's`),
    ...changes.judgePromptsChanged.map((j) => `${j.suite}: the judge instructions for ${j.graders.join(", ")} changed since the baseline: differences may be the judge's, not the model's`),
  ];
}

/** The monitoring row of one side; the baseline stores no cost, tokens or latency, so they show "—". */
export function providerRow(p: ProviderFigures): string[] {
  const known = p.source === "run";
  const money = (x: number | null) => (known ? fmtUsd(x) : DASH);
  const cats = Object.entries(p.errorsByCategory).map(([k, v]) => `${k} ${v}`).join(", ");
  return [
    p.label,
    String(p.cases),
    String(p.trials),
    p.errored > 0 ? `${p.errored}${cats ? ` (${cats})` : ""}` : "0",
    money(p.costUsd),
    money(p.costPerCaseUsd),
    // A side with no judge has no judge cost to show: "—", not $0.
    known && p.judgeCalls === 0 ? DASH : money(p.judgeCostUsd),
    p.tokens ? `${fmtTokens(p.tokens.inputTokens)} / ${fmtTokens(p.tokens.outputTokens)}` : DASH,
    p.latencyMs ? fmtMs(p.latencyMs.p50) : DASH,
    p.latencyMs ? fmtMs(p.latencyMs.p95) : DASH,
    p.latencyMs ? fmtMs(p.latencyMs.max) : DASH,
    p.refusals === null ? DASH : String(p.refusals),
  ];
}

export const PROVIDER_HEAD = ["provider", "cases", "trials", "errored", "cost", "cost/case", "judge cost", "tokens in / out", "p50", "p95", "max", "refusals"];

export const SUITE_HEAD = ["suite", "cases", "pass@k ref → cand", "pass^k ref → cand", "Δ pass rate (95% CI)", "p drop", "all-pass only ref / cand", "detectable drop"];

/** Marks the figures over fewer cases than the row's paired ones; atKNotes says why. */
const FEWER = "†";
const shortOfK = (s: PairedSummary) => s.countedAtK < s.paired;

/** One row of the suite table: a suite, or all suites together. */
export function summaryCells(s: PairedSummary): string[] {
  const mark = shortOfK(s) ? ` ${FEWER}` : "";
  return [
    s.unpaired > 0 ? `${s.paired} (+${s.unpaired} unpaired)` : String(s.paired),
    `${fmtProb(s.reference.passAtK)} → ${fmtProb(s.candidate.passAtK)}${mark}`,
    `${fmtProb(s.reference.passHatK)} → ${fmtProb(s.candidate.passHatK)}${mark}`,
    fmtDifference(s),
    fmtPValue(s.difference.pDrop),
    `${fmtAllTrials(s)}${mark}`,
    fmtDetectable(s),
  ];
}

/**
 * "† demo: pass@k, pass^k and all-pass only are over 9 of 12 paired cases: 3 had fewer than 5
 * judged trials on a side": without it a side failing every judged trial of a case whose
 * last trial errored would show pass^k unchanged.
 */
export function atKNotes(cmp: CandidateComparison): string[] {
  const rows = [
    ...cmp.suites.map((s) => ({ name: s.suite, s, k: s.k.reference === s.k.candidate ? String(s.k.candidate) : "k" })),
    ...(cmp.suites.length > 1 ? [{ name: "all suites", s: cmp.overall as PairedSummary, k: "k" }] : []),
  ];
  return rows
    .filter((r) => shortOfK(r.s))
    .map((r) => `${FEWER} ${r.name}: pass@k, pass^k and all-pass only are over ${r.s.countedAtK} of ${r.s.paired} paired cases: ${r.s.paired - r.s.countedAtK} had fewer than ${r.k} judged trials on a side (errored and pending trials are not judged)`);
}

/** Cases left out because every trial errored on one side: which side (by its label), and what its trials said. */
export function erroredCases(cmp: CandidateComparison): { suite: string; caseId: string; label: string; reasons: ReasonCount[] }[] {
  return cmp.unpaired
    .filter((u) => u.why === "errored")
    .map((u) => ({ suite: u.suite, caseId: u.caseId, label: u.side === "candidate" ? cmp.candidate : cmp.reference, reasons: u.reasons ?? [] }));
}
