/**
 * runSuites against the fake server through the real SDK clients: scheduling,
 * concurrency, retries, timeouts, grading errors, fatal errors and cancellation.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GraderSpec } from "../src/config/schema.js";
import type { LoadedSuite, TrialResult } from "../src/core/types.js";
import { ConfigError, ExitCode, HarnessError, RunError } from "../src/errors.js";
import type { FixtureMode } from "../src/providers/fixtures.js";
import { createProvider } from "../src/providers/registry.js";
import { callWithRetries, type CallContext } from "../src/runner/call.js";
import { Reachability } from "../src/runner/reachability.js";
import { backoffDelay, DEFAULT_RETRY, sleep } from "../src/runner/retry.js";
import { runSuites, whatToFix, type RunOptions } from "../src/runner/run.js";
import { trialKey, type PriorTrials } from "../src/runner/journal.js";
import { reviewKey } from "../src/graders/review-key.js";
import { echo, startFakeServer, type FakeServer } from "./fake-server.js";
import { barrier, sequence } from "./helpers/handlers.js";
import { DUMMY_ANTHROPIC_KEY, DUMMY_OPENAI_KEY, makeCase, makeSuite, tempProject, waitFor, type TempProject } from "./helpers/project.js";

let server: FakeServer;
let project: TempProject;

beforeEach(async () => {
  server = await startFakeServer();
  project = await tempProject("harness-runner-");
});

afterEach(async () => {
  await server.close();
  await project.cleanup();
});

const ENV = { OPENAI_API_KEY: DUMMY_OPENAI_KEY, ANTHROPIC_API_KEY: DUMMY_ANTHROPIC_KEY };
const ECHO_PASSES: GraderSpec[] = [{ type: "icontains", value: "ECHO" }];

function openaiSuite(cases: number, trials: number, extra: { name?: string; graders?: GraderSpec[] } = {}): LoadedSuite {
  return makeSuite({
    name: extra.name ?? "support",
    providerId: "openai:gpt-4o-mini",
    config: { baseURL: server.openaiBaseURL },
    trials,
    dir: project.dir,
    cases: Array.from({ length: cases }, (_, i) => makeCase(`case-${i}`, { prompt: `question ${i}`, graders: extra.graders ?? ECHO_PASSES })),
  });
}

function anthropicSuite(cases: number, trials: number): LoadedSuite {
  return makeSuite({
    name: "support-claude",
    providerId: "anthropic:claude-haiku-4-5",
    config: { baseURL: server.anthropicBaseURL },
    trials,
    dir: project.dir,
    cases: Array.from({ length: cases }, (_, i) => makeCase(`case-${i}`, { prompt: `question ${i}`, graders: ECHO_PASSES })),
  });
}

/** Options every run here shares: the temp project as cwd, a dummy key, no real waits. */
function opts(extra: RunOptions = {}): RunOptions {
  return { cwd: project.dir, env: ENV, retry: { baseDelayMs: 1, maxDelayMs: 50 }, ...extra };
}

function allTrials(run: Awaited<ReturnType<typeof runSuites>>): TrialResult[] {
  return run.suites.flatMap((s) => s.cases.flatMap((c) => c.trials));
}

function only(run: Awaited<ReturnType<typeof runSuites>>): TrialResult {
  const trials = allTrials(run);
  expect(trials).toHaveLength(1);
  return trials[0]!;
}

