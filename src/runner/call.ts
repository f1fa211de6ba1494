/** One provider call with the run's timeout, bounded retries and backoff. The only retry loop there is. */
import type { TrialError } from "../core/types.js";
import { HarnessError } from "../errors.js";
import { ProviderError, RETRYABLE, type Provider, type ProviderRequest, type ProviderResponse } from "../providers/types.js";
import { backoffDelay, sleep, type RetryPolicy } from "./retry.js";

export interface CallContext {
  policy: RetryPolicy;
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
    const timeout = AbortSignal.timeout(ctx.timeoutMs);
    try {
      const response = await provider.call(request, { signal: AbortSignal.any([ctx.signal, timeout]), trial });
      return { ok: true, response, retries };
    } catch (raw) {
      if (raw instanceof HarnessError) throw raw;
      let err = raw instanceof ProviderError ? raw : new ProviderError("provider-error", (raw as Error)?.message ?? String(raw), { cause: raw });
      // Our own timeout surfaces from the SDK as an abort; name it for what it was.
      if (timeout.aborted && !ctx.signal.aborted) err = new ProviderError("timeout", `${provider.id}: no answer within ${ctx.timeoutMs} ms`);
      if (ctx.signal.aborted) return { ok: false, error: CANCELLED, retries };
      if (err.fatal) throw err;
      if (!RETRYABLE.has(err.category) || retries >= ctx.policy.retries) {
        return { ok: false, error: { category: err.category, message: err.message }, retries };
      }
      try {
        await sleep(backoffDelay(ctx.policy, retries, err.retryAfterMs), ctx.signal);
      } catch {
        return { ok: false, error: CANCELLED, retries };
      }
      retries++;
    }
  }
}

export const CANCELLED: TrialError = { category: "cancelled", message: "the run was stopped before this trial finished" };
