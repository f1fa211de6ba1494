/**
 * What a run shows while it goes: the pace of the plain lines a CI log gets, the line said when
 * a rate limit holds calls back, and both through the real binary, in a pipe (as in CI) and in a
 * pseudo-terminal. The CLI runs take HARNESS_TEST_PROGRESS_SCALE=0.01 (the first line after
 * 150 ms, not 15 s), and their apps wait until the test has seen what it waits for: nothing
 * here depends on how fast the machine is.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { progressGap, PROGRESS_PACE } from "../src/cli/progress-pace.js";
import type { CliIo } from "../src/cli/io.js";
import { describeRateLimitWait, RunProgress } from "../src/cli/progress.js";
import { RateLimitWaits, type RateLimitWait } from "../src/runner/rate-limit-waits.js";
import { BIN, cleanEnv, makeProject, ROOT, runHarness } from "./cli-run.js";
import { echo, startFakeServer, type FakeServer } from "./fake-server.js";
import { waitFor } from "./helpers/project.js";

/** When the plain lines of a run of `ms` come, by the pace. */
function lineTimes(ms: number): number[] {
  const times: number[] = [];
  for (let t = PROGRESS_PACE.firstMs; t <= ms; t += progressGap(t)) times.push(t);
  return times;
}

describe("the pace of plain progress lines", () => {
  it("says nothing in a run's first 15 s, then every 30 s at first, slowing to every 5 min", () => {
    expect(lineTimes(14_999)).toEqual([]);
    expect(lineTimes(120_000).map((t) => t / 1000)).toEqual([15, 45, 75, 112.5]);
    const day = lineTimes(24 * 3_600_000);
    const gaps = day.slice(1).map((t, i) => t - day[i]!);
    expect(Math.min(...gaps)).toBe(30_000);
    expect(Math.max(...gaps)).toBe(300_000);
  });

  it("writes 8 lines in 10 minutes, 18 in an hour, 30 in two, and no more than 12 in each hour after the first", () => {
    expect([10, 60, 120].map((min) => lineTimes(min * 60_000).length)).toEqual([8, 18, 30]);
    // GitHub's longest job, 6 hours; a batch's longest wait, 24.
    expect(lineTimes(6 * 3_600_000).length).toBe(78);
    const day = lineTimes(24 * 3_600_000);
    for (let hour = 1; hour < 24; hour++) expect(day.filter((t) => t > hour * 3_600_000 && t <= (hour + 1) * 3_600_000).length).toBeLessThanOrEqual(12);
  });
});

