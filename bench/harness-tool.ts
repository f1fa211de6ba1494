/** This project's built CLI (bin/harness.js → dist/cli-bundle/) as a bench tool. */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ANSWER_START, childEnv, countSlots, type EvalMode, type SuiteSpec, type Tally, type Tool } from "./tool.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

interface Report {
  suites: { totals: { trials: number; passed: number; failed: number; errored: number; pending: number }; cases: { id: string; trials: { index: number; output: string | null; passed: boolean | null }[] }[] }[];
}

function suiteYaml(suite: SuiteSpec): string {
  const lines = [
    "name: bench",
    "provider:",
    "  id: openai:gpt-4o-mini",
    "  config:",
    `    baseURL: ${suite.baseURL}`,
    'prompt: "Answer question {{n}}"',
    `trials: ${suite.trials}`,
    "graders:",
    "  - type: contains",
    "    value: ok",
    "cases:",
  ];
  for (let i = 1; i <= suite.cases; i++) lines.push(`  - id: case-${i}`, `    vars: { n: ${i} }`);
  return `${lines.join("\n")}\n`;
}

export const harnessTool: Tool = {
  name: "harness",
  script: path.join(ROOT, "bin", "harness.js"),
  versionArgs: ["--version"],
  async writeProject(dir, suite) {
    await mkdir(path.join(dir, "evals"), { recursive: true });
    await writeFile(path.join(dir, "evals", "bench.yaml"), suiteYaml(suite));
  },
  evalArgs(suite, mode: EvalMode) {
    // Default fixture mode replays what a --record run kept and calls the server for the rest.
    const fixtures = mode === "record" ? ["--record"] : [];
    return ["eval", "evals", "-j", String(suite.concurrency), "-k", String(suite.trials), "--fixtures", "fixtures", ...fixtures, "-q", "-o", "report.json"];
  },
  env: () => childEnv({}),
  async readTally(dir, suite): Promise<Tally> {
    const report = JSON.parse(await readFile(path.join(dir, "report.json"), "utf8")) as Report;
    const totals = { passed: 0, failed: 0, errored: 0 };
    const slots: [number, number][] = [];
    for (const s of report.suites) {
      totals.passed += s.totals.passed;
      totals.failed += s.totals.failed;
      totals.errored += s.totals.errored + s.totals.pending;
      for (const c of s.cases) {
        for (const t of c.trials) {
          if (!t) continue;
          slots.push([Number(c.id.slice("case-".length)), t.index]);
          // Long outputs reach the report from the run journal: one that did not come back whole is a failure.
          if (t.passed === true && !t.output?.startsWith(ANSWER_START)) {
            totals.passed--;
            totals.failed++;
          }
        }
      }
    }
    return { expected: suite.cases * suite.trials, ...totals, ...countSlots(suite, slots) };
  },
};
