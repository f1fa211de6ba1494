/** What changed since the baseline besides the app, per case, as the comparison recorded it: each reporter says it in these words. */
import type { CaseComparison, CaseResult, RunResult } from "../core/types.js";
import { acceptCommand, plural, PLAIN, type NoteStyle } from "./format.js";

/** "prompt changed", "graders changed", "prompt and graders changed"; undefined when neither did. */
export function changedLabel(cmp: { promptChanged?: boolean; gradersChanged?: boolean }): string | undefined {
  const parts = [...(cmp.promptChanged ? ["prompt"] : []), ...(cmp.gradersChanged ? ["graders"] : [])];
  return parts.length === 0 ? undefined : `${parts.join(" and ")} changed`;
}

/**
 * "4 of 5 errored": a compared case most of whose trials errored. Its status rests on the few
 * that were judged (errors are taken as unrelated to passing), so "same" beside it would read as
 * "checked and unchanged". Undefined when fewer than half errored, or the status says it already.
 */
export function mostlyErroredLabel(cmp: Pick<CaseComparison, "status" | "current" | "errored" | "pending">, cr: Pick<CaseResult, "cancelled">): string | undefined {
  // Trials a stop cancelled never ran: the run's own line says so, and they are no error of the case's.
  const errored = (cmp.errored ?? 0) - (cr.cancelled ?? 0);
  const total = cmp.current.n + (cmp.errored ?? 0) + (cmp.pending ?? 0);
  if (cmp.status === "undecided" || cmp.status === "new" || errored <= 0 || errored * 2 < total) return undefined;
  return `${errored} of ${total} errored`;
}

const NAMED = 5;

/**
 * The cases whose graders changed since the baseline, and how to make the new graders the
 * reference. A gate that passes on them has passed on graders it never saw before: a grader
 * made looser reads as "up". Undefined when none changed, or the baseline predates graders hashes.
 */
export function gradersChangedNote(result: Pick<RunResult, "gate" | "comparison" | "mergedFrom">, style: NoteStyle = PLAIN): string | undefined {
  const changed = (result.comparison?.cases ?? []).filter((c) => c.gradersChanged);
  if (changed.length === 0) return undefined;
  const names = changed.slice(0, NAMED).map((c) => `${c.suite}/${c.caseId}`).join(", ") + (changed.length > NAMED ? ` and ${changed.length - NAMED} more` : "");
  const g = result.gate;
  // A run written as the new baseline is that already; one that failed a floor under it wrote nothing.
  const accept = g.accepted === undefined ? ` If the new graders are intended, make them the reference: ${acceptCommand(result, style)}.` : g.status === "pass" ? " This run becomes their reference (--update-baseline)." : "";
  return `Graders changed since the baseline for ${plural(changed.length, "case")} (${style.text(names)}): pass rates may differ for that reason.${accept}`;
}
