/**
 * harness compare's verdict end to end, where it must agree with eval's gate: the real binary
 * in a temp project against the fake server, each model scripted per case and per call.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeServer, type Api, type FakeServer, type SeenRequest } from "./fake-server.js";
import { makeProject, runHarness } from "./cli-run.js";
import type { ModelComparison } from "../src/core/model-comparison-types.js";

let server: FakeServer;
type Outcome = "pass" | "fail" | "error";
/** How each API answers case n on its call-th call (from 0) of that case, for `model`. */
let script: (api: Api, n: number, call: number, model: string) => Outcome = () => "pass";
const calls = new Map<string, number>();

function answer(req: SeenRequest) {
  const messages = req.body.messages as { content: string }[];
  const n = Number(/question (\d+)/.exec(messages[messages.length - 1]!.content)?.[1]);
  const model = String(req.body.model);
  const key = `${model} ${n}`;
  const call = calls.get(key) ?? 0;
  calls.set(key, call + 1);
  const outcome = script(req.api, n, call, model);
  if (outcome === "error") return { kind: "status" as const, status: 400, message: "context length exceeded" };
  return { kind: "answer" as const, text: outcome === "fail" ? "no idea" : "the answer is ok" };
}

beforeAll(async () => {
  server = await startFakeServer(answer);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  script = () => "pass";
  calls.clear();
});

/** A suite of cases numbered from..to, 5 trials each, passing when the answer contains "ok". */
function suiteYaml(name: string, from: number, to: number, extra: string[] = []): string {
  const lines = [`name: ${name}`, "provider: openai:gpt-4o-mini", 'prompt: "Answer question {{n}}"', "trials: 5", ...extra, "graders:", "  - type: contains", "    value: ok", "cases:"];
  for (let i = from; i <= to; i++) lines.push(`  - id: case-${i}`, `    vars: { n: ${i} }`);
  return `${lines.join("\n")}\n`;
}

const env = () => ({ OPENAI_API_KEY: "sk-test-verdict-1", ANTHROPIC_API_KEY: "sk-ant-test-verdict-2", OPENAI_BASE_URL: server.openaiBaseURL, ANTHROPIC_BASE_URL: server.anthropicBaseURL });
const models = ["-p", "openai:gpt-4o-mini", "-p", "anthropic:claude-haiku-4-5"];
const common = ["--fixtures", "no-fixtures", "-q", "--retries", "0", "--no-color"];

describe("harness compare: worse where eval's gate would fail", () => {
  it("a candidate that fails every case of suite alpha and gains as much on beta: exit 1, naming the suite", async () => {
    // The reference passes alpha (1-6) and fails beta (7-12); the candidate the other way round.
    script = (api, n) => ((api === "openai") === n <= 6 ? "pass" : "fail");
    const dir = await makeProject({ "evals/alpha.yaml": suiteYaml("alpha", 1, 6), "evals/beta.yaml": suiteYaml("beta", 7, 12) });
    const r = await runHarness(["compare", ...models, ...common], { cwd: dir, env: env() });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(
      "anthropic:claude-haiku-4-5 is worse than openai:gpt-4o-mini on suite alpha: pass rate 100% → 0% over 6 cases (stratified exact p < 0.001, corrected < 0.001 ≤ α 0.05); over every case pass rate 0 points, 95% CI -66 to +66: not a drop overall, but gains elsewhere do not make up for it",
    );
    expect(r.stdout).toContain("Compare: FAIL");
    expect(r.code).toBe(1);
    // No judge graded either side: its cost is "—", not $0.0000.
    expect(r.stdout).toMatch(/│ openai:gpt-4o-mini +│ +12 │ +60 │ +0 │ +\S+ │ +\S+ │ +— │/);
    // McNemar's p beside a gain is the p of a drop, and says so.
    expect(r.stdout).toMatch(/│ beta \(k=5\) .*│ +0 \/ 6 \(p drop 1\.000\) │/);
  });
});

