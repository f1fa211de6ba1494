/**
 * Recorded fixtures: record through the real SDKs against the fake server, then
 * replay offline with no server and no key.
 */
import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProviderConfig } from "../src/config/schema.js";
import { aggregateCase, aggregateSuite } from "../src/core/aggregate.js";
import type { LoadedSuite, RawRun, TrialResult } from "../src/core/types.js";
import { ExitCode, FixtureError } from "../src/errors.js";
import { createAnthropicProvider } from "../src/providers/anthropic.js";
import { fixturePath, withFixtures, type FixtureFile } from "../src/providers/fixtures.js";
import { createOpenAIProvider } from "../src/providers/openai.js";
import { ProviderError, type ProviderRequest, type RecordableProvider } from "../src/providers/types.js";
import { runSuites, type RunOptions } from "../src/runner/run.js";
import { startFakeServer, type FakeServer } from "./fake-server.js";
import { numbered } from "./helpers/handlers.js";
import { DUMMY_ANTHROPIC_KEY, DUMMY_OPENAI_KEY, makeCase, makeSuite, tempProject, type TempProject } from "./helpers/project.js";

const ENV = { OPENAI_API_KEY: DUMMY_OPENAI_KEY, ANTHROPIC_API_KEY: DUMMY_ANTHROPIC_KEY };

let server: FakeServer | undefined;
let project: TempProject;

beforeEach(async () => {
  server = await startFakeServer(numbered);
  project = await tempProject("harness-fixtures-");
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await project.cleanup();
});

async function stopServer(): Promise<void> {
  await server!.close();
  server = undefined;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)));
}

interface Kind {
  kind: "openai" | "anthropic";
  model: string;
  create: (model: string, config: ProviderConfig, env: NodeJS.ProcessEnv) => RecordableProvider;
  baseURL: (s: FakeServer) => string;
  /** The model's list price in USD per million tokens, as its provider publishes it: written here, not read from the code's table. */
  listPrice: { input: number; output: number };
}

const KINDS: Kind[] = [
  { kind: "openai", model: "gpt-4o-mini", create: createOpenAIProvider, baseURL: (s) => s.openaiBaseURL, listPrice: { input: 0.15, output: 0.6 } },
  { kind: "anthropic", model: "claude-haiku-4-5", create: createAnthropicProvider, baseURL: (s) => s.anthropicBaseURL, listPrice: { input: 1, output: 5 } },
];

/** What `usage` costs at `k`'s list price. */
const listCost = (k: Kind, usage: { inputTokens: number; outputTokens: number }) => (usage.inputTokens * k.listPrice.input + usage.outputTokens * k.listPrice.output) / 1_000_000;

function suiteFor(k: Kind, baseURL: string | undefined, cases = 2, trials = 3): LoadedSuite {
  return makeSuite({
    name: `fx-${k.kind}`,
    providerId: `${k.kind}:${k.model}`,
    config: baseURL === undefined ? {} : { baseURL },
    trials,
    dir: project.dir,
    cases: Array.from({ length: cases }, (_, i) =>
      makeCase(`case-${i}`, {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: `question ${i}` },
        ],
        graders: [{ type: "starts-with", value: "answer-" }],
      }),
    ),
  });
}

function opts(extra: RunOptions = {}): RunOptions {
  return { cwd: project.dir, env: ENV, retry: { retries: 0 }, ...extra };
}

function trialsOf(run: RawRun): TrialResult[][] {
  return run.suites[0]!.cases.map((c) => c.trials);
}

