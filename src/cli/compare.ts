/** `harness compare`: the same suites on each model (or one model and the baseline) → a paired comparison → report → exit code. */
import path from "node:path";
import { foreignBaseline, readBaseline } from "../baseline/baseline.js";
import { loadSuites, parseProviderId } from "../config/load.js";
import { sideFromBaseline, sideFromRun, type ComparisonSide } from "../core/comparison-sides.js";
import { compareModels } from "../core/model-comparison.js";
import type { ModelComparison } from "../core/model-comparison-types.js";
import { buildRunResult } from "../core/result.js";
import type { Baseline, LoadedSuite } from "../core/types.js";
import { ExitCode, RunError, UsageError } from "../errors.js";
import { checkWritable, writeChunksAtomic } from "../io/atomic-write.js";
import { COMPARE_REPORTERS } from "../reporters/index.js";
import { renderJsonChunks } from "../reporters/json.js";
import { openReviews } from "../reviews/store.js";
import { runToEnd, trialCount, RunStopped } from "../runner/run.js";
import { notJudgedHint } from "./eval.js";
import { checkFixturesFolder, runOptions, settingsFromFlags } from "./eval-settings.js";
import { harnessVersion, type CompareFlags } from "./index.js";
import type { CliIo } from "./io.js";
import { htmlReportFile, openInBrowser, withHtmlReporter } from "./open.js";
import { RunProgress } from "./progress.js";
import { checkOutputsApart, reporterOutputs, suiteInputs } from "./outputs.js";
import { checkReporterTargets, parseReporters, writeReports } from "./reporting.js";

/** Which sides to run: every -p, or (against the baseline) one -p or the suites' own providers. */
function checkProviders(flags: CompareFlags): (string | undefined)[] {
  const ids = (flags.provider ?? []).map(parseProviderId);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new UsageError(`-p ${dup} is given twice: compare needs different models`);
  if (flags.againstBaseline) {
    if (ids.length > 1) throw new UsageError(`--against-baseline compares one run with the baseline, but ${ids.length} -p were given`, { hint: "give one -p (or none, for the suites' own providers)" });
    return [ids[0]];
  }
  if (ids.length < 2) {
    throw new UsageError(`compare needs at least two models, got ${ids.length}`, {
      hint: "harness compare -p openai:gpt-4o-mini -p anthropic:claude-haiku-4-5 (the first is the reference), or --against-baseline",
    });
  }
  return ids;
}

function labelOf(provider: string | undefined, suites: readonly LoadedSuite[]): string {
  return provider ?? [...new Set(suites.map((s) => s.provider.id))].join(" + ");
}