describe("harness compare: cases left out, told apart", () => {
  it("--against-baseline after adding a case: the new case is not compared, and does not block 'no significant drop'", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml("demo", 1, 12) });
    const base = await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env: env() });
    expect(base.code, base.stderr).toBe(0);
    await writeFile(path.join(dir, "evals/demo.yaml"), suiteYaml("demo", 1, 13));
    const r = await runHarness(["compare", "--against-baseline", ...common], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/openai:gpt-4o-mini shows no significant drop against baseline \(evals\/baseline\.json\) on these suites \(.*\); not compared: 1 case new since the baseline \(demo\/case-13\)\n/);
    expect(r.stdout).not.toContain("every trial errored");
  });

  it("cases whose trials await human review: 'cannot tell', naming them and harness review", async () => {
    const human = ["  - id: case-1", "    vars: { n: 1 }", "    graders:", "      - type: human", "        instructions: Is it right?"].join("\n");
    const yaml = suiteYaml("mixed", 2, 12).replace("cases:\n", `cases:\n${human}\n`);
    const dir = await makeProject({ "evals/mixed.yaml": yaml });
    const r = await runHarness(["compare", ...models, ...common], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cannot tell whether anthropic:claude-haiku-4-5 is worse than openai:gpt-4o-mini: 1 case awaits human review on one side \(mixed\/case-1\): run harness review \(/);
  });

  it("a case whose every trial errored on the candidate's side, where the reference passed it: tested as failing, as eval's gate does (exit 1)", async () => {
    script = (api, n) => (api === "anthropic" && n === 3 ? "error" : "pass");
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml("demo", 1, 12) });
    const r = await runHarness(["compare", ...models, ...common, "--max-error-rate", "0.2", "--reporter", "terminal,markdown:c.md", "-o", "c.json"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain("case demo/case-3: 5/5 → every one of 5 trials errored; had they failed, a significant drop (one-sided Fisher p 0.004");
    expect(r.stdout).toContain("Compare: FAIL");
    // What the errors said, not only how many: it is what the team must fix.
    expect(r.stdout).toMatch(/\n {2}! demo\/case-3: every trial errored on anthropic:claude-haiku-4-5\n {6}5× anthropic:claude-haiku-4-5: errored \(context-length\): .*HTTP 400 .*context length exce/);
    expect(await readFile(path.join(dir, "c.md"), "utf8")).toMatch(/- ⚠️ demo\/case-3: every trial errored on anthropic:claude-haiku-4-5\n {2}- 5× errored \(context-length\): .*context length exceeded/);
    const saved = JSON.parse(await readFile(path.join(dir, "c.json"), "utf8")) as ModelComparison;
    // And beside the providers' error counts, over every case, errored in part or whole.
    expect(r.stdout).toMatch(/└[─┴]+┘\n {2}anthropic:claude-haiku-4-5: 5× errored \(context-length\): /);
    expect(await readFile(path.join(dir, "c.md"), "utf8")).toMatch(/Errored trials, most frequent first:\n\n- anthropic:claude-haiku-4-5: 5× errored \(context-length\): /);
    expect(saved.providers.map((p) => p.topErrors?.length)).toEqual([0, 1]);
    expect(saved.candidates[0]!.unpaired).toEqual([{ suite: "demo", caseId: "case-3", side: "candidate", why: "errored", reasons: [{ count: 5, reason: expect.stringContaining("context length exceeded") }] }]);
  });
});

describe("harness compare: figures over fewer cases say so", () => {
  it("a candidate failing every judged trial of 3 cases whose fifth errored: pass^k is over 9 of 12 cases, in every report", async () => {
    script = (api, n, call) => (api === "anthropic" && n <= 3 ? (call === 4 ? "error" : "fail") : "pass");
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml("demo", 1, 12) });
    const r = await runHarness(["compare", ...models, ...common, "-o", "c.json", "--reporter", "terminal,markdown:c.md,html:c.html"], { cwd: dir, env: env() });
    expect(r.stderr).not.toContain("Error");
    const note = "† demo: pass@k, pass^k and all-pass only are over 9 of 12 paired cases: 3 had fewer than 5 judged trials on a side (errored and pending trials are not judged)";
    expect(r.stdout).toContain(note);
    expect(r.stdout).toMatch(/│ demo \(k=5\) +│ +12 │ +1\.00 → 1\.00 † │ +1\.00 → 1\.00 † │ .* │ +0 \/ 0 \(p[^)]*\) † │/);
    // Markdown breaks "@k" so that it cannot mention anyone.
    expect(await readFile(path.join(dir, "c.md"), "utf8")).toContain(note.replace("@", "@\u200b"));
    expect(await readFile(path.join(dir, "c.html"), "utf8")).toContain(note);
    const json = JSON.parse(await readFile(path.join(dir, "c.json"), "utf8"));
    expect(json.candidates[0].suites[0]).toMatchObject({ paired: 12, countedAtK: 9 });
  });
});

