/** Number formatting shared by the human-readable reporters. "—" means "could not be computed", never zero. */

import { DEFAULT_BASELINE_PATH } from "../defaults.js";
import { showControlChars } from "../core/text.js";
import type { JudgeAgreement, Regression, RunResult, SuiteComparison, SuiteResult } from "../core/types.js";

export const DASH = "—";

/** "1 trial", "5 trials": a count with its noun, in the plural unless it is one. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function fmtProb(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : DASH;
}

/** A share as a whole percent; one that would round to 0% or 100% without being it gets the decimals that show it is not. */
export function fmtPct(x: number): string {
  if (!Number.isFinite(x)) return DASH;
  let digits = 0;
  const at = (d: number) => (x * 100).toFixed(d);
  while (digits < 2 && ((x > 0 && Number(at(digits)) === 0) || (x < 1 && Number(at(digits)) === 100))) digits++;
  if (x < 1 && Number(at(digits)) === 100) return "> 99.99%";
  if (x > 0 && Number(at(digits)) === 0) return "< 0.01%";
  return `${at(digits)}%`;
}

export function fmtMs(x: number): string {
  if (!Number.isFinite(x)) return DASH;
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`;
}

export function fmtTokens(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)}k` : String(x);
}

/**
 * Cents from a dollar up; below it, two significant digits, so costs set side by side keep their
 * ratio ($0.011 beside $0.0015, where whole cents and four decimals read $0.01 and $0.0015).
 */
export function fmtUsd(x: number | null): string {
  if (x === null) return "unknown";
  if (x >= 1 || x <= 0 || !Number.isFinite(x)) return `$${x.toFixed(2)}`;
  if (x < 0.000001) return "< $0.000001";
  const decimals = Math.max(2, 1 - Math.floor(Math.log10(x)));
  // 0.0003 is "$0.0003", not "$0.00030": a trailing zero past the cents says nothing.
  return `$${x.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, "$1")}`;
}

