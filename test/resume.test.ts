/**
 * Interrupt the real binary mid-run, then `eval --resume`: the finished trials are on disk,
 * nothing is redone, nothing is counted twice. Through the real openai client and the fake server.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeServer, type FakeServer } from "./fake-server.js";
import { makeProject, runHarness } from "./cli-run.js";
import { waitFor } from "./helpers/project.js";
import { refuseOtherScope } from "../src/cli/run-journal.js";
import { UsageError } from "../src/errors.js";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer(() => ({ kind: "answer", text: "ok" }));
});
afterAll(async () => server.close());

const env = { OPENAI_API_KEY: "sk-test-resume-1b2c" };
const common = ["--fixtures", "no-fixtures", "-q", "--retries", "0", "-j", "4"];

function suiteYaml(firstVar = 1): string {
  const cases = [firstVar, 2, 3, 4].map((n, i) => `  - id: case-${i + 1}\n    vars: { n: ${n} }`).join("\n");
  return `name: resumable
provider:
  id: openai:gpt-4o-mini
  config:
    baseURL: ${server.openaiBaseURL}
prompt: "Answer question {{n}}"
trials: 5
graders:
  - type: contains
    value: ok
cases:
${cases}
`;
}

async function journalTrials(dir: string): Promise<{ caseId: string; trial: { index: number; output?: string | null; error: unknown } }[]> {
  const text = await readFile(path.join(dir, ".harness/journal.jsonl"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((l) => l.includes('"kind":"trial"'))
    .map((l) => JSON.parse(l) as { caseId: string; trial: { index: number; error: unknown } });
}

/** Answers the first `answered` requests, then hangs, and interrupts the run once those are on disk. */
async function interruptedRun(dir: string, answered: number, signal: NodeJS.Signals, extra: string[] = []) {
  const before = server.requests.length;
  server.handle((req) => (req.index - before < answered ? { kind: "answer", text: "ok" } : { kind: "hang" }));
  let pid = 0;
  const run = runHarness(["eval", ...common, ...extra, "-o", "partial.json"], { cwd: dir, env, onSpawn: (p) => (pid = p) });
  let onDisk = 0;
  await waitFor(() => {
    void journalTrials(dir).then((t) => (onDisk = t.length));
    return onDisk >= answered && server.requests.length - before > answered;
  }, 20_000, "the answered trials to reach the journal");
  process.kill(pid, signal);
  return run;
}

