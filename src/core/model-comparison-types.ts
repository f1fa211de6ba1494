/** What `harness compare` hands its reporters: models set against a reference on the same cases. Plain data. */
import type { ErrorCategory, Summary, Usage } from "./types.js";
import type { PowerEstimate } from "./power.js";

/** One model on one case. */
export interface SideCase {
  /** Judged trials (errored and pending ones are left out). */
  n: number;
  passes: number;
  errored: number;
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
  /** Candidate's pass rate − reference's; NaN when either has no judged trial (then the case is not paired). */
  difference: number;
}

/** A case one model did better on than the other, with why the worse one failed. */
export interface DiscordantCase extends PairedCase {
  direction: "worse" | "better";
  /** The failing (and errored) trials' reasons on the side that did worse, most frequent first; empty for the baseline's side. */
  reasons: { reason: string; count: number }[];
}

/** Reference against candidate over a set of cases: one suite, or all of them. */
export interface PairedSummary {
  /** Cases both judged (at least one judged trial each): the unit of every test. */
  paired: number;
  /** Cases left out: not run or not judged on one side. */
  unpaired: number;
  /** Mean pass@k, pass^k and pass rate over the paired cases (pass@k and pass^k over those with k judged trials). */
  reference: { passAtK: number; passHatK: number; passRate: number };
  candidate: { passAtK: number; passHatK: number; passRate: number };
  /** Mean per-case pass-rate difference, its 95% bootstrap interval over cases, and the paired sign-flip test. */
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

export interface CandidateVerdict {
  status: CandidateStatus;
  /** The overall sign-flip p-values after Holm's correction over the candidates. */
  pDropAdjusted: number;
  pRiseAdjusted: number;
  /** Cases the candidate did worse on, worst first, as suite/caseId (named when it is worse). */
  regressedCases: string[];
  /** One line a person can act on. */
  message: string;
}

export interface CandidateComparison {
  reference: string;
  candidate: string;
  suites: SuitePair[];
  overall: PairedSummary;
  /** Every case, in suite order. */
  cases: PairedCase[];
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
  tokens: Usage | null;
  latencyMs: Summary | null;
  /** Answers in which the model declined (graded as answers); null for the baseline, which does not store them. */
  refusals: number | null;
  errored: number;
  errorsByCategory: Partial<Record<ErrorCategory, number>>;
  /** False when the run could not be judged (too many errored trials, missing fixtures offline, interrupted). */
  judged: boolean;
  notJudgedReason: string | null;
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
  /** PRNG seed of the bootstrap intervals and power simulations. */
  seed: number;
  providers: ProviderFigures[];
  candidates: CandidateComparison[];
  /** False when any run could not be judged; then no verdict holds. */
  judged: boolean;
  notJudgedReason: string | null;
  interrupted: "SIGINT" | "SIGTERM" | null;
  /** "fail" when a candidate is significantly worse, or the comparison could not be judged. */
  status: "pass" | "fail";
}
