/**
 * The GitHub Action: harness eval as a pull-request gate. It runs the same CLI the README
 * documents (one mapping of inputs to flags, below), then reads the JSON report to set
 * outputs, write the job summary and annotate regressions. API keys come from the
 * workflow's env, never from inputs, so they are never echoed.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import * as core from "@actions/core";
import { runCli } from "../cli/index.js";
import { redactorFor, stillSecret } from "../core/secrets.js";
import type { RunResult } from "../core/types.js";
import { ExitCode } from "../errors.js";
import { renderMarkdown } from "../reporters/markdown.js";
import { commentTarget, upsertComment } from "./comment.js";
import { couldNotRun } from "./no-verdict.js";

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
  updateBaseline: boolean;
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
  // Not -q: the log shows the run's progress (a plain line now and then) and its waits on rate limits.
  // A line of only spaces comes back as "": harness refuses an empty path, which the input left no way to see.
  const args = ["eval", ...core.getMultilineInput("suites").filter((s) => s !== ""), "-o", reportPath, "--no-color"];
  const flag = (name: string, input: string) => {
    const v = core.getInput(input);
    if (v) args.push(name, v);
  };
  flag("-p", "provider");
  flag("-k", "trials");
  flag("--baseline", "baseline");
  flag("--pending", "pending");
  const updateBaseline = booleanInput("update-baseline");
  if (updateBaseline) args.push("--update-baseline");
  if (booleanInput("require-baseline")) args.push("--require-baseline");
  if (booleanInput("offline")) args.push("--offline");
  const failOn = (core.getInput("fail-on") || "regression") as FailOn;
  if (!["regression", "threshold", "none"].includes(failOn)) throw new InputError(`input fail-on must be regression, threshold or none; got "${failOn}"`);
  return { args, failOn, comment: booleanInput("comment"), updateBaseline };
}

/**
 * Text as a Markdown code span on one line: escapes mean nothing inside one (a job named
 * eval_gate showed as eval\_gate), so nothing is escaped; what could end the span, the line
 * or the <sub> around it is replaced instead.
 */
function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/[<>]/g, "").replace(/\s+/g, " ").slice(0, 200)}\``;
}

/**
 * Which job's report a comment is, read before the inputs leave the environment: one comment
 * per workflow job and what it evaluates (its folder, suites and provider), so two jobs on
 * one pull request (a matrix over providers, a monorepo's folders) never overwrite each
 * other's verdict. The label says the same to a person reading the comment.
 */
