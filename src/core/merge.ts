/**
 * Joins the runs of several shards back into one raw run, so that statistics and the
 * gate are computed once over all cases (a gate applied per shard would correct over the
 * wrong family of tests). Pure: the reports come in as objects.
 */
import type { LoadedCase, LoadedSuite, RateLimitSummary, RawRun, RunResult } from "./types.js";
import { joinRateLimits } from "./rate-limits.js";

export class MergeConflict extends Error {
  override name = "MergeConflict";
}

/** Shard reports must be all the shards of one split, each once: a missing shard hides its cases' regressions. */
function checkShards(reports: readonly RunResult[]): void {
  const shards = reports.map((r) => r.shard ?? null);
  if (shards.every((s) => s === null)) return;
  if (shards.some((s) => s === null)) throw new MergeConflict("some reports are shards (eval --shard) and some are not");
  const count = shards[0]!.count;
  if (shards.some((s) => s!.count !== count)) throw new MergeConflict(`the reports are shards of different splits (${[...new Set(shards.map((s) => s!.count))].join(", ")})`);
  // Shards of one run were cut from one set of cases: another commit's, or another set of suites', are not its parts.
  const whole = (s: RunResult["shard"]) => (s!.of ? `${s!.of.cases}/${s!.of.digest}` : "");
  const wholes = new Set(shards.map(whole));
  if (wholes.size > 1) {
    if (wholes.has("")) throw new MergeConflict("some shard reports do not say which run they are part of (written by an older harness): run every shard with one version");
    // Name the parts by run, so the odd one out can be found: "shards 1/3, 2/3 of one run; 3/3 of another".
    const groups = [...wholes].map((w) => shards.filter((s) => whole(s) === w).map((s) => `${s!.index}/${s!.count}`).join(", "));
    throw new MergeConflict(
      `the shards are parts of different runs (${groups.map((g, i) => `${g.includes(",") ? "shards" : "shard"} ${g}: run ${String.fromCharCode(65 + (i % 26))}`).join("; ")}): run every shard of one commit with the same suites and flags`,
    );
  }
  const have = new Set(shards.map((s) => s!.index));
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !have.has(i));
  if (missing.length > 0) throw new MergeConflict(`shard${missing.length === 1 ? "" : "s"} ${missing.map((i) => `${i}/${count}`).join(", ")} missing: a regression there would go unseen`);
  if (have.size !== shards.length) throw new MergeConflict("a shard is given more than once");
}

export function mergeRuns(reports: readonly RunResult[]): RawRun {
  // A run of chosen cases gates those alone, and has no floor checked: joined, it would pass for a whole run.
  if (reports.some((r) => r.selection)) throw new MergeConflict("a report is of cases chosen with eval --case; merge joins whole runs and their shards");
  checkShards(reports);
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
        const loaded: LoadedCase = { id: c.id, description: c.description, vars: {}, messages: [], graders: [], line: c.line, promptHash: c.promptHash, ...(c.gradersHash !== undefined ? { gradersHash: c.gradersHash } : {}) };
        entry.suite.cases.push(loaded);
        entry.cases.push({ case: loaded, trials: c.trials });
      }
    }
  }
  // Cases back in file order, so a baseline written from a merge diffs cleanly against one from eval.
  for (const entry of suites.values()) {
    entry.cases.sort((a, b) => a.case.line - b.case.line);
    entry.suite.cases.sort((a, b) => a.line - b.line);
  }
  const whole = reports[0]?.shard?.of;
  const merged = [...suites.values()].reduce((n, e) => n + e.cases.length, 0);
  if (whole && merged !== whole.cases) throw new MergeConflict(`the shards hold ${merged} cases, but their run had ${whole.cases}: a shard was run on fewer suites than the others`);
  const started = reports.map((r) => r.startedAt).sort()[0] ?? new Date(0).toISOString();
  return { suites: [...suites.values()], startedAt: started, durationMs: Math.max(0, ...reports.map((r) => r.durationMs)), rateLimits: mergeRateLimits(reports) };
}

/**
 * The extra k the shards reported pass@k and pass^k at (eval --at), read back from their
 * suites: each suite lists its own trials as a k too, which is not an --at of its own.
 */
export function atOf(reports: readonly RunResult[]): number[] {
  const at = new Set<number>();
  for (const r of reports) for (const s of r.suites) for (const a of s.at) if (a.k !== s.trials) at.add(a.k);
  return [...at].sort((a, b) => a - b);
}

/** One provider's 429s over every shard: the calls answered 429 add up, the lowest limit is the lowest any shard fell to. */
function mergeRateLimits(reports: readonly RunResult[]): RateLimitSummary[] {
  return joinRateLimits(reports.flatMap((r) => r.rateLimits ?? []));
}
