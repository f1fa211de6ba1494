/**
 * Which question a human verdict answers: a human grader's instructions, or the rubric
 * (criterion, reference) of a model-graded grader a person checked. Keyed by content,
 * not position, so reordering graders keeps every verdict.
 */
import type { GraderSpec } from "../config/schema.js";
import { hashOf } from "../core/hash.js";

export function reviewKey(spec: GraderSpec): string | undefined {
  if (spec.type === "human") return `human:${hashOf(spec.instructions, 8)}`;
  if (spec.type === "rubric" || spec.type === "closed-qa" || spec.type === "factuality") return `${spec.type}:${hashOf(spec.value, 8)}`;
  return undefined;
}
