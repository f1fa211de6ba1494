/** `harness eval`: load → run → build the result → report → exit code. */
import { stat } from "node:fs/promises";
import path from "node:path";
import { buildBaseline, keptForPending, foreignBaseline, readBaseline, refuseOrWarn, writeBaseline } from "../baseline/baseline.js";
import { loadSuites } from "../config/load.js";
import { buildRunResult } from "../core/result.js";
import { baselineForShard, selectShard, shardOfRun } from "../core/shard.js";
import { baselineForCases } from "../core/select.js";
import type { RunResult } from "../core/types.js";
import { ExitCode, RunError, UsageError } from "../errors.js";
import { checkWritable, writeChunksAtomic } from "../io/atomic-write.js";
import { renderJsonChunks } from "../reporters/json.js";
import { openReviews } from "../reviews/store.js";
import { runToEnd, trialCount, whatToFix, type RunStopped } from "../runner/run.js";
import { harnessVersion, type EvalFlags } from "./index.js";
import type { CliIo } from "./io.js";
import { batchOptions } from "./batch.js";
import { RunProgress } from "./progress.js";
import { checkOutputsApart, reporterOutputs, suiteInputs } from "./outputs.js";
import { closeRunJournal, defaultJournalPath, endRunJournal, openRunJournal } from "./run-journal.js";
import { historyFile, openHistory, recordHistory } from "./history.js";
import { htmlReportFile, openInBrowser, withHtmlReporter } from "./open.js";
import { checkReporterTargets, parseReporters, writeReports } from "./reporting.js";
import { checkFixturesFolder, chooseCases, parseCasePatterns, parseShard, runOptions, settingsFromFlags } from "./eval-settings.js";
import { hasOutput } from "../core/stored-output.js";

