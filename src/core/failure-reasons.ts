/** Why a case's trials failed or errored, most frequent first (cancelled ones last): the words every report shows. */
import type { CaseResult } from "./types.js";

export function failureReasons(cr: CaseResult): [reason: string, count: number][] {
  const counts = new Map<string, number>();
  for (const t of cr.trials) {
    const why = t.error
      ? `errored (${t.error.category}): ${t.error.message}`
      : t.pending
        ? "pending: awaiting human review"
        : t.passed === false
          ? [...new Set(t.grades.filter((g) => !g.pass && !g.pending).map((g) => g.reason))].join("; ")
          : undefined;
    if (why) counts.set(why, (counts.get(why) ?? 0) + 1);
  }
  // A trial the run's stop cancelled says why the run stopped, not why the case failed: last.
  return [...counts.entries()].sort((a, b) => Number(a[0].startsWith(CANCELLED)) - Number(b[0].startsWith(CANCELLED)) || b[1] - a[1]);
}

const CANCELLED = "errored (cancelled)";

/** A reason failureReasons gave an errored trial, not one a stop cancelled. */
export function isErrorReason(reason: string): boolean {
  return reason.startsWith("errored (") && !reason.startsWith(CANCELLED);
}

/** A case none of whose trials failed or errored but for those the run's stop cancelled. */
export function onlyCancelled(cr: CaseResult): boolean {
  return cr.trials.every((t) => (t.error ? t.error.category === "cancelled" : t.passed !== false && !t.pending));
}
