/** The terminal report of harness compare: per suite, per case that differs, per provider, and the verdicts. Renders; never decides. */
import { Chalk, type ChalkInstance } from "chalk";
import Table from "cli-table3";
import type { CandidateComparison, CandidateStatus, ModelComparison } from "../core/model-comparison-types.js";
import { atKNotes, baselineChangeNotes, compareStatus, describeCase, detectableAt, erroredCases, PROVIDER_HEAD, providerRow, referenceThresholdNotes, SUITE_HEAD, suiteLabel, summaryCells } from "./compare-format.js";
import { oneLine, plural } from "./format.js";

export interface CompareTerminalOptions {
  color: boolean;
  /** Reasons listed per differing case (default 3). */
  maxReasons?: number;
  /** The comparison's JSON, when one was written: the reasons left out are there. */
  saved?: string | undefined;
}

const STATUS_COLOUR: Record<CandidateStatus, (c: ChalkInstance) => ChalkInstance> = {
  worse: (c) => c.red.bold,
  better: (c) => c.green,
  "not-worse": (c) => c.green,
  undecided: (c) => c.yellow,
  "not-judged": (c) => c.yellow.bold,
};

function table(head: string[], color: boolean): Table.Table {
  return new Table({
    head,
    style: { head: color ? ["cyan"] : [], border: color ? ["grey"] : [], compact: true },
    colAligns: head.map((_, i) => (i === 0 ? "left" : "right")),
  });
}

function renderCandidate(cmp: CandidateComparison, c: ChalkInstance, options: CompareTerminalOptions): string[] {
  const t = table(SUITE_HEAD, options.color);
  for (const s of cmp.suites) t.push([suiteLabel(s), ...summaryCells(s)]);
  if (cmp.suites.length > 1) t.push([c.bold("all suites"), ...summaryCells(cmp.overall)]);
  const lines = [`${c.bold(cmp.candidate)} ${c.dim("vs")} ${c.bold(cmp.reference)} ${c.dim("(reference)")}`, t.toString(), ...[...atKNotes(cmp), ...baselineChangeNotes(cmp)].map((n) => c.yellow(`  ${n}`))];
  if (cmp.discordant.length === 0) lines.push(c.dim(`  No compared case's pass rate differs${cmp.unpaired.length > 0 ? `; ${cmp.unpaired.length} case${cmp.unpaired.length === 1 ? " was" : "s were"} not compared (see the verdict)` : ""}.`));
  else lines.push(`  Cases whose pass rate differs, worst first:`);
  const max = options.maxReasons ?? 3;
  const reasonLines = (reasons: readonly { reason: string; count: number }[], whose: string) => [
    ...reasons.slice(0, max).map((r) => `      ${r.count}× ${c.dim(`${whose}:`)} ${oneLine(r.reason, 150)}`),
    ...(reasons.length > max ? [`      … and ${plural(reasons.length - max, "more reason")} (see ${options.saved ?? "-o comparison.json"})`] : []),
  ];
  for (const d of cmp.discordant) {
    lines.push(`  ${d.direction === "worse" ? c.red("✗") : c.green("✓")} ${describeCase(d)}${d.description ? c.dim(`  guards: ${oneLine(d.description, 70)}`) : ""}`);
    lines.push(...reasonLines(d.reasons, d.direction === "worse" ? cmp.candidate : cmp.reference));
  }
  // Outside every test, but what broke there may be the news: an app that now crashes on a case.
  for (const u of erroredCases(cmp)) {
    lines.push(`  ${c.yellow("!")} ${u.suite}/${u.caseId}: every trial errored on ${u.label}`);
    lines.push(...reasonLines(u.reasons, u.label));
  }
  return lines;
}

export function renderCompareTerminal(result: ModelComparison, options: CompareTerminalOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const out: string[] = [];
  for (const cmp of result.candidates) out.push(...renderCandidate(cmp, c, options), "");
  const providers = table(PROVIDER_HEAD, options.color);
  for (const p of result.providers) providers.push(providerRow(p));
  out.push(providers.toString());
  // What the errored trials said, not only how many: the cause may be the candidate's to fix.
  for (const p of result.providers) for (const r of p.topErrors ?? []) out.push(c.yellow(`  ${p.label}: ${r.count}× ${oneLine(r.reason, 150)}`));
  out.push(c.dim(`Δ: candidate − reference pass rate in points, mean over paired cases, 95% t interval over cases. p drop: one-sided paired sign-flip test.`));
  out.push(c.dim(`all-pass only: cases that only one side passed in every trial (p drop: McNemar exact, that the candidate is worse). Detectable drop: ${detectableAt(result)}, seed ${result.seed}.`));
  out.push("");
  for (const cmp of result.candidates) {
    out.push(STATUS_COLOUR[cmp.verdict.status](c)(cmp.verdict.message));
    for (const t of cmp.verdict.thresholds) out.push(c.red.bold(t));
  }
  for (const note of referenceThresholdNotes(result)) out.push(c.yellow(note));
  if (result.interrupted) out.push(c.yellow(`Interrupted by ${result.interrupted}: the figures cover only the trials that finished.`));
  const status = `Compare: ${compareStatus(result)}`;
  out.push(!result.judged ? c.yellow.bold(status) : result.status === "pass" ? c.green.bold(status) : c.red.bold(status));
  return `${out.join("\n")}\n`;
}
