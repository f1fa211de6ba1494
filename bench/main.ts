/**
 * `npm run bench`: the scenarios of issue 6 through the built CLI, each as a whole
 * process against the fake server, and promptfoo beside it when one is given.
 * A benchmark, not a test: a slow machine shows as "missed", never as a failure;
 * only a bench that broke (or a harness run that crashed) exits non-zero.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { harnessTool, ROOT } from "./harness-tool.js";
import { measure, type Row } from "./measure.js";
import { createPromptfooTool } from "./promptfoo-tool.js";
import { scenarios, type Scenario } from "./scenarios.js";
import { createFloorTools } from "./sdk-floor-tool.js";
import { checkRow, renderMarkdown, renderText, type Check } from "./table.js";
import type { Tool } from "./tool.js";

const USAGE = `npm run bench -- [--quick] [--only 1,3] [--promptfoo <bin>] [--sdk-floor] [--runs n] [--out <file>] [--timeout-min <m>] [--keep] [--cpu-prof <dir>]
  --quick        small sizes, for a smoke run: only the targets that hold at any size are judged
  --sdk-floor    also measure the openai client alone (bundled as the CLI is), and node:http
                 alone, making the same calls (load scenarios): what harness costs beyond
                 the SDK it must use, and what the SDK costs
  --runs         run each load scenario this many times and keep the run of median wall time
                 (default 1); the row lists every run's wall time
  --only         run only these scenarios
  --promptfoo    promptfoo's CLI to measure beside harness (default: $PROMPTFOO_BIN; "none" to skip)
  --out          results JSON (default .harness/bench.json; Markdown table beside it)
  --timeout-min  per process; a run that takes longer is killed and marked (default 30)
  --keep         keep the temp projects, for a look at what ran
  --cpu-prof     write a V8 CPU profile of every measured process to <dir>/<tool>-<scenario>/
                 (the figures then include the profiler's cost); summarise with
                 npx tsx bench/profile-summary.ts <dir>/harness-3`;

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadBefore: os.loadavg(),
  };
}

function ensureBuilt(): void {
  if (existsSync(path.join(ROOT, "dist", "cli-bundle", "index.js"))) return;
  process.stderr.write("bench: no dist/, running npm run build first\n");
  const r = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm run build failed");
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      promptfoo: { type: "string" },
      out: { type: "string", default: path.join(ROOT, ".harness", "bench.json") },
      "timeout-min": { type: "string", default: "30" },
      keep: { type: "boolean", default: false },
      "cpu-prof": { type: "string" },
      "sdk-floor": { type: "boolean", default: false },
      runs: { type: "string", default: "1" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  ensureBuilt();
  const only = values.only?.split(",").map((s) => s.trim());
  const selected = scenarios({ quick: values.quick }).filter((s) => !only || only.includes(s.id));
  const pfBin = values.promptfoo ?? process.env.PROMPTFOO_BIN;
  const tools: Tool[] = [harnessTool];
  if (pfBin && pfBin !== "none") tools.push(await createPromptfooTool(pfBin));
  if (values["sdk-floor"]) tools.push(...(await createFloorTools()));
  const options = { timeoutMs: Number(values["timeout-min"]) * 60_000, keep: values.keep };
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs expects a whole number >= 1, got "${values.runs}"`);

  const info = machine();
  process.stdout.write(`machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGb} GB, ${info.os}, Node ${info.node}; load ${info.loadBefore.map((l) => l.toFixed(2)).join(" ")}\n`);
  process.stdout.write(`tools: ${tools.map((t) => t.name).join(", ")}${tools.length === 1 ? " (no promptfoo: pass --promptfoo or PROMPTFOO_BIN to measure it beside)" : ""}${values.quick ? "; quick sizes" : ""}\n`);

  const results: { row: Row; checks: Check[] }[] = [];
  for (const s of selected) {
    // Both tools in turn, per scenario, so a change in the machine's load hits both alike.
    for (const tool of tools) {
      if (tool.measures && !tool.measures(s)) continue;
      process.stderr.write(`bench: scenario ${s.id} (${s.title}) with ${tool.name}…\n`);
      const profileDir = values["cpu-prof"] && path.resolve(values["cpu-prof"], `${tool.name}-${s.id}`);
      const nodeArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
      for (const row of await measureRuns(tool, s, { ...options, nodeArgs }, runs)) results.push({ row, checks: checkRow(row, s, { quick: values.quick }) });
    }
  }
  const loadAfter = os.loadavg();
  process.stdout.write(`\n${renderText(results)}\n\nload after: ${loadAfter.map((l) => l.toFixed(2)).join(" ")}\n`);

  await mkdir(path.dirname(values.out), { recursive: true });
  const report = { schemaVersion: 1, date: new Date().toISOString(), quick: values.quick, machine: { ...info, loadAfter }, scenarios: selected, rows: results.map((r) => ({ ...r.row, checks: r.checks })) };
  await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
  const mdFile = values.out.replace(/\.json$/, "") + ".md";
  await writeFile(mdFile, `${renderMarkdown(results)}\n`);
  process.stdout.write(`written: ${path.relative(process.cwd(), values.out)} and its Markdown table, ${path.relative(process.cwd(), mdFile)}\n`);
  const broken = results.filter((r) => r.row.tool === harnessTool.name && r.row.error && r.row.error !== "timed out");
  for (const b of broken) process.stderr.write(`bench: harness broke in scenario ${b.row.scenario}: ${b.row.error}\n`);
  return broken.length > 0 ? 1 : 0;
}

/**
 * A load scenario `runs` times, kept as the run of median wall time (its CPU and RSS match
 * its wall), with every run's wall time and CPU beside it: one run on a shared machine varies by 10%.
 */
async function measureRuns(tool: Tool, s: Scenario, o: Parameters<typeof measure>[2], runs: number): Promise<Row[]> {
  if (runs === 1 || s.kind !== "load") return measure(tool, s, o);
  const all: Row[] = [];
  for (let i = 0; i < runs; i++) all.push(...(await measure(tool, s, o)));
  const broken = all.find((r) => r.error);
  if (broken) return [broken];
  const sorted = [...all].sort((a, b) => (a.wallMs ?? Infinity) - (b.wallMs ?? Infinity));
  // The lower median when the count is even.
  const mid = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return [{ ...mid, label: `${mid.label} (median of ${runs})`, wallRunsMs: all.map((r) => r.wallMs ?? Number.NaN), cpuRunsMs: all.map((r) => r.cpuPerTrialMs ?? Number.NaN) }];
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n${USAGE}\n`);
    process.exitCode = 2;
  },
);