describe.each(KINDS)("$kind fixtures", (k) => {
  it("record writes one JSON file per trial, with no key and no Authorization anywhere", async () => {
    const run = await runSuites([suiteFor(k, k.baseURL(server!))], opts({ fixtures: "record" }));
    expect(server!.requests).toHaveLength(6);
    // The key really was sent on the wire, so its absence from the files means something.
    const wire = JSON.stringify(server!.requests.map((r) => r.headers));
    expect(wire).toContain(k.kind === "openai" ? DUMMY_OPENAI_KEY : DUMMY_ANTHROPIC_KEY);

    const fixturesDir = path.join(project.dir, "fixtures");
    const files = await listFiles(fixturesDir);
    expect(files).toHaveLength(6);
    expect(files.every((f) => f.startsWith(path.join(k.kind, k.model) + path.sep) && f.endsWith(".json"))).toBe(true);
    // Nothing else was left in the project (no temp files from the atomic write).
    expect(await listFiles(project.dir)).toEqual(files.map((f) => path.join("fixtures", f)));

    const seenTrials = new Map<string, number[]>();
    for (const f of files) {
      const text = await readFile(path.join(fixturesDir, f), "utf8");
      expect(text).not.toContain(DUMMY_OPENAI_KEY);
      expect(text).not.toContain(DUMMY_ANTHROPIC_KEY);
      expect(text).not.toMatch(/authorization/i);
      expect(text).not.toMatch(/x-api-key/i);
      expect(text).not.toMatch(/bearer/i);
      expect(text).not.toContain("127.0.0.1");
      const fx = JSON.parse(text) as FixtureFile;
      expect(fx.schemaVersion).toBe(1);
      expect(fx.provider).toBe(`${k.kind}:${k.model}`);
      expect(fx.response.output).toMatch(/^answer-\d+$/);
      expect(Number.isInteger(fx.response.latencyMs)).toBe(true);
      const req = fx.request as { model: string; messages: { content: string }[] };
      expect(req.model).toBe(k.model);
      const question = req.messages.map((m) => m.content).find((c) => c.startsWith("question"))!;
      seenTrials.set(question, [...(seenTrials.get(question) ?? []), fx.trial].sort());
    }
    // Each case has a file for trials 0, 1 and 2.
    expect(Object.fromEntries(seenTrials)).toEqual({ "question 0": [0, 1, 2], "question 1": [0, 1, 2] });
    for (const t of trialsOf(run).flat()) expect(t.cached).toBe(false);
  });

  it("offline replay (no server, no key) returns the same output per trial index, cached, with the recorded latency", async () => {
    const suite = suiteFor(k, k.baseURL(server!));
    const recorded = trialsOf(await runSuites([suite], opts({ fixtures: "record" })));
    // Every recorded answer is distinct, so a mix-up of trial indexes would show.
    const outputs = recorded.flat().map((t) => t.output);
    expect(new Set(outputs).size).toBe(6);
    await stopServer();

    const replayed = trialsOf(await runSuites([suite], opts({ fixtures: "offline", env: {} })));
    const provider = k.create(k.model, suite.provider.config, {});
    for (const [ci, caseTrials] of replayed.entries()) {
      const c = suite.cases[ci]!;
      for (const [ti, t] of caseTrials.entries()) {
        const before = recorded[ci]![ti]!;
        expect(t.error).toBeNull();
        expect(t.index).toBe(ti);
        expect(t.cached).toBe(true);
        expect(t.output).toBe(before.output);
        expect(t.usage).toEqual(before.usage);
        expect(t.passed).toBe(true);
        // Replayed latency is the recorded one, not the (tiny) time to read a file.
        const file = path.join(project.dir, "fixtures", fixturePath(provider, { messages: c.messages, vars: c.vars }, ti));
        const fx = JSON.parse(await readFile(file, "utf8")) as FixtureFile;
        expect(fx.trial).toBe(ti);
        expect(fx.response.output).toBe(before.output);
        expect(t.latencyMs).toBe(fx.response.latencyMs);
        expect(t.latencyMs).toBe(Math.round(before.latencyMs!));
        // Cost is priced at replay time from the recorded usage.
        expect(t.costUsd).toBeCloseTo(listCost(k, t.usage!), 15);
      }
    }
  });

  it("replays through a different baseURL (e.g. without the proxy it was recorded through)", async () => {
    await runSuites([suiteFor(k, k.baseURL(server!))], opts({ fixtures: "record" }));
    await stopServer();
    const noBase = await runSuites([suiteFor(k, undefined)], opts({ fixtures: "offline", env: {} }));
    const other = await runSuites([suiteFor(k, "http://proxy.invalid:9/v1")], opts({ fixtures: "offline", env: {} }));
    for (const run of [noBase, other]) {
      expect(trialsOf(run).flat().every((t) => t.cached && t.error === null)).toBe(true);
    }
  });

  it("auto mode replays what is recorded, calls live for the rest, and writes nothing", async () => {
    await runSuites([suiteFor(k, k.baseURL(server!), 1, 2)], opts({ fixtures: "record" }));
    expect(server!.requests).toHaveLength(2);
    const before = await listFiles(project.dir);
    // Three trials now: 0 and 1 are recorded, 2 is not.
    const run = await runSuites([suiteFor(k, k.baseURL(server!), 1, 3)], opts({ fixtures: "auto" }));
    const trials = trialsOf(run)[0]!;
    expect(trials.map((t) => t.cached)).toEqual([true, true, false]);
    expect(trials.every((t) => t.error === null)).toBe(true);
    expect(server!.requests).toHaveLength(3);
    expect(await listFiles(project.dir)).toEqual(before);
  });

  it("record mode does not call again for what is already recorded", async () => {
    await runSuites([suiteFor(k, k.baseURL(server!))], opts({ fixtures: "record" }));
    const again = await runSuites([suiteFor(k, k.baseURL(server!))], opts({ fixtures: "record" }));
    expect(server!.requests).toHaveLength(6);
    expect(trialsOf(again).flat().every((t) => t.cached)).toBe(true);
  });
});

