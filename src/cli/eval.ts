/** `harness eval`: load → run → build the result → report → exit code. */
import { stat } from "node:fs/promises";
import path from "node:path";
import { buildBaseline, DEFAULT_BASELINE_PATH, readBaseline, writeBaseline } from "../baseline/baseline.js";
import { loadSuites, parseJudgeId, parseProviderId } from "../config/load.js";
import { buildRunResult } from "../core/result.js";
import { baselineForShard, selectShard, type Shard } from "../core/shard.js";
import type { RunResult } from "../core/types.js";
import { ExitCode, RunError, UsageError } from "../errors.js";
import { checkWritable, writeChunksAtomic } from "../io/atomic-write.js";
import { renderJsonChunks } from "../reporters/json.js";
import { DEFAULT_REVIEWS_PATH, openReviews, type ReviewStore } from "../reviews/store.js";
import { runSuites, type RunOptions } from "../runner/run.js";
import { harnessVersion, type EvalFlags } from "./index.js";
import type { CliIo } from "./io.js";
import { batchOptions } from "./batch.js";
import { closeRunJournal, openRunJournal } from "./run-journal.js";
import { historyFile, openHistory, recordHistory } from "./history.js";
import { htmlReportFile, openInBrowser, withHtmlReporter } from "./open.js";
import { checkReporterTargets, parseReporters, writeReports } from "./reporting.js";

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} expects a whole number ≥ 1, got "${value}"`);
  return n;
}

function nonNegativeInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} expects a whole number ≥ 0, got "${value}"`);
  return n;
}

export function share(name: string, value: string, { open }: { open: boolean }): number {
  const n = Number(value);
  const ok = Number.isFinite(n) && (open ? n > 0 && n < 1 : n >= 0 && n <= 1);
  if (!ok) throw new UsageError(`${name} expects a number ${open ? "strictly between 0 and 1" : "from 0 to 1"}, got "${value}"`);
  return n;
}

function parseAt(value: string | undefined): number[] {
  if (value === undefined) return [];
  return value.split(",").map((s) => positiveInt("--at", s.trim())!);
}

export interface EvalSettings {
  paths: string[];
  provider: string | undefined;
  judge: string | undefined;
  trials: number | undefined;
  at: number[];
  concurrency: number;
  timeoutMs: number;
  retries: number;
  fixtures: "auto" | "record" | "offline";
  fixturesDir: string;
  baselinePath: string;
  updateBaseline: boolean;
  requireBaseline: boolean;
  reviewsPath: string;
  pending: "warn" | "fail";
  alpha: number;
  maxErrorShare: number;
  output: string | undefined;
}

/** The one mapping from flags to settings: every flag is checked here, before anything runs. */
export function settingsFromFlags(paths: string[], flags: Omit<EvalFlags, "color" | "quiet">): EvalSettings {
  return {
    paths,
    provider: flags.provider === undefined ? undefined : parseProviderId(flags.provider),
    judge: flags.judge === undefined ? undefined : parseJudgeId(flags.judge),
    trials: positiveInt("-k/--trials", flags.trials),
    at: parseAt(flags.at),
    concurrency: positiveInt("-j/--concurrency", flags.concurrency)!,
    timeoutMs: positiveInt("--timeout", flags.timeout)!,
    retries: nonNegativeInt("--retries", flags.retries),
    fixtures: flags.offline ? "offline" : flags.record ? "record" : "auto",
    fixturesDir: flags.fixtures,
    baselinePath: flags.baseline ?? DEFAULT_BASELINE_PATH,
    // A baseline named on the command line must exist: a typo must not turn the gate off.
    requireBaseline: flags.requireBaseline === true || flags.baseline !== undefined,
    reviewsPath: flags.reviews ?? DEFAULT_REVIEWS_PATH,
    pending: flags.pending,
    updateBaseline: flags.updateBaseline === true,
    alpha: share("--alpha", flags.alpha, { open: true }),
    maxErrorShare: share("--max-error-rate", flags.maxErrorRate, { open: false }),
    output: flags.output,
  };
}

