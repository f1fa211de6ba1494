import type { Grade } from "../core/types.js";

/** What a grader sees of one trial. */
export interface GradeContext {
  output: string;
  vars: Record<string, unknown>;
  latencyMs: number;
  costUsd: number | null;
  /** Folder of the suite file: grader modules resolve against it. */
  suiteDir: string;
}

export type GradeOutcome = Omit<Grade, "type">;

/** Thrown by a grader that could not judge: the trial is errored, not failed. */
export class GraderError extends Error {
  override name = "GraderError";
}
