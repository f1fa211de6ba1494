/** Why a case's trials failed or errored, most frequent first: the words every report shows. */
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
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}