describe("runSuites: scheduling", () => {
  it("a sink of the library API that returns a value it was not asked for changes nothing", async () => {
    const long = "a long answer ".repeat(40);
    server.handle(() => ({ kind: "answer", text: long }));
    const seen: TrialResult[] = [];
    // Array.prototype.push returns a number: a sink written as an arrow function does this.
    const run = await runSuites([openaiSuite(1, 2)], opts({ sink: { trial: (_s, _c, _k, t) => void seen.push(t) } }));
    const loose = await runSuites([openaiSuite(1, 2)], opts({ sink: { trial: ((_s: string, _c: string, _k: string, t: TrialResult) => seen.push(t)) as never } }));
    for (const r of [run, loose]) expect(allTrials(r).map((t) => t.output)).toEqual([long, long]);
    expect(seen).toHaveLength(4);
  });

  it("runs every trial of every case, each graded, in trial order", async () => {
    const events: { caseId: string; done: number; total: number }[] = [];
    const run = await runSuites([openaiSuite(3, 4)], opts({ onTrial: (e) => events.push({ caseId: e.caseId, done: e.done, total: e.total }) }));
    expect(server.requests).toHaveLength(12);
    expect(run.suites).toHaveLength(1);
    const cases = run.suites[0]!.cases;
    expect(cases.map((c) => c.case.id)).toEqual(["case-0", "case-1", "case-2"]);
    for (const [i, c] of cases.entries()) {
      expect(c.trials).toHaveLength(4);
      c.trials.forEach((t, idx) => {
        expect(t.index).toBe(idx);
        expect(t.error).toBeNull();
        expect(t.passed).toBe(true);
        expect(t.output).toBe(`echo: question ${i}`);
        expect(t.grades).toHaveLength(1);
        expect(t.cached).toBe(false);
        expect(t.retries).toBe(0);
        expect(t.usage).not.toBeNull();
        expect(t.costUsd).toBeGreaterThan(0);
      });
    }
    // Each case's prompt went to the server once per trial.
    for (let i = 0; i < 3; i++) {
      const sent = server.requests.filter((r) => JSON.stringify(r.body.messages).includes(`question ${i}`));
      expect(sent).toHaveLength(4);
    }
    expect(events).toHaveLength(12);
    expect(events.map((e) => e.done)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(events.every((e) => e.total === 12)).toBe(true);
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(run.startedAt))).toBe(false);
  });

  it("marks a failing grade as failed, not errored", async () => {
    const run = await runSuites([openaiSuite(1, 2, { graders: [{ type: "contains", value: "never in the answer" }] })], opts());
    for (const t of allTrials(run)) {
      expect(t.passed).toBe(false);
      expect(t.error).toBeNull();
      expect(t.grades[0]!.pass).toBe(false);
    }
  });

  it("runs several suites and providers in one run", async () => {
    const run = await runSuites([openaiSuite(2, 2), anthropicSuite(1, 3)], opts());
    expect(server.requests.filter((r) => r.api === "openai")).toHaveLength(4);
    expect(server.requests.filter((r) => r.api === "anthropic")).toHaveLength(3);
    expect(allTrials(run).every((t) => t.passed === true)).toBe(true);
  });

  it.each([1, 2, 3, 5])("keeps exactly -j %i calls in flight when there is enough work", async (j) => {
    server.handle(barrier(j, { kind: "answer", text: "echo" }));
    const run = await runSuites([openaiSuite(j, 4)], opts({ concurrency: j }));
    expect(server.requests).toHaveLength(4 * j);
    expect(server.maxInFlight).toBe(j);
    expect(allTrials(run).every((t) => t.passed === true)).toBe(true);
  });

  it("never exceeds -j, across suites sharing one limit", async () => {
    server.handle(async () => {
      await new Promise((r) => setTimeout(r, 15));
      return { kind: "answer", text: "echo" };
    });
    const run = await runSuites([openaiSuite(3, 3, { name: "a" }), openaiSuite(3, 3, { name: "b" })], opts({ concurrency: 2 }));
    expect(server.requests).toHaveLength(18);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    expect(server.maxInFlight).toBeGreaterThanOrEqual(1);
    expect(allTrials(run)).toHaveLength(18);
  });

  it("fills the limit across suites", async () => {
    server.handle(barrier(4, { kind: "answer", text: "echo" }));
    await runSuites([openaiSuite(1, 2, { name: "a" }), openaiSuite(1, 2, { name: "b" })], opts({ concurrency: 4 }));
    expect(server.maxInFlight).toBe(4);
  });

  it("a trial waiting out a backoff holds no place: the other trials keep -j calls in flight meanwhile", async () => {
    // Case 0's first call gets a 500 (retried, and unlike a 429 it leaves the limit at -j);
    // every other call takes 40 ms, so the five other cases overlap only if two run at once.
    // Case 0's retry is answered only once the five others are: while it is in flight, one
    // place is left for them, so two of them overlapping must have been during its backoff
    // (1-2 s, against some 120 ms for the five calls, two at a time), however slow the machine.
    const question = (r: (typeof server.requests)[number]) => (r.body.messages as { content: string }[]).at(-1)!.content;
    let failed = false;
    let othersAnswered = 0;
    let releaseRetry!: () => void;
    const othersDone = new Promise<void>((resolve) => (releaseRetry = resolve));
    server.handle(async (req) => {
      if (question(req) === "question 0") {
        if (!failed) {
          failed = true;
          return { kind: "status", status: 500 };
        }
        await othersDone;
        return echo(req);
      }
      await new Promise((r) => setTimeout(r, 40));
      if (++othersAnswered === 5) releaseRetry();
      return echo(req);
    });
    const run = await runSuites([openaiSuite(6, 1)], opts({ concurrency: 2, retry: { retries: 1, baseDelayMs: 2000, maxDelayMs: 2000 } }));
    expect(allTrials(run).every((t) => t.passed === true)).toBe(true);
    expect(server.maxInFlight).toBe(2);
    const [first, retry] = server.requests.filter((r) => question(r) === "question 0");
    expect(retry).toBeDefined();
    // Of the others, those that came after case 0's 500: two of them overlapped, while case 0 slept.
    const others = server.requests.filter((r) => question(r) !== "question 0");
    expect(others).toHaveLength(5);
    const meanwhile = others.filter((r) => r.arrivedAt! > first!.answeredAt!);
    const overlapping = meanwhile.some((a) => meanwhile.some((b) => a !== b && a.arrivedAt! < b.arrivedAt! && b.arrivedAt! < a.answeredAt!));
    expect(overlapping).toBe(true);
  });

  it("never has more in flight than there is work", async () => {
    server.handle(barrier(3, { kind: "answer", text: "echo" }));
    await runSuites([openaiSuite(1, 3)], opts({ concurrency: 50 }));
    expect(server.requests).toHaveLength(3);
    expect(server.maxInFlight).toBe(3);
  });
});

