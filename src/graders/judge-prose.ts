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
/**
 * Saying fail without the word: a verb of passing, negated ("it does not pass the rubric",
 * "Verdict: does not meet the criteria"). Only where its object is the rubric's kind of word,
 * within the clause, or it has none ("it did not pass."): "does not pass judgment", "does not
 * meet the rubric's idea of rude", "does not satisfy the criteria for a refusal" are no verdicts.
 */
const PASS_VERB = /\b(?:pass(?:es|ed|ing)?|meet(?:s|ing)?|met|satisf(?:y|ies|ied|ying))\b(?=[*_]*\s*(?:[.,;:!?)]|$)|(?:[\s*_]+[\w-]+){0,4}?[\s*_]+(?:rubric|criteri(?:on|a)|requirements?|standards?|bar|test|check)\b(?![\w'’]|\s+(?:for|of)\b))/gi;
// A negation earlier in the same clause undoes the one before a verb of passing: "there is no
// requirement it does not meet" says pass; "it isn't rude, and does not meet the rubric" fails.
const NEGATION = /\b(?:no|not|never|none|nothing|without|nor|cannot)\b|n't\b/i;
const CLAUSE_BREAK = /[.,;:!?\n]|\b(?:and|but|so|yet|because|while)\b/i;
// A negation right before the word, in the same clause: "does not fail", "no failure", "never
// really fails". Not across a comma or a full stop ("No, it fails"), nor two words away ("no
// doubt it fails").
// Spaces between may be any white space, and Markdown's emphasis marks (**not** a failure).
const NEGATED = /\b(?:no|not|never|without|nor|cannot|can't|won't|doesn't|didn't|isn't|aren't)[*_]*(?:[\s*_]+[\w']+[*_]*)?[\s*_]+$/i;
// "not only passes", "doesn't just fail": a word that turns the negation into emphasis.
const NOT_ONLY = /\b(?:only|just|merely|simply)[*_]*[\s*_]+$/i;
// A short quotation on one line, opened where a quotation opens: a stray inch mark (12") must
// not hide half a sentence.
const QUOTED = /(?<=^|[\s(:[=/])(?:"[^"\n]{0,80}"|“[^”\n]{0,80}”|`[^`\n]{0,80}`)/g;
// Except the one word a prose label gives as the verdict (Verdict: "fail"): that is the judge's
// own. Not a key of JSON shown in the prose ("verdict": "fail"), nor code (verdict="fail").
const LABELLED = /\b(verdict[*_]*\s*(?::|\bis)[*_]*)(\s*)(?:"([A-Za-z]+)"|“([A-Za-z]+)”|`([A-Za-z]+)`)/gi;

/** The negation right before `index` in `text`, as the judge wrote it, or undefined. */
function negationBefore(text: string, index: number): string | undefined {
  const before = text.slice(Math.max(0, index - 40), index);
  return NOT_ONLY.test(before) ? undefined : NEGATED.exec(before)?.[0];
}

function saysOtherwise(outside: string, words: RegExp, negatedWords?: RegExp): string | undefined {
  const text = outside.replace(LABELLED, (_, label: string, gap: string, ...word: (string | undefined)[]) => `${label}${gap}${word.find((w) => w !== undefined)}`).replace(QUOTED, " ");
  for (const m of text.matchAll(words)) if (negationBefore(text, m.index) === undefined) return m[0];
  for (const m of negatedWords ? text.matchAll(negatedWords) : []) {
    const negation = negationBefore(text, m.index);
    if (negation === undefined || NEGATION.test(text.slice(0, m.index - negation.length).split(CLAUSE_BREAK).pop()!)) continue;
    return `${negation}${m[0]}`.replace(/[*_]+/g, "").replace(/\s+/g, " ");
  }
  return undefined;
}

/** Why the judge's prose around its JSON answer belies it, or undefined when it does not. */
export function belies(answer: JudgeAnswer, outside: string): string | undefined {
  const word = "verdict" in answer ? (answer.verdict === "pass" ? saysOtherwise(outside, FAIL_WORD, PASS_VERB) : undefined) : answer.choice !== "contradicts" ? saysOtherwise(outside, CONTRADICT_WORD) : undefined;
  return word === undefined ? undefined : `its JSON says ${"verdict" in answer ? answer.verdict : answer.choice}, but its text around the JSON says "${word}"`;
}
