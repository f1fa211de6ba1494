/** What a person is asked to review: outputs awaiting a human grader's verdict, and a sample of judged ones. */
import { hashOf, outputHash } from "../core/hash.js";
import type { RawRun } from "../core/types.js";
import { acceptedChoices, isDefaultAccept, type GraderSpec } from "../config/schema.js";
import { reviewKey } from "../graders/review-key.js";
import type { Review } from "./store.js";

export interface ReviewItem {
  suite: string;
  caseId: string;
  description: string | undefined;
  vars: Record<string, unknown>;
  /** What the target was asked: the case's last user message. */
  question: string;
  output: string;
  /** The output was replayed from a fixture (so it will come back, and the verdict with it). */
  recorded: boolean;
  outputHash: string;
  /** What the case asked for this output: the verdict answers it. */
  promptHash: string;
  reviewKey: string;
  /** "human" for a human grader; the judge's grader type for a judge check. */
  kind: "human" | "judge-check";
  /** What the person decides: the human grader's instructions, or the rubric the judge applied. */
  instructions: string;
  /** The verdict a person gave it before (offered again by `harness review --redo`); absent when none. */
  given?: Review;
}

function instructionsOf(spec: GraderSpec): string {
  if (spec.type === "human") return spec.instructions;
  if (spec.type === "rubric") return `Does the output meet this rubric? ${spec.value}`;
  if (spec.type === "closed-qa") return `Does the output answer the question and meet this criterion? ${spec.value}`;
  if (spec.type === "factuality") {
    // Ask the person the question the judge answers: which relations to the reference pass.
    // The review key (review-key.ts) changes exactly when this text does.
    const accept = acceptedChoices(spec.accept);
    const rule = isDefaultAccept(accept) ? "pass unless a fact in the output contradicts it" : `pass only if the output's facts are: ${accept.join(", ")} (relative to it)`;
    return `Compare the output with this reference answer and ${rule}. Reference: ${spec.value}`;
  }
  return "";
}

interface Candidate {
  item: ReviewItem;
  /** Identifies the output under its grader: one item per distinct output. */
  key: string;
  /** Its verdict would decide a pending trial. */
  pending: boolean;
  /** A judged output no person has checked. */
  unchecked: boolean;
}

/** Every output of the run that a person could give a verdict on, under each grader that asks one. */
function* candidates(run: RawRun): Generator<Candidate> {
  for (const { suite, cases } of run.suites) {
    for (const { case: c, trials } of cases) {
      for (const t of trials) {
        if (t.output === null) continue;
        for (const g of t.grades) {
          if (!g.reviewKey) continue;
          const spec = c.graders.find((s) => reviewKey(s) === g.reviewKey);
          if (!spec) continue;
          const item: ReviewItem = {
            suite: suite.name,
            caseId: c.id,
            description: c.description,
            vars: c.vars,
            question: [...c.messages].reverse().find((m) => m.role === "user")?.content ?? "",
            output: t.output,
            recorded: t.cached || t.recorded === true,
            outputHash: outputHash(t.output),
            promptHash: c.promptHash,
            reviewKey: g.reviewKey,
            kind: spec.type === "human" ? "human" : "judge-check",
            instructions: instructionsOf(spec),
          };
          // A verdict matters only where it decides the trial: not where another grader already failed it.
          const pending = g.pending === true && t.pending === true;
          yield { item, key: hashOf([item.suite, item.caseId, item.reviewKey, item.outputHash]), pending, unchecked: spec.type !== "human" && !g.human };
        }
      }
    }
  }
}

/**
 * Pending human reviews first, in suite and case order, then up to `sample` judged outputs
 * that no person has checked, picked by hash so the same run always offers the same sample
 * (and the judge's verdict is not shown, so it cannot anchor the person's).
 */
export function reviewItems(run: RawRun, sample: number, alreadyReviewed: (item: ReviewItem) => boolean = () => false): ReviewItem[] {
  const pending = new Map<string, ReviewItem>();
  const judged = new Map<string, ReviewItem>();
  for (const { item, key, pending: decides, unchecked } of candidates(run)) {
    if (alreadyReviewed(item)) continue;
    if (decides) pending.set(key, item);
    else if (unchecked) judged.set(key, item);
  }
  const sampled = [...judged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, sample).map(([, item]) => item);
  return [...pending.values(), ...sampled];
}

/**
 * The run's outputs that a person has given a verdict (human graders' and judge checks'),
 * each once, in suite and case order, with that verdict: for `harness review --redo`.
 */
export function reviewedItems(run: RawRun, verdictOf: (item: ReviewItem) => Review | undefined): ReviewItem[] {
  const reviewed = new Map<string, ReviewItem>();
  for (const { item, key } of candidates(run)) {
    const given = verdictOf(item);
    if (given && !reviewed.has(key)) reviewed.set(key, { ...item, given });
  }
  return [...reviewed.values()];
}

/** Outputs awaiting a verdict under instructions (or a rubric) the suites no longer have: a saved run's, reviewed later. */
export function staleReviews(run: RawRun): number {
  const stale = new Set<string>();
  for (const { suite, cases } of run.suites) {
    for (const { case: c, trials } of cases) {
      const current = new Set(c.graders.map(reviewKey));
      for (const t of trials) {
        if (t.output === null || !t.pending) continue;
        for (const g of t.grades) if (g.pending && g.reviewKey && !current.has(g.reviewKey)) stale.add(hashOf([suite.name, c.id, g.reviewKey, outputHash(t.output)]));
      }
    }
  }
  return stale.size;
}
