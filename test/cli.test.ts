/**
 * The CLI end to end: the real binary, in a temp project, against the fake
 * OpenAI-compatible server through the real openai client.
 */
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeServer, type FakeServer, type SeenRequest } from "./fake-server.js";
import { copyExamples, interruptedWhen, makeProject, ROOT, runHarness } from "./cli-run.js";
import { questionSuite } from "./helpers/question-suite.js";
import type { RunResult } from "../src/core/types.js";

const SECRET = "sk-test-DO-NOT-LEAK-8c1f";
let server: FakeServer;

/** Per case: which trials (by arrival order for that case) answer badly. */
let bad: (caseNo: number, nth: number) => boolean = () => false;
const seenPerCase = new Map<number, number>();

function answer(req: SeenRequest) {
  const messages = req.body.messages as { content: string }[];
  const m = /question (\d+)/.exec(messages[messages.length - 1]!.content);
  const caseNo = Number(m?.[1]);
  const nth = seenPerCase.get(caseNo) ?? 0;
  seenPerCase.set(caseNo, nth + 1);
  return { kind: "answer" as const, text: bad(caseNo, nth) ? "no idea" : "the answer is ok" };
}

beforeAll(async () => {
  server = await startFakeServer(answer);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  bad = () => false;
  seenPerCase.clear();
  server.handle(answer);
});

function suiteYaml(cases = 8, extra = ""): string {
  return questionSuite(server.openaiBaseURL, cases, extra);
}

/** A suite of one case whose app always answers "ok", and passes: no model, no key. */
function echoSuite(name: string): string {
  return `name: ${name}\nprovider: exec:echo ok\nprompt: hi\ntrials: 1\ncases:\n  - id: a\n    graders: [{ type: contains, value: ok }]\n`;
}

const env = { OPENAI_API_KEY: SECRET };
const common = ["--fixtures", "no-fixtures", "-q", "--retries", "0"];