describe("two cases sending the same request", () => {
  const k = KINDS[0]!;
  /** Two cases asking one question: on replay both read the same file for each trial. */
  const twins = (trials = 3) => {
    const suite = suiteFor(k, k.baseURL(server!), 2, trials);
    return { ...suite, cases: suite.cases.map((c) => ({ ...c, messages: suite.cases[0]!.messages })) };
  };

  it("share one live answer per trial while recording, so the recording grades what its replay will", async () => {
    server!.latencyMs = 30;
    const suite = twins();
    const recording = await runSuites([suite], opts({ fixtures: "record", concurrency: 8 }));
    const recorded = trialsOf(recording);
    // One call per trial, not one per case: two calls for one file would race to write it.
    expect(server!.requests).toHaveLength(3);
    expect(recorded[1]!.map((t) => t.output)).toEqual(recorded[0]!.map((t) => t.output));
    expect(new Set(recorded[0]!.map((t) => t.output)).size).toBe(3);
    await stopServer();
    const replaying = await runSuites([suite], opts({ fixtures: "offline", env: {} }));
    const replayed = trialsOf(replaying);
    expect(replayed.map((c) => c.map((t) => [t.output, t.latencyMs]))).toEqual(recorded.map((c) => c.map((t) => [t.output, t.latencyMs])));

    // Each trial shows the answer's tokens and cost, as its graders saw them; the totals count
    // the three calls the provider billed (numbered: 10, 11 and 12 tokens in, 5 out), once.
    for (const run of [recording, replaying]) {
      const trials = trialsOf(run);
      expect(trials.flat().map((t) => t.shared === true)).toEqual([false, false, false, true, true, true]);
      for (const t of trials.flat()) expect(t.costUsd).toBeCloseTo(listCost(k, t.usage!), 15);
      const totals = aggregateSuite(suite, trials.map((c, i) => aggregateCase(suite.cases[i]!, c, 3, [3])), [3]);
      expect(totals.tokens).toEqual({ inputTokens: 33, outputTokens: 15 });
      // gpt-4o-mini: $0.15 in, $0.60 out per million.
      expect(totals.costUsd).toBeCloseTo((33 * 0.15 + 15 * 0.6) / 1_000_000, 15);
    }
  });

  it("share one answer across suites whose provider configs differ, so none is asked again and overwritten", async () => {
    // Suite "first" (config A) lists the folder before "second" (config B, a price of its own)
    // records the question; "third" (config A again) then asks it: it must read B's answer.
    const question = suiteFor(k, k.baseURL(server!), 1, 2);
    const other = { ...question, name: "first", cases: [makeCase("other", { prompt: "something else" })] };
    const priced = { ...question, name: "second", provider: { ...question.provider, config: { ...question.provider.config, inputPricePerMTok: 1, outputPricePerMTok: 1 } } };
    const again = { ...question, name: "third" };
    const outputs = (run: RawRun) => run.suites.map((s) => s.cases[0]!.trials.map((t) => t.output));
    const recorded = outputs(await runSuites([other, priced, again], opts({ fixtures: "record", concurrency: 1 })));
    expect(server!.requests).toHaveLength(4);
    expect(recorded[2]).toEqual(recorded[1]);
    await stopServer();
    const replayed = outputs(await runSuites([other, priced, again], opts({ fixtures: "offline", env: {} })));
    expect(replayed).toEqual(recorded);
  });

  it("never asks again for an answer this run recorded, even one a later caller cannot read", async () => {
    const provider = createOpenAIProvider("gpt-4o-mini", { baseURL: k.baseURL(server!) }, ENV);
    const p = withFixtures(provider, {}, path.join(project.dir, "fixtures"), "record", project.dir);
    const ask: ProviderRequest = { messages: [{ role: "user", content: "hello" }], vars: {} };
    const call = { signal: new AbortController().signal, trial: 0 };
    expect((await p.call(ask, call)).output).toBe("answer-0");
    // What the first caller was graded on is what the replay reads: asked again, it would be overwritten.
    expect((await p.call({ ...ask, readable: (o) => o !== "answer-0" }, call)).output).toBe("answer-0");
    expect(server!.requests).toHaveLength(1);
  });

  it("the recording grades the latency it stores, in whole ms", async () => {
    server!.latencyMs = 7;
    const recorded = trialsOf(await runSuites([suiteFor(k, k.baseURL(server!), 1, 3)], opts({ fixtures: "record" })));
    for (const t of recorded.flat()) expect(Number.isInteger(t.latencyMs)).toBe(true);
  });

  it("when the shared call fails, one of those waiting makes the next, and the rest share that", async () => {
    server!.handle((req) => new Promise((r) => setTimeout(() => r(req.index === 0 ? { kind: "status", status: 500 } : { kind: "answer", text: `answer-${req.index}` }), 50)));
    const suite = suiteFor(KINDS[0]!, KINDS[0]!.baseURL(server!), 4, 1);
    const quads = { ...suite, cases: suite.cases.map((c) => ({ ...c, messages: suite.cases[0]!.messages })) };
    const run = trialsOf(await runSuites([quads], opts({ fixtures: "record", concurrency: 8 })));
    expect(run.map((c) => c[0]!.error?.category ?? c[0]!.output)).toEqual(["server-error", "answer-1", "answer-1", "answer-1"]);
    expect(server!.requests).toHaveLength(2);
    expect(await listFiles(path.join(project.dir, "fixtures"))).toHaveLength(1);
  });
});