describe("eval --resume", () => {
  it("after SIGINT, continues without redoing finished trials or counting any twice", async () => {
    const dir = await makeProject({ "evals/r.yaml": suiteYaml() });
    const first = await interruptedRun(dir, 7, "SIGINT");
    expect(first.code).toBe(130);
    expect(first.stderr).toContain("Kept in .harness/journal.jsonl: 7 of 20 trials graded to the end; 13 to run. Continue with the same command and --resume.");
    const partial = JSON.parse(await readFile(path.join(dir, "partial.json"), "utf8"));
    expect(partial.interrupted).toBe("SIGINT");
    expect(partial.suites[0].totals).toMatchObject({ trials: 20, passed: 7, errored: 13 });

    server.handle(() => ({ kind: "answer", text: "ok" }));
    const before = server.requests.length;
    const second = await runHarness(["eval", ...common, "--resume", "-o", "full.json"], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    expect(server.requests.length - before).toBe(13);
    expect(second.stderr).toContain("Resumed: kept 7 finished trial(s) from .harness/journal.jsonl, ran 13.");
    const full = JSON.parse(await readFile(path.join(dir, "full.json"), "utf8"));
    expect(full.resumedTrials).toBe(7);
    expect(full.suites[0].totals).toMatchObject({ trials: 20, passed: 20, errored: 0 });
    // Every trial once: indices 0..4 in every case.
    for (const c of full.suites[0].cases) expect(c.trials.map((t: { index: number }) => t.index)).toEqual([0, 1, 2, 3, 4]);

    // A finished run resumed again makes no call at all.
    const third = await runHarness(["eval", ...common, "--resume"], { cwd: dir, env });
    expect(third.code, third.stderr).toBe(0);
    expect(server.requests.length - before).toBe(13);
    expect(third.stderr).toContain("kept 20 finished trial(s)");
  });

  it("after SIGTERM too (143); an edited case runs again while the others' trials are kept", async () => {
    const dir = await makeProject({ "evals/r.yaml": suiteYaml() });
    const first = await interruptedRun(dir, 10, "SIGTERM");
    expect(first.code).toBe(143);
    const onDisk = (await journalTrials(dir)).filter((t) => t.trial.error === null);
    const keptElsewhere = onDisk.filter((t) => t.caseId !== "case-1").length;
    expect(onDisk).toHaveLength(10);
    // case-1 now asks another question: its recorded answers no longer apply.
    await writeFile(path.join(dir, "evals/r.yaml"), suiteYaml(11));
    server.handle(() => ({ kind: "answer", text: "ok" }));
    const before = server.requests.length;
    const r = await runHarness(["eval", ...common, "--resume"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.length - before).toBe(20 - keptElsewhere);
    const asked = server.requests.slice(before).map((q) => JSON.stringify(q.body.messages));
    expect(asked.filter((m) => m.includes("question 11"))).toHaveLength(5);
    // The finished trials of case-1 that ran again are named as such, and only those.
    const editedFinished = onDisk.length - keptElsewhere;
    if (editedFinished > 0) expect(r.stderr).toContain(`harness: ${editedFinished} finished trial(s) in .harness/journal.jsonl were not kept: their case, prompt, graders, model, judge or code changed since.`);
    else expect(r.stderr).not.toContain("were not kept: their case");
  });

  it("grades again from the recorded answer, without asking the model, a trial whose grading failed", async () => {
    const dir = await makeProject({
      "evals/r.yaml": suiteYaml().replace("cases:\n", "  - type: javascript\n    file: flaky.mjs\ncases:\n"),
      // Throws while BROKEN is set, as a grader with a bug would, until it is fixed.
      "evals/flaky.mjs": "export default () => { if (process.env.BROKEN) throw new Error('grader bug'); return true; };\n",
    });
    server.handle(() => ({ kind: "answer", text: "ok" }));
    const first = await runHarness(["eval", ...common], { cwd: dir, env: { ...env, BROKEN: "1" } });
    // Every trial's grading fails: the run stops at the third (more than 10% of 20), not judged.
    expect(first.code).toBe(3);
    // Answered and not judged: the grader's error, or cancelled by the stop while being graded.
    const regrade = (await journalTrials(dir)).filter((t) => t.trial.error !== null && t.trial.output != null).length;
    expect(regrade).toBeGreaterThanOrEqual(3);
    const before = server.requests.length;
    const second = await runHarness(["eval", ...common, "--resume", "-o", "r.json"], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    // Only the trials the stop cancelled are asked; those whose grading failed are graded again from their answers.
    expect(server.requests.length - before).toBe(20 - regrade);
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    expect(report.suites[0].totals).toMatchObject({ trials: 20, passed: 20, errored: 0 });
  });

  it("stopped while judging, says how many trials are kept whole, how many answers are kept to grade, how many to run: as the resume finds them", async () => {
    // An exec: app that counts its calls; one case is graded by a judge that has no key the first time.
    const judged = `    graders:\n      - type: rubric\n        value: Answers.\n        judge: { id: openai:gpt-4o-mini, config: { baseURL: "${server.openaiBaseURL}" } }\n`;
    const yaml = suiteYaml()
      .replace(/provider:\n(.*\n){3}/, "provider: exec:node app.mjs\n")
      .replace("    vars: { n: 2 }\n", `    vars: { n: 2 }\n${judged}`);
    const dir = await makeProject({
      "evals/r.yaml": yaml,
      "app.mjs": 'import { appendFileSync } from "node:fs";\nappendFileSync("calls.log", "x\\n");\nconsole.log("ok");\n',
    });
    const calls = async () => (await readFile(path.join(dir, "calls.log"), "utf8").catch(() => "")).length / 2;
    const first = await runHarness(["eval", ...common, "-o", "partial.json"], { cwd: dir, env: {} });
    expect(first.code, first.stderr).toBe(3);
    const trials = (JSON.parse(await readFile(path.join(dir, "partial.json"), "utf8")) as { suites: { cases: { trials: { error: { category: string } | null; output: unknown }[] }[] }[] }).suites[0]!.cases.flatMap((c) => c.trials);
    const graded = trials.filter((t) => t.error === null).length;
    const toGrade = trials.filter((t) => t.error !== null && t.output !== null).length;
    const toRun = 20 - graded - toGrade;
    // The judged case's answers came back and their grading did not: kept, but not finished.
    expect(toGrade).toBeGreaterThan(0);
    expect(first.stderr).toContain(`Kept in .harness/journal.jsonl: ${graded} of 20 trials graded to the end, and the answers of ${toGrade} more, still to grade; ${toRun} to run. Continue with the same command and --resume.`);
    // The trials whose own judge had no key errored with it; the rest the stop cancelled.
    const judgedWithoutKey = trials.filter((t) => t.error?.category === "auth").length;
    expect(judgedWithoutKey).toBeGreaterThan(0);
    expect(first.stdout).toContain(`${judgedWithoutKey} errored, ${toGrade + toRun - judgedWithoutKey} cancelled when the run stopped`);

    server.handle(() => ({ kind: "structured", value: { reasoning: "It answers.", verdict: "pass", score: 1 } }));
    const asked = await calls();
    const second = await runHarness(["eval", ...common, "--resume"], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    // The app is asked again for the trials said to run, and for no other.
    expect((await calls()) - asked).toBe(toRun);
  });

  it("resumed with --record, asks again and records what the stopped run answered live; what it recorded replays", async () => {
    const dir = await makeProject({ "evals/r.yaml": suiteYaml() });
    const recordAt = ["--fixtures", "fx", "-q", "--retries", "0", "-j", "4"];
    // Stopped after 7 answers, none recorded (no --record).
    expect((await interruptedRun(dir, 7, "SIGINT")).code).toBe(130);
    server.handle((req) => ({ kind: "answer", text: `ok ${req.index}` }));
    const before = server.requests.length;
    const resumed = await runHarness(["eval", ...recordAt, "--resume", "--record", "-o", "full.json"], { cwd: dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    // All 20 asked: the 7 kept answers were in no fixture, so a replay could not have shown them.
    expect(server.requests.length - before).toBe(20);
    const full = JSON.parse(await readFile(path.join(dir, "full.json"), "utf8"));
    // Offline, the replay is the report, trial for trial.
    const replay = await runHarness(["eval", ...recordAt, "--offline", "-o", "replay.json"], { cwd: dir, env: {} });
    expect(replay.code, replay.stderr).toBe(0);
    const outputs = (r: { suites: { cases: { trials: { output: string }[] }[] }[] }) => r.suites[0]!.cases.map((c) => c.trials.map((t) => t.output));
    expect(outputs(JSON.parse(await readFile(path.join(dir, "replay.json"), "utf8")))).toEqual(outputs(full));
    // That finished recording, resumed with --record again, keeps every trial: no call, nothing graded again.
    const again = server.requests.length;
    const kept = await runHarness(["eval", ...recordAt, "--resume", "--record"], { cwd: dir, env });
    expect(kept.code).toBe(0);
    expect(kept.stderr).toContain("Resumed: kept 20 finished trial(s) from .harness/journal.jsonl, ran 0.");
    expect(server.requests.length).toBe(again);
    expect(full.suites[0].cases[0].trials[0].recorded).toBe(true);
  });

  it("a journal torn by a crash: the resume says so once and runs that trial again; the next resume has nothing to say", async () => {
    const dir = await makeProject({ "evals/r.yaml": suiteYaml() });
    server.handle(() => ({ kind: "answer", text: "ok" }));
    expect((await runHarness(["eval", ...common], { cwd: dir, env })).code).toBe(0);
    // As a kill -9 mid-write leaves it: no end line, the last trial's line cut short.
    const file = path.join(dir, ".harness/journal.jsonl");
    const lines = (await readFile(file, "utf8")).trimEnd().split("\n").slice(0, -1);
    await writeFile(file, `${lines.slice(0, -1).join("\n")}\n${lines.at(-1)!.slice(0, 60)}`);
    const note = "harness: 1 unreadable line(s) of .harness/journal.jsonl were skipped; those trials ran again.";
    const before = server.requests.length;
    const first = await runHarness(["eval", ...common, "--resume"], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(note);
    expect(first.stderr).toContain("Resumed: kept 19 finished trial(s) from .harness/journal.jsonl, ran 1.");
    const second = await runHarness(["eval", ...common, "--resume"], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain("unreadable");
    expect(second.stderr).toContain("Resumed: kept 20 finished trial(s) from .harness/journal.jsonl, ran 0.");
    expect(server.requests.length - before).toBe(1);
  });

  it("refuses a resume that asks for fewer trials than the stopped run (-k 8, resumed without -k), naming the flag; more are run", async () => {
    const dir = await makeProject({ "evals/r.yaml": suiteYaml() });
    expect((await interruptedRun(dir, 6, "SIGINT", ["-k", "8"])).code).toBe(130);
    server.handle(() => ({ kind: "answer", text: "ok" }));
    const journal = path.join(dir, ".harness/journal.jsonl");
    const written = await readFile(journal, "utf8");
    const before = server.requests.length;
    for (const k of [[], ["-k", "7"]]) {
      const r = await runHarness(["eval", ...common, "--resume", ...k], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe(
        `harness: --resume would not continue the run in .harness/journal.jsonl: it ran 8 trials per case of suite "resumable" (this run: ${k[1] ?? 5})\nhint: to continue it, add -k 8; or run without --resume to start afresh\n`,
      );
    }
    // Refused before anything was asked or written.
    expect(server.requests.length).toBe(before);
    expect(await readFile(journal, "utf8")).toBe(written);
    const more = await runHarness(["eval", ...common, "--resume", "-k", "9", "-o", "full.json"], { cwd: dir, env });
    expect(more.code, more.stderr).toBe(0);
    expect(more.stderr).toContain("Resumed: kept 6 finished trial(s) from .harness/journal.jsonl, ran 30.");
    // Resumed again, it is the 9 of the last run that must be asked for.
    const fewer = await runHarness(["eval", ...common, "--resume", "-k", "8"], { cwd: dir, env });
    expect(fewer.code).toBe(2);
    expect(fewer.stderr).toContain("it ran 9 trials per case");
  });

  it("refuses a resume of other cases, another model or judge, or fewer suites, each with the flag that continues the run", () => {
    const then = { trials: { a: 5, b: 5 }, cases: ["x*", "y"], provider: "openai:gpt-4o" };
    const refusal = (now: Parameters<typeof refuseOtherScope>[1]) => {
      try {
        refuseOtherScope(then, now, "j.jsonl");
        return "continued";
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return `${(err as UsageError).message} | ${(err as UsageError).hint}`;
      }
    };
    // The same scope in another order, or more trials and suites: continued.
    expect(refusal({ trials: { b: 5, a: 6, c: 1 }, cases: ["y", "x*"], provider: "openai:gpt-4o" })).toBe("continued");
    expect(refusal({ trials: { a: 5, b: 5 }, provider: "openai:gpt-4o" })).toBe(
      "--resume would not continue the run in j.jsonl: it ran --case x*,y, this run every case | to continue it, give --case x*,y; or run without --resume to start afresh",
    );
    expect(refusal({ trials: { a: 3 }, cases: ["x*", "y"], judge: "anthropic:claude-haiku-4-5" })).toBe(
      '--resume would not continue the run in j.jsonl: it ran suite "b", which this run does not; it ran 5 trials per case of suite "a" (this run: 3); it ran -p openai:gpt-4o, this run the suites\' own provider; it ran the suites\' own judge, this run --judge anthropic:claude-haiku-4-5 | to continue it, give the same suite files or folders, add -k 5, give -p openai:gpt-4o, drop --judge; or run without --resume to start afresh',
    );
    // Fewer cases than every case is other cases too.
    expect(() => refuseOtherScope({ trials: { a: 5 } }, { trials: { a: 5 }, cases: ["a"] }, "j")).toThrow(
      expect.objectContaining({ message: "--resume would not continue the run in j: it ran every case, this run --case a", hint: "to continue it, drop --case; or run without --resume to start afresh" }),
    );
  });

  it("resuming with no journal is exit 2, naming it", async () => {
    const dir = await makeProject({ "evals/r.yaml": suiteYaml() });
    const r = await runHarness(["eval", ...common, "--resume"], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nothing to resume: no run journal at .harness/journal.jsonl");
  });

  it("--journal naming a folder is exit 2 in one line, with nothing run or written", async () => {
    const dir = await makeProject({ "evals/r.yaml": suiteYaml(), "runs/.keep": "" });
    const before = server.requests.length;
    for (const resume of [[], ["--resume"]]) {
      const r = await runHarness(["eval", ...common, "--journal", "runs", ...resume], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe("harness: the run journal runs is a folder: harness needs a file there\nhint: name the file with --journal, e.g. --journal runs/journal.jsonl\n");
    }
    expect(server.requests.length).toBe(before);
    expect((await readdir(dir)).sort()).toEqual(["evals", "runs"]);
    expect(await readdir(path.join(dir, "runs"))).toEqual([".keep"]);
  });

  it("a run without --resume starts its journal afresh", async () => {
    const dir = await makeProject({ "evals/r.yaml": suiteYaml() });
    server.handle(() => ({ kind: "answer", text: "ok" }));
    expect((await runHarness(["eval", ...common], { cwd: dir, env })).code).toBe(0);
    expect((await runHarness(["eval", ...common], { cwd: dir, env })).code).toBe(0);
    expect(await journalTrials(dir)).toHaveLength(20);
  });

  it("long outputs are read back from the journal into the JSON and HTML reports, each where it belongs", async () => {
    const dir = await makeProject({ "evals/r.yaml": suiteYaml() });
    // Over the length kept in memory, multi-byte, and different for every call.
    const answer = (i: number) => `ok #${i} <é> ${"lorem ipsum ".repeat(60)}#${i}`;
    const served = new Map<string, number>();
    server.handle((req) => {
      const text = answer(req.index);
      served.set(text, 0);
      return { kind: "answer", text };
    });
    const run = await runHarness(["eval", ...common, "-o", "r.json", "--reporter", "html:r.html"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    const html = await readFile(path.join(dir, "r.html"), "utf8");
    const outputs: string[] = report.suites[0].cases.flatMap((c: { trials: { output: string }[] }) => c.trials.map((t) => t.output));
    expect(outputs).toHaveLength(20);
    // Every answer served appears once, whole, in the report and on the page.
    expect(new Set(outputs)).toEqual(new Set(served.keys()));
    for (const o of outputs) expect(html).toContain(o.replace("<é>", "&lt;é&gt;"));
    expect(report.suites[0].totals).toMatchObject({ trials: 20, passed: 20 });
    // Resumed, the kept trials' outputs are read back from the journal the run resumed: the same, trial for trial.
    const resumed = await runHarness(["eval", ...common, "--resume", "-o", "r2.json", "--reporter", "html:r2.html"], { cwd: dir, env });
    expect(resumed.stderr).toContain("Resumed: kept 20 finished trial(s)");
    const again = JSON.parse(await readFile(path.join(dir, "r2.json"), "utf8"));
    expect(again.suites[0].cases.flatMap((c: { trials: { output: string }[] }) => c.trials.map((t) => t.output))).toEqual(outputs);
    const html2 = await readFile(path.join(dir, "r2.html"), "utf8");
    for (const o of outputs) expect(html2).toContain(o.replace("<é>", "&lt;é&gt;"));
  });

  it("reruns every trial after a javascript grader's module changes, and keeps them while it does not", async () => {
    const yaml = suiteYaml().replace("graders:\n  - type: contains\n    value: ok", "graders:\n  - type: javascript\n    file: ../graders/ok.mjs");
    expect(yaml).toContain("javascript");
    const dir = await makeProject({ "evals/r.yaml": yaml, "graders/ok.mjs": 'import { appendFileSync } from "node:fs";\nappendFileSync("imports.log", "x");\nexport default (out) => out.includes("ok");\n' });
    const imports = async () => (await readFile(path.join(dir, "imports.log"), "utf8").catch(() => "")).length;
    server.handle(() => ({ kind: "answer", text: "ok" }));
    let stderr = "";
    const calls = async () => {
      const before = server.requests.length;
      const run = await runHarness(["eval", ...common, "--resume", "-o", "r.json"], { cwd: dir, env });
      expect(run.code, run.stderr).toBe(0);
      stderr = run.stderr;
      return server.requests.length - before;
    };
    const first = await runHarness(["eval", ...common, "-o", "r.json"], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    expect(await imports()).toBe(1);
    expect(await calls()).toBe(0);
    // Nothing to grade, so the module was not even loaded.
    expect(await imports()).toBe(1);
    // The verdicts it kept came from code that no longer exists: all 20 trials run again.
    await writeFile(path.join(dir, "graders/ok.mjs"), 'export default (out) => out.startsWith("ok");\n');
    expect(await calls()).toBe(20);
    expect(stderr).toContain("harness: 20 finished trial(s) in .harness/journal.jsonl were not kept: their case, prompt, graders, model, judge or code changed since.");
    expect(await calls()).toBe(0);
    expect(stderr).not.toContain("were not kept");
  });

  it("reruns an exec: app's trials after the file its command names changes", async () => {
    const app = (reply: string) => `process.stdin.resume(); process.stdin.on("end", () => process.stdout.write(${JSON.stringify(reply)}));\n`;
    const yaml = suiteYaml()
      .replace(/provider:\n  id: openai:gpt-4o-mini\n  config:\n    baseURL: .*\n/, "provider: exec:node app.mjs\n")
      .replace("trials: 5", "trials: 2");
    expect(yaml).toContain("exec:node app.mjs");
    const dir = await makeProject({ "evals/r.yaml": yaml, "app.mjs": app("ok") });
    const trialsRun = async (resume: boolean) => {
      const run = await runHarness(["eval", ...common, ...(resume ? ["--resume"] : []), "-o", "r.json"], { cwd: dir, env });
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
      return { resumed: report.resumedTrials as number, total: report.suites[0].totals.trials as number };
    };
    expect(await trialsRun(false)).toEqual({ resumed: 0, total: 8 });
    expect(await trialsRun(true)).toEqual({ resumed: 8, total: 8 });
    await writeFile(path.join(dir, "app.mjs"), app("ok, again"));
    expect(await trialsRun(true)).toEqual({ resumed: 0, total: 8 });
  });
});
