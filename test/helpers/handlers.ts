/** Scripted fake-server handlers shared by the runner and fixture tests. */
import type { Action, Handler } from "../fake-server.js";

/**
 * Holds each request until `size` are waiting, then answers them all. With total
 * work a multiple of `size`, the server sees exactly `size` in flight at once
 * whenever the client allows it; a client that allows fewer would stall, so a
 * generous fallback releases stragglers and the count assertion fails instead.
 */
export function barrier(size: number, answer: Action = { kind: "answer", text: "ok" }, fallbackMs = 5_000): Handler {
  let waiting: (() => void)[] = [];
  const releaseAll = () => {
    const batch = waiting;
    waiting = [];
    for (const release of batch) release();
  };
  return () =>
    new Promise<Action>((resolve) => {
      waiting.push(() => resolve(answer));
      if (waiting.length >= size) releaseAll();
      else setTimeout(releaseAll, fallbackMs).unref();
    });
}

/** Answers with the i-th action for the i-th request, then `rest` for every later one. */
export function sequence(actions: Action[], rest: Action): Handler {
  return (req) => actions[req.index] ?? rest;
}

/** Answers each request with its arrival index, so every answer is distinct. */
export const numbered: Handler = (req) => ({ kind: "answer", text: `answer-${req.index}`, inputTokens: 10 + req.index, outputTokens: 5 });
