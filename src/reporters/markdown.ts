/** Markdown: the job summary a pull request shows, from the one run result. */
import type { RunResult } from "../core/types.js";
import { acceptedAsBaseline, acceptedHeading, acceptHint, agreementLabel, DASH, describeAgreement, describeErrors, describeSelection, erroredTrials, failedHeading, fmtMs, fmtPct, fmtProb, fmtTokens, fmtUsd, MARKDOWN_NOTE, markdownLine, oneLine, plural, suitePart, vsBaseline } from "./format.js";
import { failureReasons } from "./why.js";
import { gradersChangedNote } from "./changed-since.js";

/**
 * Model outputs and case text are untrusted: in a job summary or PR comment they must not
 * render HTML, break out of code or tables, or @-mention people.
 */
export const cell = (s: string) => markdownLine(oneLine(s, 200));

function verdictLine(result: RunResult): string {
  const g = result.gate;
  // A sound shard is not judged on its own: harness merge judges the whole.
  if (g.deferred) return `### ⏳ Gate deferred: ${cell(g.notJudgedReason ?? "")}`;
  // The reason quotes a server's error or an exec command: untrusted text, as any cell.
  if (!g.judged) return `### ⚠️ Not judged: ${cell(g.notJudgedReason ?? "")}`;
  const awaiting = g.pending.trials > 0 ? `, with ${plural(g.pending.trials, "trial")} awaiting human review` : "";
  const accepted = acceptedAsBaseline(result);
  if (accepted !== undefined) return `### ✅ Accepted as the new baseline: ${plural(accepted, "change")} against the old one, below, not enforced${awaiting}`;
  if (g.status === "pass") return `### ✅ Gate passed${g.baseline ? ": no significant regression" : " (no baseline to compare against)"}${awaiting}`;
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

/**
 * GitHub keeps a job summary only under 1 MiB and a comment only under 65,536 characters,
 * and drops one that is over whole: so over `maxBytes`, the list of what failed is cut, with
 * a line saying how many more there are and where they all are (`fullAt`).
 */
export interface MarkdownLimit {
  maxBytes: number;
  fullAt: string;
}

export function renderMarkdown(result: RunResult, limit?: MarkdownLimit): string {
  const rows: string[] = [];
  for (const s of result.suites) {
    const cmp = result.comparison?.suites.find((x) => x.suite === s.name);
    const shown = vsBaseline(cmp, s);
    const vs = shown === undefined ? DASH : `${shown}${cmp?.regressed ? " ❌" : ""}`;
    const [lo, hi] = s.passRateInterval;
    const t = s.totals;
    // As the terminal says it: the means leave out cases with fewer than k judged trials.
    const over = s.casesCounted < s.cases.length ? ` (over ${s.casesCounted} of ${s.cases.length} cases)` : "";
    rows.push(
      `| ${cell(s.name)}${suitePart(s) ? ` (${suitePart(s)})` : ""} | ${fmtProb(s.passAtK)} (k=${s.k})${over} | ${fmtProb(s.passHatK)}${over} | ${fmtPct(s.passRate)} (${fmtPct(lo)}–${fmtPct(hi)}) | ${vs} | ${t.passed}/${t.trials} passed, ${erroredTrials(t)}${t.pending ? `, ${t.pending} pending` : ""}${s.refusals ? `, ${s.refusals} refused` : ""}${s.truncations ? `, ${s.truncations} cut at the token limit` : ""} | ${fmtMs(s.latencyMs.p50)} / ${fmtMs(s.latencyMs.p95)} / ${fmtMs(s.latencyMs.max)} | ${s.tokens ? `${fmtTokens(s.tokens.inputTokens)} / ${fmtTokens(s.tokens.outputTokens)}` : DASH} | ${fmtUsd(s.costUsd)}${s.judge ? ` + judge ${fmtUsd(s.judge.costUsd)}` : ""} |`,
    );
  }
  const e = result.errors;
  const errorsLine = e.errored > 0 ? ["", `${describeErrors(e)} Errored trials are neither passed nor failed.`] : [];
  // One block of lines per problem: a cut never splits one.
  const blocks: string[][] = [];
  const failed = result.gate.regressions;
  const accepted = result.gate.accepted ?? [];
  // Under --update-baseline, the changes the gate accepted follow what failed, under their own heading.
  const acceptedTitle = `#### ${acceptedHeading(result)}`;
  const problems = [...failed, ...accepted];
  // A suite below several floors (pass@k, pass^k, pass rate) lists its failing cases once, under the last.
  const lastThreshold = new Map(problems.filter((r) => r.kind === "threshold").map((r) => [r.suite, r]));
  for (const r of problems) {
    const heading = failed.length > 0 && r === accepted[0] ? ["", acceptedTitle, ""] : [];
    const block = [...heading, `- **${r.kind === "case" ? `${cell(r.suite)} / ${cell(r.caseId ?? "")}` : cell(r.suite)}** (${r.kind}): ${cell(r.message)}`];
    if (r.kind === "threshold" && lastThreshold.get(r.suite) === r) block.push(...failingCases(result, r.suite));
    if (r.kind === "case") {
      const c = result.suites.find((s) => s.name === r.suite)?.cases.find((x) => x.id === r.caseId);
      if (c?.description) block.push(`  - guards: ${cell(c.description)}`);
      for (const [why, n] of c ? failureReasons(c).slice(0, 3) : []) block.push(`  - ${n}× ${cell(why)}`);
    }
    blocks.push(block);
  }
  const tail: string[] = [];
  const g = result.gate;
  const selection = describeSelection(result);
  if (selection) tail.push("", cell(selection));
  if (g.improvements.length > 0) tail.push("", `Improved: ${listed(g.improvements.map((i) => `${cell(i.suite)}/${cell(i.caseId)} (${cell(i.message)})`))}`);
  if (g.missingCases.length > 0) tail.push("", `In the baseline but not run: ${listed(g.missingCases.map((m) => `${cell(m.suite)}/${cell(m.caseId)}`))}`);
  if ((g.missingSuites ?? []).length > 0) tail.push("", `Suites in the baseline but not run: ${listed((g.missingSuites ?? []).map((m) => `${cell(m.suite)} (${m.cases} cases)`))}`);
  if (result.judgeAgreement.length > 0) {
    tail.push("", "#### Judge vs people", "", "| grader | outputs graded by both | agreement |", "|---|---|---|");
    for (const a of result.judgeAgreement) tail.push(`| ${cell(agreementLabel(a))} | ${a.pairs} | ${cell(describeAgreement(a))} |`);
  }
  if (g.pending.trials > 0) tail.push("", `${g.pending.trials} trial${g.pending.trials === 1 ? " awaits" : "s await"} human review (\`harness review\`).`);
  // Whole, not cut at a cell's 200 characters: its end says how to accept the change.
  const graders = gradersChangedNote(result, MARKDOWN_NOTE);
  if (graders) tail.push("", `⚠️ ${graders}`);
  const hint = acceptHint(result, MARKDOWN_NOTE);
  if (hint) tail.push("", hint);
  if (g.baseline) tail.push("", `<sub>Baseline ${cell(g.baseline.path)}${g.baseline.commit ? ` @ ${g.baseline.commit.slice(0, 7)}` : ""}; α = ${g.alpha} for the whole run.</sub>`);

  const TABLE = ["| suite | pass@k | pass^k | pass rate (95% CI) | vs baseline | trials | latency p50 / p95 / max | tokens in / out | cost |", "|---|---|---|---|---|---|---|---|---|"];
  const text = (shownRows: string[], shown: string[][], more: string[]) =>
    `${[verdictLine(result), "", ...TABLE, ...shownRows, ...errorsLine, ...(shown.length > 0 || more.length > 0 ? ["", failed.length > 0 ? `#### ${failedHeading(result)}` : acceptedTitle, ""] : []), ...shown.flat(), ...more, ...tail].join("\n")}\n`;
  const whole = text(rows, blocks, []);
  if (!limit || Buffer.byteLength(whole) <= limit.maxBytes) return whole;
  const cutNote = (n: number, what: string) => `… and ${n} more ${what}, left out for GitHub's size limit: all are in ${limit.fullAt}`;
  const moreLine = (n: number) => (n > 0 ? [`- ${cutNote(n, n === 1 ? "problem" : "problems")}`] : []);
  // Whole items only, while they fit in the room left once the rest, and the line saying what was cut, are in.
  const fit = (items: readonly string[], room: number): number => {
    let n = 0;
    for (const item of items) {
      const size = Buffer.byteLength(item) + 1;
      if (size > room) break;
      room -= size;
      n++;
    }
    return n;
  };
  const room = limit.maxBytes - Buffer.byteLength(text(rows, [], moreLine(blocks.length)));
  if (room < 0) {
    // So many suites that their table alone is over: it is cut too, and no problem is listed.
    const noteRow = (n: number) => `| ${cutNote(n, "suites")} | | | | | | | | |`;
    const kept = fit(rows, limit.maxBytes - Buffer.byteLength(text([noteRow(rows.length)], [], moreLine(blocks.length))));
    return text([...rows.slice(0, kept), noteRow(rows.length - kept)], [], moreLine(blocks.length));
  }
  const shown = blocks.slice(0, fit(blocks.map((b) => b.join("\n")), room));
  return text(rows, shown, moreLine(blocks.length - shown.length));
}

/** A list of names for one line: the first 20, then how many more. */
function listed(items: string[]): string {
  return items.length <= 20 ? items.join(", ") : `${items.slice(0, 20).join(", ")} and ${items.length - 20} more`;
}
