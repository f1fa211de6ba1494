/** What `harness compare` hands its reporters: models set against a reference on the same cases. Plain data. */
import type { AtK, ErrorCategory, Summary, Usage } from "./types.js";
import type { Bin } from "./curves.js";
import type { PowerEstimate } from "./power.js";

/** A reason trials failed, and how many trials gave it. */
export interface ReasonCount {
  reason: string;
  count: number;
}

/** One model on one case. */
export interface SideCase {
  /** Judged trials (errored and pending ones are left out). */
  n: number;
  passes: number;
  errored: number;
  /** Trials awaiting a person's verdict (harness review); 0 for the baseline, which keeps none. Absent in comparisons written before it. */
  pending?: number;
  passAtK: number;
  passHatK: number;
}

/** One case as the reference and a candidate did on it. */
export interface PairedCase {
  suite: string;
  caseId: string;
  description: string | undefined;
  /** null when this side did not run the case (a case new since the baseline). */
  reference: SideCase | null;
  candidate: SideCase | null;
  /** Against the baseline: the case's prompt changed since it was recorded (absent otherwise). */
  promptChanged?: true;
  /** Against the baseline: what grades the case changed since it was recorded (absent otherwise). */
  gradersChanged?: true;
  /** Candidate's pass rate − reference's; NaN when either has no judged trial (then the case is not paired). */
  difference: number;
}

/**
 * A case left out of every test, and why: every trial errored, or awaits human review, on
 * `side` (either may hide a failure), or `side` never had it (absent: new since the baseline,
 * or no longer run).
 */
export interface UnpairedCase {
  suite: string;
  caseId: string;
  side: "reference" | "candidate";
  why: "errored" | "pending" | "absent";
  /** For errored: what that side's trials said, most frequent first (an app's crash, a server's error). */
  reasons?: ReasonCount[];
}

/** Since the baseline (compare --against-baseline): what changed besides the model, each of which may explain a difference. */
export interface BaselineChanges {
  /** Cases whose prompt changed, as suite/caseId. */
  promptChanged: string[];
  /**
   * Cases whose graders (or a grader module's code) changed, as suite/caseId; only where the
   * baseline recorded what graded them. Absent in comparisons written before it.
   */
  gradersChanged?: string[];
  /** Suites judged by another judge model than the baseline's (when it recorded one). */
  judgeChanged: { suite: string; baseline: string; current: string }[];
  /** Suites whose judge instructions changed, by grader type (when the baseline recorded them). */
  judgePromptsChanged: { suite: string; graders: string[] }[];
}

/** A case one model did better on than the other, with why the worse one failed. */
export interface DiscordantCase extends PairedCase {
  direction: "worse" | "better";
  /** The failing (and errored) trials' reasons on the side that did worse, most frequent first; empty for the baseline's side. */
  reasons: ReasonCount[];
  /** Both sides' failing (and errored) trials' reasons, most frequent first: the better side may have failed some trials too. */
  reasonsBySide: { reference: ReasonCount[]; candidate: ReasonCount[] };
}

/** Reference against candidate over a set of cases: one suite, or all of them. */
export interface PairedSummary {
  /** Cases both judged (at least one judged trial each): the unit of every test. */
  paired: number;
  /** Cases left out: not run or not judged on one side. */
  unpaired: number;
  /**
   * Paired cases with k judged trials on both sides: pass@k, pass^k and the all-pass counts
   * are over these alone (a case with fewer has none). Added within schema 1.
   */
  countedAtK: number;
  /** Mean pass rate over the paired cases; mean pass@k and pass^k over the countedAtK cases. */
  reference: { passAtK: number; passHatK: number; passRate: number };
  candidate: { passAtK: number; passHatK: number; passRate: number };
  /** Mean per-case pass-rate difference, its 95% t interval over cases, and the paired sign-flip test. */
  difference: { mean: number; interval: [number, number]; pDrop: number; pRise: number; method: "exact" | "normal" };
  /** pass^k: cases only one side passed in every trial, and McNemar's exact test on them. */
  allTrials: { referenceOnly: number; candidateOnly: number; pDrop: number; pRise: number };
  power: PowerEstimate;
}

export interface SuitePair extends PairedSummary {
  suite: string;
  /** k of pass@k and pass^k (the trials per case) on each side. */
  k: { reference: number; candidate: number };
}

export type CandidateStatus = "worse" | "not-worse" | "better" | "undecided" | "not-judged";

/** A test of the "worse" family that found a significant drop. */
export interface VerdictRegression {
  /** overall: the paired sign-flip test over every case; suite and case: the tests eval's gate uses. */
  kind: "overall" | "suite" | "case";
  suite?: string;
  caseId?: string;
  p: number;
  /** Corrected within its half of α and doubled (capped at 1): rejected when ≤ α. */
  pAdjusted: number;
  message: string;
}

