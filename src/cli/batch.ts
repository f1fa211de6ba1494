/** The CLI's side of eval --batch: where batch ids are kept, and what the user is told while it waits. */
import path from "node:path";
import { DEFAULT_BATCH_POLL_MS, DEFAULT_BATCH_STATE_DIR, MAX_TIMEOUT_MS } from "../defaults.js";
import { UsageError } from "../errors.js";
import type { BatchEvent, BatchOptions } from "../runner/batch.js";
import { wholeNumber } from "./flag-numbers.js";
import type { EvalFlags } from "./index.js";
import type { CliIo } from "./io.js";
import { seconds } from "./durations.js";

/**
 * `onEvent`: where the batch's events go (the run's progress, which says them). -q says none but
 * a batch that could not be sent: that is a warning (its trials run live, at full price), and
 * -q keeps warnings.
 */
export function batchOptions(flags: Pick<EvalFlags, "batchPoll" | "quiet">, io: CliIo, onEvent: (e: BatchEvent) => void): BatchOptions {
  const pollMs = flags.batchPoll === undefined ? DEFAULT_BATCH_POLL_MS : wholeNumber(flags.batchPoll);
  if (!Number.isInteger(pollMs) || pollMs < 1 || pollMs > MAX_TIMEOUT_MS) throw new UsageError(`--batch-poll expects a whole number of ms ≥ 1 and ≤ ${MAX_TIMEOUT_MS.toLocaleString("en-US")}, got "${flags.batchPoll}"`);
  const quietly = (e: BatchEvent) => {
    if (e.kind === "failed") io.stderr.write(`${describeBatchEvent(e)}\n`);
  };
  return { stateDir: path.resolve(io.cwd, DEFAULT_BATCH_STATE_DIR), pollMs, onEvent: flags.quiet ? quietly : onEvent };
}

/** A batch event as a line of its own (without its line break). */
export function describeBatchEvent(e: BatchEvent): string {
  switch (e.kind) {
    case "submitted":
      return `Batch ${e.batchId}: sent ${e.requests} request(s) to ${e.provider}; waiting for it to end (Ctrl-C is safe: run the same command again to pick it up).`;
    case "found":
      return `Batch ${e.batchId}: sending it failed (${e.message}), but ${e.provider} had created it; waiting for it to end rather than paying for its ${e.requests} request(s) twice.`;
    case "resumed":
      return `Batch ${e.batchId}: picking up ${e.requests} request(s) sent to ${e.provider} by an earlier run.`;
    case "sending":
      return `Sending ${e.requests} request(s) to ${e.provider}'s batch API…`;
    case "progress":
      return `Batch ${e.batchId}: ${e.done} of ${e.total} done.`;
    case "retrying":
      return `Batch ${e.batchId}: ${e.step} failed (${e.message}); trying again in ${seconds(e.retryInMs)}.`;
    case "collected":
      return `Batch ${e.batchId}: ${e.answers} of ${e.requests} answered${e.answers < e.requests ? "; the rest run live" : ""}.`;
    case "failed":
      return `harness: warning: the batch for ${e.provider} could not be sent (${e.message}); its trials run live.`;
  }
}
