/**
 * The run journal: one JSON line per finished trial, appended as the trial ends. A crash or
 * Ctrl-C loses at most the trials in flight, and `eval --resume` reads the journal back to
 * continue the run without redoing what finished.
 *
 * The journal is the run's scratch record, not user input: a line that cannot be read (a
 * crash mid-write) is skipped and that trial simply runs again, which is always safe.
 */
import { randomUUID } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { open, rm, stat, type FileHandle } from "node:fs/promises";
import { makeFolders } from "../io/make-folders.js";
import path from "node:path";
import { hashText, stableStringify, stableStringifyShared } from "../core/hash.js";
import { gradersText } from "../core/graders-hash.js";
import type { LoadedCase, LoadedSuite, TrialResult } from "../core/types.js";
import type { ProviderResponse } from "../providers/types.js";
import { UsageError } from "../errors.js";
import { dropTornLine } from "../io/append-line.js";
import { readLines } from "../io/read-lines.js";
import { TrialWithStoredOutput } from "../core/stored-output.js";
import { takeLock } from "./journal-lock.js";

export const JOURNAL_SCHEMA_VERSION = 1;


/**
 * What a run asked for that decides which trials it has: a resume must ask for no less
 * (cli/run-journal.ts). Absent from the run lines of journals written before it.
 */
export interface RunScope {
  /** Trials per case, by suite name: of every suite run. */
  trials: Record<string, number>;
  /** The --case patterns; absent when every case ran. */
  cases?: string[];
  /** -p/--provider and --judge, as given; absent when the suites' own ran. */
  provider?: string;
  judge?: string;
}

type JournalLine =
  // runId: the same on every line of a run and its resumes (absent in journals before it: their first startedAt stands in).
  | { kind: "run"; schemaVersion: number; startedAt: string; resumed: boolean; runId?: string; scope?: RunScope }
  | { kind: "trial"; suite: string; caseId: string; key: string; trial: TrialResult }
  | { kind: "end"; finishedAt: string; interrupted: boolean };

/**
 * What decides a trial's answer and its grade: the model, the prompt, the graders and the
 * user's code they run (grader modules, an exec: app). A trial recorded under another key
 * (an edited case, another -p, an edited grader module) is not reused.
 */
export function trialKey(suite: LoadedSuite, c: LoadedCase): string {
  // hashOf([suite.provider, suite.judge ?? null, c.messages, c.vars, c.graders]), built from the
  // pieces: the provider, the judge and the suite's graders are the same objects in every case,
  // and sorting their keys again per case was most of the cost of a 20,000-case suite's keys.
  const shared = `${stableStringifyShared(suite.provider)},${stableStringifyShared(suite.judge ?? null)}`;
  // Suites that run none of the user's code keep the keys they had before code was part of them.
  const code = suite.code === undefined ? "" : `,${JSON.stringify(suite.code)}`;
  return hashText(`[${shared},${stableStringify(c.messages)},${stableStringify(c.vars)},${gradersText(c.graders)}${code}]`);
}

function slot(suite: string, caseId: string, key: string, index: number): string {
  return JSON.stringify([suite, caseId, key, index]);
}

/** Trials of an earlier run that a resumed run may keep, by suite, case, key and index. */
export interface PriorTrials {
  get(suite: LoadedSuite, c: LoadedCase, key: string, index: number): TrialResult | undefined;
  /**
   * The answer of a trial that is graded again rather than kept: one awaiting a person's
   * review (whose verdict, keyed by the output, may have come since), or one whose grading
   * failed or was stopped. Asking the model again would pay twice and change the output under review.
   */
  answer(suite: LoadedSuite, c: LoadedCase, key: string, index: number): ProviderResponse | undefined;
  /** Lets go of the journal, which long outputs of kept trials are read back from until then. */
  close?(): Promise<void>;
  /** Lines that could not be read and were skipped, since the last resumed run (which said so of those before it). */
  skipped: number;
  /** The run this journal holds, which a resume continues; undefined when no run line could be read. */
  readonly runId?: string | undefined;
  /** What the last run to write the journal asked for; undefined in journals written before it was recorded. */
  readonly scope?: RunScope | undefined;
  /**
   * Trials asked for (by get) whose last attempt in the journal finished, but under another
   * key: an edited case, another model, changed code. They are not kept, and the user should know why.
   */
  readonly changed?: number;
}

