// The floor under harness: the official openai client alone, configured as harness configures
// it (no SDK retries, harness's keep-alive fetch), making the same calls at the same concurrency
// and doing nothing else. What harness takes beyond this row is its own cost.
// Usage: node bench/sdk-floor.mjs <suite.json> (written by sdk-floor-tool.ts); writes tally.json beside it.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import OpenAI from "openai";
import { httpFetch } from "../dist/providers/http-fetch.js";

const file = process.argv[2];
const suite = JSON.parse(readFileSync(file, "utf8"));
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: suite.baseURL, maxRetries: 0, fetch: httpFetch });
const slots = [];
let next = 0;
const total = suite.cases * suite.trials;
async function worker() {
  while (next < total) {
    const i = next++;
    const n = Math.floor(i / suite.trials) + 1;
    const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `Answer question ${n}` }] });
    if (res.choices[0]?.message.content?.includes("ok")) slots.push([n, i % suite.trials]);
  }
}
await Promise.all(Array.from({ length: suite.concurrency }, worker));
writeFileSync(path.join(path.dirname(file), "tally.json"), JSON.stringify({ slots }));
