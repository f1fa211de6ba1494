/**
 * harness compare: a reference and one or more candidates, case by case on the same
 * suites, with paired tests (cases are the unit; see paired.ts), a power estimate, and
 * a verdict per candidate. Pure: sides in, one ModelComparison out.
 */
import { DEFAULT_ALPHA } from "../defaults.js";
import type { ComparisonSide, SideSuite } from "./comparison-sides.js";
import { reliabilityCurve } from "./curves.js";
import type { CandidateComparison, DiscordantCase, ModelComparison, PairedCase, PairedSummary, ReasonCount, SideCase, SuiteCurves, SuitePair } from "./model-comparison-types.js";
import { mcnemarExact, meanInterval, signFlipTest } from "./paired.js";
import { estimatePower } from "./power.js";
import { DEFAULT_SEED } from "./random.js";
import { holmAdjust, meanOfDefined } from "./stats.js";
import { baselineChanges } from "./model-baseline-changes.js";
import { doubled, gateRegressions } from "./model-regressions.js";
import { unpairedCases } from "./model-unpaired.js";
import { decideVerdict } from "./model-verdict.js";

export interface CompareOptions {
  mode: ModelComparison["mode"];
  harnessVersion: string;
  startedAt: string;
  durationMs: number;
  /** Default 0.05, for the whole comparison: half for the overall tests (Holm over the candidates), half for the suite and case tests (one family). */
  alpha?: number;
  /** Seed of the power simulations; default DEFAULT_SEED. */
  seed?: number;
  interrupted?: ModelComparison["interrupted"];
  /** Simulated runs per power step (default 500). */
  simulations?: number;
}

type Reasons = Map<string, ReasonCount[]>;

const keyOf = (suite: string, caseId: string) => `${suite}\u0000${caseId}`;
/**
 * Both sides judged the case, and no trial of it awaits a person: a trial awaits one only when
 * every other grader passed it, so the judged trials of such a case are a sample of its
 * failures, and its pass rate would read lower than it is.
 */
const settled = (s: SideCase | null): s is SideCase => s !== null && s.n > 0 && (s.pending ?? 0) === 0;
const isPaired = (c: PairedCase) => settled(c.reference) && settled(c.candidate);

function reasonsOf(side: ComparisonSide): Reasons {
  return new Map(side.suites.flatMap((s) => s.cases.map((c) => [keyOf(s.name, c.id), c.reasons] as const)));
}

/** The reference's cases in its order, then any only the candidate has. */
function pairCases(ref: SideSuite | undefined, cand: SideSuite | undefined, suite: string): PairedCase[] {
  const candById = new Map((cand?.cases ?? []).map((c) => [c.id, c]));
  const seen = new Set<string>();
  const out: PairedCase[] = [];
  const push = (id: string, description: string | undefined, r: SideCase | null, c: SideCase | null) => {
    const difference = settled(r) && settled(c) ? c.passes / c.n - r.passes / r.n : Number.NaN;
    out.push({ suite, caseId: id, description, reference: r, candidate: c, difference });
  };
  for (const r of ref?.cases ?? []) {
    seen.add(r.id);
    const c = candById.get(r.id);
    push(r.id, c?.description ?? r.description, r.counts, c?.counts ?? null);
  }
  for (const c of cand?.cases ?? []) if (!seen.has(c.id)) push(c.id, c.description, null, c.counts);
  return out;
}

