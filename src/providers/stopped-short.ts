/**
 * Answers that ended before the model finished: at the token limit, at the context window, or by
 * a content filter. They used to be graded as whole answers with no word said, and an empty one
 * passed every not-contains guard.
 */
import { ProviderError } from "./types.js";

/** Why an answer ended early, as the error category of one that has no text. */
export type Cut = "max-tokens" | "context-length" | "content-filter";

/** Whether this error is an answer that stopped before any text: the model's answer, not a failed call. */
export function isStoppedShort(err: unknown): err is ProviderError {
  return err instanceof ProviderError && Object.hasOwn(NOTHING, err.category);
}

const NOTHING: Record<Cut, string> = {
  "max-tokens": "the model stopped at the token limit before writing any text",
  "context-length": "the model filled its context window before writing any text",
  "content-filter": "a content filter stopped the answer before any text",
};

const FIX: Record<Cut, string> = {
  "max-tokens": "; raise maxTokens in this model's config (a reasoning model spends part of it thinking)",
  "context-length": "; shorten the prompt or the case's inputs, or use a model with a longer context",
  "content-filter": "",
};

/**
 * What an answer that ended early is. With no text there is nothing to grade: an error saying
 * why (`said`: the API's own words). With text it is the model's answer, marked: cut at a limit
 * it is truncated; stopped by a filter, a refusal, as Anthropic names its own filter's stop.
 */
export function stoppedShort(output: string, cut: Cut | undefined, id: string, said: string): { truncated?: true; refused?: true } {
  if (cut === undefined) return {};
  if (output.trim() === "") throw new ProviderError(cut, `${id}: ${NOTHING[cut]} (${said}): nothing to grade${FIX[cut]}`);
  return cut === "content-filter" ? { refused: true } : { truncated: true };
}
