/**
 * Schedules cases × trials through one concurrency limit, calls providers with
 * timeouts and retries, grades each answer, and hands back the raw trials.
 * Statistics are core's job; this module only decides what ran and how it ended.
 */
import { setMaxListeners } from "node:events";
import path from "node:path";
import pLimit, { type LimitFunction } from "p-limit";
import type { Grade, JudgeUsage, LoadedCase, LoadedSuite, ProviderRef, RateLimitSummary, RawRun, ReviewLookup, TrialError, TrialResult } from "../core/types.js";
import { tooManyErrors } from "../core/gate.js";
import { joinRateLimits } from "../core/rate-limits.js";
import { hashOf, outputHash } from "../core/hash.js";
import { TrialWithStoredOutput, withFields } from "../core/stored-output.js";
import { ConfigError, HarnessError, RunError, type ConfigProblem } from "../errors.js";
import { isModelGraded } from "../config/schema.js";
import { gradeAtOnce, GraderError, type JudgeCall } from "../graders/index.js";
import { checkGraderModule, type ModuleProblem } from "../graders/javascript.js";
import { reviewKey } from "../graders/review-key.js";
import { FixtureFolders } from "../providers/fixture-folders.js";
import type { FixtureMode } from "../providers/fixtures.js";
import { createProvider } from "../providers/registry.js";
import { ProviderError, type Provider, type ProviderResponse } from "../providers/types.js";
import { DEFAULT_CONCURRENCY, DEFAULT_FIXTURES_DIR, DEFAULT_TIMEOUT_MS, RATE_LIMIT_WAIT_NOTICE_MS, RATE_LIMITED_PATIENCE_MS } from "../defaults.js";
import { callWithRetries, CANCELLED, type CallContext, type CallOutcome } from "./call.js";
import { AdaptiveLimit } from "./adaptive-limit.js";
import { Reachability } from "./reachability.js";
import { RateLimitWaits, type RateLimitWait } from "./rate-limit-waits.js";
import { onAbort } from "./on-abort.js";
import { BatchNotFollowed, forgetBatches, prefetchBatches, type BatchOptions } from "./batch.js";
import { answerOf, trialKey, type PriorTrials, type TrialSink } from "./journal.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";

export interface RunOptions {
  /** Project folder. Default: process.cwd(). */
  cwd?: string;
  /** Target calls in flight at once, across all cases and trials (-j; default 8). Judge calls have a limit of their own of the same size. */
  concurrency?: number;
  /** Per-call timeout in ms (default 60 000). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Default "auto": replay what is recorded, call live for the rest. */
  fixtures?: FixtureMode;
  /** Default "fixtures". */
  fixturesDir?: string;
  /** Aborting stops scheduling and cancels calls in flight; unfinished trials end as "cancelled". */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** People's verdicts, for human graders and for checking judges (see harness review). */
  reviews?: ReviewLookup;
  /** Trials of an interrupted run to keep instead of running again (eval --resume). */
  prior?: PriorTrials;
  /** Gets each trial as it ends, e.g. the run journal on disk. Kept trials are not sent again. */
  sink?: TrialSink;
  /** Send unrecorded requests through the providers' batch APIs first (eval --batch). */
  batch?: BatchOptions;
  /**
   * Stop the run once a greater share of its trials than this has errored: by the gate's own
   * rule (tooManyErrors) it can then no longer be judged, whatever the others would do, and a
   * provider that is down fails each trial only after its retries. eval and compare give
   * --max-error-rate. Cancelled trials do not count, nor missing fixtures: those fail at once,
   * and the gate names them better. Default: never stop for errors.
   */
  maxErrorShare?: number;
  /**
   * The trials maxErrorShare is a share of, when this run is part of a larger one: a shard's
   * errors alone, over all the shards' trials, past the share mean the whole cannot be judged.
   * Default: this run's trials.
   */
  errorShareOf?: number;
  /** Called as each trial ends, for progress display. */
  onTrial?: (event: { suite: string; caseId: string; trial: TrialResult; done: number; total: number }) => void;
  /** Gets each text an SDK warns (a deprecated model) once in the run, where the SDK prints it at every call. Default: the SDK prints. */
  onWarning?: (text: string) => void;
  /** Called when a provider's rate limit starts holding its calls back for rateLimitWaitMs or more: once per wait, waits that overlap being one; again, as `continued`, when later ones make it longer. */
  onRateLimitWait?: (wait: RateLimitWait) => void;
  /** The shortest wait onRateLimitWait is told of, in ms (default 5 000): shorter ones pass before anyone could read of them. */
  rateLimitWaitMs?: number;
}