function summarise(cases: readonly PairedCase[], alpha: number, seed: number, simulations: number): PairedSummary {
  const paired = cases.filter(isPaired);
  const counts = paired.map((c) => ({ reference: { n: c.reference!.n, c: c.reference!.passes }, candidate: { n: c.candidate!.n, c: c.candidate!.passes } }));
  const test = signFlipTest(counts);
  // pass@k and pass^k need k judged trials; both sides' means are over the same cases, those
  // with k on both, or one side's would leave out the very cases it errored on.
  const both = paired.filter((c) => Number.isFinite(c.reference!.passHatK) && Number.isFinite(c.candidate!.passHatK));
  const side = (pick: (c: PairedCase) => SideCase) => ({
    passAtK: meanOfDefined(both.map((c) => pick(c).passAtK)),
    passHatK: meanOfDefined(both.map((c) => pick(c).passHatK)),
    passRate: meanOfDefined(paired.map((c) => pick(c).passes / pick(c).n)),
  });
  // "Passed all" is every judged trial passing, on the cases with k of them.
  const allPassed = (s: SideCase) => s.passes === s.n;
  const referenceOnly = both.filter((c) => allPassed(c.reference!) && !allPassed(c.candidate!)).length;
  const candidateOnly = both.filter((c) => !allPassed(c.reference!) && allPassed(c.candidate!)).length;
  return {
    paired: paired.length,
    unpaired: cases.length - paired.length,
    countedAtK: both.length,
    reference: side((c) => c.reference!),
    candidate: side((c) => c.candidate!),
    difference: { mean: test.mean, interval: meanInterval(paired.map((c) => c.difference)), pDrop: test.pDrop, pRise: test.pRise, method: test.method },
    allTrials: { referenceOnly, candidateOnly, ...mcnemarExact(referenceOnly, candidateOnly) },
    power: estimatePower({ cases: counts.map((c) => ({ reference: c.reference, candidateN: c.candidate.n })), alpha, seed, simulations }),
  };
}

/** Cases whose pass rates differ: the candidate's worst drops first, then its largest gains. */
function discordantCases(cases: readonly PairedCase[], refReasons: Reasons, candReasons: Reasons): DiscordantCase[] {
  const differ = cases.filter((c) => isPaired(c) && c.difference !== 0);
  const worse = differ.filter((c) => c.difference < 0).sort((a, b) => a.difference - b.difference);
  const better = differ.filter((c) => c.difference > 0).sort((a, b) => b.difference - a.difference);
  const withReasons = (c: PairedCase, direction: DiscordantCase["direction"]): DiscordantCase => {
    const bySide = { reference: refReasons.get(keyOf(c.suite, c.caseId)) ?? [], candidate: candReasons.get(keyOf(c.suite, c.caseId)) ?? [] };
    return { ...c, direction, reasons: direction === "worse" ? bySide.candidate : bySide.reference, reasonsBySide: bySide };
  };
  return [...worse.map((c) => withReasons(c, "worse")), ...better.map((c) => withReasons(c, "better"))];
}

/** Each suite's reliability curve on every side that ran it, the sides in the providers' order. */
function suiteCurves(sides: readonly ComparisonSide[]): SuiteCurves[] {
  const names = [...new Set(sides.flatMap((side) => side.suites.map((s) => s.name)))];
  return names.map((suite) => ({
    suite,
    providers: sides.flatMap((side) => {
      const s = side.suites.find((x) => x.name === suite);
      return s ? [{ label: side.label, k: s.k, points: reliabilityCurve(s.cases.map((c) => c.counts), s.k) }] : [];
    }),
  }));
}

