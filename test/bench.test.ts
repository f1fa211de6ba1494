/**
 * `npm run bench -- --quick` end to end: the structure and sanity of what it
 * measures, never its speed (timing belongs to the bench's own table).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phasesOf, type Row } from "../bench/measure.js";
import { checkRow, type Check } from "../bench/table.js";
import { scenarios } from "../bench/scenarios.js";
import { ROOT } from "./cli-run.js";

interface BenchReport {
  quick: boolean;
  machine: { cpu: string; cores: number; node: string };
  rows: (Row & { checks: Check[] })[];
}

let dir: string;
let run: { code: number | null; stdout: string; stderr: string };
let report: BenchReport;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "harness-bench-test-"));
  const out = path.join(dir, "bench.json");
  const tsx = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
  run = await new Promise((resolve) => {
    execFile(process.execPath, [tsx, "bench/main.ts", "--quick", "--promptfoo", "none", "--sdk-floor", "--runs", "2", "--out", out], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
    });
  });
  report = JSON.parse(await readFile(out, "utf8")) as BenchReport;
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rowsOf = (scenario: string) => report.rows.filter((r) => r.scenario === scenario);

describe("npm run bench --quick", () => {
  it("exits 0 and names the machine it ran on", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^machine: .+, \d+ cores, .*Node v\d+/m);
    expect(report.quick).toBe(true);
    expect(report.machine.cores).toBeGreaterThan(0);
  });

  it("measures every scenario with harness, the SDK and node:http alone in those they can run, and every run finished without breaking", () => {
    const rows = (tool: string) => report.rows.filter((r) => r.tool === tool).map((r) => `${r.scenario}${r.phase ? `:${r.phase}` : ""}`);
    expect(rows("harness")).toEqual(["1", "2", "3", "4", "5:record", "5:replay", "6", "7"]);
    expect(rows("openai SDK alone")).toEqual(["1", "2", "3", "7"]);
    expect(rows("node:http alone")).toEqual(["1", "2", "3", "7"]);
    expect(report.rows).toHaveLength(16);
    for (const r of report.rows) {
      expect(r.error, `scenario ${r.scenario}`).toBeNull();
      expect(r.cpuPerTrialMs, `scenario ${r.scenario}`).toBeGreaterThan(0);
      expect(r.peakRssMb, `scenario ${r.scenario}`).toBeGreaterThan(10);
    }
  });

  it("completes every trial, once: none lost, none double counted, none errored", () => {
    for (const r of report.rows) {
      expect(r.tally, `scenario ${r.scenario}`).not.toBeNull();
      expect(r.tally!.passed, `scenario ${r.scenario}`).toBe(r.tally!.expected);
      expect(r.tally!.expected).toBe(r.trials);
      expect([r.tally!.failed, r.tally!.errored, r.tally!.lost, r.tally!.duplicated, r.lost]).toEqual([0, 0, 0, 0, 0]);
    }
  });

  it("never beats the limit, and never has more calls in flight than asked", () => {
    for (const r of report.rows.filter((x) => x.limitMs !== null && x.limitMs > 0)) {
      expect(r.ratio, `scenario ${r.scenario}`).toBeGreaterThanOrEqual(1);
      expect(r.wallMs!).toBeGreaterThanOrEqual(r.limitMs!);
    }
    for (const r of report.rows) expect(r.maxInFlight!, `scenario ${r.scenario}`).toBeLessThanOrEqual(r.concurrency!);
  });

  it("splits each run's wall time into start-up, calls and finish, and the calls alone never beat the limit either", () => {
    for (const r of report.rows.filter((x) => x.versionMs === null)) {
      if (r.serverCalls === 0) {
        expect(r.phases, `scenario ${r.scenario} ${r.phase}`).toBeNull();
        continue;
      }
      const p = r.phases!;
      expect(p, `scenario ${r.scenario} ${r.tool}`).not.toBeNull();
      expect(Math.min(p.startMs, p.callsMs, p.finishMs)).toBeGreaterThan(0);
      // Node's timers may fire up to a millisecond early against performance.now(): allow that per round of calls.
      expect(p.callsMs).toBeGreaterThanOrEqual(r.limitMs! - Math.ceil(r.trials / r.concurrency!));
      if (r.limitMs! > 0) expect(p.callsRatio).toBeCloseTo(p.callsMs / r.limitMs!, 9);
      else expect(p.callsRatio).toBeNull();
    }
  });

  it("counts the server's calls: one per trial, none on replay, more than one per trial under 429s", () => {
    for (const id of ["1", "2", "3"]) expect(rowsOf(id)[0]!.serverCalls).toBe(rowsOf(id)[0]!.trials);
    const [record, replay] = rowsOf("5");
    expect(record!.serverCalls).toBe(record!.trials);
    expect(replay!.serverCalls).toBe(0);
    expect(replay!.maxInFlight).toBe(0);
    expect(replay!.checks.find((c) => c.target.startsWith("server calls"))?.met).toBe(true);
    const limited = rowsOf("6")[0]!;
    expect(limited.serverCalls!).toBeGreaterThan(limited.trials);
  });

  it("with --runs, keeps each load scenario's run of median wall time and lists every run", () => {
    for (const r of report.rows) {
      const load = !["4", "5"].includes(r.scenario);
      expect(r.wallRunsMs?.length ?? 0, `scenario ${r.scenario} ${r.tool}`).toBe(load ? 2 : 0);
      if (!load) continue;
      expect(r.label).toMatch(/\(median of 2\)$/);
      expect(r.wallMs).toBe(Math.min(...r.wallRunsMs!));
      // Each run's CPU in the order of its wall time: the kept run's is the one beside the lowest wall.
      expect(r.cpuRunsMs).toHaveLength(2);
      expect(r.cpuRunsMs![r.wallRunsMs!.indexOf(r.wallMs!)]).toBe(r.cpuPerTrialMs);
    }
  });

  it("times --version and a one-case eval", () => {
    const [startup] = rowsOf("4");
    expect(startup!.versionMs!).toBeGreaterThan(0);
    expect(startup!.oneCaseMs).toBe(startup!.wallMs);
    expect(startup!.serverCalls).toBe(1);
  });

  it("writes the Markdown table beside the JSON", async () => {
    const md = await readFile(path.join(dir, "bench.md"), "utf8");
    expect(md.split("\n")[0]).toMatch(/^\| # \| scenario \| tool \| limit \| wall \| ratio \| start · calls \(÷ limit\) · finish \| CPU\/trial \| peak RSS \| in flight \|/);
    expect(md.trim().split("\n")).toHaveLength(2 + report.rows.length);
    // With --runs, a load row gives the range of its runs' ratios and CPU beside the median run's.
    const latencyBound = md.split("\n").find((line) => line.startsWith("| 1 |") && line.includes("| harness |"));
    expect(latencyBound).toMatch(/ \d\.\d\d× \(\d\.\d\d–\d\.\d\d\) \|/);
    expect(latencyBound).toMatch(/ \d+\.\d{3} ms \(\d+\.\d{3}–\d+\.\d{3}\) \|/);
    // At --quick sizes the ratio is not judged against the full-size target; calls in flight are.
    expect(latencyBound).toMatch(/ratio ≤ 1\.1 not judged at --quick sizes; in flight = \d+ ✓ met/);
  });

  it("judges at --quick sizes only the targets that hold at any size", () => {
    for (const r of report.rows) {
      for (const c of r.checks) {
        const sizeBound = /^(ratio|CPU\/trial ms|RSS MB|wall ms) /.test(c.target);
        if (sizeBound) expect(c).toMatchObject({ met: null, why: "not judged at --quick sizes" });
        // Every other target is judged, met or missed (no run broke: see above).
        else expect(typeof c.met, `scenario ${r.scenario}: ${c.target}`).toBe("boolean");
      }
    }
    expect(report.rows.some((r) => r.checks.some((c) => c.met === true))).toBe(true);
  });

  it("says why a target was not judged where the run broke, rather than a bare '?'", () => {
    const latency = scenarios({ quick: false }).find((x) => x.id === "1")!;
    const row = rowsOf("1").find((r) => r.tool === "harness")!;
    const checks = checkRow({ ...row, error: "exited with code 3" }, latency);
    expect(checks.length).toBeGreaterThan(0);
    for (const c of checks) expect(c).toMatchObject({ met: null, why: "the run failed" });
  });
});

describe("phasesOf", () => {
  const run = { startedAt: 1000, exitedAt: 5000 };
  it("splits at the first arrival and the last answer before the child exited", () => {
    const seen = [
      { arrivedAt: 1300, answeredAt: 1400 },
      { arrivedAt: 1200, answeredAt: 4500 },
      { arrivedAt: 1250 }, // in flight when counted: no answer
      { arrivedAt: 4000, answeredAt: 5200 }, // left hanging, closed after the exit
      { viaBatch: true as const },
    ].map((r, index) => ({ api: "openai" as const, path: "/v1/chat/completions", headers: {}, body: {}, index, ...r }));
    expect(phasesOf(run, seen, 3000)).toEqual({ startMs: 200, callsMs: 3300, finishMs: 500, callsRatio: 1.1 });
    expect(phasesOf(run, seen, 0)!.callsRatio).toBeNull();
  });

  it("is null when no call was answered (a replay, or a run that broke first)", () => {
    expect(phasesOf(run, [], 100)).toBeNull();
    expect(phasesOf(run, [{ api: "openai", path: "/v1/chat/completions", headers: {}, body: {}, index: 0, arrivedAt: 1100 }], 100)).toBeNull();
  });
});