export type { RateLimitWait };


export { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS };

/** How many trials may start before the run lets the event loop turn (signals, timers, I/O). */
const TRIALS_BETWEEN_TURNS = 256;

export async function runSuites(suites: readonly LoadedSuite[], options: RunOptions = {}): Promise<RawRun> {
  const cwd = options.cwd ?? process.cwd();
  const started = Date.now();
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const gates = new Map<string, { role: "target" | "judge"; provider: string; gate: AdaptiveLimit; reach: Reachability; pastLimit: Reachability; waits?: RateLimitWaits }>();
  const { onRateLimitWait } = options;
  // Each provider's limit on calls in flight, and whether its calls get through (connect, and get
  // past its rate limit), shared by all its calls in a role at one server. By server, not id
  // alone: one model served at two baseURLs (a model compared on two deployments) has two rate
  // limits, and one may be down alone.
  const stateOf = (role: "target" | "judge", ref: ProviderRef) => {
    const key = JSON.stringify([role, ref.id, ref.config.baseURL ?? null]);
    let entry = gates.get(key);
    if (!entry) {
      // The pause of a used-up window is a wait only once it holds a call: the gate tells when.
      const gate: AdaptiveLimit = new AdaptiveLimit({ max: concurrency, maxPauseMs: policy.maxDelayMs, onHold: (ms, cause) => waits?.held(ms, cause) });
      const waits = onRateLimitWait && new RateLimitWaits({ provider: ref.id, role, max: concurrency }, () => gate.current, options.rateLimitWaitMs ?? RATE_LIMIT_WAIT_NOTICE_MS, onRateLimitWait);
      gates.set(key, (entry = { role, provider: ref.id, gate, reach: new Reachability(), pastLimit: new Reachability(RATE_LIMITED_PATIENCE_MS), ...(waits ? { waits } : {}) }));
    }
    return { gate: entry.gate, reach: entry.reach, pastLimit: entry.pastLimit, ...(entry.waits ? { waits: entry.waits } : {}) };
  };
  // Judge calls are made from inside a trial, which holds one of the workers: judges get a
  // limiter of their own rather than sharing anything a trial holds (p-limit documents that
  // nesting on one limiter deadlocks).
  const judgeLimit = pLimit(concurrency);
  const judgeMemo = new Map<string, Promise<CallOutcome>>();
  // One controller for the whole run: the user's signal, or a fatal error (no key), stops everything.
  const stop = new AbortController();
  // Calls, graders, queued slots and backoffs all watch this one signal through one shared
  // listener (on-abort.ts); should anything listen to it directly per trial, Node's warning
  // at 11 listeners would only be noise.
  setMaxListeners(0, stop.signal);
  const onOuterAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  if (options.signal?.aborted) stop.abort(options.signal.reason);
  let fatal: unknown;

  // What an SDK warns at every call (a deprecated model) is said once in the run.
  const warned = new Set<string>();
  const { onWarning } = options;
  const warnOnce =
    onWarning &&
    ((text: string) => {
      if (warned.has(text)) return;
      warned.add(text);
      onWarning(text);
    });
  const providers = new Map<string, Promise<Provider>>();
  // Suites on one model with different configs are different providers, but one set of fixtures.
  const fixtureFolders = new FixtureFolders();
  // Every trial asks for its suite's provider by the same ref object: found by identity
  // first, so the ref is hashed once per suite rather than once per trial.
  const byRef = new WeakMap<ProviderRef, Promise<Provider>>();
  const providerFor = (ref: ProviderRef) => {
    let p = byRef.get(ref);
    if (p) return p;
    const key = hashOf(ref);
    p = providers.get(key);
    if (!p) {
      p = createProvider(ref, { cwd, fixturesDir: options.fixturesDir ?? DEFAULT_FIXTURES_DIR, fixtures: options.fixtures ?? "auto", fixtureFolders, ...(options.env ? { env: options.env } : {}), ...(warnOnce ? { onWarning: warnOnce } : {}) });
      providers.set(key, p);
    }
    byRef.set(ref, p);
    return p;
  };

  const fail = (err: unknown) => {
    fatal ??= err;
    stop.abort(err);
  };

  const total = trialCount(suites);
  let done = 0;
  const errored: Partial<Record<TrialError["category"], number>> = {};
  let erroredCount = 0;
  let firstError: (TrialError & { from: "provider" | "judge" }) | undefined;
  let resumed = 0;
  const result: RawRun["suites"] = suites.map((suite) => ({
    suite,
    cases: suite.cases.map((c) => ({ case: c, trials: new Array<TrialResult>(suite.trials) })),
  }));

  const prior = options.fixtures === "record" ? recordedOnly(options.prior) : options.prior;
  // A case whose every trial is kept grades nothing: its modules need not load.
  const toGrade = (suite: LoadedSuite, c: LoadedCase) => !prior || Array.from({ length: suite.trials }, (_, t) => t).some((t) => !prior.get(suite, c, trialKey(suite, c), t));
  try {
    await checkGraderModules(suites, toGrade, cwd, timeoutMs, stop.signal);
  } catch (err) {
    options.signal?.removeEventListener("abort", onOuterAbort);
    throw err;
  }
  let batchPrefixes: string[] = [];
  if (options.batch) {
    const isKept = (suite: LoadedSuite, ci: number, t: number) => prior?.get(suite, suite.cases[ci]!, trialKey(suite, suite.cases[ci]!), t) !== undefined;
    try {
      batchPrefixes = await prefetchBatches(suites, providerFor, isKept, { timeoutMs, ...options.batch }, stop.signal);
    } catch (err) {
      // A sent batch could not be followed: no trial runs (live, each would be paid twice), and
      // the run ends not judged, the batch's id kept for the same command to pick it up.
      if (!(err instanceof BatchNotFollowed)) throw err;
      fail(err);
    }
  }

  const trialCtx: TrialContext = { providerFor, stateOf, judgeLimit, judgeMemo, policy, timeoutMs, signal: stop.signal, fail, reviews: options.reviews };
  // Every trial to run, in order, kept ones set aside at once. Workers pull from one
  // iterator rather than 100,000 tasks being queued up front, each with its closure and promise.
  function* pending(): Generator<{ run: CaseRun; t: number; answer?: ProviderResponse }> {
    for (const entry of result) {
      const call: CallContext = { policy, timeoutMs, signal: stop.signal, ...stateOf("target", entry.suite.provider) };
      for (const caseEntry of entry.cases) {
        const c = caseEntry.case;
        const run: CaseRun = { suite: entry.suite, c, key: trialKey(entry.suite, c), trials: caseEntry.trials, call, asksOthers: c.graders.some((g) => isModelGraded(g) || g.type === "human") };
        for (let t = 0; t < entry.suite.trials; t++) {
          const today = withTodaysVerdicts(prior?.get(entry.suite, c, run.key, t), entry.suite, c, options.reviews);
          if (today && "regrade" in today) {
            yield { run, t, answer: today.regrade };
            continue;
          }
          const kept = today?.kept;
          if (kept) {
            caseEntry.trials[t] = kept;
            resumed++;
            done++;
            options.onTrial?.({ suite: entry.suite.name, caseId: c.id, trial: kept, done, total });
            continue;
          }
          yield { run, t };
        }
      }
    }
  }
  const queue = pending();
  // Trials that end without any I/O (answers missing offline, replays of one cached file) run
  // on promises alone, which never let the event loop turn: a Ctrl-C then went unseen until
  // 300,000 trials were done. Every so many trials, all the workers step aside for it together.
  let sinceTurn = 0;
  let turn: Promise<void> | undefined;
  const worker = async (): Promise<void> => {
    for (let next = queue.next(); !next.done; next = queue.next()) {
      if (!turn && ++sinceTurn >= TRIALS_BETWEEN_TURNS) {
        sinceTurn = 0;
        turn = new Promise<void>((resolve) =>
          setImmediate(() => {
            turn = undefined;
            resolve();
          }),
        );
      }
      if (turn) await turn;
      const { run, t, answer } = next.value;
      let trial: TrialResult;
      if (stop.signal.aborted) trial = cancelledTrial(t);
      else {
        try {
          trial = await runTrial(run, t, trialCtx, answer ?? prior?.answer(run.suite, run.c, run.key, t));
        } catch (err) {
          // Only fatal errors reach here: remember the first and stop the run. The trial that met
          // it ends with its category (auth, say), so the report's errors name the cause.
          fatal ??= err;
          stop.abort(err);
          trial = err instanceof ProviderError ? emptyTrial(t, { category: err.category, message: err.message }) : cancelledTrial(t);
        }
      }
      if (trial.error && trial.error.category !== "cancelled" && trial.error.category !== "missing-fixture") {
        errored[trial.error.category] = (errored[trial.error.category] ?? 0) + 1;
        erroredCount++;
        // A trial with an answer errored while it was graded: the error is a grader's or a judge's.
        firstError ??= { ...trial.error, from: trial.output === null ? "provider" : "judge" };
        const max = options.maxErrorShare;
        const of = options.errorShareOf ?? total;
        if (max !== undefined && !stop.signal.aborted && tooManyErrors({ errored: erroredCount, share: erroredCount / of }, max)) {
          const never = (way: "reach" | "pastLimit") => [...new Set([...gates.values()].filter((g) => g[way].neverGotThrough).map((g) => g.provider))];
          fail(stoppedForErrors(errored, erroredCount, of, max, options.errorShareOf !== undefined, firstError!, { connect: never("reach"), pastLimit: never("pastLimit") }));
        }
      }
      const stored = options.sink?.trial(run.suite.name, run.c.id, run.key, trial);
      // Long outputs are read back from the sink when the report needs them, not kept here.
      run.trials[t] = typeof stored === "function" && trial.output !== null ? new TrialWithStoredOutput(trial, stored) : trial;
      done++;
      options.onTrial?.({ suite: run.suite.name, caseId: run.c.id, trial, done, total });
    }
  };
  // Calls in flight are held to -j by each provider's adaptive gate. Trials may be four times
  // as many, so that while some wait out a Retry-After (10% of calls waiting 1 s each, at
  // -j 20 and 50 ms a call, is 40 trials asleep) others keep the provider at -j.
  // No more workers than trials: each extra one is a promise with nothing to do.
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency * 4, total)) }, worker));
  options.signal?.removeEventListener("abort", onOuterAbort);
  if (!stop.signal.aborted && options.batch) await forgetBatches(options.batch.stateDir, batchPrefixes);
  const rateLimits = rateLimitsOf(gates.values(), concurrency);
  const raw: RawRun = { suites: result, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, resumed, rateLimits };
  if (fatal !== undefined) {
    const err = asRunError(fatal);
    // Bad input found mid-run (a corrupt fixture) stays a usage error, with nothing written.
    throw err instanceof RunError ? new RunStopped(err, raw) : err;
  }
  return raw;
}