describe("runSuites: retries", () => {
  it("retries a 429, honouring retry-after-ms over a long backoff, and the trial succeeds", async () => {
    const limited = { kind: "status", status: 429, headers: { "retry-after-ms": "0" } } as const;
    server.handle(sequence([limited, limited], { kind: "answer", text: "echo: finally" }));
    // Backoff alone would wait 30-60 s and time the test out: only the server's 0 ms lets it finish.
    const run = await runSuites([openaiSuite(1, 1)], opts({ retry: { retries: 4, baseDelayMs: 60_000, maxDelayMs: 60_000 } }));
    const t = only(run);
    expect(t.error).toBeNull();
    expect(t.passed).toBe(true);
    expect(t.output).toBe("echo: finally");
    expect(t.retries).toBe(2);
    expect(server.requests).toHaveLength(3);
  });

  it("honours Retry-After in seconds (anthropic)", async () => {
    const limited = { kind: "status", status: 429, retryAfter: "0" } as const;
    server.handle((req) => (req.index === 0 ? limited : echo(req)));
    const run = await runSuites([anthropicSuite(1, 1)], opts({ retry: { retries: 2, baseDelayMs: 60_000, maxDelayMs: 60_000 } }));
    const t = only(run);
    expect(t.error).toBeNull();
    expect(t.passed).toBe(true);
    expect(t.retries).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it("caps a long Retry-After at maxDelayMs", async () => {
    server.handle((req) => (req.index === 0 ? { kind: "status", status: 429, retryAfter: "3600" } : echo(req)));
    const run = await runSuites([openaiSuite(1, 1)], opts({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 } }));
    expect(only(run).passed).toBe(true);
    expect(only(run).retries).toBe(1);
  });

  it("retries server errors and connection resets", async () => {
    server.handle(sequence([{ kind: "status", status: 503 }, { kind: "reset" }], { kind: "answer", text: "echo" }));
    const run = await runSuites([openaiSuite(1, 1)], opts());
    expect(only(run).error).toBeNull();
    expect(only(run).retries).toBe(2);
    expect(server.requests).toHaveLength(3);
  });

  it("bounds retries: an always-500 server ends the trial errored after retries + 1 requests", async () => {
    server.handle(() => ({ kind: "status", status: 500 }));
    const run = await runSuites([openaiSuite(1, 1)], opts({ retry: { retries: 3, baseDelayMs: 1 } }));
    const t = only(run);
    expect(t.error?.category).toBe("server-error");
    expect(t.passed).toBeNull();
    expect(t.output).toBeNull();
    expect(t.grades).toEqual([]);
    expect(t.retries).toBe(3);
    expect(server.requests).toHaveLength(4);
  });

  it("makes one request only when retries is 0", async () => {
    server.handle(() => ({ kind: "status", status: 429, retryAfter: "0" }));
    const run = await runSuites([openaiSuite(1, 1)], opts({ retry: { retries: 0 } }));
    expect(only(run).error?.category).toBe("rate-limit");
    expect(only(run).retries).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry a bad request, and the rest of the run goes on", async () => {
    server.handle((req) => (JSON.stringify(req.body.messages).includes("question 0") ? { kind: "status", status: 400 } : echo(req)));
    const run = await runSuites([openaiSuite(2, 2)], opts({ retry: { retries: 4 } }));
    const [bad, good] = run.suites[0]!.cases;
    for (const t of bad!.trials) {
      expect(t.error?.category).toBe("bad-request");
      expect(t.retries).toBe(0);
      expect(t.passed).toBeNull();
    }
    for (const t of good!.trials) expect(t.passed).toBe(true);
    expect(server.requests).toHaveLength(4);
  });

  it("ends a hung call as a timeout after a small timeoutMs", async () => {
    server.handle(() => ({ kind: "hang" }));
    const run = await runSuites([openaiSuite(1, 1)], opts({ timeoutMs: 50, retry: { retries: 0 } }));
    const t = only(run);
    expect(t.error?.category).toBe("timeout");
    expect(t.error?.message).toContain("50 ms");
    expect(t.passed).toBeNull();
    expect(server.requests).toHaveLength(1);
  });

  it("retries timeouts, bounded", async () => {
    server.handle(() => ({ kind: "hang" }));
    const run = await runSuites([anthropicSuite(1, 1)], opts({ timeoutMs: 50, retry: { retries: 2, baseDelayMs: 1 } }));
    expect(only(run).error?.category).toBe("timeout");
    expect(only(run).retries).toBe(2);
    expect(server.requests).toHaveLength(3);
  });

  it("recovers when a retry after a timeout is answered", async () => {
    server.handle((req) => (req.index === 0 ? { kind: "hang" } : echo(req)));
    const run = await runSuites([openaiSuite(1, 1)], opts({ timeoutMs: 100, retry: { retries: 1, baseDelayMs: 1 } }));
    expect(only(run).error).toBeNull();
    expect(only(run).passed).toBe(true);
    expect(only(run).retries).toBe(1);
  });
});

describe("runSuites: grading errors", () => {
  async function writeGrader(rel: string, source: string): Promise<void> {
    const file = path.join(project.dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, source);
  }

  it("a grader that throws leaves the trial errored (grader-error), not failed", async () => {
    await writeGrader("graders/throws.mjs", "export default function grade() { throw new Error('kaboom in grader'); }\n");
    const graders: GraderSpec[] = [
      { type: "icontains", value: "echo" },
      { type: "javascript", file: "graders/throws.mjs" },
    ];
    const run = await runSuites([openaiSuite(1, 2, { graders })], opts());
    for (const t of allTrials(run)) {
      expect(t.error?.category).toBe("grader-error");
      expect(t.error?.message).toContain("kaboom in grader");
      expect(t.passed).toBeNull();
      // The answer is kept: the model did reply, only judging failed.
      expect(t.output).toBe("echo: question 0");
      expect(t.grades.map((g) => g.type)).toEqual(["icontains"]);
      expect(t.retries).toBe(0);
    }
    // Grading errors are not retried: one call per trial.
    expect(server.requests).toHaveLength(2);
  });

  it("a failure another grader is sure of fails the trial, whichever grader errs and in whatever order", async () => {
    await writeGrader("graders/throws.mjs", "export default function grade() { throw new Error('kaboom in grader'); }\n");
    await writeGrader("graders/counts.mjs", "export default () => { globalThis.__graded = (globalThis.__graded ?? 0) + 1; return true; };\n");
    const orders: GraderSpec[][] = [
      [{ type: "icontains", value: "nowhere" }, { type: "javascript", file: "graders/throws.mjs" }],
      // The throwing grader first: the built-in grader after it still runs, and is sure.
      [{ type: "javascript", file: "graders/throws.mjs" }, { type: "icontains", value: "nowhere" }],
      // A user's module after an error is not run: only built-in graders, which cost nothing.
      [{ type: "javascript", file: "graders/throws.mjs" }, { type: "javascript", file: "graders/counts.mjs" }, { type: "equals", value: "no" }],
    ];
    for (const graders of orders) {
      const run = await runSuites([openaiSuite(1, 2, { graders })], opts());
      for (const t of allTrials(run)) {
        expect(t.passed).toBe(false);
        expect(t.error).toBeNull();
        expect(t.grades.filter((g) => !g.pass).length).toBe(1);
      }
    }
    expect((globalThis as { __graded?: number }).__graded).toBeUndefined();
    // A person's verdict is a lookup: still consulted after an error, so the order does not decide.
    const human: GraderSpec = { type: "human", instructions: "Polite?" };
    const throws: GraderSpec = { type: "javascript", file: "graders/throws.mjs" };
    for (const graders of [[human, throws], [throws, human]]) {
      const run = await runSuites([openaiSuite(1, 1, { graders })], opts({ reviews: () => ({ verdict: "fail", reviewer: "ana" }) }));
      expect(only(run)).toMatchObject({ passed: false, error: null });
    }
  });

  it("a grader that never settles is a grader-error after the timeout, and the run finishes", async () => {
    await writeGrader("graders/hangs.mjs", "export default () => new Promise(() => {});\n");
    const run = await runSuites([openaiSuite(1, 2, { graders: [{ type: "javascript", file: "graders/hangs.mjs" }] })], opts({ timeoutMs: 200 }));
    for (const t of allTrials(run)) {
      expect(t.error?.category).toBe("grader-error");
      expect(t.error?.message).toContain("did not finish within 200 ms");
      expect(t.output).toBe("echo: question 0");
    }
  });

  it("stopping the run while a grader hangs ends its trial as cancelled", async () => {
    await writeGrader("graders/hangs-long.mjs", "export default () => new Promise((r) => setTimeout(r, 60_000).unref());\n");
    const stop = new AbortController();
    const pending = runSuites([openaiSuite(1, 1, { graders: [{ type: "javascript", file: "graders/hangs-long.mjs" }] })], { ...opts(), signal: stop.signal });
    await waitFor(() => server.requests.length === 1, 10_000, "the model call");
    setTimeout(() => stop.abort("SIGINT"), 50);
    const run = await pending;
    expect(only(run).error?.category).toBe("cancelled");
  });

  it("a javascript grader that passes and one that fails are judged", async () => {
    await writeGrader("graders/verdicts.mjs", "export const yes = (o) => o.startsWith('echo'); export const no = () => ({ pass: false, reason: 'nope' });\n");
    const pass = await runSuites([openaiSuite(1, 1, { graders: [{ type: "javascript", file: "graders/verdicts.mjs", export: "yes" }] })], opts());
    expect(only(pass).passed).toBe(true);
    const fail = await runSuites([openaiSuite(1, 1, { graders: [{ type: "javascript", file: "graders/verdicts.mjs", export: "no" }] })], opts());
    expect(only(fail).passed).toBe(false);
    expect(only(fail).error).toBeNull();
    expect(only(fail).grades[0]!.reason).toBe("nope");
  });

  it("a grader that returns something unjudgeable is a grader-error", async () => {
    await writeGrader("graders/maybe.mjs", "export default () => 'maybe';\n");
    const run = await runSuites([openaiSuite(1, 1, { graders: [{ type: "javascript", file: "graders/maybe.mjs" }] })], opts());
    expect(only(run).error?.category).toBe("grader-error");
    expect(only(run).passed).toBeNull();
  });

  it("a kept trial a person failed beside an erring grader is graded again when the verdict turns, never passed", async () => {
    await writeGrader("graders/throws.mjs", "export default function grade() { throw new Error('kaboom in grader'); }\n");
    const human: GraderSpec = { type: "human", instructions: "Polite?" };
    const suite = openaiSuite(1, 1, { graders: [{ type: "javascript", file: "graders/throws.mjs" }, human] });
    const c = suite.cases[0]!;
    // As the journal holds it: failed by the person, the module's error leaving no grade.
    const kept: TrialResult = { index: 0, output: "echo: question 0", passed: false, pending: false, grades: [{ type: "human", pass: false, score: 0, reason: "reviewed by ana: fail", reviewKey: reviewKey(human)! }], latencyMs: 5, usage: null, costUsd: null, cached: false, retries: 0, judge: null, error: null };
    const prior: PriorTrials = { get: (_s, _c, key, i) => (key === trialKey(suite, c) && i === 0 ? kept : undefined), answer: () => undefined, skipped: 0 };
    const stillFail = await runSuites([suite], opts({ prior, reviews: () => ({ verdict: "fail", reviewer: "ana" }) }));
    expect(only(stillFail)).toMatchObject({ passed: false, error: null });
    const turned = await runSuites([suite], opts({ prior, reviews: () => ({ verdict: "pass", reviewer: "ana" }) }));
    expect(only(turned)).toMatchObject({ passed: null, error: { category: "grader-error" } });
    // Graded again from the kept answer: the model was not asked.
    expect(server.requests).toHaveLength(0);
  });

  // A syntax error's place is Node's (vitest's loader reports it otherwise): see the CLI's test.
  it("grader modules that cannot grade stop the run before any call, each named where it went wrong", async () => {
    await writeGrader("graders/throws.mjs", "const x = 1;\nthrow new Error('boom at import');\n");
    await writeGrader("graders/named.mjs", "export function grade() { return true; }\n");
    await writeGrader("graders/hangs.mjs", "await new Promise(() => {});\n");
    const graders: GraderSpec[] = ["absent", "throws", "named", "hangs"].map((m) => ({ type: "javascript", file: `graders/${m}.mjs` }));
    const err = (await runSuites([openaiSuite(1, 1, { graders })], opts({ timeoutMs: 300 })).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.problems.map((p) => [p.file, p.line, p.col, p.message.replace(/: .*(absent\.mjs).*$/, ": …$1")])).toEqual([
      [path.join("graders", "absent.mjs"), undefined, undefined, "this grader module does not load: …absent.mjs"],
      [path.join("graders", "hangs.mjs"), undefined, undefined, "this grader module did not finish loading within 300 ms"],
      [path.join("graders", "named.mjs"), undefined, undefined, 'this grader module has no exported function "default" (its functions: grade); name one with export:'],
      [path.join("graders", "throws.mjs"), 2, 7, "this grader module does not load: boom at import"],
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it("max-cost on a model without a price is a grader-error, not a pass", async () => {
    const suite = makeSuite({
      providerId: "openai:unpriced-model",
      config: { baseURL: server.openaiBaseURL },
      dir: project.dir,
      cases: [makeCase("c", { graders: [{ type: "max-cost", value: 1 }] })],
    });
    const run = await runSuites([suite], opts());
    expect(only(run).costUsd).toBeNull();
    expect(only(run).error?.category).toBe("grader-error");
  });
});

describe("runSuites: a run that can no longer be judged", () => {
  it("stops once a greater share of trials has errored than maxErrorShare: those few errored, the rest cancelled, with no call for most", async () => {
    server.handle(() => ({ kind: "status", status: 500 }));
    // 2.5% of 200 trials allows 5.
    const stopped = await runSuites([openaiSuite(50, 4)], opts({ concurrency: 2, retry: { retries: 1, baseDelayMs: 1 }, maxErrorShare: 0.025 })).then(
      () => null,
      (err: unknown) => err,
    );
    expect(stopped).toBeInstanceOf(RunError);
    const err = stopped as RunError & { partial: Awaited<ReturnType<typeof runSuites>> };
    expect(err.code).toBe("run.too-many-errors");
    expect(err.message).toBe("6 of 200 trials errored (server-error 6), more than the 2.5% allowed: the run can no longer be judged, so it stopped there");
    expect(err.hint).toContain("--max-error-rate");
    const trials = allTrials(err.partial);
    expect(trials).toHaveLength(200);
    const byCategory = (c: string) => trials.filter((t) => t.error?.category === c).length;
    // -j 2 leaves at most 8 trials in progress when the sixth error lands: those few may end errored.
    expect(byCategory("server-error")).toBeGreaterThanOrEqual(6);
    expect(byCategory("server-error")).toBeLessThanOrEqual(6 + 8);
    expect(byCategory("server-error") + byCategory("cancelled")).toBe(200);
    // Two requests a trial (one retry): the run stopped long before 400.
    expect(server.requests.length).toBeLessThanOrEqual(2 * (6 + 8));
  });

  it("runs to the end while errors stay within maxErrorShare (by the gate's rule, not a rounded count), and without it", async () => {
    // 29 of 100 trials errored is not more than 29%, though 0.29 * 100 is 28.999...
    server.handle((req) => (Number(/question (\d+)/.exec(JSON.stringify(req.body.messages))?.[1]) < 29 ? { kind: "status", status: 400 } : echo(req)));
    for (const extra of [{ maxErrorShare: 0.29 }, {}]) {
      const run = await runSuites([openaiSuite(100, 1)], opts(extra));
      const trials = allTrials(run);
      expect(trials.filter((t) => t.error?.category === "bad-request")).toHaveLength(29);
      expect(trials.filter((t) => t.passed === true)).toHaveLength(71);
    }
  });

  it("a part of a larger run stops once its own errors are more than the share of the whole", async () => {
    server.handle(() => ({ kind: "status", status: 500 }));
    const stopped = await runSuites([openaiSuite(10, 2)], opts({ concurrency: 1, retry: { retries: 0 }, maxErrorShare: 0.1, errorShareOf: 100 })).then(
      () => null,
      (err: unknown) => err,
    );
    expect((stopped as RunError).message).toBe("11 trials errored (server-error 11), more than 10% of the whole run's 100: it can no longer be judged, so this part of it stopped there");
  });

  it("does not stop for missing fixtures: they fail at once, and the gate names them", async () => {
    const run = await runSuites([openaiSuite(5, 2)], opts({ fixtures: "offline", maxErrorShare: 0 }));
    expect(allTrials(run).map((t) => t.error?.category)).toEqual(Array(10).fill("missing-fixture"));
    expect(server.requests).toHaveLength(0);
  });
});

describe("runSuites: fatal errors and cancellation", () => {
  it("rejects with a RunError (exit 3, provider.*) when the API key is missing, sending nothing", async () => {
    const err = await runSuites([openaiSuite(2, 3)], opts({ env: {} })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    const runErr = err as RunError;
    expect(runErr.exitCode).toBe(ExitCode.runError);
    expect(runErr.exitCode).toBe(3);
    expect(runErr.code.startsWith("provider.")).toBe(true);
    expect(runErr.code).toBe("provider.auth");
    expect(runErr.message).toContain("OPENAI_API_KEY");
    expect(runErr.hint).toBeTruthy();
    expect(server.requests).toHaveLength(0);
  });

  it("rejects for anthropic too", async () => {
    const err = await runSuites([anthropicSuite(1, 2)], opts({ env: { OPENAI_API_KEY: DUMMY_OPENAI_KEY } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).code).toBe("provider.auth");
    expect((err as RunError).message).toContain("ANTHROPIC_API_KEY");
  });

  it("stops the run on a 401: a bad key is fatal, not retried", async () => {
    server.handle(() => ({ kind: "status", status: 401 }));
    const err = await runSuites([openaiSuite(2, 3)], opts({ concurrency: 1, retry: { retries: 4, baseDelayMs: 1 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as HarnessError).exitCode).toBe(3);
    expect((err as HarnessError).code).toBe("provider.auth");
    // One call found the key bad; nothing else was tried.
    expect(server.requests).toHaveLength(1);
  });

  it("an already-aborted signal cancels every trial without a call", async () => {
    const ac = new AbortController();
    ac.abort();
    const run = await runSuites([openaiSuite(2, 2)], opts({ signal: ac.signal }));
    const trials = allTrials(run);
    expect(trials).toHaveLength(4);
    expect(trials.every((t) => t.error?.category === "cancelled" && t.passed === null)).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it("aborting mid-run cancels the remaining trials and the promise resolves", async () => {
    const ac = new AbortController();
    // The first three calls are answered; the fourth hangs and triggers the abort.
    server.handle((req) => {
      if (req.index < 3) return echo(req);
      queueMicrotask(() => ac.abort());
      return { kind: "hang" };
    });
    const run = await runSuites([openaiSuite(2, 5)], opts({ concurrency: 2, signal: ac.signal }));
    const trials = allTrials(run);
    expect(trials).toHaveLength(10);
    expect(trials.every((t) => t !== undefined)).toBe(true);
    const answered = trials.filter((t) => t.error === null);
    const cancelled = trials.filter((t) => t.error?.category === "cancelled");
    // Every trial either finished or was cancelled; nothing else.
    expect(answered.length + cancelled.length).toBe(10);
    expect(answered.length).toBeGreaterThanOrEqual(2);
    expect(answered.length).toBeLessThanOrEqual(3);
    expect(cancelled.every((t) => t.passed === null && t.output === null)).toBe(true);
    expect(answered.every((t) => t.passed === true)).toBe(true);
    // Scheduling stopped: at most the calls already started reached the server.
    expect(server.requests.length).toBeLessThanOrEqual(5);
  });

  it("aborting while waiting out a long Retry-After cancels promptly", async () => {
    const ac = new AbortController();
    server.handle(() => {
      setTimeout(() => ac.abort(), 20);
      return { kind: "status", status: 429, headers: { "retry-after-ms": "600000" } };
    });
    const run = await runSuites([openaiSuite(1, 1)], opts({ signal: ac.signal, retry: { retries: 3, maxDelayMs: 600_000 } }));
    expect(only(run).error?.category).toBe("cancelled");
    expect(server.requests).toHaveLength(1);
  });

  it("aborting a hung call cancels it, not times it out", async () => {
    const ac = new AbortController();
    server.handle(() => ({ kind: "hang" }));
    const pending = runSuites([openaiSuite(1, 2)], opts({ signal: ac.signal, timeoutMs: 60_000 }));
    await waitFor(() => server.requests.length === 2, 10_000, "both calls to arrive");
    ac.abort();
    const run = await pending;
    expect(allTrials(run).map((t) => t.error?.category)).toEqual(["cancelled", "cancelled"]);
  });
});

describe("retry policy", () => {
  it("uses Retry-After when given, capped at maxDelayMs", () => {
    const policy = { ...DEFAULT_RETRY, maxDelayMs: 1000 };
    expect(backoffDelay(policy, 0, 250)).toBe(250);
    expect(backoffDelay(policy, 5, 0)).toBe(0);
    expect(backoffDelay(policy, 0, 5000)).toBe(1000);
  });

  it("backs off exponentially with jitter in [ceiling/2, ceiling]", () => {
    const policy = { retries: 4, baseDelayMs: 100, maxDelayMs: 10_000 };
    for (let attempt = 0; attempt < 5; attempt++) {
      const ceiling = 100 * 2 ** attempt;
      expect(backoffDelay(policy, attempt, undefined, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(policy, attempt, undefined, () => 1)).toBe(ceiling);
      const mid = backoffDelay(policy, attempt, undefined, () => 0.5);
      expect(mid).toBeGreaterThan(ceiling / 2);
      expect(mid).toBeLessThan(ceiling);
    }
    expect(backoffDelay(policy, 20, undefined, () => 1)).toBe(10_000);
  });

  it("sleep rejects at once on an aborted signal", async () => {
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    await expect(sleep(10_000, ac.signal)).rejects.toThrow("stop");
    const ac2 = new AbortController();
    const p = sleep(10_000, ac2.signal);
    ac2.abort(new Error("later"));
    await expect(p).rejects.toThrow("later");
  });
});

describe("runSuites: a server that dies mid-run", () => {
  it("every trial ends answered or errored as a network error, none lost or counted twice, and the run returns", async () => {
    let dead = false;
    server.handle((req) => {
      // A request that reaches the server in the moment before it is gone (on a kept-alive
      // connection, before close() runs) is dropped, as a dying server would drop it.
      if (dead) return { kind: "reset" };
      // The fifth request is the last one answered; then the server goes away entirely.
      if (req.index === 4) {
        dead = true;
        setTimeout(() => void server.close(), 0);
      }
      return echo(req);
    });
    const run = await runSuites([openaiSuite(4, 3)], opts({ concurrency: 1, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } }));
    const trials = allTrials(run);
    expect(trials).toHaveLength(12);
    const answered = trials.filter((t) => t.error === null);
    const errored = trials.filter((t) => t.error !== null);
    expect(answered.length + errored.length).toBe(12);
    expect(answered.length).toBeGreaterThanOrEqual(4);
    expect(answered.length).toBeLessThanOrEqual(5);
    // The server had answered: each trial rides out what may be a short outage with every retry.
    for (const t of errored) {
      expect(t.error!.category).toBe("network");
      expect(t.retries).toBe(2);
      expect(t.passed).toBeNull();
    }
  });
});

/** A port on 127.0.0.1 where nothing listens: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe("a provider nothing can reach", () => {
  const request = { messages: [{ role: "user" as const, content: "question" }], vars: {} };
  const openai = async (baseURL: string, fixtures: FixtureMode = "auto") =>
    createProvider({ id: "openai:gpt-4o-mini", config: { baseURL } }, { cwd: project.dir, fixturesDir: "fixtures", fixtures, env: ENV });

  it("before any call has got through, once one call has tried every retry in vain, the next tries once", async () => {
    const down = await openai(`http://127.0.0.1:${await closedPort()}/v1`);
    const ctx: CallContext = { policy: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 5_000, signal: new AbortController().signal, reach: new Reachability() };

    const first = await callWithRetries(down, request, 0, ctx);
    expect(first).toMatchObject({ ok: false, retries: 3, error: { category: "network" } });
    expect(first.ok ? "" : first.error.message).toMatch(/connection failed \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)/);
    expect(await callWithRetries(down, request, 1, ctx)).toMatchObject({ ok: false, retries: 0, error: { category: "network" } });
    expect(await callWithRetries(down, request, 2, ctx)).toMatchObject({ ok: false, retries: 0 });
  });

  it("once a call has got through, even to a 500, an outage is ridden out with retries for the patience, and not after", async () => {
    const down = await openai(`http://127.0.0.1:${await closedPort()}/v1`);
    const up = await openai(server.openaiBaseURL);
    let now = 0;
    const ctx: CallContext = { policy: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 5_000, signal: new AbortController().signal, reach: new Reachability(60_000, () => now) };

    // A server that answers, if only with an error, can be reached.
    server.handle(() => ({ kind: "status", status: 500 }));
    expect(await callWithRetries(up, request, 0, ctx)).toMatchObject({ ok: false, retries: 3, error: { category: "server-error" } });
    expect(await callWithRetries(down, request, 1, ctx)).toMatchObject({ ok: false, retries: 3 });
    expect(await callWithRetries(down, request, 2, ctx)).toMatchObject({ ok: false, retries: 3 });
    now = 59_999;
    expect(await callWithRetries(down, request, 3, ctx)).toMatchObject({ ok: false, retries: 3 });
    now = 60_000;
    expect(await callWithRetries(down, request, 4, ctx)).toMatchObject({ ok: false, retries: 0 });

    // Back: the next outage gets the whole patience again.
    server.handle(echo);
    expect(await callWithRetries(up, request, 5, ctx)).toMatchObject({ ok: true, retries: 0 });
    expect(await callWithRetries(down, request, 6, ctx)).toMatchObject({ ok: false, retries: 3 });
    now = 119_999;
    expect(await callWithRetries(down, request, 7, ctx)).toMatchObject({ ok: false, retries: 3 });
  });

  it("an answer replayed from fixtures does not count as reaching the provider", async () => {
    const port = await closedPort();
    server.handle(echo);
    // Recorded through the live server; replayed under a base URL where nothing listens (a fixture's name leaves the URL out).
    expect(await callWithRetries(await openai(server.openaiBaseURL, "record"), request, 0, { policy: DEFAULT_RETRY, timeoutMs: 5_000, signal: new AbortController().signal })).toMatchObject({ ok: true });
    const replaying = await openai(`http://127.0.0.1:${port}/v1`, "auto");
    const ctx: CallContext = { policy: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 5_000, signal: new AbortController().signal, reach: new Reachability() };

    expect(await callWithRetries(replaying, request, 1, ctx)).toMatchObject({ ok: false, retries: 2, error: { category: "network" } });
    const replayed = await callWithRetries(replaying, request, 0, ctx);
    expect(replayed).toMatchObject({ ok: true, response: { cached: true } });
    expect(await callWithRetries(replaying, request, 2, ctx)).toMatchObject({ ok: false, retries: 0 });
  });

  it("a run against it: the first trials try every retry, the later ones once each", async () => {
    const suite = openaiSuite(10, 5);
    const port = await closedPort();
    const unreachable = { ...suite, provider: { ...suite.provider, config: { baseURL: `http://127.0.0.1:${port}/v1` } } };
    // The runner starts four trials per call allowed in flight: those are the ones that can be
    // retrying when the first gives up. Every later trial starts after it has.
    const concurrency = 2;
    const atOnce = 4 * concurrency;
    const run = await runSuites([unreachable], opts({ concurrency, retry: { retries: 4, baseDelayMs: 1, maxDelayMs: 5 } }));
    const trials = allTrials(run);
    expect(trials).toHaveLength(50);
    for (const t of trials) expect(t.error?.category).toBe("network");
    const retries = trials.map((t) => t.retries);
    expect(Math.max(...retries)).toBe(4);
    expect(retries.slice(atOnce)).toEqual(new Array(50 - atOnce).fill(0));
  });

  it("a run that stops for it says what to check, not to allow more errors", async () => {
    const port = await closedPort();
    const suite = openaiSuite(10, 5);
    const unreachable = { ...suite, provider: { ...suite.provider, config: { baseURL: `http://127.0.0.1:${port}/v1` } } };
    const stopped = await runSuites([unreachable], opts({ concurrency: 2, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 }, maxErrorShare: 0.1 })).then(
      () => null,
      (err: unknown) => err,
    );
    expect(stopped).toBeInstanceOf(RunError);
    expect((stopped as RunError).code).toBe("run.too-many-errors");
    expect((stopped as RunError).hint).toMatch(
      new RegExp(`^nothing in this run could connect to openai:gpt-4o-mini \\(the first: openai:gpt-4o-mini: connection failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)\\): check that the server is running and the provider's baseURL is right, or the network$`),
    );

    // Where the provider has answered, the stop's hint is the usual one.
    server.handle(() => ({ kind: "status", status: 500 }));
    const failing = await runSuites([openaiSuite(10, 5)], opts({ concurrency: 2, retry: { retries: 0 }, maxErrorShare: 0.1 })).then(
      () => null,
      (err: unknown) => err,
    );
    expect((failing as RunError).hint).toMatch(/^the first: openai:gpt-4o-mini: HTTP 500 .*; fix the provider, key or fixtures, or allow more with --max-error-rate$/);
  });
});

describe("a run whose trials need no I/O still hears a stop", () => {
  it("50,000 answers missing offline: a stop asked for once the first trial ends cancels the rest, where promises alone kept it out", async () => {
    const controller = new AbortController();
    const run = await runSuites([openaiSuite(5, 10_000)], {
      cwd: project.dir,
      env: ENV,
      fixtures: "offline",
      fixturesDir: "no-fixtures-here",
      signal: controller.signal,
      // As a signal handler is: run by the event loop, when it next turns.
      onTrial: ({ done }) => {
        if (done === 1) setImmediate(() => controller.abort("SIGINT"));
      },
    });
    const trials = run.suites[0]!.cases.flatMap((c) => c.trials);
    expect(trials).toHaveLength(50_000);
    const cancelled = trials.filter((t) => t.error?.category === "cancelled").length;
    const missing = trials.filter((t) => t.error?.category === "missing-fixture").length;
    expect(cancelled + missing).toBe(50_000);
    // Trials start 256 at a time between turns of the loop.
    expect(missing, `${missing} ran to the end`).toBeLessThanOrEqual(256);
  });
});

describe("whatToFix", () => {
  it("names whose maxTokens to raise: the judge's when its answers were the empty ones (an exec: provider has none)", () => {
    expect(whatToFix("max-tokens", "judge")).toBe("the judge's config maxTokens (answers stopped at it before any text)");
    expect(whatToFix("max-tokens", "provider")).toBe("the provider's maxTokens (answers stopped at it before any text)");
    expect(whatToFix("max-tokens")).toBe("the provider's maxTokens (answers stopped at it before any text)");
  });
});
