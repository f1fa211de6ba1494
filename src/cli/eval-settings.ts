/** The flags of `eval` (and of the commands that run suites as it does) checked once, as settings. */
import { stat } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_BASELINE_PATH } from "../baseline/baseline.js";
import { parseJudgeId, parseProviderId } from "../config/load.js";
import { selectCases, suitePartOf } from "../core/select.js";
import type { Shard } from "../core/shard.js";
import { closest } from "../config/issues.js";
import type { LoadedSuite } from "../core/types.js";
import { MAX_CONCURRENCY, MAX_TIMEOUT_MS, MAX_TRIALS } from "../defaults.js";
import { UsageError } from "../errors.js";
import { DEFAULT_REVIEWS_PATH, type ReviewStore } from "../reviews/store.js";
import type { RunOptions } from "../runner/run.js";
import { wholeNumber } from "./flag-numbers.js";
import type { EvalFlags } from "./index.js";
import type { CliIo } from "./io.js";
import type { RunProgress } from "./progress.js";

function positiveInt(name: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = wholeNumber(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${name} expects a whole number ≥ 1${max < Number.MAX_SAFE_INTEGER ? ` and ≤ ${max.toLocaleString("en-US")}` : ""}, got "${value}"`);
  return n;
}

function nonNegativeInt(name: string, value: string): number {
  const n = wholeNumber(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} expects a whole number ≥ 0, got "${value}"`);
  return n;
}

export function share(name: string, value: string, { open }: { open: boolean }): number {
  // Number("") is 0: an empty value (an unset variable in a script) must not mean "no errors allowed".
  const n = value.trim() === "" ? Number.NaN : Number(value);
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
/**
 * The fixtures folder, checked before any call: a file there is a mistake whatever the mode,
 * and --offline from a folder that is not there, for suites that call a model, has nothing to
 * replay (it read as "a changed prompt needs re-recording", exit 3). Suites of exec: apps alone
 * replay nothing and need none. A folder not there yet is fine otherwise: --record makes it,
 * and a run from it is a live run.
 */
export async function checkFixturesFolder(s: Pick<EvalSettings, "fixtures" | "fixturesDir">, cwd: string, suites: readonly LoadedSuite[]): Promise<void> {
  const dir = path.resolve(cwd, s.fixturesDir);
  const info = await stat(dir).catch(() => null);
  const shown = path.relative(cwd, dir) || dir;
  if (info && !info.isDirectory()) throw new UsageError(`--fixtures ${shown}: that is a file; give the fixtures folder`);
  if (!info && s.fixtures === "offline" && suites.some(callsAModel)) {
    throw new UsageError(`--offline: no fixtures folder at ${shown}, so nothing to replay`, { hint: "check --fixtures, or record answers first with --record" });
  }
}

/** Whether a suite asks a model anything, as target or judge: what fixtures replay. */
function callsAModel(suite: LoadedSuite): boolean {
  const model = (id: string | undefined) => id !== undefined && !id.startsWith("exec:");
  return model(suite.provider.id) || model(suite.judge?.id) || suite.cases.some((c) => c.graders.some((g) => "judge" in g && g.judge !== undefined));
}

export function settingsFromFlags(paths: string[], flags: Omit<EvalFlags, "color" | "quiet">): EvalSettings {
  // `harness eval "$SUITE"` with SUITE unset: read as the project folder, it ran every suite there.
  if (paths.some((p) => p.trim() === "")) throw new UsageError("a suite path given is empty: name a suite file or folder, or give none for evals/");
  return {
    paths,
    provider: flags.provider === undefined ? undefined : parseProviderId(flags.provider),
    judge: flags.judge === undefined ? undefined : parseJudgeId(flags.judge),
    // As for a suite's trials: a billion trials of one case filled memory before the first call.
    trials: positiveInt("-k/--trials", flags.trials, MAX_TRIALS),
    at: parseAt(flags.at),
    concurrency: positiveInt("-j/--concurrency", flags.concurrency, MAX_CONCURRENCY)!,
    timeoutMs: positiveInt("--timeout", flags.timeout, MAX_TIMEOUT_MS)!,
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

/** Every --case pattern, comma-separated ones apart; undefined when none was given. */
export function parseCasePatterns(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const patterns = values.flatMap((v) => v.split(",")).map((p) => p.trim());
  const bad = patterns.find((p) => p === "" || p.endsWith("/"));
  if (bad !== undefined) throw new UsageError(`--case expects a case id, or suite/id, with * and ? as wildcards; got "${values.join(",")}"`);
  return [...new Set(patterns)];
}

/** The cases --case chose. A pattern that chose none is a typo far more often than a wish: exit 2, with the nearest name. */
export function chooseCases(suites: readonly LoadedSuite[], patterns: readonly string[]): LoadedSuite[] {
  const { suites: chosen, unmatched } = selectCases(suites, patterns);
  if (unmatched.length === 0) return chosen;
  const names = suites.flatMap((s) => s.cases.flatMap((c) => [c.id, `${s.name}/${c.id}`]));
  let unknownSuite = false;
  const problems = unmatched.map((p) => {
    const part = suitePartOf(p);
    if (part && !suites.some((s) => part.matches(s.name))) {
      unknownSuite = true;
      // A suite goes by its name:, not its file's: support.yaml may hold the suite support-bot.
      const byFile = suites.find((s) => part.matches(path.basename(s.file).replace(/\.ya?ml$/i, "")));
      const said = `--case "${p}": no suite is named "${part.glob}"`;
      const id = p.slice(part.glob.length + 1);
      if (byFile) return `${said} (${byFile.file} holds the suite named "${byFile.name}": did you mean "${byFile.name}/${id}"?)`;
      const near = closest(part.glob, suites.map((s) => s.name));
      return `${said}${near ? ` (did you mean "${near}/${id}"?)` : ""}`;
    }
    const near = closest(p, names);
    return `--case "${p}"${near ? ` (did you mean "${near}"?)` : ""}`;
  });
  const suiteNames = suites.map((s) => s.name);
  const listed = suiteNames.length > 8 ? `${suiteNames.slice(0, 8).join(", ")} and ${suiteNames.length - 8} more` : suiteNames.join(", ");
  throw new UsageError(`no case in the suites run matches ${problems.join(", nor ")}`, {
    hint: `a pattern is a case id, or suite/id, as the suite files spell them (a suite by its name:, not its file's); * stands for any characters, ? for one${unknownSuite ? `; the suites run: ${listed}` : ""}`,
  });
}

/** How suites run, from the settings: shared by every command that runs them. `progress` shows the run as it goes. */
export function runOptions(s: EvalSettings, io: CliIo, reviews: ReviewStore, progress: RunProgress): RunOptions {
  return {
    cwd: io.cwd,
    concurrency: s.concurrency,
    timeoutMs: s.timeoutMs,
    retry: { retries: s.retries },
    fixtures: s.fixtures,
    fixturesDir: s.fixturesDir,
    env: io.env,
    reviews: (suite, caseId, key, hash, prompt) => {
      const r = reviews.get(suite, caseId, key, hash, prompt);
      return r && { verdict: r.verdict, reviewer: r.reviewer, ...(r.note ? { note: r.note } : {}) };
    },
    ...(io.signal ? { signal: io.signal } : {}),
    // Warnings on lines of their own: the progress line, if any, is cleared first and drawn again.
    ...progress.hooks(),
  };
}
