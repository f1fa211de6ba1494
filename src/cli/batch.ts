/** The CLI's side of eval --batch: where batch ids are kept, and what the user is told while it waits. */
import path from "node:path";
import { DEFAULT_BATCH_POLL_MS, DEFAULT_BATCH_STATE_DIR, MAX_TIMEOUT_MS } from "../defaults.js";
import { UsageError } from "../errors.js";
import type { BatchEvent, BatchOptions } from "../runner/batch.js";
import type { EvalFlags } from "./index.js";
import type { CliIo } from "./io.js";

export function batchOptions(flags: Pick<EvalFlags, "batchPoll" | "quiet">, io: CliIo): BatchOptions {
  const pollMs = Number(flags.batchPoll ?? DEFAULT_BATCH_POLL_MS);
  if (!Number.isInteger(pollMs) || pollMs < 1 || pollMs > MAX_TIMEOUT_MS) throw new UsageError(`--batch-poll expects a whole number of ms ≥ 1 and ≤ ${MAX_TIMEOUT_MS.toLocaleString("en-US")}, got "${flags.batchPoll}"`);
  return { stateDir: path.resolve(io.cwd, DEFAULT_BATCH_STATE_DIR), pollMs, ...(flags.quiet ? {} : { onEvent: (e) => io.stderr.write(describe(e)) }) };
}

function describe(e: BatchEvent): string {
  switch (e.kind) {
    case "submitted":
      return `Batch ${e.batchId}: sent ${e.requests} request(s) to ${e.provider}; waiting for it to end (Ctrl-C is safe: run the same command again to pick it up).\n`;
    case "resumed":
      return `Batch ${e.batchId}: picking up ${e.requests} request(s) sent to ${e.provider} by an earlier run.\n`;
    case "sending":
      return `Sending ${e.requests} request(s) to ${e.provider}'s batch API…\n`;
    case "progress":
      return `Batch ${e.batchId}: ${e.done} of ${e.total} done.\n`;
    case "retrying":
      return `Batch ${e.batchId}: ${e.step} failed (${e.message}); trying again in ${seconds(e.retryInMs)}.\n`;
    case "collected":
      return `Batch ${e.batchId}: ${e.answers} of ${e.requests} answered${e.answers < e.requests ? "; the rest run live" : ""}.\n`;
    case "failed":
      return `harness: warning: the batch for ${e.provider} could not be sent (${e.message}); its trials run live.\n`;
  }
}

function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;
}
