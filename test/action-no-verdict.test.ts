/**
 * The Action's comment when a run gave no verdict: it quotes what harness said, as the CI log
 * got it, without the log's progress lines, and keeps the first and last lines of a long one.
 */
import { describe, expect, it, vi } from "vitest";
import { couldNotRun } from "../src/action/no-verdict.js";
import type { CliIo } from "../src/cli/io.js";
import { RunProgress } from "../src/cli/progress.js";

/** What a non-terminal run of ten minutes writes: progress lines, a batch, a wait, a warning; then `last`. */
function tenMinutesOfLog(last: string): string {
  vi.useFakeTimers({ now: 0 });
  try {
    let err = "";
    const progress = new RunProgress({ stderr: { write: (s: string) => (err += s) }, env: {} } as unknown as CliIo, false);
    const hooks = progress.hooks();
    progress.section(undefined, 40);
    hooks.onWarning!("judge openai:gpt-4o-mini is not priced: its cost is unknown");
    vi.advanceTimersByTime(100_000);
    hooks.onRateLimitWait!({ provider: "openai:gpt-4o-mini", role: "target", waitMs: 30_000, cause: "429", concurrency: 2, max: 4 });
    vi.advanceTimersByTime(200_000);
    progress.batch({ kind: "submitted", provider: "openai:gpt-4o-mini", batchId: "batch_1", requests: 40 });
    vi.advanceTimersByTime(300_000);
    progress.stop();
    return `${err}${last}\n`;
  } finally {
    vi.useRealTimers();
  }
}

describe("the comment of a run that gave no verdict", () => {
  it("quotes the warnings, waits and the reason the run ended, not the progress lines", () => {
    const log = tenMinutesOfLog("harness: internal error: the report could not be written");
    // The progress lines are there in the log, of both kinds: trials, and a batch running.
    expect(log).toMatch(/^harness: 0\/40 trials done, 0 errored, 15 s elapsed$/m);
    expect(log).toMatch(/^harness: batch batch_1 of openai:gpt-4o-mini still running; \d+m \d+s elapsed$/m);
    const comment = couldNotRun("the run wrote no report (exit 3)", log, {});
    expect(comment).toContain("harness: warning: judge openai:gpt-4o-mini is not priced");
    expect(comment).toContain("harness: openai:gpt-4o-mini answered 429 (rate limit); waiting 30 s, -j cut to 2 of 4");
    expect(comment).toContain("Batch batch_1: sent 40 request(s) to openai:gpt-4o-mini;");
    expect(comment).toContain("harness: internal error: the report could not be written\n```");
    expect(comment).not.toContain("elapsed");
  });

  it("keeps the first 10 and the last 30 lines of a long one, and says how many it left out", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `evals/a.yaml:${i + 1}:3  cases[${i}]  problem ${i + 1}`);
    const comment = couldNotRun("bad configuration (exit 2)", lines.join("\n"), {});
    const quoted = comment.slice(comment.indexOf("```text\n") + 8, comment.lastIndexOf("\n```"));
    expect(quoted.split("\n")).toEqual([...lines.slice(0, 10), "… 60 more lines in the job log", ...lines.slice(70)]);
    // 40 lines or fewer: all of them.
    expect(couldNotRun("bad configuration (exit 2)", lines.slice(0, 40).join("\n"), {})).toContain(`${lines.slice(0, 40).join("\n")}\n\`\`\``);
  });

  it("keeps the last lines whole within its size: long lines are shortened, and what gives way is the front", async () => {
    // 40 lines of 400 characters: cut at 6,000 from the front, the quote lost the line that said why the run ended.
    const lines = Array.from({ length: 39 }, (_, i) => `harness: line ${i} ${"x".repeat(400)}`);
    const last = "harness: the report could not be written: ENOSPC";
    const comment = couldNotRun("the run wrote no report (exit 3)", [...lines, `${"y".repeat(2000)}`, last].join("\n"), {});
    const quoted = comment.slice(comment.indexOf("```text\n") + 8, comment.lastIndexOf("\n```"));
    expect(quoted.endsWith(`\n${"y".repeat(500)}…\n${last}`)).toBe(true);
    expect(quoted.length).toBeLessThanOrEqual(6000);
    expect(quoted).toMatch(/^… \d+ more lines in the job log\n/);
  });

  it("masks a secret's value and turns backticks, which could close the block, into quotes", () => {
    const comment = couldNotRun("the run wrote no report (exit 3)", "harness: the server said `sk-live-abcdef123456` is not a key", { OPENAI_API_KEY: "sk-live-abcdef123456" });
    expect(comment).not.toContain("sk-live-abcdef123456");
    expect(comment).toContain("the server said '");
  });
});
