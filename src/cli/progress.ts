/**
 * What a run shows on standard error while it goes, for eval and compare alike.
 *
 * On a terminal: one line redrawn in place (trials done, errored, time, a wait on a rate limit
 * or a batch still running). Elsewhere (a CI log, a pipe), where a redrawn line is nothing but
 * noise at the end: a plain line now and then, at a pace that slows as the run goes on
 * (`progressGap`), and nothing at all for a run that ends within the first 15 s. In both, a wait
 * on a rate limit and a warning get lines of their own. -q shows no progress and no waits;
 * warnings still print.
 */
import type { RunOptions, RateLimitWait } from "../runner/run.js";
import type { BatchEvent } from "../runner/batch.js";
import { describeBatchEvent } from "./batch.js";
import { elapsed, seconds } from "./durations.js";
import type { CliIo } from "./io.js";
import { progressGap, progressPace, type ProgressPace } from "./progress-pace.js";

/** A wait on a rate limit, as its line says it. */
export function describeRateLimitWait(w: RateLimitWait): string {
  const who = w.role === "judge" ? `judge ${w.provider}` : w.provider;
  // At -j 1 there is nothing to cut.
  const limit = w.max === 1 ? " at -j 1" : w.concurrency < w.max ? `, -j cut to ${w.concurrency} of ${w.max}` : "";
  return w.cause === "429"
    ? `harness: ${who} answered 429 (rate limit); waiting ${seconds(w.waitMs)}${limit}`
    : `harness: ${who}'s rate-limit window is used up; its calls wait ${seconds(w.waitMs)} for the reset${limit}`;
}

/** Where the log's progress lines say the time: each ends its sentence or its first part so. */
const LOG_TIME = / elapsed(;|$)/;

/**
 * A progress line of a log (not a warning, nor a wait said once): routine, and of no use to
 * someone reading why a run ended, who would find them in place of the lines that say it.
 */
export function isProgressLogLine(line: string): boolean {
  return line.startsWith("harness: ") && !line.startsWith("harness: warning: ") && LOG_TIME.test(line);
}

type Batch = { provider: string; state: "sending"; requests: number } | { provider: string; state: "running"; id: string; done?: number; total?: number };

/** A terminal's line is redrawn at most this often on trials, and at least once a second (for the time). */
const REDRAW_MS = 50;
const TICK_MS = 1000;

export class RunProgress {
  readonly pace: ProgressPace;
  private readonly mode: "off" | "line" | "log";
  private readonly started: number;
  private label: string | undefined;
  private done = 0;
  private total = 0;
  private errored = 0;
  /** Rate-limit waits going on, by provider and role. */
  private readonly holds = new Map<string, { wait: RateLimitWait; until: number }>();
  private readonly lastSaid = new Map<string, number>();
  private readonly batches = new Map<string, Batch>();
  private timer: NodeJS.Timeout | undefined;
  private drawn = "";
  private drawnAt = 0;
  private ended = false;

  constructor(
    private readonly io: CliIo,
    quiet: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.pace = progressPace(io.env);
    this.mode = quiet ? "off" : io.stderr.isTTY === true ? "line" : "log";
    this.started = now();
    if (this.mode === "log") this.schedule(this.pace.firstMs);
    if (this.mode === "line") {
      this.timer = setInterval(() => this.draw(), TICK_MS);
      this.timer.unref?.();
    }
    // Ctrl-C: the line goes at once, before "stopping" is said, and is not drawn again; drawn
    // while the run winds down, it showed what no longer held (a wait the stop had cancelled).
    // Quiet, there is no line to clear: no listener is left on the signal by a progress never stopped (review's).
    if (this.mode !== "off") io.signal?.addEventListener("abort", this.onAbort, { once: true });
    // Stopped before this run began (while its suites loaded): nothing is drawn at all.
    if (io.signal?.aborted) this.stop();
  }

  private readonly onAbort = () => this.stop();

  /** The run's hooks for trials, warnings and waits. */
  hooks(): Pick<RunOptions, "onTrial" | "onWarning" | "onRateLimitWait" | "rateLimitWaitMs"> {
    return {
      onWarning: (text) => this.say(`harness: warning: ${text}`),
      ...(this.mode === "off"
        ? {}
        : {
            onTrial: ({ trial, done, total }) => {
              if (trial.error && trial.error.category !== "cancelled") this.errored++;
              this.done = done;
              this.total = total;
              if (this.mode === "line" && this.now() - this.drawnAt >= REDRAW_MS) this.draw();
            },
            onRateLimitWait: (w) => this.rateLimited(w),
            rateLimitWaitMs: this.pace.rateLimitWaitMs,
          }),
    };
  }

