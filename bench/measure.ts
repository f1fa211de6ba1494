/** Runs one scenario with one tool against a fresh fake server, and turns what it saw into table rows. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startFakeServer, type FakeServer, type Handler, type SeenRequest } from "../test/fake-server.js";
import { median, runChild, tailOf, type ChildRun } from "./child.js";
import type { LoadScenario, ReplayScenario, Scenario, StartupScenario } from "./scenarios.js";
import { ANSWER_START, type EvalMode, type SuiteSpec, type Tally, type Tool } from "./tool.js";

export interface Row {
  tool: string;
  scenario: string;
  label: string;
  /** "record" / "replay" for scenario 5. */
  phase: string | null;
  trials: number;
  concurrency: number | null;
  /** ceil(N·n/C)·L: no client can finish sooner against this server. */
  limitMs: number | null;
  wallMs: number | null;
  ratio: number | null;
  /**
   * Where the wall time went, from the server's clock: spawn to the first call's arrival
   * (start-up), first arrival to the last answer (calls), last answer to exit (finish:
   * grading the last trials, reports). null when no call reached the server.
   */
  phases: Phases | null;
  cpuPerTrialMs: number | null;
  peakRssMb: number | null;
  maxInFlight: number | null;
  serverCalls: number | null;
  tally: Tally | null;
  /** Trials lost or double counted. */
  lost: number | null;
  versionMs: number | null;
  oneCaseMs: number | null;
  /** Why the run broke, when it did: the bench goes on with the next one. */
  error: string | null;
  /** With --runs: the wall time of every run, of which this row is the median one. */
  wallRunsMs?: number[];
  /** With --runs: every run's CPU a trial, in the order of wallRunsMs. */
  cpuRunsMs?: number[];
}

export interface Phases {
  startMs: number;
  callsMs: number;
  finishMs: number;
  /** callsMs ÷ the limit: the ratio with start-up and finish left out. */
  callsRatio: number | null;
}

/** The phases of one child's run, from the calls the server saw during it. */
export function phasesOf(run: Pick<ChildRun, "startedAt" | "exitedAt">, seen: readonly SeenRequest[], limitMs: number): Phases | null {
  let first = Infinity;
  let last = -Infinity;
  for (const r of seen) {
    if (r.arrivedAt !== undefined && r.arrivedAt < first) first = r.arrivedAt;
    // A call left hanging is stamped when its connection finally closes, after the child is gone: no answer it waited for.
    if (r.answeredAt !== undefined && r.answeredAt <= run.exitedAt && r.answeredAt > last) last = r.answeredAt;
  }
  if (first === Infinity || last === -Infinity) return null;
  const callsMs = last - first;
  return { startMs: first - run.startedAt, callsMs, finishMs: run.exitedAt - last, callsRatio: limitMs > 0 ? callsMs / limitMs : null };
}

export interface MeasureOptions {
  /** Per child process: a tool that takes longer is killed and its row says so. */
  timeoutMs: number;
  /** Flags for Node in every measured process, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

/** An answer of `chars` characters (the short one for 0) that every grader of the bench passes. */
export function answerText(chars: number): string {
  if (chars <= ANSWER_START.length) return ANSWER_START;
  const filler = " The customer asked about the refund window, and the policy allows thirty days.";
  return `${ANSWER_START}.${filler.repeat(Math.ceil(chars / filler.length))}`.slice(0, chars);
}

/** Answers every call, except an evenly spread `share` of arrivals that get 429 with Retry-After. */
export function modelHandler(share: number, answerChars = 0): Handler {
  const answer = { kind: "answer", text: answerText(answerChars) } as const;
  return (req) => (Math.floor((req.index + 1) * share) > Math.floor(req.index * share) ? { kind: "status", status: 429, retryAfter: "1" } : answer);
}

async function withServer<T>(latencyMs: number, share: number, fn: (server: FakeServer) => Promise<T>, answerChars = 0): Promise<T> {
  const server = await startFakeServer(modelHandler(share, answerChars));
  server.latencyMs = latencyMs;
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

function emptyRow(tool: Tool, s: Scenario, label: string, trials: number): Row {
  return { tool: tool.name, scenario: s.id, label, phase: null, trials, concurrency: null, limitMs: null, wallMs: null, ratio: null, phases: null, cpuPerTrialMs: null, peakRssMb: null, maxInFlight: null, serverCalls: null, tally: null, lost: null, versionMs: null, oneCaseMs: null, error: null };
}

async function failure(run: ChildRun): Promise<string | null> {
  if (run.timedOut) return "timed out";
  // harness exits 1 on a gate failure and 3 when a run is not judged: the figures still stand, and the tally says what happened.
  if (run.signal) return `killed by ${run.signal}: ${await tailOf(run.logFile, 3)}`;
  if (run.code !== 0 && run.code !== 1 && run.code !== 3) return `exit ${run.code}: ${await tailOf(run.logFile, 3)}`;
  return null;
}

/** One eval run of `suite` in `dir`, filling the row's measured fields. */
async function evalRow(tool: Tool, dir: string, suite: SuiteSpec, mode: EvalMode, server: FakeServer, row: Row, latencyMs: number, o: MeasureOptions): Promise<Row> {
  const callsBefore = server.requests.length;
  server.resetMaxInFlight();
  const run = await runChild({ script: tool.script, args: tool.evalArgs(suite, mode), cwd: dir, env: tool.env(dir), logFile: path.join(dir, `${mode}.log`), timeoutMs: o.timeoutMs, nodeArgs: o.nodeArgs });
  const trials = suite.cases * suite.trials;
  const limitMs = mode === "replay" ? 0 : Math.ceil(trials / suite.concurrency) * latencyMs;
  const tally = await tool.readTally(dir, suite).catch(() => null);
  return {
    ...row,
    concurrency: suite.concurrency,
    limitMs,
    wallMs: run.wallMs,
    ratio: limitMs > 0 ? run.wallMs / limitMs : null,
    phases: phasesOf(run, server.requests.slice(callsBefore), limitMs),
    cpuPerTrialMs: run.cpuMs === null ? null : run.cpuMs / trials,
    peakRssMb: run.peakRssMb,
    maxInFlight: server.maxInFlight,
    serverCalls: server.requests.length - callsBefore,
    tally,
    lost: tally ? tally.lost + tally.duplicated : null,
    error: (await failure(run)) ?? (tally ? null : `no readable report: ${await tailOf(run.logFile, 3)}`),
  };
}

function suiteLabel(s: LoadScenario | ReplayScenario): string {
  return `${s.cases.toLocaleString("en")}×${s.trials} C=${s.concurrency} L=${s.latencyMs}ms`;
}

async function inTempDir<T>(fn: (dir: string) => Promise<T>, keep: boolean): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), "harness-bench-"));
  try {
    return await fn(dir);
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
    else process.stderr.write(`bench: kept ${dir}\n`);
  }
}

