/**
 * The openai client alone (bench/sdk-floor.mjs) as a bench tool: a reference row in the load
 * scenarios without 429s (it has no retries, and no eval to time at start-up or replay).
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ROOT } from "./harness-tool.js";
import { childEnv, countSlots, type Tally, type Tool } from "./tool.js";

export const sdkFloorTool: Tool = {
  name: "openai SDK alone",
  script: path.join(ROOT, "bench", "sdk-floor.mjs"),
  versionArgs: [],
  measures: (s) => s.kind === "load" && s.rateLimitedShare === 0,
  async writeProject(dir, suite) {
    await writeFile(path.join(dir, "suite.json"), JSON.stringify(suite));
  },
  evalArgs: () => ["suite.json"],
  env: () => childEnv({}),
  async readTally(dir, suite): Promise<Tally> {
    const { slots } = JSON.parse(await readFile(path.join(dir, "tally.json"), "utf8")) as { slots: [number, number][] };
    return { expected: suite.cases * suite.trials, passed: slots.length, failed: 0, errored: suite.cases * suite.trials - slots.length, ...countSlots(suite, slots) };
  },
};
