/**
 * Whether one provider can be reached, as this run has found. A provider that is down or
 * misnamed would otherwise cost every trial its whole backoff (about 7 s at the default
 * retries) before the run had errored enough to stop: 3 minutes for 10,000 trials at a
 * closed port. A short outage in a provider that has answered must still be ridden out by
 * retries, as before: erroring every trial at once would stop a long run for a blip.
 */
import { UNREACHABLE_PATIENCE_MS } from "../defaults.js";

export class Reachability {
  private reached = false;
  /** When a trial used up its retries without connecting, since a call last got through. */
  private downSince: number | undefined;

  constructor(
    private readonly patienceMs = UNREACHABLE_PATIENCE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A call reached the provider: an answer, or any error a server sent. */
  gotThrough(): void {
    this.reached = true;
    this.downSince = undefined;
  }

  /** A trial tried every retry and never connected. */
  gaveUp(): void {
    this.downSince ??= this.now();
  }

  /**
   * Whether a call that could not connect should end its trial at once, without retries: once
   * a trial has given up on a provider no call in this run has reached (a wrong address, a
   * server not started, no network), or on one unreachable for longer than the patience.
   */
  get hopeless(): boolean {
    return this.neverReached || (this.downSince !== undefined && this.now() - this.downSince >= this.patienceMs);
  }

  /** A trial has given up, and no call in this run has got through: most likely a setting, not an outage. */
  get neverReached(): boolean {
    return this.downSince !== undefined && !this.reached;
  }
}