/** A finished trial's answer, as the provider gave it: to grade it again without asking again. */
export function answerOf(t: TrialResult, output: string): ProviderResponse {
  return { output, usage: t.usage, costUsd: t.costUsd, latencyMs: t.latencyMs, cached: t.cached, ...(t.refused ? { refused: true as const } : {}), ...(t.truncated ? { truncated: true as const } : {}), ...(t.recorded ? { recorded: true as const } : {}), ...(t.shared ? { shared: true as const } : {}), ...(t.masked ? { masked: t.masked } : {}) };
}

/**
 * Reads a journal back. Trials graded to the end are kept, those awaiting a person too; the
 * run looks people's verdicts up again (runner/run.ts), as one may have come since. Errored
 * and cancelled trials run again: graded again from their answer when the model answered.
 */
export async function readJournal(file: string, label: string, { chunkSize }: { chunkSize?: number } = {}): Promise<PriorTrials> {
  await refuseFolder(file, label);
  const cannotRead = (err: unknown) => new UsageError(`cannot read the run journal ${label}: ${(err as Error).message}`, { cause: err });
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new UsageError(`nothing to resume: no run journal at ${label}`, { hint: "--resume continues a run started in this folder with the same --journal; run without --resume to start afresh" });
    }
    throw cannotRead(err);
  }
  const kept = new Map<string, TrialResult>();
  const regrade = new Map<string, ProviderResponse>();
  // The last line written for each trial slot, whatever its key: whether that attempt finished, and under which key.
  const lastAttempt = new Map<string, { key: string; finished: boolean }>();
  const changed = new Set<string>();
  let skipped = 0;
  let runId: string | undefined;
  let scope: RunScope | undefined;
  // Whether a kept output is read back from the file, which then stays open until close().
  let readsBack = false;
  try {
    // Line by line: a journal of long outputs outgrows the longest string V8 can make (512 MB).
    for await (const line of readLines(handle, { chunkSize })) {
      const text = line.bytes.toString("utf8");
      const entry = parseLine(text);
      if (entry === undefined) {
        // Trimmed only here: trimming every long line took a sixth of the reading time.
        if (text.trim() !== "") skipped++;
        continue;
      }
      if (entry.kind === "run") runId ??= entry.runId ?? entry.startedAt;
      // A resumed run read what is above its line and has said so: its unreadable lines are not news.
      if (entry.kind === "run" && entry.resumed) skipped = 0;
      if (entry.kind === "run" && isScope(entry.scope)) scope = entry.scope;
      if (entry.kind !== "trial") continue;
      const id = slot(entry.suite, entry.caseId, entry.key, entry.trial.index);
      // A later line for the same trial is a later attempt at it: the last one decides.
      const t = entry.trial;
      kept.delete(id);
      regrade.delete(id);
      // Graded to the end: a verdict, or every grade but a person's. One awaiting a person is kept
      // too: the run looks the verdict up again, and asks no judge twice (runner/run.ts).
      const finished = t.error === null;
      lastAttempt.set(slot(entry.suite, entry.caseId, "", t.index), { key: entry.key, finished });
      if (finished) {
        // A long output stays on disk, as this run's own do: memory holds a trial's grades, not its answer.
        const at = typeof t.output === "string" && t.output.length > KEEP_OUTPUTS_UP_TO ? outputBytes(line.bytes, entry) : undefined;
        if (at) {
          readsBack = true;
          // Numbers only: a closure over the line would keep its bytes.
          const start = line.start + at.start;
          const length = at.length;
          kept.set(id, new TrialWithStoredOutput(t, () => readOutput(handle.fd, start, length, label)));
        } else kept.set(id, t);
      }
      // An output with no verdict means the call succeeded and grading did not: keep the answer.
      else if (t.output !== null) {
        regrade.set(id, answerOf(t, t.output));
      }
    }
  } catch (err) {
    await handle.close();
    throw cannotRead(err);
  }
  if (!readsBack) await handle.close();
  return {
    get: (suite, c, key, index) => {
      const t = kept.get(slot(suite.name, c.id, key, index));
      if (t === undefined) {
        // Counted only when its last attempt finished under another key: one that errored since runs again for that.
        const anyKey = slot(suite.name, c.id, "", index);
        const last = lastAttempt.get(anyKey);
        if (last?.finished && last.key !== key) changed.add(anyKey);
      }
      return t;
    },
    answer: (suite, c, key, index) => regrade.get(slot(suite.name, c.id, key, index)),
    skipped,
    runId,
    scope,
    get changed() {
      return changed.size;
    },
    close: async () => {
      if (readsBack) await handle.close();
      readsBack = false;
    },
  };
}

