/** Scripted fake-server handlers shared by the runner and fixture tests. */
import type { Action, Handler } from "../fake-server.js";

/**
 * Holds each request until `size` are waiting, then answers them all. With total
 * work a multiple of `size`, the server sees exactly `size` in flight at once
 * whenever the client allows it, and a client over its limit shows up as more;
 * a client that allows fewer would stall, so a generous fallback releases
 * stragglers and the count assertion fails instead.
 */
export function barrier(size: number, answer: Action = { kind: "answer", text: "ok" }, options: { holdMs?: number; fallbackMs?: number } = {}): Handler {
  const { holdMs = 20, fallbackMs = 5_000 } = options;
  let waiting: (() => void)[] = [];
  let holding = false;
  const releaseAll = () => {
    holding = false;
    const batch = waiting;
    waiting = [];
    for (const release of batch) release();
  };
  return () =>
    new Promise<Action>((resolve) => {
      waiting.push(() => resolve(answer));
      if (waiting.length >= size && !holding) {
        // Hold the full batch a moment: a client over its limit would send more meanwhile,
        // and they would all count as in flight together.
        holding = true;
        setTimeout(releaseAll, holdMs);
      } else if (!holding) setTimeout(releaseAll, fallbackMs).unref();
    });
}

/** Answers with the i-th action for the i-th request, then `rest` for every later one. */
export function sequence(actions: Action[], rest: Action): Handler {
  return (req) => actions[req.index] ?? rest;
}

/** Answers each request with its arrival index, so every answer is distinct. */
export const numbered: Handler = (req) => ({ kind: "answer", text: `answer-${req.index}`, inputTokens: 10 + req.index, outputTokens: 5 });
