/** What the bench needs from an eval tool: write a project, say how to run it, count what it reported. */
import type { Scenario } from "./scenarios.js";

/** One suite: `cases` cases, each asking "Answer question {{n}}", graded by `contains "ok"`. */
export interface SuiteSpec {
  cases: number;
  trials: number;
  concurrency: number;
  /** The fake server's OpenAI base URL (…/v1). */
  baseURL: string;
}

/**
 * "fresh": every trial calls the server, nothing is kept; "record": the same, kept
 * for later; "replay": a second run that should be served from what was kept.
 */
export type EvalMode = "fresh" | "record" | "replay";

/** Trials as the tool's own report counts them. */
export interface Tally {
  expected: number;
  passed: number;
  failed: number;
  errored: number;
  /** Trial slots (case × trial index) missing from the report. */
  lost: number;
  /** Trial slots reported more than once, or that should not exist. */
  duplicated: number;
}

export interface Tool {
  name: string;
  /** The Node entry file of the tool's CLI. */
  script: string;
  versionArgs: string[];
  /** Whether it takes part in this scenario (default: every one). */
  measures?(scenario: Scenario): boolean;
  writeProject(dir: string, suite: SuiteSpec, mode: EvalMode): Promise<void>;
  evalArgs(suite: SuiteSpec, mode: EvalMode): string[];
  /** The child's environment: the machine's, minus real credentials, plus a dummy key. */
  env(dir: string): NodeJS.ProcessEnv;
  readTally(dir: string, suite: SuiteSpec): Promise<Tally>;
}

/** How every answer of the bench's fake server begins; graders look for its "ok". */
export const ANSWER_START = "the answer is ok";

/** A fake key: it only ever reaches the fake server. */
export const DUMMY_KEY = "sk-bench-DUMMY-not-a-real-key";

const SCRUB = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "FORCE_COLOR", "NODE_OPTIONS"];

export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of SCRUB) delete env[k];
  return { ...env, NO_COLOR: "1", OPENAI_API_KEY: DUMMY_KEY, ...extra };
}

/**
 * Counts each case's trial slots: `slots` yields (case number, trial index) per
 * reported trial. A case reported with fewer slots than trials lost some; a slot
 * seen twice, or one past the suite's size, was double counted.
 */
export function countSlots(suite: SuiteSpec, slots: Iterable<[caseNo: number, trial: number]>): { lost: number; duplicated: number } {
  const seen = new Map<string, number>();
  for (const [c, t] of slots) seen.set(`${c}/${t}`, (seen.get(`${c}/${t}`) ?? 0) + 1);
  let present = 0;
  let duplicated = 0;
  for (const [key, count] of seen) {
    const [c, t] = key.split("/").map(Number) as [number, number];
    if (!(c >= 1 && c <= suite.cases && t >= 0 && t < suite.trials)) {
      duplicated += count;
      continue;
    }
    present++;
    duplicated += count - 1;
  }
  return { lost: suite.cases * suite.trials - present, duplicated };
}
