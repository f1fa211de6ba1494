/**
 * The GitHub Action: harness eval as a pull-request gate. It runs the same CLI the README
 * documents (one mapping of inputs to flags, below), then reads the JSON report to set
 * outputs, write the job summary and annotate regressions. API keys come from the
 * workflow's env, never from inputs, so they are never echoed.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import * as core from "@actions/core";
import { runCli } from "../cli/index.js";
import type { RunResult } from "../core/types.js";
import { ExitCode } from "../errors.js";
import { renderMarkdown } from "../reporters/markdown.js";
import { commentTarget, upsertComment } from "./comment.js";

type FailOn = "regression" | "threshold" | "none";

/** Inputs → `harness eval` arguments. */
export function evalArgs(reportPath: string): string[] {
  const args = ["eval", ...core.getMultilineInput("suites"), "-o", reportPath, "--no-color", "-q"];
  const flag = (name: string, input: string) => {
    const v = core.getInput(input);
    if (v) args.push(name, v);
  };
  flag("-p", "provider");
  flag("-k", "trials");
  flag("--baseline", "baseline");
  flag("--pending", "pending");
  if (core.getBooleanInput("update-baseline")) args.push("--update-baseline");
  if (core.getBooleanInput("offline")) args.push("--offline");
  return args;
}

/** Mean over all counted cases of all suites: the headline figure for an output. */
function overall(result: RunResult, key: "passAtK" | "passHatK"): string {
  let sum = 0;
  let n = 0;
  for (const s of result.suites) {
    for (const c of s.cases) {
      if (Number.isFinite(c[key])) {
        sum += c[key];
        n++;
      }
    }
  }
  return n === 0 ? "" : (sum / n).toFixed(4);
}

export async function run(): Promise<void> {
  const cwd = path.resolve(process.env.GITHUB_WORKSPACE ?? process.cwd(), core.getInput("working-directory") || ".");
  const reportPath = path.resolve(cwd, core.getInput("report") || "harness-report.json");
  const failOn = (core.getInput("fail-on") || "regression") as FailOn;
  if (!["regression", "threshold", "none"].includes(failOn)) {
    core.setFailed(`fail-on must be regression, threshold or none; got "${failOn}"`);
    return;
  }
  let out = "";
  let err = "";
  const code = await runCli(evalArgs(reportPath), {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: process.env,
    cwd,
  });
  if (out) core.info(out);
  if (err) core.info(err);
  if (code === ExitCode.usage) {
    core.setFailed(`harness: bad configuration (exit 2)\n${err}`);
    return;
  }
  let result: RunResult;
  try {
    result = JSON.parse(await readFile(reportPath, "utf8")) as RunResult;
  } catch {
    core.setFailed(`harness: the run wrote no report (exit ${code})\n${err}`);
    return;
  }
  const status = result.gate.judged ? result.gate.status : "not-judged";
  core.setOutput("status", status);
  core.setOutput("pass-at-k", overall(result, "passAtK"));
  core.setOutput("pass-hat-k", overall(result, "passHatK"));
  core.setOutput("regressions", String(result.gate.regressions.length));
  core.setOutput("report", reportPath);
  const markdown = renderMarkdown(result);
  await core.summary.addRaw(markdown).write();
  if (core.getBooleanInput("comment")) {
    const target = await commentTarget(process.env, core.getInput("github-token"));
    if (!target) core.info("comment: not a pull request run (or no token): no comment posted");
    else {
      try {
        core.info(`comment: ${await upsertComment(target, markdown)} on #${target.pr}`);
      } catch (e) {
        // A comment is a courtesy; the gate's verdict stands without it.
        core.warning(`could not post the pull-request comment: ${(e as Error).message}`);
      }
    }
  }
  for (const r of result.gate.regressions) {
    const suite = result.suites.find((s) => s.name === r.suite);
    const c = r.kind === "case" ? suite?.cases.find((x) => x.id === r.caseId) : undefined;
    const file = suite ? path.relative(process.env.GITHUB_WORKSPACE ?? cwd, path.resolve(cwd, suite.file)) : undefined;
    core.error(r.message, { title: r.kind === "case" ? `Regression: ${r.suite}/${r.caseId}` : `Gate: ${r.suite} (${r.kind})`, ...(file ? { file } : {}), ...(c ? { startLine: c.line } : {}) });
  }
  // A run that could not be judged fails whatever fail-on says: it proved nothing.
  if (code === ExitCode.runError || code === ExitCode.sigint || code === ExitCode.sigterm) {
    core.setFailed(`harness: the run could not be judged (${result.gate.notJudgedReason ?? `exit ${code}`})`);
  } else if (failOn === "regression" && code === ExitCode.gateFailed) {
    core.setFailed(`harness: ${result.gate.regressions.length} regression${result.gate.regressions.length === 1 ? "" : "s"}; see the job summary`);
  } else if (failOn === "threshold" && result.gate.regressions.some((r) => r.kind === "threshold")) {
    core.setFailed("harness: a suite threshold was not met; see the job summary");
  }
}
