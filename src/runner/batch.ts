/**
 * eval --batch: before the trials run, each model's unrecorded requests go to the provider's
 * own batch API (half the price, run on the provider's side), and the runner polls until the
 * batch ends. The answers are then served to the trials as if called live, so grading,
 * fixtures and the journal work unchanged; a request the batch did not answer runs live.
 *
 * The batch's id is kept in a small state file until the run completes: run the same command
 * again after Ctrl-C or a crash, and it picks the batch up instead of sending it twice.
 */
import { randomUUID } from "node:crypto";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { hashOf } from "../core/hash.js";
import type { LoadedSuite, ProviderRef } from "../core/types.js";
import { RunError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { ProviderError, RETRYABLE, type BatchCallOptions, type BatchEntry, type BatchRunner, type FoundBatch, type Provider, type SentBatch } from "../providers/types.js";
import { DEFAULT_BATCH_POLL_MS, DEFAULT_TIMEOUT_MS } from "../defaults.js";
import { onAbort } from "./on-abort.js";
import { sleep } from "./retry.js";
import { startTimeLimit } from "./time-limit.js";

export interface BatchOptions {
  /** Where batch ids are kept until their run completes (default .harness/batches). */
  stateDir: string;
  /** First wait between polls in ms (default 5 000); it grows by half each time, up to maxPollMs. */
  pollMs?: number;
  /** Longest wait between polls (default 60 000). */
  maxPollMs?: number;
  /**
   * How long the checks of a sent batch may keep failing (429, 5xx, no answer within the time
   * limit, the network) before the run stops waiting for it, in ms. Default: 120 first waits
   * between polls (10 minutes at the default 5 s).
   */
  patienceMs?: number;
  /** Time limit of each batch API call in ms (the run's --timeout; default 60 000); an upload gets more for its size. */
  timeoutMs?: number;
  /** Told when a batch is sent or picked up, polled, and collected, for the CLI to show. */
  onEvent?: (event: BatchEvent) => void;
}

export type BatchEvent =
  | { kind: "sending"; provider: string; requests: number }
  | { kind: "submitted" | "resumed"; provider: string; batchId: string; requests: number }
  /** Sending failed (`message`) after the provider had created the batch: found in its list, and followed. */
  | { kind: "found"; provider: string; batchId: string; requests: number; message: string }
  | { kind: "progress"; provider: string; batchId: string; done: number; total: number }
  /** A check of the batch, or the fetching of its answers, failed; it is tried again in `retryInMs`. */
  | { kind: "retrying"; provider: string; batchId: string; step: BatchStep; message: string; retryInMs: number }
  | { kind: "collected"; provider: string; batchId: string; answers: number; requests: number }
  /** The batch could not be sent: its trials run live. */
  | { kind: "failed"; provider: string; message: string };

/** What is asked of a batch once it has been sent. */
export type BatchStep = "checking its status" | "fetching its answers";

export const DEFAULT_BATCH_MAX_POLL_MS = 60_000;
/** How long checks may fail in a row, in first waits between polls (10 minutes at the default 5 s). */
const PATIENCE_IN_POLLS = 120;
/**
 * Time an upload gets on top of --timeout, per whole MB sent: 0.5 MB/s, a slow uplink. A batch may
 * carry 200 MB (OpenAI) or 256 MB (Anthropic) in one request; held to the live calls' 60 s, a
 * large one would never get through, and each attempt would end running its trials live.
 */
const UPLOAD_MS_PER_MB = 2_000;

/**
 * The run stopped following a batch it had sent: its checks kept failing. The batch goes on at
 * the provider and its id stays on disk; running its trials live now would pay for them twice.
 */
export class BatchNotFollowed extends RunError {}

/**
 * Sends, polls and collects one batch per model. Resolves with the state-file prefixes to clear
 * once the run has completed; on abort it resolves early, leaving them for the next run. A batch
 * that could not be sent is reported and its trials run live. A batch that was sent is never
 * given up for live calls while it may still be running: when its checks keep failing, this
 * rejects with a BatchNotFollowed (every batch's id is kept for the next run), for the run to
 * end not judged.
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
  // One batch lost ends the run: the others stop waiting too, their ids kept as on Ctrl-C.
  const stop = new AbortController();
  const untrack = onAbort(signal, () => stop.abort(signal.reason));
  let lost: BatchNotFollowed | undefined;
  const prefixes: string[] = [];
  await Promise.all(
    [...byProvider.values()].map(async ({ ref, entries }) => {
      const provider = await providerFor(ref);
      if (!provider.batch || stop.signal.aborted) return; // exec: no batch API, its trials run as usual
      // Two suites on one model but another baseURL or price are other batches: the ref is in the name.
      const prefix = `${provider.id.replace(/[^A-Za-z0-9._-]/g, "_")}-${hashOf(ref, 12)}-`;
      prefixes.push(prefix);
      try {
        await runBatch(provider.id, provider.batch, entries, prefix, options, stop.signal);
      } catch (err) {
        if (err instanceof BatchNotFollowed) {
          lost ??= err;
          stop.abort(err);
          return;
        }
        // Interrupted: the batch goes on at the provider and its id stays on disk for the next run.
        if (stop.signal.aborted) return;
        // Not sent: the trials run live, as they would have without --batch.
        options.onEvent?.({ kind: "failed", provider: provider.id, message: (err as Error)?.message ?? String(err) });
      }
    }),
  );
  untrack();
  if (lost) throw lost;
  return prefixes;
}

async function runBatch(providerId: string, runner: BatchRunner, entries: BatchEntry[], prefix: string, options: BatchOptions, signal: AbortSignal): Promise<void> {
  const needed = await runner.needed(entries);
  if (needed.length === 0) return;
  // Identical requests for the same trial index are one batch request.
  const unique = [...new Map(needed.map((n) => [n.customId, n])).values()];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // An earlier run's batch serves if it carried every request still needed (a resumed run needs fewer).
  const found = await findState(options.stateDir, prefix, unique.map((u) => u.customId));
  let batchId = found?.batchId;
  if (batchId === undefined && found?.sending) {
    // An earlier run stopped while its upload went unanswered (Ctrl-C, a crash, a CI timeout):
    // the provider may have created the batch, and it is looked up by its tag before another is sent.
    const { tag, since, requests } = found.sending;
    const look = await withTimeLimit(`${providerId} batch list`, timeoutMs, signal, (o) => runner.find(tag, { since, requests }, o)).catch(() => undefined);
    if (look?.kind === "found") batchId = look.batchId;
  }
  const follow = following(providerId, options, signal);
  if (batchId !== undefined) {
    try {
      await follow(batchId, "checking its status", (o) => runner.check(batchId!, o));
    } catch (err) {
      // A batch the provider no longer knows (deleted, or past its retention) is sent anew.
      if (!(err instanceof BatchNotFollowed && err.cause instanceof ProviderError && err.cause.category === "bad-request")) throw err;
      batchId = undefined;
    }
  }
  if (batchId !== undefined) {
    options.onEvent?.({ kind: "resumed", provider: providerId, batchId, requests: unique.length });
  } else {
    const file = path.join(options.stateDir, `${prefix}${hashOf(unique.map((u) => u.customId).sort(), 16)}.json`);
    const tag = randomUUID();
    const sent = { since: Date.now(), requests: unique.length };
    const state = { provider: providerId, batchId: "", tag, sendingSince: sent.since, customIds: unique.map((u) => u.customId), submittedAt: "" };
    // Written before the batch is paid for: a folder that cannot hold the id must not cost a batch
    // per run, and a run stopped before the answer came leaves the tag to look the batch up by.
    await writeFileAtomic(file, JSON.stringify(state), "batch state");
    options.onEvent?.({ kind: "sending", provider: providerId, requests: unique.length });
    const mb = Buffer.byteLength(JSON.stringify(unique.map((u) => u.request.messages))) / 1e6;
    let lost: string | undefined;
    try {
      batchId = await withTimeLimit(`${providerId} batch`, timeoutMs + Math.floor(mb) * UPLOAD_MS_PER_MB, signal, (o) => runner.submit(unique, o, tag));
    } catch (err) {
      if (signal.aborted || !mayHaveCreated(err)) throw err;
      // The provider may have created the batch before its answer was lost: run live now, and
      // both would be paid for. Its own list of batches says whether it did.
      lost = (err as Error).message;
      batchId = await lookUp(providerId, runner, tag, sent, { timeoutMs, pollMs: options.pollMs ?? DEFAULT_BATCH_POLL_MS }, signal, err);
    }
    await writeFileAtomic(file, JSON.stringify({ ...state, batchId, submittedAt: new Date().toISOString() }), "batch state");
    options.onEvent?.(lost === undefined ? { kind: "submitted", provider: providerId, batchId, requests: unique.length } : { kind: "found", provider: providerId, batchId, requests: unique.length, message: lost });
  }
  // From here on the batch may be running at the provider: its trials never run live until it has ended.
  let wait = options.pollMs ?? DEFAULT_BATCH_POLL_MS;
  for (;;) {
    const status = await follow(batchId, "checking its status", (o) => runner.check(batchId!, o));
    options.onEvent?.({ kind: "progress", provider: providerId, batchId, done: status.done, total: status.total });
    if (status.ended) break;
    await sleep(wait, signal);
    wait = Math.min(options.maxPollMs ?? DEFAULT_BATCH_MAX_POLL_MS, wait * 1.5);
  }
  const answers = await follow(batchId, "fetching its answers", (o) => runner.collect(batchId!, o));
  options.onEvent?.({ kind: "collected", provider: providerId, batchId, answers, requests: unique.length });
}

/**
 * Asks something of a sent batch, each attempt within the time limit. An attempt that fails for
 * a passing reason (a hung request among them) is tried again after a wait that grows as the
 * polls' do, for as long as the failures last up to `patienceMs`; past it, or at a failure that
 * would not pass (auth, not found), this rejects with BatchNotFollowed.
 */
function following(providerId: string, options: BatchOptions, signal: AbortSignal) {
  const pollMs = options.pollMs ?? DEFAULT_BATCH_POLL_MS;
  const patienceMs = options.patienceMs ?? PATIENCE_IN_POLLS * pollMs;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return async <T>(batchId: string, step: BatchStep, ask: (o: BatchCallOptions) => Promise<T>): Promise<T> => {
    const since = Date.now();
    let wait = pollMs;
    for (;;) {
      try {
        return await withTimeLimit(`${providerId} batch`, timeoutMs, signal, ask);
      } catch (err) {
        if (signal.aborted) throw err;
        const message = (err as Error)?.message ?? String(err);
        const passing = err instanceof ProviderError && RETRYABLE.has(err.category);
        if (!passing || Date.now() - since >= patienceMs) {
          const failing = Date.now() - since >= 1000 ? ` for ${Math.round((Date.now() - since) / 1000)} s` : "";
          throw new BatchNotFollowed("batch.not-followed", `polling batch ${batchId} of ${providerId} gave up: ${step} failed${failing} (${message}); its trials were not run live, which would pay for them twice`, {
            hint: "the batch goes on at the provider and its id is kept: run the same command again to pick it up",
            cause: err,
          });
        }
        // A 429's Retry-After is a floor: asked sooner, the provider answers 429 again (and patience runs out on waits it set).
        const asked = err.retryAfterMs ?? 0;
        const pause = Math.max(wait, Math.min(asked, patienceMs));
        options.onEvent?.({ kind: "retrying", provider: providerId, batchId, step, message, retryInMs: pause });
        await sleep(pause, signal);
        wait = Math.min(options.maxPollMs ?? DEFAULT_BATCH_MAX_POLL_MS, wait * 1.5);
      }
    }
  };
}

/** Failures after which the batch may exist at the provider all the same: the request may have reached it. */
const UNSURE: ReadonlySet<string> = new Set(["timeout", "network", "server-error"]);

function mayHaveCreated(err: unknown): boolean {
  return !(err instanceof ProviderError) || UNSURE.has(err.category);
}

/** Looks for a batch whose upload's answer was lost, the first at once, then after 1, 2 and 4 first waits between polls (35 s at the default 5 s). */
const LOOKS = 4;

/**
 * The batch a submit that failed with `err` created anyway, by its id. The provider may still be
 * taking the upload in when our time limit ends, so it is looked for more than once. Found, it is
 * followed. Otherwise `err` is thrown, its trials run live (a run that could never end would help
 * no one), and the message says which batch to cancel should it exist: one that appears later,
 * or one the provider cannot name surely (Anthropic's carry no tag), is paid for as well.
 */
async function lookUp(providerId: string, runner: BatchRunner, tag: string, sent: SentBatch, times: { timeoutMs: number; pollMs: number }, signal: AbortSignal, err: unknown): Promise<string> {
  let unsure: string | undefined;
  for (let look = 0; look < LOOKS; look++) {
    if (look > 0) await sleep(times.pollMs * 2 ** (look - 1), signal);
    let found: FoundBatch;
    try {
      found = await withTimeLimit(`${providerId} batch list`, times.timeoutMs, signal, (o) => runner.find(tag, sent, o));
    } catch (lookErr) {
      if (signal.aborted) throw lookErr;
      found = { kind: "unsure", why: (lookErr as Error)?.message ?? String(lookErr) };
    }
    if (found.kind === "found") return found.batchId;
    if (found.kind === "unsure") unsure = found.why;
    if (found.kind === "unsure" && found.final) break;
  }
  const said = (err as Error)?.message ?? String(err);
  const why = unsure === undefined ? `it was not among ${providerId}'s batches, looked for ${LOOKS} times` : `whether ${providerId} created it anyway is not known (${unsure})`;
  throw new ProviderError(err instanceof ProviderError ? err.category : "network", `${said}; ${why}: should it exist, it is paid for as well; cancel ${runner.describeSent(tag, sent)}`, { cause: err });
}

/** One batch API call, given up past `ms` as a timeout: a hung request fails as a live call's does. */
async function withTimeLimit<T>(label: string, ms: number, signal: AbortSignal, call: (o: BatchCallOptions) => Promise<T>): Promise<T> {
  const limit = startTimeLimit(signal, ms);
  try {
    return await call({ signal: limit.signal, timeoutMs: ms });
  } catch (err) {
    if (limit.timedOut && !signal.aborted) throw new ProviderError("timeout", `${label}: no answer within ${ms} ms`, { cause: err });
    throw err;
  } finally {
    limit.end();
  }
}

/** An earlier run's batch: its id, or, for one whose upload was never answered, how to look it up. */
type EarlierBatch = { batchId: string; sending?: undefined } | { batchId?: undefined; sending: { tag: string; since: number; requests: number } };

/** The state of an earlier batch for this provider that carried every one of `needed`; one sent is preferred to one being sent. */
async function findState(dir: string, prefix: string, needed: readonly string[]): Promise<EarlierBatch | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let sending: EarlierBatch | undefined;
  for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith(".json")).sort()) {
    const state = await readState(path.join(dir, name));
    if (!state || !needed.every((id) => state.customIds.has(id))) continue;
    if (state.batch.batchId !== undefined) return state.batch;
    sending ??= state.batch;
  }
  return sending;
}

async function readState(file: string): Promise<{ batch: EarlierBatch; customIds: Set<string> } | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const { batchId, tag, sendingSince, customIds } = JSON.parse(text) as { batchId?: unknown; tag?: unknown; sendingSince?: unknown; customIds?: unknown };
    if (typeof batchId !== "string" || !Array.isArray(customIds)) return undefined;
    const ids = new Set(customIds.map(String));
    if (batchId !== "") return { batch: { batchId }, customIds: ids };
    if (typeof tag !== "string" || typeof sendingSince !== "number") return undefined;
    return { batch: { sending: { tag, since: sendingSince, requests: ids.size } }, customIds: ids };
  } catch {
    // A torn state file: the batch is sent again, which costs money but loses nothing.
    return undefined;
  }
}

/** Once the run has completed, every batch it could have picked up is done with. */
export async function forgetBatches(stateDir: string, prefixes: readonly string[]): Promise<void> {
  if (prefixes.length === 0) return;
  const names = await readdir(stateDir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => prefixes.some((p) => n.startsWith(p))).map((n) => rm(path.join(stateDir, n), { force: true })));
}
