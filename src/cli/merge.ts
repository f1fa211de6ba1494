/** `harness merge`: shard reports joined into one run, with the gate applied once over all cases. */
import path from "node:path";
import { buildBaseline, keptForPending, DEFAULT_BASELINE_PATH, foreignBaseline, readBaseline, refuseOrWarn, writeBaseline } from "../baseline/baseline.js";
import { atOf, MergeConflict, mergeRuns } from "../core/merge.js";
import { buildRunResult } from "../core/result.js";
import { ExitCode, RunError, UsageError } from "../errors.js";
import { checkWritable, writeChunksAtomic } from "../io/atomic-write.js";
import { renderJsonChunks } from "../reporters/json.js";
import { exitCodeFor } from "./eval.js";
import { share } from "./eval-settings.js";
import { harnessVersion, type MergeFlags } from "./index.js";
import type { CliIo } from "./io.js";
import { readRunReport } from "./report.js";
import { checkOutputsApart, reporterOutputs } from "./outputs.js";
import { checkReporterTargets, parseReporters, writeReports } from "./reporting.js";

export async function mergeCommand(files: string[], flags: MergeFlags, io: CliIo): Promise<number> {
  const cwd = io.cwd;
  const alpha = share("--alpha", flags.alpha, { open: true });
  const maxErrorShare = share("--max-error-rate", flags.maxErrorRate, { open: false });
  const reporters = parseReporters(flags.reporter);
  const reports = [];
  for (const f of files) {
    const abs = path.resolve(cwd, f);
    reports.push(await readRunReport(abs, path.relative(cwd, abs)));
  }
  let raw;
  try {
    raw = mergeRuns(reports);
  } catch (err) {
    if (err instanceof MergeConflict) throw new UsageError(`cannot merge: ${err.message}`);
    throw err;
  }
  const baselineFile = path.resolve(cwd, flags.baseline ?? DEFAULT_BASELINE_PATH);
  const baseline = await readBaseline(baselineFile, path.relative(cwd, baselineFile));
  if (!baseline && (flags.requireBaseline || flags.baseline !== undefined) && !flags.updateBaseline) {
    throw new UsageError(`no baseline at ${path.relative(cwd, baselineFile)}`);
  }
  // The shards skipped this check: the whole run is here.
  const foreign = baseline && !flags.updateBaseline ? foreignBaseline(raw.suites.map((s) => ({ name: s.suite.name, cases: s.cases.map((c) => ({ id: c.case.id })) })), baseline, path.relative(cwd, baselineFile)) : undefined;
  const warning = refuseOrWarn(foreign, flags.requireBaseline === true || flags.baseline !== undefined, "pass this project's baseline with --baseline");
  if (warning) io.stderr.write(warning);
  checkOutputsApart(
    [...(flags.output ? [{ file: path.resolve(cwd, flags.output), label: "-o/--output" }] : []), ...reporterOutputs(reporters, cwd), ...(flags.updateBaseline ? [{ file: baselineFile, label: "--update-baseline" }] : [])],
    { files: [...files.map((f) => ({ file: path.resolve(cwd, f), label: "a shard report to merge" })), ...(flags.updateBaseline ? [] : [{ file: baselineFile, label: "the baseline" }])] },
    cwd,
  );
  await checkReporterTargets(reporters, cwd);
  if (flags.output) await checkWritable(path.resolve(cwd, flags.output), "-o/--output");

  // A shard that covered part of its cases makes the whole run partial: no verdict, no baseline.
  // A shard stopped by Ctrl-C is one such part: the merge was not interrupted, so it is not
  // judged (exit 3), not 130 as if someone had stopped the merge itself.
  // A shard's own reason says "this part of it stopped there": name the part, and count the others.
  const stoppedParts = reports.flatMap((r, i) => {
    const why = r.stopped ?? (r.interrupted ? `interrupted by ${r.interrupted}` : null);
    return why ? [{ part: r.shard ? `shard ${r.shard.index}/${r.shard.count} (${files[i]})` : files[i]!, why }] : [];
  });
  const [first] = stoppedParts;
  const others = stoppedParts.length - 1;
  const stopped = first && `${first.part}: ${first.why}${others > 0 ? ` (and ${others} more part${others > 1 ? "s" : ""} stopped)` : ""}`;
  const result = buildRunResult(raw, {
    baseline,
    baselinePath: path.relative(cwd, baselineFile),
    alpha,
    maxErrorShare,
    pendingPolicy: flags.pending,
    harnessVersion: harnessVersion(),
    at: atOf(reports),
    ...(stopped ? { stopped } : {}),
    mergedFrom: files.map((f) => path.relative(cwd, path.resolve(cwd, f))),
    updatingBaseline: flags.updateBaseline === true,
  });
  if (flags.output) await writeChunksAtomic(path.resolve(cwd, flags.output), renderJsonChunks(result), "report");
  await writeReports(result, reporters, io, { color: flags.color, saved: flags.output });
  io.stderr.write(`Merged ${reports.length} report${reports.length === 1 ? "" : "s"}: ${raw.suites.reduce((n, s) => n + s.cases.length, 0)} cases.\n`);

  const code = exitCodeFor(result);
  if (flags.updateBaseline && code === ExitCode.ok) {
    await writeBaseline(baselineFile, buildBaseline(result.suites, baseline, harnessVersion(), cwd));
    io.stderr.write(keptForPending(result.suites, baseline) ?? "");
    io.stderr.write(`Wrote the baseline to ${path.relative(cwd, baselineFile)}.\n`);
  }
  if (code === ExitCode.runError) throw new RunError("run.not-judged", `the merged run could not be judged: ${result.gate.notJudgedReason}`);
  return code;
}
