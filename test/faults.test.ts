/**
 * Every fault at once, through the real binary and the real openai client: a seeded mix of
 * 429s, 5xx, resets, hangs, truncated and malformed bodies. Every trial ends answered or
 * errored with its category, retries are bounded, a report is always written, and the exit
 * code says whether the run could be judged — never a silent pass, never a false regression.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { echo, startFakeServer, type Action, type FakeServer, type SeenRequest } from "./fake-server.js";
import { makeProject, runHarness } from "./cli-run.js";
import { mulberry32 } from "./helpers/prng.js";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(async () => server.close());

const env = { OPENAI_API_KEY: "sk-test-faults-77aa" };
const RETRIES = 2;
const CATEGORIES = new Set(["rate-limit", "server-error", "timeout", "network", "malformed-output"]);

function suiteYaml(cases: number): string {
  const list = Array.from({ length: cases }, (_, i) => `  - id: case-${i}\n    vars: { n: ${i} }`).join("\n");
  return `name: chaos\nprovider:\n  id: openai:gpt-4o-mini\n  config:\n    baseURL: ${server.openaiBaseURL}\nprompt: "question {{n}}"\ntrials: 4\ngraders:\n  - type: icontains\n    value: echo\ncases:\n${list}\n`;
}

/** A fault with probability `rate`, drawn from every kind the server can do. */
function chaos(seed: number, rate: number): (req: SeenRequest) => Action | Promise<Action> {
  const random = mulberry32(seed);
  const faults: Action[] = [
    { kind: "status", status: 429, retryAfter: "0" },
    { kind: "status", status: 500 },
    { kind: "status", status: 503 },
    { kind: "reset" },
    { kind: "hang" },
    { kind: "truncated" },
    { kind: "malformed" },
  ];
  return (req) => (random() < rate ? faults[Math.floor(random() * faults.length)]! : echo(req));
}

interface Report {
  gate: { judged: boolean; status: string; regressions: unknown[] };
  errors: { errored: number; total: number; byCategory: Record<string, number> };
  suites: { totals: { trials: number; passed: number; failed: number; errored: number }; cases: { trials: { index: number; passed: boolean | null; retries: number; error: { category: string } | null }[] }[] }[];
}

/** `timeoutMs`: how long a call may take before it counts as hung (and is retried). */
async function runWithFaults(seed: number, rate: number, maxErrorRate: string, timeoutMs: number) {
  const dir = await makeProject({ "evals/chaos.yaml": suiteYaml(25) });
  server.handle(chaos(seed, rate));
  const before = server.requests.length;
  const r = await runHarness(["eval", "-q", "--fixtures", "none", "--retries", String(RETRIES), "--timeout", String(timeoutMs), "-j", "8", "--max-error-rate", maxErrorRate, "-o", "report.json"], { cwd: dir, env });
  const report = JSON.parse(await readFile(path.join(dir, "report.json"), "utf8")) as Report;
  return { r, report, calls: server.requests.length - before };
}

/** `stopped`: the run stopped once it could no longer be judged, cancelling the trials left. */
function checkEveryTrialAccounted(report: Report, calls: number, stopped = false): void {
  const suite = report.suites[0]!;
  const trials = suite.cases.flatMap((c) => c.trials);
  expect(trials).toHaveLength(100);
  for (const c of suite.cases) expect(c.trials.map((t) => t.index)).toEqual([0, 1, 2, 3]);
  for (const t of trials) {
    // Answered (and so passed: the echo always passes), or errored with a category; never lost.
    if (t.error === null) expect(t.passed).toBe(true);
    else {
      expect(t.passed).toBeNull();
      expect(CATEGORIES.has(t.error.category) || (stopped && t.error.category === "cancelled"), t.error.category).toBe(true);
    }
    expect(t.retries).toBeLessThanOrEqual(RETRIES);
  }
  // Bounded: no trial made more than 1 + RETRIES calls.
  expect(calls).toBeLessThanOrEqual(100 * (1 + RETRIES));
  // A trial cancelled before its call made none.
  if (stopped) expect(calls).toBeLessThanOrEqual(trials.reduce((n, t) => n + 1 + t.retries, 0));
  else expect(calls).toBe(trials.reduce((n, t) => n + 1 + t.retries, 0));
  const { totals } = suite;
  expect(totals.passed + totals.failed + totals.errored).toBe(100);
  expect(totals.failed).toBe(0);
}

describe("a run under every fault at once", () => {
  it("15% faults: retries absorb most; the run is judged and passes, with no false failure", async () => {
    // Hung calls still end, at 2 s; a plain answer, even on a busy machine at -j 8, is not
    // taken for one (at 300 ms it could be, and errors beyond the faults fail the test).
    const { r, report, calls } = await runWithFaults(11, 0.15, "0.1", 2000);
    checkEveryTrialAccounted(report, calls);
    expect(report.errors.errored / 100).toBeLessThanOrEqual(0.1);
    expect(r.code, r.stderr).toBe(0);
    expect(report.gate.judged).toBe(true);
  });

  it("70% faults: once too many trials have errored the run stops, exit 3 and 'not judged', with a full report", async () => {
    // A plain answer slower than 300 ms errors too: the run stops all the same.
    const { r, report, calls } = await runWithFaults(5, 0.7, "0.1", 300);
    checkEveryTrialAccounted(report, calls, true);
    // Stopped at the eleventh errored trial: the rest were cancelled.
    expect(report.errors.errored - report.errors.byCategory.cancelled!).toBeGreaterThanOrEqual(11);
    expect(report.errors.byCategory.cancelled).toBeGreaterThan(0);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/11 of 100 trials errored \(.*\), more than the 10% allowed: the run can no longer be judged/);
    expect(report.gate).toMatchObject({ judged: false, status: "fail" });
    // Errored is not failed: nothing is reported as a regression.
    expect(report.gate.regressions).toEqual([]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