/**
 * Every javascript grader module loads and has its function, or the run is refused before
 * it makes any call (exit 2, each module named where it went wrong): found at the first trial
 * instead, it cost a model call per trial and ended the run "not judged".
 */
async function checkGraderModules(suites: readonly LoadedSuite[], toGrade: (suite: LoadedSuite, c: LoadedCase) => boolean, cwd: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const checks = new Map<string, ModuleCheck>();
  for (const suite of suites) {
    for (const c of suite.cases) {
      if (!c.graders.some((g) => g.type === "javascript") || !toGrade(suite, c)) continue;
      for (const g of c.graders) {
        if (g.type !== "javascript") continue;
        const file = path.resolve(suite.dir, g.file);
        const name = g.export ?? "default";
        const key = JSON.stringify([file, name]);
        let check = checks.get(key);
        if (!check) checks.set(key, (check = { file, name, found: checkGraderModule(file, name, timeoutMs), users: new Map() }));
        check.users.set(suite, (check.users.get(suite) ?? new Set()).add(c.id));
      }
    }
  }
  if (checks.size === 0) return;
  // A Ctrl-C while a module loads stops the run, not just the wait: its trials are then cancelled.
  let forget = () => {};
  const stopped = new Promise<undefined>((resolve) => (forget = onAbort(signal, () => resolve(undefined))));
  const found = await Promise.race([Promise.all([...checks.values()].map((c) => c.found)), stopped]);
  forget();
  if (!found) return;
  const problems = (await Promise.all([...checks.values()].map((c, i) => placeModuleProblem(c, found[i], cwd)))).flat();
  if (problems.length > 0) throw new ConfigError(problems);
}