export function oneLine(s: string, max = 100): string {
  const t = showControlChars(s.replace(/\s+/g, " ").trim());
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * "67% agree (95% CI 21%–94%), Cohen's κ 0.40 (95% CI -0.98 to 0.88)": a judge's agreement with
 * people, with how little a few outputs can say. Intervals are absent from reports of versions before them.
 */
export function describeAgreement(a: Pick<JudgeAgreement, "agreement" | "kappa"> & { agreementInterval?: [number | null, number | null]; kappaInterval?: [number | null, number | null] }): string {
  const within = (iv: [number | null, number | null] | undefined, show: (x: number) => string, sep: string) =>
    iv && Number.isFinite(iv[0]) && Number.isFinite(iv[1]) ? ` (95% CI ${show(iv[0]!)}${sep}${show(iv[1]!)})` : "";
  const agree = `${fmtPct(a.agreement)} agree${within(a.agreementInterval, fmtPct, "–")}`;
  const kappa = Number.isFinite(a.kappa) ? `Cohen's κ ${a.kappa.toFixed(2)}${within(a.kappaInterval, (x) => x.toFixed(2), " to ")}` : "κ undefined (one verdict only)";
  return `${agree}, ${kappa}`;
}

/** Which grader a row of judge agreement is about: a suite's rubric (by its short hash), or a type over all suites. */
export function agreementLabel(a: Pick<JudgeAgreement, "grader" | "suite" | "reviewKey">): string {
  return a.suite === null ? `${a.grader}, all suites` : `${a.suite} ${a.grader} ${a.reviewKey?.split(":")[1] ?? ""}`;
}

/**
 * "2 of 10 trials errored (server-error 2), and 8 were cancelled when the run stopped.": trials
 * the stop cancelled never ran, so they are not said to have errored (the count holds both).
 */
export function describeErrors(e: RunResult["errors"]): string {
  const cancelled = e.byCategory.cancelled ?? 0;
  const kinds = Object.entries(e.byCategory)
    .filter(([k]) => k !== "cancelled")
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  if (cancelled === 0) return `${e.errored} of ${e.total} trials errored (${fmtPct(e.share)}): ${kinds}.`;
  const ran = e.errored - cancelled;
  const stopped = `${cancelled} ${cancelled === 1 ? "was" : "were"} cancelled when the run stopped`;
  return ran > 0 ? `${ran} of ${e.total} trials errored (${kinds}), and ${stopped}.` : `${cancelled} of ${e.total} trials ${cancelled === 1 ? "was" : "were"} cancelled when the run stopped.`;
}

/**
 * What a run of some cases (eval --case) covered, or undefined for a whole run: "Only the cases
 * --case chose ran (a, b): the gate covers them alone; the threshold of refund-policy, a floor for
 * the whole suite, was not checked."
 */
export function describeSelection(result: Pick<RunResult, "selection" | "suites">): string | undefined {
  if (!result.selection) return undefined;
  const unchecked = result.suites.filter((s) => s.selectedFrom !== undefined && s.threshold).map((s) => s.name);
  const floors =
    unchecked.length === 0 ? "" : unchecked.length === 1 ? `; the threshold of ${unchecked[0]}, a floor for the whole suite, was not checked` : `; the thresholds of ${unchecked.join(", ")}, floors for whole suites, were not checked`;
  return `Only the cases --case chose ran (${result.selection.join(", ")}): the gate covers them alone${floors}.`;
}

/** "1 of 6 cases" for a suite --case ran in part; undefined for one run whole. */
export function suitePart(s: Pick<SuiteResult, "selectedFrom" | "cases">): string | undefined {
  return s.selectedFrom === undefined ? undefined : `${s.cases.length} of ${s.selectedFrom} cases (--case)`;
}

/** "over 9 of 10 cases: 1 had fewer than 5 judged trials": the cases a suite's pass@k and pass^k are over, when not all; undefined when all. */
export function countedCases(s: Pick<SuiteResult, "casesCounted" | "cases" | "k">): string | undefined {
  const uncounted = s.cases.length - s.casesCounted;
  return uncounted > 0 ? `over ${s.casesCounted} of ${s.cases.length} cases: ${uncounted} had fewer than ${s.k} judged trials` : undefined;
}

/**
 * The heading of the changes a run written as the new baseline set apart (gate.accepted):
 * accepted when the run passed, merely not enforced when a floor failed it (nothing was written).
 */
/** Over the gate's problems. A run not judged failed nothing: what it found before it stopped is not the verdict. */
export function failedHeading(result: Pick<RunResult, "gate">): string {
  return result.gate.judged || result.gate.deferred ? "What failed the gate" : "Found before the run stopped (not a verdict: the run was not judged)";
}

export function acceptedHeading(result: Pick<RunResult, "gate">): string {
  return result.gate.status === "pass" ? "Changes accepted with the new baseline" : "Not enforced under --update-baseline: changes against the old baseline";
}

/**
 * A run written as the new baseline (--update-baseline) that passed but for its changes
 * against the old one: how many such changes it accepted. Undefined when it is not one: not
 * updating, not judged, nothing to accept, or failing a floor that still holds (a threshold,
 * --pending fail).
 */
export function acceptedAsBaseline(result: Pick<RunResult, "gate">): number | undefined {
  const g = result.gate;
  const n = g.accepted?.length ?? 0;
  return g.judged && g.status === "pass" && n > 0 ? n : undefined;
}

/**
 * Untrusted text made safe for Markdown as markdown.ts `cell` makes it (no HTML, no breaking
 * out of code or tables, no @-mentions), on one line but whole: `cell` cuts at 200
 * characters, and a verdict cut there loses its p-value.
 */
export function markdownLine(s: string): string {
  return oneLine(s, Number.POSITIVE_INFINITY)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([|`*_\[\]])/g, "\\$1")
    .replace(/@(?=\w)/g, "@\u200b");
}

/** "4 errored, 26 cancelled when the run stopped": a suite's errored trials, the ones a stop cancelled apart (they never ran). */
export function erroredTrials(t: Pick<SuiteResult["totals"], "errored" | "cancelled">): string {
  const cancelled = t.cancelled ?? 0;
  return cancelled > 0 ? `${t.errored - cancelled} errored, ${cancelled} cancelled when the run stopped` : `${t.errored} errored`;
}

/**
 * A suite's pass rate in the baseline and now, as the drop test compares them: over the cases
 * both runs judged, with trials awaiting review as passes. Each is said where it applies, or
 * the figure would contradict the suite's own pass rate beside it. Undefined with nothing to compare.
 */
export function vsBaseline(cmp: SuiteComparison | undefined, s: Pick<SuiteResult, "cases">): string | undefined {
  if (!cmp?.baseline || cmp.baseline.n === 0 || cmp.current.n === 0) return undefined;
  const notes = [
    ...(cmp.cases !== undefined && cmp.cases < s.cases.length ? [`over ${cmp.cases} of ${s.cases.length} cases`] : []),
    ...(cmp.pending ? [`${cmp.pending} awaiting review counted as passing`] : []),
  ];
  return `${fmtPct(cmp.baseline.passes / cmp.baseline.n)} → ${fmtPct(cmp.current.passes / cmp.current.n)}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`;
}

/**
 * How to accept a drop the gate failed on, when it was meant (a prompt made stricter, a model
 * swapped on purpose): a failed gate that named only what dropped left that to the README.
 * Only where doing so would pass: every problem a drop (not a floor, which --update-baseline
 * does not move, nor pending reviews under --pending fail), and none a case undecided for its
 * errors, whose entry --update-baseline keeps as it was.
 */
export function acceptHint(result: Pick<RunResult, "gate" | "comparison" | "mergedFrom">, style: NoteStyle = PLAIN): string | undefined {
  const g = result.gate;
  if (!g.judged || !g.baseline || g.regressions.length === 0) return undefined;
  const dropped = (r: Regression) =>
    r.kind === "suite" || (r.kind === "case" && result.comparison?.cases.find((c) => c.suite === r.suite && c.caseId === r.caseId)?.status === "regressed");
  if (!g.regressions.every(dropped)) return undefined;
  return `If the change is intended, accept it as the new reference: ${acceptCommand(result, style)}.`;
}

/**
 * The command that makes this run the reference, for the baseline it was gated against, and the
 * file to commit. A merged run is made the reference by merging its shards again: an eval there
 * would run every case a second time, unsharded.
 */
export function acceptCommand(result: Pick<RunResult, "gate" | "mergedFrom">, style: NoteStyle = PLAIN): string {
  const path = result.gate.baseline?.path || DEFAULT_BASELINE_PATH;
  const flag = path === DEFAULT_BASELINE_PATH ? "" : ` --baseline ${shellWord(path)}`;
  const merged = result.mergedFrom;
  // Every report named, however many: a placeholder pasted into a shell is a redirection.
  const command = merged ? `harness merge ${merged.map(shellWord).join(" ")}` : "harness eval";
  return `${style.code(`${command}${flag} --update-baseline`)}, then commit ${style.code(path)}`;
}

/**
 * How a note's parts are written: as they are (the terminal; HTML escapes the whole), or for
 * Markdown, where a command is a code span: copied from the page it must be what the shell
 * reads, with no escape or mention mark in it, and never cut.
 */
export interface NoteStyle {
  text(s: string): string;
  code(s: string): string;
}

export const PLAIN: NoteStyle = { text: (s) => s, code: (s) => s };

export const MARKDOWN_NOTE: NoteStyle = {
  text: markdownLine,
  code: (s) => {
    const line = s.replace(/\s+/g, " ");
    // Fenced by more backticks than it holds in a row, spaced where it starts or ends with one.
    const fence = "`".repeat(Math.max(0, ...(line.match(/`+/g) ?? []).map((r) => r.length)) + 1);
    const pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
    return `${fence}${pad}${line}${pad}${fence}`;
  },
};

/** A path as a POSIX shell reads it back whole, and never as an option: quoted only when it holds more than plain characters. */
export function shellWord(word: string): string {
  const path = word.startsWith("-") ? `./${word}` : word;
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}
