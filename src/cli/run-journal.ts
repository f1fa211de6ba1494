/** The CLI's side of the run journal: where it lives, --resume, and what to tell the user. */
import { writeFile } from "node:fs/promises";
import { makeFolders } from "../io/make-folders.js";
import path from "node:path";
import { DEFAULT_JOURNAL_PATH } from "../defaults.js";
import type { Shard } from "../core/shard.js";
import { hasOutput } from "../core/stored-output.js";
import type { TrialResult } from "../core/types.js";
import { HarnessError, UsageError } from "../errors.js";
import { JournalWriter, readJournal, type PriorTrials, type RunScope } from "../runner/journal.js";
import type { CliIo } from "./io.js";

export interface RunJournal {
  /** Relative to the working directory, for messages. */
  label: string;
  prior: PriorTrials | undefined;
  /** null when the default journal could not be opened: the run goes on without one. */
  writer: JournalWriter | null;
}

/** Concurrent shard runs in one folder must never write the same journal. */
export function defaultJournalPath(shard: Shard | undefined): string {
  if (!shard) return DEFAULT_JOURNAL_PATH;
  const { dir, name, ext } = path.parse(DEFAULT_JOURNAL_PATH);
  return path.join(dir, `${name}.shard-${shard.index}-of-${shard.count}${ext}`);
}

/**
 * Opens the journal before the run. A journal the user named, or one to resume, must work
 * (exit 2 otherwise); the default one is a convenience, and a run goes on without it.
 */
export async function openRunJournal(io: CliIo, opts: { file: string | undefined; resume: boolean; shard: Shard | undefined; scope: RunScope }): Promise<RunJournal> {
  const file = path.resolve(io.cwd, opts.file ?? defaultJournalPath(opts.shard));
  const label = path.relative(io.cwd, file) || file;
  const prior = opts.resume ? await readJournal(file, label) : undefined;
  try {
    if (prior?.scope) refuseOtherScope(prior.scope, opts.scope, label);
    if (opts.file === undefined) await ignoreScratchFolder(path.dirname(file));
    return { label, prior, writer: await JournalWriter.open(file, label, { resume: opts.resume, runId: prior?.runId, scope: opts.scope }) };
  } catch (err) {
    if (opts.file !== undefined || opts.resume || !(err instanceof HarnessError)) {
      await prior?.close?.();
      throw err;
    }
    io.stderr.write(`harness: warning: ${err.message}; this run keeps no journal, so it cannot be resumed${err.hint ? ` (${err.hint})` : ""}\n`);
    return { label, prior, writer: null };
  }
}

/**
 * A resume continues the run it finds. One asking for fewer trials, other cases or another
 * model would gate less than that run asked for, and pass on it with nothing said (-k 20
 * stopped, resumed without -k: 5 trials per case). Refused, naming the flags that continue it,
 * rather than taking them from the journal: the command line a CI log shows stays the whole
 * account of what was gated. More trials, or more suites, are fine: they are run.
 */
export function refuseOtherScope(then: RunScope, now: RunScope, label: string): void {
  const problems: string[] = [];
  const fixes: string[] = [];
  const cases = (c: string[] | undefined) => (c ? `--case ${c.join(",")}` : "every case");
  if (JSON.stringify([...(then.cases ?? [])].sort()) !== JSON.stringify([...(now.cases ?? [])].sort())) {
    problems.push(`it ran ${cases(then.cases)}, this run ${cases(now.cases)}`);
    fixes.push(then.cases ? `give ${cases(then.cases)}` : "drop --case");
  } else {
    const gone = Object.keys(then.trials).filter((suite) => now.trials[suite] === undefined);
    if (gone.length > 0) {
      problems.push(`it ran ${listed(gone.map((x) => `suite "${x}"`))}, which this run does not`);
      fixes.push("give the same suite files or folders");
    }
  }
  const fewer = Object.entries(then.trials).filter(([suite, k]) => now.trials[suite] !== undefined && now.trials[suite] < k);
  if (fewer.length > 0) {
    problems.push(`it ran ${listed(fewer.map(([suite, k]) => `${k} trials per case of suite "${suite}" (this run: ${now.trials[suite]})`))}`);
    fixes.push(`add -k ${Math.max(...fewer.map(([, k]) => k))}`);
  }
  for (const [flag, key] of [["-p", "provider"], ["--judge", "judge"]] as const) {
    if (then[key] === now[key]) continue;
    const ran = (id: string | undefined) => (id ? `${flag} ${id}` : `the suites' own ${key}`);
    problems.push(`it ran ${ran(then[key])}, this run ${ran(now[key])}`);
    fixes.push(then[key] ? `give ${flag} ${then[key]}` : `drop ${flag}`);
  }
  if (problems.length === 0) return;
  throw new UsageError(`--resume would not continue the run in ${label}: ${problems.join("; ")}`, { hint: `to continue it, ${fixes.join(", ")}; or run without --resume to start afresh` });
}

