/**
 * Whether calls get through to one provider, as this run has found. A provider that is down or
 * misnamed would otherwise cost every trial its whole backoff (about 7 s at the default
 * retries) before the run had errored enough to stop: 3 minutes for 10,000 trials at a
 * closed port. A short outage in a provider that has answered must still be ridden out by
 * retries, as before: erroring every trial at once would stop a long run for a blip.
 *
 * The runner keeps two per provider, as there are two ways not to get through: not connecting,
 * and a 429 at every call. A provider that answers 429 to every call (a key with no quota left,
 * a limit far below -j) cost each trial its retries and their Retry-After waits too, four trials
 * per call allowed in flight at a time: 3 minutes at Retry-After 5 for 3,000 trials, about 2
 * hours at Retry-After 60 for 10,000. Now it costs one trial's retries, whatever the run's size.
 */
import { UNREACHABLE_PATIENCE_MS } from "../defaults.js";

export class Reachability {
  private reached = false;
  /** When a trial used up its retries without getting through, since a call last got through. */
  private downSince: number | undefined;

  constructor(
    private readonly patienceMs = UNREACHABLE_PATIENCE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A call got through: for connecting, an answer or any error a server sent; past the rate limit, an answer. */
  gotThrough(): void {
    this.reached = true;
    this.downSince = undefined;
  }

  /** A trial tried every retry and never got through. */
  gaveUp(): void {
    this.downSince ??= this.now();
  }

  /**
   * Whether a call that did not get through should end its trial at once, without retries: once
   * a trial has given up on a provider no call in this run has got through to (a wrong address,
   * a server not started, no network, no quota), or on one nothing has got through to for
   * longer than the patience.
   */
  get hopeless(): boolean {
    return this.neverGotThrough || (this.downSince !== undefined && this.now() - this.downSince >= this.patienceMs);
  }

  /** A trial has given up, and no call in this run has got through: most likely a setting, not an outage. */
  get neverGotThrough(): boolean {
    return this.downSince !== undefined && !this.reached;
  }
}
