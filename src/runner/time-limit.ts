/** One call's own signal: ended by the run's signal, or by the call's time limit. */
import { onAbort } from "./on-abort.js";

export interface TimeLimit {
  /** Given to the call: aborts when the run's signal does, or once the limit has passed. */
  readonly signal: AbortSignal;
  /** Whether it was the limit that ended the call, not the run. */
  readonly timedOut: boolean;
  /** The call is over: stops the timer and stops watching the run's signal. */
  end(): void;
}

/**
 * A short-lived signal per call, tied to the run's: the SDKs add an abort listener to the signal
 * they are given and never remove it, so handing them the run's own signal kept every call's
 * request alive until the run ended (4 KB a trial, 400 MB at 100,000).
 */
export function startTimeLimit(run: AbortSignal, ms: number): TimeLimit {
  const call = new AbortController();
  let timedOut = false;
  const untrack = onAbort(run, () => call.abort(run.reason));
  const timer = setTimeout(() => {
    timedOut = true;
    call.abort(new DOMException("the call timed out", "TimeoutError"));
  }, ms);
  return {
    signal: call.signal,
    get timedOut() {
      return timedOut;
    },
    end() {
      clearTimeout(timer);
      untrack();
    },
  };
}