/** One grader module and function, the cases of each suite that grade with it, and what loading it found. */
interface ModuleCheck {
  file: string;
  name: string;
  found: Promise<ModuleProblem | undefined>;
  users: Map<LoadedSuite, Set<string>>;
}

/**
 * A module that does not load is shown at the module (where it says, the line that broke).
 * One that lacks the function is the suite's to fix: shown at each `export:` naming it, or at
 * the module when no suite file says so (suites made by hand, through the library).
 */
async function placeModuleProblem(check: ModuleCheck, problem: ModuleProblem | undefined, cwd: string): Promise<ConfigProblem[]> {
  if (!problem) return [];
  const { about, ...rest } = problem;
  const module = path.relative(cwd, check.file) || check.file;
  if (about === "export") {
    const { placesNaming } = await import("../config/grader-places.js");
    const named = await Promise.all([...check.users].map(([suite, ids]) => placesNaming(path.join(suite.dir, path.basename(suite.file)), suite.file, check.file, check.name, ids)));
    const places = named.flat();
    if (places.length > 0) return places.map((at) => ({ ...at, message: `${module}: ${rest.message}` }));
  }
  return [{ file: module, ...rest }];
}

/**
 * What --resume keeps when recording: only answers that came from the fixtures. One answered
 * live and never recorded (a run without --record, resumed with it) is asked again and
 * recorded, so that fixtures/ replays what the report shows; what the stopped run recorded
 * replays for free. exec: answers are never recorded, so they are kept as ever.
 */
