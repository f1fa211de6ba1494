/** The human report: a table per suite, why cases failed, and the gate's verdict. Renders; never decides. */
import { Chalk, type ChalkInstance } from "chalk";
import Table from "cli-table3";
import type { CaseComparison, CaseResult, ClimbedBack, Regression, RunResult, SuiteResult } from "../core/types.js";
import { failureReasons, onlyCancelled } from "./why.js";
import { changedLabel, gradersChangedNote, mostlyErroredLabel } from "./changed-since.js";
import { acceptHint, acceptedAsBaseline, agreementLabel, countedCases, DASH, describeAgreement, erroredTrials, describeErrors, describeSelection, fmtMs, fmtPct, fmtProb, fmtTokens, fmtUsd, oneLine, plural, suitePart } from "./format.js";

export interface TerminalOptions {
  /** Colour on or off; the CLI decides from NO_COLOR, FORCE_COLOR and whether stdout is a TTY. */
  color: boolean;
  /** Reasons listed per failing case (default 3). */
  maxReasons?: number;
  /** Case rows per suite table (default 60); past it, cases that passed every trial unchanged are left out. */
  maxRows?: number;
  /** The JSON report of this run, when one was written: what the terminal leaves out is there. */
  saved?: string | undefined;
}

const MAX_ROWS = 60;
/** Failing cases whose reasons are listed under a suite's table. */
const MAX_REASON_CASES = 25;

/** What the run says became of a limit cut by 429s; a report from before it said so says nothing. */
const CLIMBED_BACK: Record<ClimbedBack, string> = { fully: ", then climbed back", partly: ", then climbed back part of the way", no: ", and did not climb back" };

const STATUS_LABEL: Record<CaseComparison["status"], string> = {
  same: "same",
  up: "up",
  down: "down (not significant)",
  improved: "improved",
  regressed: "REGRESSED",
  new: "new",
  "not-judged": DASH,
  undecided: "UNDECIDED (errored)",
};

export function renderTerminal(result: RunResult, options: TerminalOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const out: string[] = [];
  // One index, not a scan of every comparison per case row: a run can have 20,000 cases.
  const comparisons = new Map((result.comparison?.cases ?? []).map((x) => [`${x.suite}\u0000${x.caseId}`, x]));
  for (const suite of result.suites) out.push(renderSuite(suite, comparisons, c, options), "");
  out.push(renderFooter(result, c));
  return `${out.join("\n")}\n`;
}

function colourStatus(cmp: CaseComparison | undefined, cr: CaseResult, c: ChalkInstance): string {
  if (!cmp) return DASH;
  const mostlyErrored = mostlyErroredLabel(cmp, cr);
  const notes = [changedLabel(cmp), mostlyErrored].filter((x) => x !== undefined);
  const label = STATUS_LABEL[cmp.status] + (notes.length > 0 ? ` (${notes.join("; ")})` : "");
  if (cmp.status === "regressed" || cmp.status === "undecided") return c.red.bold(label);
  if (cmp.status === "improved") return c.green(label);
  if (cmp.status === "down" || mostlyErrored) return c.yellow(label);
  return label;
}

/**
 * A table of 20,000 rows helps no one and takes seconds to lay out. A big suite shows the
 * cases worth a look (a failure, an error, a change against the baseline) and counts the rest.
 */
function rowsToShow(suite: SuiteResult, comparisons: ReadonlyMap<string, CaseComparison>, max: number, saved: string | undefined): { shown: CaseResult[]; hidden: string } {
  if (suite.cases.length <= max) return { shown: suite.cases, hidden: "" };
  let unfinished = 0;
  const notable = suite.cases.filter((cr) => {
    const status = comparisons.get(`${suite.name}\u0000${cr.id}`)?.status;
    // After a stop, cases it only cancelled would crowd out the ones that failed. Against a
    // baseline such a case is "not judged" (or "new"); it cannot have got worse.
    if (cr.errored > 0 && onlyCancelled(cr) && status !== "improved") {
      unfinished++;
      return false;
    }
    return (status !== undefined && status !== "same") || cr.passes < cr.n || cr.errored > 0 || cr.pending > 0;
  });
  const shown = notable.slice(0, max);
  const quiet = suite.cases.length - notable.length - unfinished;
  const more = notable.length - shown.length;
  const parts = [
    quiet > 0 ? `${quiet} case${quiet === 1 ? "" : "s"} that passed every trial, unchanged` : "",
    unfinished > 0 ? unfinishedCases(unfinished) : "",
    more > 0 ? `${more} more failing or changed` : "",
  ].filter(Boolean);
  return { shown, hidden: `  Not listed: ${parts.join("; ")} (all of them: ${elsewhere(saved)})` };
}