/** "2/4" → shard 2 of 4. */
export function parseShard(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard expects i/n with 1 ≤ i ≤ n, e.g. 2/4; got "${value}"`);
  return { index, count };
}

/** How suites run, from the settings: shared by every command that runs them. */
export function runOptions(s: EvalSettings, io: CliIo, reviews: ReviewStore): RunOptions {
  return {
    cwd: io.cwd,
    concurrency: s.concurrency,
    timeoutMs: s.timeoutMs,
    retry: { retries: s.retries },
    fixtures: s.fixtures,
    fixturesDir: s.fixturesDir,
    env: io.env,
    reviews: (suite, caseId, key, hash) => {
      const r = reviews.get(suite, caseId, key, hash);
      return r && { verdict: r.verdict, reviewer: r.reviewer, ...(r.note ? { note: r.note } : {}) };
    },
    ...(io.signal ? { signal: io.signal } : {}),
  };
}

export async function evalCommand(paths: string[], flags: EvalFlags, io: CliIo): Promise<number> {
  const s = settingsFromFlags(paths, flags);
  const cwd = io.cwd;
  // Everything that can be wrong with the input is found before the first call.
  const all = await loadSuites(s.paths, { cwd, provider: s.provider, trials: s.trials, judge: s.judge });
  const shard = parseShard(flags.shard);
  const suites = shard ? selectShard(all, shard) : all;
  for (const suite of suites) {
    const tooBig = s.at.filter((k) => k > suite.trials);
    if (tooBig.length > 0) throw new UsageError(`--at ${tooBig.join(",")}: k must be at most the ${suite.trials} trials of suite "${suite.name}"`);
  }
  const baselineFile = path.resolve(cwd, s.baselinePath);
  const stored = await readBaseline(baselineFile);
  const baseline = stored && shard ? baselineForShard(stored, shard) : stored;
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
  const history = historyAt ? await openHistory(historyAt, cwd) : undefined;
  if (s.output) await checkWritable(path.resolve(cwd, s.output), "-o/--output");
  if (s.updateBaseline) await checkWritable(baselineFile, "--baseline");
  if (shard && s.updateBaseline) throw new UsageError("--update-baseline with --shard would write a baseline of one shard: merge the shards' reports, then write it from the whole run");

  const journal = await openRunJournal(io, { file: flags.journal, resume: flags.resume === true, shard });
  const progress = !flags.quiet && io.stderr.isTTY === true;
  let raw;
  try {
    raw = await runSuites(suites, {
      ...runOptions(s, io, reviews),
      ...(journal.prior ? { prior: journal.prior } : {}),
      ...(journal.writer ? { sink: journal.writer } : {}),
      ...(flags.batch ? { batch: batchOptions(flags, io) } : {}),
      ...(progress ? { onTrial: ({ done, total }: { done: number; total: number }) => io.stderr.write(`\r${done}/${total} trials`) } : {}),
    });
  } finally {
    if (progress) io.stderr.write("\r\x1b[K");
    if (!raw) await journal.writer?.close(true);
  }
  const trials = raw.suites.flatMap((x) => x.cases.flatMap((c) => c.trials));
  await closeRunJournal(journal, io, {
    interrupted: io.signal?.aborted === true,
    resumed: raw.resumed ?? 0,
    finished: trials.filter((t) => t.output !== null).length,
    total: trials.length,
  });

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
    shard: shard ?? null,
  });

  const entries = historyAt && history ? await recordHistory(result, historyAt, history, io) : undefined;
  if (s.output) await writeChunksAtomic(path.resolve(cwd, s.output), renderJsonChunks(result), "report");
  await writeReports(result, reporters, io, flags.color, entries);
  if (htmlFile) await openInBrowser(htmlFile, io);

  if (shard) io.stderr.write(`Shard ${shard.index}/${shard.count}: ${suites.reduce((n, x) => n + x.cases.length, 0)} cases. The gate is applied once, by harness merge over all shards' reports.\n`);
  const code = exitCodeFor(result, s);
  if (s.updateBaseline) {
    if (code === ExitCode.ok) {
      await writeBaseline(baselineFile, buildBaseline(result.suites, baseline, harnessVersion(), cwd));
      io.stderr.write(`Wrote the baseline to ${path.relative(cwd, baselineFile)}${result.gate.status === "fail" ? " (--update-baseline accepts this run as the reference: regressions against the old baseline above are not enforced)" : ""}.\n`);
    } else {
      const why = result.gate.notJudgedReason ?? (code === ExitCode.gateFailed ? "a suite threshold was not met, or reviews are pending with --pending fail" : "the run did not finish");
      io.stderr.write(`The baseline was not written: ${why}.\n`);
    }
  }
  if (code === ExitCode.runError) {
    throw new RunError("run.not-judged", `the run could not be judged: ${result.gate.notJudgedReason}`, { hint: notJudgedHint(result.errors.byCategory) });
  }
  return code;
}

/** The exit code of a finished run. */
export function exitCodeFor(result: RunResult, s: Pick<EvalSettings, "updateBaseline">): number {
  if (result.interrupted === "SIGINT") return ExitCode.sigint;
  if (result.interrupted === "SIGTERM") return ExitCode.sigterm;
  // One shard's gate corrects over the wrong family of tests: merge gates once, over all of them.
  if (result.gate.deferred) return ExitCode.ok;
  if (!result.gate.judged) return ExitCode.runError;
  // Updating the baseline accepts this run as the new reference, so it cannot regress against
  // the old one; thresholds are absolute floors and still hold.
  if (s.updateBaseline) return result.gate.regressions.some((r) => r.kind === "threshold" || r.kind === "pending") ? ExitCode.gateFailed : ExitCode.ok;
  return result.gate.status === "fail" ? ExitCode.gateFailed : ExitCode.ok;
}


/** What to do about a run that could not be judged, from what went wrong most. */
export function notJudgedHint(byCategory: RunResult["errors"]["byCategory"]): string {
  // Offline, a missing answer is never a passing fault: raising --max-error-rate cannot help.
  if ((byCategory["missing-fixture"] ?? 0) > 0) {
    return "record the missing answers with --record (needs the provider's key), or ask for no more trials (-k) than were recorded";
  }
  return "see the errors above; fix the provider, key or fixtures, or raise --max-error-rate";
}
