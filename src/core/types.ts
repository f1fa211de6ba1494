/**
 * The plain data that flows through a run: loaded suites in, a RunResult out.
 * Config files are validated once at the edge (config/); everything here is
 * already checked and typed.
 */

import type { GraderSpec, ProviderConfig, ThresholdSpec } from "../config/schema.js";

export type Role = "system" | "user" | "assistant";

export interface Message {
  role: Role;
  content: string;
}

/** A provider reference as written: "openai:gpt-4o-mini", plus its options. */
export interface ProviderRef {
  /** The full id, e.g. "openai:gpt-4o-mini" or "exec:node app.js". */
  id: string;
  /** Provider options: baseURL, temperature, maxTokens, prices… */
  config: ProviderConfig;
}

/** One case after loading: its prompt rendered, ready to run. */
export interface LoadedCase {
  id: string;
  description: string | undefined;
  vars: Record<string, unknown>;
  messages: Message[];
  graders: GraderSpec[];
  /** 1-based line of the case in its suite file, for annotations. */
  line: number;
  /** Hash of the rendered prompt: a changed prompt is reported against the baseline. */
  promptHash: string;
  /**
   * Hash of what grades the case (core/graders-hash.ts): changed graders are reported against
   * the baseline. Absent in cases made by hand (the library's tests) and in reports from before it.
   */
  gradersHash?: string;
}