export async function compareCommand(paths: string[], flags: CompareFlags, io: CliIo): Promise<number> {
  const providers = checkProviders(flags);
  // One flag mapping for every command that runs suites; eval's gate flags have no meaning here.
  const s = settingsFromFlags(paths, { ...flags, provider: undefined, pending: "warn" });
  const cwd = io.cwd;
  // Everything that can be wrong with the input is found before the first call.
  const loaded: { label: string; suites: LoadedSuite[] }[] = [];
  for (const p of providers) {
    const suites = await loadSuites(s.paths, { cwd, provider: p, trials: s.trials, judge: s.judge });
    loaded.push({ label: labelOf(p, suites), suites });
  }
  await checkFixturesFolder(s, cwd, loaded.flatMap((side) => side.suites));
  const baselineFile = path.resolve(cwd, s.baselinePath);
  const baseline = flags.againstBaseline ? await readBaseline(baselineFile, path.relative(cwd, baselineFile)) : null;
  if (flags.againstBaseline && !baseline) {
    throw new UsageError(`no baseline at ${path.relative(cwd, baselineFile)} to compare against`, { hint: "write one with harness eval --update-baseline, or pass --baseline" });
  }
  const foreign = baseline ? foreignBaseline(loaded[0]!.suites, baseline, path.relative(cwd, baselineFile)) : undefined;
  if (foreign) throw new UsageError(`${foreign}: nothing to compare`, { hint: "pass this project's baseline with --baseline" });
  if (baseline) {
    const matched = matchBaselineTrials(loaded[0]!.suites, baseline, s.trials);
    loaded[0]!.suites = matched.suites;
    for (const note of matched.notes) io.stderr.write(`harness: ${note}\n`);
  }
  const reviewsFile = path.resolve(cwd, s.reviewsPath);
  const reviews = await openReviews(reviewsFile, path.relative(cwd, reviewsFile));
  const parsed = parseReporters(flags.reporter, COMPARE_REPORTERS);
  const reporters = flags.open ? withHtmlReporter(parsed, COMPARE_REPORTERS) : parsed;
  const htmlFile = flags.open ? htmlReportFile(reporters, cwd) : undefined;
  checkOutputsApart(
    [...(s.output ? [{ file: path.resolve(cwd, s.output), label: "-o/--output" }] : []), ...reporterOutputs(reporters, cwd)],
    {
      files: [...suiteInputs(loaded.flatMap((side) => side.suites)), { file: baselineFile, label: "the baseline" }, { file: reviewsFile, label: "the reviews file" }],
      folders: [{ file: path.resolve(cwd, s.fixturesDir), label: "the fixtures folder" }],
    },
    cwd,
  );
  await checkReporterTargets(reporters, cwd);
  if (s.output) await checkWritable(path.resolve(cwd, s.output), "-o/--output");

  io.sizeRun?.(trialCount(loaded.flatMap((side) => side.suites)));
  const started = Date.now();
  // One progress for every model: its pace runs from the start of the comparison.
  const progress = new RunProgress(io, flags.quiet === true);
  const sides: ComparisonSide[] = [];
  // A side stopped by an error no call could get past (no key for it) is not judged, and
  // neither is the comparison: the sides after it are not run (each trial cancelled, no call
  // paid for), and the report still says why, as eval's does.
  let stopped: RunStopped | undefined;
  try {
    for (const { label, suites } of loaded) {
      progress.section(label, trialCount(suites));
      const { raw, stopped: stoppedHere } = await runToEnd(suites, {
        ...runOptions(s, io, reviews, progress),
        maxErrorShare: s.maxErrorShare,
        ...(stopped ? { signal: AbortSignal.abort() } : {}),
      });
      // Too many errors are the provider's: the error says which side's (the report's reason already does).
      stopped ??= stoppedHere?.code === "run.too-many-errors" ? new RunStopped(new RunError(stoppedHere.code, `${label}: ${stoppedHere.message}`, { hint: stoppedHere.hint }), raw) : stoppedHere;
      const run = buildRunResult(raw, { alpha: s.alpha, maxErrorShare: s.maxErrorShare, harnessVersion: harnessVersion(), interrupted: interruption(io), ...(stoppedHere ? { stopped: stoppedHere.message } : {}) });
      sides.push(sideFromRun(run, label));
    }
  } finally {
    progress.stop();
  }
  if (baseline) {
    const label = `baseline (${path.relative(cwd, baselineFile)}${baseline.git.commit ? ` @ ${baseline.git.commit.slice(0, 7)}` : ""})`;
    sides.unshift(sideFromBaseline(baseline, label, loaded[0]!.suites.map((x) => x.name)));
  }
  const result = compareModels(sides[0]!, sides.slice(1), {
    mode: baseline ? "baseline" : "providers",
    harnessVersion: harnessVersion(),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    alpha: s.alpha,
    interrupted: interruption(io),
  });

  if (s.output) await writeChunksAtomic(path.resolve(cwd, s.output), renderJsonChunks(result), "comparison");
  await writeReports(result, reporters, io, { color: flags.color, saved: s.output });
  if (htmlFile) await openInBrowser(htmlFile, io);
  const code = compareExitCode(result);
  // The error itself says best what to do (set the key, say).
  if (stopped && code === ExitCode.runError) throw stopped;
  if (code === ExitCode.runError) {
    throw new RunError("compare.not-judged", `the comparison could not be judged: ${result.notJudgedReason}`, {
      hint: notJudgedHint(Object.assign({}, ...result.providers.map((x) => x.errorsByCategory))),
    });
  }
  return code;
}

/**
 * Each suite runs as many trials as the baseline holds for it, unless -k says otherwise: the
 * paired tests hold α with unequal counts (test/paired.test.ts), but pass^k and the all-pass
 * cases would set k trials against another number. A -k that differs is run as given, with a
 * warning that says what it costs.
 */
export function matchBaselineTrials(suites: readonly LoadedSuite[], baseline: Baseline, explicit: number | undefined): { suites: LoadedSuite[]; notes: string[] } {
  const notes: string[] = [];
  const matched = suites.map((suite) => {
    const stored = baseline.suites[suite.name]?.trials;
    // A hand-edited baseline can hold 0: that is no count to run.
    if (stored === undefined || stored < 1 || stored === suite.trials) return suite;
    if (explicit !== undefined) {
      notes.push(`warning: ${suite.name} runs ${suite.trials} trials per case (-k) but the baseline holds ${stored}: pass^k and the all-pass cases then set ${suite.trials} trials against ${stored}; drop -k to run ${stored}`);
      return suite;
    }
    notes.push(`${suite.name}: ${stored} trials per case, as the baseline ran (the suite asks for ${suite.trials}; -k overrides)`);
    return { ...suite, trials: stored };
  });
  return { suites: matched, notes };
}

function interruption(io: CliIo): ModelComparison["interrupted"] {
  return io.signal?.aborted ? (io.signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT") : null;
}

/** The exit code of a finished comparison: 1 only for a candidate significantly worse than the reference. */
export function compareExitCode(result: ModelComparison): number {
  if (result.interrupted === "SIGINT") return ExitCode.sigint;
  if (result.interrupted === "SIGTERM") return ExitCode.sigterm;
  if (!result.judged) return ExitCode.runError;
  return result.status === "fail" ? ExitCode.gateFailed : ExitCode.ok;
}