function recordedOnly(prior: PriorTrials | undefined): PriorTrials | undefined {
  if (!prior) return undefined;
  const recorded = (suite: LoadedSuite, t: { cached: boolean; recorded?: true } | undefined) => t !== undefined && (t.cached || t.recorded === true || suite.provider.id.startsWith("exec:"));
  return {
    get: (suite, c, key, index) => {
      const t = prior.get(suite, c, key, index);
      return recorded(suite, t) ? t : undefined;
    },
    answer: (suite, c, key, index) => {
      const a = prior.answer(suite, c, key, index);
      return recorded(suite, a) ? a : undefined;
    },
    get skipped() {
      return prior.skipped;
    },
    get changed() {
      return prior.changed;
    },
  };
}

/**
 * A trial kept from the journal with the people's verdicts as they are now: a verdict given
 * or changed since (a later line wins) decides a human grader's grade, and the judge check
 * beside a judge's. Only looked up: nothing is asked again, not the model, not the judge.
 * One whose grades are fewer than its graders (a grader erred, and a person's "fail" decided
 * it) cannot pass on a new verdict: what the erring grader would say is unknown. It is graded
 * again from its answer instead, as a fresh run would grade it.
 */
function withTodaysVerdicts(trial: TrialResult | undefined, suite: LoadedSuite, c: LoadedCase, reviews: ReviewLookup | undefined): { kept: TrialResult } | { regrade: ProviderResponse } | undefined {
  if (!trial) return undefined;
  if (trial.output === null || !trial.grades.some((g) => g.reviewKey)) return { kept: trial };
  const output = trial.output;
  const hash = outputHash(output);
  const lookup = (key: string) => reviews?.(suite.name, c.id, key, hash, c.promptHash);
  const grades = trial.grades.map((g): Grade => {
    if (!g.reviewKey) return g;
    if (g.type !== "human") {
      const { human: _, ...rest } = g;
      const human = lookup(g.reviewKey);
      return human ? { ...rest, human } : rest;
    }
    const spec = c.graders.find((s) => s.type === "human" && reviewKey(s) === g.reviewKey);
    return spec ? (gradeAtOnce(spec, { output, vars: c.vars, latencyMs: trial.latencyMs, costUsd: trial.costUsd, suiteDir: suite.dir, messages: c.messages, judge: NO_JUDGE.call, review: lookup }) as Grade) : g;
  });
  const failed = grades.some((g) => !g.pass && !g.pending);
  if (!failed && grades.length < c.graders.length) {
    return { regrade: answerOf(trial, output) };
  }
  const pending = !failed && grades.some((g) => g.pending);
  return { kept: withFields(trial, { grades, passed: pending ? null : !failed, pending }) };
}

/** How many trials a run of `suites` makes. */
export function trialCount(suites: readonly LoadedSuite[]): number {
  return suites.reduce((n, x) => n + x.cases.length * x.trials, 0);
}

/**
 * runSuites for a command that reports even a run stopped by a fatal error: that run comes
 * back as what had ended, with the error beside it, instead of being thrown.
 */
export async function runToEnd(suites: readonly LoadedSuite[], options: RunOptions = {}): Promise<{ raw: RawRun; stopped?: RunStopped }> {
  try {
    return { raw: await runSuites(suites, options) };
  } catch (err) {
    if (!(err instanceof RunStopped)) throw err;
    return { raw: err.partial, stopped: err };
  }
}

/**
 * The run stopped at an error no further call could get past (no key, a command not found).
 * It carries what had ended, every other trial cancelled, so the report can say the run was
 * not judged, and why, rather than leave an older report in place.
 */
export class RunStopped extends RunError {
  constructor(
    err: RunError,
    readonly partial: RawRun,
  ) {
    super(err.code, err.message, { hint: err.hint, cause: err.cause });
  }
}

/**
 * A grader (a user's javascript module) may hang; the run must still finish and stop on Ctrl-C.
 * The grader's own work cannot be cancelled from here, only no longer waited for.
 */