function renderSuite(suite: SuiteResult, comparisons: ReadonlyMap<string, CaseComparison>, c: ChalkInstance, options: TerminalOptions): string {
  const k = suite.k;
  const extraKs = suite.at.filter((a) => a.k !== k);
  const table = new Table({
    head: ["case", "n", "pass", "err", `pass@${k}`, `pass^${k}`, ...extraKs.flatMap((a) => [`pass@${a.k}`, `pass^${a.k}`]), "vs baseline"],
    style: { head: options.color ? ["cyan"] : [], border: options.color ? ["grey"] : [], compact: true },
    colAligns: ["left", "right", "right", "right", "right", "right", ...extraKs.flatMap(() => ["right", "right"] as const), "left"],
  });
  const { shown, hidden } = rowsToShow(suite, comparisons, options.maxRows ?? MAX_ROWS, options.saved);
  for (const cr of shown) {
    const hat = cr.passHatK;
    const hatText = fmtProb(hat);
    table.push([
      cr.id,
      String(cr.n),
      String(cr.passes),
      cr.errored > 0 ? c.yellow(String(cr.errored)) : "0",
      fmtProb(cr.passAtK),
      Number.isFinite(hat) && hat < 1 ? c.yellow(hatText) : hatText,
      ...extraKs.flatMap((a) => {
        const at = cr.at.find((x) => x.k === a.k);
        return [fmtProb(at?.passAtK ?? Number.NaN), fmtProb(at?.passHatK ?? Number.NaN)];
      }),
      colourStatus(comparisons.get(`${suite.name}\u0000${cr.id}`), cr, c),
    ]);
  }
  const t = suite.totals;
  const [lo, hi] = suite.passRateInterval;
  const over = countedCases(suite);
  const counted = over ? c.yellow(` (${over})`) : "";
  const interval = Number.isFinite(lo) ? ` (95% CI ${fmtPct(lo)}–${fmtPct(hi)})` : "";
  const tokens = suite.tokens ? `${fmtTokens(suite.tokens.inputTokens)} in / ${fmtTokens(suite.tokens.outputTokens)} out` : "unknown";
  const part = suitePart(suite);
  const lines = [
    `${c.bold(suite.name)}  ${c.dim(`${suite.file} · ${suite.provider} · ${suite.trials} trial${suite.trials === 1 ? "" : "s"} per case${part ? ` · ${part}` : ""}`)}`,
    table.toString() + (hidden ? `\n${hidden}` : ""),
    `  pass@${k} ${c.bold(fmtProb(suite.passAtK))}   pass^${k} ${c.bold(fmtProb(suite.passHatK))}${counted}   pass rate ${fmtPct(suite.passRate)}${interval}${t.pending > 0 ? c.yellow(` (of judged trials: ${t.pending} awaiting review, which no other grader failed, are not in it)`) : ""}`,
    `  ${plural(t.cases, "case")}, ${plural(t.trials, "trial")}: ${t.passed} passed, ${t.failed} failed, ${erroredTrials(t)}${t.pending > 0 ? `, ${t.pending} pending review` : ""}` +
      `   latency p50 ${fmtMs(suite.latencyMs.p50)} p95 ${fmtMs(suite.latencyMs.p95)} max ${fmtMs(suite.latencyMs.max)}` +
      `   tokens ${tokens}   cost ${fmtUsd(suite.costUsd)}` +
      (suite.refusals ? c.yellow(`   ${plural(suite.refusals, "refusal")}`) : "") +
      (suite.truncations ? c.yellow(`   ${plural(suite.truncations, "answer")} cut at the token limit (maxTokens)`) : ""),
  ];
  if (suite.judge) {
    const j = suite.judge;
    const jt = j.tokens ? `${fmtTokens(j.tokens.inputTokens)} in / ${fmtTokens(j.tokens.outputTokens)} out` : "unknown";
    lines.push(`  judge: ${plural(j.calls, "call")}   latency p50 ${fmtMs(j.latencyMs.p50)} p95 ${fmtMs(j.latencyMs.p95)} per trial   tokens ${jt}   cost ${fmtUsd(j.costUsd)}`);
  }
  const notClean = suite.cases.filter((cr) => cr.passes < cr.n || cr.errored > 0 || cr.pending > 0);
  // Cases the run's stop left unfinished, with nothing else wrong, would bury the cases that failed.
  const failing = notClean.filter((cr) => !onlyCancelled(cr));
  for (const cr of failing.slice(0, MAX_REASON_CASES)) lines.push(...reasons(cr, c, options.maxReasons ?? 3, options.saved));
  if (failing.length > MAX_REASON_CASES) lines.push(`  … and why ${plural(failing.length - MAX_REASON_CASES, "more case")} failed: ${elsewhere(options.saved)}`);
  const unfinished = notClean.filter((cr) => onlyCancelled(cr));
  // A big suite's table has said so already, under it. Named, as far as a line holds them.
  const named = unfinished.length <= MAX_NAMED_UNFINISHED ? `: ${unfinished.map((cr) => cr.id).join(", ")}` : "";
  if (unfinished.length > 0 && !hidden) lines.push(c.dim(`  Not listed: ${unfinishedCases(unfinished.length)}${named}`));
  return lines.join("\n");
}