describe("a recording killed mid-write", () => {
  it("leaves temp files that the next recording removes, unless their process still runs", async () => {
    const k = KINDS[0]!;
    const folder = path.join(project.dir, "fixtures", k.kind, k.model);
    await mkdir(folder, { recursive: true });
    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ["-e", "0"]);
      child.on("exit", () => resolve(child.pid!));
    });
    const orphan = `.0b6aa1.json.${dead}.86dvm20olqu.tmp`;
    const busy = `.77c0e2.json.${process.pid}.a1b2.tmp`;
    await writeFile(path.join(folder, orphan), "{");
    await writeFile(path.join(folder, busy), "{");
    await runSuites([suiteFor(k, k.baseURL(server!), 1, 1)], opts({ fixtures: "auto" }));
    expect((await readdir(folder)).sort()).toEqual([busy, orphan].sort());
    await runSuites([suiteFor(k, k.baseURL(server!), 1, 1)], opts({ fixtures: "record" }));
    const left = await readdir(folder);
    expect(left).toContain(busy);
    expect(left).not.toContain(orphan);
    expect(left.filter((n) => n.endsWith(".json"))).toHaveLength(1);
  });
});

describe("offline without a fixture", () => {
  const request: ProviderRequest = { messages: [{ role: "user", content: "never recorded" }], vars: {} };

  it("fails the call with ProviderError missing-fixture, naming the file, needing no key", async () => {
    const fixturesDir = path.join(project.dir, "fixtures");
    const p = withFixtures(createOpenAIProvider("gpt-4o-mini", {}, {}), {}, fixturesDir, "offline", project.dir);
    const err = await p.call(request, { signal: new AbortController().signal, trial: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).category).toBe("missing-fixture");
    expect((err as ProviderError).fatal).toBe(false);
    expect((err as ProviderError).message).toContain("trial 4");
    expect((err as ProviderError).message).toContain(path.join("fixtures", "openai", "gpt-4o-mini"));
    expect((err as ProviderError).hint).toMatch(/record/);
  });

  it("leaves those trials errored (missing-fixture) in a run, without calling the server", async () => {
    const run = await runSuites([suiteFor(KINDS[0]!, server!.openaiBaseURL, 1, 2)], opts({ fixtures: "offline" }));
    const trials = trialsOf(run).flat();
    expect(trials.map((t) => t.error?.category)).toEqual(["missing-fixture", "missing-fixture"]);
    expect(trials.every((t) => t.passed === null && t.retries === 0)).toBe(true);
    expect(server!.requests).toHaveLength(0);
  });
});