function within<T>(work: Promise<T>, ms: number | undefined, signal: AbortSignal, label: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = ms === undefined ? undefined : setTimeout(() => reject(new GraderError(`${label}: did not finish within ${ms} ms`)), ms);
    const forget = onAbort(signal, () => reject(signal.reason));
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      forget();
    });
  });
}

/**
 * The judge as graders see it: the suite's (or the grader's own) judge model, behind its
 * own limiter, with the run's retries and fixtures, its usage counted apart from the target's.
 */
function judgeFor(suite: LoadedSuite, ctx: TrialContext): { call: JudgeCall; usage: JudgeUsage; stopped: () => TrialError | undefined } {
  const usage: JudgeUsage = { calls: 0, latencyMs: 0, usage: null, costUsd: 0 };
  // The error this trial's judge call met that stopped the run (no key, a bad key).
  let stoppedWith: TrialError | undefined;
  const call: JudgeCall = async (ref, request, vote) => {
    const judge = ref ?? suite.judge;
    if (!judge) throw new GraderError("no judge: give the grader or the suite a judge:, or pass --judge");
    // The same question to the same judge is asked once per run, as a replay from fixtures
    // would answer it once: live and replayed runs grade alike, and the judge is not paid twice.
    const key = hashOf([judge, request, vote]);
    let shared = ctx.judgeMemo.get(key);
    const first = shared === undefined;
    if (!shared) {
      // Set before anything is awaited: trials grading the same output at once share the call.
      shared = ctx.providerFor(judge).then((provider) => ctx.judgeLimit(() => callWithRetries(provider, request, vote, { ...ctx, ...ctx.stateOf("judge", judge) })));
      ctx.judgeMemo.set(key, shared);
    }
    let outcome;
    try {
      outcome = await shared;
    } catch (err) {
      // The run stops with it: said to be the judge's, as its model's id alone reads as the target's.
      const message = `judge ${ledById(judge.id, byVote((err as Error).message, vote))}`;
      stoppedWith = { category: err instanceof ProviderError ? err.category : "grader-error", message };
      ctx.fail(err instanceof ProviderError ? err.withText(message, err.hint) : err);
      throw new GraderError(message);
    }
    if (!outcome.ok) throw new GraderError(`judge ${judge.id} ${outcome.error.category}: ${byVote(outcome.error.message, vote)}`, outcome.error.category);
    const r = outcome.response;
    // Counted once, by the trial whose grading made the call (or was given a fixture's answer first).
    if (!first || r.shared) return r;
    if (r.masked) usage.masked = [...(usage.masked ?? []), ...r.masked];
    usage.calls++;
    usage.latencyMs += r.latencyMs ?? 0;
    if (r.usage) usage.usage = { inputTokens: (usage.usage?.inputTokens ?? 0) + r.usage.inputTokens, outputTokens: (usage.usage?.outputTokens ?? 0) + r.usage.outputTokens };
    usage.costUsd = usage.costUsd === null || r.costUsd === null ? null : usage.costUsd + r.costUsd;
    return r;
  };
  return { call, usage, stopped: () => stoppedWith };
}

