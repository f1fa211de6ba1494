/** Reads and appends the run history file (JSON lines, one run per line). */
import { readFile } from "node:fs/promises";
import { ConfigError, type ConfigProblem } from "../errors.js";
import { appendLine } from "../io/append-line.js";
import { HISTORY_SCHEMA_VERSION, HistoryEntrySchema, type HistoryEntry } from "./schema.js";

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

function problemOf(line: string, terminated: boolean): string | "torn" | HistoryEntry {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return terminated ? `not valid JSON (${(err as Error).message}); each line is one run` : "torn";
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== HISTORY_SCHEMA_VERSION) return `schemaVersion ${JSON.stringify(version)} is not one this harness reads (${HISTORY_SCHEMA_VERSION})`;
  const parsed = HistoryEntrySchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join(".") || "(line)"}: ${issue.message.replace(/^Invalid input: /, "")}`;
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
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const got = problemOf(line, i < lines.length - 1);
    if (got === "torn") tornLine = i + 1;
    else if (typeof got === "string") problems.push({ file: label, line: i + 1, col: 1, message: got });
    else entries.push(got);
  });
  if (problems.length > 0) {
    throw new ConfigError(problems, { hint: `delete or fix the line${problems.length === 1 ? "" : "s"} named above; every other line is one run, oldest first`, forRun });
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
