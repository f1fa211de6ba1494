/**
 * Human verdicts, kept in the repository as JSON lines (default evals/reviews.jsonl), so
 * they are committed with the suite and reused whenever the same output appears again
 * (always, with fixtures). One line per verdict; a later line for the same output wins.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ConfigError, type ConfigProblem } from "../errors.js";
import { appendLine } from "../io/append-line.js";
import { jsonProblems } from "../config/issue-words.js";

export const DEFAULT_REVIEWS_PATH = "evals/reviews.jsonl";

// Not strict: a line a later harness writes, with a field this one does not know, must not stop
// a teammate's run (exit 2), as promptHash stopped versions before it.
export const ReviewSchema = z.object({
  suite: z.string().min(1),
  caseId: z.string().min(1),
  /** Which grader the verdict answers: "human:<hash of instructions>" or "<judge type>:<hash of rubric>". */
  grader: z.string().min(1),
  /** sha256 of the output, 16 hex digits. */
  outputHash: z.string().regex(/^[0-9a-f]{16}$/, "expected 16 hex digits"),
  /**
   * What the case asked when the verdict was given (the hash its baseline entry has): the same
   * output to another question may deserve another verdict. Lines written before it existed
   * have none, and answer whatever the case asks.
   */
  promptHash: z.string().regex(/^[0-9a-f]{16}$/, "expected 16 hex digits").optional(),
  verdict: z.enum(["pass", "fail"]),
  note: z.string().optional(),
  reviewer: z.string().min(1),
  time: z.iso.datetime(),
});

export type Review = z.infer<typeof ReviewSchema>;

export interface ReviewStore {
  file: string;
  /** The latest verdict (by time) for this output under this grader, to this prompt, if a person gave one. */
  get(suite: string, caseId: string, grader: string, outputHash: string, promptHash: string): Review | undefined;
  /** Appends a verdict to the file at once: quitting a review half-way loses nothing already answered. */
  add(review: Review): Promise<void>;
  size(): number;
}

const keyOf = (r: Pick<Review, "suite" | "caseId" | "grader" | "outputHash" | "promptHash">) => JSON.stringify([r.suite, r.caseId, r.grader, r.outputHash, r.promptHash ?? null]);

/** Reads the reviews file (a missing one is empty). Every invalid line is reported with its number. */
export async function openReviews(file: string, label = file): Promise<ReviewStore> {
  let text = "";
  try {
    // An editor's byte-order mark is no part of the first line, as in a suite file.
    text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new ConfigError([{ file: label, message: `cannot read the reviews file: ${(err as Error).message}` }]);
  }
  const byKey = new Map<string, Review>();
  const problems: ConfigProblem[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      problems.push({ file: label, line: i + 1, col: 1, message: `not valid JSON (${(err as Error).message}); each line is one review` });
      continue;
    }
    const parsed = ReviewSchema.safeParse(json);
    if (!parsed.success) {
      // Every problem of the line, each at its column.
      problems.push(...(await jsonProblems(parsed.error.issues, json, line, label, i + 1)));
      continue;
    }
    // The latest verdict by its time wins, whatever order a merge left the lines in.
    const key = keyOf(parsed.data);
    const earlier = byKey.get(key);
    if (!earlier || Date.parse(parsed.data.time) >= Date.parse(earlier.time)) byKey.set(key, parsed.data);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    file,
    // A verdict given to this prompt, or one from before verdicts named their prompt: the later wins.
    get(suite, caseId, grader, outputHash, promptHash) {
      const named = byKey.get(keyOf({ suite, caseId, grader, outputHash, promptHash }));
      const unnamed = byKey.get(keyOf({ suite, caseId, grader, outputHash }));
      if (!named || !unnamed) return named ?? unnamed;
      return Date.parse(unnamed.time) > Date.parse(named.time) ? unnamed : named;
    },
    async add(review) {
      const valid = ReviewSchema.parse(review);
      await appendLine(file, JSON.stringify(valid));
      byKey.set(keyOf(valid), valid);
    },
    size: () => byKey.size,
  };
}
