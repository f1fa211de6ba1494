/** `harness review`: run the suites, then walk a person through what needs their verdict. */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { loadSuites } from "../config/load.js";
import { DEFAULT_ALPHA, DEFAULT_MAX_ERROR_SHARE } from "../defaults.js";
import { ExitCode, UsageError } from "../errors.js";
import { runFromReport } from "../reviews/from-report.js";
import type { RawRun } from "../core/types.js";
import { reviewedItems, reviewItems, staleReviews, type ReviewItem } from "../reviews/items.js";
import { runReviewSession } from "../reviews/session.js";
import { DEFAULT_REVIEWS_PATH, openReviews } from "../reviews/store.js";
import { checkWritable } from "../io/atomic-write.js";
import { runSuites } from "../runner/run.js";
import { chooseCases, parseCasePatterns, runOptions, settingsFromFlags } from "./eval-settings.js";
import { wholeNumber } from "./flag-numbers.js";
import { RunProgress } from "./progress.js";
import type { ReviewFlags } from "./index.js";
import type { CliIo } from "./io.js";

/** Who the verdicts are recorded under, and where that name came from (said before the first verdict, so a wrong one is caught). */
function reviewerName(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): { name: string; from: string } {
  const change = "--reviewer <name> or HARNESS_REVIEWER to change";
  if (flag) return { name: flag, from: "--reviewer" };
  if (env.HARNESS_REVIEWER) return { name: env.HARNESS_REVIEWER, from: "from HARNESS_REVIEWER; --reviewer <name> to change" };
  try {
    const name = execFileSync("git", ["config", "user.name"], { cwd, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    if (name) return { name, from: `from git config user.name; ${change}` };
  } catch {
    // no git, or no name set
  }
  try {
    return { name: os.userInfo().username, from: `from your login; ${change}` };
  } catch {
    // A container run with --user has no entry in /etc/passwd: no name to find, and no reason to fail after the run.
    return { name: "reviewer", from: `no git user.name or login found; ${change}` };
  }
}

/** A saved run's cases that --case chose (the run was read against every suite, so that only real strays are reported). */
function keepCases(run: RawRun, chosen: readonly { name: string; cases: readonly { id: string }[] }[]): RawRun {
  const ids = new Set(chosen.flatMap((x) => x.cases.map((c) => JSON.stringify([x.name, c.id]))));
  const suites = run.suites.map((x) => ({ ...x, cases: x.cases.filter((c) => ids.has(JSON.stringify([x.suite.name, c.case.id]))) }));
  return { ...run, suites: suites.filter((x) => x.cases.length > 0) };
}

export async function reviewCommand(paths: string[], flags: ReviewFlags, io: CliIo): Promise<number> {
  const s = settingsFromFlags(paths, { ...flags, alpha: String(DEFAULT_ALPHA), maxErrorRate: String(DEFAULT_MAX_ERROR_SHARE), pending: "warn" });
  const sample = wholeNumber(flags.sample);
  if (!Number.isInteger(sample) || sample < 0) throw new UsageError(`--sample expects a whole number ≥ 0, got "${flags.sample}"`);
  if (flags.redo && sample > 0) throw new UsageError("--redo with --sample: --redo offers outputs that already have a verdict, --sample judged ones no person has checked", { hint: "run them one after the other" });
  const patterns = parseCasePatterns(flags.case);
  const cwd = io.cwd;
  const all = await loadSuites(s.paths, { cwd, provider: s.provider, trials: s.trials, judge: s.judge });
  const suites = patterns ? chooseCases(all, patterns) : all;
  const file = path.resolve(cwd, flags.reviews ?? DEFAULT_REVIEWS_PATH);
  const store = await openReviews(file, path.relative(cwd, file));
  // Found now, not after the first verdict is typed: a verdict that cannot be kept is lost work.
  await checkWritable(file, "--reviews");

  let run;
  if (flags.from) {
    // A saved run's outputs are reviewed as they are: options that would change a run do not apply.
    const given = [flags.provider !== undefined && "-p", flags.trials !== undefined && "-k", flags.judge !== undefined && "--judge", flags.offline && "--offline", flags.record && "--record"].filter(Boolean);
    if (given.length > 0) throw new UsageError(`--from reviews the outputs of a saved run as they are: ${given.join(", ")} ${given.length === 1 ? "does" : "do"} not apply`, { hint: "leave them out, or run the suites again without --from" });
    const from = path.resolve(cwd, flags.from);
    const saved = await runFromReport(from, path.relative(cwd, from), all);
    if (saved.unmatched.length > 0) io.stderr.write(`Not in the suites any more, so not offered: ${saved.unmatched.join(", ")}\n`);
    if (saved.reworded.length > 0) io.stderr.write(`Asked otherwise since that run, so not offered (a verdict would answer a question no longer asked): ${saved.reworded.join(", ")}\n`);
    const stale = staleReviews(saved.run);
    if (stale > 0) io.stderr.write(`Awaiting instructions that have changed since that run, so not offered: ${stale} output${stale === 1 ? "" : "s"}; run \`harness review\` without --from to review today's.\n`);
    run = patterns ? keepCases(saved.run, suites) : saved.run;
  } else {
    io.stderr.write("Running the suites to collect their outputs…\n");
    // As before, no progress while it runs: warnings alone.
    run = await runSuites(suites, runOptions(s, io, store, new RunProgress(io, true)));
  }
  const verdictOf = (i: ReviewItem) => store.get(i.suite, i.caseId, i.reviewKey, i.outputHash, i.promptHash);
  // A saved run's pending marks predate verdicts given since: offer only what is still open.
  const items = flags.redo ? reviewedItems(run, verdictOf) : reviewItems(run, sample, (i) => verdictOf(i) !== undefined);
  const chosen = patterns ? " of the chosen cases" : "";
  if (items.length === 0) {
    io.stdout.write(
      flags.redo
        ? `Nothing to redo: no output${chosen} in this run has a verdict yet (a verdict on an output that did not come back cannot be shown again).\n`
        : `Nothing to review: no output${chosen} awaits a human verdict${sample > 0 ? ", and every judged output has been checked" : ""}.${store.size() > 0 ? " To change a verdict given: harness review --redo [--case <id>]." : ""}\n`,
    );
    return 0;
  }
  const pendingCount = items.filter((i) => i.kind === "human").length;
  const live = items.filter((i) => !i.recorded).length;
  if (live > 0 && s.fixtures !== "record") {
    io.stderr.write(
      `Note: ${live} of these outputs were produced live and are not recorded (exec targets never are). A verdict applies only when the same output comes back; record model answers with --record so that it does.\n`,
    );
  }
  const counts = `${pendingCount} ${flags.redo ? "from human graders" : "awaiting a verdict"}, ${items.length - pendingCount} judge checks`;
  io.stdout.write(
    flags.redo
      ? `${items.length} output${items.length === 1 ? "" : "s"} with a verdict to look at again (${counts}). A new verdict is added to ${path.relative(cwd, file)} after the old one, and wins; s keeps the old one.\n`
      : `${items.length} to review (${counts}). Verdicts go to ${path.relative(cwd, file)} as you give them.\n`,
  );

  const reviewer = reviewerName(flags.reviewer, io.env, cwd);
  io.stdout.write(`Reviewing as "${reviewer.name}" (${reviewer.from}).\n`);

  const input = io.stdin ?? process.stdin;
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  // Ctrl-C ends the session like "q": what was answered is already on disk.
  io.signal?.addEventListener("abort", () => rl.close(), { once: true });
  const result = await runReviewSession(items, store, reviewer.name, {
    write: (text) => io.stdout.write(text),
    async ask(prompt) {
      io.stdout.write(prompt);
      const next = await lines.next();
      return next.done ? null : next.value;
    },
  });
  rl.close();
  if (io.signal?.aborted) {
    io.stdout.write(`\nStopped. Recorded ${result.recorded} verdict${result.recorded === 1 ? "" : "s"}; ${result.left} left for later.\n`);
    return io.signal.reason === "SIGTERM" ? ExitCode.sigterm : ExitCode.sigint;
  }
  const skipped = result.skipped ? (flags.redo ? `, kept ${result.skipped} as ${result.skipped === 1 ? "it was" : "they were"}` : `, skipped ${result.skipped}`) : "";
  io.stdout.write(`\nRecorded ${result.recorded} verdict${result.recorded === 1 ? "" : "s"}${skipped}${result.left ? `; ${result.left} left for later` : ""}.\n`);
  return 0;
}
