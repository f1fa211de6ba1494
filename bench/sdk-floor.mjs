// The floor under harness: the official openai client alone, configured as harness configures
// it (no SDK retries, harness's keep-alive fetch), making the same calls at the same concurrency
// and doing nothing else. What harness takes beyond this row is its own cost.
// Usage: bundled by sdk-floor-tool.ts into .harness/bench-floor/, then run there with the
// <suite.json> the bench writes in each run's temporary project; writes tally.json beside it.
import OpenAI from "openai";
import { createHttpFetch } from "../dist/providers/http-fetch.js";
import { runFloor } from "./floor-loop.mjs";

let client;
await runFloor((suite, body) => {
  client ??= new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: suite.baseURL, maxRetries: 0, fetch: createHttpFetch() });
  return client.chat.completions.create(body);
});