export function compareModels(reference: ComparisonSide, candidates: readonly ComparisonSide[], options: CompareOptions): ModelComparison {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const seed = options.seed ?? DEFAULT_SEED;
  const simulations = options.simulations ?? 500;
  // The overall test has half of α (the suite and case tests have the other), and power is
  // at Holm's strictest step over the candidates: what each candidate's test must reach.
  const perTestAlpha = alpha / (2 * Math.max(1, candidates.length));
  const refReasons = reasonsOf(reference);
  const partial = candidates.map((cand) => {
    const names = [...new Set([...reference.suites.map((s) => s.name), ...cand.suites.map((s) => s.name)])];
    const suites: SuitePair[] = [];
    const cases: PairedCase[] = [];
    for (const name of names) {
      const r = reference.suites.find((s) => s.name === name);
      const c = cand.suites.find((s) => s.name === name);
      const rows = pairCases(r, c, name);
      cases.push(...rows);
      suites.push({ suite: name, k: { reference: r?.k ?? Number.NaN, candidate: c?.k ?? Number.NaN }, ...summarise(rows, perTestAlpha, seed, simulations) });
    }
    const sinceBaseline = options.mode === "baseline" ? baselineChanges(reference, cand) : null;
    if (sinceBaseline) {
      const prompts = new Set(sinceBaseline.promptChanged);
      const graders = new Set(sinceBaseline.gradersChanged);
      for (const c of cases) {
        if (prompts.has(`${c.suite}/${c.caseId}`)) c.promptChanged = true;
        if (graders.has(`${c.suite}/${c.caseId}`)) c.gradersChanged = true;
      }
    }
    const candReasons = reasonsOf(cand);
    const unpaired = unpairedCases(cases, (side, c) => (side === "reference" ? refReasons : candReasons).get(keyOf(c.suite, c.caseId)) ?? []);
    return { cand, suites, cases, sinceBaseline, overall: summarise(cases, perTestAlpha, seed, simulations), discordant: discordantCases(cases, refReasons, candReasons), unpaired };
  });

  const notJudged = [reference, ...candidates].find((s) => !s.figures.judged);
  const interrupted = options.interrupted ?? null;
  const notJudgedReason = interrupted ? `the comparison was interrupted by ${interrupted}` : notJudged ? `${notJudged.label}: ${notJudged.figures.notJudgedReason}` : null;
  const reasonFor = (cand: ComparisonSide) =>
    interrupted ? notJudgedReason : [reference, cand].filter((s) => !s.figures.judged).map((s) => `${s.label}: ${s.figures.notJudgedReason}`)[0] ?? null;
  const judgedIdx = partial.map((_, i) => i).filter((i) => reasonFor(candidates[i]!) === null);
  const dropAdj = holmAdjust(partial.map((p, i) => (judgedIdx.includes(i) ? p.overall.difference.pDrop : Number.NaN))).map(doubled);
  const gate = gateRegressions(partial.map((p, i) => (judgedIdx.includes(i) ? p.cases : null)), alpha);
  const riseAdj = holmAdjust(partial.map((p, i) => (judgedIdx.includes(i) ? p.overall.difference.pRise : Number.NaN)));

  const verdictOf = (p: (typeof partial)[number], i: number) => {
    const verdict = decideVerdict({
      reference: reference.label,
      candidate: p.cand.label,
      mode: options.mode,
      unpaired: p.unpaired,
      overall: p.overall,
      discordant: p.discordant,
      alpha,
      pDropAdjusted: dropAdj[i]!,
      pRiseAdjusted: riseAdj[i]!,
      regressions: gate.regressions[i]!,
      near: gate.near[i]!,
      notJudgedReason: reasonFor(p.cand),
    });
    // A suite's floor holds for every run, whatever the reference did: below it, eval's gate fails the candidate, and so does this.
    const thresholds = verdict.status === "not-judged" ? [] : p.cand.figures.thresholdProblems.map((t) => `${p.cand.label} misses the threshold of suite ${t.suite} (${t.message}): eval's gate would fail it`);
    return { ...verdict, thresholds };
  };
  const compared: CandidateComparison[] = partial.map((p, i) => ({
    reference: reference.label,
    candidate: p.cand.label,
    suites: p.suites,
    overall: p.overall,
    cases: p.cases,
    unpaired: p.unpaired,
    sinceBaseline: p.sinceBaseline,
    discordant: p.discordant,
    verdict: verdictOf(p, i),
  }));
  return {
    schemaVersion: 1,
    kind: "model-comparison",
    harnessVersion: options.harnessVersion,
    startedAt: options.startedAt,
    durationMs: options.durationMs,
    mode: options.mode,
    reference: reference.label,
    alpha,
    seed,
    providers: [reference.figures, ...candidates.map((c) => c.figures)],
    candidates: compared,
    judged: notJudgedReason === null,
    notJudgedReason,
    interrupted,
    status: notJudgedReason !== null || compared.some((c) => c.verdict.status === "worse" || c.verdict.thresholds.length > 0) ? "fail" : "pass",
    curves: suiteCurves([reference, ...candidates]),
  };
}
