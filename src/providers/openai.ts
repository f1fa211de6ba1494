/** `openai:<model>` through the official openai SDK: Chat Completions, any compatible server. */
import OpenAI from "openai";
import type { ProviderConfig } from "../config/schema.js";
import { costOf, priceOf, usageOf, type Price } from "./pricing.js";
import { createHttpFetch } from "./http-fetch.js";
import { createOpenAIBatchApi } from "./openai-batch.js";
import { exhaustedFor } from "./rate-limit-headers.js";
import { classifySdkError } from "./sdk-errors.js";
import { requestOptions } from "./sdk-options.js";
import { stoppedShort, type Cut } from "./stopped-short.js";
import { ProviderError, type CallOptions, type ProviderRequest, type ProviderResponse, type RecordableProvider } from "./types.js";

export function createOpenAIProvider(model: string, config: ProviderConfig, env: NodeJS.ProcessEnv = process.env): RecordableProvider {
  const id = `openai:${model}`;
  const price = priceOf("openai", model, config);
  let client: OpenAI | undefined;

  // Built on first live call, so a run served wholly from fixtures needs no key.
  const getClient = (): OpenAI => {
    if (client) return client;
    const apiKey = env.OPENAI_API_KEY;
    if (!apiKey) {
      throw new ProviderError("auth", `${id}: OPENAI_API_KEY is not set`, {
        fatal: true,
        hint: "set OPENAI_API_KEY",
      });
    }
    const baseURL = config.baseURL ?? env.OPENAI_BASE_URL;
    // maxRetries 0: the runner owns retries; the SDK's own two would multiply calls and distort latency.
    client = new OpenAI({ apiKey, maxRetries: 0, fetch: createHttpFetch(), ...(baseURL ? { baseURL } : {}) });
    return client;
  };

  // Built field by field, not from spreads: it is made at every call, and a fresh object each time.
  const body = (request: ProviderRequest): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming => {
    const b: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = { model, messages: request.messages.map((m) => ({ role: m.role, content: m.content })) };
    if (config.temperature !== undefined) b.temperature = config.temperature;
    if (config.maxTokens !== undefined) b.max_completion_tokens = config.maxTokens;
    if (config.topP !== undefined) b.top_p = config.topP;
    if (config.seed !== undefined) b.seed = config.seed;
    const format = request.responseFormat;
    if (format) b.response_format = { type: "json_schema", json_schema: { name: format.name, schema: format.schema, strict: true } };
    return b;
  };

  return {
    id,
    kind: "openai",
    model,
    requestIdentity: body,
    batchApi: createOpenAIBatchApi(getClient, id, price),
    async call(request: ProviderRequest, options: CallOptions): Promise<ProviderResponse> {
      const started = performance.now();
      try {
        const params = body(request);
        params.stream = false;
        const { data: res, response: http } = await getClient().chat.completions.create(params, requestOptions(options)).withResponse();
        const answer: ProviderResponse = { ...readCompletion(res, id, price), latencyMs: performance.now() - started };
        const exhausted = exhaustedFor(http.headers, "openai");
        if (exhausted !== undefined) answer.exhaustedForMs = exhausted;
        return answer;
      } catch (err) {
        throw classifySdkError(err, OpenAI, id, "openai");
      }
    },
  };
}

/**
 * A chat completion as an answer; shared by live calls and batch results. The SDK does not check
 * the body: what an OpenAI-compatible server sends is read here, never trusted to be the type.
 */
export function readCompletion(res: OpenAI.Chat.Completions.ChatCompletion, id: string, price: Price | undefined, discount = 1): Omit<ProviderResponse, "latencyMs"> {
  const choice = res.choices?.[0];
  const message = choice?.message;
  if (!choice || !message) throw new ProviderError("malformed-output", `${id}: the response has no answer (no choices[0].message)`);
  const content = contentText(message.content, id);
  // A refusal is an answer to grade (refusing a customer can be the very failure a case guards), not an error.
  const refusal = typeof message.refusal === "string" ? message.refusal : null;
  const output = content ?? refusal ?? "";
  const refused = content === null && refusal !== null ? { refused: true as const } : {};
  const stopped = stoppedShort(output, OPENAI_CUTS.get(choice.finish_reason), id, `finish_reason "${choice.finish_reason}"`);
  const usage = usageOf(res.usage?.prompt_tokens, res.usage?.completion_tokens);
  const cost = costOf(price, usage);
  return { output, usage, costUsd: cost === null ? null : cost * discount, cached: false, ...refused, ...stopped };
}

/** The finish reasons of an answer that ended early (Azure's filter says content_filter too). */
const OPENAI_CUTS: ReadonlyMap<string, Cut> = new Map([
  ["length", "max-tokens"],
  ["content_filter", "content-filter"],
]);

/**
 * The message's text: a string, or null for none. Some compatible servers send an array of
 * parts: text parts alone are plainly the answer, joined. Anything else is no text harness
 * can grade, and a grader handed it failed with "output.toLowerCase is not a function".
 */
function contentText(content: unknown, id: string): string | null {
  if (content === null || content === undefined || typeof content === "string") return content ?? null;
  if (Array.isArray(content) && content.every(isTextPart)) return content.map((part) => part.text).join("");
  const shown = JSON.stringify(content) ?? String(content);
  throw new ProviderError("malformed-output", `${id}: the answer's content is neither text nor text parts: ${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}`);
}

function isTextPart(part: unknown): part is { type: "text"; text: string } {
  return typeof part === "object" && part !== null && (part as { type?: unknown }).type === "text" && typeof (part as { text?: unknown }).text === "string";
}
