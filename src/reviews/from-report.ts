/**
 * Reviews from a saved run (`harness review --from report.json`): the outputs CI saw,
 * without calling any model again. The report gives the outputs and grades; the suites
 * give each case's prompt, vars and grader instructions.
 */
import { z } from "zod";
import type { LoadedSuite, RawRun, TrialResult } from "../core/types.js";
import { ConfigError } from "../errors.js";
import { readJsonFile } from "../io/read-json.js";

const ReportSchema = z.object({
  schemaVersion: z.literal(1),
  startedAt: z.string(),
  durationMs: z.number(),
  suites: z.array(
    z.object({
      name: z.string(),
      cases: z.array(z.object({ id: z.string(), trials: z.array(z.looseObject({ output: z.string().nullable(), grades: z.array(z.looseObject({ type: z.string() })) })) })),
    }),
  ),
});

export interface FromReport {
  run: RawRun;
  /** Suites or cases in the report that the suite files no longer have. */
  unmatched: string[];
}

export async function runFromReport(file: string, label: string, suites: readonly LoadedSuite[]): Promise<FromReport> {
  const json = await readJsonFile(file, label, "the run report");
  const parsed = ReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError([{ file: label, path: issue.path.join("."), message: `not a harness run report (schemaVersion 1): ${issue.message}` }]);
  }
  const unmatched: string[] = [];
  const run: RawRun = { suites: [], startedAt: parsed.data.startedAt, durationMs: parsed.data.durationMs };
  for (const s of parsed.data.suites) {
    const suite = suites.find((x) => x.name === s.name);
    if (!suite) {
      unmatched.push(s.name);
      continue;
    }
    const cases = [];
    for (const c of s.cases) {
      const loaded = suite.cases.find((x) => x.id === c.id);
      if (!loaded) unmatched.push(`${s.name}/${c.id}`);
      // The report was written by this tool from TrialResults; only what review reads was checked above.
      else cases.push({ case: loaded, trials: c.trials as unknown as TrialResult[] });
    }
    run.suites.push({ suite, cases });
  }
  return { run, unmatched };
}
