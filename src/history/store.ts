/** Reads and appends the run history file (JSON lines, one run per line). */
import { readFile } from "node:fs/promises";
import { ConfigError, type ConfigProblem } from "../errors.js";
import { appendLine } from "../io/append-line.js";
import { HISTORY_SCHEMA_VERSION, HistoryEntrySchema, type HistoryEntry } from "./schema.js";
import { jsonProblems, versionOf } from "../config/issue-words.js";

export interface History {
  /** Oldest first, in file order; one per run (its last line, where a --resume added another). */
  entries: HistoryEntry[];
  /** False when there was no file. */
  exists: boolean;
  /**
   * 1-based number of an unfinished last line (no newline, not JSON): the mark of a write
   * cut short, so it is left out and named, not an error. null when the file ends whole.
   */
  tornLine: number | null;
}

/** Line `n`'s run, or why it is not one: "torn" for a last line cut short, else its problems. */
async function entryOf(line: string, n: number, terminated: boolean, label: string): Promise<HistoryEntry | "torn" | ConfigProblem[]> {
  const problem = (message: string) => [{ file: label, line: n, col: 1, message }];
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return terminated ? problem(`not valid JSON (${(err as Error).message}); each line is one run`) : "torn";
  }
  const version = versionOf(json, HISTORY_SCHEMA_VERSION);
  if (version.kind === "not-it") return problem(`not a run of harness eval --history (${version.why}); each line is one run`);
  if (version.kind === "other-version") return problem(`schemaVersion ${version.version} is not one this harness reads (${HISTORY_SCHEMA_VERSION})`);
  const parsed = HistoryEntrySchema.safeParse(json);
  return parsed.success ? parsed.data : jsonProblems(parsed.error.issues, json, line, label, n);
}

/**
 * The history at `file` (missing: empty). A corrupt line is an error naming the file and the
 * line. `forRun`: whether the command reading it runs anything (eval does, history does not).
 */
export async function readHistory(file: string, label = file, { forRun = true }: { forRun?: boolean } = {}): Promise<History> {
  let text: string;
  try {
    // An editor's byte-order mark is no part of the first line, as in a suite file.
    text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], exists: false, tornLine: null };
    throw new ConfigError([{ file: label, message: `cannot read the history: ${(err as Error).message}` }], { forRun });
  }
  const lines = text.split("\n");
  const entries: HistoryEntry[] = [];
  const problems: ConfigProblem[] = [];
  let tornLine: number | null = null;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const got = await entryOf(line, i + 1, i < lines.length - 1, label);
    if (got === "torn") tornLine = i + 1;
    else if (Array.isArray(got)) problems.push(...got);
    else entries.push(got);
  }
  if (problems.length > 0) {
    throw new ConfigError(problems, { hint: `delete or fix the line${new Set(problems.map((p) => p.line)).size === 1 ? "" : "s"} named above; every other line is one run, oldest first`, forRun });
  }
  return { entries: lastOfEachRun(entries), exists: true, tornLine };
}

/**
 * A --resume that ran trials again (errored ones) finishes its run anew, and the file, only
 * ever appended to, gets a second line with the same runId: the later one is the run.
 */
function lastOfEachRun(entries: readonly HistoryEntry[]): HistoryEntry[] {
  const last = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.runId !== undefined) last.set(e.runId, i);
  });
  return entries.filter((e, i) => e.runId === undefined || last.get(e.runId) === i);
}

export async function appendHistory(file: string, entry: HistoryEntry): Promise<void> {
  await appendLine(file, JSON.stringify(HistoryEntrySchema.parse(entry)), { dropTornLine: true });
}
