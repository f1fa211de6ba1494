/** `harness history`, and the history that `harness eval --history` appends to. */
import { statSync } from "node:fs";
import path from "node:path";
import { buildHistoryEntry, historySuites, type HistoryEntry } from "../core/history.js";
import type { RunResult } from "../core/types.js";
import { UsageError } from "../errors.js";
import { wholeNumber } from "./flag-numbers.js";
import { checkWritable } from "../io/atomic-write.js";
import { DEFAULT_HISTORY_PATH } from "../history/schema.js";
import { appendHistory, readHistory } from "../history/store.js";
import { renderHistory } from "../reporters/history.js";
import { gitState } from "../baseline/baseline.js";
import { useColor, type CliIo } from "./io.js";

/** The history file of `--history [file]`: the flag alone means the default. undefined: no history. */
export function historyFile(flag: string | boolean | undefined, cwd: string): string | undefined {
  if (flag === undefined || flag === false) return undefined;
  const file = flag === true ? DEFAULT_HISTORY_PATH : flag;
  // `eval --history evals/x.yaml` would take the suite for the history file: say so, never append to a suite.
  const hint = "write --history=FILE, or put --history after the suite paths";
  if (/\.ya?ml$/i.test(file)) throw new UsageError(`--history ${file}: that is a suite file, not a history`, { hint });
  // `eval --history evals/` likewise took the suites' folder, and said only EISDIR.
  const resolved = path.resolve(cwd, file);
  if (statSync(resolved, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--history ${file}: that is a folder, not a history file`, { hint });
  return resolved;
}

/** Before the run: the history must be readable and writable, so a bad one stops nothing after the model calls. */
export async function openHistory(file: string, cwd: string): Promise<HistoryEntry[]> {
  const history = await readHistory(file, path.relative(cwd, file));
  await checkWritable(file, "--history");
  return history.entries;
}

/**
 * Appends the run, unless it was interrupted or stopped (its figures cover part of the
 * cases), or is a --resume that ran nothing new of a run the history holds already (`runId`:
 * the journal's). Returns the history with it.
 */
export async function recordHistory(result: RunResult, file: string, entries: readonly HistoryEntry[], io: CliIo, runId?: string): Promise<HistoryEntry[]> {
  if (result.interrupted || result.stopped) {
    io.stderr.write(`The run was ${result.interrupted ? "interrupted" : "stopped"}: not added to the history ${path.relative(io.cwd, file)}.\n`);
    return [...entries];
  }
  const trials = result.suites.reduce((n, s) => n + s.totals.trials, 0);
  if (runId !== undefined && result.resumedTrials === trials && entries.some((e) => e.runId === runId)) {
    io.stderr.write(`Every trial was kept from the journal, and the history ${path.relative(io.cwd, file)} holds this run already: not added again.\n`);
    return [...entries];
  }
  const entry = buildHistoryEntry(result, gitState(io.cwd), runId);
  await appendHistory(file, entry);
  return [...entries, entry];
}

export async function historyCommand(file: string | undefined, flags: { suite?: string; last: string; color?: boolean }, io: CliIo): Promise<number> {
  const last = wholeNumber(flags.last);
  if (!Number.isInteger(last) || last < 1) throw new UsageError(`--last expects a whole number ≥ 1, got "${flags.last}"`);
  const abs = path.resolve(io.cwd, file ?? DEFAULT_HISTORY_PATH);
  const label = path.relative(io.cwd, abs);
  const history = await readHistory(abs, label, { forRun: false });
  if (!history.exists) throw new UsageError(`no history at ${label}`, { hint: "record runs with harness eval --history (default file .harness/history.jsonl)" });
  if (history.tornLine !== null) io.stderr.write(`harness: warning: ${label}:${history.tornLine} is an unfinished line (a write cut short); left out\n`);
  if (history.entries.length === 0) {
    io.stdout.write(`${label} has no runs yet: record one with harness eval --history.\n`);
    return 0;
  }
  const suites = historySuites(history.entries);
  if (flags.suite !== undefined && !suites.includes(flags.suite)) {
    throw new UsageError(`--suite ${flags.suite}: no such suite in ${label}`, { hint: `it has ${suites.join(", ")}` });
  }
  io.stdout.write(renderHistory(history.entries, { color: useColor(io, flags.color), suite: flags.suite, last }));
  return 0;
}