export function commentIdentity(env: NodeJS.ProcessEnv): { key: string; label: string } {
  const job = [env.GITHUB_WORKFLOW ?? "", env.GITHUB_JOB ?? ""];
  const folder = (core.getInput("working-directory") || ".").trim();
  const suites = core.getMultilineInput("suites");
  const provider = core.getInput("provider").trim();
  const key = createHash("sha256").update(JSON.stringify([...job, folder, suites, provider])).digest("hex").slice(0, 12);
  const parts = [codeSpan(job.filter(Boolean).join(" / ") || "harness eval")];
  if (folder !== "." && folder !== "") parts.push(`in ${codeSpan(folder)}`);
  if (suites.length > 0) parts.push(`suites ${codeSpan(suites.join(", "))}`);
  if (provider) parts.push(`on ${codeSpan(provider)}`);
  return { key, label: `<sub>harness eval: ${parts.join(" ")}</sub>` };
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
  const token = core.getInput("github-token");
  const identity = commentIdentity(process.env);
  let inputs: Inputs;
  try {
    inputs = readInputs(reportPath);
  } catch (e) {
    // A bad input fails the step before any run: the pull request must not go on showing the last verdict.
    if (e instanceof InputError && commentWanted()) await postComment(token, identity, couldNotRun(`bad input: ${e.message}`, "", process.env));
    core.setOutput("status", "error");
    throw e;
  }
  const { args, failOn, comment, updateBaseline } = inputs;
  forgetRunnerSecrets(process.env);
  const publish = async (markdown: string) => {
    if (comment) await postComment(token, identity, markdown);
  };
  const started = Date.now();
  // Into the log as each line comes: held to the end, a run of minutes showed nothing until it was
  // over, and looked hung. What was said on stderr is kept too, for a comment when there is no verdict.
  let err = "";
  const out = logLines();
  const said = logLines();
  const code = await runCli(args, {
    stdout: { write: out.write },
    stderr: { write: (s: string) => ((err += s), said.write(s)) },
    env: process.env,
    cwd,
    signal: cancelledJob(),
  }).finally(() => {
    out.end();
    said.end();
  });
  if (code === ExitCode.usage) {
    // The pull request must not go on showing the last run's "Gate passed"; nor the job's page an empty summary.
    const noVerdict = couldNotRun("bad configuration (exit 2)", err, process.env);
    await core.summary.addRaw(noVerdict).write();
    await publish(noVerdict);
    annotateProblems(err, cwd);
    core.setOutput("status", "error");
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
    await publish(couldNotRun(`the run wrote no report (exit ${code})`, err, process.env));
    core.setOutput("status", "error");
    core.setFailed(`harness: the run wrote no report (exit ${code})\n${err}`);
    return;
  }
  // What fails the job: with update-baseline the gate has set the changes it accepts apart
  // (gate.accepted), and only the absolute floors (and --pending fail) are left. A run not judged
  // fails as such: what it found is no regression to annotate (its trials may have been cancelled).
  const enforced = result.gate.judged ? result.gate.regressions : [];
  const status = !result.gate.judged ? "not-judged" : enforced.length > 0 ? "fail" : "pass";
  core.setOutput("status", status);
  core.setOutput("pass-at-k", overall(result, "passAtK"));
  core.setOutput("pass-hat-k", overall(result, "passHatK"));
  core.setOutput("regressions", String(enforced.length));
  core.setOutput("report", reportPath);
  const reportName = path.relative(process.env.GITHUB_WORKSPACE ?? cwd, reportPath);
  await core.summary.addRaw(renderMarkdown(result, { maxBytes: SUMMARY_MAX_BYTES, fullAt: `the JSON report, ${reportName}` })).write();
  await publish(renderMarkdown(result, { maxBytes: COMMENT_MAX_BYTES, fullAt: "the job summary" }));
  const regressions = enforced;
  for (const r of regressions.slice(0, CASE_ANNOTATIONS)) {
    const suite = result.suites.find((s) => s.name === r.suite);
    const c = r.kind === "case" ? suite?.cases.find((x) => x.id === r.caseId) : undefined;
    const file = suite ? path.relative(process.env.GITHUB_WORKSPACE ?? cwd, path.resolve(cwd, suite.file)) : undefined;
    core.error(r.message, { title: r.kind === "case" ? `Regression: ${r.suite}/${r.caseId}` : `Gate: ${r.suite} (${r.kind})`, ...(file ? { file } : {}), ...(c ? { startLine: c.line } : {}) });
  }
  if (updateBaseline && code === ExitCode.ok) {
    // A newcomer reads "Accepted as the new baseline" as saved: on a runner it is not, yet.
    const written = path.relative(process.env.GITHUB_WORKSPACE ?? cwd, path.resolve(cwd, core.getInput("baseline") || "evals/baseline.json"));
    core.notice(`the new baseline is written to ${written} in this job's workspace only: commit it, or upload it as an artifact, in a later step, or it is lost with the runner`, { title: "harness: baseline written" });
  }
  const annotated = regressions.length > CASE_ANNOTATIONS ? ` (the first ${CASE_ANNOTATIONS} annotated at their lines)` : "";
  // A run that could not be judged fails whatever fail-on says: it proved nothing.
  if (code === ExitCode.runError || code === ExitCode.sigint || code === ExitCode.sigterm) {
    core.setFailed(`harness: the run could not be judged (${result.gate.notJudgedReason ?? `exit ${code}`})`);
  } else if (failOn === "regression" && code === ExitCode.gateFailed) {
    core.setFailed(`harness: ${describeProblems(regressions)}${annotated}; see the job summary`);
  } else if (failOn === "threshold" && regressions.some((r) => r.kind === "threshold" || r.kind === "pending")) {
    // An absolute requirement, as a floor is: pending: fail asks that every output be reviewed.
    core.setFailed(`harness: ${describeProblems(regressions.filter((r) => r.kind === "threshold" || r.kind === "pending"))}${annotated}; see the job summary`);
  }
}