function listed(items: string[]): string {
  return items.length <= 3 ? items.join(", ") : `${items.slice(0, 3).join(", ")} and ${items.length - 3} more`;
}

/**
 * Ends the journal's run and says what the user can do with it. The journal stays locked,
 * its outputs readable for the report, until the writer is closed.
 */
export function endRunJournal(journal: RunJournal, io: CliIo, run: { interrupted: boolean; resumed: number; trials: readonly TrialResult[] }): void {
  journal.writer?.end(run.interrupted);
  if (journal.prior && journal.prior.skipped > 0) io.stderr.write(`harness: ${journal.prior.skipped} unreadable line(s) of ${journal.label} were skipped; those trials ran again.\n`);
  const changed = journal.prior?.changed ?? 0;
  // "Not kept" rather than "ran again": a run stopped early counts the trials it did not reach too.
  if (changed > 0) io.stderr.write(`harness: ${changed} finished trial(s) in ${journal.label} were not kept: their case, prompt, graders, model, judge or code changed since.\n`);
  const total = run.trials.length;
  if (run.resumed > 0) io.stderr.write(`Resumed: kept ${run.resumed} finished trial(s) from ${journal.label}, ran ${total - run.resumed}.\n`);
  const error = journal.writer?.error;
  if (error) io.stderr.write(`harness: warning: the run journal ${journal.label} could not be written (${error.message}); --resume would redo the trials after that point.\n`);
  if (run.interrupted && journal.writer && !error) {
    const said = keptForResume(run.trials, journal.label);
    // With nothing kept, --resume would be the same as running again: no advice to give.
    if (said) io.stderr.write(`${said} Continue with the same command and --resume.\n`);
  }
}

/**
 * What --resume will find, as readJournal sorts it: trials graded to the end are kept whole,
 * answers whose grading errored or was cancelled are graded again without asking again, the
 * rest run. An answer still to grade is not a finished trial: the report counts it cancelled.
 */
function keptForResume(trials: readonly TrialResult[], label: string): string | undefined {
  const graded = trials.filter((t) => t.error === null).length;
  const toGrade = trials.filter((t) => t.error !== null && hasOutput(t)).length;
  const toRun = trials.length - graded - toGrade;
  if (graded + toGrade === 0) return undefined;
  const answers = toGrade > 0 ? `, and the answers of ${toGrade} more, still to grade` : "";
  return `Kept in ${label}: ${graded} of ${trials.length} trials graded to the end${answers}; ${toRun} to run.`;
}

/** Lets the next run have the journal, once the reports have read its outputs back: this run's, and those kept from the run it resumed. */
export async function closeRunJournal(journal: RunJournal, interrupted = false): Promise<void> {
  await journal.writer?.close(interrupted);
  await journal.prior?.close?.();
}

/**
 * The default journal's folder is scratch space: it tells git so itself, as pytest's cache
 * does. Best effort: a folder that cannot be written is reported when the journal opens.
 */
async function ignoreScratchFolder(dir: string): Promise<void> {
  try {
    await makeFolders(dir);
    await writeFile(path.join(dir, ".gitignore"), "# Written by harness: run journals are scratch files, not for version control.\n*\n", { flag: "wx" });
  } catch {
    // EEXIST is the usual case; anything else shows up when the journal itself is opened.
  }
}