  /** A run of `total` trials starts: compare's next model, named `label`. */
  section(label: string | undefined, total: number): void {
    this.label = label;
    this.total = total;
    this.done = 0;
    this.errored = 0;
    this.holds.clear();
    this.draw();
  }

  /** A batch's event: its state shows on the progress line; what it did, on a line of its own. */
  batch(e: BatchEvent): void {
    if (e.kind === "sending") this.batches.set(e.provider, { provider: e.provider, state: "sending", requests: e.requests });
    if (e.kind === "submitted" || e.kind === "resumed" || e.kind === "found") {
      this.batches.delete(e.provider);
      this.batches.set(e.batchId, { provider: e.provider, state: "running", id: e.batchId });
    }
    if (e.kind === "progress") this.batches.set(e.batchId, { provider: e.provider, state: "running", id: e.batchId, done: e.done, total: e.total });
    if (e.kind === "collected") this.batches.delete(e.batchId);
    if (e.kind === "failed") this.batches.delete(e.provider);
    // Every poll on a line of its own filled a day-long batch's log with 1,400 of them.
    if (e.kind === "progress") this.draw();
    else this.say(describeBatchEvent(e));
  }

  /** A line of its own, the terminal's progress line cleared first and drawn again below it. */
  say(line: string): void {
    if (this.mode === "line" && this.drawn) this.io.stderr.write("\r\x1b[K");
    this.io.stderr.write(`${line}\n`);
    this.drawn = "";
    this.draw();
  }

  /** The run has ended: the terminal's line is cleared, and no more lines come. */
  stop(): void {
    this.ended = true;
    this.io.signal?.removeEventListener("abort", this.onAbort);
    if (this.mode === "line") clearInterval(this.timer);
    else clearTimeout(this.timer);
    this.timer = undefined;
    if (this.drawn) this.io.stderr.write("\r\x1b[K");
    this.drawn = "";
  }

  private rateLimited(w: RateLimitWait): void {
    // The run has ended or been stopped: whatever it still hears of a wait, no call of it waits.
    if (this.ended) return;
    const key = `${w.role}\u0000${w.provider}`;
    const t = this.now();
    this.holds.set(key, { wait: w, until: t + w.waitMs });
    // Longer than said: shown for as long as it lasts, but not said again.
    if (w.continued) return this.draw();
    // Waits that follow one another closely are said at the pace of the progress lines; the line says they go on.
    const last = this.lastSaid.get(key);
    if (last !== undefined && t - last < progressGap(t - this.started, this.pace)) return this.draw();
    this.lastSaid.set(key, t);
    this.say(describeRateLimitWait(w));
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.io.stderr.write(`harness: ${this.status("log")}\n`);
      this.schedule(progressGap(this.now() - this.started, this.pace));
    }, ms);
    this.timer.unref?.();
  }

  private draw(): void {
    if (this.mode !== "line" || this.timer === undefined) return;
    // A pseudo-terminal with no size set says 0.
    const columns = this.io.stderr.columns || 80;
    const text = this.status("line").slice(0, Math.max(20, columns - 1));
    this.io.stderr.write(`\r${text}\x1b[K`);
    this.drawn = text;
    this.drawnAt = this.now();
  }

  /** What the run is doing: for a log, a sentence; for the terminal's line, its parts. */
  private status(mode: "log" | "line"): string {
    const t = this.now();
    const time = elapsed(t - this.started);
    const batches = [...this.batches.values()];
    if (batches.length > 0) {
      const said = batches.map((b) =>
        b.state === "sending"
          ? `sending ${b.requests} request(s) to ${b.provider}'s batch API`
          : `batch ${b.id} of ${b.provider} ${mode === "log" ? "still running" : "running"}${b.done === undefined ? "" : ` (${b.done} of ${b.total} done)`}`,
      );
      return mode === "log" ? `${said.join("; ")}; ${time} elapsed` : [...said, time].join(" · ");
    }
    const held = [...this.holds.values()].filter((h) => h.until > t);
    const lead = this.label ? `${this.label}: ` : "";
    if (mode === "log") {
      const waits = held.map((h) => {
        // The limit now: it climbs back, or is cut again, while the wait goes on.
        const limit = h.wait.concurrencyNow?.() ?? h.wait.concurrency;
        return `; ${h.wait.role === "judge" ? "judge " : ""}${h.wait.provider} held back by its rate limit${limit < h.wait.max ? ` (-j cut to ${limit} of ${h.wait.max})` : ""}`;
      });
      return `${lead}${this.done}/${this.total} trials done, ${this.errored} errored, ${time} elapsed${waits.join("")}`;
    }
    const waits = held.map((h) => `${h.wait.role === "judge" ? "judge " : ""}${h.wait.provider} rate-limited, ${seconds(h.until - t)} left`);
    return [`${lead}${this.done}/${this.total} trials`, `${this.errored} errored`, time, ...waits].join(" · ");
  }
}
