/**
 * Reference rows in the load scenarios without 429s (they have no retries, and no eval to time
 * at start-up or replay): the openai client alone (bench/sdk-floor.mjs), and node:http alone
 * (bench/http-floor.mjs), making the same calls at the same concurrency and nothing else.
 *
 * The SDK row is bundled with esbuild as the CLI is (scripts/build-cli.mjs, with the options
 * it shares with scripts/build-action.mjs): harness loads the SDK from one bundled chunk in
 * about a third of the time Node takes to load it from its hundreds of files in node_modules,
 * and the floor must not be slower for that alone.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { options } from "../scripts/build-action.mjs";
import { ROOT } from "./harness-tool.js";
import { childEnv, countSlots, type SuiteSpec, type Tally, type Tool } from "./tool.js";

async function readSlots(dir: string, suite: SuiteSpec): Promise<Tally> {
  const { slots } = JSON.parse(await readFile(path.join(dir, "tally.json"), "utf8")) as { slots: [number, number][] };
  return { expected: suite.cases * suite.trials, passed: slots.length, failed: 0, errored: suite.cases * suite.trials - slots.length, ...countSlots(suite, slots) };
}

function floorTool(name: string, script: string): Tool {
  return {
    name,
    script,
    versionArgs: [],
    measures: (s) => s.kind === "load" && s.rateLimitedShare === 0,
    async writeProject(dir, suite) {
      await writeFile(path.join(dir, "suite.json"), JSON.stringify(suite));
    },
    evalArgs: () => ["suite.json"],
    env: () => childEnv({}),
    readTally: readSlots,
  };
}

/** Both floors; the SDK's is bundled first into .harness/bench-floor/. */
export async function createFloorTools(): Promise<Tool[]> {
  // The CLI's own build options (their zod plugin finds no zod here).
  const outfile = path.join(ROOT, ".harness", "bench-floor", "sdk-floor.mjs");
  await mkdir(path.dirname(outfile), { recursive: true });
  await build({ ...options, entryPoints: [path.join(ROOT, "bench", "sdk-floor.mjs")], outfile });
  return [floorTool("openai SDK alone", outfile), floorTool("node:http alone", path.join(ROOT, "bench", "http-floor.mjs"))];
}
