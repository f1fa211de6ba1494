/**
 * Schedules cases × trials through one concurrency limit, calls providers with
 * timeouts and retries, grades each answer, and hands back the raw trials.
 * Statistics are core's job; this module only decides what ran and how it ended.
 */
import pLimit from "p-limit";
import type { LoadedCase, LoadedSuite, RawRun, TrialError, TrialResult } from "../core/types.js";
import { hashOf } from "../core/hash.js";
import { HarnessError, RunError } from "../errors.js";
import { grade, GraderError } from "../graders/index.js";
import type { FixtureMode } from "../providers/fixtures.js";
import { createProvider } from "../providers/registry.js";
import { ProviderError, RETRYABLE, type Provider } from "../providers/types.js";
import { DEFAULT_CONCURRENCY, DEFAULT_FIXTURES_DIR, DEFAULT_TIMEOUT_MS } from "../defaults.js";
import { backoffDelay, DEFAULT_RETRY, sleep, type RetryPolicy } from "./retry.js";

export interface RunOptions {
  /** Project folder. Default: process.cwd(). */
  cwd?: string;
  /** Calls in flight at once, across all cases and trials (-j; default 8). */
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
  /** Called as each trial ends, for progress display. */
  onTrial?: (event: { suite: string; caseId: string; trial: TrialResult; done: number; total: number }) => void;
}


export { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS };

export async function runSuites(suites: readonly LoadedSuite[], options: RunOptions = {}): Promise<RawRun> {
  const cwd = options.cwd ?? process.cwd();
  const started = Date.now();
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  // One controller for the whole run: the user's signal, or a fatal error (no key), stops everything.
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  if (options.signal?.aborted) stop.abort(options.signal.reason);
  let fatal: unknown;

  const providers = new Map<string, Promise<Provider>>();
  const providerFor = (suite: LoadedSuite) => {
    const key = hashOf(suite.provider);
    let p = providers.get(key);
    if (!p) {
      p = createProvider(suite.provider, { cwd, fixturesDir: options.fixturesDir ?? DEFAULT_FIXTURES_DIR, fixtures: options.fixtures ?? "auto", ...(options.env ? { env: options.env } : {}) });
      providers.set(key, p);
    }
    return p;
  };

  const total = suites.reduce((s, x) => s + x.cases.length * x.trials, 0);
  let done = 0;
  const result: RawRun["suites"] = suites.map((suite) => ({
    suite,
    cases: suite.cases.map((c) => ({ case: c, trials: new Array<TrialResult>(suite.trials) })),
  }));

  const tasks: Promise<void>[] = [];
  for (const entry of result) {
    for (const caseEntry of entry.cases) {
      for (let t = 0; t < entry.suite.trials; t++) {
        tasks.push(
          limit(async () => {
            const trial = stop.signal.aborted
              ? cancelledTrial(t)
              : await runTrial(entry.suite, caseEntry.case, t, { providerFor, policy, timeoutMs, signal: stop.signal }).catch((err: unknown) => {
                  // Only fatal errors reach here: remember the first and stop the run.
                  fatal ??= err;
                  stop.abort(err);
                  return cancelledTrial(t);
                });
            caseEntry.trials[t] = trial;
            done++;
            options.onTrial?.({ suite: entry.suite.name, caseId: caseEntry.case.id, trial, done, total });
          }),
        );
      }
    }
  }
  await Promise.all(tasks);
  options.signal?.removeEventListener("abort", onOuterAbort);
  if (fatal !== undefined) throw asRunError(fatal);
  return { suites: result, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started };
}

/**
 * A grader (a user's javascript module) may hang; the run must still finish and stop on Ctrl-C.
 * The grader's own work cannot be cancelled from here, only no longer waited for.
 */
function within<T>(work: Promise<T>, ms: number, signal: AbortSignal, label: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new GraderError(`${label}: did not finish within ${ms} ms`)), ms);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    });
  });
}

function asRunError(err: unknown): HarnessError {
  if (err instanceof HarnessError) return err;
  if (err instanceof ProviderError) return new RunError(`provider.${err.category}`, err.message, { hint: err.hint, cause: err });
  return new RunError("run.failed", (err as Error)?.message ?? String(err), { cause: err });
}

function cancelledTrial(index: number): TrialResult {
  return emptyTrial(index, { category: "cancelled", message: "the run was stopped before this trial finished" });
}

function emptyTrial(index: number, error: TrialError, retries = 0): TrialResult {
  return { index, output: null, passed: null, grades: [], latencyMs: null, usage: null, costUsd: null, cached: false, retries, error };
}

interface TrialContext {
  providerFor: (suite: LoadedSuite) => Promise<Provider>;
  policy: RetryPolicy;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Runs one trial. Resolves with its result, errored or not; rejects only on a fatal error. */
async function runTrial(suite: LoadedSuite, c: LoadedCase, index: number, ctx: TrialContext): Promise<TrialResult> {
  const provider = await ctx.providerFor(suite);
  const request = { messages: c.messages, vars: c.vars };
  let retries = 0;
  let response;
  for (;;) {
    const timeout = AbortSignal.timeout(ctx.timeoutMs);
    try {
      response = await provider.call(request, { signal: AbortSignal.any([ctx.signal, timeout]), trial: index });
      break;
    } catch (raw) {
      if (raw instanceof HarnessError) throw raw;
      let err = raw instanceof ProviderError ? raw : new ProviderError("provider-error", (raw as Error)?.message ?? String(raw), { cause: raw });
      // Our own timeout surfaces from the SDK as an abort; name it for what it was.
      if (timeout.aborted && !ctx.signal.aborted) err = new ProviderError("timeout", `${provider.id}: no answer within ${ctx.timeoutMs} ms`);
      if (ctx.signal.aborted) return cancelledTrial(index);
      if (err.fatal) throw err;
      if (!RETRYABLE.has(err.category) || retries >= ctx.policy.retries) {
        return emptyTrial(index, { category: err.category, message: err.message }, retries);
      }
      try {
        await sleep(backoffDelay(ctx.policy, retries, err.retryAfterMs), ctx.signal);
      } catch {
        return cancelledTrial(index);
      }
      retries++;
    }
  }

  const base = { index, output: response.output, latencyMs: response.latencyMs, usage: response.usage, costUsd: response.costUsd, cached: response.cached, retries };
  const grades = [];
  for (const spec of c.graders) {
    try {
      const pending = grade(spec, { output: response.output, vars: c.vars, latencyMs: response.latencyMs, costUsd: response.costUsd, suiteDir: suite.dir });
      grades.push(await within(pending, ctx.timeoutMs, ctx.signal, spec.type));
    } catch (err) {
      if (ctx.signal.aborted) return { ...base, passed: null, grades, error: { category: "cancelled", message: "the run was stopped while this trial was being graded" } };
      const message = err instanceof GraderError ? err.message : `${spec.type}: ${(err as Error)?.message ?? String(err)}`;
      return { ...base, passed: null, grades, error: { category: "grader-error", message } };
    }
  }
  return { ...base, passed: grades.every((g) => g.pass), grades, error: null };
}
