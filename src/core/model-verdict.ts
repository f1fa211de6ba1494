/**
 * The one line a person acts on after harness compare. "Not significant" alone would
 * read as "not worse" even when the suites were far too small to notice a drop, so the
 * line says "no significant drop" only when the power estimate shows what drop these
 * cases could have caught and the interval rules out a drop that large, and it says so
 * in those words: the interval is over cases and leaves out the trials' own noise, so it
 * can be narrow on few cases, and "not worse" would promise more than it shows.
 */
import type { CandidateVerdict, DiscordantCase, ModelComparison, PairedSummary, UnpairedCase, VerdictRegression } from "./model-comparison-types.js";
import { hidingReason, notCompared } from "./model-unpaired.js";

export interface VerdictInput {
  reference: string;
  candidate: string;
  mode: ModelComparison["mode"];
  overall: PairedSummary;
  /** Cases left out of every test, and why (model-unpaired.ts). */
  unpaired: readonly UnpairedCase[];
  discordant: readonly DiscordantCase[];
  alpha: number;
  /** The overall drop p, corrected over the candidates and doubled for its half of α: read against α. */
  pDropAdjusted: number;
  pRiseAdjusted: number;
  /** The suite and case tests (eval's gate's) that found a significant drop (model-regressions.ts). */
  regressions: readonly VerdictRegression[];
  /** Those tests' drops significant at α, as eval's gate holds them, but not at the α/2 they have here. */
  near?: readonly VerdictRegression[];
  /** Set when this candidate or the reference could not be judged. */
  notJudgedReason: string | null;
}

/** Cases named in a verdict line; the rest are counted, and listed in the report. */
const NAMED = 5;
/** Significant suite or case drops described in a verdict line; the rest are counted. */
const DESCRIBED = 3;

