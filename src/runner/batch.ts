/**
 * eval --batch: before the trials run, each model's unrecorded requests go to the provider's
 * own batch API (half the price, run on the provider's side), and the runner polls until the
 * batch ends. The answers are then served to the trials as if called live, so grading,
 * fixtures and the journal work unchanged; a request the batch did not answer runs live.
 *
 * The batch's id is kept in a small state file until the run completes: run the same command
 * again after Ctrl-C or a crash, and it picks the batch up instead of sending it twice.
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { hashOf } from "../core/hash.js";
import type { LoadedSuite, ProviderRef } from "../core/types.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { ProviderError, RETRYABLE, type BatchEntry, type Provider } from "../providers/types.js";
import { DEFAULT_BATCH_POLL_MS } from "../defaults.js";
import { sleep } from "./retry.js";

export interface BatchOptions {
  /** Where batch ids are kept until their run completes (default .harness/batches). */
  stateDir: string;
  /** First wait between polls in ms (default 5 000); it grows by half each time, up to maxPollMs. */
  pollMs?: number;
  /** Longest wait between polls (default 60 000). */
  maxPollMs?: number;
  /** Told when a batch is sent or picked up, polled, and collected, for the CLI to show. */
  onEvent?: (event: BatchEvent) => void;
}

export type BatchEvent =
  | { kind: "submitted" | "resumed"; provider: string; batchId: string; requests: number }
  | { kind: "progress"; provider: string; batchId: string; done: number; total: number }
  | { kind: "collected"; provider: string; batchId: string; answers: number; requests: number };

export const DEFAULT_BATCH_MAX_POLL_MS = 60_000;
/** Polls in a row that may fail (429, 5xx, network) before the run gives up on the batch. */
const MAX_POLL_FAILURES = 5;

/**
 * Sends, polls and collects one batch per model. Resolves with the state files to remove once
 * the run has completed; on abort it resolves early, leaving them for the next run.
 */
export async function prefetchBatches(
  suites: readonly LoadedSuite[],
  providerFor: (ref: ProviderRef) => Promise<Provider>,
  isKept: (suite: LoadedSuite, caseIndex: number, trial: number) => boolean,
  options: BatchOptions,
  signal: AbortSignal,
): Promise<string[]> {
  const byProvider = new Map<string, { ref: ProviderRef; entries: BatchEntry[] }>();
  for (const suite of suites) {
    const key = hashOf(suite.provider);
    const group = byProvider.get(key) ?? { ref: suite.provider, entries: [] };
    byProvider.set(key, group);
    suite.cases.forEach((c, ci) => {
      for (let t = 0; t < suite.trials; t++) if (!isKept(suite, ci, t)) group.entries.push({ request: { messages: c.messages, vars: c.vars }, trial: t });
    });
  }
  const stateFiles: string[] = [];
  await Promise.all(
    [...byProvider.values()].map(async ({ ref, entries }) => {
      const provider = await providerFor(ref);
      if (!provider.batch || signal.aborted) return; // exec: no batch API, its trials run as usual
      const runner = provider.batch;
      const needed = await runner.needed(entries);
      if (needed.length === 0) return;
      // Identical requests for the same trial index are one batch request.
      const unique = [...new Map(needed.map((n) => [n.customId, n])).values()];
      const file = path.join(options.stateDir, `${provider.id.replace(/[^A-Za-z0-9._-]/g, "_")}-${hashOf(unique.map((u) => u.customId).sort(), 16)}.json`);
      stateFiles.push(file);
      let batchId = await readState(file);
      // A batch the provider no longer knows (deleted, or past its retention) is sent anew.
      if (batchId && !(await stillKnown(() => runner.check(batchId!, signal)))) batchId = undefined;
      if (batchId) options.onEvent?.({ kind: "resumed", provider: provider.id, batchId, requests: unique.length });
      else {
        batchId = await runner.submit(unique, signal);
        await writeFileAtomic(file, `${JSON.stringify({ provider: provider.id, batchId, requests: unique.length, submittedAt: new Date().toISOString() }, null, 2)}\n`, "batch state");
        options.onEvent?.({ kind: "submitted", provider: provider.id, batchId, requests: unique.length });
      }
      let wait = options.pollMs ?? DEFAULT_BATCH_POLL_MS;
      let failures = 0;
      for (;;) {
        let status;
        try {
          status = await runner.check(batchId, signal);
          failures = 0;
        } catch (err) {
          // A poll that fails for a passing reason is tried again; the batch itself is unharmed.
          if (signal.aborted) return;
          if (!(err instanceof ProviderError) || !RETRYABLE.has(err.category) || ++failures > MAX_POLL_FAILURES) throw err;
          status = { ended: false, done: 0, total: unique.length };
        }
        options.onEvent?.({ kind: "progress", provider: provider.id, batchId, done: status.done, total: status.total });
        if (status.ended) break;
        try {
          await sleep(wait, signal);
        } catch {
          return; // interrupted: the batch goes on at the provider, and its id stays on disk
        }
        wait = Math.min(options.maxPollMs ?? DEFAULT_BATCH_MAX_POLL_MS, wait * 1.5);
      }
      const answers = await runner.collect(batchId, signal);
      options.onEvent?.({ kind: "collected", provider: provider.id, batchId, answers, requests: unique.length });
    }),
  );
  return stateFiles;
}

async function stillKnown(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch (err) {
    if (err instanceof ProviderError && err.category === "bad-request") return false;
    throw err;
  }
}

async function readState(file: string): Promise<string | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const id = (JSON.parse(text) as { batchId?: unknown }).batchId;
    return typeof id === "string" && id !== "" ? id : undefined;
  } catch {
    // A torn state file: the batch is sent again, which costs money but loses nothing.
    return undefined;
  }
}

/** Once the run has completed, its batches are done with. */
export async function forgetBatches(files: readonly string[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f, { force: true })));
}