/** Text written in pieces, into the log a whole line at a time (a line cut in two would show as two). */
function logLines(): { write: (s: string) => void; end: () => void } {
  let pending = "";
  return {
    write: (s) => {
      pending += s;
      const end = pending.lastIndexOf("\n");
      if (end < 0) return;
      core.info(pending.slice(0, end));
      pending = pending.slice(end + 1);
    },
    end: () => {
      if (pending) core.info(pending);
      pending = "";
    },
  };
}

/**
 * "2 regressed cases, 1 regressed suite, 1 threshold not met": what failed, by kind. A suite's
 * own test is counted as a suite: 12 broken cases are not "13 regressions".
 */
function describeProblems(problems: readonly RunResult["gate"]["regressions"][number][]): string {
  const count = (kinds: string[]) => problems.filter((r) => kinds.includes(r.kind)).length;
  const parts: string[] = [];
  const cases = count(["case"]);
  if (cases > 0) parts.push(`${cases} regressed case${cases === 1 ? "" : "s"}`);
  const suites = count(["suite"]);
  if (suites > 0) parts.push(`${suites} regressed suite${suites === 1 ? "" : "s"}`);
  const floors = count(["threshold"]);
  if (floors > 0) parts.push(`${floors} threshold${floors === 1 ? "" : "s"} not met`);
  const pending = count(["pending"]);
  if (pending > 0) parts.push(`${pending} suite${pending === 1 ? "" : "s"} with trials awaiting human review (pending: fail)`);
  return parts.join(", ");
}

/**
 * A cancelled job (GitHub sends SIGINT, then SIGTERM) stops the run as Ctrl-C does: calls and
 * exec: apps stopped, and the report says not judged, rather than the process dying at once
 * with its children left running and nothing said on the pull request.
 */
function cancelledJob(): AbortSignal {
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (!controller.signal.aborted) core.info(`harness: ${signal} received; stopping the run`);
      controller.abort(signal);
    });
  }
  return controller.signal;
}

/** The comment input, when it can be read: whether to say on the pull request that a bad input stopped the step. */
function commentWanted(): boolean {
  try {
    return booleanInput("comment");
  } catch {
    return false;
  }
}

/**
 * Each `file:line:col  where  what` line the CLI prints for a problem in the suites (or the
 * baseline, or the reviews), as an error annotation at that line of the file: the reviewer of
 * the pull request sees it in the diff. As many as GitHub shows beside the step's own failure.
 */
function annotateProblems(stderr: string, cwd: string): void {
  const workspace = process.env.GITHUB_WORKSPACE ?? cwd;
  const places = redactorFor(process.env).all(stderr).split("\n").flatMap((line) => {
    const m = /^(\S.*?):(\d+):(\d+) {2}(.+)$/.exec(line);
    return m ? [{ file: path.relative(workspace, path.resolve(cwd, m[1]!)), line: Number(m[2]), column: Number(m[3]), message: m[4]! }] : [];
  });
  for (const p of places.slice(0, CASE_ANNOTATIONS)) {
    core.error(p.message, { title: "harness: bad configuration", file: p.file, startLine: p.line, startColumn: p.column });
  }
}

/** Posts or updates this job's comment. A comment is a courtesy: the gate's verdict stands without it. */
async function postComment(token: string, identity: { key: string; label: string }, markdown: string): Promise<void> {
  try {
    const target = await commentTarget(process.env, token);
    if (!target) {
      core.info("comment: not a pull request run (or no token): no comment posted");
      return;
    }
    core.info(`comment: ${await upsertComment(target, identity.key, `${identity.label}\n\n${markdown}`)} on #${target.pr}`);
  } catch (e) {
    core.warning(`could not post the pull-request comment: ${(e as Error).message}`);
  }
}
