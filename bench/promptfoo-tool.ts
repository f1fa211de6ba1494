/**
 * promptfoo, the best-known TypeScript alternative, as a bench tool: the same
 * suite as a promptfooconfig.yaml (openai provider at the fake server, contains
 * assertion, --repeat for trials, -j for concurrency). Never a dependency of
 * this project: it runs from wherever --promptfoo or PROMPTFOO_BIN points.
 */
import { createReadStream } from "node:fs";
import { mkdir, realpath, writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { childEnv, countSlots, type EvalMode, type SuiteSpec, type Tally, type Tool } from "./tool.js";

/** One line of promptfoo's JSONL output (the fields the bench reads). */
interface ResultLine {
  testIdx: number;
  success: boolean;
  /** 1 assertion failed, 2 error (promptfoo's ResultFailureReason). */
  failureReason?: number;
  error?: string;
  vars?: { n?: number };
}

function configYaml(suite: SuiteSpec): string {
  const lines = [
    "prompts:",
    '  - "Answer question {{n}}"',
    "providers:",
    "  - id: openai:chat:gpt-4o-mini",
    "    config:",
    `      apiBaseUrl: ${suite.baseURL}`,
    "defaultTest:",
    "  assert:",
    "    - type: contains",
    "      value: ok",
    "tests:",
  ];
  for (let i = 1; i <= suite.cases; i++) lines.push(`  - vars: { n: ${i} }`);
  return `${lines.join("\n")}\n`;
}

async function readLines(file: string, onLine: (line: ResultLine) => void): Promise<void> {
  // JSONL, read line by line: a 100,000-trial run writes hundreds of MB.
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const text of rl) if (text.trim()) onLine(JSON.parse(text) as ResultLine);
}

/** A promptfoo tool for the CLI entry `bin` (the installed `promptfoo` bin or its entrypoint.js). */
export async function createPromptfooTool(bin: string): Promise<Tool> {
  const script = await realpath(bin);
  return {
    name: "promptfoo",
    script,
    versionArgs: ["--version"],
    async writeProject(dir, suite) {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, "promptfooconfig.yaml"), configYaml(suite));
    },
    evalArgs(suite, mode: EvalMode) {
      // First runs must reach the server; the replay run is served from promptfoo's own cache.
      const cache = mode === "fresh" ? ["--no-cache"] : [];
      // --no-write skips promptfoo's SQLite history, which harness has no counterpart for: this favours promptfoo.
      return ["eval", "-c", "promptfooconfig.yaml", "--repeat", String(suite.trials), "-j", String(suite.concurrency), ...cache, "--no-write", "--no-table", "--no-progress-bar", "-o", "out.jsonl"];
    },
    env: (dir) =>
      childEnv({
        PROMPTFOO_CONFIG_DIR: path.join(dir, ".promptfoo"),
        PROMPTFOO_CACHE_PATH: path.join(dir, ".promptfoo", "cache"),
        PROMPTFOO_DISABLE_TELEMETRY: "1",
        PROMPTFOO_DISABLE_UPDATE: "1",
      }),
    async readTally(dir, suite): Promise<Tally> {
      const tally = { passed: 0, failed: 0, errored: 0 };
      const byCase = new Map<number, number[]>();
      await readLines(path.join(dir, "out.jsonl"), (r) => {
        if (r.success) tally.passed++;
        else if (r.failureReason === 2 || r.error) tally.errored++;
        else tally.failed++;
        const n = Number(r.vars?.n);
        const idxs = byCase.get(n);
        if (idxs) idxs.push(r.testIdx);
        else byCase.set(n, [r.testIdx]);
      });
      // promptfoo numbers every repeat as a test of its own: a case's trial index is the rank of its testIdx.
      const slots: [number, number][] = [];
      for (const [n, idxs] of byCase) {
        const rank = new Map([...new Set(idxs)].sort((a, b) => a - b).map((idx, i) => [idx, i]));
        for (const idx of idxs) slots.push([n, rank.get(idx)!]);
      }
      return { expected: suite.cases * suite.trials, ...tally, ...countSlots(suite, slots) };
    },
  };
}