export interface CandidateVerdict {
  status: CandidateStatus;
  /**
   * The overall sign-flip drop p after Holm's correction over the candidates, doubled (capped
   * at 1) because that test has half of α: compared with α itself.
   */
  pDropAdjusted: number;
  /** The overall rise p after Holm's correction over the candidates (the "better" test, at α). */
  pRiseAdjusted: number;
  /** The tests that found the candidate worse: the overall one, and any suite's or case's (none unless worse). */
  regressions: VerdictRegression[];
  /** Cases the candidate did worse on, worst first, as suite/caseId: every worse case on an overall drop, else the significantly worse cases and the worse cases of a significantly worse suite. */
  regressedCases: string[];
  /** One line a person can act on. */
  message: string;
  /** One line per suite threshold the candidate's run missed: each fails the comparison, as it fails eval's gate. Added within schema 1. */
  thresholds: string[];
}

export interface CandidateComparison {
  reference: string;
  candidate: string;
  suites: SuitePair[];
  overall: PairedSummary;
  /** Every case, in suite order. */
  cases: PairedCase[];
  /** The cases left out of every test, with why (added within schema 1). */
  unpaired: UnpairedCase[];
  /** What changed since the baseline besides the model; null when the reference is not the baseline. Added within schema 1. */
  sinceBaseline: BaselineChanges | null;
  /** Cases whose pass rates differ, candidate's worst drops first, then its gains. */
  discordant: DiscordantCase[];
  verdict: CandidateVerdict;
}

/** The monitoring figures of one side. null where unknown (never 0): the baseline stores none of them. */
export interface ProviderFigures {
  label: string;
  source: "run" | "baseline";
  cases: number;
  trials: number;
  /** USD of the model's own calls; null when any price was unknown. */
  costUsd: number | null;
  costPerCaseUsd: number | null;
  /** Judge calls to grade this side's outputs, apart. */
  judgeCostUsd: number | null;
  /** How many judge calls graded this side's outputs (0: no judge, so no judge cost); null for the baseline. Added within schema 1. */
  judgeCalls?: number | null;
  tokens: Usage | null;
  latencyMs: Summary | null;
  /** Answers in which the model declined (graded as answers); null for the baseline, which does not store them. */
  refusals: number | null;
  errored: number;
  errorsByCategory: Partial<Record<ErrorCategory, number>>;
  /** What this side's errored trials said most often, over every case (trials a stop cancelled left out); absent for the baseline. Added within schema 1. */
  topErrors?: ReasonCount[];
  /** Passed of judged trials over every suite (NaN when none was judged): the quality axis of the cost scatter. */
  passRate: number;
  /** 95% interval on passRate, allowing for trials of one case being alike, as a suite's pass rate does. */
  passRateInterval: [number, number];
  /** The answered trials' latencies in about √n bins; null for the baseline, which stores none. */
  latencyHistogram: Bin[] | null;
  /** False when the run could not be judged (too many errored trials, missing fixtures offline, interrupted). */
  judged: boolean;
  notJudgedReason: string | null;
  /** Suites whose `threshold:` this side's run missed, in the words of eval's gate; empty for the baseline, which has none to check. Added within schema 1. */
  thresholdProblems: { suite: string; message: string }[];
}

/** One side's pass@k and pass^k on one suite for k = 1..its trials per case. */
export interface ProviderCurve {
  label: string;
  /** Trials per case on this side: the largest k drawn. */
  k: number;
  points: AtK[];
}

/** Every side's reliability curve on one suite, in the providers' order; a side that did not run the suite is absent. */
export interface SuiteCurves {
  suite: string;
  providers: ProviderCurve[];
}

/** The whole comparison: the artifact -o writes, versioned. */
export interface ModelComparison {
  schemaVersion: 1;
  kind: "model-comparison";
  harnessVersion: string;
  startedAt: string;
  durationMs: number;
  /** "providers": two or more -p; "baseline": one run against the stored baseline (--against-baseline). */
  mode: "providers" | "baseline";
  reference: string;
  alpha: number;
  /** PRNG seed of the power simulations. */
  seed: number;
  providers: ProviderFigures[];
  candidates: CandidateComparison[];
  /** Per suite, how each side's reliability falls off as k grows (added within schema 1: older files lack it). */
  curves: SuiteCurves[];
  /** False when any run could not be judged; then no verdict holds. */
  judged: boolean;
  notJudgedReason: string | null;
  interrupted: "SIGINT" | "SIGTERM" | null;
  /** "fail" when a candidate is significantly worse or below a suite's threshold, or the comparison could not be judged. */
  status: "pass" | "fail";
}