describe("harness compare: a suite's threshold", () => {
  it("a candidate below a suite's threshold fails the comparison (exit 1) though no worse than the reference, whose miss is a note", async () => {
    // Both models fail case 1 in every trial: pass rate 55/60 = 0.917, under the floor of 0.95.
    script = (_api, n) => (n === 1 ? "fail" : "pass");
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml("demo", 1, 12, ["threshold:", "  passRate: 0.95"]) });
    const r = await runHarness(["compare", ...models, ...common, "-o", "c.json"], { cwd: dir, env: env() });
    expect(r.stdout).toMatch(/anthropic:claude-haiku-4-5 shows no significant drop against openai:gpt-4o-mini/);
    expect(r.stdout).toContain("anthropic:claude-haiku-4-5 misses the threshold of suite demo (pass rate 0.917 is below the threshold 0.95): eval's gate would fail it");
    expect(r.stdout).toContain("note: the reference openai:gpt-4o-mini misses the threshold of suite demo (pass rate 0.917 is below the threshold 0.95); shown only, the reference is not gated");
    expect(r.stdout).toContain("Compare: FAIL (a candidate is below a suite's threshold)");
    expect(r.code).toBe(1);
    const json = JSON.parse(await readFile(path.join(dir, "c.json"), "utf8"));
    expect(json.status).toBe("fail");
    expect(json.providers[1].thresholdProblems).toEqual([{ suite: "demo", message: "pass rate 0.917 is below the threshold 0.95" }]);
  });

  it("--against-baseline: the baseline has no threshold to check; the run below it fails", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml("demo", 1, 12) });
    expect((await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env: env() })).code).toBe(0);
    script = (_api, n) => (n === 1 ? "fail" : "pass");
    await writeFile(path.join(dir, "evals/demo.yaml"), suiteYaml("demo", 1, 12, ["threshold:", "  passRate: 0.95"]));
    const r = await runHarness(["compare", "--against-baseline", ...common], { cwd: dir, env: env() });
    expect(r.stdout).toContain("openai:gpt-4o-mini misses the threshold of suite demo (pass rate 0.917 is below the threshold 0.95): eval's gate would fail it");
    expect(r.stdout).not.toContain("note: the reference");
    expect(r.code).toBe(1);
  });
});

describe("harness compare: one candidate worse, another not judged", () => {
  it("exits 3, the comparison not whole, and still says which candidate is worse", async () => {
    // gpt-4o fails every case; claude's every call errors, so it cannot be judged.
    script = (api, _n, _call, model) => (api === "anthropic" ? "error" : model === "gpt-4o" ? "fail" : "pass");
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml("demo", 1, 8) });
    // The models run one after another: claude last, as its errors stop the comparison there.
    const r = await runHarness(["compare", "-p", "openai:gpt-4o-mini", "-p", "openai:gpt-4o", "-p", "anthropic:claude-haiku-4-5", ...common], { cwd: dir, env: env() });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/openai:gpt-4o is (significantly )?worse than openai:gpt-4o-mini/);
    expect(r.stderr).toContain("harness: anthropic:claude-haiku-4-5: 5 of 40 trials errored (context-length 5), more than the 10% allowed");
  });
});

describe("harness compare --against-baseline: a prompt changed since the baseline", () => {
  it("marks the cases and says how many: differences may be the prompt's, not the model's", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml("demo", 1, 12) });
    expect((await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env: env() })).code).toBe(0);
    script = (_api, n) => (n === 2 ? "fail" : "pass");
    await writeFile(path.join(dir, "evals/demo.yaml"), suiteYaml("demo", 1, 12).replace("Answer question {{n}}", "Answer question {{n}} briefly"));
    const r = await runHarness(["compare", "--against-baseline", ...common, "--reporter", "terminal,markdown:c.md"], { cwd: dir, env: env() });
    const note = "12 cases' prompts changed since the baseline (demo/case-1, demo/case-2, demo/case-3, demo/case-4, demo/case-5 and 7 more): differences may be the prompt's, not the model's";
    expect(r.stdout).toContain(note);
    expect(r.stdout).toMatch(/✗ demo\/case-2 {2}5\/5 → 0\/5 passing \(-100 points\) \(prompt changed\)/);
    expect(await readFile(path.join(dir, "c.md"), "utf8")).toContain(note);
  });
});

describe("harness compare --against-baseline: graders changed since the baseline", () => {
  it("marks the cases and says how many: a grader made stricter reads as the model's drop otherwise", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml("demo", 1, 3) });
    expect((await runHarness(["eval", ...common, "--update-baseline"], { cwd: dir, env: env() })).code).toBe(0);
    // Same model, same answers ("the answer is ok"); only the grader asks for more.
    await writeFile(path.join(dir, "evals/demo.yaml"), suiteYaml("demo", 1, 3).replace("value: ok", "value: the answer is ok!"));
    const r = await runHarness(["compare", "--against-baseline", ...common, "--reporter", "terminal,markdown:c.md,html:c.html"], { cwd: dir, env: env() });
    const note = "3 cases' graders changed since the baseline (demo/case-1, demo/case-2, demo/case-3): differences may be the graders', not the model's";
    expect(r.stdout).toContain(note);
    expect(r.stdout).not.toContain("prompt");
    expect(r.stdout).toMatch(/✗ demo\/case-1 {2}5\/5 → 0\/5 passing \(-100 points\) \(graders changed\)/);
    expect(await readFile(path.join(dir, "c.md"), "utf8")).toContain(note);
    expect(await readFile(path.join(dir, "c.html"), "utf8")).toContain("(-100 points)</span> (graders changed)");
  });
});
