/**
 * Anthropic's Message Batches API for eval --batch: up to 100,000 requests in one call,
 * processed within 24 h at half price, the results streamed back as JSON lines.
 */
import Anthropic from "@anthropic-ai/sdk";
import { BATCH_DISCOUNT, type Price } from "./pricing.js";
import { readMessage } from "./anthropic.js";
import { classifyingErrors } from "./sdk-errors.js";
import { requestOptions } from "./sdk-options.js";
import type { BatchApi, ProviderError, ProviderResponse } from "./types.js";
import { isStoppedShort } from "./stopped-short.js";

export function createAnthropicBatchApi(getClient: () => Anthropic, id: string, price: Price | undefined): BatchApi {
  const sdk = classifyingErrors(Anthropic, `${id} batch`, "anthropic");
  return {
    submit: (items, options) =>
      sdk(async () => {
        const requests = items.map((i) => ({ custom_id: i.customId, params: i.body as Anthropic.MessageCreateParamsNonStreaming }));
        return (await getClient().messages.batches.create({ requests }, requestOptions(options))).id;
      }),
    check: (batchId, options) =>
      sdk(async () => {
        const b = await getClient().messages.batches.retrieve(batchId, {}, requestOptions(options));
        const c = b.request_counts;
        const done = c.succeeded + c.errored + c.canceled + c.expired;
        return { ended: b.processing_status === "ended", done, total: done + c.processing };
      }),
    results: (batchId, options) =>
      sdk(async () => {
        const answers = new Map<string, ProviderResponse | ProviderError>();
        // Errored, cancelled and expired requests are left out: they run live.
        for await (const entry of await getClient().messages.batches.results(batchId, {}, requestOptions(options))) {
          if (entry.result.type !== "succeeded") continue;
          try {
            answers.set(entry.custom_id, { ...readMessage(entry.result.message, id, price, BATCH_DISCOUNT), latencyMs: null });
          } catch (err) {
            // Stopped before any text: that is this trial's answer, an error, as it is live.
            if (isStoppedShort(err)) answers.set(entry.custom_id, err);
            // An answer that cannot be read runs again live, where its error is classified as usual.
          }
        }
        return answers;
      }),
  };
}
