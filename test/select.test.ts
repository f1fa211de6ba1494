/**
 * eval --case: some cases of the suites. What a pattern chooses, what the gate then covers
 * (the chosen cases against their own baseline entries; no suite floor checked on a part),
 * and the CLI's refusals, run through the real binary against the fake server.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildRunResult } from "../src/core/result.js";
import { baselineForCases, selectCases } from "../src/core/select.js";
import type { Baseline, LoadedCase, LoadedSuite, RawRun, TrialResult } from "../src/core/types.js";
import { renderJunit } from "../src/reporters/junit.js";
import { renderMarkdown } from "../src/reporters/markdown.js";
import { renderTerminal } from "../src/reporters/terminal.js";
import { makeProject, runHarness } from "./cli-run.js";
import { questionSuite } from "./helpers/question-suite.js";
import { startFakeServer, type FakeServer, type SeenRequest } from "./fake-server.js";

const mkCase = (id: string, line = 1): LoadedCase => ({ id, description: undefined, vars: {}, messages: [{ role: "user", content: id }], graders: [], line, promptHash: `h-${id}` });
const mkSuite = (name: string, ids: string[], threshold?: LoadedSuite["threshold"]): LoadedSuite => ({
  name,
  file: `evals/${name}.yaml`,
  dir: "/",
  provider: { id: "exec:x", config: {} },
  judge: undefined,
  trials: 5,
  threshold,
  cases: ids.map((id, i) => mkCase(id, i + 1)),
});
const chosen = (suites: LoadedSuite[]) => suites.map((s) => `${s.name}: ${s.cases.map((c) => c.id).join(" ")}`);

describe("what --case patterns choose", () => {
  const suites = [mkSuite("refunds", ["late-refund", "digital-goods", "damaged-item"]), mkSuite("team/orders", ["late-refund", "cancel", "return"])];

  it("an id chooses that case in every suite; suite/id in one suite; * and ? are wildcards", () => {
    expect(chosen(selectCases(suites, ["late-refund"]).suites)).toEqual(["refunds: late-refund", "team/orders: late-refund"]);
    expect(chosen(selectCases(suites, ["refunds/late-refund"]).suites)).toEqual(["refunds: late-refund"]);
    // A suite's name may hold "/": the last one parts it from the id.
    expect(chosen(selectCases(suites, ["team/orders/*"]).suites)).toEqual(["team/orders: late-refund cancel return"]);
    expect(chosen(selectCases(suites, ["*/c*"]).suites)).toEqual(["team/orders: cancel"]);
    expect(chosen(selectCases(suites, ["d*"]).suites)).toEqual(["refunds: digital-goods damaged-item"]);
    expect(chosen(selectCases(suites, ["re?urn"]).suites)).toEqual(["team/orders: return"]);
  });

  it("anything but * and ? matches itself: a dot is a dot, not any character", () => {
    const dotted = [mkSuite("s", ["v1.2", "v1x2"])];
    expect(chosen(selectCases(dotted, ["v1.2"]).suites)).toEqual(["s: v1.2"]);
    expect(selectCases(dotted, ["v1.*"]).suites[0]!.cases.map((c) => c.id)).toEqual(["v1.2"]);
  });

  it("cases stay in file order however the patterns are ordered, each once", () => {
    expect(chosen(selectCases(suites, ["damaged-item", "late-refund", "*-refund"]).suites)).toEqual(["refunds: late-refund damaged-item", "team/orders: late-refund"]);
  });

  it("patterns that choose nothing are named; the others still choose", () => {
    const { suites: got, unmatched } = selectCases(suites, ["late-refnd", "cancel", "nope/*"]);
    expect(unmatched).toEqual(["late-refnd", "nope/*"]);
    expect(chosen(got)).toEqual(["team/orders: cancel"]);
  });

  it("a suite run whole is the suite as loaded; one run in part says how many cases its file has", () => {
    const { suites: got } = selectCases(suites, ["refunds/*", "cancel"]);
    expect(got[0]).toBe(suites[0]);
    expect(got[0]!.selectedFrom).toBeUndefined();
    expect(got[1]!.selectedFrom).toBe(3);
  });

  it("the baseline keeps only the chosen cases, so the others are not reported missing", () => {
    const entry = (ids: string[]) => ({ provider: "exec:x", trials: 5, k: 5, passAtK: 1, passHatK: 1, passRate: 1, cases: Object.fromEntries(ids.map((id) => [id, { n: 5, passes: 5, errored: 0, promptHash: `h-${id}` }])) });
    const baseline: Baseline = { schemaVersion: 1, createdAt: "2026-11-01T00:00:00Z", harnessVersion: "0.1.0", git: { commit: null, dirty: null }, suites: { refunds: entry(["late-refund", "digital-goods", "damaged-item"]), "team/orders": entry(["cancel"]) } };
    const { suites: got } = selectCases(suites, ["refunds/late-refund"]);
    const seen = baselineForCases(baseline, got);
    expect(Object.keys(seen.suites.refunds!.cases)).toEqual(["late-refund"]);
    expect(seen.suites["team/orders"]!.cases).toEqual({});
  });
});