export function fmtP(p: number): string {
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

function points(share: number): string {
  return `${Math.round(Math.abs(share) * 100)} point${Math.round(Math.abs(share) * 100) === 1 ? "" : "s"}`;
}

function signedPoints(share: number): string {
  const v = Math.round(share * 100);
  return `${v > 0 ? "+" : ""}${v}`;
}

function listCases(cases: readonly DiscordantCase[]): string {
  const named = cases.slice(0, NAMED).map((c) => `${c.suite}/${c.caseId}`);
  return cases.length > NAMED ? `${named.join(", ")} and ${cases.length - NAMED} more` : named.join(", ");
}

function listRegressions(regressions: readonly VerdictRegression[], describe: (r: VerdictRegression) => string, separator: string): string {
  const named = regressions.slice(0, DESCRIBED).map(describe);
  const rest = regressions.length - named.length;
  return `${named.join(separator)}${rest > 0 ? `${separator}and ${rest} more significant drop${rest === 1 ? "" : "s"}, listed in the report` : ""}`;
}

export function decideVerdict(input: VerdictInput): CandidateVerdict {
  const { reference, candidate, overall: o, alpha } = input;
  const worse = input.discordant.filter((c) => c.direction === "worse");
  const better = input.discordant.filter((c) => c.direction === "better");
  // Cases outside every test: those that may hide a failure, and those one side never had.
  const hiding = hidingReason(input.unpaired);
  const absent = notCompared(input.unpaired, input.mode);
  const leftOut = [hiding, absent].filter((x) => x !== undefined).map((x) => `; ${x}`).join("");
  const base = { pDropAdjusted: input.pDropAdjusted, pRiseAdjusted: input.pRiseAdjusted, regressions: [] as VerdictRegression[], regressedCases: [] as string[], thresholds: [] as string[] };
  if (input.notJudgedReason !== null) {
    return { ...base, status: "not-judged", message: `${candidate} vs ${reference}: not judged (${input.notJudgedReason})` };
  }
  const d = o.difference;
  const observed = Number.isFinite(d.mean) ? `pass rate ${signedPoints(d.mean)} points, 95% CI ${signedPoints(d.interval[0])} to ${signedPoints(d.interval[1])}` : "no case judged on both sides";
  const test = (p: number, adjusted: number) => `paired sign-flip p = ${fmtP(p)}${adjusted !== p ? `, corrected ${fmtP(adjusted)}` : ""} ≤ α ${alpha}`;
  const overallWorse = input.pDropAdjusted <= alpha;
  if (overallWorse || input.regressions.length > 0) {
    const overall: VerdictRegression[] = overallWorse ? [{ kind: "overall", p: d.pDrop, pAdjusted: input.pDropAdjusted, message: `${observed} (${test(d.pDrop, input.pDropAdjusted)})` }] : [];
    const regressions = [...overall, ...input.regressions];
    // A significantly worse suite names its worse cases; a significantly worse case, itself.
    const inRegressed = (c: DiscordantCase) => input.regressions.some((r) => r.suite === c.suite && (r.kind === "suite" || r.caseId === c.caseId));
    const regressedCases = (overallWorse ? worse : worse.filter(inRegressed)).map((c) => `${c.suite}/${c.caseId}`);
    if (overallWorse) {
      const also = input.regressions.length > 0 ? `; also significant on their own: ${listRegressions(input.regressions, (r) => (r.kind === "suite" ? `suite ${r.suite}` : `case ${r.suite}/${r.caseId}`), ", ")}` : "";
      return {
        ...base,
        status: "worse",
        regressions,
        regressedCases,
        // Not "regresses N cases": with many cases, chance alone lowers some and raises others.
        message: `${candidate} is worse than ${reference}: lower on ${worse.length} case${worse.length === 1 ? "" : "s"}: ${listCases(worse)}${better.length > 0 ? `; higher on ${better.length}` : ""} (${observed}; ${test(d.pDrop, input.pDropAdjusted)}${leftOut})${also}`,
      };
    }
    // A collapse in one suite must not be averaged away by gains in another: eval's gate would fail it.
    const overallLine = !Number.isFinite(d.mean)
      ? "no case was judged on both sides"
      : !(d.mean < 0)
      ? `over every case ${observed}: not a drop overall${better.length > 0 ? ", but gains elsewhere do not make up for it" : ""}`
      : `over every case ${observed}, not significant on its own (paired sign-flip p ${fmtP(d.pDrop)}, corrected ${fmtP(input.pDropAdjusted)})`;
    return {
      ...base,
      status: "worse",
      regressions,
      regressedCases,
      message: `${candidate} is worse than ${reference} on ${listRegressions(input.regressions, (r) => r.message, "; ")}; ${overallLine}${leftOut}`,
    };
  }
  // A drop eval's gate would fail, found at α but not at the α/2 these tests have beside the overall one: not "no drop".
  const near = input.near ?? [];
  if (near.length > 0) {
    return {
      ...base,
      status: "undecided",
      message: `cannot tell whether ${candidate} is worse than ${reference}: ${listRegressions(near, (r) => r.message, "; ")}: eval's gate would fail it, compare cannot say it is worse (${observed})${leftOut}`,
    };
  }
  if (input.pRiseAdjusted <= alpha) {
    return { ...base, status: "better", message: `${candidate} is better than ${reference}: higher on ${better.length} case${better.length === 1 ? "" : "s"}: ${listCases(better)}${worse.length > 0 ? `; lower on ${worse.length}` : ""} (${observed}; ${test(d.pRise, input.pRiseAdjusted)}${leftOut})` };
  }
  const drop = o.power.minDetectableDrop;
  const flips = o.power.minDetectableFlips;
  // Nothing paired, because cases await review or every trial errored: that is the reason, not "too few cases".
  if (hiding && o.paired === 0) {
    return { ...base, status: "undecided", message: `cannot tell whether ${candidate} is worse than ${reference}: ${hiding}${absent ? `; ${absent}` : ""}` };
  }
  // The corrected p is the one that failed: a 95% interval clear of 0 with "not significant"
  // beside it reads as a contradiction unless the correction is shown.
  const pNot = Number.isFinite(d.pDrop) ? `; paired sign-flip p ${fmtP(d.pDrop)}${input.pDropAdjusted !== d.pDrop ? `, corrected ${fmtP(input.pDropAdjusted)}` : ""} > α ${alpha}` : "";
  if (!Number.isFinite(drop)) {
    return {
      ...base,
      status: "undecided",
      message: `too few cases to decide whether ${candidate} is worse than ${reference}: ${o.paired} paired case${o.paired === 1 ? "" : "s"} would miss even a drop to 0 in every case more than ${Math.round((1 - o.power.target) * 100)}% of the time at α ${o.power.alpha}, the overall test's share of α ${alpha} (${observed}${pNot})${leftOut}`,
    };
  }
  const detect = `could detect a drop of ${points(drop)} at ${Math.round(o.power.target * 100)}% power${Number.isFinite(flips) ? `, or ${flips} case${flips === 1 ? "" : "s"} breaking` : ""}`;
  const absentNote = absent ? `; ${absent}` : "";
  if (hiding) {
    return { ...base, status: "undecided", message: `cannot tell whether ${candidate} is worse than ${reference}: ${hiding} (${observed}${pNot})${absentNote}` };
  }
  if (d.interval[0] < -drop) {
    return {
      ...base,
      status: "undecided",
      message: `cannot tell whether ${candidate} is worse than ${reference}: ${observed} is not significant (${pNot.slice(2)}), but does not rule out a drop of ${points(drop)} (these suites ${detect}); add cases or trials${absentNote}`,
    };
  }
  return { ...base, status: "not-worse", message: `${candidate} shows no significant drop against ${reference} on these suites (${observed}${pNot}; ${detect})${absentNote}` };
}
