/**
 * Which question a human verdict answers: a human grader's instructions, or the rubric
 * (criterion, reference) of a model-graded grader a person checked. Keyed by content,
 * not position, so reordering graders keeps every verdict.
 */
import { acceptedChoices, isDefaultAccept, type GraderSpec } from "../config/schema.js";
import { hashOf } from "../core/hash.js";

export function reviewKey(spec: GraderSpec): string | undefined {
  if (spec.type === "human") return `human:${hashOf(spec.instructions, 8)}`;
  if (spec.type === "rubric" || spec.type === "closed-qa") return `${spec.type}:${hashOf(spec.value, 8)}`;
  if (spec.type === "factuality") {
    // Which relations pass is part of the question a person answers (reviews/items.ts): a
    // verdict that "subset passes" is no verdict that only "same" does. An accept: that passes
    // what the default does keeps the key verdicts had before accept: was counted, and them.
    const accept = acceptedChoices(spec.accept);
    return `factuality:${hashOf(isDefaultAccept(accept) ? spec.value : [spec.value, accept], 8)}`;
  }
  return undefined;
}