async function measureLoad(tool: Tool, s: LoadScenario, o: MeasureOptions & { keep: boolean }): Promise<Row[]> {
  const label = `${s.title}: ${suiteLabel(s)}${s.rateLimitedShare ? ` ${Math.round(s.rateLimitedShare * 100)}% 429` : ""}${s.answerChars ? `, answers of ${s.answerChars.toLocaleString("en")} chars` : ""}`;
  return inTempDir(
    (dir) =>
      withServer(s.latencyMs, s.rateLimitedShare, async (server) => {
        const suite = { cases: s.cases, trials: s.trials, concurrency: s.concurrency, baseURL: server.openaiBaseURL };
        await tool.writeProject(dir, suite, "fresh");
        return [await evalRow(tool, dir, suite, "fresh", server, emptyRow(tool, s, label, s.cases * s.trials), s.latencyMs, o)];
      }, s.answerChars),
    o.keep,
  );
}

async function measureReplay(tool: Tool, s: ReplayScenario, o: MeasureOptions & { keep: boolean }): Promise<Row[]> {
  return inTempDir(
    (dir) =>
      withServer(s.latencyMs, 0, async (server) => {
        const suite = { cases: s.cases, trials: s.trials, concurrency: s.concurrency, baseURL: server.openaiBaseURL };
        await tool.writeProject(dir, suite, "record");
        const base = emptyRow(tool, s, "", s.cases * s.trials);
        const record = await evalRow(tool, dir, suite, "record", server, { ...base, phase: "record", label: `record: ${suiteLabel(s)}` }, s.latencyMs, o);
        const replay = await evalRow(tool, dir, suite, "replay", server, { ...base, phase: "replay", label: `replay of the ${(s.cases * s.trials).toLocaleString("en")} trials` }, s.latencyMs, o);
        return [record, replay];
      }),
    o.keep,
  );
}

async function measureStartup(tool: Tool, s: StartupScenario, o: MeasureOptions & { keep: boolean }): Promise<Row[]> {
  const row = emptyRow(tool, s, `${s.title}: --version; eval of 1 case × 1 trial (median of ${s.runs})`, 1);
  return inTempDir(
    (dir) =>
      withServer(0, 0, async (server) => {
        const version: number[] = [];
        for (let i = 0; i < s.runs; i++) {
          const run = await runChild({ script: tool.script, args: tool.versionArgs, cwd: dir, env: tool.env(dir), logFile: path.join(dir, "version.log"), timeoutMs: o.timeoutMs, nodeArgs: o.nodeArgs });
          const broke = await failure(run);
          if (broke) return [{ ...row, error: `--version: ${broke}` }];
          version.push(run.wallMs);
        }
        const suite = { cases: 1, trials: 1, concurrency: 1, baseURL: server.openaiBaseURL };
        await tool.writeProject(dir, suite, "fresh");
        const evals: Row[] = [];
        for (let i = 0; i < s.runs; i++) evals.push(await evalRow(tool, dir, suite, "fresh", server, row, 0, o));
        // The run of median wall time stands for all, so its CPU and RSS match its wall.
        const mid = [...evals].sort((a, b) => (a.wallMs ?? Infinity) - (b.wallMs ?? Infinity))[Math.floor(evals.length / 2)]!;
        return [{ ...mid, versionMs: median(version), oneCaseMs: mid.wallMs, error: evals.find((e) => e.error)?.error ?? null }];
      }),
    o.keep,
  );
}

export function measure(tool: Tool, s: Scenario, o: MeasureOptions & { keep: boolean }): Promise<Row[]> {
  switch (s.kind) {
    case "load":
      return measureLoad(tool, s, o);
    case "replay":
      return measureReplay(tool, s, o);
    case "startup":
      return measureStartup(tool, s, o);
  }
}