describe("a wait on a rate limit", () => {
  const wait = (over: Partial<RateLimitWait> = {}): RateLimitWait => ({ provider: "openai:gpt-4o-mini", role: "target", waitMs: 60_000, cause: "429", concurrency: 5, max: 8, ...over });

  it("is said with the provider, the wait and the limit on calls in flight", () => {
    expect(describeRateLimitWait(wait())).toBe("harness: openai:gpt-4o-mini answered 429 (rate limit); waiting 60 s, -j cut to 5 of 8");
    // At -j 1 there was nothing to cut.
    expect(describeRateLimitWait(wait({ concurrency: 1, max: 1, waitMs: 7_500 }))).toBe("harness: openai:gpt-4o-mini answered 429 (rate limit); waiting 7.5 s at -j 1");
    expect(describeRateLimitWait(wait({ role: "judge", cause: "window", concurrency: 8, waitMs: 42_000 }))).toBe("harness: judge openai:gpt-4o-mini's rate-limit window is used up; its calls wait 42 s for the reset");
  });

  it("on the progress lines, shows the limit on calls in flight as it is now, not as it was when the wait began", () => {
    vi.useFakeTimers({ now: 0 });
    try {
      let err = "";
      let limit = 2;
      const progress = new RunProgress({ stderr: { write: (s: string) => (err += s) }, env: {} } as unknown as CliIo, false);
      const waits = new RateLimitWaits({ provider: "openai:gpt-4o-mini", role: "target", max: 8 }, () => limit, 5_000, progress.hooks().onRateLimitWait!);
      waits.held(60_000, "429");
      limit = 6; // answers since have let it climb back
      vi.advanceTimersByTime(15_000); // the first plain line
      limit = 8; // back at -j
      vi.advanceTimersByTime(30_000); // the second
      progress.stop();
      expect(err).toContain("harness: openai:gpt-4o-mini answered 429 (rate limit); waiting 60 s, -j cut to 2 of 8\n");
      expect(err).toContain("harness: 0/0 trials done, 0 errored, 15 s elapsed; openai:gpt-4o-mini held back by its rate limit (-j cut to 6 of 8)\n");
      expect(err).toContain("harness: 0/0 trials done, 0 errored, 45 s elapsed; openai:gpt-4o-mini held back by its rate limit\n");
    } finally {
      vi.useRealTimers();
    }
  });

  it("made longer by later 429s, is still shown on the progress lines after the first wait's length, and said once", () => {
    vi.useFakeTimers({ now: 0 });
    try {
      let err = "";
      const progress = new RunProgress({ stderr: { write: (s: string) => (err += s) }, env: {} } as unknown as CliIo, false);
      const waits = new RateLimitWaits({ provider: "openai:gpt-4o-mini", role: "target", max: 2 }, () => 1, 5_000, progress.hooks().onRateLimitWait!);
      waits.held(10_000, "429"); // held until 10 s
      vi.advanceTimersByTime(8_000);
      waits.held(10_000, "429"); // a retry answered 429 again: held until 18 s
      vi.advanceTimersByTime(7_000); // the first plain line, at 15 s
      progress.stop();
      expect(err.match(/answered 429/g)).toHaveLength(1);
      expect(err).toContain("harness: 0/0 trials done, 0 errored, 15 s elapsed; openai:gpt-4o-mini held back by its rate limit (-j cut to 1 of 2)\n");
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("a progress that has stopped", () => {
  it("says no wait on a rate limit, on a terminal or in a log, but still says warnings", () => {
    for (const isTTY of [true, false]) {
      let err = "";
      const progress = new RunProgress({ stderr: { write: (s: string) => (err += s), isTTY }, env: {} } as unknown as CliIo, false);
      const hooks = progress.hooks();
      progress.stop();
      const written = err;
      hooks.onRateLimitWait!({ provider: "openai:gpt-4o-mini", role: "target", waitMs: 30_000, cause: "window", concurrency: 8, max: 8 });
      expect(err.slice(written.length), `isTTY ${isTTY}`).toBe("");
      hooks.onWarning!("the model is deprecated");
      expect(err.slice(written.length), `isTTY ${isTTY}`).toBe("harness: warning: the model is deprecated\n");
    }
  });

  it("stopped before the run began (Ctrl-C while the suites loaded) draws nothing, on a terminal or in a log", () => {
    vi.useFakeTimers({ now: 0 });
    try {
      for (const isTTY of [true, false]) {
        let err = "";
        const controller = new AbortController();
        controller.abort("SIGINT");
        const progress = new RunProgress({ stderr: { write: (s: string) => (err += s), isTTY, columns: 80 }, env: {}, signal: controller.signal } as unknown as CliIo, false);
        progress.section(undefined, 10);
        progress.hooks().onTrial!({ trial: { error: null }, done: 1, total: 10 } as never);
        vi.advanceTimersByTime(60_000);
        expect(err, `isTTY ${isTTY}`).toBe("");
      }
    } finally {
      vi.useRealTimers();
    }
  });
});

const SCALE = { HARNESS_TEST_PROGRESS_SCALE: "0.01" };
/** A progress line of a plain log: the model (compare), trials done, of all, and errored. */
const PLAIN = /^harness: (?:(.+): )?(\d+)\/(\d+) trials done, (\d+) errored, \d+ s elapsed$/m;

/**
 * What a terminal shows once it has been sent `output`: its lines, as a person reads them. Kept:
 * `\r` (to the start of the line), `\n` (to the next), `\x1b[K` (the rest of the line erased);
 * colours are dropped.
 */
function screenOf(output: string): string[] {
  const lines: string[] = [""];
  let row = 0;
  let col = 0;
  for (const token of output.replace(/\x1b\[[\d;]*m/g, "").match(/\x1b\[K|[\s\S]/g) ?? []) {
    if (token === "\r") col = 0;
    else if (token === "\n") {
      row++;
      lines[row] ??= "";
    } else if (token === "\x1b[K") lines[row] = lines[row]!.slice(0, col);
    else {
      const line = lines[row]!.padEnd(col);
      lines[row] = line.slice(0, col) + token + line.slice(col + 1);
      col++;
    }
  }
  return lines;
}

/** Runs the built CLI in a pseudo-terminal, answering `steps` (see test/pty-drive.py). */
function inTerminal(steps: [string, string][], args: string[], cwd: string, env: Record<string, string>): Promise<{ exit: number | null; output: string }> {
  return new Promise((resolve, reject) =>
    execFile("python3", [path.join(ROOT, "test/pty-drive.py"), JSON.stringify(steps), "--", process.execPath, BIN, ...args], { cwd, env: cleanEnv(env) }, (err, stdout) => (err && !stdout ? reject(err) : resolve(JSON.parse(stdout)))),
  );
}

/** An exec: app that answers "ok" once the file `go` exists in its folder: the run lasts until the test says. */
const GATED_APP = ['import { existsSync } from "node:fs";', "for await (const _ of process.stdin);", 'const poll = () => (existsSync("go") ? process.stdout.write("ok") : setTimeout(poll, 20));', "poll();", ""].join("\n");

function appSuite(trials: number, cases = 1): string {
  const list = Array.from({ length: cases }, (_, i) => `  - id: c${i}`).join("\n");
  return `name: gated\nprovider: exec:node app.mjs\nprompt: hi\ntrials: ${trials}\ngraders:\n  - type: contains\n    value: ok\ncases:\n${list}\n`;
}

describe("harness eval and compare, not on a terminal", () => {
  it("eval: a plain line on stderr while the run goes, with trials done of all, errored and time elapsed", async () => {
    const dir = await makeProject({ "evals/a.yaml": appSuite(3), "app.mjs": GATED_APP });
    let released = false;
    const r = await runHarness(["eval", "--no-color"], {
      cwd: dir,
      env: SCALE,
      // Released once a line is seen: without one the run would never end, and the test time out.
      onStderr: (soFar) => {
        if (!released && /^harness: 0\/3 trials done, 0 errored, \d+ s elapsed$/m.test(soFar)) {
          released = true;
          void writeFile(path.join(dir, "go"), "");
        }
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(released).toBe(true);
    // No terminal codes in a log: lines, not a line redrawn.
    expect(r.stderr).not.toMatch(/\r|\x1b/);
    expect(r.stdout).toContain("Gate: PASS");
  });

  it("eval -q: no progress line however long the run", async () => {
    // The quiet run's app says it has started, then waits; a plain run started after it lets both go once it has shown a line.
    const started = 'import { writeFileSync } from "node:fs";\nwriteFileSync("started", "");\n';
    const quietDir = await makeProject({ "evals/a.yaml": appSuite(1), "app.mjs": started + GATED_APP });
    const plainDir = await makeProject({ "evals/a.yaml": appSuite(1), "app.mjs": GATED_APP });
    const quiet = runHarness(["eval", "-q"], { cwd: quietDir, env: SCALE });
    await waitFor(() => existsSync(path.join(quietDir, "started")), 30_000, "the quiet run's app to start");
    const go = () => Promise.all([quietDir, plainDir].map((dir) => writeFile(path.join(dir, "go"), "")));
    let released = false;
    const plain = await runHarness(["eval"], { cwd: plainDir, env: SCALE, onStderr: (soFar) => void (!released && PLAIN.test(soFar) && (released = true) && go()) });
    const q = await quiet;
    expect(plain.code, plain.stderr).toBe(0);
    expect(released).toBe(true);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stderr).toBe("");
  });

  it("compare: each line names the model whose trials it counts", async () => {
    const dir = await makeProject({ "evals/a.yaml": appSuite(2), "app.mjs": GATED_APP, "app2.mjs": 'for await (const _ of process.stdin);\nprocess.stdout.write("ok");\n' });
    let released = false;
    const r = await runHarness(["compare", "-p", "exec:node app.mjs", "-p", "exec:node app2.mjs", "--no-color"], {
      cwd: dir,
      env: SCALE,
      onStderr: (soFar) => {
        if (!released && soFar.includes("harness: exec:node app.mjs: 0/2 trials done, 0 errored, ")) {
          released = true;
          void writeFile(path.join(dir, "go"), "");
        }
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(released).toBe(true);
    for (const [, label, , total] of r.stderr.matchAll(new RegExp(PLAIN, "gm"))) {
      expect(["exec:node app.mjs", "exec:node app2.mjs"]).toContain(label);
      expect(total).toBe("2");
    }
  });
});

describe("harness compare on a terminal", () => {
  it("Ctrl-C during the first model: the line is cleared, and the models not run draw none after the stop is said", async () => {
    // The app never answers (no "go"): the first model's trials run until Ctrl-C.
    const dir = await makeProject({ "evals/a.yaml": appSuite(2), "app.mjs": GATED_APP });
    const out = await inTerminal([["exec:node app.mjs: 0/2 trials", "\x03"]], ["compare", "-p", "exec:node app.mjs", "-p", "exec:node app.mjs --second"], dir, SCALE);
    expect(out.exit, out.output).toBe(130);
    const stopping = "harness: SIGINT received; stopping (again to quit at once)";
    expect(screenOf(out.output).filter((line) => / trials · /.test(line)), out.output).toEqual([]);
    expect(out.output.slice(out.output.indexOf(stopping)), out.output).not.toMatch(/ trials · /);
  });
});

describe("a run held back by a rate limit", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(async () => server.close());
  beforeEach(() => server.handle(echo));

  const env = { OPENAI_API_KEY: "sk-test-progress-3c4d", ...SCALE };
  const suite = (trials: number) =>
    `name: limited\nprovider:\n  id: openai:gpt-4o-mini\n  config:\n    baseURL: ${server.openaiBaseURL}\nprompt: hi\ntrials: ${trials}\ngraders:\n  - type: contains\n    value: hi\ncases:\n  - id: one\n`;

  /** The first `n` calls are answered 429 together, each asking for `retryAfter` seconds; then every call is answered. */
  function burstOf429(n: number, retryAfter: string): void {
    const held: (() => void)[] = [];
    let seen = 0;
    server.handle((req) => {
      if (seen >= n) return echo(req);
      seen++;
      return new Promise((resolve) => {
        held.push(() => resolve({ kind: "status", status: 429, retryAfter }));
        if (held.length === n) for (const answer of held) answer();
      });
    });
  }

  it("says once per wait which model answered 429, how long the run waits, and what -j was cut to", async () => {
    const dir = await makeProject({ "evals/l.yaml": suite(4) });
    // Four calls told at once to wait 2 s: one wait, said once.
    burstOf429(4, "2");
    const r = await runHarness(["eval", "-j", "4", "--no-color"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/answered 429/g)).toHaveLength(1);
    expect(r.stderr).toContain("harness: openai:gpt-4o-mini answered 429 (rate limit); waiting 2.0 s, -j cut to 2 of 4\n");
  });

  it("says nothing of a wait too short to notice, nor anything under -q", async () => {
    const dir = await makeProject({ "evals/l.yaml": suite(2) });
    // 20 ms: under the 5 s a wait must last to be said (50 ms at this scale); 1 s is over it.
    burstOf429(2, "0.02");
    const short = await runHarness(["eval", "-j", "2"], { cwd: dir, env });
    burstOf429(2, "1");
    const long = await runHarness(["eval", "-j", "2"], { cwd: dir, env });
    burstOf429(2, "1");
    const quiet = await runHarness(["eval", "-j", "2", "-q"], { cwd: dir, env });
    for (const r of [short, long, quiet]) expect(r.code, r.stderr).toBe(0);
    expect(short.stderr).not.toMatch(/429|rate limit/);
    expect(long.stderr).toMatch(/^harness: openai:gpt-4o-mini answered 429 \(rate limit\); waiting 1\.0 s, -j cut to 1 of 2$/m);
    expect(quiet.stderr).toBe("");
  });

  it("on a terminal: the wait gets a line of its own, and the progress line is drawn again below it, saying the wait", async () => {
    const dir = await makeProject({ "evals/l.yaml": suite(4) });
    burstOf429(4, "2");
    const out = await inTerminal([], ["eval", "-j", "4"], dir, env);
    expect(out.exit, out.output).toBe(0);
    // Cleared, said, and the line drawn again: not "1/4 trialsharness: openai…" run together.
    expect(out.output).toMatch(/\r\x1b\[Kharness: openai:gpt-4o-mini answered 429 \(rate limit\); waiting 2\.0 s, -j cut to 2 of 4\r\n\r0\/4 trials · 0 errored · \d+ s · openai:gpt-4o-mini rate-limited, [\d.]+ s left\x1b\[K/);
    // The terminal report's own line on 429s ("4 calls answered 429…") is not the run's.
    expect(out.output.match(/harness: openai:gpt-4o-mini answered 429/g)).toHaveLength(1);
  });

  it("on a terminal, Ctrl-C during a wait: the progress line is cleared, not left on screen or drawn again with the wait, and the stop is said on a clean line", async () => {
    const dir = await makeProject({ "evals/l.yaml": suite(1) });
    // The one call is told to wait 30 s: the run is still waiting when the test presses Ctrl-C.
    burstOf429(1, "30");
    // Ctrl-C typed at the terminal (\x03), so that it echoes "^C" where the cursor is, as a person's does.
    const out = await inTerminal([["rate-limited, ", "\x03"]], ["eval", "-j", "1"], dir, env);
    expect(out.exit, out.output).toBe(130);
    const stopping = "harness: SIGINT received; stopping (again to quit at once)";
    const screen = screenOf(out.output);
    expect(screen, out.output).toContain(stopping);
    // The wait's line itself stays (it was said on a line of its own); the progress line with the hold does not.
    expect(screen.filter((line) => line.includes("rate-limited")), out.output).toEqual([]);
    expect(out.output.slice(out.output.indexOf(stopping))).not.toContain("rate-limited");
  });
});
