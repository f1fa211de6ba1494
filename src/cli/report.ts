/** `harness report run.json`: the saved run rendered again by any reporter; none recomputes. */
import path from "node:path";
import type { RunResult } from "../core/types.js";
import { ConfigError, UsageError } from "../errors.js";
import { readHistory } from "../history/store.js";
import { exitCodeFor } from "./eval.js";
import type { CliIo } from "./io.js";
import { checkOutputsApart, reporterOutputs } from "./outputs.js";
import { checkReporterTargets, parseReporters, writeReports } from "./reporting.js";
import { readJsonFile } from "../io/read-json.js";

/** JSON wrote NaN as null; reporters treat both as "could not be computed". */
export async function readRunReport(file: string, label: string): Promise<RunResult> {
  const json = await readJsonFile(file, label, "the run report");
  const r = json as Partial<RunResult> | null;
  if (r?.schemaVersion !== 1 || !Array.isArray(r.suites) || typeof r.gate !== "object" || r.gate === null) {
    throw new ConfigError([{ file: label, message: "not a harness run report (schemaVersion 1, with suites and gate): write one with harness eval -o" }]);
  }
  return r as RunResult;
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
  return exitCodeFor(result, { updateBaseline: false });
}
