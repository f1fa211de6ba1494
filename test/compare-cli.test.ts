/**
 * harness compare end to end: the real binary in a temp project, against the fake server
 * speaking both the OpenAI and the Anthropic wire formats through the real SDK clients,
 * and offline on the repository's example suites and fixtures.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeServer, type FakeServer, type SeenRequest } from "./fake-server.js";
import { copyExamples, makeProject, ROOT, runHarness } from "./cli-run.js";
import { matchBaselineTrials } from "../src/cli/compare.js";
import type { Baseline, LoadedSuite } from "../src/core/types.js";

const OPENAI_KEY = "sk-test-compare-openai-5d2e";
const ANTHROPIC_KEY = "sk-ant-test-compare-anthropic-7a1c";
let server: FakeServer;
/** Which case numbers the Anthropic model gets wrong, every trial. */
let anthropicFails = new Set<number>();
let anthropicDown = false;

function answer(req: SeenRequest) {
  if (req.api === "anthropic" && anthropicDown) return { kind: "status" as const, status: 500 };
  const messages = req.body.messages as { content: string }[];
  const caseNo = Number(/question (\d+)/.exec(messages[messages.length - 1]!.content)?.[1]);
  const wrong = req.api === "anthropic" && anthropicFails.has(caseNo);
  return { kind: "answer" as const, text: wrong ? "no idea" : "the answer is ok" };
}

beforeAll(async () => {
  server = await startFakeServer(answer);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  anthropicFails = new Set();
  anthropicDown = false;
});

function suiteYaml(cases: number): string {
  const lines = ["name: compare-demo", "provider: openai:gpt-4o-mini", 'prompt: "Answer question {{n}}"', "trials: 5", "graders:", "  - type: contains", "    value: ok", "cases:"];
  for (let i = 1; i <= cases; i++) lines.push(`  - id: case-${i}`, `    description: guards incident ${100 + i}`, `    vars: { n: ${i} }`);
  return `${lines.join("\n")}\n`;
}

const env = () => ({ OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY, OPENAI_BASE_URL: server.openaiBaseURL, ANTHROPIC_BASE_URL: server.anthropicBaseURL });
const models = ["-p", "openai:gpt-4o-mini", "-p", "anthropic:claude-haiku-4-5"];
const common = ["--fixtures", "no-fixtures", "-q", "--retries", "0", "--no-color"];

