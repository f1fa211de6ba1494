/** `harness report run.json`: the saved run rendered again by any reporter; none recomputes. */
import path from "node:path";
import type { RunResult } from "../core/types.js";
import { UsageError } from "../errors.js";
import { readHistory } from "../history/store.js";
import { exitCodeFor } from "./eval.js";
import type { CliIo } from "./io.js";
import { checkOutputsApart, reporterOutputs } from "./outputs.js";
import { checkReporterTargets, parseReporters, writeReports } from "./reporting.js";
import { readJsonFile } from "../io/read-json.js";
import { RUN_REPORT } from "../config/report-schema.js";

/** JSON wrote NaN as null; reporters treat both as "could not be computed". */
export async function readRunReport(file: string, label: string): Promise<RunResult> {
  // Checked for what reporters read; the rest is as harness wrote it.
  return (await readJsonFile(file, label, "the run report", RUN_REPORT)) as unknown as RunResult;
}

export async function reportCommand(file: string, flags: { reporter?: string[]; history?: string; color?: boolean }, io: CliIo): Promise<number> {
  const reporters = parseReporters(flags.reporter);
  const abs = path.resolve(io.cwd, file);
  const label = path.relative(io.cwd, abs);
  const result = await readRunReport(abs, label);
  const history = flags.history === undefined ? undefined : await readHistory(path.resolve(io.cwd, flags.history), flags.history);
  if (history && !history.exists) throw new UsageError(`no history at ${flags.history}`, { hint: "check the path; harness eval --history writes it" });
  checkOutputsApart(reporterOutputs(reporters, io.cwd), { files: [{ file: abs, label: "the run report" }, ...(flags.history === undefined ? [] : [{ file: path.resolve(io.cwd, flags.history), label: "the history" }])] }, io.cwd);
  await checkReporterTargets(reporters, io.cwd);
  await writeReports(result, reporters, io, { color: flags.color, history: history?.entries, saved: label });
  return exitCodeFor(result);
}
