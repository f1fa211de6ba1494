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
import { stillSecret } from "../core/secrets.js";
import type { RunResult } from "../core/types.js";
import { ExitCode } from "../errors.js";
import { renderMarkdown } from "../reporters/markdown.js";
import { commentTarget, upsertComment } from "./comment.js";

type FailOn = "regression" | "threshold" | "none";

/** GitHub drops a job summary over 1 MiB, and refuses a comment over 65,536 characters: room is left for the marker and headers. */
const SUMMARY_MAX_BYTES = 1_000_000;
const COMMENT_MAX_BYTES = 60_000;
/** GitHub shows 10 error annotations a step: the step's own failure message must be one of them. */
const CASE_ANNOTATIONS = 9;

/** The inputs, read and checked before anything runs: a bad one must not cost a whole eval first. */
interface Inputs {
  args: string[];
  failOn: FailOn;
  comment: boolean;
}

class InputError extends Error {}

function booleanInput(name: string): boolean {
  const v = core.getInput(name).trim();
  if (/^(true|True|TRUE)$/.test(v)) return true;
  if (v === "" || /^(false|False|FALSE)$/.test(v)) return false;
  throw new InputError(`input ${name} must be true or false; got "${v}"`);
}

/** Inputs → `harness eval` arguments and the action's own settings. */
export function readInputs(reportPath: string): Inputs {
  const args = ["eval", ...core.getMultilineInput("suites"), "-o", reportPath, "--no-color", "-q"];
  const flag = (name: string, input: string) => {
    const v = core.getInput(input);
    if (v) args.push(name, v);
  };
  flag("-p", "provider");
  flag("-k", "trials");
  flag("--baseline", "baseline");
  flag("--pending", "pending");
  if (booleanInput("update-baseline")) args.push("--update-baseline");
  if (booleanInput("offline")) args.push("--offline");
  const failOn = (core.getInput("fail-on") || "regression") as FailOn;
  if (!["regression", "threshold", "none"].includes(failOn)) throw new InputError(`input fail-on must be regression, threshold or none; got "${failOn}"`);
  return { args, failOn, comment: booleanInput("comment") };
}

/**
 * The runner's own credentials out of the process, once the inputs are read: the action's
 * inputs (INPUT_GITHUB-TOKEN among them) and the runner's ACTIONS_* tokens are the action's,
 * not for exec: apps, which get this environment, nor javascript graders, which run in this
 * very process, to see or print into a report.
 */
function forgetRunnerSecrets(env: NodeJS.ProcessEnv): void {
  const names = Object.keys(env).filter((name) => /^(INPUT_|ACTIONS_)/i.test(name));
  // A child can still read the process's first environment in /proc: their values stay masked.
  stillSecret(names.filter((name) => /TOKEN|SECRET|KEY/i.test(name)).map((name) => env[name]));
  for (const name of names) delete env[name];
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
  try {
    await gate();
  } catch (e) {
    // The action's own fault, or the runner's: said in one line, as the step's failure.
    core.setFailed(e instanceof InputError ? e.message : `harness action: ${(e as Error)?.message ?? String(e)}`);
  }
}

async function gate(): Promise<void> {
  const cwd = path.resolve(process.env.GITHUB_WORKSPACE ?? process.cwd(), core.getInput("working-directory") || ".");
  const reportPath = path.resolve(cwd, core.getInput("report") || "harness-report.json");
  const { args, failOn, comment } = readInputs(reportPath);
  const token = core.getInput("github-token");
  forgetRunnerSecrets(process.env);
  const started = Date.now();
  let out = "";
  let err = "";
  const code = await runCli(args, {
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
  let result: RunResult | undefined;
  try {
    result = JSON.parse(await readFile(reportPath, "utf8")) as RunResult;
  } catch {
    result = undefined;
  }
  // A report left from an earlier run in the same workspace says nothing of this one.
  if (!result || !(Date.parse(result.startedAt) >= started - 1000)) {
    core.setFailed(`harness: the run wrote no report (exit ${code})\n${err}`);
    return;
  }
  const status = result.gate.judged ? result.gate.status : "not-judged";
  core.setOutput("status", status);
  core.setOutput("pass-at-k", overall(result, "passAtK"));
  core.setOutput("pass-hat-k", overall(result, "passHatK"));
  core.setOutput("regressions", String(result.gate.regressions.length));
  core.setOutput("report", reportPath);
  const reportName = path.relative(process.env.GITHUB_WORKSPACE ?? cwd, reportPath);
  await core.summary.addRaw(renderMarkdown(result, { maxBytes: SUMMARY_MAX_BYTES, fullAt: `the JSON report, ${reportName}` })).write();
  if (comment) {
    const target = await commentTarget(process.env, token);
    if (!target) core.info("comment: not a pull request run (or no token): no comment posted");
    else {
      try {
        core.info(`comment: ${await upsertComment(target, renderMarkdown(result, { maxBytes: COMMENT_MAX_BYTES, fullAt: "the job summary" }))} on #${target.pr}`);
      } catch (e) {
        // A comment is a courtesy; the gate's verdict stands without it.
        core.warning(`could not post the pull-request comment: ${(e as Error).message}`);
      }
    }
  }
  const regressions = result.gate.regressions;
  for (const r of regressions.slice(0, CASE_ANNOTATIONS)) {
    const suite = result.suites.find((s) => s.name === r.suite);
    const c = r.kind === "case" ? suite?.cases.find((x) => x.id === r.caseId) : undefined;
    const file = suite ? path.relative(process.env.GITHUB_WORKSPACE ?? cwd, path.resolve(cwd, suite.file)) : undefined;
    core.error(r.message, { title: r.kind === "case" ? `Regression: ${r.suite}/${r.caseId}` : `Gate: ${r.suite} (${r.kind})`, ...(file ? { file } : {}), ...(c ? { startLine: c.line } : {}) });
  }
  const annotated = regressions.length > CASE_ANNOTATIONS ? ` (the first ${CASE_ANNOTATIONS} annotated at their lines)` : "";
  // A run that could not be judged fails whatever fail-on says: it proved nothing.
  if (code === ExitCode.runError || code === ExitCode.sigint || code === ExitCode.sigterm) {
    core.setFailed(`harness: the run could not be judged (${result.gate.notJudgedReason ?? `exit ${code}`})`);
  } else if (failOn === "regression" && code === ExitCode.gateFailed) {
    core.setFailed(`harness: ${regressions.length} regression${regressions.length === 1 ? "" : "s"}${annotated}; see the job summary`);
  } else if (failOn === "threshold" && regressions.some((r) => r.kind === "threshold")) {
    core.setFailed(`harness: a suite threshold was not met${annotated}; see the job summary`);
  }
}