/** A judge's calls are keyed by vote, not trial: "trial 0" of every trial would mislead. */
function byVote(message: string, vote: number): string {
  return message.replace(/ for trial \d+ \(/, ` for vote ${vote + 1} on this output (`).replace(/\(trial \d+: /, `(vote ${vote + 1} on this output: `);
}

/** "<id>: <what went wrong>": the provider's own messages start with its id already. */
function ledById(id: string, message: string): string {
  return message.startsWith(`${id}: `) ? message : `${id}: ${message}`;
}

/**
 * The providers that answered 429, as the report names them: by id and role. One id served at
 * two baseURLs had a gate at each; the report has one line for it, the 429s of both.
 */
function rateLimitsOf(gates: Iterable<{ role: "target" | "judge"; provider: string; gate: AdaptiveLimit }>, max: number): RateLimitSummary[] {
  const each = [...gates].filter((g) => g.gate.rateLimited > 0);
  return joinRateLimits(each.map(({ role, provider, gate }) => ({ provider, role, rateLimited: gate.rateLimited, lowest: gate.lowest, max, climbedBack: gate.climbedBack })));
}

/** `never`: the providers nothing in the run could connect to, and those no call in it got past the rate limit of. */
function stoppedForErrors(
  byCategory: Partial<Record<string, number>>,
  count: number,
  of: number,
  maxShare: number,
  part: boolean,
  first: TrialError & { from: "provider" | "judge" },
  never: { connect: string[]; pastLimit: string[] },
): RunError {
  const kinds = Object.entries(byCategory)
    .sort((a, b) => b[1]! - a[1]!)
    .map(([category, n]) => `${category} ${n}`)
    .join(", ");
  const pct = `${Number((maxShare * 100).toPrecision(3))}%`;
  const message = part
    ? `${count} trial${count === 1 ? "" : "s"} errored (${kinds}), more than ${pct} of the whole run's ${of}: it can no longer be judged, so this part of it stopped there`
    : `${count} of ${of} trials errored (${kinds}), more than the ${pct} allowed: the run can no longer be judged, so it stopped there`;
  // Where the report shows no error of its own (compare's), the first one says what went wrong.
  const line = first.message.split("\n")[0]!;
  const example = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  // Allowing more errors cannot help a run where nothing connects, or nothing gets past a rate
  // limit: say what to check instead.
  const hint =
    never.connect.length > 0
      ? `nothing in this run could connect to ${never.connect.join(" or ")} (the first: ${example}): check that the server is running and the provider's baseURL is right, or the network`
      : never.pastLimit.length > 0
        ? `no call in this run got past the rate limit of ${never.pastLimit.join(" or ")}, and trials used every retry on its 429s (the first: ${example}): check the key's rate limits and quota, and whether something else is using them up`
        : `the first: ${example}; fix ${whatToFix(first.category, first.from)}, or allow more with --max-error-rate`;
  return new RunError("run.too-many-errors", message, { hint });
}

/**
 * What a user fixes when trials error so: a grader's errors are the suite's, not the provider's.
 * `from`: whose answer the errors were about, when known; a run that asked no judge has only
 * the provider's answers to be unreadable.
 */
export function whatToFix(category: string | undefined, from?: "provider" | "judge"): string {
  if (category === "grader-error") return "the graders (a javascript grader that throws, a max-cost on a model with no price)";
  // A judge's empty answers are the judge's maxTokens to raise (an exec: provider has none).
  if (category === "max-tokens") return `the ${from === "judge" ? "judge's config" : "provider's"} maxTokens (answers stopped at it before any text)`;
  if (category === "content-filter") return "the prompt (a content filter stopped the answers before any text)";
  if (category === "malformed-output") return from === undefined ? "the judge (its answers could not be read) or the provider" : `the ${from} (its answers could not be read)`;
  return "the provider, key or fixtures";
}

function asRunError(err: unknown): HarnessError {
  if (err instanceof HarnessError) return err;
  if (err instanceof ProviderError) return new RunError(`provider.${err.category}`, err.message, { hint: err.hint, cause: err });
  return new RunError("run.failed", (err as Error)?.message ?? String(err), { cause: err });
}

function cancelledTrial(index: number): TrialResult {
  return emptyTrial(index, CANCELLED);
}

function emptyTrial(index: number, error: TrialError, retries = 0): TrialResult {
  return { index, output: null, passed: null, pending: false, grades: [], latencyMs: null, usage: null, costUsd: null, cached: false, retries, judge: null, error };
}

interface TrialContext extends CallContext {
  reviews: ReviewLookup | undefined;
  providerFor: (ref: ProviderRef) => Promise<Provider>;
  /** Each provider's calls in flight, for targets and judges apart (as their limits are). */
  stateOf: (role: "target" | "judge", provider: ProviderRef) => { gate: AdaptiveLimit; reach: Reachability; pastLimit: Reachability; waits?: RateLimitWaits };
  judgeLimit: LimitFunction;
  /** Judge answers of this run, by judge, request and vote. */
  judgeMemo: Map<string, Promise<CallOutcome>>;
  /** Stops the whole run with this error (a judge without a key, say). */
  fail: (err: unknown) => void;
}

/**
 * What every trial of one case shares, worked out once for its k trials: at thousands of
 * trials a second, what each trial builds for itself is a measurable share of a run's CPU.
 */
interface CaseRun {
  suite: LoadedSuite;
  c: LoadedCase;
  /** The case's identity in the journal (trialKey). */
  key: string;
  /** Where the case's trials go, by index. */
  trials: TrialResult[];
  /** The target's calls: the run's limits, with this provider's gate. */
  call: CallContext;
  /** Some grader asks a judge or a person (model-graded, human); the others need neither. */
  asksOthers: boolean;
}

/** For the graders that never ask a judge or a person: nothing to count, nothing to look up. */
const NO_JUDGE: ReturnType<typeof judgeFor> = {
  call: () => Promise.reject(new GraderError("no grader of this case asks a judge")),
  usage: Object.freeze({ calls: 0, latencyMs: 0, usage: null, costUsd: 0 }),
  stopped: () => undefined,
};
const NO_REVIEW = () => undefined;

/** Runs one trial. Resolves with its result, errored or not; rejects only on a fatal error. */
async function runTrial(run: CaseRun, index: number, ctx: TrialContext, answered?: ProviderResponse): Promise<TrialResult> {
  const { suite, c } = run;
  let response: ProviderResponse;
  let retries = 0;
  if (answered) response = answered;
  else {
    const provider = await ctx.providerFor(suite.provider);
    const outcome = await callWithRetries(provider, { messages: c.messages, vars: c.vars }, index, run.call);
    if (!outcome.ok) return emptyTrial(index, outcome.error, outcome.retries);
    ({ response, retries } = outcome);
  }

  const judged = run.asksOthers ? judgeFor(suite, ctx) : NO_JUDGE;
  // One slot per grader, as every trial keeps its grades: an array grown by push has room for 16.
  const grades: Grade[] = new Array<Grade>(c.graders.length);
  let gradedCount = 0;
  // One literal with every field in one order: 100,000 trials share one shape, and the
  // judge's usage is copied so the result cannot change after the trial has ended.
  const finish = (passed: boolean | null, pending: boolean, error: TrialError | null): TrialResult => {
    // A grader that could not judge ends the trial: its grades are those before it.
    grades.length = gradedCount;
    const trial: TrialResult = {
      index,
      output: response.output,
      passed,
      pending,
      grades,
      latencyMs: response.latencyMs,
      usage: response.usage,
      costUsd: response.costUsd,
      cached: response.cached,
      retries,
      judge: judged.usage.calls > 0 ? { ...judged.usage } : null,
      error,
    };
    if (response.refused) trial.refused = true;
    if (response.truncated) trial.truncated = true;
    if (response.recorded) trial.recorded = true;
    if (response.shared) trial.shared = true;
    if (response.masked) trial.masked = response.masked;
    return trial;
  };
  // Hashed only when a grader asks for a person's verdict: most trials never do.
  let hash: string | undefined;
  const review = run.asksOthers ? (key: string) => ctx.reviews?.(suite.name, c.id, key, (hash ??= outputHash(response.output)), c.promptHash) : NO_REVIEW;
  const gradeCtx = { output: response.output, vars: c.vars, latencyMs: response.latencyMs, costUsd: response.costUsd, suiteDir: suite.dir, messages: c.messages, judge: judged.call, review };
  let gradeError: TrialError | null = null;
  for (const spec of c.graders) {
    // Once a grader could not judge, only the built-in ones (a person's verdict among them, a
    // lookup) still run: they cost nothing and cannot hang, and one of them may be sure of a
    // failure, which decides the trial anyway.
    if (gradeError && (isModelGraded(spec) || spec.type === "javascript")) continue;
    try {
      const graded = gradeAtOnce(spec, gradeCtx);
      // A judge's calls carry their own timeouts and bounded retries; a user's module gets one
      // --timeout in all. The built-in graders cannot hang: a timer and an abort listener for each
      // of them, at every trial, would be pure overhead.
      if (!(graded instanceof Promise)) grades[gradedCount] = graded;
      else {
        const model = isModelGraded(spec);
        grades[gradedCount] = await (model || spec.type === "javascript" ? within(graded, model ? undefined : ctx.timeoutMs, ctx.signal, spec.type) : graded);
      }
      gradedCount++;
    } catch (err) {
      // A trial whose own judge call met the error that stopped the run errored with it: called
      // cancelled, its case was listed as one where nothing failed.
      if (ctx.signal.aborted) return finish(null, false, judged.stopped() ?? { category: "cancelled", message: "the run was stopped while this trial was being graded" });
      const message = err instanceof GraderError ? err.message : `${spec.type}: ${(err as Error)?.message ?? String(err)}`;
      gradeError ??= { category: err instanceof GraderError ? err.category : "grader-error", message };
    }
  }
  // A failure a grader is sure of decides the trial, whatever another grader could not tell or
  // a person has yet to say; otherwise an error leaves it errored, an awaited verdict pending.
  const failed = grades.some((g, i) => i < gradedCount && !g.pass && !g.pending);
  if (failed) return finish(false, false, null);
  if (gradeError) return finish(null, false, gradeError);
  const pending = grades.some((g, i) => i < gradedCount && g.pending);
  return finish(pending ? null : true, pending, null);
}