/**
 * Where a trial line holds its output's JSON string, in bytes from the line's start: found when
 * the line starts as JournalWriter writes trials (the output right after the index); undefined
 * otherwise (a line edited by hand), and the output is then kept in memory.
 */
function outputBytes(line: Buffer, entry: Extract<JournalLine, { kind: "trial" }>): { start: number; length: number } | undefined {
  const head = Buffer.from(`${trialHead(entry.suite, entry.caseId, entry.key, entry.trial.index)}"`);
  if (line.length <= head.length || !line.subarray(0, head.length).equals(head)) return undefined;
  // The string's closing quote: the first one not escaped.
  for (let i = head.length; i < line.length; i++) {
    if (line[i] === 0x5c) i++;
    else if (line[i] === 0x22) return { start: head.length - 1, length: i + 2 - head.length };
  }
  return undefined;
}

/** A trial line up to its output: as JournalWriter writes it, and as readJournal finds the output again. */
function trialHead(suite: string, caseId: string, key: string, index: number): string {
  return `{"kind":"trial","suite":${JSON.stringify(suite)},"caseId":${JSON.stringify(caseId)},"key":${JSON.stringify(key)},"trial":{"index":${index},"output":`;
}

/** The output whose JSON string is at [start, start + length) of the journal open as `fd`. */
function readOutput(fd: number, start: number, length: number, label: string): string {
  return JSON.parse(readRange(fd, start, length, `the run journal ${label} is shorter than when it was read`)) as string;
}

/** The text at [start, start + length) of the file open as `fd`; `short` is the error should it end before. */
function readRange(fd: number, start: number, length: number, short: string): string {
  const buf = Buffer.allocUnsafe(length);
  for (let got = 0; got < length; ) {
    const n = readSync(fd, buf, got, length - got, start + got);
    if (n === 0) throw new Error(short);
    got += n;
  }
  return buf.toString("utf8");
}

/** A run line's scope, checked as the lines are: the journal is scratch, and may have been edited. */
function isScope(value: unknown): value is RunScope {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const trials = v.trials as Record<string, unknown> | null;
  const text = (x: unknown) => x === undefined || typeof x === "string";
  return (
    typeof trials === "object" &&
    trials !== null &&
    Object.values(trials).every((k) => Number.isInteger(k)) &&
    (v.cases === undefined || (Array.isArray(v.cases) && v.cases.every((c) => typeof c === "string"))) &&
    text(v.provider) &&
    text(v.judge)
  );
}

function parseLine(line: string): JournalLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.kind !== "trial") return v.kind === "run" || v.kind === "end" ? (v as JournalLine) : undefined;
  const t = v.trial as Record<string, unknown> | null | undefined;
  const ok =
    typeof v.suite === "string" &&
    typeof v.caseId === "string" &&
    typeof v.key === "string" &&
    typeof t === "object" &&
    t !== null &&
    Number.isInteger(t.index) &&
    (t.passed === null || typeof t.passed === "boolean") &&
    typeof t.pending === "boolean" &&
    Array.isArray(t.grades) &&
    // A line edited by hand (a grade of null) is skipped, as a torn one is, not a crash on --resume.
    t.grades.every((g) => typeof g === "object" && g !== null && typeof (g as Record<string, unknown>).type === "string" && typeof (g as Record<string, unknown>).pass === "boolean") &&
    (t.output === null || typeof t.output === "string" || typeof t.output === "object") &&
    (t.error === null || (typeof t.error === "object" && typeof (t.error as Record<string, unknown>).category === "string"));
  return ok ? (v as JournalLine) : undefined;
}

