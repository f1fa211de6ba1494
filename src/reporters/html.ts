/**
 * One self-contained HTML file: summary, charts and every trial of a run. Style, script
 * and charts are inline and a Content-Security-Policy forbids fetching anything, so it
 * opens offline, and only the report's own script (pinned by hash) may run.
 * Figures come from the run result and core/; this file only draws them.
 */
import { latencyHistogram, reliabilityCurve } from "../core/curves.js";
import { historySeries, suiteGateStatus, type HistoryEntry } from "../core/history.js";
import type { CaseComparison, CaseResult, Regression, RunResult, SuiteResult } from "../core/types.js";
import { acceptedAsBaseline, acceptedHeading, agreementLabel, countedCases, DASH, describeAgreement, describeSelection, erroredTrials, failedHeading, fmtMs, fmtPct, fmtProb, fmtTokens, fmtUsd, plural, vsBaseline } from "./format.js";
import { htmlPage } from "./html-assets.js";
import { isFailing, isQuiet, isRegression, renderCase } from "./html-cases.js";
import { barChart, esc, escUntrusted, lineChart, scatterChart } from "./html-charts.js";
import { failureReasons } from "./why.js";
import { gradersChangedNote } from "./changed-since.js";
import { hasOutput } from "../core/stored-output.js";

export interface HtmlOptions {
  /** Earlier runs (harness eval --history): each suite then shows its pass^k over them. */
  history?: readonly HistoryEntry[] | undefined;
}

/** Runs of history drawn per suite. */
const HISTORY_RUNS = 30;

function verdict(result: RunResult): string {
  const g = result.gate;
  // A sound shard is not judged on its own (judged false): harness merge judges the whole.
  if (g.deferred) return `<div class="verdict pass">Gate deferred: ${esc(g.notJudgedReason ?? "")}</div>`;
  if (!g.judged) return `<div class="verdict not-judged">Not judged: ${esc(g.notJudgedReason ?? "")}</div>`;
  const awaiting = g.pending.trials > 0 ? `, with ${plural(g.pending.trials, "trial")} awaiting human review` : "";
  const accepted = acceptedAsBaseline(result);
  if (accepted !== undefined) return `<div class="verdict pass">Accepted as the new baseline: ${plural(accepted, "change")} against the old one, not enforced${awaiting}</div>`;
  if (g.status === "pass") return `<div class="verdict pass">Gate passed${g.baseline ? ": no significant regression" : " (no baseline to compare against)"}${awaiting}</div>`;
  return `<div class="verdict fail">Gate failed: ${g.regressions.length} problem${g.regressions.length === 1 ? "" : "s"}</div>`;
}

/** A line under the verdict: which cases ran (--case), graders changed since the baseline. */
function metaNote(note: string | undefined): string {
  return note ? `<p class="meta">${esc(note)}</p>` : "";
}

function figure(label: string, value: string): string {
  return `<div><dt>${esc(label)}</dt><dd>${esc(value)}</dd></div>`;
}

function summary(s: SuiteResult, result: RunResult): string {
  const t = s.totals;
  const [lo, hi] = s.passRateInterval;
  const cmp = result.comparison?.suites.find((x) => x.suite === s.name);
  const gate = result.gate.deferred ? "deferred" : suiteGateStatus(result, s.name);
  const vs = vsBaseline(cmp, s);
  return `<dl class="summary">${[
    figure("pass rate (95% CI)", `${fmtPct(s.passRate)} (${fmtPct(lo)}–${fmtPct(hi)})`),
    figure(`pass@${s.k}`, fmtProb(s.passAtK)),
    figure(`pass^${s.k}`, fmtProb(s.passHatK)),
    figure("cases", `${t.cases}${s.selectedFrom !== undefined ? ` of ${s.selectedFrom} (--case)` : ""}${s.casesCounted < t.cases ? ` (${s.casesCounted} with ${s.k} judged trials)` : ""}`),
    figure("trials", `${t.trials}: ${t.passed} passed, ${t.failed} failed`),
    figure("errored · pending", `${erroredTrials(t)} · ${t.pending}`),
    figure("cost", `${fmtUsd(s.costUsd)}${s.judge ? ` + judge ${fmtUsd(s.judge.costUsd)}` : ""}`),
    figure("tokens in / out", s.tokens ? `${fmtTokens(s.tokens.inputTokens)} / ${fmtTokens(s.tokens.outputTokens)}` : DASH),
    figure("latency p50 / p95 / max", `${fmtMs(s.latencyMs.p50)} / ${fmtMs(s.latencyMs.p95)} / ${fmtMs(s.latencyMs.max)}`),
    figure("vs baseline", vs === undefined ? DASH : `${vs}${cmp?.providerChanged ? ` (provider was ${cmp.providerChanged.baseline})` : ""}`),
    figure("gate", gate),
  ].join("")}</dl>`;
}

