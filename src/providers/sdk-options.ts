/** What both SDK clients are told at each call, beyond the request itself. */
import { DEFAULT_TIMEOUT_MS } from "../defaults.js";
import type { CallOptions } from "./types.js";

/**
 * A call's request options for either SDK: its signal, and the run's time limit as the SDK's
 * own timeout. The runner's timer, started first, still ends the call; the SDK's at the same
 * limit only keeps its 10-minute default from ending it sooner, and keeps the Anthropic client
 * from refusing a max_tokens it guesses would take longer than that.
 */
export function requestOptions(options: Pick<CallOptions, "signal" | "timeoutMs">): { signal: AbortSignal; timeout: number } {
  return { signal: options.signal, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
}