/** One suite after loading. */
export interface LoadedSuite {
  name: string;
  /** Path of the suite file, relative to the working directory. */
  file: string;
  /** Absolute folder of the suite file: grader modules resolve against it. */
  dir: string;
  provider: ProviderRef;
  /** The judge for model-graded graders that name none of their own. */
  judge: ProviderRef | undefined;
  trials: number;
  threshold: ThresholdSpec | undefined;
  cases: LoadedCase[];
  /** The cases in the suite file, when eval --case chose fewer of them; absent when the suite runs whole. */
  selectedFrom?: number;
  /**
   * Hash of the user's code the suite runs, as far as it can be seen (javascript grader
   * modules, files named in an exec: command); part of each trial's key for --resume.
   * Absent when it names none.
   */
  code?: string | undefined;
  /**
   * Absolute paths of every file the suite reads: the suite file, its file:// prompts, its
   * grader modules, the files its exec: command names. No command may write over them.
   * Absent in suites made by hand (the library's tests).
   */
  reads?: readonly string[];
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** Why a trial could not be judged. Providers classify; the runner decides what to retry. */
export type ErrorCategory =
  | "rate-limit"
  | "server-error"
  | "timeout"
  | "network"
  | "auth"
  | "bad-request"
  /** The prompt was longer than the model's context window, or filled it before the answer had any text. */
  | "context-length"
  /** The model stopped at the token limit (maxTokens) before writing any text: nothing to grade. */
  | "max-tokens"
  /** A content filter stopped the answer before it had any text: nothing to grade. */
  | "content-filter"
  /** An answer that could not be read: a broken body, or a judge's verdict not in the asked-for shape. */
  | "malformed-output"
  | "missing-fixture"
  | "provider-error"
  | "grader-error"
  | "cancelled";

export interface TrialError {
  category: ErrorCategory;
  message: string;
}

/** The outcome of one grader on one output. */
export interface Grade {
  /** Grader type, e.g. "icontains". */
  type: string;
  pass: boolean;
  /** In [0, 1]. */
  score: number;
  reason: string;
  /** Model-graded only: hash of the judge's instructions (prompts/judge/*.md), so a changed judge prompt is visible. */
  judgePromptHash?: string;
  /** A human grader with no verdict yet: the trial is pending, neither passed nor failed. */
  pending?: true;
  /** Human and model-graded graders: the question a person's verdict would answer (see reviews). */
  reviewKey?: string;
  /** Model-graded only: a person's verdict on the same output, when one was given, to measure the judge. */
  human?: HumanVerdict;
}

/** What a person decided about one output. */
export interface HumanVerdict {
  verdict: "pass" | "fail";
  reviewer: string;
  note?: string | undefined;
}

/** Looks up a person's verdict on an output, for one grader of one case. */
export type ReviewLookup = (suite: string, caseId: string, reviewKey: string, outputHash: string, promptHash: string) => HumanVerdict | undefined;

/** What grading a trial cost in judge calls, counted apart from the target's own call. */
export interface JudgeUsage {
  calls: number;
  latencyMs: number;
  usage: Usage | null;
  /** null when any judge call's price was unknown. */
  costUsd: number | null;
  /** Where the secrets masked out of the judge's answers came from, one entry per answer that held one. */
  masked?: string[];
}

export interface TrialResult {
  /** 0-based trial index within the case. */
  index: number;
  output: string | null;
  /** null when the trial errored or awaits human review: it was not judged, so neither passed nor failed. */
  passed: boolean | null;
  /** Awaiting a human verdict (a human grader without one, and no other grader failed). */
  pending: boolean;
  grades: Grade[];
  latencyMs: number | null;
  usage: Usage | null;
  /** USD; null when the model's price is unknown. */
  costUsd: number | null;
  /** The answer came from a recorded fixture, not a live call. */
  cached: boolean;
  /** How many retries the call took. */
  retries: number;
  /** The model declined (OpenAI's refusal, Anthropic's stop_reason "refusal", a content filter that stopped it partway): graded as an answer, and counted. */
  refused?: true;
  /** The answer stopped at the token limit (maxTokens, or the context window) partway: graded as the model's answer, and counted. */
  truncated?: true;
  /** A live answer written to the fixtures by this run (--record): with `cached`, what --resume --record may keep. */
  recorded?: true;
  /**
   * The answer of one call (one fixture) that another trial of this run was given first, as
   * cases sending the same request share it: usage and cost are the answer's, as graded, and
   * the suite's totals leave them out, so the call is counted once.
   */
  shared?: true;
  /** Where the secrets masked out of this answer came from ("$PGPASSWORD"), when any were. */
  masked?: string[];
  /** Judge calls made to grade this trial; null when none. */
  judge: JudgeUsage | null;
  error: TrialError | null;
}

/** pass@k and pass^k at one k. NaN (null in JSON) when fewer than k trials were judged. */
export interface AtK {
  k: number;
  passAtK: number;
  passHatK: number;
}

export interface CaseResult {
  id: string;
  description: string | undefined;
  line: number;
  promptHash: string;
  /** What graded the case (LoadedCase.gradersHash); absent where the loaded case had none. */
  gradersHash?: string;
  /** Judged trials: errored and pending ones are left out. */
  n: number;
  passes: number;
  errored: number;
  /** Of the errored, trials a stop cancelled: they never ran. Absent when none. */
  cancelled?: number;
  /** Trials awaiting a human verdict. */
  pending: number;
  /** At the run's main k (the number of trials unless --at says otherwise). */
  k: number;
  passAtK: number;
  passHatK: number;
  /** Every k asked for with --at, the main k included. */
  at: AtK[];
  trials: TrialResult[];
}

export interface Summary {
  p50: number;
  p95: number;
  max: number;
}

export interface SuiteResult {
  name: string;
  file: string;
  provider: string;
  trials: number;
  k: number;
  /** Mean over the cases that have at least k judged trials (casesCounted of them). */
  passAtK: number;
  passHatK: number;
  /** Cases in the means above; the others had fewer than k judged trials (errored trials are not judged). */
  casesCounted: number;
  at: AtK[];
  /** Pooled share of judged trials that passed. */
  passRate: number;
  /** 95% interval on passRate, allowing for correlation within a case. */
  passRateInterval: [number, number];
  /** errored counts cancelled trials too (those a stop cancelled: they never ran); cancelled is absent when none was. */
  totals: { cases: number; trials: number; passed: number; failed: number; errored: number; pending: number; cancelled?: number };
  latencyMs: Summary;
  /** Answers in which the model declined; graded like any answer (declining can be the very failure a case guards). Absent in reports before 0.2. */
  refusals?: number;
  /** Answers cut at the token limit (maxTokens, or the context window); graded as given. Absent when none was. */
  truncations?: number;
  /** null when no answer reported token usage (exec providers do not). */
  tokens: Usage | null;
  /** USD; null when any trial's price was unknown. */
  costUsd: number | null;
  /** Judge calls, counted apart from the target's; null when no grader asked a judge. Latency is per trial graded. */
  judge: { calls: number; tokens: Usage | null; costUsd: number | null; latencyMs: Summary } | null;
  /** Hash of the judge instructions used, by grader type: a changed judge prompt shows in the report and the baseline. */
  judgePrompts: Record<string, string>;
  /** The suite's judge (graders may name their own); null when it has none. */
  judgeModel: string | null;
  threshold: ThresholdSpec | undefined;
  /** The cases in the suite file, when eval --case ran fewer: its threshold, a floor for the whole suite, is then not checked. */
  selectedFrom?: number;
  cases: CaseResult[];
}

export type CaseStatus = "same" | "up" | "down" | "improved" | "regressed" | "new" | "not-judged" | "undecided";

/** One case set against its baseline. */
export interface CaseComparison {
  suite: string;
  caseId: string;
  status: CaseStatus;
  baseline: { n: number; passes: number } | null;
  /** Judged trials: those awaiting a person (pending) are apart. */
  current: { n: number; passes: number };
  /** Trials awaiting human review; absent when none. Tested as passes for a drop, as failures for a rise. */
  pending?: number;
  /** Errored trials; absent when none. */
  errored?: number;
  /** One-sided exact p-value for a drop, before correction. */
  pDrop: number;
  /** Corrected for the whole run's family of tests (Holm step-down with Tarone's count); regressed when ≤ α. */
  pDropAdjusted: number;
  /** Status "undecided": the drop's p-value had the errored trials failed, and corrected as above; absent otherwise. */
  pDropIfErroredFailed?: number;
  pDropIfErroredFailedAdjusted?: number;
  promptChanged: boolean;
  /**
   * What grades the case changed since the baseline (its graders, or a grader module's code):
   * its pass rate may differ for that reason. Compared and gated as a changed prompt is. False
   * when either side has no graders hash (a baseline written before it); absent in reports before it.
   */
  gradersChanged?: boolean;
}

export interface SuiteComparison {
  suite: string;
  /** The baseline was recorded against another provider: differences may be the model's, not the change's. */
  providerChanged: { baseline: string; current: string } | null;
  /** Grader types whose judge instructions changed since the baseline. */
  judgePromptsChanged: string[];
  /** The suite's judge model changed since the baseline. */
  judgeChanged: { baseline: string; current: string } | null;
  /** Passes and judged trials over the cases both runs judged, summed: for display. */
  baseline: { n: number; passes: number } | null;
  current: { n: number; passes: number };
  /** How many cases both runs judged: those the two figures are over. Absent in older reports. */
  cases?: number;
  /** Trials awaiting review that current counts as passes, as the drop test does. Absent when none. */
  pending?: number;
  /** One-sided exact test stratified by case (stats.ts stratifiedLess), not on the summed counts. */
  pDrop: number;
  /** Corrected together with the case tests. */
  pDropAdjusted: number;
  regressed: boolean;
}

export interface Comparison {
  alpha: number;
  cases: CaseComparison[];
  suites: SuiteComparison[];
  /** Cases in the baseline that this run did not have, of the suites it ran. */
  missing: { suite: string; caseId: string }[];
  /** Suites in the baseline this run did not run at all (a suite renamed, or a run of a few files), with their case counts. */
  missingSuites: { suite: string; cases: number }[];
}

/** Judge against people, for one kind of model-graded grader. */
export interface JudgeAgreement {
  /** Grader type, e.g. "rubric". */
  grader: string;
  /** The suite of this grader; null on the row that totals the type over all suites. */
  suite: string | null;
  /** Which grader of the suite (its review key, from the rubric's content); null on a total row. */
  reviewKey: string | null;
  /** Distinct outputs both a judge and a person graded. */
  pairs: number;
  /** Share of those where they agreed. */
  agreement: number;
  /** Its Wilson 95% interval. */
  agreementInterval: [number, number];
  /** Cohen's kappa: agreement beyond chance; NaN (null in JSON) when undefined. */
  kappa: number;
  /** Kappa's 95% interval: the agreement's, with the pass rates held as observed (see stats.ts Agreement). */
  kappaInterval: [number, number];
}

export interface Regression {
  kind: "case" | "suite" | "threshold" | "pending";
  suite: string;
  caseId?: string;
  message: string;
}

export interface GateVerdict {
  /** "fail" also when the run could not be judged: a consumer reading only this never mistakes it for a pass. */
  status: "pass" | "fail";
  /** False when too many trials errored or the run was interrupted: then no verdict on regressions is possible. */
  judged: boolean;
  /** Why the run was not judged; null when it was. */
  notJudgedReason: string | null;
  /** A shard whose run was fine: its verdict is left to harness merge (exit 0), not refused (exit 3). */
  deferred: boolean;
  /** Trials awaiting a human verdict, and whether that fails the gate (--pending). */
  pending: { trials: number; policy: PendingPolicy };
  regressions: Regression[];
  /**
   * A run written as the new baseline (--update-baseline): its changes against the old one
   * (drops, undecided cases), accepted rather than failed on. Thresholds and --pending fail
   * still fail it and stay in regressions. Absent when not updating, and in older reports.
   */
  accepted?: Regression[];
  improvements: { suite: string; caseId: string; message: string }[];
  newCases: { suite: string; caseId: string }[];
  missingCases: { suite: string; caseId: string }[];
  /** Suites in the baseline not run at all. Absent in reports written before it was added. */
  missingSuites?: { suite: string; cases: number }[];
  /** Where the baseline came from, or null when there was none. */
  baseline: { path: string; commit: string | null; createdAt: string } | null;
  alpha: number;
}

/** What pending human reviews do to the gate: warn (default) or fail. */
export type PendingPolicy = "warn" | "fail";

export interface RunResult {
  schemaVersion: 1;
  harnessVersion: string;
  startedAt: string;
  durationMs: number;
  /** Why the run stopped early, if it did. */
  interrupted: "SIGINT" | "SIGTERM" | null;
  /** The error that stopped the run before its end (no key, say), if one did; absent in older reports. */
  stopped?: string | null;
  /** Trials kept from an interrupted run (eval --resume) instead of run again; absent in reports before 0.2. */
  resumedTrials?: number;
  /** Providers that answered 429, and how far calls in flight were cut; absent in reports before 0.2. */
  rateLimits?: RateLimitSummary[];
  /** Answers that held a secret's value, masked before anything kept them, by where the secret comes from; absent when none did. */
  masked?: MaskedSummary[];
  /** Set on a shard's run (eval --shard i/n): its gate is deferred to harness merge. */
  shard: ShardOf | null;
  /** The --case patterns of a run of some cases only; absent when every case ran. */
  selection?: string[];
  /**
   * The shard reports harness merge joined into this run, as named to it: the command that
   * makes the run the reference is a merge of them, not an eval. Absent for a run of its own.
   */
  mergedFrom?: string[];
  suites: SuiteResult[];
  errors: { total: number; errored: number; share: number; byCategory: Partial<Record<ErrorCategory, number>> };
  comparison: Comparison | null;
  /** Judge against people, per model-graded grader type, where both graded the same outputs. */
  judgeAgreement: JudgeAgreement[];
  gate: GateVerdict;
}

/** Which part of which run a shard's report is. */
export interface ShardOf {
  /** 1-based. */
  index: number;
  count: number;
  /**
   * The whole run the shard is a part of: its cases, and a digest of its suites, providers,
   * trials, case ids and prompts. Shards of one run agree on it; absent in reports before it.
   */
  of?: { cases: number; digest: string };
}

/** Per-case counts kept in the baseline. */
export interface BaselineCase {
  n: number;
  passes: number;
  errored: number;
  promptHash: string;
  /** What graded these counts (core/graders-hash.ts); absent in baselines written before it. */
  gradersHash?: string;
}

export interface BaselineSuite {
  provider: string;
  trials: number;
  k: number;
  passAtK: number | null;
  passHatK: number | null;
  passRate: number | null;
  /** Hash of each judge prompt used, by grader type (absent in baselines without model-graded graders). */
  judgePrompts?: Record<string, string>;
  /** The suite's judge model, when it had one. */
  judgeModel?: string;
  /** Keyed by case id, never by position: reordering a suite changes nothing. */
  cases: Record<string, BaselineCase>;
}

/** The stored run that later runs are gated against (evals/baseline.json). */
export interface Baseline {
  schemaVersion: 1;
  createdAt: string;
  harnessVersion: string;
  git: { commit: string | null; dirty: boolean | null };
  suites: Record<string, BaselineSuite>;
}

/** What the runner hands back: every trial of every case, before any statistics. */
export interface RawRun {
  suites: { suite: LoadedSuite; cases: { case: LoadedCase; trials: TrialResult[] }[] }[];
  startedAt: string;
  durationMs: number;
  /** Trials kept from an interrupted run (eval --resume) rather than run again; default 0. */
  resumed?: number;
  /** How each provider's calls met its rate limits; only providers that answered 429 at least once. */
  rateLimits?: RateLimitSummary[];
}

/** Answers (the models' and the judges') in which a secret's value was masked: graded, and recorded, as masked. */
export interface MaskedSummary {
  /** "$PGPASSWORD", "the password in $DATABASE_URL", "the baseURL's password". */
  source: string;
  answers: number;
}

/** A provider's 429s in a run, and how far the adaptive limit cut its calls in flight. */
export interface RateLimitSummary {
  provider: string;
  role: "target" | "judge";
  /** Calls answered 429. */
  rateLimited: number;
  /** The fewest calls in flight the limit allowed, and the -j it started from. */
  lowest: number;
  max: number;
  /** How far the limit climbed back after it last stood at its lowest; absent in reports from before it was kept. Added within schema 1. */
  climbedBack?: ClimbedBack;
}

/** How far a limit cut by 429s rose again: to -j, part of the way, or not at all. */
export type ClimbedBack = "fully" | "partly" | "no";
