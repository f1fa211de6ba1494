/**
 * Cases a comparison could not pair, and why: they are outside every test, but not all
 * alike. A case whose every trial errored on one side, or whose trials there await a
 * person's verdict, may hide a failure (a model's errors can be its failures), so it
 * keeps the verdict from "no significant drop". A case one side never had (new since the
 * baseline, or dropped from the suite since) hides nothing: it is listed as not compared.
 */
import type { ModelComparison, PairedCase, ReasonCount, UnpairedCase } from "./model-comparison-types.js";

/** Cases named in a verdict line; the rest are counted. */
const NAMED = 5;

/** `reasonsOf`: a case's failing and errored trials' reasons on one side, for what an errored case said. */
export function unpairedCases(cases: readonly PairedCase[], reasonsOf: (side: UnpairedCase["side"], c: PairedCase) => ReasonCount[] = () => []): UnpairedCase[] {
  return cases.flatMap((c): UnpairedCase[] => {
    const at = { suite: c.suite, caseId: c.caseId };
    if (c.reference === null || c.candidate === null) return [{ ...at, side: c.reference === null ? "reference" : "candidate", why: "absent" }];
    // The candidate's side first: its errors are what a verdict on it must not miss. A case
    // with trials awaiting a person is out too: its judged trials are a sample of failures.
    const out = (x: NonNullable<PairedCase["candidate"]>) => x.n === 0 || (x.pending ?? 0) > 0;
    const side = out(c.candidate) ? "candidate" : out(c.reference) ? "reference" : null;
    if (side === null) return [];
    const counts = side === "candidate" ? c.candidate : c.reference;
    if ((counts.pending ?? 0) > 0) return [{ ...at, side, why: "pending" }];
    const reasons = reasonsOf(side, c);
    return [{ ...at, side, why: "errored", ...(reasons.length > 0 ? { reasons } : {}) }];
  });
}

function named(cases: readonly UnpairedCase[]): string {
  const names = cases.slice(0, NAMED).map((c) => `${c.suite}/${c.caseId}`);
  return cases.length > NAMED ? `${names.join(", ")} and ${cases.length - NAMED} more` : names.join(", ");
}

const count = (n: number, one: string, many: string) => `${n} case${n === 1 ? ` ${one}` : `s ${many}`}`;

/** Why some cases may hide a failure, or undefined when none may: "2 cases have every trial errored on one side (s/a, s/b), …". */
export function hidingReason(unpaired: readonly UnpairedCase[]): string | undefined {
  const errored = unpaired.filter((c) => c.why === "errored");
  const pending = unpaired.filter((c) => c.why === "pending");
  const parts = [
    ...(errored.length > 0 ? [`${count(errored.length, "has", "have")} every trial errored on one side (${named(errored)}), and a model's errors can be its failures`] : []),
    ...(pending.length > 0 ? [`${count(pending.length, "awaits", "await")} human review on one side (${named(pending)}): run harness review`] : []),
  ];
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** "not compared: 1 case new since the baseline (s/c13)": cases one side never had, which block nothing. */
export function notCompared(unpaired: readonly UnpairedCase[], mode: ModelComparison["mode"]): string | undefined {
  const absent = unpaired.filter((c) => c.why === "absent");
  if (absent.length === 0) return undefined;
  const groups =
    mode === "baseline"
      ? [
          { cases: absent.filter((c) => c.side === "reference"), label: "new since the baseline" },
          { cases: absent.filter((c) => c.side === "candidate"), label: "in the baseline but not run" },
        ]
      : [{ cases: absent, label: "run on one side only" }];
  return `not compared: ${groups
    .filter((g) => g.cases.length > 0)
    .map((g) => `${g.cases.length} case${g.cases.length === 1 ? "" : "s"} ${g.label} (${named(g.cases)})`)
    .join(", ")}`;
}