export async function evalCommand(paths: string[], flags: EvalFlags, io: CliIo): Promise<number> {
  const s = settingsFromFlags(paths, flags);
  const cwd = io.cwd;
  // Everything that can be wrong with the input is found before the first call.
  const all = await loadSuites(s.paths, { cwd, provider: s.provider, trials: s.trials, judge: s.judge });
  const shard = parseShard(flags.shard);
  const patterns = parseCasePatterns(flags.case);
  // Refused before anything is checked by writing (-o's folders are made to test them).
  if (shard && s.updateBaseline) throw new UsageError("--update-baseline with --shard would write a baseline of one shard: merge the shards' reports, then write it from the whole run");
  if (patterns && shard) throw new UsageError("--case with --shard: shards split whole suites, so that harness merge can gate them; run the chosen cases in one job");
  if (patterns && s.updateBaseline) throw new UsageError("--update-baseline with --case would write a baseline of the chosen cases only: write it from a run of every case");
  const suites = shard ? selectShard(all, shard) : patterns ? chooseCases(all, patterns) : all;
  for (const suite of suites) {
    const tooBig = s.at.filter((k) => k > suite.trials);
    if (tooBig.length > 0) throw new UsageError(`--at ${tooBig.join(",")}: k must be at most the ${suite.trials} trials of suite "${suite.name}"`);
  }
  await checkFixturesFolder(s, cwd, suites);
  const baselineFile = path.resolve(cwd, s.baselinePath);
  const stored = await readBaseline(baselineFile, path.relative(cwd, baselineFile));
  const baseline = stored && shard ? baselineForShard(stored, shard) : stored && patterns ? baselineForCases(stored, suites) : stored;
  // A shard may hold no case of the baseline's, or none at all: harness merge judges the whole.
  // A run of named files may be new suites alone: said, not refused. A run of folders is the suites.
  // Chosen cases (--case) may all be new: whether the baseline is this project's is asked of every case, and the whole baseline.
  const foreign = stored && !s.updateBaseline && !shard ? foreignBaseline(patterns ? all : suites, stored, path.relative(cwd, baselineFile)) : undefined;
  const warning = refuseOrWarn(foreign, foreign !== undefined && s.requireBaseline && !(await namesFilesOnly(paths, cwd)), "pass this project's baseline with --baseline, or write one with --update-baseline");
  if (warning) io.stderr.write(warning);
  if (!baseline && s.requireBaseline && !s.updateBaseline) {
    throw new UsageError(`no baseline at ${path.relative(cwd, baselineFile)}${flags.baseline === undefined ? ", and --require-baseline is set" : ""}`, {
      hint: "run from the project folder, pass --baseline, or write one with --update-baseline",
    });
  }
  const reviewsFile = path.resolve(cwd, s.reviewsPath);
  if (flags.reviews !== undefined && !(await stat(reviewsFile).catch(() => null))) {
    throw new UsageError(`no reviews file at ${path.relative(cwd, reviewsFile)}`, { hint: "check the path; harness review creates the file with the first verdict" });
  }
  const reviews = await openReviews(reviewsFile, path.relative(cwd, reviewsFile));
  const reporters = flags.open ? withHtmlReporter(parseReporters(flags.reporter)) : parseReporters(flags.reporter);
  const htmlFile = flags.open ? htmlReportFile(reporters, cwd) : undefined;
  await checkReporterTargets(reporters, cwd);
  const historyAt = historyFile(flags.history, cwd);
  if (historyAt && shard) throw new UsageError("--history with --shard would record one shard's figures as a whole run: record whole runs only");
  if (historyAt && patterns) throw new UsageError("--history with --case would record the chosen cases' figures as the suites': record whole runs only");
  const history = historyAt ? await openHistory(historyAt, cwd) : undefined;
  checkOutputsApart(
    [
      ...(s.output ? [{ file: path.resolve(cwd, s.output), label: "-o/--output" }] : []),
      ...reporterOutputs(reporters, cwd),
      { file: path.resolve(cwd, flags.journal ?? defaultJournalPath(shard)), label: "the journal (--journal)" },
      ...(historyAt ? [{ file: historyAt, label: "--history" }] : []),
      ...(s.updateBaseline ? [{ file: baselineFile, label: "--update-baseline" }] : []),
    ],
    {
      files: [...suiteInputs(all), ...(s.updateBaseline ? [] : [{ file: baselineFile, label: "the baseline" }]), { file: reviewsFile, label: "the reviews file" }],
      folders: [{ file: path.resolve(cwd, s.fixturesDir), label: "the fixtures folder" }],
    },
    cwd,
  );
  if (s.output) await checkWritable(path.resolve(cwd, s.output), "-o/--output");
  if (s.updateBaseline) await checkWritable(baselineFile, "--baseline");

  io.sizeRun?.(trialCount(suites));
  const scope = {
    trials: Object.fromEntries(suites.map((x) => [x.name, x.trials])),
    ...(patterns ? { cases: patterns } : {}),
    ...(s.provider ? { provider: s.provider } : {}),
    ...(s.judge ? { judge: s.judge } : {}),
  };
  const journal = await openRunJournal(io, { file: flags.journal, resume: flags.resume === true, shard, scope });
  const progress = new RunProgress(io, flags.quiet === true);
  progress.section(undefined, trialCount(suites));
  let raw;
  // A run stopped by an error no call could get past still writes its report, not judged.
  let stopped: RunStopped | undefined;
  try {
    ({ raw, stopped } = await runToEnd(suites, {
      ...runOptions(s, io, reviews, progress),
      // A shard's errors are a share of all the shards' trials: past it, harness merge could not judge them.
      maxErrorShare: s.maxErrorShare,
      ...(shard ? { errorShareOf: trialCount(all) } : {}),
      ...(journal.prior ? { prior: journal.prior } : {}),
      ...(journal.writer ? { sink: journal.writer } : {}),
      ...(flags.batch ? { batch: batchOptions(flags, io, (e) => progress.batch(e)) } : {}),
    }));
  } finally {
    progress.stop();
    if (!raw) await closeRunJournal(journal, true);
  }
  endRunJournal(journal, io, {
    interrupted: io.signal?.aborted === true || stopped !== undefined,
    resumed: raw.resumed ?? 0,
    trials: raw.suites.flatMap((x) => x.cases.flatMap((c) => c.trials)),
  });

  try {
    const interrupted = io.signal?.aborted ? (io.signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT") : null;
    const result = buildRunResult(raw, {
      at: s.at,
      baseline,
      baselinePath: path.relative(cwd, baselineFile),
      alpha: s.alpha,
      maxErrorShare: s.maxErrorShare,
      pendingPolicy: s.pending,
      harnessVersion: harnessVersion(),
      interrupted,
      ...(stopped ? { stopped: stopped.message } : {}),
      shard: shard ? shardOfRun(all, shard) : null,
      ...(patterns ? { selection: patterns } : {}),
      updatingBaseline: s.updateBaseline,
    });

    const entries = historyAt && history ? await recordHistory(result, historyAt, history, io, journal.writer?.runId) : undefined;
    if (s.output) await writeChunksAtomic(path.resolve(cwd, s.output), renderJsonChunks(result), "report");
    await writeReports(result, reporters, io, { color: flags.color, history: entries, saved: s.output });
    if (htmlFile) await openInBrowser(htmlFile, io);

    if (shard) io.stderr.write(`Shard ${shard.index}/${shard.count}: ${casesIn(suites)}. The gate is applied once, by harness merge over all shards' reports.\n`);
    const code = exitCodeFor(result);
    if (s.updateBaseline) {
      if (code === ExitCode.ok) {
        await writeBaseline(baselineFile, buildBaseline(result.suites, baseline, harnessVersion(), cwd));
        io.stderr.write(keptForPending(result.suites, baseline) ?? "");
        io.stderr.write(`Wrote the baseline to ${path.relative(cwd, baselineFile)}${(result.gate.accepted ?? []).length > 0 ? " (--update-baseline accepts this run as the reference: its changes against the old baseline above are not enforced)" : ""}.\n`);
        if (flags.trials === undefined) io.stderr.write(steadierBaseline(result, flags.baseline));
      } else {
        const why = result.gate.notJudgedReason ?? (code === ExitCode.gateFailed ? "a suite threshold was not met, or reviews are pending with --pending fail" : "the run did not finish");
        io.stderr.write(`The baseline was not written: ${why}.\n`);
      }
    }
    // The error itself says best what to do (set the key, say).
    if (stopped) throw stopped;
    if (code === ExitCode.runError) {
      // The terminal's table names the cases; a run reporting only to files says here where to look.
      const first = firstError(result);
      const where = first ? `; the first: ${first}` : "";
      throw new RunError("run.not-judged", `the run could not be judged: ${result.gate.notJudgedReason}${where}`, { hint: notJudgedHint(result.errors.byCategory, result.errors.total > 0 && result.errors.errored === result.errors.total, (category) => erredOn(result, category)) });
    }
    return code;
  } finally {
    // Long outputs were read back from the journal for the reports: only now may another run have it.
    await closeRunJournal(journal);
  }
}

function casesIn(suites: readonly { cases: readonly unknown[] }[]): string {
  const n = suites.reduce((sum, x) => sum + x.cases.length, 0);
  return `${n} case${n === 1 ? "" : "s"}`;
}

/** The first errored trial of a run not judged, as "suite/case: why" (cancelled ones say nothing). */
function firstError(result: RunResult): string | undefined {
  for (const s of result.suites) {
    for (const c of s.cases) {
      const t = c.trials.find((x) => x.error && x.error.category !== "cancelled");
      if (t?.error) return `${s.name}/${c.id}: ${t.error.message.split("\n")[0]}`;
    }
  }
  return undefined;
}

/** Whether the paths name suite files alone, not a folder (none named is evals/, a folder). */
async function namesFilesOnly(paths: readonly string[], cwd: string): Promise<boolean> {
  if (paths.length === 0) return false;
  for (const p of paths) if (!(await stat(path.resolve(cwd, p)).catch(() => null))?.isFile()) return false;
  return true;
}

/** The exit code of a finished run. */
export function exitCodeFor(result: RunResult): number {
  if (result.interrupted === "SIGINT") return ExitCode.sigint;
  if (result.interrupted === "SIGTERM") return ExitCode.sigterm;
  // One shard's gate corrects over the wrong family of tests: merge gates once, over all of them.
  if (result.gate.deferred) return ExitCode.ok;
  if (!result.gate.judged) return ExitCode.runError;
  // Under --update-baseline the gate has already set the changes it accepts apart (gate.accepted).
  return result.gate.status === "fail" ? ExitCode.gateFailed : ExitCode.ok;
}


/** What to do about a run that could not be judged, from what went wrong most. */
export function notJudgedHint(byCategory: RunResult["errors"]["byCategory"], everyTrialErrored = false, from: (category: string) => "provider" | "judge" | undefined = () => undefined): string {
  // Offline, a missing answer is never a passing fault: raising --max-error-rate cannot help.
  if ((byCategory["missing-fixture"] ?? 0) > 0) {
    return "record the missing answers with --record (needs the provider's key), or ask for no more trials (-k) than were recorded";
  }
  // The errors' most frequent kind says what to fix: a grader's are the suite's, not the provider's.
  const [worst] = Object.entries(byCategory)
    .filter(([category]) => category !== "cancelled")
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  // Nor can raising --max-error-rate help when nothing was judged.
  return `see the errors above; fix ${whatToFix(worst?.[0], worst && from(worst[0]))}${everyTrialErrored ? "" : ", or raise --max-error-rate"}`;
}

/**
 * Whose answers a category's errored trials were about: the provider's (it gave none), or a
 * judge's (the provider's answer was being graded); undefined when both, or none erred so.
 */
function erredOn(result: RunResult, category: string): "provider" | "judge" | undefined {
  const from = new Set<"provider" | "judge">();
  for (const s of result.suites) for (const c of s.cases) for (const t of c.trials) if (t.error?.category === category) from.add(hasOutput(t) ? "judge" : "provider");
  return from.size === 1 ? [...from][0] : undefined;
}

/**
 * A baseline is one draw that gates every run after it: one that caught a flaky case on a lucky
 * streak fails later runs on it more often than α. More trials in the baseline than in the runs
 * make that rare (README, "A steady baseline"); the tests take unequal counts as they come.
 */
function steadierBaseline(result: RunResult, baselineFlag: string | undefined): string {
  const most = Math.max(...result.suites.map((x) => x.trials));
  const more = Math.min(4 * most, 10_000);
  if (more <= most) return "";
  // Replayed answers: the trials beyond those recorded must be asked for, and recorded for the next replay.
  const replayed = result.suites.some((x) => x.cases.some((c) => c.trials.some((t) => t.cached)));
  const command = `harness eval${baselineFlag !== undefined ? ` --baseline ${baselineFlag}` : ""} --update-baseline -k ${more}${replayed ? " --record" : ""}`;
  return `A baseline of more trials than the runs it gates is steadier, and fails them on noise less often: ${command}${replayed ? ", with the provider's key for the answers not yet recorded" : ""} (see "A steady baseline" in the README).\n`;
}

