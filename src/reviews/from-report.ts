/**
 * Reviews from a saved run (`harness review --from report.json`): the outputs CI saw,
 * without calling any model again. The report gives the outputs and grades; the suites
 * give each case's prompt, vars and grader instructions.
 */
import type { LoadedSuite, RawRun, TrialResult } from "../core/types.js";
import { readJsonFile } from "../io/read-json.js";
import { RUN_REPORT } from "../config/report-schema.js";

export interface FromReport {
  run: RawRun;
  /** Suites or cases in the report that the suite files no longer have. */
  unmatched: string[];
  /** Cases whose prompt changed since the run: a verdict on its outputs would answer a question no longer asked. */
  reworded: string[];
}

export async function runFromReport(file: string, label: string, suites: readonly LoadedSuite[]): Promise<FromReport> {
  const report = await readJsonFile(file, label, "the run report", RUN_REPORT);
  const unmatched: string[] = [];
  const reworded: string[] = [];
  const run: RawRun = { suites: [], startedAt: report.startedAt, durationMs: report.durationMs };
  for (const s of report.suites) {
    const suite = suites.find((x) => x.name === s.name);
    if (!suite) {
      unmatched.push(s.name);
      continue;
    }
    const cases = [];
    for (const c of s.cases) {
      const loaded = suite.cases.find((x) => x.id === c.id);
      if (!loaded) unmatched.push(`${s.name}/${c.id}`);
      else if (typeof c.promptHash === "string" && c.promptHash !== loaded.promptHash) reworded.push(`${s.name}/${c.id}`);
      // The report was written by this tool from TrialResults; only what review reads was checked above.
      else cases.push({ case: loaded, trials: c.trials as unknown as TrialResult[] });
    }
    run.suites.push({ suite, cases });
  }
  return { run, unmatched, reworded };
}