function trial(index: number, passed: boolean): TrialResult {
  return { index, output: passed ? "ok" : "no", passed, pending: false, grades: [{ type: "contains", pass: passed, score: passed ? 1 : 0, reason: passed ? "ok" : 'output must contain "ok"' }], latencyMs: 10, usage: null, costUsd: null, cached: false, retries: 0, judge: null, error: null };
}

describe("the gate over chosen cases", () => {
  // "flaky" passes 2 of 5: the suite's pass^5 is far under its floor of 0.9.
  const whole = mkSuite("refunds", ["steady", "flaky", "other"], { passHatK: 0.9 });
  const rawOf = (suite: LoadedSuite): RawRun => ({
    startedAt: "2026-11-30T00:00:00Z",
    durationMs: 1,
    suites: [{ suite, cases: suite.cases.map((c) => ({ case: c, trials: Array.from({ length: 5 }, (_, i) => trial(i, c.id !== "flaky" || i < 2)) })) }],
  });

  it("a suite's threshold, a floor for all its cases, is checked on a whole run and on --case choosing them all, not on a part", () => {
    const all = buildRunResult(rawOf(whole), { harnessVersion: "0.1.0" });
    expect(all.gate.regressions.map((r) => r.kind)).toEqual(["threshold"]);
    const everyCase = selectCases([whole], ["*"]).suites;
    expect(buildRunResult(rawOf(everyCase[0]!), { harnessVersion: "0.1.0", selection: ["*"] }).gate.regressions.map((r) => r.kind)).toEqual(["threshold"]);

    const part = selectCases([whole], ["flaky"]).suites[0]!;
    const some = buildRunResult(rawOf(part), { harnessVersion: "0.1.0", selection: ["flaky"] });
    expect(some.gate.status).toBe("pass");
    expect(some.selection).toEqual(["flaky"]);
    expect(some.suites[0]!.selectedFrom).toBe(3);
    // Every report says what the run covered, and which floor it left unchecked.
    const said = "Only the cases --case chose ran (flaky): the gate covers them alone; the threshold of refunds, a floor for the whole suite, was not checked.";
    expect(renderTerminal(some, { color: false })).toContain(said);
    expect(renderTerminal(some, { color: false })).toContain("1 of 3 cases (--case)");
    expect(renderMarkdown(some)).toContain("refunds (1 of 3 cases (--case))");
    expect(renderJunit(some)).toContain(`<properties>\n      <property name="harness.selection" value="${said}"/>\n      <property name="harness.casesInFile" value="3"/>\n    </properties>`);
    expect(renderJunit(all)).not.toContain("<properties>");
    expect(renderTerminal(all, { color: false })).not.toContain("--case");
  });
});