describe("corrupt fixtures", () => {
  const request: ProviderRequest = { messages: [{ role: "user", content: "hello" }], vars: {} };

  async function plant(text: string): Promise<{ label: string; provider: RecordableProvider }> {
    const provider = createOpenAIProvider("gpt-4o-mini", {}, {});
    const rel = fixturePath(provider, request, 0);
    const file = path.join(project.dir, "fixtures", rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    return { label: path.join("fixtures", rel), provider };
  }

  it.each([
    ["not JSON", '{"schemaVersion": 1, "provider": '],
    ["the wrong shape", JSON.stringify({ schemaVersion: 1, provider: "openai:gpt-4o-mini", trial: 0, request: {}, response: { output: 42 }, recordedAt: "x" })],
    ["an unknown version", JSON.stringify({ schemaVersion: 2 })],
  ])("a fixture that is %s is a FixtureError (exit 2) naming the file", async (_what, text) => {
    const { label, provider } = await plant(text);
    for (const mode of ["offline", "auto", "record"] as const) {
      const p = withFixtures(provider, {}, path.join(project.dir, "fixtures"), mode, project.dir);
      const err = await p.call(request, { signal: new AbortController().signal, trial: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FixtureError);
      const cfg = err as FixtureError;
      expect(cfg.exitCode).toBe(ExitCode.usage);
      expect(cfg.message.startsWith(`${label}: `)).toBe(true);
      expect(cfg.message).toMatch(/corrupt fixture/);
    }
  });

  it("a fixture of the wrong shape names the line and column of the bad value, and what was expected", async () => {
    const recorded = { schemaVersion: 1, provider: "openai:gpt-4o-mini", trial: 0, request: {}, response: { output: 42, usage: null, latencyMs: 5 }, recordedAt: "x" };
    const { label, provider } = await plant(JSON.stringify(recorded, null, 2));
    const p = withFixtures(provider, {}, path.join(project.dir, "fixtures"), "offline", project.dir);
    const err = (await p.call(request, { signal: new AbortController().signal, trial: 0 }).catch((e: unknown) => e)) as FixtureError;
    expect(err).toBeInstanceOf(FixtureError);
    // "output": 42 is on line 7 of the pretty-printed file, its value at column 15.
    expect(err.message).toBe(`${label}: corrupt fixture: response.output at line 7, column 15: expected string, received number`);
  });

  it("stops a run with the FixtureError, calling nothing", async () => {
    const { label } = await plant("garbage");
    const suite = makeSuite({
      providerId: "openai:gpt-4o-mini",
      config: { baseURL: server!.openaiBaseURL },
      dir: project.dir,
      cases: [makeCase("c", { messages: request.messages })],
    });
    const err = await runSuites([suite], opts({ fixtures: "auto" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FixtureError);
    expect((err as FixtureError).message).toContain(label);
    expect(server!.requests).toHaveLength(0);
  });
});

describe("fixture keys", () => {
  const base: ProviderRequest = {
    messages: [
      { role: "system", content: "sys" },
      { role: "user", content: "hi" },
    ],
    vars: { a: 1, b: 2 },
  };
  const openai = (config: ProviderConfig = {}, env: NodeJS.ProcessEnv = {}, model = "gpt-4o-mini") => createOpenAIProvider(model, config, env);
  const anthropic = (config: ProviderConfig = {}, env: NodeJS.ProcessEnv = {}) => createAnthropicProvider("claude-haiku-4-5", config, env);

  it("is stable across object key order", () => {
    const reordered = {
      vars: { b: 2, a: 1 },
      messages: [
        { content: "sys", role: "system" },
        { content: "hi", role: "user" },
      ],
    } as ProviderRequest;
    for (const make of [openai, anthropic]) {
      expect(fixturePath(make(), reordered, 0)).toBe(fixturePath(make(), base, 0));
      expect(fixturePath(make({ temperature: 0.2, maxTokens: 50 }), base, 0)).toBe(fixturePath(make({ maxTokens: 50, temperature: 0.2 }), base, 0));
    }
  });

  it("is stable across baseURL, base URL env and API key", () => {
    for (const make of [openai, anthropic]) {
      const ref = fixturePath(make(), base, 1);
      expect(fixturePath(make({ baseURL: "http://127.0.0.1:1234/v1" }), base, 1)).toBe(ref);
      expect(fixturePath(make({ baseURL: "https://proxy.example.com/llm" }), base, 1)).toBe(ref);
      expect(fixturePath(make({}, { OPENAI_BASE_URL: "http://x", ANTHROPIC_BASE_URL: "http://y" }), base, 1)).toBe(ref);
      expect(fixturePath(make({}, { OPENAI_API_KEY: "sk-a", ANTHROPIC_API_KEY: "sk-b" }), base, 1)).toBe(ref);
      // Prices only change the cost column, not the answer.
      expect(fixturePath(make({ inputPricePerMTok: 1, outputPricePerMTok: 2 }), base, 1)).toBe(ref);
    }
  });

  it("changes with what decides the answer", () => {
    for (const make of [openai, anthropic]) {
      const ref = fixturePath(make(), base, 0);
      expect(fixturePath(make(), base, 1)).not.toBe(ref);
      expect(fixturePath(make({ temperature: 0.7 }), base, 0)).not.toBe(ref);
      expect(fixturePath(make(), { ...base, messages: [base.messages[0]!, { role: "user", content: "hi!" }] }, 0)).not.toBe(ref);
      expect(fixturePath(make(), { ...base, messages: [{ role: "user", content: "hi" }] }, 0)).not.toBe(ref);
    }
    expect(fixturePath(openai({}, {}, "gpt-4o"), base, 0)).not.toBe(fixturePath(openai(), base, 0));
    expect(fixturePath(openai(), base, 0)).not.toBe(fixturePath(anthropic(), base, 0));
  });

  it("keeps the model name to one safe folder", () => {
    const p = fixturePath(openai({}, {}, "meta/llama:3 70b"), base, 0);
    const parts = p.split(path.sep);
    expect(parts).toHaveLength(3);
    expect(parts[0]).toBe("openai");
    expect(parts[1]).toBe("meta_llama_3_70b");
    expect(parts[2]).toMatch(/^[0-9a-f]{20}\.json$/);
  });
});
