/** Assembles the one RunResult that every reporter reads: aggregate → compare → gate. Pure. */
import { aggregateCase, aggregateSuite, kValues, summariseErrors } from "./aggregate.js";
import { compareToBaseline, DEFAULT_ALPHA } from "./compare.js";
import { decideGate } from "./gate.js";
import { judgeAgreement } from "./agreement.js";
import type { Baseline, PendingPolicy, RawRun, RunResult, MaskedSummary, SuiteResult } from "./types.js";

export interface BuildOptions {
  /** Extra k values (--at). */
  at?: readonly number[];
  baseline?: Baseline | null;
  baselinePath?: string;
  alpha?: number;
  /** Above this share of errored trials the run is not judged (default 0.1). */
  maxErrorShare?: number;
  /** Whether trials awaiting human review fail the gate (default "warn"). */
  pendingPolicy?: PendingPolicy;
  harnessVersion: string;
  interrupted?: RunResult["interrupted"];
  /** Why the run stopped before its end (no key, say): it is then not judged. */
  stopped?: string;
  /** A shard's run: statistics as usual, the gate deferred to the merge of all shards. */
  shard?: RunResult["shard"];
  /** The --case patterns, when only the cases they chose ran. */
  selection?: readonly string[];
  /** The shard reports harness merge joined into this run. */
  mergedFrom?: readonly string[];
  /** --update-baseline: the run becomes the reference, its changes against the old one accepted. */
  updatingBaseline?: boolean;
}

export function buildRunResult(raw: RawRun, options: BuildOptions): RunResult {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const suites = raw.suites.map(({ suite, cases }) => {
    const { k, all } = kValues(suite.trials, options.at ?? []);
    return aggregateSuite(suite, cases.map((c) => aggregateCase(c.case, c.trials, k, all)), all);
  });
  const baseline = options.baseline ?? null;
  const comparison = baseline ? compareToBaseline(suites, baseline, alpha) : null;
  const errors = summariseErrors(suites);
  const gate = decideGate({
    errors,
    ...(options.maxErrorShare !== undefined ? { maxErrorShare: options.maxErrorShare } : {}),
    interrupted: options.interrupted ?? null,
    stopped: options.stopped ?? null,
    shard: options.shard ?? null,
    ...(options.pendingPolicy ? { pendingPolicy: options.pendingPolicy } : {}),
    ...(options.updatingBaseline ? { updatingBaseline: true } : {}),
    suites,
    comparison,
    baseline: baseline ? { path: options.baselinePath ?? "", commit: baseline.git.commit, createdAt: baseline.createdAt } : null,
    alpha,
  });
  return {
    schemaVersion: 1,
    harnessVersion: options.harnessVersion,
    startedAt: raw.startedAt,
    durationMs: raw.durationMs,
    interrupted: options.interrupted ?? null,
    stopped: options.stopped ?? null,
    resumedTrials: raw.resumed ?? 0,
    rateLimits: raw.rateLimits ?? [],
    ...maskedIn(suites),
    shard: options.shard ?? null,
    ...(options.selection ? { selection: [...options.selection] } : {}),
    ...(options.mergedFrom ? { mergedFrom: [...options.mergedFrom] } : {}),
    suites,
    errors,
    comparison,
    judgeAgreement: judgeAgreement(suites),
    gate,
  };
}

/**
 * Answers that held a secret's value, by where it came from: the models' (each trial's) and the
 * judges' (counted by the trial whose grading asked). Read from the trials, so a resumed, replayed
 * or merged run says it as the run that called the model did.
 */
function maskedIn(suites: readonly SuiteResult[]): { masked?: MaskedSummary[] } {
  const counts = new Map<string, number>();
  for (const s of suites) {
    for (const c of s.cases) {
      for (const t of c.trials) {
        if (!t) continue;
        for (const source of [...(t.masked ?? []), ...(t.judge?.masked ?? [])]) counts.set(source, (counts.get(source) ?? 0) + 1);
      }
    }
  }
  return counts.size === 0 ? {} : { masked: [...counts].map(([source, answers]) => ({ source, answers })) };
}