function regressions(s: SuiteResult, result: RunResult): string {
  const list = (title: string, problems: readonly Regression[]) => {
    const mine = problems.filter((r) => r.suite === s.name);
    if (mine.length === 0) return "";
    const items = mine.map((r) => {
      const c = r.caseId === undefined ? undefined : s.cases.find((x) => x.id === r.caseId);
      const why = c ? failureReasons(c).slice(0, 3).map(([reason, n]) => `<li>${n}× ${escUntrusted(reason)}</li>`).join("") : "";
      return `<li><span class="kind">${esc(r.kind)}</span> ${r.caseId ? `<code>${esc(r.caseId)}</code> ` : ""}${esc(r.message)}${why ? `<ul>${why}</ul>` : ""}</li>`;
    });
    return `<h3>${title}</h3><ul class="regressions">${items.join("")}</ul>`;
  };
  return list(failedHeading(result), result.gate.regressions) + list(acceptedHeading(result), result.gate.accepted ?? []);
}

function charts(s: SuiteResult, history: HtmlOptions["history"]): string {
  // Over the cases the suite's own pass@k and pass^k are over (casesCounted), named as the terminal names them.
  const curve = reliabilityCurve(s.cases, s.k);
  const over = countedCases(s);
  const pts = (pick: "passAtK" | "passHatK", name: string) => curve.filter((a) => Number.isFinite(a[pick])).map((a) => ({ x: a.k, y: a[pick], tip: `${name.replace("k", String(a.k))} = ${fmtProb(a[pick])}` }));
  const out = [
    lineChart({ kind: "curve", title: `pass@k and pass^k for k = 1..${s.k}${over ? ` (${over})` : ""}`, xLabel: "k", yLabel: "probability", xs: curve.map((a) => a.k), series: [{ name: "pass@k", cls: "at", points: pts("passAtK", "pass@k") }, { name: "pass^k", cls: "hat", points: pts("passHatK", "pass^k") }] }),
  ];
  // The same trials aggregateSuite takes latencies from: those that answered.
  const latencies = s.cases.flatMap((c) => c.trials.filter(hasOutput).map((t) => t.latencyMs ?? Number.NaN));
  const bins = latencyHistogram(latencies);
  if (bins.length > 0) out.push(barChart({ title: `latency of ${plural(latencies.length, "trial")}`, xLabel: "latency", bins, formatX: fmtMs }));
  const series = history ? historySeries(history, s.name, HISTORY_RUNS) : [];
  if (series.length > 0) {
    const points = series.flatMap((p, i) => (p.passHatK === null ? [] : [{ x: i + 1, y: p.passHatK, tip: `${p.time} ${p.provider}: pass^${p.k} ${fmtProb(p.passHatK)}` }]));
    const markers = series.flatMap((p, i) => (p.providerChanged ? [{ x: i + 1, y: 0, tip: `provider changed: ${series[i - 1]!.provider} → ${p.provider}` }] : []));
    out.push(lineChart({ kind: "history", title: `pass^k over the last ${plural(series.length, "run")}`, xLabel: "run (oldest → latest)", yLabel: "pass^k", xs: series.map((_, i) => i + 1), series: [{ name: "pass^k", cls: "hat", points }], markers }));
  }
  return `<div class="charts">${out.join("")}</div>`;
}

/**
 * A run of more cases than this shows trials only for its cases worth a look, and for at
 * most this many of them: 20,000 cases of five 2,000-character answers made a page of
 * 200 MB that no browser opens, built in memory from every output of the run. Every case is
 * still listed, and the JSON report holds every output.
 */
export const MAX_CASES_WITH_ALL_TRIALS = 500;

/** Which cases of a big run show their trials: shared by its suites, so forty suites of 500 count as one run of 20,000. */
interface TrialBudget {
  big: boolean;
  shown: number;
}

