/** `anthropic:<model>` through the official @anthropic-ai/sdk: the Messages API. */
import Anthropic from "@anthropic-ai/sdk";
import type { ProviderConfig } from "../config/schema.js";
import { costOf, priceOf, usageOf, type Price } from "./pricing.js";
import { createAnthropicBatchApi } from "./anthropic-batch.js";
import { createHttpFetch } from "./http-fetch.js";
import { exhaustedFor } from "./rate-limit-headers.js";
import { classifySdkError } from "./sdk-errors.js";
import { requestOptions } from "./sdk-options.js";
import { withWarningsTo } from "./sdk-warnings.js";
import { stoppedShort, type Cut } from "./stopped-short.js";
import { ProviderError, type CallOptions, type ProviderRequest, type ProviderResponse, type RecordableProvider } from "./types.js";

/** The Messages API requires max_tokens; this is used when the suite sets none. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 1024;

/** `onWarning`: gets what the SDK would warn on the console at each call (a deprecated model); without it, the SDK prints. */
export function createAnthropicProvider(model: string, config: ProviderConfig, env: NodeJS.ProcessEnv = process.env, onWarning?: (text: string) => void): RecordableProvider {
  const id = `anthropic:${model}`;
  const price = priceOf("anthropic", model, config);
  let client: Anthropic | undefined;

  const getClient = (): Anthropic => {
    if (client) return client;
    const apiKey = env.ANTHROPIC_API_KEY;
    if (!apiKey) {
      throw new ProviderError("auth", `${id}: ANTHROPIC_API_KEY is not set`, {
        fatal: true,
        hint: "set ANTHROPIC_API_KEY",
      });
    }
    const baseURL = config.baseURL ?? env.ANTHROPIC_BASE_URL;
    client = new Anthropic({ apiKey, maxRetries: 0, fetch: createHttpFetch(), ...(baseURL ? { baseURL } : {}) });
    return client;
  };

  // The Messages API takes system text apart from the turns.
  const body = (request: ProviderRequest) => {
    const system = request.messages.filter((m) => m.role === "system").map((m) => m.content).join("\n\n");
    return {
      model,
      max_tokens: config.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
      ...(system ? { system } : {}),
      messages: request.messages.filter((m) => m.role !== "system").map((m) => ({ role: m.role as "user" | "assistant", content: m.content })),
      // As given, never clamped: the loader refuses more than 1, and the fixture key is what was sent.
      ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
      ...(config.topP !== undefined ? { top_p: config.topP } : {}),
      // Structured output as one forced tool call whose input is the answer.
      ...(request.responseFormat
        ? {
            tools: [{ name: request.responseFormat.name, description: "Record your answer.", input_schema: { type: "object" as const, ...request.responseFormat.schema } }],
            tool_choice: { type: "tool" as const, name: request.responseFormat.name },
          }
        : {}),
    };
  };

  return {
    id,
    kind: "anthropic",
    model,
    requestIdentity: body,
    batchApi: createAnthropicBatchApi(getClient, id, price),
    async call(request: ProviderRequest, options: CallOptions): Promise<ProviderResponse> {
      const started = performance.now();
      try {
        const start = () => getClient().messages.create({ ...body(request), stream: false }, requestOptions(options));
        const { data: res, response: http } = await (onWarning ? withWarningsTo(onWarning, start) : start()).withResponse();
        const answer: ProviderResponse = { ...readMessage(res, id, price), latencyMs: performance.now() - started };
        const exhausted = exhaustedFor(http.headers, "anthropic");
        if (exhausted !== undefined) answer.exhaustedForMs = exhausted;
        return answer;
      } catch (err) {
        throw classifySdkError(err, Anthropic, id, "anthropic");
      }
    },
  };
}

/**
 * A message as an answer; shared by live calls and batch results. A forced tool call's input is
 * the structured answer. The SDK does not check the body: a compatible server's is read here.
 */
export function readMessage(res: Anthropic.Message, id: string, price: Price | undefined, discount = 1): Omit<ProviderResponse, "latencyMs"> {
  if (!Array.isArray(res.content)) throw new ProviderError("malformed-output", `${id}: the response has no content blocks`);
  const tool = res.content.find((block) => block.type === "tool_use");
  const output = tool ? JSON.stringify(tool.input) : res.content.map((block) => (block.type === "text" && typeof block.text === "string" ? block.text : "")).join("");
  const stopped = stoppedShort(output, ANTHROPIC_CUTS.get(res.stop_reason ?? ""), id, `stop_reason "${res.stop_reason}"`);
  const usage = usageOf(res.usage?.input_tokens, res.usage?.output_tokens);
  const cost = costOf(price, usage);
  return { output, usage, costUsd: cost === null ? null : cost * discount, cached: false, ...stopped };
}

/** The stop reasons of an answer that ended early; "refusal" is the API's safety filter stopping it. */
const ANTHROPIC_CUTS: ReadonlyMap<string, Cut> = new Map([
  ["max_tokens", "max-tokens"],
  ["model_context_window_exceeded", "context-length"],
  ["refusal", "content-filter"],
]);
