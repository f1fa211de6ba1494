/**
 * Rate limits: the adaptive gate on a fake clock, the providers' rate-limit headers by hand,
 * and whole runs against a fake server that answers 429, through the real SDK clients.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { GraderSpec } from "../src/config/schema.js";
import type { LoadedSuite, RawRun } from "../src/core/types.js";
import { joinRateLimits } from "../src/core/rate-limits.js";
import { buildRunResult } from "../src/core/result.js";
import { RunError } from "../src/errors.js";
import { exhaustedFor, parseGoDuration } from "../src/providers/rate-limit-headers.js";
import { createProvider } from "../src/providers/registry.js";
import { renderTerminal } from "../src/reporters/terminal.js";
import { AdaptiveLimit } from "../src/runner/adaptive-limit.js";
import { callWithRetries, type CallContext } from "../src/runner/call.js";
import { RateLimitWaits } from "../src/runner/rate-limit-waits.js";
import { Reachability } from "../src/runner/reachability.js";
import { runSuites, RunStopped, type RateLimitWait } from "../src/runner/run.js";
import { echo, startFakeServer, type Action, type FakeServer } from "./fake-server.js";
import { mulberry32 } from "./helpers/prng.js";
import { DUMMY_ANTHROPIC_KEY, DUMMY_OPENAI_KEY, makeCase, makeSuite, tempProject, type TempProject } from "./helpers/project.js";

describe("parseGoDuration (OpenAI's x-ratelimit-reset-*)", () => {
  it.each([
    ["1s", 1000],
    ["20ms", 20],
    ["6m0s", 360_000],
    ["1h2m3.5s", 3_723_500],
    ["0.5s", 500],
    ["1500us", 1.5],
  ])("%s → %d ms", (text, ms) => expect(parseGoDuration(text)).toBeCloseTo(ms, 9));

  it.each(["", "5", "1x", "s", "1s junk", "-1s"])("%j is not a duration", (text) => expect(parseGoDuration(text)).toBeUndefined());
});

describe("exhaustedFor", () => {
  const now = Date.parse("2026-11-29T10:00:00Z");
  it("is undefined while every window has room", () => {
    const h = new Headers({ "x-ratelimit-remaining-requests": "3", "x-ratelimit-reset-requests": "1s", "x-ratelimit-remaining-tokens": "900", "x-ratelimit-reset-tokens": "6m0s" });
    expect(exhaustedFor(h, "openai", now)).toBeUndefined();
    expect(exhaustedFor(new Headers(), "openai", now)).toBeUndefined();
  });
  it("OpenAI: the longest reset among used-up windows", () => {
    const h = new Headers({ "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1s", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "2m0s" });
    expect(exhaustedFor(h, "openai", now)).toBe(120_000);
  });
  it("Anthropic: RFC 3339 reset times, read against the clock", () => {
    const h = new Headers({ "anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-requests-reset": "2026-11-29T10:00:02.500Z", "anthropic-ratelimit-tokens-remaining": "5000", "anthropic-ratelimit-tokens-reset": "2026-11-29T10:01:00Z" });
    expect(exhaustedFor(h, "anthropic", now)).toBe(2500);
    // A reset already past means no wait, not a negative one.
    const past = new Headers({ "anthropic-ratelimit-output-tokens-remaining": "0", "anthropic-ratelimit-output-tokens-reset": "2026-11-29T09:59:00Z" });
    expect(exhaustedFor(past, "anthropic", now)).toBe(0);
  });
  it("ignores a used-up window with an unreadable reset, and the other dialect's headers", () => {
    expect(exhaustedFor(new Headers({ "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "soon" }), "openai", now)).toBeUndefined();
    expect(exhaustedFor(new Headers({ "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1s" }), "anthropic", now)).toBeUndefined();
  });
});

describe("AdaptiveLimit", () => {
  const never = new AbortController().signal;
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 0));

  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }

  it("holds calls in flight to the limit and hands slots on in order", async () => {
    const gate = new AdaptiveLimit({ max: 2, now });
    const got: number[] = [];
    const releases: (() => void)[] = [];
    for (let i = 0; i < 4; i++) void gate.acquire(never).then((r) => (got.push(i), releases.push(r)));
    await settle();
    expect(got).toEqual([0, 1]);
    releases[0]!();
    releases[0]!(); // giving a slot back twice frees one slot, not two
    await settle();
    expect(got).toEqual([0, 1, 2]);
  });

  it("decreases by 0.7 on a 429, once per window, and climbs back by one per limit's worth of answers", () => {
    const gate = new AdaptiveLimit({ max: 10, now, windowMs: 1000 });
    gate.rateLimitedBy();
    expect(gate.current).toBe(7);
    // The same burst: no second decrease.
    clock = 500;
    gate.rateLimitedBy();
    expect(gate.current).toBe(7);
    clock = 1000;
    gate.rateLimitedBy();
    expect(gate.current).toBe(4); // 10 × 0.7 × 0.7 = 4.9
    expect(gate.lowest).toBe(4);
    expect(gate.rateLimited).toBe(3);
    // Additive increase: 4.9 → +1/4.9 per answer; 5 answers pass 5.
    for (let i = 0; i < 5; i++) gate.succeeded();
    expect(gate.current).toBe(5);
    for (let i = 0; i < 100; i++) gate.succeeded();
    expect(gate.current).toBe(10);
  });

  it("says how far the limit climbed back after it last stood at its lowest", () => {
    const gate = new AdaptiveLimit({ max: 4, now, windowMs: 0 });
    for (let i = 0; i < 4; i++) gate.rateLimitedBy(); // 4 → 2.8 → 1.96 → 1.37 → 1
    expect([gate.lowest, gate.climbedBack]).toEqual([1, "no"]);
    gate.succeeded(); // 1 + 1/1 = 2
    expect([gate.current, gate.climbedBack]).toEqual([2, "partly"]);
    for (let i = 0; i < 10; i++) gate.succeeded();
    expect([gate.current, gate.climbedBack]).toEqual([4, "fully"]);
    // Cut again, but not as low as before: it did climb back after its lowest.
    gate.rateLimitedBy();
    expect([gate.current, gate.climbedBack]).toEqual([2, "fully"]);
    // At its lowest again: what counts is what came after that.
    gate.rateLimitedBy();
    gate.rateLimitedBy();
    expect([gate.current, gate.lowest, gate.climbedBack]).toEqual([1, 1, "no"]);
  });

  it("never goes below one call", () => {
    const gate = new AdaptiveLimit({ max: 3, now, windowMs: 0 });
    for (let i = 0; i < 20; i++) gate.rateLimitedBy();
    expect(gate.current).toBe(1);
  });

  /**
   * A slot asked for on fake timers (Date and setTimeout alike, the gate's default clock): still
   * pending 1 ms before `ms`, given at `ms`.
   */
  async function expectSlotAfter(gate: AdaptiveLimit, ms: number): Promise<void> {
    let given = false;
    const slot = gate.acquire(never).then((release) => ((given = true), release));
    await vi.advanceTimersByTimeAsync(ms - 1);
    expect(given, `slot given before ${ms} ms`).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(given, `slot not given at ${ms} ms`).toBe(true);
    (await slot)();
  }

  it("a used-up window pauses every call until it resets", async () => {
    vi.useFakeTimers();
    try {
      const gate = new AdaptiveLimit({ max: 5 });
      const first = await gate.acquire(never);
      gate.succeeded(120);
      first();
      await expectSlotAfter(gate, 120);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a window reset hours away pauses calls no longer than the cap", async () => {
    vi.useFakeTimers();
    try {
      const gate = new AdaptiveLimit({ max: 2, maxPauseMs: 30_000 });
      gate.succeeded(3_600_000);
      // Paused for the cap, not the hour the headers asked for, and not less.
      await expectSlotAfter(gate, 30_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it("tells onHold of a pause once it holds a call, with the time left, and again when it is made longer while one waits", async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const held: [number, string][] = [];
      const gate = new AdaptiveLimit({ max: 2, onHold: (ms, cause) => held.push([ms, cause]) });
      gate.succeeded(1_000);
      // No call waits: nothing is held.
      expect(held).toEqual([]);
      await vi.advanceTimersByTimeAsync(400);
      const slot = gate.acquire(never);
      expect(held).toEqual([[600, "window"]]);
      await vi.advanceTimersByTimeAsync(100);
      gate.rateLimitedBy(2_000); // a 429 whose headers say the window is used up for 2 s more
      gate.succeeded(100); // ends before the pause does: nothing more to tell
      expect(held).toEqual([[600, "window"], [2_000, "429"]]);
      await vi.advanceTimersByTimeAsync(2_000);
      (await slot)();
      expect(held).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a caller queued for a slot is released by its signal", async () => {
    const gate = new AdaptiveLimit({ max: 1, now });
    const held = await gate.acquire(never);
    const ac = new AbortController();
    const queued = gate.acquire(ac.signal);
    ac.abort(new Error("stopped"));
    await expect(queued).rejects.toThrow("stopped");
    held();
    // The aborted caller took no slot.
    const again = await gate.acquire(never);
    again();
  });
});

describe("RateLimitWaits", () => {
  it("tells once of waits that overlap (and how much longer each makes it, as continued), again of one after the last has ended, and never of one too short", () => {
    let clock = 0;
    const told: number[] = [];
    const continued: number[] = [];
    const waits = new RateLimitWaits({ provider: "p", role: "target", max: 8 }, () => 5, 5_000, (w) => (w.continued ? continued : told).push(w.waitMs), () => clock);
    waits.held(4_999, "429"); // shorter than worth saying
    waits.held(60_000, "429"); // until 60 s
    clock = 500;
    waits.held(60_000, "429"); // the same burst: until 60.5 s
    clock = 60_400;
    waits.held(10_000, "window"); // still within the first: until 70.4 s
    clock = 70_400;
    waits.held(5_000, "429"); // the waits have ended: a new one
    expect(told).toEqual([60_000, 5_000]);
    // The hold went on to 60.5 s, then 70.4 s: a front end showing it is told, so it shows it to the end.
    expect(continued).toEqual([60_000, 10_000]);
    waits.held(5_000, "429"); // at the same moment, to the same end (75.4 s): nothing to tell
    expect([told.length, continued.length]).toEqual([2, 2]);
  });
});

describe("runs against a rate-limited server", () => {
  let server: FakeServer;
  let project: TempProject;
  beforeEach(async () => {
    server = await startFakeServer();
    project = await tempProject("harness-ratelimit-");
  });
  afterEach(async () => {
    await server.close();
    await project.cleanup();
  });

  const ENV = { OPENAI_API_KEY: DUMMY_OPENAI_KEY, ANTHROPIC_API_KEY: DUMMY_ANTHROPIC_KEY };
  const PASSES: GraderSpec[] = [{ type: "icontains", value: "ECHO" }];
  const suite = (providerId: string, config: Record<string, unknown>, cases: number, trials: number): LoadedSuite =>
    makeSuite({ providerId, config, trials, dir: project.dir, cases: Array.from({ length: cases }, (_, i) => makeCase(`case-${i}`, { prompt: `question ${i}`, graders: PASSES })) });

  it("429 on 10% of calls: every trial ends answered, each once, and each 429 costs exactly one more call", async () => {
    const random = mulberry32(7);
    let refused = 0;
    server.handle((req) => {
      if (random() < 0.1) {
        refused++;
        return { kind: "status", status: 429, retryAfter: "0.01" };
      }
      return echo(req);
    });
    const run = await runSuites([suite("openai:gpt-4o-mini", { baseURL: server.openaiBaseURL }, 40, 5)], {
      cwd: project.dir,
      env: ENV,
      concurrency: 8,
      fixtures: "auto",
      fixturesDir: "none",
      retry: { retries: 6, baseDelayMs: 1, maxDelayMs: 50 },
    });
    const cases = run.suites[0]!.cases;
    const trials = cases.flatMap((c) => c.trials);
    expect(trials).toHaveLength(200);
    for (const c of cases) expect(c.trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4]);
    expect(trials.every((t) => t.error === null && t.passed === true)).toBe(true);
    expect(refused).toBeGreaterThan(5);
    expect(server.requests.length).toBe(200 + refused);
    expect(trials.reduce((n, t) => n + t.retries, 0)).toBe(refused);
    expect(server.maxInFlight).toBeLessThanOrEqual(8);
    // The limit adapted: every 429 was counted, and calls in flight were cut below -j at some point.
    expect(run.rateLimits).toHaveLength(1);
    expect(run.rateLimits![0]).toMatchObject({ provider: "openai:gpt-4o-mini", role: "target", rateLimited: refused, max: 8 });
    expect(run.rateLimits![0]!.lowest).toBeLessThan(8);
  });

  it("a server that says its window is used up gets no call until the reset (OpenAI headers)", async () => {
    const arrivals: number[] = [];
    server.handle((req) => {
      arrivals.push(Date.now());
      // The third answer uses up the window for 300 ms.
      return req.index === 2 ? { ...echo(req), headers: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "300ms" } } : echo(req);
    });
    const run = await runSuites([suite("openai:gpt-4o-mini", { baseURL: server.openaiBaseURL }, 6, 1)], { cwd: project.dir, env: ENV, concurrency: 1, fixturesDir: "none" });
    expect(run.suites[0]!.cases.every((c) => c.trials[0]!.passed === true)).toBe(true);
    expect(server.requests.filter((r) => r.path.includes("chat")).length).toBe(6);
    expect(arrivals[3]! - arrivals[2]!).toBeGreaterThanOrEqual(250);
  });

  it("one model at two servers has two limits: a window used up at one does not hold calls to the other", async () => {
    const other = await startFakeServer();
    try {
      const arrivals: { server: string; at: number }[] = [];
      // Every answer from the first server says its window is used up for 5 s: ample time for the
      // other server's 4 calls, one at a time, on a busy machine.
      server.handle((req) => {
        arrivals.push({ server: "first", at: Date.now() });
        return { ...echo(req), headers: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "5s" } };
      });
      other.handle((req) => {
        arrivals.push({ server: "other", at: Date.now() });
        return echo(req);
      });
      const started = Date.now();
      const run = await runSuites(
        [
          makeSuite({ name: "first", providerId: "openai:gpt-4o-mini", config: { baseURL: server.openaiBaseURL }, trials: 2, dir: project.dir, cases: [makeCase("a", { prompt: "q", graders: PASSES })] }),
          makeSuite({ name: "other", providerId: "openai:gpt-4o-mini", config: { baseURL: other.openaiBaseURL }, trials: 4, dir: project.dir, cases: [makeCase("b", { prompt: "q", graders: PASSES })] }),
        ],
        { cwd: project.dir, env: ENV, concurrency: 1, fixturesDir: "none", retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 5_000 } },
      );
      expect(run.suites.flatMap((s) => s.cases.flatMap((c) => c.trials)).every((t) => t.passed === true)).toBe(true);
      const first = arrivals.filter((a) => a.server === "first").map((a) => a.at - started);
      const others = arrivals.filter((a) => a.server === "other").map((a) => a.at - started);
      expect(others).toHaveLength(4);
      // The first server's second call waited out its window (timers never fire early: the pause
      // began after the first answer arrived); the other server's calls did not.
      expect(first[1]! - first[0]!).toBeGreaterThanOrEqual(4_900);
      expect(Math.max(...others)).toBeLessThan(first[1]!);
    } finally {
      await other.close();
    }
  });

  it("the report has one line for a model at two servers, with the 429s of both", async () => {
    const other = await startFakeServer();
    try {
      for (const s of [server, other]) s.handle((req) => (req.index === 0 ? { kind: "status", status: 429, retryAfter: "0.01" } : echo(req)));
      const run = await runSuites(
        ["first", "other"].map((name, i) =>
          makeSuite({ name, providerId: "openai:gpt-4o-mini", config: { baseURL: [server, other][i]!.openaiBaseURL }, trials: 3, dir: project.dir, cases: [makeCase("a", { prompt: "q", graders: PASSES })] }),
        ),
        { cwd: project.dir, env: ENV, concurrency: 2, fixturesDir: "none", retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 50 } },
      );
      expect(run.suites.flatMap((s) => s.cases.flatMap((c) => c.trials)).every((t) => t.passed === true)).toBe(true);
      expect(run.rateLimits).toEqual([{ provider: "openai:gpt-4o-mini", role: "target", rateLimited: 2, lowest: 1, max: 2, climbedBack: "fully" }]);
    } finally {
      await other.close();
    }
  });

  it("tells onRateLimitWait of each wait long enough, a target's or a judge's, with the limit on calls in flight then", async () => {
    let targetCalls = 0;
    let judgeCalls = 0;
    server.handle((req): Action => {
      if (req.api === "openai") {
        // A 429 asking for 30 ms, then an answer that uses up the window for 50 ms: the run's last target call, so the window holds none.
        if (targetCalls++ === 0) return { kind: "status", status: 429, headers: { "retry-after-ms": "30" } };
        return { kind: "answer", text: "an answer", headers: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "50ms" } };
      }
      // The judge: a 429 asking for 40 ms, then a verdict; then a 429 asking for 5 ms, too short to say.
      judgeCalls++;
      if (judgeCalls === 1) return { kind: "status", status: 429, headers: { "retry-after-ms": "40" } };
      if (judgeCalls === 2) return { kind: "status", status: 429, headers: { "retry-after-ms": "5" } };
      return { kind: "structured", value: { reasoning: "fine", verdict: "pass", score: 1 } };
    });
    const waits: RateLimitWait[] = [];
    const judged = makeSuite({
      providerId: "openai:gpt-4o-mini",
      config: { baseURL: server.openaiBaseURL },
      judge: { id: "anthropic:claude-haiku-4-5", config: { baseURL: server.anthropicBaseURL } },
      dir: project.dir,
      cases: [makeCase("a", { prompt: "q", graders: [{ type: "rubric", value: "Answers." }] })],
    });
    const run = await runSuites([judged], { cwd: project.dir, env: ENV, concurrency: 2, fixturesDir: "none", rateLimitWaitMs: 10, onRateLimitWait: (w) => waits.push(w) });
    expect(run.suites[0]!.cases[0]!.trials[0]!.passed).toBe(true);
    expect(waits).toEqual([
      // Cut from 2 to 1 by the 429. The window the answer used up is not a wait: no call waited for it.
      { provider: "openai:gpt-4o-mini", role: "target", waitMs: 30, cause: "429", concurrency: 1, max: 2, concurrencyNow: expect.any(Function) },
      { provider: "anthropic:claude-haiku-4-5", role: "judge", waitMs: 40, cause: "429", concurrency: 1, max: 2, concurrencyNow: expect.any(Function) },
    ]);
  });

  it("tells onRateLimitWait of a used-up window once a call waits for it, with the time that call has left, and not of one no call waits for", async () => {
    // Every answer uses up the window for a second: the second trial's call waits for the first's; nothing waits for the second's.
    server.handle((req) => ({ ...echo(req), headers: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1s" } }));
    const waits: RateLimitWait[] = [];
    const run = await runSuites([suite("openai:gpt-4o-mini", { baseURL: server.openaiBaseURL }, 1, 2)], { cwd: project.dir, env: ENV, concurrency: 1, fixturesDir: "none", rateLimitWaitMs: 10, onRateLimitWait: (w) => waits.push(w) });
    expect(run.suites[0]!.cases[0]!.trials.every((t) => t.passed === true)).toBe(true);
    expect(waits).toEqual([{ provider: "openai:gpt-4o-mini", role: "target", waitMs: expect.any(Number), cause: "window", concurrency: 1, max: 1, concurrencyNow: expect.any(Function) }]);
    expect(waits[0]!.waitMs).toBeLessThanOrEqual(1_000);
  });

  it("a 429 with Anthropic's headers and no Retry-After waits for the window's reset", async () => {
    const arrivals: number[] = [];
    server.handle((req) => {
      arrivals.push(Date.now());
      if (req.index === 0) {
        const reset = new Date(Date.now() + 300).toISOString();
        return { kind: "status", status: 429, headers: { "anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-requests-reset": reset } };
      }
      return echo(req);
    });
    const run = await runSuites([suite("anthropic:claude-haiku-4-5", { baseURL: server.anthropicBaseURL }, 1, 1)], {
      cwd: project.dir,
      env: ENV,
      fixturesDir: "none",
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5_000 },
    });
    const t = run.suites[0]!.cases[0]!.trials[0]!;
    expect(t.passed).toBe(true);
    expect(t.retries).toBe(1);
    // The backoff alone would have been about 1 ms.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(200);
  });

  describe("a provider that answers 429 to every call", () => {
    const request = { messages: [{ role: "user" as const, content: "question" }], vars: {} };
    // A short wait, as the server asks: each 429 costs a millisecond, not seconds.
    const LIMITED = { kind: "status", status: 429, headers: { "retry-after-ms": "1" } } as const;
    const openaiSuite = (cases: number, trials: number) => suite("openai:gpt-4o-mini", { baseURL: server.openaiBaseURL }, cases, trials);
    const allTrials = (run: RawRun) => run.suites.flatMap((s) => s.cases.flatMap((c) => c.trials));
    const footer = (raw: RawRun): string => renderTerminal(buildRunResult(raw, { harnessVersion: "0.1.0" }), { color: false });

    it("before any call has got past it, once one call has used every retry on 429s, the next tries once; an answer ends that, and a later outage gets the patience", async () => {
      const openai = await createProvider({ id: "openai:gpt-4o-mini", config: { baseURL: server.openaiBaseURL } }, { cwd: project.dir, fixturesDir: "none", fixtures: "auto", env: ENV });
      let now = 0;
      const ctx: CallContext = { policy: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 5_000, signal: new AbortController().signal, pastLimit: new Reachability(60_000, () => now) };

      server.handle(() => LIMITED);
      expect(await callWithRetries(openai, request, 0, ctx)).toMatchObject({ ok: false, retries: 3, error: { category: "rate-limit" } });
      expect(await callWithRetries(openai, request, 1, ctx)).toMatchObject({ ok: false, retries: 0, error: { category: "rate-limit" } });
      expect(await callWithRetries(openai, request, 2, ctx)).toMatchObject({ ok: false, retries: 0 });

      // An answer: 429s are retried again, and a provider that has answered gets the patience.
      server.handle(echo);
      expect(await callWithRetries(openai, request, 3, ctx)).toMatchObject({ ok: true, retries: 0 });
      server.handle(() => LIMITED);
      expect(await callWithRetries(openai, request, 4, ctx)).toMatchObject({ ok: false, retries: 3 });
      now = 59_999;
      expect(await callWithRetries(openai, request, 5, ctx)).toMatchObject({ ok: false, retries: 3 });
      now = 60_000;
      expect(await callWithRetries(openai, request, 6, ctx)).toMatchObject({ ok: false, retries: 0 });
      // A server that 429s only now and then is ridden out again once an answer gets through.
      server.handle(echo);
      expect(await callWithRetries(openai, request, 7, ctx)).toMatchObject({ ok: true, retries: 0 });
      let calls = 0;
      server.handle((req) => (calls++ === 0 ? LIMITED : echo(req)));
      expect(await callWithRetries(openai, request, 8, ctx)).toMatchObject({ ok: true, retries: 1 });
      expect(server.requests).toHaveLength(4 + 1 + 1 + 1 + 4 + 4 + 1 + 1 + 2);
    });

    it("a run against it: the first trials use every retry, each later one calls once, however many there are; the report says the limit did not climb back", async () => {
      server.handle(() => LIMITED);
      // Four trials per call allowed in flight run at once: those are the ones that can be
      // retrying when the first gives up. Every later trial starts after it has.
      const concurrency = 2;
      const atOnce = 4 * concurrency;
      const retries = 4;
      const run = await runSuites([openaiSuite(40, 5)], { cwd: project.dir, env: ENV, concurrency, fixturesDir: "none", retry: { retries, baseDelayMs: 1, maxDelayMs: 50 } });
      const trials = allTrials(run);
      expect(trials).toHaveLength(200);
      for (const t of trials) expect(t.error?.category).toBe("rate-limit");
      expect(Math.max(...trials.map((t) => t.retries))).toBe(retries);
      expect(trials.slice(atOnce).map((t) => t.retries)).toEqual(new Array(200 - atOnce).fill(0));
      // At most 8 × 5 + 192 calls, where every trial's retries made 1,000.
      expect(server.requests.length).toBe(trials.reduce((n, t) => n + 1 + t.retries, 0));
      expect(server.requests.length).toBeLessThanOrEqual(atOnce * (1 + retries) + (200 - atOnce));
      expect(run.rateLimits).toEqual([{ provider: "openai:gpt-4o-mini", role: "target", rateLimited: server.requests.length, lowest: 1, max: 2, climbedBack: "no" }]);
      expect(footer(run)).toContain(`openai:gpt-4o-mini: ${server.requests.length} calls answered 429; calls in flight were cut to 1 of 2 at the lowest, and did not climb back.\n`);
    });

    it("a run that stops for it says to check the key's limits, not to allow more errors", async () => {
      server.handle(() => LIMITED);
      const stopped = await runSuites([openaiSuite(40, 5)], { cwd: project.dir, env: ENV, concurrency: 2, fixturesDir: "none", retry: { retries: 4, baseDelayMs: 1, maxDelayMs: 50 }, maxErrorShare: 0.1 }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(stopped).toBeInstanceOf(RunStopped);
      expect((stopped as RunError).code).toBe("run.too-many-errors");
      expect((stopped as RunError).message).toBe("21 of 200 trials errored (rate-limit 21), more than the 10% allowed: the run can no longer be judged, so it stopped there");
      expect((stopped as RunError).hint).toBe(
        "no call in this run got past the rate limit of openai:gpt-4o-mini, and trials used every retry on its 429s (the first: openai:gpt-4o-mini: HTTP 429 scripted 429): check the key's rate limits and quota, and whether something else is using them up",
      );
      // The 21 errored trials: 8 that started at once, with up to every retry each, and 13 that called once.
      expect(server.requests.length).toBeLessThanOrEqual(8 * 5 + 13 + 8);
    });

    it("a burst of 429s long enough for trials to give up: the next ones try once until an answer gets through; then the run goes on to the end, judged", async () => {
      // 8 trials at once × 5 calls, then more 429s than those 8 can take: some later trials try once.
      const burst = 4 * 2 * 5 + 8 + 5;
      server.handle((req) => (req.index < burst ? LIMITED : echo(req)));
      // 500 trials: even if one trial used its retries before the others made a call, the burst
      // could not error a tenth of them, and the run must not stop.
      const run = await runSuites([openaiSuite(100, 5)], { cwd: project.dir, env: ENV, concurrency: 2, fixturesDir: "none", retry: { retries: 4, baseDelayMs: 1, maxDelayMs: 50 }, maxErrorShare: 0.1 });
      const trials = allTrials(run);
      const errored = trials.filter((t) => t.error !== null);
      for (const t of errored) expect(t.error!.category).toBe("rate-limit");
      expect(errored.some((t) => t.retries === 0)).toBe(true);
      expect(errored.length).toBeLessThanOrEqual(burst - 4);
      // A trial starts once its worker's last one has ended: when trial i starts, the i − 7 before
      // it that have ended made a call each at least, so from burst + 7 on, none sees the burst.
      for (const t of trials.slice(burst + 7)) expect(t.passed).toBe(true);
      expect(server.requests.length).toBe(trials.reduce((n, t) => n + 1 + t.retries, 0));
      expect(run.rateLimits![0]).toMatchObject({ lowest: 1, max: 2, climbedBack: "fully" });
      expect(footer(run)).toContain("calls in flight were cut to 1 of 2 at the lowest, then climbed back.\n");
    });
  });
});

describe("joinRateLimits", () => {
  const line = (climbedBack?: "fully" | "partly" | "no") => ({ provider: "openai:gpt-4o-mini", role: "target" as const, rateLimited: 3, lowest: 2, max: 8, ...(climbedBack ? { climbedBack } : {}) });
  it("says the limit climbed back only as far as the one that climbed least, and nothing where one does not say", () => {
    expect(joinRateLimits([line("fully"), { ...line("no"), lowest: 1 }])).toEqual([{ ...line("no"), rateLimited: 6, lowest: 1 }]);
    expect(joinRateLimits([line("fully"), line("partly"), line("fully")])).toEqual([{ ...line("partly"), rateLimited: 9 }]);
    expect(joinRateLimits([line("fully"), line()])).toEqual([{ ...line(), rateLimited: 6 }]);
    expect(joinRateLimits([line("no"), { ...line("fully"), role: "judge" }])).toEqual([line("no"), { ...line("fully"), role: "judge" }]);
  });
  it("the terminal prints what the report says, and no claim where a report from before it says nothing", () => {
    const render = (climbedBack?: "fully" | "partly" | "no") =>
      renderTerminal(buildRunResult({ suites: [], startedAt: "2026-11-29T10:00:00.000Z", durationMs: 1, rateLimits: [line(climbedBack)] }, { harnessVersion: "0.1.0" }), { color: false });
    const said = "openai:gpt-4o-mini: 3 calls answered 429; calls in flight were cut to 2 of 8 at the lowest";
    expect(render("fully")).toContain(`${said}, then climbed back.\n`);
    expect(render("partly")).toContain(`${said}, then climbed back part of the way.\n`);
    expect(render("no")).toContain(`${said}, and did not climb back.\n`);
    expect(render()).toContain(`${said}.\n`);
    // At -j 1 the limit cannot be cut, so it cannot climb back either.
    const single = renderTerminal(buildRunResult({ suites: [], startedAt: "2026-11-29T10:00:00.000Z", durationMs: 1, rateLimits: [{ ...line("fully"), lowest: 1, max: 1 }] }, { harnessVersion: "0.1.0" }), { color: false });
    expect(single).toContain("openai:gpt-4o-mini: 3 calls answered 429; calls in flight stayed at -j 1.\n");
  });
});
