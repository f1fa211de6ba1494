// One listener per run signal, whatever watches it: calls, graders, queued slots and backoffs.
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { AdaptiveLimit } from "../src/runner/adaptive-limit.js";
import { onAbort } from "../src/runner/on-abort.js";
import { sleep } from "../src/runner/retry.js";

describe("onAbort", () => {
  it("runs each piece of work once on abort, through one listener, and forgets what was cancelled", () => {
    const run = new AbortController();
    const ran: number[] = [];
    const forgets = Array.from({ length: 300 }, (_, i) => onAbort(run.signal, () => ran.push(i)));
    expect(getEventListeners(run.signal, "abort")).toHaveLength(1);
    for (const forget of forgets.slice(0, 100)) forget();
    run.abort("stop");
    run.abort("again");
    expect(ran).toEqual(Array.from({ length: 200 }, (_, i) => i + 100));
    // Already aborted: at once.
    let late = 0;
    onAbort(run.signal, () => late++);
    expect(late).toBe(1);
  });

  it("a gate with a free slot adds nothing to watch; a queued acquire is rejected by the abort and gives no slot", async () => {
    const run = new AbortController();
    const gate = new AdaptiveLimit({ max: 2 });
    const releases = [await gate.acquire(run.signal), await gate.acquire(run.signal)];
    expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
    const queued = gate.acquire(run.signal);
    run.abort(new Error("stopped"));
    await expect(queued).rejects.toThrow("stopped");
    for (const release of releases) release();
    // Both slots are free again, none was taken by the rejected wait.
    const fresh = new AbortController();
    const again = await Promise.all([gate.acquire(fresh.signal), gate.acquire(fresh.signal)]);
    expect(again).toHaveLength(2);
  });

  it("a backoff ends at once on abort", async () => {
    const run = new AbortController();
    const waiting = sleep(60_000, run.signal);
    run.abort(new Error("stopped"));
    await expect(waiting).rejects.toThrow("stopped");
  });
});
