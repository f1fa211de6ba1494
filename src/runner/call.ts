/** One provider call with the run's timeout, bounded retries and backoff. The only retry loop there is. */
import type { TrialError } from "../core/types.js";
import { HarnessError } from "../errors.js";
import { ProviderError, RETRYABLE, type Provider, type ProviderRequest, type ProviderResponse } from "../providers/types.js";
import type { AdaptiveLimit } from "./adaptive-limit.js";
import type { RateLimitWaits } from "./rate-limit-waits.js";
import type { Reachability } from "./reachability.js";
import { backoffDelay, sleep, type RetryPolicy } from "./retry.js";
import { startTimeLimit } from "./time-limit.js";

export interface CallContext {
  policy: RetryPolicy;
  /** The provider's calls in flight, adapted to its 429s and rate-limit headers; none in unit tests of this loop. */
  gate?: AdaptiveLimit;
  /** Whether the provider can be reached, shared by its calls: past hope, a call that cannot connect is not retried. */
  reach?: Reachability;
  /** Whether calls get past the provider's rate limit, shared by its calls: past hope, a 429 is not retried. */
  pastLimit?: Reachability;
  /** Told when the provider's rate limit holds its calls back (a Retry-After, a used-up window), to say so. */
  waits?: RateLimitWaits;
  timeoutMs: number;
  /** The run's signal: aborting it ends the call as "cancelled". */
  signal: AbortSignal;
}

export type CallOutcome = { ok: true; response: ProviderResponse; retries: number } | { ok: false; error: TrialError; retries: number };

/**
 * Resolves with the answer or with a classified error. Rejects only when no further
 * call can succeed (a fatal ProviderError, e.g. no key) or on bad input (a HarnessError).
 */
export async function callWithRetries(provider: Provider, request: ProviderRequest, trial: number, ctx: CallContext): Promise<CallOutcome> {
  let retries = 0;
  for (;;) {
    let release: (() => void) | undefined;
    try {
      release = await ctx.gate?.acquire(ctx.signal);
    } catch {
      return { ok: false, error: CANCELLED, retries };
    }
    // The timeout starts once the call may start: time spent queued for a slot is not the provider's.
    const call = startTimeLimit(ctx.signal, ctx.timeoutMs);
    try {
      const response = await provider.call(request, { signal: call.signal, trial, timeoutMs: ctx.timeoutMs });
      // The gate pauses every call until the window resets, and tells the waits once a call is held by it.
      ctx.gate?.succeeded(response.exhaustedForMs);
      // A replay from fixtures says nothing of whether the provider can be reached.
      if (!response.cached) {
        ctx.reach?.gotThrough();
        ctx.pastLimit?.gotThrough();
      }
      return { ok: true, response, retries };
    } catch (raw) {
      if (raw instanceof HarnessError) throw raw;
      let err = raw instanceof ProviderError ? raw : new ProviderError("provider-error", (raw as Error)?.message ?? String(raw), { cause: raw });
      // Our own timeout surfaces from the SDK as an abort; name it for what it was.
      if (call.timedOut && !ctx.signal.aborted) err = new ProviderError("timeout", `${provider.id}: no answer within ${ctx.timeoutMs} ms`);
      if (ctx.signal.aborted) return { ok: false, error: CANCELLED, retries };
      if (err.fatal) throw err;
      const limited = err.category === "rate-limit";
      if (limited) ctx.gate?.rateLimitedBy(err.exhaustedForMs);
      if (!err.unreachable) ctx.reach?.gotThrough();
      const hopeless = err.unreachable ? ctx.reach?.hopeless : limited && ctx.pastLimit?.hopeless;
      if (hopeless || !RETRYABLE.has(err.category) || retries >= ctx.policy.retries) {
        if (err.unreachable) ctx.reach?.gaveUp();
        if (limited) ctx.pastLimit?.gaveUp();
        return { ok: false, error: { category: err.category, message: err.message }, retries };
      }
      // The wait holds no slot: other trials keep the provider busy meanwhile.
      release?.();
      const delay = backoffDelay(ctx.policy, retries, err.retryAfterMs);
      if (limited) ctx.waits?.held(delay, "429");
      try {
        await sleep(delay, ctx.signal);
      } catch {
        return { ok: false, error: CANCELLED, retries };
      }
      retries++;
    } finally {
      call.end();
      release?.();
    }
  }
}

export const CANCELLED: TrialError = { category: "cancelled", message: "the run was stopped before this trial finished" };
