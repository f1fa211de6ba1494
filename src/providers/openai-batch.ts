/**
 * OpenAI's Batch API for eval --batch: the requests go up as one JSONL file, the batch runs
 * on OpenAI's side within 24 h at half price, and the answers come back as another file.
 */
import OpenAI, { toFile } from "openai";
import { BATCH_DISCOUNT, type Price } from "./pricing.js";
import { readCompletion } from "./openai.js";
import { LOOK_BACK, notOnPage } from "./batch-list.js";
import { classifyingErrors } from "./sdk-errors.js";
import { requestOptions } from "./sdk-options.js";
import type { BatchApi, FoundBatch, ProviderError, ProviderResponse } from "./types.js";
import { isStoppedShort } from "./stopped-short.js";

const ENDED = new Set(["completed", "failed", "expired", "cancelled"]);
/** The metadata key each batch is tagged with, so one whose creation's answer was lost can be found. */
const TAG_KEY = "harness_tag";

export function createOpenAIBatchApi(getClient: () => OpenAI, id: string, price: Price | undefined): BatchApi {
  const sdk = classifyingErrors(OpenAI, `${id} batch`, "openai");
  return {
    submit: (items, options, tag) =>
      sdk(async () => {
        const opts = requestOptions(options);
        const jsonl = items.map((i) => JSON.stringify({ custom_id: i.customId, method: "POST", url: "/v1/chat/completions", body: i.body })).join("\n");
        const file = await getClient().files.create({ file: await toFile(Buffer.from(`${jsonl}\n`), "harness-batch.jsonl"), purpose: "batch" }, opts);
        const batch = await getClient().batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h", metadata: { [TAG_KEY]: tag } }, opts);
        return batch.id;
      }),
    find: (tag, sent, options) =>
      sdk(async (): Promise<FoundBatch> => {
        // Newest first: a batch sent moments ago is on the first page.
        const page = await getClient().batches.list({ limit: LOOK_BACK }, requestOptions(options));
        const batch = page.data.find((b) => b.metadata?.[TAG_KEY] === tag);
        if (batch) return { kind: "found", batchId: batch.id };
        const oldest = page.data.at(-1);
        return notOnPage(page.hasNextPage(), oldest && oldest.created_at * 1000, sent);
      }),
    describeSent: (tag) => `the batch whose metadata ${TAG_KEY} is ${tag}`,
    check: (batchId, options) =>
      sdk(async () => {
        const b = await getClient().batches.retrieve(batchId, requestOptions(options));
        const counts = b.request_counts;
        return { ended: ENDED.has(b.status), done: (counts?.completed ?? 0) + (counts?.failed ?? 0), total: counts?.total ?? 0 };
      }),
    results: (batchId, options) =>
      sdk(async () => {
        const opts = requestOptions(options);
        const b = await getClient().batches.retrieve(batchId, opts);
        const answers = new Map<string, ProviderResponse | ProviderError>();
        // A failed or expired batch may still hold answers for some requests; the rest run live.
        if (!b.output_file_id) return answers;
        const text = await (await getClient().files.content(b.output_file_id, opts)).text();
        for (const line of text.split("\n")) {
          if (line.trim() === "") continue;
          const entry = JSON.parse(line) as { custom_id: string; response?: { status_code: number; body: OpenAI.Chat.Completions.ChatCompletion } | null };
          if (entry.response?.status_code !== 200) continue;
          try {
            answers.set(entry.custom_id, { ...readCompletion(entry.response.body, id, price, BATCH_DISCOUNT), latencyMs: null });
          } catch (err) {
            // Stopped before any text: that is this trial's answer, an error, as it is live.
            if (isStoppedShort(err)) answers.set(entry.custom_id, err);
            // An answer without a choice runs again live, where its error is classified as usual.
          }
        }
        return answers;
      }),
  };
}
