/**
 * eval --batch through the real binary and the real SDKs' batch clients, against the fake
 * server's OpenAI Files + Batches and Anthropic Message Batches endpoints.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { echo, startFakeServer, type FakeServer } from "./fake-server.js";
import { makeProject, runHarness } from "./cli-run.js";
import { waitFor } from "./helpers/project.js";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(async () => server.close());
beforeEach(() => {
  server.handle(echo);
  server.batches.pollsBeforeEnd = 1;
  server.batches.hang = false;
  server.batches.checkFaults = [];
  server.batches.resultFaults = [];
  server.batches.createFaults = [];
  server.batches.listFaults = [];
});

const env = { OPENAI_API_KEY: "sk-test-batch-5e6f", ANTHROPIC_API_KEY: "sk-ant-test-batch-7a8b" };
const fast = ["-q", "--batch", "--batch-poll", "10"];

function suiteYaml(provider: "openai:gpt-4o-mini" | "anthropic:claude-haiku-4-5", cases = 4): string {
  const baseURL = provider.startsWith("openai") ? server.openaiBaseURL : server.anthropicBaseURL;
  const list = Array.from({ length: cases }, (_, i) => `  - id: case-${i}\n    vars: { n: ${i} }`).join("\n");
  return `name: batched\nprovider:\n  id: ${provider}\n  config:\n    baseURL: ${baseURL}\nprompt: "question {{n}}"\ntrials: 3\ngraders:\n  - type: icontains\n    value: "question"\ncases:\n${list}\n`;
}

const live = (from: number) => server.requests.slice(from).filter((r) => !r.viaBatch).length;
const batched = (from: number) => server.requests.slice(from).filter((r) => r.viaBatch).length;

describe.each(["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"] as const)("eval --batch with %s", (provider) => {
  it("sends every trial in one batch, makes no live call, prices at half, and records fixtures a later run replays", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml(provider) });
    const before = server.requests.length;
    const createdBefore = server.batches.created.length;
    const r = await runHarness(["eval", ...fast, "--record", "-o", "batch.json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.batches.created.length - createdBefore).toBe(1);
    const batch = server.batches.created.at(-1)!;
    expect(batch.api).toBe(provider.split(":")[0]);
    // 4 cases × 3 trials, each its own request (trials of one case are separate samples).
    expect(new Set(batch.customIds).size).toBe(12);
    expect(batched(before)).toBe(12);
    expect(live(before)).toBe(0);

    const report = JSON.parse(await readFile(path.join(dir, "batch.json"), "utf8"));
    const suite = report.suites[0];
    expect(suite.totals).toMatchObject({ trials: 12, passed: 12, errored: 0 });
    // A batch answer has no call of its own to time.
    expect(suite.cases[0].trials[0].latencyMs).toBeNull();
    const costs = suite.cases.flatMap((c: { trials: { costUsd: number }[] }) => c.trials.map((t) => t.costUsd));
    // Half the list price, as each provider publishes it per million tokens (written here, not read from the code's table).
    const list = provider === "openai:gpt-4o-mini" ? { input: 0.15, output: 0.6 } : { input: 1, output: 5 };
    for (const t of suite.cases.flatMap((c: { trials: unknown[] }) => c.trials) as { costUsd: number; usage: { inputTokens: number; outputTokens: number } }[]) {
      expect(t.costUsd).toBeCloseTo((0.5 * (t.usage.inputTokens * list.input + t.usage.outputTokens * list.output)) / 1_000_000, 15);
    }

    // The same suite again, without --batch: replayed from the recorded fixtures, no call at all,
    // and priced as recorded, at the batch discount (at list price, a max-cost grader passed
    // live could fail the replay).
    const again = server.requests.length;
    const replay = await runHarness(["eval", "-q", "-o", "replay.json"], { cwd: dir, env });
    expect(replay.code, replay.stderr).toBe(0);
    expect(server.requests.length).toBe(again);
    const replayed = JSON.parse(await readFile(path.join(dir, "replay.json"), "utf8")).suites[0];
    const priced = replayed.cases.flatMap((c: { trials: { costUsd: number }[] }) => c.trials.map((t) => t.costUsd));
    expect(costs.every((c: number) => c > 0)).toBe(true);
    for (let i = 0; i < costs.length; i++) expect(priced[i]).toBeCloseTo(costs[i], 12);
    expect(replayed.costUsd).toBeCloseTo(suite.costUsd, 12);

    // A fixture recorded before the batch was noted replays at list price, as it did then.
    const folder = path.join(dir, "fixtures", ...provider.split(":"));
    for (const name of await readdir(folder)) {
      const fixture = JSON.parse(await readFile(path.join(folder, name), "utf8"));
      expect(fixture.response.via).toBe("batch");
      delete fixture.response.via;
      await writeFile(path.join(folder, name), JSON.stringify(fixture));
    }
    const old = await runHarness(["eval", "-q", "-o", "old.json"], { cwd: dir, env });
    expect(old.code, old.stderr).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, "old.json"), "utf8")).suites[0].costUsd).toBeCloseTo(suite.costUsd * 2, 12);
    // Batch state is removed once its run completes.
    expect(await readdir(path.join(dir, ".harness/batches")).catch(() => [])).toEqual([]);
  });

  it("an answer the batch cut at the token limit before any text errors its trial, and is not asked again live", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml(provider) });
    const body = provider.startsWith("openai")
      ? { id: "c", object: "chat.completion", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: "", refusal: null }, finish_reason: "length" }], usage: { prompt_tokens: 20, completion_tokens: 50 } }
      : { id: "m", type: "message", role: "assistant", model: "claude-haiku-4-5", content: [], stop_reason: "max_tokens", usage: { input_tokens: 20, output_tokens: 50 } };
    // Inside the batch, case-2's answers stop at the limit before any text; a live call would be answered.
    server.handle((req) => (req.viaBatch && JSON.stringify(req.body).includes("question 2") ? { kind: "body", body } : echo(req)));
    const before = server.requests.length;
    // A quarter of the trials erroring would stop the run at the default --max-error-rate.
    const r = await runHarness(["eval", ...fast, "--record", "--max-error-rate", "0.5", "-o", "r.json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(batched(before)).toBe(12);
    // Before, each was sent again live at full price, to stop the same way.
    expect(live(before)).toBe(0);
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    const suite = report.suites[0];
    expect(suite.totals).toMatchObject({ trials: 12, passed: 9, errored: 3 });
    const cut = suite.cases.find((c: { id: string }) => c.id === "case-2");
    expect(cut.trials.map((t: { error: { category: string } | null }) => t.error?.category)).toEqual(["max-tokens", "max-tokens", "max-tokens"]);
    expect(cut.trials[0].error.message).toContain("the model stopped at the token limit before writing any text");
    // As live: no fixture for an answer with nothing to grade.
    const names = await readdir(path.join(dir, "fixtures", ...provider.split(":")));
    expect(names).toHaveLength(9);
  });
});

describe.each(["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"] as const)("eval --batch with %s, while its checks fail", (provider) => {
  it("status checks failing for a while are tried again: the batch is collected, no trial runs live, and no progress is shown that was not known", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml(provider) });
    // Six in a row: the run used to give the batch up after five, and run its 12 trials live.
    server.batches.checkFaults = Array(6).fill(503);
    const createdBefore = server.batches.created.length;
    const before = server.requests.length;
    const r = await runHarness(["eval", "--batch", "--batch-poll", "10", "-o", "r.json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.batches.created.length - createdBefore).toBe(1);
    expect(batched(before)).toBe(12);
    expect(live(before)).toBe(0);
    expect(r.stderr.match(/checking its status failed \(.*HTTP 503 .*\); trying again in/g)).toHaveLength(6);
    // Not a line at each check, failed or answered ("0 of 12 done" at each failed one, once): a run
    // this short shows no progress in a log.
    expect(r.stderr).not.toMatch(/\d+ of \d+ done/);
    expect(r.stderr).not.toMatch(/run live/);
    expect(JSON.parse(await readFile(path.join(dir, "r.json"), "utf8")).suites[0].totals).toMatchObject({ trials: 12, passed: 12, errored: 0 });
    expect(await readdir(path.join(dir, ".harness/batches"))).toEqual([]);
  });
});

describe("eval --batch, while it waits", () => {
  it("a status check answered 429 waits its Retry-After before the next, not the poll's shorter wait", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini") });
    server.batches.checkFaults = [{ status: 429, retryAfter: "1" }];
    const checksBefore = server.batches.checkTimes.length;
    const before = server.requests.length;
    const r = await runHarness(["eval", "--batch", "--batch-poll", "10"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    // Before, the next check came 10 ms later, into the same limit.
    expect(r.stderr).toMatch(/checking its status failed \(.*HTTP 429 .*\); trying again in 1\.0 s\./);
    const [limited, next] = server.batches.checkTimes.slice(checksBefore);
    // A lower bound only (timers never fire early): no machine's load can break it.
    expect(next! - limited!).toBeGreaterThanOrEqual(990);
    expect(live(before)).toBe(0);
  });

  it("not on a terminal: says the batch is still running at the pace of the progress lines, not at each poll", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini") });
    // In progress until the test has seen the line; then it ends at the next check.
    server.batches.pollsBeforeEnd = 1_000_000;
    let seen = false;
    const r = await runHarness(["eval", "--batch", "--batch-poll", "20"], {
      cwd: dir,
      env: { ...env, HARNESS_TEST_PROGRESS_SCALE: "0.01" },
      onStderr: (soFar) => {
        if (!seen && /^harness: batch \S+ of openai:gpt-4o-mini still running \(0 of 12 done\); \d+ s elapsed$/m.test(soFar)) {
          seen = true;
          server.batches.pollsBeforeEnd = 0;
        }
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(seen).toBe(true);
    // No line at each poll, as before ("Batch …: 0 of 12 done." at every one: 1,400 in a day-long batch).
    expect(r.stderr).not.toMatch(/^Batch \S+: \d+ of \d+ done/m);
    expect(r.stderr).toMatch(/^Batch \S+: 12 of 12 answered\.$/m);
  });
});

describe("eval --batch, interrupted and failing", () => {
  it("status checks that keep failing end the run not judged (exit 3) with no live call; the batch is kept, and the same command picks it up", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini") });
    // Failing for longer than the run waits (120 first waits: 1.2 s at --batch-poll 10).
    server.batches.checkFaults = Array(10_000).fill(503);
    const createdBefore = server.batches.created.length;
    const before = server.requests.length;
    const args = ["eval", "--batch", "--batch-poll", "10", "-o", "r.json"];
    const first = await runHarness(args, { cwd: dir, env });
    expect(first.code, first.stderr).toBe(3);
    expect(first.stderr).toMatch(/polling batch \S+ of openai:gpt-4o-mini gave up: checking its status failed for \d+ s \(.*HTTP 503 .*\); its trials were not run live/);
    expect(first.stderr).toMatch(/hint: .*run the same command again to pick it up/);
    expect(first.stderr).not.toMatch(/batch for openai:gpt-4o-mini (failed|could not be sent)/);
    // Before, its 12 trials were then called live at full price, and the batch's id deleted.
    expect(live(before)).toBe(0);
    expect(await readdir(path.join(dir, ".harness/batches"))).toHaveLength(1);
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    expect(report.stopped).toMatch(/polling batch .* gave up/);
    expect(report.suites[0].totals).toMatchObject({ trials: 12, passed: 0, cancelled: 12 });

    server.batches.checkFaults = [];
    const second = await runHarness(args, { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/picking up 12 request\(s\) sent to openai:gpt-4o-mini by an earlier run/);
    expect(server.batches.created.length - createdBefore).toBe(1);
    expect(batched(before)).toBe(12);
    expect(live(before)).toBe(0);
    expect(await readdir(path.join(dir, ".harness/batches"))).toEqual([]);
  });

  it("a status check never answered is given up at --timeout and counts as a failed check", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini") });
    server.batches.checkFaults = ["hang", "hang"];
    const before = server.requests.length;
    // Long enough that no answered call on a loaded machine is taken for a hung one; the polls
    // far enough apart that two hung checks fit in the patience (120 polls: 12 s).
    const r = await runHarness(["eval", "--batch", "--batch-poll", "100", "--timeout", "1500"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    // Given up at --timeout, by the message: before, the SDK's own 10-minute limit applied to
    // each check (and the test would time out).
    expect(r.stderr.match(/checking its status failed \(openai:gpt-4o-mini batch: no answer within 1500 ms\)/g)).toHaveLength(2);
    expect(live(before)).toBe(0);
  });

  it("fetching an ended batch's answers is tried again when it fails or hangs, rather than its trials running live", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("anthropic:claude-haiku-4-5") });
    server.batches.resultFaults = [503, "hang"];
    const before = server.requests.length;
    const r = await runHarness(["eval", "--batch", "--batch-poll", "100", "--timeout", "1500"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(batched(before)).toBe(12);
    // Before, a failed fetch ran all 12 live, paying for the batch's answers a second time.
    expect(live(before)).toBe(0);
    expect(r.stderr).toMatch(/fetching its answers failed \(.*HTTP 503 .*\)/);
    expect(r.stderr).toMatch(/fetching its answers failed \(anthropic:claude-haiku-4-5 batch: no answer within 1500 ms\)/);
    expect(r.stderr).toMatch(/12 of 12 answered\./);
  });

  it("an upload never answered is given up at --timeout, saying so first, and its trials run live", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini") });
    server.batches.hang = true;
    const before = server.requests.length;
    const r = await runHarness(["eval", "--batch", "--batch-poll", "10", "--timeout", "1000", "-o", "r.json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    // Given up at --timeout, by the message: before, nothing was said for the SDK's 10 minutes
    // (5 min a request, twice), and the test would time out.
    // The provider may have created the batch all the same, and its list cannot be read either:
    // the trials run live, and the warning says how to find the batch to cancel, if it exists.
    const unsure = /the batch for openai:gpt-4o-mini could not be sent \(openai:gpt-4o-mini batch: no answer within 1000 ms; whether openai:gpt-4o-mini created it anyway is not known \(openai:gpt-4o-mini batch list: no answer within 1000 ms\): should it exist, it is paid for as well; cancel the batch whose metadata harness_tag is [0-9a-f-]{36}\); its trials run live\.\n/;
    expect(r.stderr).toMatch(new RegExp(`Sending 12 request\\(s\\) to openai:gpt-4o-mini's batch API…\\n(.|\\n)*${unsure.source}`));
    // At least: a live call slower than the limit on a busy machine is retried.
    expect(live(before)).toBeGreaterThanOrEqual(12);
    expect(JSON.parse(await readFile(path.join(dir, "r.json"), "utf8")).suites[0].totals).toMatchObject({ trials: 12, passed: 12, errored: 0 });
    // -q keeps warnings: trials paying full price rather than half is one; the batch's steps are not.
    const quiet = await runHarness(["eval", "--batch", "--batch-poll", "10", "--timeout", "1000", "-q"], { cwd: dir, env });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toMatch(new RegExp(`harness: warning: ${unsure.source}`));
    expect(quiet.stderr).not.toContain("Sending");
  });

  it("Ctrl-C while the batch runs exits 130; the same command then picks the batch up instead of sending it again", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini") });
    server.batches.pollsBeforeEnd = 1_000_000;
    const createdBefore = server.batches.created.length;
    let pid = 0;
    const run = runHarness(["eval", "--batch", "--batch-poll", "20"], { cwd: dir, env, onSpawn: (p) => (pid = p) });
    await waitFor(() => server.batches.created.length > createdBefore, 20_000, "the batch to be sent");
    process.kill(pid, "SIGINT");
    const first = await run;
    expect(first.code).toBe(130);
    expect(await readdir(path.join(dir, ".harness/batches"))).toHaveLength(1);

    server.batches.pollsBeforeEnd = 0;
    const before = server.requests.length;
    const second = await runHarness(["eval", "--batch", "--batch-poll", "10"], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/picking up 12 request\(s\) sent to openai:gpt-4o-mini by an earlier run/);
    expect(server.batches.created.length - createdBefore).toBe(1);
    expect(live(before)).toBe(0);
    expect(await readdir(path.join(dir, ".harness/batches"))).toEqual([]);
  });

  it("Ctrl-C while the batch is being sent exits 130 with a partial report, not an error", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini") });
    server.batches.hang = true;
    let pid = 0;
    const run = runHarness(["eval", "--batch", "-o", "partial.json"], { cwd: dir, env, onSpawn: (p) => (pid = p) });
    await waitFor(() => existsSync(path.join(dir, ".harness/batches")), 20_000, "the batch state folder");
    await new Promise((r) => setTimeout(r, 200));
    process.kill(pid, "SIGINT");
    const r = await run;
    expect(r.code, r.stderr).toBe(130);
    expect(JSON.parse(await readFile(path.join(dir, "partial.json"), "utf8")).interrupted).toBe("SIGINT");
  });

  it("--resume after a batch run was stopped during grading picks up the same batch for the trials left", async () => {
    const dir = await makeProject({
      "evals/b.yaml": suiteYaml("openai:gpt-4o-mini", 2).replace("cases:\n", "  - type: javascript\n    file: hang.mjs\ncases:\n"),
      // Hangs grading case-1's outputs while HANG is set: the run is stopped with case-0 done.
      "evals/hang.mjs": "export default (output) => (process.env.HANG && output.includes('question 1') ? new Promise(() => {}) : true);\n",
    });
    const createdBefore = server.batches.created.length;
    let pid = 0;
    const run = runHarness(["eval", ...fast, "--timeout", "600000"], { cwd: dir, env: { ...env, HANG: "1" }, onSpawn: (p) => (pid = p) });
    let onDisk = 0;
    await waitFor(() => {
      void readFile(path.join(dir, ".harness/journal.jsonl"), "utf8").then((t) => (onDisk = t.split("\n").filter((l) => l.includes('"kind":"trial"')).length), () => 0);
      return onDisk >= 3;
    }, 20_000, "case-0's trials in the journal");
    process.kill(pid, "SIGINT");
    expect((await run).code).toBe(130);
    expect(server.batches.created.length - createdBefore).toBe(1);

    const before = server.requests.length;
    const again = await runHarness(["eval", "--batch", "--batch-poll", "10", "--resume"], { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/picking up 3 request\(s\)/);
    // No second batch, no live call: the first batch had answered these too.
    expect(server.batches.created.length - createdBefore).toBe(1);
    expect(server.requests.length).toBe(before);
    expect(await readdir(path.join(dir, ".harness/batches"))).toEqual([]);
  });

  it("requests the batch could not answer run live, and nothing is counted twice", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("anthropic:claude-haiku-4-5") });
    // Inside the batch, case-1 fails with a 500; live, it is answered.
    server.handle((req) => (req.viaBatch && JSON.stringify(req.body).includes("question 1") ? { kind: "status", status: 500 } : echo(req)));
    const before = server.requests.length;
    const r = await runHarness(["eval", ...fast, "-o", "r.json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(batched(before)).toBe(12);
    expect(live(before)).toBe(3);
    const suite = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8")).suites[0];
    expect(suite.totals).toMatchObject({ trials: 12, passed: 12, errored: 0 });
  });

  it("two cases sending one request share its batch answer, and its tokens and cost count once", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini", 2).replace("n: 1", "n: 0") });
    const before = server.requests.length;
    const r = await runHarness(["eval", ...fast, "-o", "r.json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(batched(before)).toBe(3);
    const suite = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8")).suites[0];
    type Trial = { usage: { inputTokens: number; outputTokens: number }; costUsd: number; shared?: true };
    const [first, second] = suite.cases.map((c: { trials: Trial[] }) => c.trials) as [Trial[], Trial[]];
    // Each trial shows the answer's tokens and cost; the second case's were the first's call.
    expect(second.map((t) => [t.usage, t.costUsd])).toEqual(first.map((t) => [t.usage, t.costUsd]));
    expect([first.some((t) => t.shared), second.every((t) => t.shared)]).toEqual([false, true]);
    const sum = (f: (t: Trial) => number) => first.reduce((s, t) => s + f(t), 0);
    expect(suite.tokens).toEqual({ inputTokens: sum((t) => t.usage.inputTokens), outputTokens: sum((t) => t.usage.outputTokens) });
    expect(suite.costUsd).toBeCloseTo(sum((t) => t.costUsd), 15);
  });

  it("--batch with --offline is a usage error", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini") });
    const r = await runHarness(["eval", "--batch", "--offline"], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--batch.*--offline|--offline.*--batch/);
  });
});

describe("a batch upload whose answer is lost", () => {
  const lostFlags = ["eval", "--batch", "--batch-poll", "10", "--timeout", "1000", "-o", "r.json"];
  const someoneElses = Array.from({ length: 12 }, (_, i) => `someone-else-${i}`);

  it("OpenAI: the batch is found by its tag, beside another of its size, and followed: one batch paid, no trial live", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini") });
    server.batches.createOther("openai", someoneElses);
    server.batches.createFaults = ["lost"];
    const before = server.requests.length;
    const createdBefore = server.batches.created.length;
    const r = await runHarness(lostFlags, { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.batches.created.length - createdBefore).toBe(1);
    const ours = server.batches.created.at(-1)!;
    expect(ours.customIds).not.toContain("someone-else-0");
    expect(live(before)).toBe(0);
    expect(batched(before)).toBe(12);
    expect(r.stderr).toContain(`Batch ${ours.id}: sending it failed (openai:gpt-4o-mini batch: no answer within 1000 ms), but openai:gpt-4o-mini had created it; waiting for it to end rather than paying for its 12 request(s) twice.\n`);
    expect(JSON.parse(await readFile(path.join(dir, "r.json"), "utf8")).suites[0].totals).toMatchObject({ trials: 12, passed: 12, errored: 0 });
  });

  it("OpenAI: a batch created after the time limit (an upload still being taken in) is found by a later look", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini") });
    // Created 1.3 s after it was asked: 0.3 s after the time limit, between the looks at +0.2 s and +0.6 s.
    server.batches.createFaults = [{ lateMs: 1300 }];
    const before = server.requests.length;
    const createdBefore = server.batches.created.length;
    const r = await runHarness(["eval", "--batch", "--batch-poll", "200", "--timeout", "1000", "-q", "-o", "r.json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.batches.created.length - createdBefore).toBe(1);
    expect(live(before)).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("Anthropic: another client's batch of its size is never taken for this run's (none carries a tag): the trials run live, and the warning names it", async () => {
    // 15 requests: no batch of an earlier test (12) is of its size. Ours is never created; another client's is running.
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("anthropic:claude-haiku-4-5", 5) });
    server.batches.createOther("anthropic", Array.from({ length: 15 }, (_, i) => `someone-else-${i}`));
    const other = server.batches.created.at(-1)!;
    server.batches.createFaults = ["hang"];
    const before = server.requests.length;
    const r = await runHarness(lostFlags, { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    // Taken for this run's, it was followed, its answers matched none, and every trial ran live all the same.
    expect(r.stderr).not.toContain(`Batch ${other.id}`);
    expect(batched(before)).toBe(0);
    expect(live(before)).toBeGreaterThanOrEqual(15);
    expect(r.stderr).toMatch(
      new RegExp(
        `harness: warning: the batch for anthropic:claude-haiku-4-5 could not be sent \\(anthropic:claude-haiku-4-5 batch: no answer within 1000 ms; whether anthropic:claude-haiku-4-5 created it anyway is not known \\(Anthropic's batches carry no tag; one of 15 request\\(s\\) created since could be it: ${other.id}\\): should it exist, it is paid for as well; cancel the batch of 15 request\\(s\\) created at about \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\); its trials run live\\.\\n`,
      ),
    );
  });


  it.each(["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"] as const)("%s: an upload never answered and never created is looked for, then its trials run live, saying what to cancel should it appear", async (provider) => {
    // 6 requests: no batch of another test is of its size, to be named as one that could be it.
    const dir = await makeProject({ "evals/b.yaml": suiteYaml(provider, 2) });
    server.batches.createFaults = ["hang"];
    const before = server.requests.length;
    const createdBefore = server.batches.created.length;
    const r = await runHarness([...lostFlags, "-q"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.batches.created.length).toBe(createdBefore);
    expect(live(before)).toBeGreaterThanOrEqual(6);
    const named = provider.startsWith("openai") ? "the batch whose metadata harness_tag is [0-9a-f-]{36}" : "the batch of 6 request\\(s\\) created at about [\\dTZ:.-]+";
    expect(r.stderr).toMatch(
      new RegExp(`^harness: warning: the batch for ${provider} could not be sent \\(${provider} batch: no answer within 1000 ms; it was not among ${provider}'s batches, looked for 4 times: should it exist, it is paid for as well; cancel ${named}\\); its trials run live\\.\\n$`),
    );
  });

  it("OpenAI: stopped while looking for it, the same command finds the batch by its tag and follows it, sending no other", async () => {
    const dir = await makeProject({ "evals/b.yaml": suiteYaml("openai:gpt-4o-mini") });
    server.batches.createFaults = ["lost"];
    server.batches.listFaults = ["hang", "hang", "hang", "hang"];
    const createdBefore = server.batches.created.length;
    let pid = 0;
    const first = runHarness(["eval", "--batch", "--batch-poll", "10", "--timeout", "5000", "-q"], { cwd: dir, env, onSpawn: (p) => (pid = p) });
    await waitFor(() => server.batches.created.length > createdBefore, 20_000, "the batch created");
    process.kill(pid, "SIGINT");
    expect((await first).code).toBe(130);
    server.batches.listFaults = [];
    const before = server.requests.length;
    const again = await runHarness(["eval", "--batch", "--batch-poll", "10", "-o", "r.json"], { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(server.batches.created.length - createdBefore).toBe(1);
    expect(again.stderr).toContain(`Batch ${server.batches.created.at(-1)!.id}: picking up 12 request(s) sent to openai:gpt-4o-mini by an earlier run.`);
    expect(live(before)).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, "r.json"), "utf8")).suites[0].totals).toMatchObject({ trials: 12, passed: 12, errored: 0 });
  });
});
