/**
 * The review loop: one item at a time, a verdict per line of input. Every verdict is
 * appended to the reviews file as soon as it is given, so quitting (or a crash) half-way
 * loses nothing already answered. A verdict changed (going back, or --redo) is a later line:
 * the store keeps every line and reads the latest, so nothing given before is lost.
 */
import { showControlChars } from "../core/text.js";
import type { ReviewItem } from "./items.js";
import type { Review, ReviewStore } from "./store.js";

export interface ReviewIo {
  /** Resolves with the next line the person typed, or null at the end of input. */
  ask(prompt: string): Promise<string | null>;
  write(text: string): void;
}

export interface SessionResult {
  /** Outputs given a verdict in this session (one changed twice counts once). */
  recorded: number;
  skipped: number;
  left: number;
  quit: boolean;
}

const HELP = "p = pass; f = fail, then a note; n = note first; s = skip; b = back; q = quit";
/** Asked after a fail with no note yet: why it failed is what whoever fixes the case needs. */
const FAIL_NOTE = "note on this fail (why; b takes the fail back; Enter for none) > ";
/** Typed alone where a note is asked, these are the next output's keys: input of one key a line (a script's, a pipe's) keeps its meaning. */
const KEYS = new Set(["p", "f", "s", "q"]);

function describeGiven(given: Review): string {
  const when = `${given.time.slice(0, 16).replace("T", " ")} UTC`;
  return `verdict now: ${given.verdict}${given.note ? `, note "${showControlChars(given.note)}"` : ""} (${given.reviewer}, ${when}); p or f adds a later one, which wins; s keeps it`;
}

function show(item: ReviewItem, i: number, total: number, given: Review | undefined): string {
  const lines = [
    "",
    `[${i + 1}/${total}] ${item.suite} / ${item.caseId}${item.kind === "judge-check" ? "  (checking the judge)" : ""}`,
    ...(item.description ? [`guards: ${item.description}`] : []),
    `asked: ${showControlChars(item.question)}`,
    `vars: ${JSON.stringify(item.vars)}`,
    `check: ${item.instructions}`,
    "──── output ────",
    showControlChars(item.output),
    "────────────────",
    ...(given ? [describeGiven(given)] : []),
  ];
  return `${lines.join("\n")}\n`;
}

interface FailNote {
  note?: string;
  /** A key typed where the note was asked: the next output's answer. */
  next?: string;
  /** The end of input (or Ctrl-C): the fail is kept, and the session ends. */
  ended?: true;
  /** "b": the fail is taken back, not recorded. */
  back?: true;
}

/** The note for a fail given without one: a line of text, or none (Enter). "n" there is the note key: the note follows. */
async function askFailNote(io: ReviewIo): Promise<FailNote> {
  const text = await io.ask(FAIL_NOTE);
  if (text === null) return { ended: true };
  const key = text.trim().toLowerCase();
  if (KEYS.has(key)) return { next: text };
  if (key === "b") return { back: true };
  if (key !== "n") return text.trim() ? { note: text.trim() } : {};
  const note = (await io.ask("note > "))?.trim();
  return note ? { note } : {};
}

/** Now, or just after the verdict it replaces if that one is stamped later (another machine's clock): the later line must win. */
function laterThan(now: Date, given: Review | undefined): string {
  const after = given ? Date.parse(given.time) + 1 : 0;
  return new Date(Math.max(now.getTime(), after)).toISOString();
}

export async function runReviewSession(items: readonly ReviewItem[], store: ReviewStore, reviewer: string, io: ReviewIo, now = () => new Date()): Promise<SessionResult> {
  // What this session did with each output, by position: its latest verdict, or a skip.
  const done = new Map<number, Review | "skipped">();
  const result = (quit: boolean): SessionResult => {
    const outcomes = [...done.values()];
    const skipped = outcomes.filter((o) => o === "skipped").length;
    return { recorded: outcomes.length - skipped, skipped, left: items.length - done.size, quit };
  };
  // A key typed where a fail's note was asked, kept for the next output.
  let ahead: string | undefined;
  let i = 0;
  while (i < items.length) {
    const item = items[i]!;
    const before = done.get(i);
    const given = before === undefined || before === "skipped" ? item.given : before;
    io.write(show(item, i, items.length, given));
    let note: string | undefined;
    let next = i + 1;
    for (;;) {
      const answer = ahead ?? (await io.ask(`verdict (${HELP}) > `));
      ahead = undefined;
      if (answer === null) return result(true);
      const key = answer.trim().toLowerCase();
      if (key === "q") return result(true);
      if (key === "b") {
        if (i === 0) {
          io.write("nothing before this one\n");
          continue;
        }
        next = i - 1;
        break;
      }
      if (key === "s") {
        if (!done.has(i)) done.set(i, "skipped");
        break;
      }
      if (key === "n") {
        const text = await io.ask("note > ");
        if (text === null) return result(true);
        note = text.trim() || undefined;
        continue;
      }
      if (key === "p" || key === "f") {
        const asked: FailNote = key === "f" && note === undefined ? await askFailNote(io) : {};
        if (asked.back) {
          io.write("fail taken back: nothing recorded\n");
          continue;
        }
        note ??= asked.note;
        ahead = asked.next;
        const review: Review = {
          suite: item.suite,
          caseId: item.caseId,
          grader: item.reviewKey,
          outputHash: item.outputHash,
          promptHash: item.promptHash,
          verdict: key === "p" ? "pass" : "fail",
          ...(note ? { note } : {}),
          reviewer,
          time: laterThan(now(), given),
        };
        await store.add(review);
        done.set(i, review);
        io.write(`recorded: ${review.verdict}${note ? ` (note: ${note})` : ""}\n`);
        if (asked.ended) return result(true);
        break;
      }
      io.write(`"${answer.trim()}" is not a choice: ${HELP}\n`);
    }
    i = next;
  }
  return result(false);
}
