/** Why a case's trials failed or errored, most frequent first (cancelled ones last): the words every report shows. */
import type { CaseResult } from "./types.js";

export function failureReasons(cr: CaseResult): [reason: string, count: number][] {
  const counts = new Map<string, { count: number; place: string | undefined }>();
  for (const t of cr.trials) {
    const why = t.error
      ? `errored (${t.error.category}): ${t.error.message}`
      : t.pending
        ? "pending: awaiting human review"
        : t.passed === false
          ? [...new Set(t.grades.filter((g) => !g.pass && !g.pending).map((g) => g.reason))].join("; ")
          : undefined;
    if (!why) continue;
    const key = withoutTrialPlace(why);
    const seen = counts.get(key);
    if (seen) seen.count++;
    else counts.set(key, { count: 1, place: TRIAL_PLACE.exec(why)?.[1] });
  }
  const reasons = [...counts.entries()].map(([key, { count, place }]): [string, number] => [place === undefined ? key : `${key} (${place}${count > 1 ? `, and ${count - 1} more` : ""})`, count]);
  // A trial the run's stop cancelled says why the run stopped, not why the case failed: last.
  return reasons.sort((a, b) => Number(a[0].startsWith(CANCELLED)) - Number(b[0].startsWith(CANCELLED)) || b[1] - a[1]);
}

/**
 * "(trial 3: fixtures/openai/gpt-4o/ab12….json)" at the end of an error: the one place that
 * differs between trials missing their answers alike. Five such trials are one reason, five
 * times, with the first one's place, not five reasons once each.
 */
const TRIAL_PLACE = / \((trial \d+: [^()\n]*)\)$/;

/** A reason without the trial and file it names, if any: what trials failing alike share. */
export function withoutTrialPlace(reason: string): string {
  return reason.replace(TRIAL_PLACE, "");
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
