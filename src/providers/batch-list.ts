/** Looking through a provider's latest batches for one whose upload's answer was lost. */
import type { FoundBatch, SentBatch } from "./types.js";

/** Batches looked through: the latest this many, one page. */
export const LOOK_BACK = 100;
/** How far the provider's clock may be behind ours, for "created since the upload began". */
export const CLOCK_SKEW_MS = 60_000;

/** Whether a batch created at `createdMs` could be the one sent. */
export function createdSince(createdMs: number, sent: SentBatch): boolean {
  return createdMs >= sent.since - CLOCK_SKEW_MS;
}

/**
 * Nothing on the page was it: surely none, unless the whole page is newer than the upload and
 * more follow, where an older one past it could be.
 */
export function notOnPage(hasMore: boolean, oldestMs: number | undefined, sent: SentBatch): FoundBatch {
  return hasMore && oldestMs !== undefined && createdSince(oldestMs, sent) ? { kind: "unsure", why: `more than ${LOOK_BACK} batches were created since` } : { kind: "none" };
}