/** The distinct reasons a case's trials failed or errored, most frequent first. */
function reasons(cr: CaseResult, c: ChalkInstance, max: number, saved: string | undefined): string[] {
  const sorted = failureReasons(cr);
  // ✗ only where a trial failed; … where, with none failing, a person's verdict is awaited; ! where trials only errored.
  const mark = cr.passes < cr.n ? c.red("✗") : cr.pending > 0 ? c.yellow("…") : c.yellow("!");
  const head = `  ${mark} ${cr.id}${cr.description ? c.dim(` (guards: ${oneLine(cr.description, 70)})`) : ""}`;
  const rows = sorted.slice(0, max).map(([why, n]) => `      ${n}× ${oneLine(why, 160)}`);
  if (sorted.length > max) rows.push(`      … and ${plural(sorted.length - max, "more reason")} (see ${saved ?? "-o report.json"})`);
  return [head, ...rows];
}

/** Where the whole of what the terminal leaves out can be read: without running anything again, once it is saved. */
function elsewhere(saved: string | undefined): string {
  return saved === undefined ? "-o report.json or --reporter html" : `in ${saved}; as a page: harness report ${saved} --reporter html`;
}

const MAX_NAMED_UNFINISHED = 5;

function unfinishedCases(n: number): string {
  return `${plural(n, "case")} where nothing failed, but trials were cancelled when the run stopped`;
}

