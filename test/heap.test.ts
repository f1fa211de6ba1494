/**
 * The executable tunes V8's heap for big runs only: the policy, and that eval and compare
 * tell it the run's size before the first call.
 */
import { describe, expect, it } from "vitest";
import { heapFlagFor, LEAN_HEAP_TRIALS } from "../src/cli/heap.js";
import { runCli } from "../src/cli/index.js";
import type { CliIo } from "../src/cli/io.js";
import { cleanEnv, copyExamples } from "./cli-run.js";

describe("heapFlagFor", () => {
  it("asks for a heap that at most doubles from LEAN_HEAP_TRIALS trials on, and not below", () => {
    expect(LEAN_HEAP_TRIALS).toBe(20_000);
    expect(heapFlagFor(19_999, [], undefined)).toBeUndefined();
    expect(heapFlagFor(20_000, [], undefined)).toBe("--heap-growing-percent=100");
    expect(heapFlagFor(100_000, ["--enable-source-maps"], "--max-old-space-size=4096")).toBe("--heap-growing-percent=100");
  });

  it("leaves a growth factor the user gave Node alone, as a flag or in NODE_OPTIONS, with - or _", () => {
    expect(heapFlagFor(100_000, ["--heap-growing-percent=80"], undefined)).toBeUndefined();
    expect(heapFlagFor(100_000, [], "--inspect --heap_growing_percent=80")).toBeUndefined();
  });
});

describe("the run's size, told to the executable", () => {
  /** Runs the CLI in-process over a copy of the examples, and returns the sizes it reported. */
  async function sizesOf(args: string[]): Promise<{ code: number; sizes: number[] }> {
    const cwd = await copyExamples();
    const sizes: number[] = [];
    const sink = { write: () => true };
    const io: CliIo = { stdout: sink, stderr: sink, env: cleanEnv(), cwd, sizeRun: (n) => sizes.push(n) };
    return { code: await runCli(args, io), sizes };
  }

  it("eval: every case times its trials, once, before the run (9 cases x 5 trials in the examples; x 3 with -k 3)", async () => {
    expect(await sizesOf(["eval", "-q", "--offline"])).toEqual({ code: 0, sizes: [45] });
    expect((await sizesOf(["eval", "-q", "--offline", "-k", "3"])).sizes).toEqual([27]);
  });

  it("compare: the trials of every provider's side together", async () => {
    const { code, sizes } = await sizesOf(["compare", "-p", "openai:gpt-4o-mini", "-p", "anthropic:claude-haiku-4-5", "--offline", "-q"]);
    expect(code).toBe(0);
    expect(sizes).toEqual([90]);
  });
});
