/**
 * When a provider's calls start being held back by its rate limit, for a front end to say so:
 * a Retry-After of a minute can hold a run with nothing else to show for it.
 */

/** A provider's calls are held back by its rate limit: a wait began. */
export interface RateLimitWait {
  /** e.g. "openai:gpt-4o-mini". */
  provider: string;
  /** Whose calls: the suites' model, or a judge's. */
  role: "target" | "judge";
  /** How long this wait lasts, in ms: the server's Retry-After (or the backoff, without one), or a used-up window's reset. */
  waitMs: number;
  /** "429": a call was answered 429; "window": the provider's rate-limit headers said a window is used up, and every call waits for its reset. */
  cause: "429" | "window";
  /** Calls allowed in flight to this provider now (cut after a 429), and the -j it may climb back to. */
  concurrency: number;
  max: number;
  /** Calls allowed in flight as the wait goes on (answers lift it, more 429s cut it), for a front end that shows the wait while it lasts. */
  concurrencyNow?: () => number;
  /** The wait already said was made longer (more calls answered 429 since): not a new wait to say, but it goes on until waitMs from now. */
  continued?: true;
}

/**
 * Tells `report` once per wait of at least `minMs`: waits that overlap are one (twenty calls
 * answered 429 in one burst, each told to wait a minute, are one wait), so a provider that
 * throttles every call is said once for as long as it does. A wait made longer is told too, as
 * `continued`, so that a front end showing the hold keeps showing it for as long as it lasts.
 * Shorter waits are not said: the retries ride them out before anyone could read about them.
 */
export class RateLimitWaits {
  private until = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly who: Pick<RateLimitWait, "provider" | "role" | "max">,
    private readonly concurrency: () => number,
    private readonly minMs: number,
    private readonly report: (wait: RateLimitWait) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Calls will be held back `ms` from now. */
  held(ms: number, cause: RateLimitWait["cause"]): void {
    if (!(ms >= this.minMs)) return;
    const t = this.now();
    const fresh = t >= this.until;
    const longer = t + ms > this.until;
    this.until = Math.max(this.until, t + ms);
    const wait = { ...this.who, waitMs: ms, cause, concurrency: this.concurrency(), concurrencyNow: this.concurrency };
    if (fresh) this.report(wait);
    else if (longer) this.report({ ...wait, continued: true });
  }
}