/** Where the runner puts each trial as it ends. */
export interface TrialSink {
  /**
   * Takes the trial. May give back a way to read its (long) output again from where it was
   * put, so the runner need not keep the text in memory.
   */
  trial(suite: string, caseId: string, key: string, trial: TrialResult): (() => string) | void;
}

/** An output this short costs less to keep in memory than the means to read it back. */
const KEEP_OUTPUTS_UP_TO = 256;

/** How long a finished trial may wait in memory before it is written: the most a SIGKILL can lose. */
const FLUSH_MS = 25;
const FLUSH_BYTES = 64 * 1024;

/**
 * Appends trials to the journal as they end. One writer per journal file, held by a lock.
 * Lines are gathered for a few ms and written with one synchronous call, which costs a
 * fraction of a write per trial and lets a process exit (a second Ctrl-C) flush what is left.
 *
 * Each long output can be read back by its byte range, through the same descriptor the
 * journal is written with, until close(): the report is rendered from there, and a journal
 * deleted or moved meanwhile still reads. Should writing fail (a full disk), what could not be
 * written is held in memory instead, so no output is lost; the journal is then incomplete, and
 * says so. A journal that is not a regular file (--journal /dev/null) offers no reading back.
 */
export class JournalWriter implements TrialSink {
  /** The first write that failed (a full disk, say): the run goes on, but the journal is incomplete. */
  error: Error | null = null;
  /** Which run this is: a resume keeps the id of the run it continues, so the history can tell a run recorded already. */
  readonly runId: string;
  private pending: string[] = [];
  private pendingBytes = 0;
  /** File offset where the next appended text will start. */
  private position: number;
  /** File offset up to which everything is written. */
  private written: number;
  /** What could not be written, by the file offset it would have had. */
  private unwritten: { at: number; data: Buffer }[] = [];
  private readonly readable: boolean;
  private writing = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly flushOnExit = () => this.flush();

  private constructor(
    private fd: number,
    private readonly file: string,
    private readonly lock: string,
    runId: string,
  ) {
    this.runId = runId;
    const stats = fstatSync(fd);
    this.readable = stats.isFile();
    this.position = this.written = stats.isFile() ? stats.size : 0;
    process.on("exit", this.flushOnExit);
  }

  /**
   * Opens the journal: afresh, or (resume) to append after what an earlier run wrote, as
   * `runId` (the earlier run's; a new id when not given), recording what the run asks for
   * (`scope`). Fails with a usage error when another live run holds it.
   */
  static async open(file: string, label: string, { resume, runId = randomUUID(), scope }: { resume: boolean; runId?: string | undefined; scope?: RunScope }): Promise<JournalWriter> {
    await refuseFolder(file, label);
    await makeFolders(path.dirname(file)).catch((err: Error) => {
      throw new UsageError(`cannot write the run journal ${label}: ${err.message}`, { cause: err });
    });
    // A journal is written over at each new run: never a file that is not one (--journal notes.txt).
    if (!resume && !(await isJournalOrAbsent(file))) {
      throw new UsageError(`${label} exists and is not a run journal: harness will not write over it`, { hint: "name another file with --journal" });
    }
    const lock = `${file}.lock`;
    await takeLock(lock, label);
    try {
      // A crash may have left a torn last line: cut off (its trial runs again, and it is said once),
      // under the lock, so no live run's line is cut. A whole last line lacking its newline stays.
      const needsNewline = resume && (await dropTornLine(file));
      // Open for reading too: long outputs are read back through this descriptor.
      const writer = new JournalWriter(openSync(file, resume ? "a+" : "w+"), file, lock, runId);
      if (needsNewline) writer.append("\n");
      writer.write({ kind: "run", schemaVersion: JOURNAL_SCHEMA_VERSION, startedAt: new Date().toISOString(), resumed: resume, runId, ...(scope ? { scope } : {}) });
      writer.flush();
      return writer;
    } catch (err) {
      await rm(lock, { force: true });
      throw new UsageError(`cannot write the run journal ${label}: ${(err as Error).message}`, { cause: err });
    }
  }

  private write(line: JournalLine): void {
    this.append(`${JSON.stringify(line)}\n`);
  }

