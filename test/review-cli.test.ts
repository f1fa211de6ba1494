/**
 * `harness review` driven in a real pseudo-terminal (Python's pty module), a few verdicts
 * and a quit; and how pending reviews, reviews files and judge agreement reach `harness eval`.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outputHash } from "../src/core/hash.js";
import { reviewKey } from "../src/graders/review-key.js";
import { BIN, cleanEnv, makeProject, runHarness, ROOT } from "./cli-run.js";
import { startFakeServer, type FakeServer } from "./fake-server.js";

interface PtyResult {
  exit: number | null;
  output: string;
  stuck_at?: string;
}

function inPty(steps: [string, string][], args: string[], cwd: string, env: Record<string, string> = {}): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "python3",
      [path.join(ROOT, "test/pty-drive.py"), JSON.stringify(steps), "--", process.execPath, BIN, ...args],
      { cwd, env: cleanEnv({ HARNESS_REVIEWER: "ana", ...env }), maxBuffer: 8 * 1024 * 1024 },
      (err, stdout) => {
        try {
          resolve(JSON.parse(stdout) as PtyResult);
        } catch {
          reject(err ?? new Error(`no result from the pty driver: ${stdout}`));
        }
      },
    );
  });
}

// An "app" whose answer alternates by trial: two distinct outputs to review.
const APP = `let s = ""; for await (const c of process.stdin) s += c;
const { trial } = JSON.parse(s);
console.log(trial % 2 === 0 ? "Hello Ana, happy to help!" : "Hi Ana.");
`;
const SUITE = `name: tone
provider: exec:node app.mjs
prompt: "Greet Ana"
trials: 4
cases:
  - id: greet-warmly
    description: a customer complained the bot was curt (ticket 77)
    graders:
      - type: contains
        value: Ana
      - type: human
        instructions: Is the greeting warm rather than curt?
`;
const PROMPT = "quit) > ";
const NOTE_PROMPT = "Enter for none) > ";

describe("harness review in a terminal", () => {
  it("walks the pending outputs, records each verdict at once, and a quit loses nothing", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE });
    // Pending reviews warn by default, and fail the gate with --pending fail.
    const warn = await runHarness(["eval", "-q"], { cwd: dir });
    expect(warn.code).toBe(0);
    expect(warn.stdout).toContain("4 trials await human review");
    // Awaiting a person, not failed: marked apart.
    expect(warn.stdout).toContain("  … greet-warmly");
    expect((await runHarness(["eval", "-q", "--pending", "fail"], { cwd: dir })).code).toBe(1);

    const r = await inPty(
      [
        ["[1/2]", ""],
        [PROMPT, "n\r"],
        ["note > ", "warm enough\r"],
        [PROMPT, "p\r"],
        ["[2/2]", ""],
        [PROMPT, "q\r"],
      ],
      ["review"],
      dir,
    );
    expect(r.stuck_at).toBeUndefined();
    expect(r.exit).toBe(0);
    expect(r.output).toContain("Is the greeting warm rather than curt?");
    expect(r.output).toContain("Hello Ana, happy to help!");
    expect(r.output).toContain("Recorded 1 verdict; 1 left for later.");
    const lines = (await readFile(path.join(dir, "evals/reviews.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({
        suite: "tone",
        caseId: "greet-warmly",
        grader: reviewKey({ type: "human", instructions: "Is the greeting warm rather than curt?" }),
        outputHash: outputHash("Hello Ana, happy to help!"),
        verdict: "pass",
        note: "warm enough",
        reviewer: "ana",
      }),
    ]);

    // The second session offers only what is left; a fail there completes the review.
    const second = await inPty([["[1/1]", ""], [PROMPT, "f\r"], [NOTE_PROMPT, "\r"]], ["review"], dir);
    expect(second.exit).toBe(0);
    expect(second.output).toContain("Hi Ana.");
    const done = await runHarness(["eval", "-q", "--pending", "fail", "-o", "r.json"], { cwd: dir });
    expect(done.code).toBe(0);
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    expect(report.suites[0].cases[0]).toMatchObject({ n: 4, passes: 2, pending: 0 });
    const nothing = await inPty([], ["review"], dir);
    expect(nothing.output).toContain("Nothing to review");
  });

  it("pending reviews with --pending fail block --update-baseline; under warn they do not fail a threshold", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE.replace("trials: 4\n", "trials: 4\nthreshold: { passAtK: 0.8 }\n") });
    const blocked = await runHarness(["eval", "-q", "--pending", "fail", "--update-baseline"], { cwd: dir });
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain("The baseline was not written");
    const warned = await runHarness(["eval", "-q"], { cwd: dir });
    expect(warned.code, warned.stdout).toBe(0);
    expect(warned.stdout).not.toContain("errored trials could pull it");
  });

  it("--update-baseline keeps a case's entry while its trials await review, and the gate says what awaits", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE });
    const grader = reviewKey({ type: "human", instructions: "Is the greeting warm rather than curt?" });
    const verdict = (output: string) => JSON.stringify({ suite: "tone", caseId: "greet-warmly", grader, outputHash: outputHash(output), verdict: "pass", reviewer: "ana", time: "2026-11-29T10:00:00.000Z" });
    await writeFile(path.join(dir, "evals/reviews.jsonl"), `${verdict("Hello Ana, happy to help!")}\n${verdict("Hi Ana.")}\n`);
    expect((await runHarness(["eval", "-q", "--update-baseline"], { cwd: dir })).code).toBe(0);
    const baselineFile = path.join(dir, "evals/baseline.json");
    const reviewed = JSON.parse(await readFile(baselineFile, "utf8")).suites.tone.cases["greet-warmly"];
    expect(reviewed).toMatchObject({ n: 4, passes: 4 });

    // The app now answers otherwise: every trial awaits a person again.
    await writeFile(path.join(dir, "app.mjs"), 'console.log("Hey Ana!");\n');
    const r = await runHarness(["eval", "-q", "--update-baseline"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Gate: PASS (no significant regression), with 4 trials awaiting human review (--pending warn)");
    expect(r.stderr).toContain("Kept the previous baseline entries of 1 case this run could not judge (trials awaiting human review, or every trial errored): tone/greet-warmly.");
    expect(JSON.parse(await readFile(baselineFile, "utf8")).suites.tone.cases["greet-warmly"]).toEqual(reviewed);
  });

  it("--resume keeps finished trials without running anything, with the people's verdicts as they are now", async () => {
    const counted = `import { appendFileSync } from "node:fs"; appendFileSync("runs.log", "x");\n${APP}`;
    const dir = await makeProject({ "app.mjs": counted, "evals/tone.yaml": SUITE });
    const grader = reviewKey({ type: "human", instructions: "Is the greeting warm rather than curt?" });
    const verdict = (output: string, v: string, time: string) => JSON.stringify({ suite: "tone", caseId: "greet-warmly", grader, outputHash: outputHash(output), verdict: v, reviewer: "ana", time });
    await writeFile(path.join(dir, "evals/reviews.jsonl"), `${verdict("Hello Ana, happy to help!", "pass", "2026-11-29T10:00:00Z")}\n${verdict("Hi Ana.", "pass", "2026-11-29T10:00:00Z")}\n`);
    const first = await runHarness(["eval", "-q", "-o", "first.json"], { cwd: dir });
    expect(JSON.parse(await readFile(path.join(dir, "first.json"), "utf8")).suites[0].cases[0]).toMatchObject({ n: 4, passes: 4 });
    const runs = (await readFile(path.join(dir, "runs.log"), "utf8")).length;
    // Ana thinks again about the curt one.
    await writeFile(path.join(dir, "evals/reviews.jsonl"), verdict("Hi Ana.", "fail", "2026-11-29T11:00:00Z") + "\n", { flag: "a" });
    const resumed = await runHarness(["eval", "-q", "--resume", "-o", "resumed.json"], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, "resumed.json"), "utf8")).suites[0].cases[0]).toMatchObject({ n: 4, passes: 2 });
    expect((await readFile(path.join(dir, "runs.log"), "utf8")).length).toBe(runs);
    expect(first.code).toBe(0);
  });

  it("--from reviews exactly the outputs of a saved run, without running anything", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE });
    const saved = await runHarness(["eval", "-q", "-o", "ci-run.json"], { cwd: dir });
    expect(saved.code).toBe(0);
    // The app has changed since: running it now would give other outputs.
    await writeFile(path.join(dir, "app.mjs"), 'console.log("Yo.");\n');
    const r = await inPty([["[1/2]", ""], [PROMPT, "p\r"], [PROMPT, "f\r"], [NOTE_PROMPT, "\r"]], ["review", "--from", "ci-run.json"], dir);
    expect(r.exit).toBe(0);
    expect(r.output).not.toContain("Running the suites");
    expect(r.output).toContain("Hello Ana, happy to help!");
    const lines = (await readFile(path.join(dir, "evals/reviews.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.outputHash, l.verdict])).toEqual([
      [outputHash("Hello Ana, happy to help!"), "pass"],
      [outputHash("Hi Ana."), "fail"],
    ]);
    // Everything in that run now has a verdict.
    const again = await inPty([], ["review", "--from", "ci-run.json"], dir);
    expect(again.output).toContain("Nothing to review");
    // A report that is not one is refused by name.
    await writeFile(path.join(dir, "bad.json"), '{"hello": 1}');
    const bad = await runHarness(["review", "--from", "bad.json"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^bad\.json  not a harness run report \(schemaVersion 1, with suites and gate\)/);
    // Options that would change a run mean nothing for one already saved: said, not ignored.
    const ignored = await runHarness(["review", "--from", "ci-run.json", "-k", "3", "--offline"], { cwd: dir });
    expect(ignored.code).toBe(2);
    expect(ignored.stderr).toContain("harness: --from reviews the outputs of a saved run as they are: -k, --offline do not apply");
  });

  it("a verdict answers the question it was given to: a new prompt, or new instructions, ask again", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE });
    expect((await runHarness(["eval", "-q", "-o", "before.json"], { cwd: dir })).code).toBe(0);
    const r = await inPty([["[1/2]", ""], [PROMPT, "p\r"], [PROMPT, "p\r"]], ["review"], dir);
    expect(r.exit).toBe(0);
    const passed = await runHarness(["eval", "-q"], { cwd: dir });
    expect(passed.stdout).not.toContain("await human review");

    // The same outputs, to another question: the verdicts answered the old one.
    await writeFile(path.join(dir, "evals/tone.yaml"), SUITE.replace('prompt: "Greet Ana"', 'prompt: "Refuse Ana a refund"'));
    const asked = await runHarness(["eval", "-q"], { cwd: dir });
    expect(asked.stdout).toContain("4 trials await human review");
    const from = await runHarness(["review", "--from", "before.json"], { cwd: dir });
    expect(from.stderr).toContain("Asked otherwise since that run, so not offered (a verdict would answer a question no longer asked): tone/greet-warmly\n");
    expect(from.stdout).toContain("Nothing to review");

    // The first run's outputs under instructions rewritten since: said, not silently dropped.
    await writeFile(path.join(dir, "evals/tone.yaml"), SUITE.replace("Is the greeting warm rather than curt?", "Is it warm?"));
    await writeFile(path.join(dir, "evals/reviews.jsonl"), "");
    const stale = await runHarness(["review", "--from", "before.json"], { cwd: dir });
    expect(stale.stderr).toContain("Awaiting instructions that have changed since that run, so not offered: 2 outputs; run `harness review` without --from to review today's.\n");
  });

  it("outputs whose trial another grader already failed are not offered: the verdict could not change it", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE.replace("value: Ana", "value: Zed") });
    const r = await inPty([], ["review"], dir);
    expect(r.output).toContain("Nothing to review");
  });

  it("a --reviews file named for eval must exist", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE });
    const r = await runHarness(["eval", "--reviews", "evals/reveiws.jsonl"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no reviews file at evals/reveiws.jsonl");
  });

  // Linux's /proc takes no new folders, even from root: a reviews file readable (as absent) but not writable.
  it.runIf(existsSync("/proc/self/stat"))("a reviews file that cannot be written is refused before the first verdict is asked for, not after", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE });
    const r = await runHarness(["review", "--reviews", "/proc/harness-no-such-folder/reviews.jsonl"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--reviews /proc/harness-no-such-folder/reviews.jsonl: cannot write there");
    expect(r.stderr).not.toContain("Running the suites");
  });

  it("Ctrl-C during a review keeps the verdicts given and exits 130", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE });
    const r = await inPty([[PROMPT, "p\r"], ["[2/2]", ""], [PROMPT, "<SIGINT>"]], ["review"], dir);
    expect(r.exit).toBe(130);
    expect((await readFile(path.join(dir, "evals/reviews.jsonl"), "utf8")).trim().split("\n")).toHaveLength(1);
  });

  it("Ctrl-C where a fail's note is asked keeps the fail, and shows no further output", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE });
    const r = await inPty([[PROMPT, "f\r"], [NOTE_PROMPT, "<SIGINT>"]], ["review"], dir);
    expect(r.exit).toBe(130);
    expect(r.output).not.toContain("[2/2]");
    expect(r.output).toContain("Stopped. Recorded 1 verdict; 1 left for later.");
    const lines = (await readFile(path.join(dir, "evals/reviews.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.outputHash, l.verdict, l.note])).toEqual([[outputHash("Hello Ana, happy to help!"), "fail", undefined]]);
  });

  it("a reviews file edited into something invalid: exit 2 naming the line, for eval and review", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE, "evals/reviews.jsonl": '{"suite": "tone"}\n' });
    for (const cmd of ["eval", "review"]) {
      const r = await runHarness([cmd], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^evals\/reviews\.jsonl:1:1 {2}caseId/);
    }
  });
});

describe("harness review with piped input", () => {
  const verdicts = async (file: string) => (await readFile(file, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { outputHash: string; verdict: string; note?: string });

  it("a note typed after a fail is kept with it; the prompt says how; one key a line keeps its meaning", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE });
    const env = { HARNESS_REVIEWER: "ana" };
    // The newcomer's order: the verdict, then the note.
    const r = await runHarness(["review"], { cwd: dir, env, input: "f\nn\ntoo formal\n" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("verdict (p = pass; f = fail, then a note; n = note first; s = skip; b = back; q = quit) > ");
    expect(r.stdout).toContain("recorded: fail (note: too formal)");
    expect(r.stdout).toContain("Recorded 1 verdict; 1 left for later.");
    expect(await verdicts(path.join(dir, "evals/reviews.jsonl"))).toEqual([expect.objectContaining({ outputHash: outputHash("Hello Ana, happy to help!"), verdict: "fail", note: "too formal" })]);

    // Input written for one key a line: a key where the note is asked answers the next output.
    const keys = await runHarness(["review", "--reviews", "keys.jsonl"], { cwd: dir, env, input: "f\np\n" });
    expect(keys.code, keys.stderr).toBe(0);
    expect((await verdicts(path.join(dir, "keys.jsonl"))).map((l) => [l.outputHash, l.verdict, l.note])).toEqual([
      [outputHash("Hello Ana, happy to help!"), "fail", undefined],
      [outputHash("Hi Ana."), "pass", undefined],
    ]);
  });
});

describe("changing a verdict", () => {
  // Two cases asking the same of the same two outputs: four to review.
  const TWO_CASES = `${SUITE}  - id: thank-warmly
    vars: { reason: "a thank-you" }
    graders:
      - type: human
        instructions: Is the greeting warm rather than curt?
`;
  const lines = async (file: string) => (await readFile(file, "utf8")).trim().split("\n");

  it("--redo offers outputs that have a verdict, with it; a new one is a later line and wins; --case narrows", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": TWO_CASES });
    const env = { HARNESS_REVIEWER: "ana" };
    const file = path.join(dir, "evals/reviews.jsonl");
    // A wrong fail on the first output, passes on the rest.
    expect((await runHarness(["review"], { cwd: dir, env, input: "f\n\np\np\np\n" })).code).toBe(0);
    const first = await lines(file);
    expect(first).toHaveLength(4);
    const done = await runHarness(["review"], { cwd: dir, env, input: "" });
    expect(done.stdout).toContain("Nothing to review: no output awaits a human verdict. To change a verdict given: harness review --redo [--case <id>].\n");
    expect((await runHarness(["eval", "-q", "-o", "before.json"], { cwd: dir })).code).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, "before.json"), "utf8")).suites[0].cases[0]).toMatchObject({ id: "greet-warmly", n: 4, passes: 2 });

    const redo = await runHarness(["review", "--redo", "--case", "tone/greet-*"], { cwd: dir, env, input: "p\ns\n" });
    expect(redo.code, redo.stderr).toBe(0);
    expect(redo.stdout).toContain("2 outputs with a verdict to look at again (2 from human graders, 0 judge checks). A new verdict is added to evals/reviews.jsonl after the old one, and wins; s keeps the old one.\n");
    expect(redo.stdout).toContain("[1/2] tone / greet-warmly");
    expect(redo.stdout).not.toContain("thank-warmly");
    expect(redo.stdout).toMatch(/verdict now: fail \(ana, \d{4}-\d\d-\d\d \d\d:\d\d UTC\); p or f adds a later one, which wins; s keeps it\n/);
    expect(redo.stdout).toContain("Recorded 1 verdict, kept 1 as it was.\n");
    // Every earlier line is kept as it was; the new one follows.
    const after = await lines(file);
    expect(after.slice(0, 4)).toEqual(first);
    expect(JSON.parse(after[4]!)).toMatchObject({ caseId: "greet-warmly", outputHash: outputHash("Hello Ana, happy to help!"), verdict: "pass", reviewer: "ana" });
    expect((await runHarness(["eval", "-q", "-o", "after.json"], { cwd: dir })).code).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, "after.json"), "utf8")).suites[0].cases[0]).toMatchObject({ id: "greet-warmly", n: 4, passes: 4 });

    // A saved run's outputs, narrowed the same way.
    const from = await runHarness(["review", "--from", "after.json", "--redo", "--case", "thank-warmly"], { cwd: dir, env, input: "q\n" });
    expect(from.stdout).toContain("[1/2] tone / thank-warmly");
    expect(from.stdout).not.toContain("greet-warmly");
    const typo = await runHarness(["review", "--redo", "--case", "thank-warmy"], { cwd: dir, env, input: "" });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('no case in the suites run matches --case "thank-warmy" (did you mean "thank-warmly"?)');
    const both = await runHarness(["review", "--redo", "--sample", "3"], { cwd: dir, env, input: "" });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--redo with --sample");
  });
});

describe("who the verdicts are recorded under", () => {
  it("is said before the first output, with where the name came from and how to change it", async () => {
    const dir = await makeProject({ "app.mjs": APP, "evals/tone.yaml": SUITE, "gitconfig": "[user]\n\tname = Seed 5d75d1c8 maintainers\n" });
    // This machine's git name, not one the person chose: the case a wrong name comes from.
    const git = { GIT_CONFIG_GLOBAL: path.join(dir, "gitconfig"), GIT_CONFIG_NOSYSTEM: "1", HARNESS_REVIEWER: "" };
    const r = await runHarness(["review"], { cwd: dir, env: git, input: "p\n" });
    expect(r.code, r.stderr).toBe(0);
    const said = 'Reviewing as "Seed 5d75d1c8 maintainers" (from git config user.name; --reviewer <name> or HARNESS_REVIEWER to change).\n';
    expect(r.stdout).toContain(said);
    expect(r.stdout.indexOf(said)).toBeLessThan(r.stdout.indexOf("[1/2]"));
    expect(JSON.parse(await readFile(path.join(dir, "evals/reviews.jsonl"), "utf8")).reviewer).toBe("Seed 5d75d1c8 maintainers");

    const env = await runHarness(["review"], { cwd: dir, env: { ...git, HARNESS_REVIEWER: "ana" }, input: "q\n" });
    expect(env.stdout).toContain('Reviewing as "ana" (from HARNESS_REVIEWER; --reviewer <name> to change).\n');
    const flag = await runHarness(["review", "--reviewer", "Ana Lima"], { cwd: dir, env: { ...git, HARNESS_REVIEWER: "ana" }, input: "q\n" });
    expect(flag.stdout).toContain('Reviewing as "Ana Lima" (--reviewer).\n');
  });
});

describe("judge agreement, end to end", () => {
  let server: FakeServer;
  beforeAll(async () => {
    // The target answers by the question; the judge passes any output that mentions "30 days".
    server = await startFakeServer((req) => {
      const messages = req.body.messages as { content: string }[];
      const last = messages[messages.length - 1]!.content;
      if (req.body.response_format) {
        const pass = /30 days/.test(/<output>\n([\s\S]*)\n<\/output>/.exec(last)?.[1] ?? "");
        return { kind: "structured", value: { reasoning: "checked", verdict: pass ? "pass" : "fail", score: pass ? 1 : 0 } };
      }
      return { kind: "answer", text: last.includes("A") ? "Returns within 30 days." : last.includes("B") ? "Returns within 30 days, sure." : "No returns." };
    });
  });
  afterAll(() => server.close());

  /** A suite judged by a rubric (and whatever graders `more` adds); case "a" asks question A, and so on. */
  const policySuite = (trials: number, more: string, cases: string[]) => `name: policy
provider: { id: openai:gpt-4o-mini, config: { baseURL: "${server.openaiBaseURL}" } }
judge: { id: openai:gpt-4o-mini, config: { baseURL: "${server.openaiBaseURL}" } }
prompt: "Question {{q}}"
trials: ${trials}
graders:
  - type: rubric
    value: States the 30-day return window.
${more}cases:
${cases.map((id) => `  - { id: ${id}, vars: { q: ${id.toUpperCase()} } }\n`).join("")}`;

  it("--resume of trials awaiting a person asks no judge again, and takes a verdict given since", async () => {
    const suite = policySuite(2, "  - type: human\n    instructions: Is it friendly?\n", ["a"]);
    const dir = await makeProject({ "evals/policy.yaml": suite });
    const env = { OPENAI_API_KEY: "sk-test" };
    const judged = () => server.requests.filter((r) => r.body.response_format).length;
    expect((await runHarness(["eval", "-q", "-o", "first.json"], { cwd: dir, env })).code).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, "first.json"), "utf8")).suites[0].cases[0]).toMatchObject({ n: 0, pending: 2 });
    const before = { judge: judged(), all: server.requests.length };
    const grader = reviewKey({ type: "human", instructions: "Is it friendly?" });
    await writeFile(path.join(dir, "evals/reviews.jsonl"), `${JSON.stringify({ suite: "policy", caseId: "a", grader, outputHash: outputHash("Returns within 30 days."), verdict: "pass", reviewer: "ana", time: "2026-11-29T12:00:00.000Z" })}\n`);
    const resumed = await runHarness(["eval", "-q", "--resume", "-o", "resumed.json"], { cwd: dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, "resumed.json"), "utf8")).suites[0].cases[0]).toMatchObject({ n: 2, passes: 2, pending: 0 });
    // Neither the model nor the judge was asked again.
    expect({ judge: judged(), all: server.requests.length }).toEqual(before);
  });

  it("review --sample offers judged outputs without the judge's verdict; eval reports agreement and Cohen's kappa", async () => {
    const suite = policySuite(1, "", ["a", "b", "c"]);
    const dir = await makeProject({ "evals/policy.yaml": suite });
    const env = { OPENAI_API_KEY: "sk-test" };
    const offered = await inPty([["[1/3]", ""], [PROMPT, "s\r"], [PROMPT, "s\r"], [PROMPT, "s\r"]], ["review", "--sample", "3"], dir, env);
    expect(offered.exit).toBe(0);
    expect(offered.output).toContain("(checking the judge)");
    expect(offered.output).toContain("Does the output meet this rubric? States the 30-day return window.");
    expect(offered.output).not.toContain("checked"); // the judge's reasoning is not shown: it would anchor the person

    // The person's verdicts, as review writes them: agrees on a (pass) and c (fail), not on b.
    const key = reviewKey({ type: "rubric", value: "States the 30-day return window." })!;
    const verdict = (caseId: string, output: string, v: "pass" | "fail") =>
      JSON.stringify({ suite: "policy", caseId, grader: key, outputHash: outputHash(output), verdict: v, reviewer: "ana", time: "2026-11-24T12:00:00.000Z" });
    await writeFile(
      path.join(dir, "evals/reviews.jsonl"),
      [verdict("a", "Returns within 30 days.", "pass"), verdict("b", "Returns within 30 days, sure.", "fail"), verdict("c", "No returns.", "fail"), ""].join("\n"),
    );
    const r = await runHarness(["eval", "-q", "-o", "r.json", "--reporter", "terminal,markdown:r.md,html:r.html"], { cwd: dir, env });
    expect(r.code).toBe(0);
    // Pairs (judge, person): (T,T), (T,F), (F,F): agreement 2/3, κ = (2/3 − 4/9)/(1 − 4/9) = 0.4;
    // the intervals' own tests are in reviews.test.ts.
    const line = `policy rubric ${key.split(":")[1]}: 3 outputs graded by both, 67% agree (95% CI 21%–94%), Cohen's κ 0.40 (95% CI -0.41 to 0.84)`;
    expect(r.stdout).toContain(`Judge vs people, ${line}`);
    const report = JSON.parse(await readFile(path.join(dir, "r.json"), "utf8"));
    const row = { grader: "rubric", pairs: 3, agreement: expect.closeTo(2 / 3, 10), kappa: expect.closeTo(0.4, 10), agreementInterval: [expect.closeTo(0.20765, 4), expect.closeTo(0.93851, 4)], kappaInterval: [expect.closeTo(-0.41, 1), expect.closeTo(0.84, 1)] };
    expect(report.judgeAgreement).toEqual([{ ...row, suite: "policy", reviewKey: key }]);
    // Where CI users look: the pull request's summary, and the page.
    expect(await readFile(path.join(dir, "r.md"), "utf8")).toContain(`#### Judge vs people\n\n| grader | outputs graded by both | agreement |\n|---|---|---|\n| policy rubric ${key.split(":")[1]} | 3 | 67% agree (95% CI 21%–94%), Cohen's κ 0.40 (95% CI -0.41 to 0.84) |`);
    expect(await readFile(path.join(dir, "r.html"), "utf8")).toContain("<h2>Judge vs people</h2>");
    // A report saved before intervals existed still renders.
    delete report.judgeAgreement[0].agreementInterval;
    delete report.judgeAgreement[0].kappaInterval;
    await writeFile(path.join(dir, "old.json"), JSON.stringify(report));
    const old = await runHarness(["report", "old.json"], { cwd: dir });
    expect(old.stdout).toContain(", 67% agree, Cohen's κ 0.40\n");
  });
});
