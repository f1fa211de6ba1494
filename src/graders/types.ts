import type { ErrorCategory, Grade, HumanVerdict, Message, ProviderRef } from "../core/types.js";
import type { ProviderRequest, ProviderResponse } from "../providers/types.js";

/** Calls a judge model: `ref` or, when undefined, the suite's judge. `vote` numbers repeated asks (fixtures key on it). */
export type JudgeCall = (ref: ProviderRef | undefined, request: ProviderRequest, vote: number) => Promise<ProviderResponse>;

/** What a grader sees of one trial. */
export interface GradeContext {
  output: string;
  vars: Record<string, unknown>;
  /** null for a batch answer, which had no call of its own to time. */
  latencyMs: number | null;
  costUsd: number | null;
  /** Folder of the suite file: grader modules resolve against it. */
  suiteDir: string;
  /** What the target was asked: closed-qa judges the answer against the question. */
  messages: Message[];
  judge: JudgeCall;
  /** A person's verdict on this output for the grader with this review key, if any. */
  review: (reviewKey: string) => HumanVerdict | undefined;
}

export type GradeOutcome = Omit<Grade, "type">;

/** Thrown by a grader that could not judge: the trial is errored, not failed. */
export class GraderError extends Error {
  override name = "GraderError";
  /**
   * Why the trial could not be judged, when it is not the grader's own fault: a judge
   * call that hit a missing fixture, a timeout or a rate limit keeps that category, so
   * an offline run with an unrecorded judge answer is "not judged", like a target's.
   */
  readonly category: ErrorCategory;

  constructor(message: string, category: ErrorCategory = "grader-error") {
    super(message);
    this.category = category;
  }
}
