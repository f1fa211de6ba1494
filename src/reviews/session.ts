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

const HELP = "p = pass, f = fail, s = skip, n = add a note, q = quit";

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

export async function runReviewSession(items: readonly ReviewItem[], store: ReviewStore, reviewer: string, io: ReviewIo, now = () => new Date()): Promise<SessionResult> {
  let recorded = 0;
  let skipped = 0;
  for (const [i, item] of items.entries()) {
    io.write(show(item, i, items.length));
    let note: string | undefined;
    for (;;) {
      const answer = await io.ask(`verdict (${HELP}) > `);
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
        io.write(`recorded: ${key === "p" ? "pass" : "fail"}\n`);
        break;
      }
      io.write(`"${answer.trim()}" is not a choice: ${HELP}\n`);
    }
  }
  return { recorded, skipped, left: 0, quit: false };
}
