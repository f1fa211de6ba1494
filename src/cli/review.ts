/** `harness review`: run the suites, then walk a person through what needs their verdict. */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { loadSuites } from "../config/load.js";
import { DEFAULT_ALPHA, DEFAULT_MAX_ERROR_SHARE } from "../defaults.js";
import { ExitCode, UsageError } from "../errors.js";
import { runFromReport } from "../reviews/from-report.js";
import { reviewItems, staleReviews } from "../reviews/items.js";
import { runReviewSession } from "../reviews/session.js";
import { DEFAULT_REVIEWS_PATH, openReviews } from "../reviews/store.js";
import { checkWritable } from "../io/atomic-write.js";
import { runSuites } from "../runner/run.js";
import { runOptions, settingsFromFlags } from "./eval-settings.js";
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

export async function reviewCommand(paths: string[], flags: ReviewFlags, io: CliIo): Promise<number> {
  const s = settingsFromFlags(paths, { ...flags, alpha: String(DEFAULT_ALPHA), maxErrorRate: String(DEFAULT_MAX_ERROR_SHARE), pending: "warn" });
  const sample = Number(flags.sample);
  if (!Number.isInteger(sample) || sample < 0) throw new UsageError(`--sample expects a whole number ≥ 0, got "${flags.sample}"`);
  const cwd = io.cwd;
  const suites = await loadSuites(s.paths, { cwd, provider: s.provider, trials: s.trials, judge: s.judge });
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
    const saved = await runFromReport(from, path.relative(cwd, from), suites);
    if (saved.unmatched.length > 0) io.stderr.write(`Not in the suites any more, so not offered: ${saved.unmatched.join(", ")}\n`);
    if (saved.reworded.length > 0) io.stderr.write(`Asked otherwise since that run, so not offered (a verdict would answer a question no longer asked): ${saved.reworded.join(", ")}\n`);
    const stale = staleReviews(saved.run);
    if (stale > 0) io.stderr.write(`Awaiting instructions that have changed since that run, so not offered: ${stale} output${stale === 1 ? "" : "s"}; run \`harness review\` without --from to review today's.\n`);
    run = saved.run;
  } else {
    io.stderr.write("Running the suites to collect their outputs…\n");
    run = await runSuites(suites, runOptions(s, io, store));
  }
  // A saved run's pending marks predate verdicts given since: offer only what is still open.
  const items = reviewItems(run, sample, (i) => store.get(i.suite, i.caseId, i.reviewKey, i.outputHash, i.promptHash) !== undefined);
  if (items.length === 0) {
    io.stdout.write(`Nothing to review: no output awaits a human verdict${sample > 0 ? ", and every judged output has been checked" : ""}.\n`);
    return 0;
  }
  const pendingCount = items.filter((i) => i.kind === "human").length;
  const live = items.filter((i) => !i.recorded).length;
  if (live > 0 && s.fixtures !== "record") {
    io.stderr.write(
      `Note: ${live} of these outputs were produced live and are not recorded (exec targets never are). A verdict applies only when the same output comes back; record model answers with --record so that it does.\n`,
    );
  }
  io.stdout.write(`${items.length} to review (${pendingCount} awaiting a verdict, ${items.length - pendingCount} judge checks). Verdicts go to ${path.relative(cwd, file)} as you give them.\n`);

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
  io.stdout.write(`\nRecorded ${result.recorded} verdict${result.recorded === 1 ? "" : "s"}${result.skipped ? `, skipped ${result.skipped}` : ""}${result.left ? `; ${result.left} left for later` : ""}.\n`);
  return 0;
}