  /** `bytes`: the text's UTF-8 length, when the caller has already counted it. */
  private append(text: string, bytes = Buffer.byteLength(text)): void {
    if (!this.writing) return;
    this.pending.push(text);
    this.pendingBytes += text.length;
    this.position += bytes;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      // Never the reason a finished run lingers: exit flushes what is left.
      this.timer.unref();
    }
  }

  /** Writes what is gathered, now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(""));
    this.pending = [];
    this.pendingBytes = 0;
    const at = this.written + this.unwrittenBytes();
    if (this.error) {
      this.unwritten.push({ at, data });
      return;
    }
    try {
      for (let done = 0; done < data.length; ) done += writeSync(this.fd, data, done);
      this.written += data.length;
    } catch (err) {
      this.error = err as Error;
      // Part of it may be on disk, but reading back goes by whole pieces: hold all of it here.
      this.unwritten.push({ at, data });
    }
  }

  private unwrittenBytes(): number {
    return this.unwritten.reduce((n, u) => n + u.data.length, 0);
  }

  trial(suite: string, caseId: string, key: string, trial: TrialResult): (() => string) | undefined {
    if (trial.output === null || trial.output.length <= KEEP_OUTPUTS_UP_TO || !this.writing || !this.readable) {
      this.write({ kind: "trial", suite, caseId, key, trial });
      return undefined;
    }
    // Written by hand around the output, to know its byte range; parses as the JournalLine it is.
    const { index, output, ...rest } = trial;
    const head = trialHead(suite, caseId, key, index);
    const text = JSON.stringify(output);
    const tail = `,${JSON.stringify(rest).slice(1)}}\n`;
    const headBytes = Buffer.byteLength(head);
    const length = Buffer.byteLength(text);
    const start = this.position + headBytes;
    // The line's length from its parts: the 2 KB output is not counted twice.
    this.append(`${head}${text}${tail}`, headBytes + length + Buffer.byteLength(tail));
    return () => JSON.parse(this.read(start, length)) as string;
  }

  /** The bytes at [start, start + length) of what this writer appended. */
  private read(start: number, length: number): string {
    if (this.fd < 0) throw new Error(`the run journal ${this.file} was closed: its outputs can no longer be read`);
    if (start + length > this.written) this.flush();
    if (start + length <= this.written) return readRange(this.fd, start, length, `the run journal ${this.file} is shorter than what was written to it`);
    const held = this.unwritten.find((u) => start >= u.at && start + length <= u.at + u.data.length);
    if (!held) throw new Error(`the run journal ${this.file} holds no bytes at ${start}`);
    return held.data.toString("utf8", start - held.at, start - held.at + length);
  }

  /**
   * Writes the end of the run and stops writing. Outputs stay readable, and the journal
   * locked, until close(): a run starting meanwhile would otherwise cut the file under them.
   */
  end(interrupted: boolean): void {
    if (!this.writing) return;
    this.write({ kind: "end", finishedAt: new Date().toISOString(), interrupted });
    this.flush();
    this.writing = false;
    process.off("exit", this.flushOnExit);
  }

  /** Ends the run if need be, and lets the next run have the journal. */
  async close(interrupted = false): Promise<void> {
    this.end(interrupted);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.unwritten = [];
    await rm(this.lock, { force: true });
  }
}

/** A journal named by its folder (--journal runs): said in one line, before anything is written or locked. */
async function refuseFolder(file: string, label: string): Promise<void> {
  if (!(await stat(file).catch(() => null))?.isDirectory()) return;
  throw new UsageError(`the run journal ${label} is a folder: harness needs a file there`, { hint: `name the file with --journal, e.g. --journal ${path.join(label, "journal.jsonl")}` });
}

/** Whether `file` is missing, empty, or starts as a run journal does (its first line a run's). */
async function isJournalOrAbsent(file: string): Promise<boolean> {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    // Missing is fine; anything else (no permission) is said when the journal is opened. A folder was refused before.
    return true;
  }
  try {
    const head = Buffer.alloc(4096);
    const read = readSync(fd, head, 0, head.length, 0);
    if (read === 0) return true;
    const first = head.toString("utf8", 0, read).split("\n")[0]!;
    return /^\{"kind":"run","schemaVersion":/.test(first);
  } finally {
    closeSync(fd);
  }
}
