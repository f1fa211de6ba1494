/**
 * Calls in flight to one provider, adapted to what the provider says: fewer after a 429
 * (multiplicative decrease, at most once per window, so one burst of 429s counts once), one
 * more after each run of successes (additive increase, as TCP does), and none at all while a
 * rate-limit window is used up. Never more than the -j the user gave.
 *
 * A trial waiting out a Retry-After holds no slot here, so the others keep the provider busy.
 */
import type { ClimbedBack } from "../core/types.js";
import { onAbort } from "./on-abort.js";

export interface AdaptiveLimitOptions {
  /** The ceiling: -j. */
  max: number;
  /** Share of the limit kept after a 429 (default 0.7). */
  decrease?: number;
  /** A second 429 within this many ms of a decrease does not decrease again (default 1000). */
  windowMs?: number;
  /** The longest a used-up window may pause every call (default 60 000, as the longest retry wait): a reset hours away must not stall a run silently. */
  maxPauseMs?: number;
  /**
   * Told when a pause starts holding a call back, with the time it has left, and again when it
   * is made longer while one waits: an answer that uses up a window no later call waits for (the
   * run's last) holds nothing, and is no wait to speak of.
   */
  onHold?: (ms: number, cause: "429" | "window") => void;
  now?: () => number;
}

interface Waiter {
  resolve: () => void;
  /** Stops watching the signal once the slot is given. */
  forget: () => void;
}

export class AdaptiveLimit {
  private limit: number;
  private inFlight = 0;
  private pausedUntil = 0;
  /** What paused calls last: a 429 whose headers said the window is used up, or an answer's. */
  private pauseCause: "429" | "window" = "window";
  /** The end of the pause onHold was last told of. */
  private heldUntil = 0;
  private lastDecrease = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters: Waiter[] = [];
  private readonly max: number;
  private readonly decrease: number;
  private readonly windowMs: number;
  private readonly maxPauseMs: number;
  private readonly onHold: AdaptiveLimitOptions["onHold"];
  private readonly now: () => number;
  /** The lowest the limit fell to, for reports. */
  lowest: number;
  /** The highest the limit rose to since it last stood at its lowest. */
  private since: number;
  /** 429s seen. */
  rateLimited = 0;

  constructor(options: AdaptiveLimitOptions) {
    this.max = Math.max(1, Math.floor(options.max));
    this.limit = this.max;
    this.lowest = this.max;
    this.since = this.max;
    this.decrease = options.decrease ?? 0.7;
    this.windowMs = options.windowMs ?? 1000;
    this.maxPauseMs = options.maxPauseMs ?? 60_000;
    this.onHold = options.onHold;
    this.now = options.now ?? Date.now;
  }

  /**
   * How far the limit climbed back after it last stood at its lowest, for reports: to -j again,
   * part of the way, or not at all (no answer came, or too few to lift it by a whole call).
   */
  get climbedBack(): ClimbedBack {
    return this.since >= this.max ? "fully" : this.since > this.lowest ? "partly" : "no";
  }

  /** Calls allowed in flight now. */
  get current(): number {
    return Math.floor(this.limit);
  }

  /** Waits for a slot; the returned function gives it back. Rejects when `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    // A free slot and no one ahead: taken at once, with nothing to watch for the wait.
    if (this.waiters.length === 0 && this.inFlight < this.current && this.pausedUntil <= this.now()) {
      this.inFlight++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        forget: onAbort(signal, () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          // Nobody left to wake: a pending timer must not hold the process open.
          if (this.waiters.length === 0 && this.timer) {
            clearTimeout(this.timer);
            this.timer = undefined;
          }
          reject(signal.reason);
        }),
      };
      this.waiters.push(waiter);
      this.drain();
    }).then(() => this.releaser());
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.drain();
    };
  }

  /** An answer came; `exhaustedForMs` when the provider's headers say a window is used up. */
  succeeded(exhaustedForMs?: number): void {
    this.limit = Math.min(this.max, this.limit + 1 / this.limit);
    this.since = Math.max(this.since, this.current);
    if (exhaustedForMs !== undefined && exhaustedForMs > 0) this.pause(exhaustedForMs, "window");
    this.drain();
  }

  /** A 429. `pauseMs` only when the provider said every call must wait (a used-up window). */
  rateLimitedBy(pauseMs?: number): void {
    this.rateLimited++;
    const t = this.now();
    if (t - this.lastDecrease >= this.windowMs) {
      this.limit = Math.max(1, this.limit * this.decrease);
      if (this.current <= this.lowest) this.lowest = this.since = this.current;
      this.lastDecrease = t;
    }
    if (pauseMs !== undefined && pauseMs > 0) {
      this.pause(pauseMs, "429");
      this.drain();
    }
  }

  private pause(ms: number, cause: "429" | "window"): void {
    const until = this.now() + Math.min(ms, this.maxPauseMs);
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.pauseCause = cause;
  }

  private drain(): void {
    const wait = this.pausedUntil - this.now();
    if (wait > 0) {
      if (this.waiters.length > 0 && this.pausedUntil > this.heldUntil) {
        this.heldUntil = this.pausedUntil;
        this.onHold?.(wait, this.pauseCause);
      }
      if (!this.timer && this.waiters.length > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.drain();
        }, wait);
      }
      return;
    }
    while (this.waiters.length > 0 && this.inFlight < this.current) {
      const w = this.waiters.shift()!;
      w.forget();
      this.inFlight++;
      w.resolve();
    }
  }
}
