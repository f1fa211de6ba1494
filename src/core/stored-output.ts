/**
 * A trial whose output text lives on disk (in the run journal) rather than in memory. A run of
 * 100,000 trials with answers of 2 KB held 200 MB of outputs until the report was written; the
 * report only needs each once, when it is rendered. Everything else about the trial stays here.
 */
import type { Grade, JudgeUsage, TrialError, TrialResult, Usage } from "./types.js";

export class TrialWithStoredOutput implements TrialResult {
  readonly index: number;
  readonly passed: boolean | null;
  readonly pending: boolean;
  readonly grades: Grade[];
  readonly latencyMs: number | null;
  readonly usage: Usage | null;
  readonly costUsd: number | null;
  readonly cached: boolean;
  readonly retries: number;
  readonly judge: JudgeUsage | null;
  readonly error: TrialError | null;
  // Declared, not a field: a trial that was not refused has no `refused` key at all.
  declare readonly refused?: true;
  declare readonly truncated?: true;
  declare readonly recorded?: true;
  declare readonly shared?: true;
  declare readonly masked?: string[];
  readonly #read: () => string;

  /** `read` gives the output back, each time it is asked: it is not kept. */
  constructor(trial: TrialResult, read: () => string) {
    this.index = trial.index;
    this.passed = trial.passed;
    this.pending = trial.pending;
    this.grades = trial.grades;
    this.latencyMs = trial.latencyMs;
    this.usage = trial.usage;
    this.costUsd = trial.costUsd;
    this.cached = trial.cached;
    this.retries = trial.retries;
    this.judge = trial.judge;
    this.error = trial.error;
    if (trial.refused) (this as { refused?: true }).refused = true;
    if (trial.truncated) (this as { truncated?: true }).truncated = true;
    if (trial.recorded) (this as { recorded?: true }).recorded = true;
    if (trial.shared) (this as { shared?: true }).shared = true;
    if (trial.masked) (this as { masked?: string[] }).masked = trial.masked;
    this.#read = read;
  }

  get output(): string {
    return this.#read();
  }

  /** This trial with other grades or verdict; its output stays where it is. */
  with(fields: Partial<Omit<TrialResult, "output" | "index">>): TrialWithStoredOutput {
    return new TrialWithStoredOutput({ ...this, output: null, ...fields }, this.#read);
  }

  /** The trial as the report writes any other: every field, in the order run.ts builds them. */
  toJSON(): TrialResult {
    const plain: TrialResult = {
      index: this.index,
      output: this.output,
      passed: this.passed,
      pending: this.pending,
      grades: this.grades,
      latencyMs: this.latencyMs,
      usage: this.usage,
      costUsd: this.costUsd,
      cached: this.cached,
      retries: this.retries,
      judge: this.judge,
      error: this.error,
    };
    if (this.refused) plain.refused = true;
    if (this.truncated) plain.truncated = true;
    if (this.recorded) plain.recorded = true;
    if (this.shared) plain.shared = true;
    if (this.masked) plain.masked = this.masked;
    return plain;
  }
}

/** A trial with some fields changed, a plain one as a stored one: spreading a stored trial would drop its output. */
export function withFields(t: TrialResult, fields: Partial<Omit<TrialResult, "output" | "index">>): TrialResult {
  return t instanceof TrialWithStoredOutput ? t.with(fields) : { ...t, ...fields };
}

/** Whether the model answered: without reading an output that is stored on disk. */
export function hasOutput(t: TrialResult): boolean {
  return t instanceof TrialWithStoredOutput || t.output !== null;
}