describe("harness --version and usage", () => {
  it("prints the package version", async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    const r = await runHarness(["--version"], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("exits 2 on an unknown flag, without a stack trace", async () => {
    const r = await runHarness(["eval", "--no-such-flag"], { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on a bad flag value, naming the flag", async () => {
    const r = await runHarness(["eval", "-k", "zero"], { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("-k/--trials");
    // -k: as many as a suite's trials may say, no more: a billion filled memory before the first call.
    // --timeout: past setTimeout's limit every call "timed out" after 1 ms. -j: past 10,000 the workers alone filled memory.
    const refused: [string[], string][] = [
      [["-k", "10001"], '-k/--trials expects a whole number ≥ 1 and ≤ 10,000, got "10001"'],
      [["--timeout", "2147483648"], '--timeout expects a whole number ≥ 1 and ≤ 2,147,483,647, got "2147483648"'],
      [["--max-error-rate", ""], '--max-error-rate expects a number from 0 to 1, got ""'],
      [["-j", "600000"], '-j/--concurrency expects a whole number ≥ 1 and ≤ 10,000, got "600000"'],
      // Digits only: Number() read "" as 0 retries (an unset variable), "0x10" as 16 and "1e3" as 1000.
      [["--retries", ""], '--retries expects a whole number ≥ 0, got ""'],
      [["-k", "0x10"], '-k/--trials expects a whole number ≥ 1 and ≤ 10,000, got "0x10"'],
      [["-j", "1e3"], '-j/--concurrency expects a whole number ≥ 1 and ≤ 10,000, got "1e3"'],
    ];
    for (const [flags, message] of refused) {
      const bad = await runHarness(["eval", "--offline", ...flags], { cwd: ROOT });
      expect(bad.code, flags.join(" ")).toBe(2);
      expect(bad.stderr).toBe(`harness: ${message}\n`);
    }
    const poll = await runHarness(["eval", "--batch", "--batch-poll", " "], { cwd: ROOT });
    expect(poll.code).toBe(2);
    expect(poll.stderr).toBe('harness: --batch-poll expects a whole number of ms ≥ 1 and ≤ 2,147,483,647, got " "\n');
  });

  it("an empty suite path is refused, never read as the project folder", async () => {
    // `harness eval "$SUITE"` with SUITE unset ran every suite under the folder it was run from.
    const dir = await copyExamples();
    for (const command of [["eval"], ["compare", "--against-baseline"], ["review"]]) {
      const r = await runHarness([...command, "--offline", ""], { cwd: dir });
      expect(r.code, command[0]).toBe(2);
      expect(r.stderr).toBe("harness: a suite path given is empty: name a suite file or folder, or give none for evals/\n");
    }
  });

  it("an empty file name is refused (exit 2, naming the flag), never read as 'no file' or the folder", async () => {
    // `-o "$OUT"` with OUT unset wrote no report, with exit 0; `--baseline ''` read the project folder.
    const dir = await copyExamples();
    const eval_ = (...flags: string[]) => ["eval", "--offline", ...flags];
    const cases: string[][] = [
      eval_("-o", ""),
      eval_("--baseline", " "),
      eval_("--reviews", ""),
      eval_("--journal", ""),
      eval_("--fixtures", ""),
      eval_("--history", ""),
      ["compare", "--against-baseline", "--baseline", ""],
      ["merge", "x.json", "-o", ""],
      ["report", "x.json", "--history", ""],
      ["review", "--offline", "--from", ""],
    ];
    for (const args of cases) {
      const r = await runHarness(args, { cwd: dir });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^error: option '.*' argument '\s*' is invalid\. expected a file name, got an empty one\n/);
    }
    expect(existsSync(path.join(dir, ".harness"))).toBe(false);
  });

  it("help for a command that does not exist: exit 2 naming the commands, not the general help with exit 0", async () => {
    const r = await runHarness(["help", "evla"], { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("harness: help evla: no such command; the commands are eval, merge, init, report, history, review, compare\n");
    expect((await runHarness(["help", "eval"], { cwd: ROOT })).code).toBe(0);
  });

  it("--update-baseline with --shard is refused before anything is made: -o's new folders are not left behind", async () => {
    const dir = await copyExamples();
    const r = await runHarness(["eval", "--offline", "--shard", "1/2", "--update-baseline", "-o", "newdir/deep/x.json"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--update-baseline with --shard would write a baseline of one shard");
    expect(existsSync(path.join(dir, "newdir"))).toBe(false);
  });

  it("exits 2 when --at asks for more trials than there are", async () => {
    const dir = await copyExamples();
    const r = await runHarness(["eval", "--offline", "--at", "1,9"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--at 9/);
  });
});

describe("the example suites, offline", () => {
  it("run from the shipped fixtures with no key and no network, and pass the gate", async () => {
    const r = await runHarness(["eval", "--offline"], { cwd: ROOT });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("refund-policy");
    expect(r.stdout).toContain("order-router");
    expect(r.stdout).toContain("Gate: PASS");
    // No colour when not writing to a terminal.
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it("also run without --offline, since every answer is recorded", async () => {
    const r = await runHarness(["eval"], { cwd: ROOT });
    expect(r.code).toBe(0);
  });

  it("colour is forced by FORCE_COLOR and refused by NO_COLOR", async () => {
    const forced = await runHarness(["eval", "--offline"], { cwd: ROOT, env: { FORCE_COLOR: "1" } });
    expect(forced.stdout).toMatch(/\x1b\[/);
    const none = await runHarness(["eval", "--offline"], { cwd: ROOT, env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
    expect(none.stdout).not.toMatch(/\x1b\[/);
    const zero = await runHarness(["eval", "--offline"], { cwd: ROOT, env: { FORCE_COLOR: "0" } });
    expect(zero.stdout).not.toMatch(/\x1b\[/);
  });

  it("run from a checkout whose text files have Windows line endings (core.autocrlf)", async () => {
    // The CLI as installed: package.json, bin, the bundle and the judge's prompts, these with CRLF.
    const pkg = await copyExamples();
    await Promise.all(["package.json", "bin", "dist/cli-bundle"].map((p) => cp(path.join(ROOT, p), path.join(pkg, p), { recursive: true })));
    for (const name of await readdir(path.join(ROOT, "prompts", "judge"))) {
      const text = await readFile(path.join(ROOT, "prompts", "judge", name), "utf8");
      await mkdir(path.join(pkg, "prompts", "judge"), { recursive: true });
      await writeFile(path.join(pkg, "prompts", "judge", name), text.replace(/\n/g, "\r\n"));
    }
    const r = await runHarness(["eval", "--offline", "-o", "report.json"], { cwd: pkg, bin: path.join(pkg, "bin", "harness.js") });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(await readFile(path.join(pkg, "report.json"), "utf8"));
    expect(report.suites.find((s: { name: string }) => s.name === "refund-policy").judge.calls).toBeGreaterThan(0);
  });

  it("writes a JSON report with the documented fields, and --at adds k values", async () => {
    const dir = await copyExamples();
    const r = await runHarness(["eval", "--offline", "--at", "1,3", "-o", "out/report.json"], { cwd: dir });
    expect(r.code).toBe(0);
    const report = JSON.parse(await readFile(path.join(dir, "out/report.json"), "utf8"));
    expect(report.schemaVersion).toBe(1);
    expect(report.gate.status).toBe("pass");
    expect(report.gate.regressions).toEqual([]);
    const suite = report.suites.find((s: { name: string }) => s.name === "refund-policy");
    expect(suite.passAtK).toBeCloseTo(1, 10);
    // 3 of 5 cases always pass; the other two pass 4/5 and 3/5, so their pass^5 is 0.
    expect(suite.passHatK).toBeCloseTo(3 / 5, 10);
    const legal = suite.cases.find((c: { id: string }) => c.id === "legal-threat-escalates");
    expect(legal).toMatchObject({ n: 5, passes: 3, passAtK: 1, passHatK: 0 });
    // pass@1 = 3/5; pass^3 = C(3,3)/C(5,3) = 1/10.
    expect(legal.at.find((a: { k: number }) => a.k === 1).passAtK).toBeCloseTo(0.6, 10);
    expect(legal.at.find((a: { k: number }) => a.k === 3).passHatK).toBeCloseTo(0.1, 10);
    const trial = legal.trials[0];
    for (const key of ["output", "passed", "grades", "latencyMs", "error"]) expect(trial).toHaveProperty(key);
    expect(trial.grades[0]).toMatchObject({ type: expect.any(String), pass: expect.any(Boolean), score: expect.any(Number), reason: expect.any(String) });
  });
});

describe("the baseline gate, end to end", () => {
  async function projectWithBaseline(extra = "") {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(8, extra) });
    const first = await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain("Wrote the baseline");
    // Not "write one with --update-baseline", in the run that does.
    expect(first.stdout).toContain("No baseline yet: nothing to compare against; this run becomes it (--update-baseline).");
    seenPerCase.clear();
    return dir;
  }

  it("--update-baseline without -k says a baseline of more trials is steadier, naming -k; with -k it says nothing", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2) });
    const tip = /A baseline of more trials than the runs it gates is steadier, and fails them on noise less often: harness eval --update-baseline -k (\d+) /;
    const plain = await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env });
    expect(plain.code, plain.stderr).toBe(0);
    const k = Number(tip.exec(plain.stderr)?.[1]);
    const report = await runHarness(["eval", ...common, "-o", "r.json"], { cwd: dir, env });
    const trials = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8")).suites[0].trials;
    expect(k).toBe(4 * trials);
    expect(report.stderr).not.toMatch(tip);
    const more = await runHarness(["eval", ...common, "--update-baseline", "-k", String(k)], { cwd: dir, env });
    expect(more.code, more.stderr).toBe(0);
    expect(more.stderr).toContain("Wrote the baseline");
    expect(more.stderr).not.toMatch(tip);
    // The gate takes the 4× baseline as it comes: unchanged runs of the suite's own trials pass.
    expect((await runHarness(["eval", ...common], { cwd: dir, env })).code).toBe(0);
  });

  it("the steadier-baseline command keeps --baseline, and from replayed answers records the trials not yet recorded", async () => {
    const dir = await copyExamples();
    const r = await runHarness(["eval", "--offline", "--update-baseline", "--baseline", "other.json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("harness eval --baseline other.json --update-baseline -k 20 --record, with the provider's key for the answers not yet recorded (see");
  });

  it("unchanged behaviour passes", async () => {
    const dir = await projectWithBaseline();
    const r = await runHarness(["eval", ...common], { cwd: dir, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("Gate: PASS");
  });

  it("one trial flipping in one case passes (noise is not a regression)", async () => {
    const dir = await projectWithBaseline();
    bad = (c, nth) => c === 3 && nth === 0;
    const r = await runHarness(["eval", ...common, "-o", "r.json"], { cwd: dir, env });
    expect(r.code, r.stdout).toBe(0);
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    expect(report.suites[0].cases.find((c: { id: string }) => c.id === "case-3").passes).toBe(4);
    expect(r.stdout).toMatch(/case-3.*down \(not significant\)/);
  });

  it("a case of eight going from 5/5 to 0/5 fails the gate and says which and why", async () => {
    const dir = await projectWithBaseline();
    bad = (c) => c === 5;
    const r = await runHarness(["eval", ...common, "-o", "r.json"], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/case-5.*REGRESSED/);
    expect(r.stdout).toContain('must contain "ok"; got "no idea"');
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    expect(report.gate.status).toBe("fail");
    // The case, and the suite's pooled rate (40/40 → 35/40) with it; no other case.
    expect(report.gate.regressions).toEqual([
      expect.objectContaining({ kind: "case", suite: "gate-demo", caseId: "case-5" }),
      expect.objectContaining({ kind: "suite", suite: "gate-demo" }),
    ]);
  });

  it("half the cases going from always to never fails the gate", async () => {
    const dir = await projectWithBaseline();
    bad = (c) => c <= 4;
    const r = await runHarness(["eval", ...common], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Gate: FAIL/);
  });

  it("new and missing cases are reported, not failed", async () => {
    const dir = await projectWithBaseline();
    await writeFile(path.join(dir, "evals/demo.yaml"), suiteYaml(9).replace("  - id: case-2\n    description: guards incident 102\n    vars: { n: 2 }\n", ""));
    const r = await runHarness(["eval", ...common, "-o", "r.json"], { cwd: dir, env });
    expect(r.code, r.stdout).toBe(0);
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    expect(report.gate.newCases).toEqual([{ suite: "gate-demo", caseId: "case-9" }]);
    expect(report.gate.missingCases).toEqual([{ suite: "gate-demo", caseId: "case-2" }]);
  });

  it("a threshold the suite does not meet fails the gate, baseline or not", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(4, "threshold:\n  passHatK: 0.9") });
    bad = (c, nth) => c === 1 && nth === 2;
    const r = await runHarness(["eval", ...common], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/pass\^5 0\.750 is below the threshold 0\.9/);
  });
});

describe("reporters from the command line", () => {
  it("a big suite's terminal report points at the JSON report the command wrote or read, for the cases it leaves out", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(61) });
    const r = await runHarness(["eval", ...common, "-k", "1", "-o", "out/run.json"], { cwd: dir, env });
    expect(r.stdout).toContain("Not listed: 61 cases that passed every trial, unchanged (all of them: in out/run.json; as a page: harness report out/run.json --reporter html)");
    const again = await runHarness(["report", "out/run.json"], { cwd: dir });
    expect(again.stdout).toContain("(all of them: in out/run.json; as a page: harness report out/run.json --reporter html)");
    // Without -o, nothing was saved: the way to get it is said.
    const unsaved = await runHarness(["eval", ...common, "-k", "1"], { cwd: dir, env });
    expect(unsaved.stdout).toContain("(all of them: -o report.json or --reporter html)");
  });

  it("eval writes each reporter's file; report re-renders a saved run and exits as its gate did", async () => {
    const dir = await copyExamples();
    const r = await runHarness(["eval", "--offline", "--reporter", "terminal,junit", "--reporter", "markdown:out/summary.md", "-o", "run.json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Gate: PASS");
    expect(await readFile(path.join(dir, "harness-junit.xml"), "utf8")).toMatch(/^<\?xml version="1.0"/);
    expect(await readFile(path.join(dir, "out/summary.md"), "utf8")).toMatch(/^### ✅ Gate passed/);

    const again = await runHarness(["report", "run.json", "--reporter", "junit:again.xml"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("");
    // Rendered from the same result, the XML is the same.
    expect(await readFile(path.join(dir, "again.xml"), "utf8")).toBe(await readFile(path.join(dir, "harness-junit.xml"), "utf8"));
    const terminal = await runHarness(["report", "run.json"], { cwd: dir });
    expect(terminal.stdout).toContain("refund-policy");
  });

  it("github annotations only on a GitHub runner; a failed gate's saved run exits 1 again", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(8) });
    await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env });
    bad = (c) => c === 5;
    seenPerCase.clear();
    const off = await runHarness(["eval", ...common, "--reporter", "github", "-o", "run.json"], { cwd: dir, env });
    expect(off.code).toBe(1);
    expect(off.stdout).toBe("");
    const on = await runHarness(["report", "run.json", "--reporter", "github"], { cwd: dir, env: { GITHUB_ACTIONS: "true" } });
    expect(on.code).toBe(1);
    expect(on.stdout).toMatch(/^::error file=evals\/demo\.yaml,line=\d+,title=Regression%3A gate-demo\/case-5::5\/5 → 0\/5 passing/m);
    // The same run written as the new baseline passes, and says so: not "Gate: FAIL" over an exit 0.
    const accepted = await runHarness(
      ["eval", ...common, "--update-baseline", "--reporter", "terminal,markdown:summary.md,junit:accepted.xml,html:accepted.html,github", "-o", "accepted.json", "--history", "h.jsonl"],
      { cwd: dir, env: { ...env, GITHUB_ACTIONS: "true" } },
    );
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(/Gate: PASS as the new baseline \(--update-baseline\): \d+ changes? against the old one, not enforced:\n {2}gate-demo\/case-5: 5\/5 → 0\/5 passing/);
    expect(accepted.stdout).not.toContain("Gate: FAIL");
    const accepted_md = await readFile(path.join(dir, "summary.md"), "utf8");
    expect(accepted_md).toMatch(/^### ✅ Accepted as the new baseline: \d+ changes? against the old one, below, not enforced/);
    expect(accepted_md).toContain("#### Changes accepted with the new baseline");
    expect(accepted_md).not.toContain("What failed");
    // Every other reporter, the saved run and the history say the same: accepted, not failed.
    expect(accepted.stdout).not.toContain("::error");
    expect(await readFile(path.join(dir, "accepted.xml"), "utf8")).toMatch(/<testsuites [^>]*failures="0"/);
    const html = await readFile(path.join(dir, "accepted.html"), "utf8");
    expect(html).toMatch(/class="verdict pass">Accepted as the new baseline: \d+ changes? against the old one, not enforced/);
    expect(html).toContain("<h3>Changes accepted with the new baseline</h3>");
    expect(html).not.toContain("What failed the gate");
    const saved = JSON.parse(await readFile(path.join(dir, "accepted.json"), "utf8")) as RunResult;
    expect(saved.gate.status).toBe("pass");
    expect(saved.gate.regressions).toEqual([]);
    expect(saved.gate.accepted?.map((r) => r.caseId)).toContain("case-5");
    expect(JSON.parse((await readFile(path.join(dir, "h.jsonl"), "utf8")).trim()).suites["gate-demo"].gate).toBe("pass");
    const again = await runHarness(["report", "accepted.json"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Gate: PASS as the new baseline \(--update-baseline\)/);
  });

  it("shards run apart without gating; merge joins them and gates once, like one run would", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(8) });
    expect((await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env })).code).toBe(0);
    bad = (c) => c === 5;
    seenPerCase.clear();
    const ids = new Set<string>();
    for (const i of [1, 2, 3]) {
      const r = await runHarness(["eval", ...common, "--shard", `${i}/3`, "-o", `reports/${i}.json`], { cwd: dir, env });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stderr).toContain(`Shard ${i}/3`);
      const report = JSON.parse(await readFile(path.join(dir, `reports/${i}.json`), "utf8"));
      // Each shard sees only its own cases, so none of the others is "missing since the baseline".
      expect(report.gate.missingCases).toEqual([]);
      for (const s of report.suites) for (const c of s.cases) ids.add(c.id);
    }
    expect(ids.size).toBe(8);
    const merged = await runHarness(["merge", "reports/1.json", "reports/2.json", "reports/3.json", "-o", "all.json"], { cwd: dir });
    expect(merged.code).toBe(1);
    expect(merged.stdout).toMatch(/case-5.*REGRESSED/);
    const all = JSON.parse(await readFile(path.join(dir, "all.json"), "utf8"));
    expect(all.suites[0].cases).toHaveLength(8);
    expect(all.gate.regressions[0]).toMatchObject({ kind: "case", caseId: "case-5" });
    // The way to accept the drop is to merge the shards again, as the reference: an eval would run every case unsharded.
    const accept = "harness merge reports/1.json reports/2.json reports/3.json --update-baseline, then commit evals/baseline.json.";
    expect(merged.stdout).toContain(`accept it as the new reference: ${accept}`);
    expect(all.mergedFrom).toEqual(["reports/1.json", "reports/2.json", "reports/3.json"]);
    expect((await runHarness(["report", "all.json"], { cwd: dir })).stdout).toContain(accept);
    // A shard report says the gate is deferred, and annotates nothing.
    const shardReport = JSON.parse(await readFile(path.join(dir, "reports/1.json"), "utf8"));
    expect(shardReport.gate).toMatchObject({ judged: false, deferred: true, regressions: [] });
    // Rendered, a sound shard's verdict is deferred, never the warning "not judged".
    const shown = await runHarness(["report", "reports/1.json", "--reporter", "markdown:s1.md,html:s1.html"], { cwd: dir });
    expect(shown.code).toBe(0);
    expect(await readFile(path.join(dir, "s1.md"), "utf8")).toMatch(/^### ⏳ Gate deferred: shard 1\/3: the gate is applied once, by harness merge over all shards\n/);
    const shardHtml = await readFile(path.join(dir, "s1.html"), "utf8");
    expect(shardHtml).toContain('<div class="verdict pass">Gate deferred: shard 1/3: the gate is applied once, by harness merge over all shards</div>');
    expect(shardHtml).toContain("<dt>gate</dt><dd>deferred</dd>");
    expect(shardHtml).not.toContain('class="verdict not-judged"');
    // Every shard of the split, each once, or no merge: a missing shard would hide its regressions.
    const partial = await runHarness(["merge", "reports/1.json", "reports/2.json"], { cwd: dir });
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain("shard 3/3 missing");
    const twice = await runHarness(["merge", "reports/1.json", "reports/1.json", "reports/2.json", "reports/3.json"], { cwd: dir });
    expect(twice.code).toBe(2);
    // A shard stopped by a fatal error (no key) writes its report, not judged: so is the merge,
    // and it writes no baseline from the part of the cases that ran.
    const noKey = await runHarness(["eval", ...common, "--shard", "3/3", "-o", "reports/3-stopped.json"], { cwd: dir, env: {} });
    expect(noKey.code).toBe(3);
    const before = await readFile(path.join(dir, "evals/baseline.json"), "utf8");
    const stopped = await runHarness(["merge", "reports/1.json", "reports/2.json", "reports/3-stopped.json", "--update-baseline"], { cwd: dir });
    expect(stopped.code).toBe(3);
    expect(stopped.stdout).toMatch(/Gate: NOT JUDGED \(the run stopped: .*OPENAI_API_KEY is not set/);
    expect(await readFile(path.join(dir, "evals/baseline.json"), "utf8")).toBe(before);
  });

  it("merge refuses shards whose exec: app changed between them: the suite files alone are the same", async () => {
    const app = (answer: string) => `process.stdout.write(${JSON.stringify(answer)});\n`;
    const suite = ["name: app", `provider: 'exec:${JSON.stringify(process.execPath)} app.mjs'`, 'prompt: "hi"', "trials: 2", "graders:", "  - type: contains", "    value: ok", "cases:", ...Array.from({ length: 4 }, (_, i) => `  - id: c${i}`)].join("\n");
    const dir = await makeProject({ "evals/app.yaml": suite, "app.mjs": app("ok") });
    expect((await runHarness(["eval", "-q", "--shard", "1/2", "-o", "r/1.json"], { cwd: dir })).code).toBe(0);
    await writeFile(path.join(dir, "app.mjs"), app("not okay"));
    expect((await runHarness(["eval", "-q", "--shard", "2/2", "-o", "r/2.json"], { cwd: dir })).code).toBe(0);
    const merged = await runHarness(["merge", "r/1.json", "r/2.json"], { cwd: dir });
    expect(merged.code).toBe(2);
    expect(merged.stderr).toContain("cannot merge: the shards are parts of different runs (shard 1/2: run A; shard 2/2: run B)");
  });

  it("merge joins only shards of one run, keeps their --at, and is not judged (3), not interrupted (130), when a shard was stopped", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(8), "evals/other.yaml": echoSuite("other") });
    expect((await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env })).code).toBe(0);
    for (const i of [1, 2, 3]) expect((await runHarness(["eval", ...common, "--at", "1", "--shard", `${i}/3`, "-o", `r/${i}.json`], { cwd: dir, env })).code).toBe(0);
    const merged = await runHarness(["merge", "r/1.json", "r/2.json", "r/3.json", "-o", "all.json"], { cwd: dir });
    expect(merged.code, merged.stderr).toBe(0);
    const all = JSON.parse(await readFile(path.join(dir, "all.json"), "utf8"));
    expect(all.suites.find((x: { name: string }) => x.name === "gate-demo").at.map((a: { k: number }) => a.k)).toEqual([1, 5]);
    expect(all.suites.find((x: { name: string }) => x.name === "other").at.map((a: { k: number }) => a.k)).toEqual([1]);

    // Shard 3 run on one suite of the two: its part of "other" would pass as merely not run.
    expect((await runHarness(["eval", ...common, "evals/demo.yaml", "--shard", "3/3", "-o", "r/3-demo-only.json"], { cwd: dir, env })).code).toBe(0);
    const mixed = await runHarness(["merge", "r/1.json", "r/2.json", "r/3-demo-only.json"], { cwd: dir });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("cannot merge: the shards are parts of different runs (shards 1/3, 2/3: run A; shard 3/3: run B)");
    // So is a shard of another version of the suite (a prompt edited between the runs).
    await writeFile(path.join(dir, "evals/demo.yaml"), suiteYaml(8).replace("Answer question", "Please answer question"));
    expect((await runHarness(["eval", ...common, "--shard", "3/3", "-o", "r/3-edited.json"], { cwd: dir, env })).code).toBe(0);
    const edited = await runHarness(["merge", "r/1.json", "r/2.json", "r/3-edited.json"], { cwd: dir });
    expect(edited.code).toBe(2);
    expect(edited.stderr).toContain("parts of different runs");
    // Or of a stricter grader.
    await writeFile(path.join(dir, "evals/demo.yaml"), suiteYaml(8).replace("value: ok", "value: answer is ok"));
    expect((await runHarness(["eval", ...common, "--shard", "3/3", "-o", "r/3-grader.json"], { cwd: dir, env })).code).toBe(0);
    const graded = await runHarness(["merge", "r/1.json", "r/2.json", "r/3-grader.json"], { cwd: dir });
    expect(graded.code).toBe(2);
    expect(graded.stderr).toContain("parts of different runs");

    // A shard stopped by Ctrl-C: the merge names it and is not judged; it was not itself interrupted.
    const third = JSON.parse(await readFile(path.join(dir, "r/3.json"), "utf8"));
    await writeFile(path.join(dir, "r/3-stopped.json"), JSON.stringify({ ...third, interrupted: "SIGINT" }));
    const stopped = await runHarness(["merge", "r/1.json", "r/2.json", "r/3-stopped.json"], { cwd: dir });
    expect(stopped.code).toBe(3);
    expect(stopped.stdout).toContain("Gate: NOT JUDGED (the run stopped: shard 3/3 (r/3-stopped.json): interrupted by SIGINT)");
  });

  it("an unknown reporter, or a report that is not one, is exit 2", async () => {
    const dir = await copyExamples();
    const r = await runHarness(["eval", "--offline", "--reporter", "xml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--reporter "xml": expected one of terminal, json, junit, markdown, github');
    const proto = await runHarness(["eval", "--offline", "--reporter", "toString"], { cwd: dir });
    expect(proto.code).toBe(2);
    const dash = await runHarness(["eval", "--offline", "--reporter", "markdown:-"], { cwd: dir });
    expect(dash.code).toBe(0);
    expect(dash.stdout).toMatch(/^### ✅ Gate passed/);
    await writeFile(path.join(dir, "x.json"), "{}");
    const bad = await runHarness(["report", "x.json"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^x\.json {2}not a harness run report/);
    // A comparison (compare -o) is said to be one, with where compare's own reports come from.
    await writeFile(path.join(dir, "cmp.json"), JSON.stringify({ schemaVersion: 1, kind: "model-comparison", reference: "a", candidates: [] }));
    const cmp = await runHarness(["report", "cmp.json"], { cwd: dir });
    expect(cmp.code).toBe(2);
    expect(cmp.stderr).toMatch(/^cmp\.json {2}a harness compare result, not a run report: .*harness compare --reporter markdown:FILE/);
    const missing = await runHarness(["report", "nope.json"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^nope\.json {2}no such file\n/);
    await writeFile(path.join(dir, "torn.json"), '{"schemaVersion": 1,');
    const torn = await runHarness(["report", "torn.json"], { cwd: dir });
    expect(torn.code).toBe(2);
    expect(torn.stderr).toMatch(/^torn\.json:1:21 {2}the run report is not valid JSON: /);
  });
});

describe("errors the user can cause", () => {
  it("a broken suite: exit 2, file:line:col, every problem, nothing run or written", async () => {
    const dir = await copyExamples();
    const before = await readFile(path.join(dir, "evals/baseline.json"), "utf8");
    await writeFile(
      path.join(dir, "evals/refund-policy.yaml"),
      (await readFile(path.join(dir, "evals/refund-policy.yaml"), "utf8")).replace("type: icontains\n        value: \"photo\"", "type: containz\n        value: \"photo\"").replace("trials: 5", "trials: five"),
    );
    const r = await runHarness(["eval", "-o", "report.json", "--update-baseline"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^evals\/refund-policy\.yaml:\d+:\d+ {2}trials/);
    expect(r.stderr).toMatch(/evals\/refund-policy\.yaml:\d+:\d+ {2}cases\[2\]\.graders\[0\]\.type {2}unknown grader "containz" \(did you mean "contains"\?\)/);
    expect(r.stderr).toContain("2 problems in 1 file. Nothing was run.");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
    await expect(stat(path.join(dir, "report.json"))).rejects.toThrow();
    expect(await readFile(path.join(dir, "evals/baseline.json"), "utf8")).toBe(before);
  });

  it("a corrupt baseline: exit 2 naming the file, and it is left as it was", async () => {
    const dir = await copyExamples();
    await writeFile(path.join(dir, "evals/baseline.json"), '{"schemaVersion": 1, "suites": ');
    const r = await runHarness(["eval", "--offline"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/evals\/baseline\.json: the baseline is not valid JSON at line 1, column 32/);
    expect(await readFile(path.join(dir, "evals/baseline.json"), "utf8")).toBe('{"schemaVersion": 1, "suites": ');
  });

  it("a file that is no baseline at all (`{}`, `[]`): said so, with how to write one; exit 2, nothing written", async () => {
    const dir = await copyExamples();
    const file = path.join(dir, "evals/baseline.json");
    const cases: [string, string][] = [
      ["{}\n", "it has no schemaVersion"],
      ["[]\n", 'it holds an array, not an object with "schemaVersion": 1'],
    ];
    for (const [text, why] of cases) {
      await writeFile(file, text);
      const r = await runHarness(["eval", "--offline", "--update-baseline", "-o", "r.json"], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `harness: ${path.join("evals", "baseline.json")}: not a harness baseline (${why})\n` +
          "hint: harness eval --update-baseline writes one from a run: move this file away first (it is read before it is replaced), or name another with --baseline\n",
      );
      expect(await readFile(file, "utf8")).toBe(text);
      expect(existsSync(path.join(dir, "r.json"))).toBe(false);
    }
  });

  it("a baseline missing its keys: each named, in the suite loader's words, at the file's line and column", async () => {
    const dir = await copyExamples();
    const file = path.join(dir, "evals/baseline.json");
    await writeFile(file, '{"schemaVersion":1}\n');
    const r = await runHarness(["eval", "--offline"], { cwd: dir });
    expect(r.code).toBe(2);
    const at = `${path.join("evals", "baseline.json")}:1:1`;
    expect(r.stderr).toBe(
      [
        `${at}  createdAt  missing required key; expected string`,
        `${at}  harnessVersion  missing required key; expected string`,
        `${at}  git  missing required key; expected object`,
        `${at}  suites  missing required key; expected object`,
        "4 problems in 1 file. Nothing was run.",
        "hint: restore it from git (git checkout -- the file), or fix it, or delete it and write a new one with --update-baseline",
        "",
      ].join("\n"),
    );
    expect(await readFile(file, "utf8")).toBe('{"schemaVersion":1}\n');
  });

  it("a baseline saved with a byte-order mark is read; one with a count no run can have is refused, not a crash", async () => {
    const dir = await copyExamples();
    const file = path.join(dir, "evals/baseline.json");
    const text = await readFile(file, "utf8");
    await writeFile(file, `\uFEFF${text}`);
    expect((await runHarness(["eval", "--offline"], { cwd: dir })).code).toBe(0);
    const b = JSON.parse(text) as { suites: Record<string, { cases: Record<string, Record<string, unknown>> }> };
    Object.assign(b.suites["order-router"]!.cases["keeps-leading-zeros"]!, { n: 1_000_000_000, passes: 1_000_000_000 });
    await writeFile(file, JSON.stringify(b, null, 2));
    const huge = await runHarness(["eval", "--offline"], { cwd: dir });
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/suites\.order-router\.cases\.keeps-leading-zeros\.n {2}expected a number ≤ 10000\n/);
  });

  it("a baseline edited wrong: every problem, each at its line and column, and a hint that leads somewhere", async () => {
    const dir = await copyExamples();
    const file = path.join(dir, "evals/baseline.json");
    const b = JSON.parse(await readFile(file, "utf8")) as { suites: Record<string, { cases: Record<string, Record<string, unknown>> }> };
    b.suites["order-router"]!.cases["keeps-leading-zeros"]!.n = "five";
    delete b.suites["order-router"]!.cases["no-markdown-fence"]!.passes;
    const text = JSON.stringify(b, null, 2);
    await writeFile(file, text);
    const lines = text.split("\n");
    const nLine = lines.findIndex((l) => l.includes('"five"')) + 1;
    const fenceLine = lines.findIndex((l) => l.includes('"no-markdown-fence"')) + 1;
    const r = await runHarness(["eval", "--offline"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`evals/baseline.json:${nLine}:16  suites.order-router.cases.keeps-leading-zeros.n  expected number, received string\n`);
    // A missing key is shown at its object.
    expect(r.stderr).toContain(`evals/baseline.json:${fenceLine}:30  suites.order-router.cases.no-markdown-fence.passes  missing required key; expected number\n`);
    expect(r.stderr).toContain("hint: restore it from git (git checkout -- the file), or fix it, or delete it and write a new one with --update-baseline");
    expect(await readFile(file, "utf8")).toBe(text);
  });

  it("no API key and no fixture: exit 3 with a hint, before any request", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2) });
    const before = server.requests.length;
    const r = await runHarness(["eval", ...common], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("OPENAI_API_KEY is not set");
    expect(r.stderr).toMatch(/hint: set OPENAI_API_KEY/);
    expect(server.requests.length).toBe(before);
  });

  it("no API key: the report is still written, NOT JUDGED with the reason, over an older passing one", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2), "run.json": '{"gate": {"status": "pass"}}\n' });
    const r = await runHarness(["eval", "--fixtures", "no-fixtures", "--retries", "0", "-o", "run.json", "--reporter", "terminal,markdown:summary.md"], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("Gate: NOT JUDGED");
    expect(r.stderr).toContain("OPENAI_API_KEY is not set");
    expect(r.stderr).toMatch(/hint: set OPENAI_API_KEY/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Nothing finished: --resume would only run everything again, so it is not offered.
    expect(r.stderr).not.toContain("--resume");
    const report = JSON.parse(await readFile(path.join(dir, "run.json"), "utf8"));
    expect(report.gate).toMatchObject({ status: "fail", judged: false });
    expect(report.gate.notJudgedReason).toMatch(/^the run stopped: .*OPENAI_API_KEY is not set/);
    // The trials that met the missing key say so; the rest were cancelled by the stop.
    const { auth = 0, cancelled = 0 } = report.errors.byCategory;
    expect(auth).toBeGreaterThanOrEqual(1);
    expect(auth + cancelled).toBe(10);
    expect(await readFile(path.join(dir, "summary.md"), "utf8")).toMatch(/not judged/i);
    expect(report.stopped).toMatch(/OPENAI_API_KEY is not set/);
    // Nor is it a point in the trend.
    const hist = await runHarness(["eval", "--fixtures", "no-fixtures", "--retries", "0", "-q", "--history", "h.jsonl"], { cwd: dir });
    expect(hist.code).toBe(3);
    expect(hist.stderr).toContain("The run was stopped: not added to the history h.jsonl");
    await expect(stat(path.join(dir, "h.jsonl"))).rejects.toThrow();
  });

  it("a corrupt fixture found mid-run is bad input: exit 2, and an older report is left as it was", async () => {
    const dir = await copyExamples();
    const fixtureDir = path.join(dir, "fixtures/openai/gpt-4o-mini");
    const [first] = await readdir(fixtureDir);
    await writeFile(path.join(fixtureDir, first!), "");
    await writeFile(path.join(dir, "run.json"), "older\n");
    const r = await runHarness(["eval", "--offline", "-o", "run.json"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(await readFile(path.join(dir, "run.json"), "utf8")).toBe("older\n");
  });

  it("a corrupt fixture: exit 2 naming the file, never a stack trace", async () => {
    const dir = await copyExamples();
    const fixtureDir = path.join(dir, "fixtures/openai/gpt-4o-mini");
    const [first] = await readdir(fixtureDir);
    await writeFile(path.join(fixtureDir, first!), "");
    const r = await runHarness(["eval", "--offline"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`fixtures/openai/gpt-4o-mini/${first}: corrupt fixture: not valid JSON at line 1, column 1`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a fixture that cannot be read (a folder in its place): exit 2 naming it, not an error that shrinks n", async () => {
    const dir = await copyExamples();
    const fixtureDir = path.join(dir, "fixtures/openai/gpt-4o-mini");
    const [first] = await readdir(fixtureDir);
    await rm(path.join(fixtureDir, first!));
    await mkdir(path.join(fixtureDir, first!));
    const r = await runHarness(["eval", "--offline"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`fixtures/openai/gpt-4o-mini/${first}: cannot read the fixture (it is a folder)`);
    expect(r.stdout).not.toContain("Gate: PASS");
  });

  it("--fixtures naming a file, or --offline from a folder that is not there: exit 2 before anything runs", async () => {
    const dir = await copyExamples();
    const file = await runHarness(["eval", "--fixtures", "evals/order-router.yaml"], { cwd: dir });
    expect(file.code).toBe(2);
    expect(file.stderr).toBe("harness: --fixtures evals/order-router.yaml: that is a file; give the fixtures folder\n");
    const typo = await runHarness(["eval", "--offline", "--fixtures", "fixtrues"], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("harness: --offline: no fixtures folder at fixtrues, so nothing to replay");
    expect(typo.stdout).toBe("");
    // Suites of exec: apps alone replay nothing: --offline (as CI runs) needs no folder for them.
    const exec = await makeProject({ "evals/app.yaml": echoSuite("app") });
    const r = await runHarness(["eval", "--offline", "-q"], { cwd: exec });
    expect(r.code, r.stderr).toBe(0);
  });

  it("--offline with even one fixture missing: exit 3, the run is not judged, and the trial is named", async () => {
    const dir = await copyExamples();
    // A changed prompt has no recorded answers: one trial of nine with -k 1.
    const suite = path.join(dir, "evals/refund-policy.yaml");
    await writeFile(suite, (await readFile(suite, "utf8")).replace("Can I get a refund?", "Can I have a refund?"));
    const r = await runHarness(["eval", "--offline", "-k", "1", "--max-error-rate", "0.5", "-o", "r.json"], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/errored \(missing-fixture\): openai:gpt-4o-mini: no answer is recorded for this request: /);
    expect(r.stderr).toContain("1 trial has no recorded answer in the fixtures");
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    const errors = report.suites.flatMap((s: { cases: { trials: { error: { message: string } | null }[] }[] }) => s.cases.flatMap((c) => c.trials.flatMap((t) => (t.error ? [t.error.message] : []))));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^openai:gpt-4o-mini: no answer is recorded for this request: the prompt, its vars or the model changed since the fixtures were recorded \(trial 0: fixtures\/openai\/gpt-4o-mini\/[0-9a-f]+\.json\)$/);
    expect(report.errors.share).toBeCloseTo(1 / 9, 10); // under --max-error-rate 0.5, and still not judged
    expect(report.gate.judged).toBe(false);
  });

  it("more trials than were recorded: the error says how many are, and -k that many, offline and with no key", async () => {
    const dir = await copyExamples();
    const offline = await runHarness(["eval", "evals/order-router.yaml", "--offline", "-k", "6", "--max-error-rate", "0.5"], { cwd: dir });
    expect(offline.code).toBe(3);
    expect(offline.stdout).toMatch(/errored \(missing-fixture\): openai:gpt-4o-mini: only 5 trials are recorded for this request \(trial 5: fixtures\/openai\/gpt-4o-mini\/[0-9a-f]+\.json\)/);
    // Without --offline and with no key, the hint was that the prompt or model had changed.
    const live = await runHarness(["eval", "evals/order-router.yaml", "-k", "6", "-q"], { cwd: dir });
    expect(live.code).toBe(3);
    expect(live.stderr).toContain("OPENAI_API_KEY is not set, and only 5 trials are recorded for this request (trial 5: ");
    expect(live.stderr).toContain("hint: set OPENAI_API_KEY; or, if you expected a replay, ask for no more trials (-k 5), or record the rest: the same command with --record and a key");
  });

  it("a model nothing is recorded for (-p): the hint records with the same command, not the suites' own model", async () => {
    const dir = await copyExamples();
    const r = await runHarness(["eval", "evals/order-router.yaml", "-p", "openai:gpt-4o", "-q"], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("OPENAI_API_KEY is not set, and no answer is recorded for this request");
    // `harness eval --record` alone would record gpt-4o-mini, the suites' own, and the replay would miss again.
    expect(r.stderr).toContain("if you expected a replay, record it: the same command with --record and a key");
    expect(r.stderr).not.toContain("harness eval --record");
  });

  it("--offline with a judge's answer missing (a changed rubric) is not judged either", async () => {
    const dir = await copyExamples();
    const suite = path.join(dir, "evals/refund-policy.yaml");
    await writeFile(suite, (await readFile(suite, "utf8")).replace("says a person will follow up.", "says a person will follow up today."));
    const r = await runHarness(["eval", "--offline", "--max-error-rate", "0.5", "-o", "r.json"], { cwd: dir });
    expect(r.code).toBe(3);
    // A newcomer whose app's answer changed was told only that "a prompt, model or rubric" had.
    expect(r.stdout).toMatch(/errored \(missing-fixture\): judge openai:gpt-4o-mini missing-fixture: openai:gpt-4o-mini: no verdict is recorded for this judge on this answer: the answer it gr/);
    expect(r.stdout).toContain("a changed prompt, model, rubric or judged answer, or more trials than were recorded, needs recording with --record");
    // Reporting to files only, stderr still says which case and which fixture.
    const quiet = await runHarness(["eval", "--offline", "--max-error-rate", "0.5", "--reporter", "json:q.json"], { cwd: dir });
    expect(quiet.stderr).toMatch(/; the first: refund-policy\/[a-z-]+: judge openai:gpt-4o-mini missing-fixture: .*the answer it grades \(or its rubric, or the judge\) changed since the fixtures were recorded \(vote 1 on this output: fixtures\/openai\/gpt-4o-mini\/[0-9a-f]+\.json\)\n/);
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    expect(report.errors.share).toBeLessThan(0.5);
    expect(report.gate.judged).toBe(false);
  });

  it("a --baseline named on the command line must exist: a typo never turns the gate off", async () => {
    const dir = await copyExamples();
    const r = await runHarness(["eval", "--offline", "--baseline", "evals/baselne.json"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no baseline at evals/baselne.json");
  });

  it("--update-baseline still enforces thresholds, and writes nothing when one fails", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(4, "threshold:\n  passHatK: 0.9") });
    bad = (c, nth) => c === 1 && nth === 2;
    const r = await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("The baseline was not written: a suite threshold was not met");
    await expect(stat(path.join(dir, "evals/baseline.json"))).rejects.toThrow();
  });

  it("a provider that keeps failing: exit 3 as soon as the run can no longer be judged", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2) });
    server.handle(() => ({ kind: "status", status: 500 }));
    const r = await runHarness(["eval", ...common], { cwd: dir, env });
    expect(r.code).toBe(3);
    // 10% of 10 trials allows 1 errored: the second stops the run.
    expect(r.stderr).toContain("2 of 10 trials errored (server-error 2), more than the 10% allowed: the run can no longer be judged, so it stopped there\n");
    expect(r.stderr).toContain("--max-error-rate");
    // Those the stop cancelled never ran: not said to have errored.
    expect(r.stdout).toMatch(/(\d+) of 10 trials errored \(server-error \1\), and (\d+) were cancelled when the run stopped\./);
    expect(r.stdout).toContain("Gate: NOT JUDGED");
    expect(r.stdout).not.toContain("Gate: PASS");
  });

  it("a run where every trial errored is never a pass, whatever --max-error-rate allows", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2) });
    server.handle(() => ({ kind: "status", status: 500 }));
    const r = await runHarness(["eval", ...common, "--max-error-rate", "1", "-o", "r.json"], { cwd: dir, env });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("Gate: NOT JUDGED (all 10 trials errored: nothing was judged)");
    // Raising the rate cannot help a run with nothing judged.
    expect(r.stderr).toContain("hint: see the errors above; fix the provider, key or fixtures\n");
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    expect(report.gate).toMatchObject({ status: "fail", judged: false });
  });

  it("a grader module with a syntax error: exit 2 at its line and column, before any call", async () => {
    const dir = await makeProject({
      "evals/demo.yaml": 'provider: exec:echo ok\nprompt: hi\ngraders:\n  - { type: javascript, file: check.mjs }\ncases:\n  - id: a\n',
      "evals/check.mjs": 'export default function g(o) {\n  return o.includes("x"));\n}\n',
    });
    const r = await runHarness(["eval"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${path.join("evals", "check.mjs")}:2:25  this grader module does not load: Unexpected token ')'\n1 problem in 1 file. Nothing was run.\n`);
  });

  it("a grader naming a function its module lacks: exit 2 at the suite's export: (or file:), before any call", async () => {
    const lines = (...ls: string[]) => `${ls.join("\n")}\n`;
    const dir = await makeProject({
      "evals/demo.yaml": lines(
        /*  1 */ "provider: exec:echo ok",
        /*  2 */ "prompt: hi",
        /*  3 */ "cases:",
        /*  4 */ "  - id: a",
        /*  5 */ "    graders:",
        /*  6 */ "      - type: javascript",
        /*  7 */ "        file: checks.mjs",
        /*  8 */ "        export: nope",
        /*  9 */ "  - id: b",
        /* 10 */ "    graders: [{ type: javascript, file: checks.mjs }]",
        /* 11 */ "  - id: c",
        /* 12 */ "    graders: [{ type: javascript, file: checks.mjs, export: orderJson }]",
      ),
      // Another suite, in another folder, names the same function for all its cases.
      "evals/more/other.yaml": lines("provider: exec:echo ok", "prompt: hi", "graders:", "  - { type: javascript, file: ../checks.mjs, export: nope }", "cases:", "  - id: a", "  - id: b"),
      "evals/checks.mjs": "export function orderJson() {\n  return true;\n}\n",
    });
    const r = await runHarness(["eval"], { cwd: dir });
    expect(r.code).toBe(2);
    const module = path.join("evals", "checks.mjs");
    const lacks = (name: string) => `${module}: this grader module has no exported function "${name}" (its functions: orderJson); name one with export:`;
    expect(r.stderr).toBe(
      lines(
        `${path.join("evals", "demo.yaml")}:8:9  cases[0].graders[0].export  ${lacks("nope")}`,
        `${path.join("evals", "demo.yaml")}:10:35  cases[1].graders[0].file  ${lacks("default")}`,
        `${path.join("evals", "more", "other.yaml")}:4:46  graders[0].export  ${lacks("nope")}`,
        "3 problems in 2 files. Nothing was run.",
      ),
    );
    expect(r.stdout).toBe("");
  });

  it("a Ctrl-C while a grader module is still loading stops the run at once (exit 130)", { timeout: 20_000 }, async () => {
    const dir = await makeProject({
      "evals/demo.yaml": 'provider: exec:echo ok\nprompt: hi\ngraders:\n  - { type: javascript, file: slow.mjs }\ncases:\n  - id: a\n',
      "evals/slow.mjs": 'import { writeFileSync } from "node:fs";\nwriteFileSync("loading", "");\nawait new Promise((r) => setTimeout(r, 60_000));\nexport default () => true;\n',
    });
    const r = await interruptedWhen(["eval", "--timeout", "60000"], { cwd: dir, file: "loading", what: "the module to start loading" });
    expect(r.code).toBe(130);
  });

  it("a run stopped by a grader that throws says to fix the graders, not the provider", async () => {
    const dir = await makeProject({
      "evals/demo.yaml": 'provider: exec:echo ok\nprompt: hi\ngraders:\n  - { type: javascript, file: check.mjs }\ncases:\n  - id: a\n  - id: b\n',
      "evals/check.mjs": "export default () => { throw new Error('boom'); };\n",
    });
    const r = await runHarness(["eval", "-k", "5"], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/hint: the first: check.mjs threw: boom; fix the graders \(a javascript grader that throws, .*\), or allow more with --max-error-rate\n/);
    const all = await runHarness(["eval", "-k", "5", "--max-error-rate", "1"], { cwd: dir });
    expect(all.code).toBe(3);
    expect(all.stderr).toMatch(/hint: see the errors above; fix the graders \(.*\)\n/);
  });

  it("answers cut at the token limit: with no text, errored trials naming maxTokens; with text, graded and counted", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2, "  - type: not-icontains\n    value: lifetime") });
    const cutAt = (content: string) => ({
      kind: "body" as const,
      body: { id: "c", object: "chat.completion", created: 1, model: "gpt-5-mini", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "length" }], usage: { prompt_tokens: 20, completion_tokens: 50 } },
    });
    // A reasoning model that spent maxTokens thinking: before, the guard passed all ten empty answers.
    server.handle(() => cutAt(""));
    const empty = await runHarness(["eval", ...common, "-o", "empty.json"], { cwd: dir, env });
    expect(empty.code).toBe(3);
    expect(empty.stderr).toMatch(/trials errored \(max-tokens \d+\)/);
    expect(empty.stderr).toContain("the model stopped at the token limit before writing any text (finish_reason \"length\"): nothing to grade; raise maxTokens in this model's config");
    expect(empty.stderr).toContain("fix the provider's maxTokens (answers stopped at it before any text)");
    server.handle(() => cutAt("ok, the warranty covers"));
    const cut = await runHarness(["eval", ...common, "-o", "cut.json"], { cwd: dir, env });
    expect(cut.code, cut.stderr).toBe(0);
    expect(cut.stdout).toContain("10 trials: 10 passed");
    expect(cut.stdout).toContain("10 answers cut at the token limit (maxTokens)");
    const report = JSON.parse(await readFile(path.join(dir, "cut.json"), "utf8"));
    expect(report.suites[0].truncations).toBe(10);
    expect(report.suites[0].cases[0].trials[0]).toMatchObject({ output: "ok, the warranty covers", passed: true, truncated: true });
    // Recorded, the replay says so too: the fixture keeps that the answer was cut.
    expect((await runHarness(["eval", "-q", "--retries", "0", "--record", "--fixtures", "fx"], { cwd: dir, env })).code).toBe(0);
    const replay = await runHarness(["eval", "-q", "--offline", "--fixtures", "fx", "-o", "replay.json"], { cwd: dir });
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain("10 answers cut at the token limit (maxTokens)");
    expect(JSON.parse(await readFile(path.join(dir, "replay.json"), "utf8")).suites[0].truncations).toBe(10);
  });

  it("the SDK's warning that a model is deprecated is said once in the run, not at every call", async () => {
    const suite = `provider: { id: anthropic:claude-sonnet-4-5, config: { baseURL: "${server.anthropicBaseURL}" } }\nprompt: hi\ntrials: 3\ngraders: [{ type: contains, value: ok }]\ncases: [{ id: a }, { id: b }]\n`;
    const dir = await makeProject({ "evals/demo.yaml": suite });
    const r = await runHarness(["eval", ...common], { cwd: dir, env: { ANTHROPIC_API_KEY: "sk-ant-test-abcdefghijklmnop" } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/is deprecated/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/^harness: warning: The model 'claude-sonnet-4-5' is deprecated/m);
  });

  it("--timeout above 10 minutes reaches the SDK, whose own default would end the call at 10", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(1) });
    server.handle(answer);
    server.requests.length = 0;
    const r = await runHarness(["eval", ...common, "-k", "1", "--timeout", "1800000"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    // The SDK sends the timeout it keeps, in seconds.
    expect(server.requests.map((q) => q.headers["x-stainless-timeout"])).toEqual(["1800"]);
  });

  it("a run stopped by unreadable answers, with no judge in it, says to fix the provider, not the judge", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2) });
    server.handle(() => ({ kind: "malformed" }));
    const r = await runHarness(["eval", ...common], { cwd: dir, env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/; fix the provider \(its answers could not be read\), or allow more with --max-error-rate\n/);
    const all = await runHarness(["eval", ...common, "--max-error-rate", "1"], { cwd: dir, env });
    expect(all.code).toBe(3);
    expect(all.stderr).toContain("hint: see the errors above; fix the provider (its answers could not be read)\n");
  });

  it("a shard with more errors than its own share, but within the whole run's, defers to merge, which judges", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(8) });
    // Three errored trials of case-1: more than 10% of its shard's 20, not of the whole run's 40.
    let failed = 0;
    server.handle((req) => (JSON.stringify(req.body.messages).includes("question 1\"") && failed++ < 3 ? { kind: "status", status: 500 } : answer(req)));
    const codes = [];
    for (const i of [1, 2]) codes.push((await runHarness(["eval", ...common, "--shard", `${i}/2`, "-o", `s${i}.json`], { cwd: dir, env })).code);
    expect(failed).toBeGreaterThanOrEqual(3);
    expect(codes).toEqual([0, 0]);
    const merged = await runHarness(["merge", "s1.json", "s2.json", "-o", "all.json"], { cwd: dir });
    expect(merged.code, merged.stdout + merged.stderr).toBe(0);
    const all = JSON.parse(await readFile(path.join(dir, "all.json"), "utf8"));
    expect(all.errors).toMatchObject({ errored: 3, total: 40 });
    expect(all.gate.judged).toBe(true);
  });

  it("a shard whose provider keeps failing stops once its errors alone are more than the whole run allows", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(8) });
    server.handle(() => ({ kind: "status", status: 500 }));
    const r = await runHarness(["eval", ...common, "--shard", "1/2", "-o", "s1.json"], { cwd: dir, env });
    expect(r.code).toBe(3);
    // 10% of the whole run's 40 trials allows 4 errored: the fifth stops this shard.
    expect(r.stderr).toContain("5 trials errored (server-error 5), more than 10% of the whole run's 40: it can no longer be judged, so this part of it stopped there\n");
    const report = JSON.parse(await readFile(path.join(dir, "s1.json"), "utf8"));
    expect(report.errors.byCategory.cancelled).toBeGreaterThan(0);

    // The other shard runs to the end; merge cannot judge the whole, and names the part that stopped.
    server.handle(answer);
    expect((await runHarness(["eval", ...common, "--shard", "2/2", "-o", "s2.json"], { cwd: dir, env })).code).toBe(0);
    const merged = await runHarness(["merge", "s1.json", "s2.json", "-o", "all.json"], { cwd: dir });
    expect(merged.code).toBe(3);
    const why = "shard 1/2 (s1.json): 5 trials errored (server-error 5), more than 10% of the whole run's 40: it can no longer be judged, so this part of it stopped there";
    expect(merged.stderr).toContain(`the merged run could not be judged: the run stopped: ${why}`);
    const all = JSON.parse(await readFile(path.join(dir, "all.json"), "utf8"));
    expect(all.stopped).toBe(why);
  });

  it("a run that is not judged says so in the JSON too: gate.status is never pass", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2) });
    server.handle(() => ({ kind: "status", status: 503 }));
    const r = await runHarness(["eval", ...common, "-o", "r.json", "--update-baseline"], { cwd: dir, env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("The baseline was not written");
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    expect(report.gate).toMatchObject({ status: "fail", judged: false });
    expect(report.gate.notJudgedReason).toBe("the run stopped: 2 of 10 trials errored (server-error 2), more than the 10% allowed: the run can no longer be judged, so it stopped there");
    await expect(stat(path.join(dir, "evals/baseline.json"))).rejects.toThrow();
  });

  it("an -o path that cannot be written: exit 2 before any model call", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2), "out/keep.txt": "x" });
    const before = server.requests.length;
    const r = await runHarness(["eval", ...common, "-o", "out"], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-o\/--output .*out is a folder/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(server.requests.length).toBe(before);
  });

  it("--require-baseline: a missing baseline is exit 2, not a silent pass", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2) });
    const r = await runHarness(["eval", ...common, "--require-baseline"], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no baseline at evals/baseline.json");
  });
});

describe("interruption", () => {
  it("SIGINT mid-run cancels the calls in flight, reports what finished, and exits 130", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2) });
    server.handle(() => ({ kind: "hang" }));
    const before = server.requests.length;
    let pid = 0;
    const run = runHarness(["eval", ...common, "-o", "partial.json", "--update-baseline"], { cwd: dir, env, onSpawn: (p) => (pid = p) });
    // Signal once the run is really under way: a request has reached the server.
    while (server.requests.length === before) await new Promise((r) => setTimeout(r, 20));
    process.kill(pid, "SIGINT");
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stdout).toContain("Interrupted by SIGINT");
    const report = JSON.parse(await readFile(path.join(dir, "partial.json"), "utf8"));
    expect(report.interrupted).toBe("SIGINT");
    expect(report.errors.byCategory.cancelled).toBe(10);
    // An interrupted run is never made the baseline.
    await expect(stat(path.join(dir, "evals/baseline.json"))).rejects.toThrow();
  });
});

describe("interruption of an exec: app", () => {
  // Ctrl-C writes the report first; a hang-up (the terminal gone) leaves at once, through exit.
  it.each([
    ["SIGINT", 130],
    ["SIGHUP", 129],
  ] as const)("%s ends an app that ignores SIGTERM when harness exits, without waiting out its grace", async (signal, code) => {
    const stubborn = `import { appendFileSync } from "node:fs";\nprocess.on("SIGTERM", () => {});\nappendFileSync("pids", process.pid + "\\n");\nsetInterval(() => {}, 1000);\n`;
    const suite = ["name: app", `provider: 'exec:${JSON.stringify(process.execPath)} stubborn.mjs'`, 'prompt: "hi"', "trials: 1", "graders:", "  - type: contains", "    value: ok", "cases:", "  - id: a"].join("\n");
    const dir = await makeProject({ "evals/app.yaml": `${suite}\n`, "stubborn.mjs": stubborn });
    let pid = 0;
    const run = runHarness(["eval", "-q", "--retries", "0"], { cwd: dir, env: {}, onSpawn: (p) => (pid = p) });
    const pidsFile = path.join(dir, "pids");
    let app = 0;
    while (!app) {
      app = Number((await readFile(pidsFile, "utf8").catch(() => "")).trim().split("\n")[0]);
      await new Promise((r) => setTimeout(r, 20));
    }
    process.kill(pid, signal);
    expect((await run).code).toBe(code);
    // Harness exits as soon as it can, well inside the app's 2 s grace: only the kill at exit
    // can have ended the app in the second that follows.
    const exited = Date.now();
    const running = () => {
      try {
        process.kill(app, 0);
      } catch {
        return false;
      }
      // A dead orphan stays a zombie where the container's init does not reap it (Linux: /proc).
      const stat = existsSync(`/proc/${app}/stat`) ? readFileSync(`/proc/${app}/stat`, "utf8") : "";
      return !/\) Z/.test(stat);
    };
    while (running() && Date.now() - exited < 1_000) await new Promise((r) => setTimeout(r, 20));
    expect(running()).toBe(false);
  }, 30_000);
});

describe("interruption, delivered twice at once", () => {
  it("one Ctrl-C that arrives twice (npx and node, or timeout and its group) still reports and exits 130", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2) });
    server.handle(() => ({ kind: "hang" }));
    const before = server.requests.length;
    let pid = 0;
    const run = runHarness(["eval", ...common, "-o", "partial.json"], { cwd: dir, env, onSpawn: (p) => (pid = p) });
    while (server.requests.length === before) await new Promise((r) => setTimeout(r, 20));
    process.kill(pid, "SIGINT");
    process.kill(pid, "SIGINT");
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stdout).toContain("Interrupted by SIGINT");
    expect(JSON.parse(await readFile(path.join(dir, "partial.json"), "utf8")).interrupted).toBe("SIGINT");
  });
});

describe("an output path that cannot be written", () => {
  it("is exit 2 naming the path, before any call, not an internal error", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2), "afile": "not a folder\n" });
    const before = server.requests.length;
    for (const args of [["-o", "afile/x.json"], ["--reporter", "html:afile/x.html"]]) {
      const r = await runHarness(["eval", ...common, ...args], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain("afile/x.");
      expect(r.stderr).toContain("afile is a file, not a folder");
      expect(r.stderr).not.toContain("internal error");
    }
    // Node's recursive mkdir spins forever under /proc; harness must say no at once (Linux only).
    if (existsSync("/proc/self/stat")) {
      const r = await runHarness(["eval", ...common, "-o", "/proc/harness-no-such-folder/run.json"], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain("/proc/harness-no-such-folder/run.json: cannot write there");
    }
    expect(server.requests.length).toBe(before);
  });
});

describe("secrets", () => {
  /** Every file under dir, as text. */
  const textsIn = async (dir: string): Promise<string[]> => {
    const texts: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else texts.push(await readFile(p, "utf8"));
      }
    };
    await walk(dir);
    return texts;
  };
  const everyReporter = ["--reporter", "terminal,json:r2.json,junit:j.xml,markdown:m.md,html:h.html,github", "-o", "report.json"];

  it("the API key reaches no report, fixture, baseline or output", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2) });
    const r = await runHarness(["eval", "-q", "--record", "--update-baseline", "-o", "report.json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    // The key did reach the server, so the check below is not vacuous.
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);
    const texts = [r.stdout, r.stderr, ...(await textsIn(dir))];
    expect(texts.length).toBeGreaterThan(4 + 2);
    for (const t of texts) expect(t).not.toContain(SECRET);
  });

  it.each([
    [400, "every trial errored"],
    [401, "the key was refused: the run stopped"],
  ])("a server that echoes the key in an HTTP %i error (%s): it reaches no report, journal or message", async (status) => {
    server.handle((req) => ({ kind: "status", status, message: `Incorrect API key provided: ${req.headers.authorization}; x-api-key: ${SECRET}` }));
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2) });
    const r = await runHarness(["eval", ...common, ...everyReporter, "--history"], { cwd: dir, env: { ...env, GITHUB_ACTIONS: "true" } });
    expect(r.code, r.stderr).toBe(3);
    // The error itself is still told, with the key masked.
    const report = await readFile(path.join(dir, "report.json"), "utf8");
    expect(report).toContain("Incorrect API key provided: Bearer ***");
    const texts = [r.stdout, r.stderr, ...(await textsIn(dir))];
    expect(texts.length).toBeGreaterThan(6);
    for (const t of texts) expect(t).not.toContain(SECRET);
  });

  it("an exec app that prints a key, in its answer or its error output, and a javascript grader in its reason: masked in all", async () => {
    const key = "tok_4f9a2c7e1b";
    const dir = await makeProject({
      "app.mjs": [
        "let input = ''; for await (const c of process.stdin) input += c;",
        "if (JSON.parse(input).vars.n === 2) { console.error(`Error: upstream said 401 for key ${process.env.SHOP_API_KEY}`); process.exit(1); }",
        "console.log(`ok, calling with ${process.env.SHOP_API_KEY}`);",
      ].join("\n"),
      "g.mjs": "export default () => ({ pass: true, reason: `checked with ${process.env.SHOP_API_KEY}` });\n",
      "evals/demo.yaml": suiteYaml(2)
        .replace(/provider:\n(  .*\n)+/, "provider: exec:node app.mjs\n")
        .replace("trials: 5", "trials: 1")
        .replace("graders:\n", "graders:\n  - type: javascript\n    file: ../g.mjs\n"),
    });
    // Errors allowed, so that the erroring case cannot stop the run before the other answers.
    const r = await runHarness(["eval", ...common, ...everyReporter, "--max-error-rate", "1"], { cwd: dir, env: { SHOP_API_KEY: key } });
    expect(r.code, r.stderr).toBe(0);
    const report = await readFile(path.join(dir, "report.json"), "utf8");
    expect(report).toContain("ok, calling with ***");
    expect(report).toContain("upstream said 401 for key ***");
    expect(report).toContain("checked with ***");
    for (const t of [r.stdout, r.stderr, ...(await textsIn(dir))]) expect(t).not.toContain(key);
    // The answer that lost the value says so, by the variable's name: it was graded masked.
    expect(JSON.parse(report).masked).toEqual([{ source: "$SHOP_API_KEY", answers: 1 }]);
    expect(r.stdout).toContain("1 answer held the value of $SHOP_API_KEY, masked as *** before it was graded or recorded.");
  });
});

describe("answers that held a secret's value", () => {
  it("are said to be masked when recorded, resumed, replayed without the variable, and merged", async () => {
    // The model's answers hold the value, and so does the judge's reasoning.
    server.handle((req) => (req.body.response_format ? { kind: "structured", value: { reasoning: "it names pg-pass-7f3e2d", verdict: "pass", score: 1 } } : { kind: "answer", text: "We use pg-pass-7f3e2d 16." }));
    const judge = `  - type: rubric\n    value: Names the database.\n    judge: { id: openai:gpt-4o-mini, config: { baseURL: "${server.openaiBaseURL}" } }`;
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(2, judge) });
    const record = ["--fixtures", "fx", "-q", "--retries", "0", "-o", "r.json"];
    const secretEnv = { ...env, PGPASSWORD: "pg-pass-7f3e2d" };
    // 10 answers of the model, and 1 of the judge (all 10 outputs ask it one question).
    const line = "11 answers held the value of $PGPASSWORD, masked as *** before they were graded or recorded.";
    const recorded = await runHarness(["eval", ...record, "--record"], { cwd: dir, env: secretEnv });
    expect(recorded.stdout).toContain(line);
    const resumed = await runHarness(["eval", ...record, "--resume"], { cwd: dir, env: secretEnv });
    expect(resumed.stdout).toContain(line);
    // CI replays with no such variable: the answers still hold ***, and the run says why.
    const replayed = await runHarness(["eval", ...record, "--offline"], { cwd: dir, env: {} });
    expect(replayed.stdout).toContain(line);
    expect(JSON.parse(await readFile(path.join(dir, "r.json"), "utf8")).masked).toEqual([{ source: "$PGPASSWORD", answers: 11 }]);
    // Sharded CI: each shard asks the judge once; merge counts what the shards did.
    for (const i of [1, 2]) expect((await runHarness(["eval", "--fixtures", "fx", "-q", "--offline", "--shard", `${i}/2`, "-o", `s${i}.json`], { cwd: dir, env: {} })).code).toBe(0);
    const merged = await runHarness(["merge", "s1.json", "s2.json", "-o", "m.json"], { cwd: dir });
    expect(JSON.parse(await readFile(path.join(dir, "m.json"), "utf8")).masked).toEqual([{ source: "$PGPASSWORD", answers: 12 }]);
    for (const t of [recorded.stdout, resumed.stdout, replayed.stdout, merged.stdout, await readFile(path.join(dir, "r.json"), "utf8")]) expect(t).not.toContain("pg-pass-7f3e2d");
  });
});

describe("secrets in a grader that cannot load", () => {
  it("a javascript grader whose module throws as it loads, quoting the environment: the values are masked", async () => {
    const dir = await makeProject({
      "g.mjs": "throw new Error(`connect failed to ${process.env.DATABASE_URL} with ${process.env.MY_API_TOKEN}`);\n",
      "evals/demo.yaml": "name: d\nprovider: exec:echo ok\nprompt: hi\ntrials: 1\ngraders:\n  - type: javascript\n    file: ../g.mjs\ncases:\n  - id: a\n",
    });
    const env = { DATABASE_URL: "postgres://app:pw-9f8e7d6c@db/x", MY_API_TOKEN: "tok_5a4b3c2d1e" };
    const r = await runHarness(["eval", "-q", "-o", "r.json", "--max-error-rate", "1"], { cwd: dir, env });
    // Found before any call: a problem of the suite's, exit 2, the module named at the throw.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("g.mjs:1:7  this grader module does not load: connect failed to *** with ***\n");
    expect(existsSync(path.join(dir, "r.json"))).toBe(false);
    for (const t of [r.stdout, r.stderr]) for (const v of Object.values(env)) expect(t).not.toContain(v);
  });
});

describe("no output overwrites an input", () => {
  /** Every file under dir with its bytes, to show nothing changed. */
  async function snapshot(dir: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else out.set(path.relative(dir, p), await readFile(p, "utf8"));
      }
    };
    await walk(dir);
    return out;
  }

  it.each([
    [["-o", "evals/order-router.yaml"], "-o/--output evals/order-router.yaml: that is a suite file"],
    [["-o", "evals/baseline.json"], "-o/--output evals/baseline.json: that is the baseline"],
    [["-o", "evals/graders/order-fields.js"], 'that is read by suite "order-router"'],
    [["-o", "evals/prompts/refund.md"], 'that is read by suite "refund-policy"'],
    [["-o", "fixtures/openai/x.json"], "that is inside the fixtures folder (fixtures)"],
    [["--reporter", "markdown:evals/refund-policy.yaml"], "--reporter markdown evals/refund-policy.yaml: that is a suite file"],
    [["--journal", "evals/order-router.yaml"], "the journal (--journal) evals/order-router.yaml: that is a suite file"],
    [["--reporter", "junit:same.txt,markdown:same.txt"], "--reporter markdown and --reporter junit would both write same.txt"],
    [["--update-baseline", "-o", "evals/baseline.json"], "--update-baseline and -o/--output would both write evals/baseline.json"],
  ])("eval %j: exit 2, and every file as it was", async (args, said) => {
    const dir = await copyExamples();
    const before = await snapshot(dir);
    const r = await runHarness(["eval", "--offline", "-q", ...args], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(said);
    expect(r.stderr).not.toContain("internal error");
    expect(await snapshot(dir)).toEqual(before);
  });

  it("report and merge: a report is never written over the run it reads", async () => {
    const dir = await copyExamples();
    expect((await runHarness(["eval", "--offline", "-q", "-o", "run.json"], { cwd: dir })).code).toBe(0);
    const before = await snapshot(dir);
    const report = await runHarness(["report", "run.json", "--reporter", "html:run.json"], { cwd: dir });
    expect(report.code).toBe(2);
    expect(report.stderr).toContain("--reporter html run.json: that is the run report");
    const merge = await runHarness(["merge", "run.json", "-o", "run.json"], { cwd: dir });
    expect(merge.code).toBe(2);
    expect(merge.stderr).toContain("-o/--output run.json: that is a shard report to merge");
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe("a baseline that is not this run's", () => {
  /** The examples, with a baseline whose only suite is another project's. */
  async function withForeignBaseline(): Promise<string> {
    const dir = await copyExamples();
    const file = path.join(dir, "evals/baseline.json");
    const b = JSON.parse(await readFile(file, "utf8")) as { suites: Record<string, unknown> };
    b.suites = { "other-project": Object.values(b.suites)[0] };
    await writeFile(file, JSON.stringify(b));
    return dir;
  }

  it("with --require-baseline: exit 2 before anything runs, naming both sides' suites", async () => {
    const dir = await withForeignBaseline();
    const r = await runHarness(["eval", "--offline", "-q", "--require-baseline"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("harness: the baseline evals/baseline.json has none of this run's cases (its suites: other-project; this run's: order-router, refund-policy)");
    expect(r.stdout).toBe("");
  });

  it("without it: a warning that nothing can regress, and the suite it holds is listed as not run", async () => {
    const dir = await withForeignBaseline();
    const r = await runHarness(["eval", "--offline"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("every case is new, so nothing can regress");
    expect(r.stdout).toContain("in the baseline but not run: suite other-project (4 cases; renamed, or not asked for?)");
  });

  it("not refused where sharing nothing is expected: a shard (merge judges the whole), or a new suite run by name", async () => {
    const dir = await copyExamples();
    for (const shard of ["1/3", "2/3", "3/3"]) {
      const r = await runHarness(["eval", "--offline", "-q", "--require-baseline", "--shard", shard], { cwd: dir });
      expect(r.code, `${shard}: ${r.stderr}`).toBe(0);
      expect(r.stderr).not.toContain("none of this run's cases");
    }
    await writeFile(path.join(dir, "evals/fresh.yaml"), echoSuite("fresh"));
    const named = await runHarness(["eval", "--offline", "-q", "--require-baseline", "evals/fresh.yaml"], { cwd: dir });
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).toContain("every case is new, so nothing can regress");
  });

  it("a folder named on the command line is a run of the suites, as no path is; and merge checks the shards' whole", async () => {
    const dir = await withForeignBaseline();
    const folder = await runHarness(["eval", "evals/", "--offline", "-q", "--require-baseline"], { cwd: dir });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain("none of this run's cases");
    for (const i of [1, 2]) expect((await runHarness(["eval", "--offline", "-q", "--require-baseline", "--shard", `${i}/2`, "-o", `s${i}.json`], { cwd: dir })).code).toBe(0);
    const merged = await runHarness(["merge", "s1.json", "s2.json", "--require-baseline"], { cwd: dir });
    expect(merged.code).toBe(2);
    expect(merged.stderr).toContain("harness: the baseline evals/baseline.json has none of this run's cases");
  });

  it("compare --against-baseline: exit 2, nothing to compare", async () => {
    const dir = await withForeignBaseline();
    const r = await runHarness(["compare", "--offline", "--against-baseline"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("none of this run's cases");
  });

  it("a run of some suites names the baseline's others as not run, and still gates the ones it ran", async () => {
    const dir = await copyExamples();
    const r = await runHarness(["eval", "--offline", "--require-baseline", "evals/order-router.yaml"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("in the baseline but not run: suite refund-policy (5 cases; renamed, or not asked for?)");
    expect(r.stdout).toContain("Gate: PASS");
  });

  it('a suite named "__proto__", which would vanish from the baseline, is refused', async () => {
    const dir = await makeProject({ "evals/x.yaml": echoSuite("__proto__") });
    const r = await runHarness(["eval"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"__proto__" is reserved');
  });
});

describe("report reads back only a report as harness writes it", () => {
  it.each([
    ["cases", (r: any) => void (r.suites[0].cases = "x"), "suites[0].cases  expected array, received string"],
    ["a grade's type", (r: any) => void (r.suites[0].cases[0].trials[0].grades[0].type = 1), "suites[0].cases[0].trials[0].grades[0].type  expected string, received number"],
    ["gate.status", (r: any) => void (r.gate.status = "weird"), 'gate.status  expected one of: pass, fail'],
    ["comparison's gradersChanged", (r: any) => void (r.comparison.cases[0].gradersChanged = "yes"), "comparison.cases[0].gradersChanged  expected boolean, received string"],
    // The accept hint names them: an object there was a stack trace, a string "<the 16 shard reports>".
    ["mergedFrom", (r: any) => void (r.mergedFrom = [{ file: "a.json" }]), "mergedFrom[0]  expected string, received object"],
  ])("a hand-edited %s: exit 2 at its line, never a stack trace or a pass", async (_what, edit, said) => {
    const dir = await copyExamples();
    expect((await runHarness(["eval", "--offline", "-q", "-o", "run.json"], { cwd: dir })).code).toBe(0);
    const report = JSON.parse(await readFile(path.join(dir, "run.json"), "utf8"));
    edit(report);
    await writeFile(path.join(dir, "run.json"), JSON.stringify(report, null, 2));
    for (const reporter of ["terminal", "html:r.html"]) {
      const r = await runHarness(["report", "run.json", "--reporter", reporter], { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^run\\.json:\\d+:\\d+  ${said.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "m"));
      expect(r.stderr).not.toContain("internal error");
    }
  });

  it("a report edited by hand: every problem in the suite loader's words, at its line and column; from another version: said so; exit 2", async () => {
    const dir = await copyExamples();
    expect((await runHarness(["eval", "--offline", "-q", "-o", "run.json"], { cwd: dir })).code).toBe(0);
    const report = JSON.parse(await readFile(path.join(dir, "run.json"), "utf8"));
    delete report.startedAt;
    report.suites[0].name = 5;
    report.gate.status = "weird";
    const text = JSON.stringify(report, null, 2);
    await writeFile(path.join(dir, "edited.json"), text);
    const lines = text.split("\n");
    const lineOf = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    const edited = await runHarness(["report", "edited.json"], { cwd: dir });
    expect(edited.code).toBe(2);
    expect(edited.stderr).toBe(
      [
        "edited.json:1:1  startedAt  missing required key; expected string",
        `edited.json:${lineOf('"name": 5')}:15  suites[0].name  expected string, received number`,
        `edited.json:${lineOf('"status": "weird"')}:15  gate.status  expected one of: pass, fail`,
        "3 problems in 1 file. Nothing was run.",
        "",
      ].join("\n"),
    );
    await writeFile(path.join(dir, "later.json"), JSON.stringify({ ...report, schemaVersion: 2 }));
    const later = await runHarness(["report", "later.json"], { cwd: dir });
    expect(later.code).toBe(2);
    expect(later.stderr).toBe(
      "later.json  the run report has schemaVersion 2, not one this harness reads (1)\n1 problem in 1 file. Nothing was run.\n" +
        "hint: it was written by a different harness version: read it with that version, or write it again with this one\n",
    );
  });
});

describe("report reads back what earlier versions wrote", () => {
  it("a report from before latency max (suites' latencyMs without max) renders as it did", async () => {
    const dir = await copyExamples();
    expect((await runHarness(["eval", "--offline", "-q", "-o", "run.json"], { cwd: dir })).code).toBe(0);
    const report = JSON.parse(await readFile(path.join(dir, "run.json"), "utf8")) as { suites: { latencyMs: Record<string, unknown> }[] };
    for (const s of report.suites) delete s.latencyMs.max;
    await writeFile(path.join(dir, "old.json"), JSON.stringify(report));
    for (const args of [["report", "old.json"], ["report", "old.json", "--reporter", "html:o.html"], ["merge", "old.json"]]) {
      const r = await runHarness(args, { cwd: dir });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    }
  });
});
