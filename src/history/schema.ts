/**
 * One line of the run history (JSON lines): a compact record of a run's figures per
 * suite, no trials, so a file of thousands of runs stays small and quick to read.
 */
import { z } from "zod";

/**
 * Default: .harness/history.jsonl, beside the project's other local run output. Not
 * committed by default: every run appends to it, so branches would conflict on it; CI
 * keeps it as an artifact or cache, or names a committed file with --history.
 */
export const DEFAULT_HISTORY_PATH = ".harness/history.jsonl";

export const HISTORY_SCHEMA_VERSION = 1;

/** A figure that could not be computed is null (NaN has no JSON form). */
const figure = z.number().nullable();

export const HistorySuiteSchema = z.object({
  provider: z.string(),
  /** The suite's judge model; null when it has none. */
  judge: z.string().nullable(),
  trials: z.number().int().nonnegative(),
  k: z.number().int().nonnegative(),
  passAtK: figure,
  passHatK: figure,
  passRate: figure,
  /** 95% interval on passRate. */
  interval: z.tuple([figure, figure]),
  /** USD of the target's calls; null when a price was unknown. */
  costUsd: figure,
  /** The gate on this suite: "fail" when any regression, threshold or pending review named it. */
  gate: z.enum(["pass", "fail", "not-judged"]),
});

export const HistoryEntrySchema = z.object({
  schemaVersion: z.literal(HISTORY_SCHEMA_VERSION),
  /** When the run started (ISO 8601). */
  time: z.string(),
  /** The commit checked out, when the project is a git repository. */
  git: z.object({ commit: z.string().nullable(), dirty: z.boolean().nullable() }),
  harnessVersion: z.string(),
  /**
   * The run's id in its journal, kept by its --resume runs: a resume that ran nothing new
   * of a run already recorded is not recorded again. Absent without a journal, and in
   * lines written before it (added within schema 1).
   */
  runId: z.string().optional(),
  /** Keyed by suite name, in the run's order. */
  suites: z.record(z.string(), HistorySuiteSchema),
});

export type HistorySuite = z.infer<typeof HistorySuiteSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