describe("harness compare against the fake server", () => {
  it("a candidate that answers like the reference: exit 0, 'not worse', with the drop the suite could detect", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(12) });
    const r = await runHarness(["compare", ...models, ...common, "-o", "out/comparison.json"], { cwd: dir, env: env() });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/anthropic:claude-haiku-4-5 shows no significant drop against openai:gpt-4o-mini on these suites \(pass rate 0 points, 95% CI 0 to 0; paired sign-flip p 1\.000 > α 0\.05; could detect a drop of \d+ points at 80% power, or 6 cases breaking\)/);
    expect(r.stdout).toContain("Compare: PASS");
    // Both models were really called, 12 cases × 5 trials each.
    expect(server.requests.filter((q) => q.api === "anthropic").length).toBeGreaterThanOrEqual(60);
    const json = JSON.parse(await readFile(path.join(dir, "out/comparison.json"), "utf8"));
    expect(json).toMatchObject({ schemaVersion: 1, kind: "model-comparison", reference: "openai:gpt-4o-mini", status: "pass", judged: true });
    expect(json.candidates[0].verdict.status).toBe("not-worse");
    expect(json.providers.map((p: { label: string }) => p.label)).toEqual(["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"]);
    const written = await readFile(path.join(dir, "out/comparison.json"), "utf8");
    expect(written).not.toContain(OPENAI_KEY);
    expect(written).not.toContain(ANTHROPIC_KEY);
  });

  it("a candidate that fails 6 always-passing cases: exit 1, naming them worst first, and a Markdown summary says so", async () => {
    anthropicFails = new Set([2, 4, 6, 8, 10, 12]);
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(12) });
    const r = await runHarness(["compare", ...models, ...common, "--reporter", "terminal,markdown:summary.md"], { cwd: dir, env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/anthropic:claude-haiku-4-5 is worse than openai:gpt-4o-mini: lower on 6 cases: compare-demo\/case-2, compare-demo\/case-4, compare-demo\/case-6, compare-demo\/case-8, compare-demo\/case-10 and 1 more \(.*p = 0\.016, corrected 0\.031 ≤ α 0\.05\); also significant on their own: suite compare-demo, /);
    expect(r.stdout).toMatch(/✗ compare-demo\/case-12 {2}5\/5 → 0\/5 passing \(-100 points\)/);
    expect(r.stdout).toContain('5× anthropic:claude-haiku-4-5: output must contain "ok"; got "no idea"');
    expect(r.stdout).toContain("Compare: FAIL");
    const md = await readFile(path.join(dir, "summary.md"), "utf8");
    expect(md).toMatch(/^### ❌ anthropic:claude-haiku-4-5 is worse than openai:gpt-4o-mini/);
    // The whole verdict, p-value and all, past the 200 characters a table cell keeps; then the outcome.
    expect(md).toMatch(/p = 0\.016, corrected 0\.031 ≤ α 0\.05\); also significant on their own: suite compare-demo, .* listed in the report\n\n\*\*Compare: FAIL \(a candidate is significantly worse\)\*\*\n/);
    expect(md).toContain("| provider | cases | trials |");
  });

  it("a suite of 3 cases: the verdict says it cannot decide, and exits 0", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(3) });
    const r = await runHarness(["compare", ...models, ...common], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/too few cases to decide whether anthropic:claude-haiku-4-5 is worse than openai:gpt-4o-mini: 3 paired cases/);
  });

  it("a candidate whose provider is down: the run stops once it cannot be judged, exit 3, naming that side", async () => {
    anthropicDown = true;
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(12) });
    const r = await runHarness(["compare", ...models, ...common], { cwd: dir, env: env() });
    expect(r.code).toBe(3);
    // 10% of 60 trials allows 6 errored: the seventh stops the side.
    expect(r.stderr).toContain("anthropic:claude-haiku-4-5: 7 of 60 trials errored (server-error 7), more than the 10% allowed: the run can no longer be judged, so it stopped there");
    // The first error is in the hint: compare's report lists no errors of its own.
    expect(r.stderr).toMatch(/hint: the first: anthropic:claude-haiku-4-5: HTTP 500/);
    expect(r.stdout).toContain("Compare: NOT JUDGED (anthropic:claude-haiku-4-5: the run stopped: 7 of 60 trials errored");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a reference whose every trial errored, with errors allowed: NOT JUDGED, never a pass on no data", async () => {
    anthropicDown = true;
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(4) });
    const r = await runHarness(["compare", "-p", "anthropic:claude-haiku-4-5", "-p", "openai:gpt-4o-mini", ...common, "--max-error-rate", "1"], { cwd: dir, env: env() });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("Compare: NOT JUDGED (anthropic:claude-haiku-4-5: all 20 trials errored: nothing was judged)");
    expect(r.stdout).not.toContain("NaN");
  });

  it("no key for the candidate: exit 3, one line naming the key, no stack", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(3) });
    const { ANTHROPIC_API_KEY: _drop, ...rest } = env();
    const r = await runHarness(["compare", ...models, ...common], { cwd: dir, env: rest });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("ANTHROPIC_API_KEY");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("no key for the reference: its report is still written, NOT JUDGED with why, and the candidate is not called", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(3), "cmp.json": "older\n" });
    const { OPENAI_API_KEY: _drop, ...rest } = env();
    const before = server.requests.length;
    const r = await runHarness(["compare", ...models, ...common.filter((a) => a !== "-q"), "-o", "cmp.json"], { cwd: dir, env: rest });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/Compare: NOT JUDGED \(openai:gpt-4o-mini: the run stopped: .*OPENAI_API_KEY is not set/);
    expect(r.stderr).toMatch(/hint: set OPENAI_API_KEY/);
    const report = JSON.parse(await readFile(path.join(dir, "cmp.json"), "utf8"));
    expect(report).toMatchObject({ judged: false, status: "fail" });
    expect(server.requests.length).toBe(before);
  });
});

describe("harness compare usage", () => {
  it("one -p: exit 2, saying two are needed", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(3) });
    const r = await runHarness(["compare", "-p", "openai:gpt-4o-mini"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("compare needs at least two models, got 1");
  });

  it("the same model twice, or two with --against-baseline, or a reporter compare lacks: exit 2", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(3) });
    expect((await runHarness(["compare", "-p", "openai:gpt-4o-mini", "-p", "openai:gpt-4o-mini"], { cwd: dir })).code).toBe(2);
    expect((await runHarness(["compare", ...models, "--against-baseline"], { cwd: dir })).code).toBe(2);
    const junit = await runHarness(["compare", ...models, "--reporter", "junit"], { cwd: dir });
    expect(junit.code).toBe(2);
    expect(junit.stderr).toContain("expected one of terminal, json, markdown");
  });

  it("--against-baseline with no baseline: exit 2", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(3) });
    const r = await runHarness(["compare", "--against-baseline"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no baseline at evals/baseline.json");
  });

  it("eval takes a single -p: two are refused (exit 2, pointing here), where the last used to win in silence", async () => {
    const dir = await makeProject({ "evals/demo.yaml": suiteYaml(3) });
    const before = server.requests.length;
    const r = await runHarness(["eval", "-p", "openai:gpt-4o-mini", "-p", "anthropic:claude-haiku-4-5", ...common], { cwd: dir, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("one provider per run (got openai:gpt-4o-mini and anthropic:claude-haiku-4-5); to set models against each other: harness compare -p openai:gpt-4o-mini -p anthropic:claude-haiku-4-5");
    expect(server.requests.length).toBe(before);
  });
});

