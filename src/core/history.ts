/** The run history's records: built from a finished run, and read back as one suite's series. Pure. */
import type { HistoryEntry, HistorySuite } from "../history/schema.js";
import type { RunResult } from "./types.js";

export type { HistoryEntry, HistorySuite } from "../history/schema.js";

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The gate's verdict on one suite: the run's verdict names suites in its regressions. */
export function suiteGateStatus(result: Pick<RunResult, "gate">, suite: string): HistorySuite["gate"] {
  if (!result.gate.judged) return "not-judged";
  return result.gate.regressions.some((r) => r.suite === suite) ? "fail" : "pass";
}

/** The history line for a finished run: figures per suite, no trials. `runId`: the run's in its journal, when it has one. */
export function buildHistoryEntry(result: RunResult, git: HistoryEntry["git"], runId?: string): HistoryEntry {
  return {
    schemaVersion: 1,
    time: result.startedAt,
    git,
    harnessVersion: result.harnessVersion,
    ...(runId !== undefined ? { runId } : {}),
    suites: Object.fromEntries(
      result.suites.map((s) => [
        s.name,
        {
          provider: s.provider,
          judge: s.judgeModel,
          trials: s.trials,
          k: s.k,
          passAtK: finiteOrNull(s.passAtK),
          passHatK: finiteOrNull(s.passHatK),
          passRate: finiteOrNull(s.passRate),
          interval: [finiteOrNull(s.passRateInterval[0]), finiteOrNull(s.passRateInterval[1])],
          costUsd: s.costUsd,
          gate: suiteGateStatus(result, s.name),
        },
      ]),
    ),
  };
}

/** One run of one suite, as the history chart shows it. */
export interface HistoryPoint extends HistorySuite {
  time: string;
  commit: string | null;
  /** The provider differs from the previous point's: a change of model, so drift may be the model's. */
  providerChanged: boolean;
}

/** Suite names in the order they first appear. */
export function historySuites(entries: readonly HistoryEntry[]): string[] {
  return [...new Set(entries.flatMap((e) => Object.keys(e.suites)))];
}

/** The last `last` runs that included `suite`, oldest first. */
export function historySeries(entries: readonly HistoryEntry[], suite: string, last = Number.POSITIVE_INFINITY): HistoryPoint[] {
  const runs = entries.flatMap((e) => {
    const s = Object.hasOwn(e.suites, suite) ? e.suites[suite] : undefined;
    return s ? [{ ...s, time: e.time, commit: e.git.commit }] : [];
  });
  const shown = runs.slice(Math.max(0, runs.length - last));
  return shown.map((p, i) => ({ ...p, providerChanged: i > 0 && p.provider !== shown[i - 1]!.provider }));
}
