/**
 * List prices in USD per million tokens, for the cost column. A price the table
 * does not know is unknown (null), never zero; a suite can give its own with
 * provider config `inputPricePerMTok` / `outputPricePerMTok`.
 * Source: the providers' public price pages; check them before trusting a total.
 */
import type { ProviderConfig } from "../config/schema.js";
import type { Usage } from "../core/types.js";

/** OpenAI Batch and Anthropic Message Batches both charge half the list price. */
export const BATCH_DISCOUNT = 0.5;

export interface Price {
  input: number;
  output: number;
}

const PRICES: Record<string, Price> = {
  "openai:gpt-4o": { input: 2.5, output: 10 },
  "openai:gpt-4o-mini": { input: 0.15, output: 0.6 },
  "openai:gpt-4.1": { input: 2, output: 8 },
  "openai:gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "openai:gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "openai:o3": { input: 2, output: 8 },
  "openai:o4-mini": { input: 1.1, output: 4.4 },
  "openai:gpt-5": { input: 1.25, output: 10 },
  "openai:gpt-5-mini": { input: 0.25, output: 2 },
  "openai:gpt-5-nano": { input: 0.05, output: 0.4 },
  "anthropic:claude-opus-4-1": { input: 15, output: 75 },
  "anthropic:claude-sonnet-4-5": { input: 3, output: 15 },
  "anthropic:claude-sonnet-4": { input: 3, output: 15 },
  "anthropic:claude-haiku-4-5": { input: 1, output: 5 },
  "anthropic:claude-3-5-haiku-latest": { input: 0.8, output: 4 },
};

export function priceOf(kind: string, model: string, config: ProviderConfig): Price | undefined {
  const input = config.inputPricePerMTok;
  const output = config.outputPricePerMTok;
  if (typeof input === "number" && typeof output === "number") return { input, output };
  // Dated snapshots ("gpt-4o-mini-2024-07-18", "claude-haiku-4-5-20251001") cost what their alias costs.
  const key = `${kind}:${model}`;
  return PRICES[key] ?? PRICES[key.replace(/-\d{4}-\d{2}-\d{2}$|-\d{8}$/, "")];
}

/** Token counts as a server gave them: one missing or not a count (a compatible server's partial usage) leaves the usage unknown, never NaN. */
export function usageOf(inputTokens: unknown, outputTokens: unknown): Usage | null {
  const count = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;
  return count(inputTokens) && count(outputTokens) ? { inputTokens, outputTokens } : null;
}

export function costOf(price: Price | undefined, usage: Usage | null): number | null {
  if (!price || !usage) return null;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}
