/**
 * Joins the runs of several shards back into one raw run, so that statistics and the
 * gate are computed once over all cases (a gate applied per shard would correct over the
 * wrong family of tests). Pure: the reports come in as objects.
 */
import type { LoadedCase, LoadedSuite, RawRun, RunResult } from "./types.js";

export class MergeConflict extends Error {
  override name = "MergeConflict";
}

export function mergeRuns(reports: readonly RunResult[]): RawRun {
  const suites = new Map<string, RawRun["suites"][number]>();
  const seen = new Set<string>();
  for (const r of reports) {
    for (const s of r.suites) {
      let entry = suites.get(s.name);
      if (!entry) {
        // Enough of the suite to aggregate again: what the report kept of it.
        const suite: LoadedSuite = {
          name: s.name,
          file: s.file,
          dir: "",
          provider: { id: s.provider, config: {} },
          judge: s.judgeModel ? { id: s.judgeModel, config: {} } : undefined,
          trials: s.trials,
          threshold: s.threshold,
          cases: [],
        };
        entry = { suite, cases: [] };
        suites.set(s.name, entry);
      } else if (entry.suite.trials !== s.trials || entry.suite.provider.id !== s.provider) {
        throw new MergeConflict(`suite "${s.name}" ran with different settings in different reports (${entry.suite.provider.id} × ${entry.suite.trials} vs ${s.provider} × ${s.trials})`);
      }
      for (const c of s.cases) {
        const key = `${s.name}\u0000${c.id}`;
        if (seen.has(key)) throw new MergeConflict(`case "${s.name}/${c.id}" is in more than one report: shards must not overlap`);
        seen.add(key);
        const loaded: LoadedCase = { id: c.id, description: c.description, vars: {}, messages: [], graders: [], line: c.line, promptHash: c.promptHash };
        entry.suite.cases.push(loaded);
        entry.cases.push({ case: loaded, trials: c.trials });
      }
    }
  }
  const started = reports.map((r) => r.startedAt).sort()[0] ?? new Date(0).toISOString();
  return { suites: [...suites.values()], startedAt: started, durationMs: Math.max(0, ...reports.map((r) => r.durationMs)) };
}