describe("harness compare offline on the examples in evals/", () => {
  it("haiku against gpt-4o-mini: exit 0, not worse at this power, the worse case first with its reasons", async () => {
    const dir = await copyExamples();
    const r = await runHarness(["compare", ...models, "--offline", "--no-color"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/anthropic:claude-haiku-4-5 shows no significant drop against openai:gpt-4o-mini on these suites \(pass rate \+2 points, .*could detect a drop of \d+ points at 80% power, or 6 cases breaking\)/);
    const lines = r.stdout.split("\n").filter((l) => /^ {2}[✗✓] /.test(l));
    expect(lines[0]).toMatch(/✗ refund-policy\/refund-after-window {2}5\/5 → 3\/5 passing \(-40 points\)/);
    expect(lines.slice(1).map((l) => /[✓✗] (\S+)/.exec(l)![1])).toEqual(["refund-policy/legal-threat-escalates", "order-router/no-markdown-fence"]);
    expect(r.stdout).toMatch(/2× anthropic:claude-haiku-4-5: output must not match .*full refund/);
    // The README shows this very output.
    const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
    const shown = /so the command above runs offline:\n\n```\n([\s\S]*?\n)```\n/.exec(readme)?.[1];
    expect(shown).toBe(r.stdout);
  });

  it("gpt-4o-mini against the stored baseline: exit 0; the baseline's cost and latency show as —", async () => {
    const dir = await copyExamples();
    const r = await runHarness(["compare", "--against-baseline", "--offline", "--no-color"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/openai:gpt-4o-mini shows no significant drop against baseline \(evals\/baseline\.json @ [0-9a-f]{7}\)/);
    expect(r.stdout).toMatch(/│ baseline \(evals\/baseline\.json @ [0-9a-f]{7}\) │ +9 │ +45 │ +0 │ +— │ +— │ +— │ +— │ +— │ +— │ +— │ +— │/);
  });

  it("runs each suite with the baseline's trials per case, so the paired test compares like with like; -k overrides, with a warning", async () => {
    const dir = await copyExamples();
    const file = path.join(dir, "evals/order-router.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace(/^trials: 5$/m, "trials: 3"));
    const kOf = async (args: string[]) => {
      const r = await runHarness(["compare", "--against-baseline", "--offline", "-q", "-o", "c.json", ...args], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const c = JSON.parse(await readFile(path.join(dir, "c.json"), "utf8"));
      const k = Object.fromEntries(c.candidates[0].suites.map((x: { suite: string; k: { reference: number; candidate: number } }) => [x.suite, x.k]));
      return { k, stderr: r.stderr, stdout: r.stdout };
    };
    const asBaseline = await kOf([]);
    expect(asBaseline.k).toEqual({ "order-router": { reference: 5, candidate: 5 }, "refund-policy": { reference: 5, candidate: 5 } });
    expect(asBaseline.stderr).toBe("harness: order-router: 5 trials per case, as the baseline ran (the suite asks for 3; -k overrides)\n");
    const forced = await kOf(["-k", "3"]);
    expect(forced.k["order-router"]).toEqual({ reference: 5, candidate: 3 });
    // The suite row names both sides' k, not the candidate's alone.
    expect(forced.stdout).toMatch(/│ order-router \(k=5 → 3\) +│/);
    expect(asBaseline.stdout).toMatch(/│ order-router \(k=5\) +│/);
    expect(forced.stderr).toContain("harness: warning: order-router runs 3 trials per case (-k) but the baseline holds 5: pass^k and the all-pass cases then set 3 trials against 5; drop -k to run 5");
    expect(forced.stderr).toContain("harness: warning: refund-policy runs 3 trials per case (-k) but the baseline holds 5");
  });
});

describe("matchBaselineTrials", () => {
  const suite = (name: string, trials: number) => ({ name, trials }) as LoadedSuite;
  const baseline = (trials: Record<string, number>) =>
    ({ suites: Object.fromEntries(Object.entries(trials).map(([name, t]) => [name, { trials: t }])) }) as unknown as Baseline;

  it("leaves alone a suite that already matches, one the baseline lacks, and a stored count below 1", () => {
    const suites = [suite("same", 5), suite("new", 3), suite("zeroed", 4)];
    const r = matchBaselineTrials(suites, baseline({ same: 5, zeroed: 0 }), undefined);
    expect(r.suites.map((s) => s.trials)).toEqual([5, 3, 4]);
    expect(r.notes).toEqual([]);
  });

  it("an explicit -k equal to the baseline's is silent; one that differs is kept, with a warning", () => {
    const r = matchBaselineTrials([suite("a", 5), suite("b", 5)], baseline({ a: 5, b: 10 }), 5);
    expect(r.suites.map((s) => s.trials)).toEqual([5, 5]);
    expect(r.notes).toEqual(["warning: b runs 5 trials per case (-k) but the baseline holds 10: pass^k and the all-pass cases then set 5 trials against 10; drop -k to run 10"]);
  });

  it("without -k, takes the baseline's count and leaves the loaded suite itself unchanged", () => {
    const loaded = [suite("a", 3)];
    const r = matchBaselineTrials(loaded, baseline({ a: 5 }), undefined);
    expect(r.suites[0]!.trials).toBe(5);
    expect(loaded[0]!.trials).toBe(3);
    expect(r.notes).toEqual(["a: 5 trials per case, as the baseline ran (the suite asks for 3; -k overrides)"]);
  });
});