function suiteSection(s: SuiteResult, result: RunResult, comparisons: ReadonlyMap<string, CaseComparison>, history: HtmlOptions["history"], budget: TrialBudget): string {
  const head = `<h2>${esc(s.name)}</h2><p class="meta">${esc(s.file)} · ${esc(s.provider)}${s.judgeModel ? ` · judge ${esc(s.judgeModel)}` : ""} · ${plural(s.trials, "trial")} per case</p>`;
  let quiet = 0;
  let over = 0;
  // In a big run: the quiet cases without trials, and the others with theirs up to the limit.
  const withTrials = (c: CaseResult, cmp: CaseComparison | undefined): boolean => {
    if (isQuiet(c, cmp)) return (quiet++, false);
    if (budget.shown < MAX_CASES_WITH_ALL_TRIALS) return (budget.shown++, true);
    return (over++, false);
  };
  const cases = s.cases
    .map((c) => {
      const cmp = comparisons.get(`${s.name}\u0000${c.id}`);
      return renderCase(c, cmp, !budget.big || withTrials(c, cmp));
    })
    .join("");
  const left = [quiet > 0 ? `${quiet} that passed every trial and did not change` : "", over > 0 ? `${over} more worth a look, beyond the run's first ${MAX_CASES_WITH_ALL_TRIALS}` : ""].filter(Boolean).join("; ");
  const note = left ? `<p class="muted">${s.cases.length} cases: listed without their trials' outputs are ${left}. The JSON report (-o) keeps every output.</p>` : "";
  return `<section class="suite" data-suite="${esc(s.name)}">${head}${summary(s, result)}${regressions(s, result)}${charts(s, history)}<h3>Cases</h3>${note}${cases}</section>`;
}

function overview(result: RunResult): string {
  const priced = result.suites.filter((s) => s.costUsd !== null && Number.isFinite(s.passRate));
  const unpriced = result.suites.filter((s) => !priced.includes(s)).map((s) => `${s.name} (${s.provider})`);
  const scatter = scatterChart({ title: "cost against pass rate, per suite and provider", xLabel: "cost (USD)", yLabel: "pass rate", formatX: (v) => fmtUsd(v), points: priced.map((s) => {
      const label = `${s.name} · ${s.provider}: ${fmtPct(s.passRate)} for ${fmtUsd(s.costUsd)}`;
      return { x: s.costUsd!, y: s.passRate, label, tip: label };
    }) });
  return `<div class="charts">${scatter}</div>${unpriced.length > 0 ? `<p class="muted">Not plotted (cost or pass rate unknown): ${esc(unpriced.join(", "))}</p>` : ""}`;
}

/** How far the judges agree with people who graded the same outputs: where a reader decides whether to trust the model-graded gate. */
function judgeAgreement(result: RunResult): string {
  if (result.judgeAgreement.length === 0) return "";
  const rows = result.judgeAgreement
    .map((a) => `<tr><td>${esc(agreementLabel(a))}</td><td class="num">${a.pairs}</td><td>${esc(describeAgreement(a))}</td></tr>`)
    .join("");
  return `<section class="agreement"><h2>Judge vs people</h2><table><thead><tr><th>grader</th><th>outputs graded by both</th><th>agreement</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function filters(result: RunResult, comparisons: ReadonlyMap<string, CaseComparison>): string {
  const cases = result.suites.flatMap((s) => s.cases.map((c) => ({ c, cmp: comparisons.get(`${s.name}\u0000${c.id}`) })));
  const failing = cases.filter(({ c }) => isFailing(c)).length;
  const regressed = cases.filter(({ cmp }) => isRegression(cmp)).length;
  const button = (show: string, label: string) => `<button type="button" data-show="${show}" aria-pressed="${show === "all"}">${esc(label)}</button>`;
  return `<nav class="filters">${button("all", `all (${cases.length})`)} ${button("failures", `failures (${failing})`)} ${button("regressions", `regressions (${regressed})`)}</nav>`;
}

export function renderHtml(result: RunResult, options: HtmlOptions = {}): string {
  const budget: TrialBudget = { big: result.suites.reduce((n, s) => n + s.cases.length, 0) > MAX_CASES_WITH_ALL_TRIALS, shown: 0 };
  const comparisons = new Map((result.comparison?.cases ?? []).map((x) => [`${x.suite}\u0000${x.caseId}`, x]));
  const errs = Object.entries(result.errors.byCategory).map(([k, n]) => `${k} ${n}`).join(", ");
  const base = result.gate.baseline;
  const meta = [`started ${result.startedAt}`, `${(result.durationMs / 1000).toFixed(1)} s`, `harness ${result.harnessVersion}`, base ? `baseline ${base.path}${base.commit ? ` @ ${base.commit.slice(0, 7)}` : ""}` : "no baseline", `α = ${result.gate.alpha}`, `${result.errors.errored} errored trials${errs ? ` (${errs})` : ""}`, result.interrupted ? `interrupted by ${result.interrupted}` : ""].filter(Boolean).join(" · ");
  return htmlPage(`harness report ${result.startedAt}`, `<header><h1>harness report</h1><p class="meta">${esc(meta)}</p>${verdict(result)}${metaNote(describeSelection(result))}${metaNote(gradersChangedNote(result))}</header>
${overview(result)}
${judgeAgreement(result)}
${filters(result, comparisons)}
${result.suites.map((s) => suiteSection(s, result, comparisons, options.history, budget)).join("\n")}`);
}