describe("eval --case through the CLI", () => {
  const KEY = "sk-test-select-0d1e";
  let server: FakeServer;
  let failing = new Set<number>();
  const answer = (req: SeenRequest) => {
    const messages = req.body.messages as { content: string }[];
    const n = Number(/question (\d+)/.exec(messages.at(-1)!.content)?.[1]);
    return { kind: "answer" as const, text: failing.has(n) ? "no idea" : "the answer is ok" };
  };
  beforeAll(async () => {
    server = await startFakeServer(answer);
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    failing = new Set();
    server.handle(answer);
  });

  const suiteYaml = () => questionSuite(server.openaiBaseURL, 8, "threshold:\n  passHatK: 0.99");
  const common = ["--fixtures", "no-fixtures", "-q", "--retries", "0"];
  const env = { OPENAI_API_KEY: KEY };

  it("runs only the chosen cases, gates them against their baseline entries, and fails on a regression among them", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml() });
    expect((await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env })).code).toBe(0);
    const baselineBefore = await readFile(path.join(dir, "evals/baseline.json"), "utf8");

    failing = new Set([2]);
    const before = server.requests.length;
    const r = await runHarness(["eval", ...common, "--case", "case-2,case-3", "-o", "run.json"], { cwd: dir, env });
    expect(server.requests.length - before).toBe(10);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("2 of 8 cases (--case)");
    expect(r.stdout).toMatch(/gate-demo\/case-2: 5\/5 → 0\/5 passing/);
    // The six cases not asked for are not "in the baseline but not run", and the 0.99 floor is not checked on two cases.
    expect(r.stdout).not.toContain("not run");
    expect(r.stdout).toContain("the threshold of gate-demo, a floor for the whole suite, was not checked");
    const report = JSON.parse(await readFile(path.join(dir, "run.json"), "utf8"));
    expect(report.selection).toEqual(["case-2", "case-3"]);
    expect(report.suites[0].selectedFrom).toBe(8);
    expect(report.gate.regressions.map((x: { kind: string }) => x.kind)).toEqual(["case", "suite"]);
    expect(report.gate.missingCases).toEqual([]);
    // Merged, a part would pass for a whole run, floors unchecked.
    const merged = await runHarness(["merge", "run.json"], { cwd: dir });
    expect(merged.code).toBe(2);
    expect(merged.stderr).toContain("cannot merge: a report is of cases chosen with eval --case");

    // A case the run did not choose fails nothing: case-2 is left out here.
    const other = await runHarness(["eval", ...common, "--case", "gate-demo/case-[3]", "--case", "case-3"], { cwd: dir, env });
    expect(other.stderr).toContain('no case in the suites run matches --case "gate-demo/case-[3]"');
    expect(other.code).toBe(2);
    const clean = await runHarness(["eval", ...common, "--case", "case-3"], { cwd: dir, env });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("Gate: PASS");

    expect(await readFile(path.join(dir, "evals/baseline.json"), "utf8")).toBe(baselineBefore);
  });

  it("a chosen case new since the baseline runs as new, --require-baseline or not: the baseline is this project's", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml() });
    expect((await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env })).code).toBe(0);
    await writeFile(path.join(dir, "evals/demo.yaml"), `${suiteYaml()}  - id: case-9\n    vars: { n: 9 }\n`);
    const r = await runHarness(["eval", ...common, "--case", "case-9", "--require-baseline"], { cwd: dir, env });
    expect(r.stderr).not.toContain("has none of this run's cases");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("new since the baseline: gate-demo/case-9");
  });

  it("refuses, with exit 2 and before any call, a pattern that matches nothing and the flags a part of a run cannot serve", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml() });
    expect((await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env })).code).toBe(0);
    const baselineBefore = await readFile(path.join(dir, "evals/baseline.json"), "utf8");
    const before = server.requests.length;
    const typo = await runHarness(["eval", ...common, "--case", "case-22"], { cwd: dir, env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('no case in the suites run matches --case "case-22" (did you mean "case-2"?)');
    // A suite goes by its name: (gate-demo), not its file's (demo.yaml): a newcomer's pattern
    // by file name was told only that nothing matched.
    const byFile = await runHarness(["eval", ...common, "--case", "demo/*"], { cwd: dir, env });
    expect(byFile.code).toBe(2);
    expect(byFile.stderr).toContain('no case in the suites run matches --case "demo/*": no suite is named "demo" (evals/demo.yaml holds the suite named "gate-demo": did you mean "gate-demo/*"?)');
    expect(byFile.stderr).toContain("; the suites run: gate-demo\n");
    const suiteTypo = await runHarness(["eval", ...common, "--case", "gate-dem/case-1"], { cwd: dir, env });
    expect(suiteTypo.stderr).toContain('--case "gate-dem/case-1": no suite is named "gate-dem" (did you mean "gate-demo/case-1"?)');
    const cases = [
      [["--update-baseline"], "--update-baseline with --case"],
      [["--shard", "1/2"], "--case with --shard"],
      [["--history"], "--history with --case"],
    ] as const;
    for (const [flags, said] of cases) {
      const r = await runHarness(["eval", ...common, "--case", "case-1", ...flags], { cwd: dir, env });
      expect(r.code, flags.join(" ")).toBe(2);
      expect(r.stderr).toContain(said);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const empty = await runHarness(["eval", ...common, "--case", "gate-demo/"], { cwd: dir, env });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("--case expects a case id, or suite/id");
    expect(server.requests.length).toBe(before);
    expect(await readFile(path.join(dir, "evals/baseline.json"), "utf8")).toBe(baselineBefore);
  });
});
