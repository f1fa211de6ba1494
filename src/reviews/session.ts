/**
 * The review loop: one item at a time, a verdict per line of input. Every verdict is
 * appended to the reviews file as soon as it is given, so quitting (or a crash) half-way
 * loses nothing already answered.
 */
import { showControlChars } from "../core/text.js";
import type { ReviewItem } from "./items.js";
import type { ReviewStore } from "./store.js";

export interface ReviewIo {
  /** Resolves with the next line the person typed, or null at the end of input. */
  ask(prompt: string): Promise<string | null>;
  write(text: string): void;
}

export interface SessionResult {
  recorded: number;
  skipped: number;
  left: number;
  quit: boolean;
}

const HELP = "p = pass; f = fail, then a note or Enter; n = a note before the verdict; s = skip; q = quit";
/** Asked after a fail with no note yet: why it failed is what whoever fixes the case needs. */
const FAIL_NOTE = "note on this fail (why, or Enter for none) > ";
/** Typed alone where a note is asked, these are the next output's keys: input of one key a line (a script's, a pipe's) keeps its meaning. */
const KEYS = new Set(["p", "f", "s", "q"]);

function show(item: ReviewItem, i: number, total: number): string {
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
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The note for a fail given without one: a line of text, or none (Enter). "n" there is taken
 * as the note key (the note follows, as it would have before the verdict); a lone key is handed
 * back as the next output's answer; the end of input (or Ctrl-C) keeps the fail and ends the session.
 */
async function askFailNote(io: ReviewIo): Promise<{ note?: string; next?: string; ended?: true }> {
  const text = await io.ask(FAIL_NOTE);
  if (text === null) return { ended: true };
  const key = text.trim().toLowerCase();
  if (KEYS.has(key)) return { next: text };
  if (key !== "n") return text.trim() ? { note: text.trim() } : {};
  const note = (await io.ask("note > "))?.trim();
  return note ? { note } : {};
}

export async function runReviewSession(items: readonly ReviewItem[], store: ReviewStore, reviewer: string, io: ReviewIo, now = () => new Date()): Promise<SessionResult> {
  let recorded = 0;
  let skipped = 0;
  // A key typed where a fail's note was asked, kept for the next output.
  let ahead: string | undefined;
  for (const [i, item] of items.entries()) {
    io.write(show(item, i, items.length));
    let note: string | undefined;
    for (;;) {
      const answer = ahead ?? (await io.ask(`verdict (${HELP}) > `));
      ahead = undefined;
      if (answer === null) return { recorded, skipped, left: items.length - i, quit: true };
      const key = answer.trim().toLowerCase();
      if (key === "q") return { recorded, skipped, left: items.length - i, quit: true };
      if (key === "s") {
        skipped++;
        break;
      }
      if (key === "n") {
        const text = await io.ask("note > ");
        if (text === null) return { recorded, skipped, left: items.length - i, quit: true };
        note = text.trim() || undefined;
        continue;
      }
      if (key === "p" || key === "f") {
        const asked = key === "f" && note === undefined ? await askFailNote(io) : {};
        note ??= asked.note;
        ahead = asked.next;
        await store.add({
          suite: item.suite,
          caseId: item.caseId,
          grader: item.reviewKey,
          outputHash: item.outputHash,
          promptHash: item.promptHash,
          verdict: key === "p" ? "pass" : "fail",
          ...(note ? { note } : {}),
          reviewer,
          time: now().toISOString(),
        });
        recorded++;
        io.write(`recorded: ${key === "p" ? "pass" : "fail"}${note ? ` (note: ${note})` : ""}\n`);
        if (asked.ended) return { recorded, skipped, left: items.length - i - 1, quit: true };
        break;
      }
      io.write(`"${answer.trim()}" is not a choice: ${HELP}\n`);
    }
  }
  return { recorded, skipped, left: 0, quit: false };
}
