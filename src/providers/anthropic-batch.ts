/**
 * Anthropic's Message Batches API for eval --batch: up to 100,000 requests in one call,
 * processed within 24 h at half price, the results streamed back as JSON lines.
 */
import Anthropic from "@anthropic-ai/sdk";
import { BATCH_DISCOUNT, type Price } from "./pricing.js";
import { readMessage } from "./anthropic.js";
import { createdSince, LOOK_BACK, notOnPage } from "./batch-list.js";
import { classifyingErrors } from "./sdk-errors.js";
import { requestOptions } from "./sdk-options.js";
import type { BatchApi, FoundBatch, ProviderError, ProviderResponse } from "./types.js";
import { isStoppedShort } from "./stopped-short.js";

export function createAnthropicBatchApi(getClient: () => Anthropic, id: string, price: Price | undefined): BatchApi {
  const sdk = classifyingErrors(Anthropic, `${id} batch`, "anthropic");
  return {
    submit: (items, options) =>
      sdk(async () => {
        const requests = items.map((i) => ({ custom_id: i.customId, params: i.body as Anthropic.MessageCreateParamsNonStreaming }));
        return (await getClient().messages.batches.create({ requests }, requestOptions(options))).id;
      }),
    // A message batch keeps no label, so none is ever taken for this run's: another client's of
    // the same size (a CI shard, a colleague's run, this run's other suite) would be followed
    // for up to a day, its answers matching none of ours. Those that could be it are named.
    find: (_tag, sent, options) =>
      sdk(async (): Promise<FoundBatch> => {
        const page = await getClient().messages.batches.list({ limit: LOOK_BACK }, requestOptions(options));
        const size = (c: Anthropic.Messages.MessageBatchRequestCounts) => c.processing + c.succeeded + c.errored + c.canceled + c.expired;
        const matches = page.data.filter((b) => createdSince(Date.parse(b.created_at), sent) && size(b.request_counts) === sent.requests);
        if (matches.length > 0) return { kind: "unsure", final: true, why: `Anthropic's batches carry no tag; ${matches.length === 1 ? "one" : matches.length} of ${sent.requests} request(s) created since could be it: ${matches.map((b) => b.id).join(", ")}` };
        const oldest = page.data.at(-1);
        return notOnPage(page.has_more, oldest && Date.parse(oldest.created_at), sent);
      }),
    describeSent: (_tag, sent) => `the batch of ${sent.requests} request(s) created at about ${new Date(sent.since).toISOString()}`,
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