function renderFooter(result: RunResult, c: ChalkInstance): string {
  const g = result.gate;
  const lines: string[] = [];
  const e = result.errors;
  if (e.errored > 0) {
    lines.push(c.yellow(`${describeErrors(e)} Errored trials are left out of n, neither passed nor failed.`));
  }
  for (const r of result.rateLimits ?? []) {
    // At -j 1 there was nothing to cut: "cut to 1 of 1, then climbed back" said a change that never was.
    const limit = r.lowest < r.max ? `calls in flight were cut to ${r.lowest} of ${r.max} at the lowest${r.climbedBack ? CLIMBED_BACK[r.climbedBack] : ""}` : `calls in flight stayed at -j ${r.max}`;
    lines.push(c.yellow(`${r.provider}${r.role === "judge" ? " (judge)" : ""}: ${plural(r.rateLimited, "call")} answered 429; ${limit}.`));
  }
  for (const m of result.masked ?? []) {
    lines.push(c.yellow(`${plural(m.answers, "answer")} held the value of ${m.source}, masked as *** before ${m.answers === 1 ? "it was" : "they were"} graded or recorded. If that value is no secret (a default like "postgres"), unset it for the run.`));
  }
  if (g.pending.trials > 0) {
    lines.push(c.yellow(`${plural(g.pending.trials, "trial")} ${g.pending.trials === 1 ? "awaits" : "await"} human review, left out of n: run \`harness review\`${g.pending.policy === "fail" ? " (--pending fail: the gate fails until then)" : ""}.`));
  }
  for (const a of result.judgeAgreement) {
    lines.push(`Judge vs people, ${agreementLabel(a)}: ${plural(a.pairs, "output")} graded by both, ${describeAgreement(a)}`);
  }
  const selection = describeSelection(result);
  if (selection) lines.push(c.yellow(selection));
  if (result.interrupted) lines.push(c.yellow(`Interrupted by ${result.interrupted}: the figures cover only the trials that finished.`));
  if (g.baseline) {
    lines.push(c.dim(`Baseline: ${g.baseline.path} (${g.baseline.commit ? `commit ${g.baseline.commit.slice(0, 7)}, ` : ""}${g.baseline.createdAt}); α = ${g.alpha} for the whole run`));
  } else {
    // An interrupted run is never written as the baseline: neither promised nor advised.
    const next = result.interrupted ? (g.accepted ? ". This run, interrupted, does not become it." : ".") : g.accepted ? "; this run becomes it (--update-baseline)." : ". Write one with --update-baseline.";
    lines.push(c.dim(`No baseline${g.accepted ? " yet" : ""}: nothing to compare against${next}`));
  }
  for (const n of g.newCases) lines.push(c.dim(`  new since the baseline: ${n.suite}/${n.caseId}`));
  for (const m of g.missingCases) lines.push(c.dim(`  in the baseline but not run: ${m.suite}/${m.caseId}`));
  for (const m of g.missingSuites ?? []) lines.push(c.dim(`  in the baseline but not run: suite ${m.suite} (${plural(m.cases, "case")}; renamed, or not asked for?)`));
  for (const i of g.improvements) lines.push(c.green(`  improved: ${i.suite}/${i.caseId} ${i.message}`));
  const graders = gradersChangedNote(result);
  if (graders) lines.push(c.yellow(`  ${graders}`));
  for (const s of result.comparison?.suites ?? []) {
    if (s.judgeChanged) {
      lines.push(c.yellow(`  ${s.suite}: judged by ${s.judgeChanged.current}, but the baseline by ${s.judgeChanged.baseline}: differences may be the judge's.`));
    }
    if (s.judgePromptsChanged.length > 0) {
      lines.push(c.yellow(`  ${s.suite}: the judge instructions for ${s.judgePromptsChanged.join(", ")} changed since the baseline: differences may be the judge's.`));
    }
    if (s.providerChanged) {
      lines.push(c.yellow(`  ${s.suite} ran on ${s.providerChanged.current}, but its baseline was recorded on ${s.providerChanged.baseline}: differences may be the model's, not your change's.`));
    }
  }
  if (g.deferred) {
    lines.push(c.dim(`Gate: deferred (${g.notJudgedReason})`));
  } else if (!g.judged) {
    lines.push(c.yellow.bold(`Gate: NOT JUDGED (${g.notJudgedReason})`));
  } else if (acceptedAsBaseline(result) !== undefined) {
    lines.push(c.green.bold("Gate: PASS") + ` as the new baseline (--update-baseline): ${plural(g.accepted?.length ?? 0, "change")} against the old one, not enforced:`);
    for (const r of g.accepted ?? []) lines.push(c.yellow(`  ${problemName(r)}: ${r.message}`));
  } else if (g.status === "pass") {
    // Under --pending warn, a pass says what it has not judged yet.
    const awaiting = g.pending.trials > 0 ? `, with ${plural(g.pending.trials, "trial")} awaiting human review (--pending ${g.pending.policy})` : "";
    lines.push(c.green.bold("Gate: PASS") + (g.baseline ? " (no significant regression)" : "") + awaiting);
  } else {
    lines.push(c.red.bold(`Gate: FAIL (${g.regressions.length} problem${g.regressions.length === 1 ? "" : "s"})`));
    for (const r of g.regressions) lines.push(c.red(`  ${problemName(r)}: ${r.message}`));
    const hint = acceptHint(result);
    if (hint) lines.push(c.dim(hint));
    if ((g.accepted ?? []).length > 0) {
      lines.push(c.yellow(`Not enforced under --update-baseline: ${plural(g.accepted?.length ?? 0, "change")} against the old baseline:`));
      for (const r of g.accepted ?? []) lines.push(c.yellow(`  ${problemName(r)}: ${r.message}`));
    }
  }
  return lines.join("\n");
}

/** Where a problem is: the case, or the suite. */
function problemName(r: Regression): string {
  return r.kind === "case" ? `${r.suite}/${r.caseId}` : r.suite;
}
