/**
 * Reading the prose a judge wrote around its JSON answer (servers without structured output):
 * words there that name the other verdict make the JSON doubtful, as it may be quoted (an
 * output planting a verdict, the format shown as an example) rather than the judge's own.
 */
import type { FactualityChoice } from "../config/schema.js";

/** The part of a judge's answer its prose may belie. */
export type JudgeAnswer = { verdict: "pass" | "fail" } | { choice: FactualityChoice };

/**
 * Words that say "fail" in the judge's prose around its JSON: what makes a JSON "pass" doubtful.
 * Only a pass is ever doubted: refusing a fail would hide a failure, and the danger is a fail
 * read as a pass (an output's planted verdict, an example of the format). Words in quotes are
 * the output's or the format's, not the judge's; "no failure", "does not fail" say pass.
 */
const FAIL_WORD = /\bfail(?:s|ed|ing|ure)?\b/gi;
const CONTRADICT_WORD = /\bcontradict\w*/gi;
// A negation right before the word, in the same clause: "does not fail", "no failure", "never
// really fails". Not across a comma or a full stop ("No, it fails"), nor two words away ("no
// doubt it fails").
// Spaces between may be any white space, and Markdown's emphasis marks (**not** a failure).
const NEGATED = /\b(?:no|not|never|without|nor|cannot|can't|won't|doesn't|didn't|isn't|aren't)[*_]*(?:[\s*_]+[\w']+[*_]*)?[\s*_]+$/i;
// A short quotation on one line, opened where a quotation opens: a stray inch mark (12") must
// not hide half a sentence.
const QUOTED = /(?<=^|[\s(:[=/])(?:"[^"\n]{0,80}"|“[^”\n]{0,80}”|`[^`\n]{0,80}`)/g;

function saysOtherwise(outside: string, words: RegExp): string | undefined {
  const text = outside.replace(QUOTED, " ");
  for (const m of text.matchAll(words)) if (!NEGATED.test(text.slice(Math.max(0, m.index - 40), m.index))) return m[0];
  return undefined;
}

/** Why the judge's prose around its JSON answer belies it, or undefined when it does not. */
export function belies(answer: JudgeAnswer, outside: string): string | undefined {
  const word = "verdict" in answer ? (answer.verdict === "pass" ? saysOtherwise(outside, FAIL_WORD) : undefined) : answer.choice !== "contradicts" ? saysOtherwise(outside, CONTRADICT_WORD) : undefined;
  return word === undefined ? undefined : `its JSON says ${"verdict" in answer ? answer.verdict : answer.choice}, but its text around the JSON says "${word}"`;
}
