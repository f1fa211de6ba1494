/** Retry policy: bounded attempts, exponential backoff with jitter, and the server's Retry-After when it gives one. */

import { DEFAULT_RETRIES } from "../defaults.js";
import { onAbort } from "./on-abort.js";

export interface RetryPolicy {
  /** Retries after the first attempt (default 4). */
  retries: number;
  /** First backoff in ms (default 500); doubles each time. */
  baseDelayMs: number;
  /** No single wait is longer than this, whatever Retry-After says (default 60 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: DEFAULT_RETRIES, baseDelayMs: 500, maxDelayMs: 60_000 };

/**
 * Delay before retry number `attempt` (0-based), with "equal jitter": between half the
 * ceiling and all of it. The jitter spreads calls apart after a shared 429; the half kept
 * means a retry after a 5xx or a dropped connection never comes straight back, as full
 * jitter (0 to the ceiling) may, and the adaptive limit already spreads a crowd of calls.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined, random = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(policy.maxDelayMs, retryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      forget();
      resolve();
    }, ms);
    const forget = onAbort(signal, () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
