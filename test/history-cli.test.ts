/** `eval --history` and `harness history`, through the real binary on the example suites. */
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExamples, interruptedWhen, makeProject, runHarness } from "./cli-run.js";

const HISTORY = ".harness/history.jsonl";
const offline = ["eval", "--offline", "-q"];

describe("eval --history, then harness history", () => {
  it("two runs append two lines; history shows both, with a sparkline, per suite", async () => {
    const dir = await copyExamples();
    expect((await runHarness([...offline, "--history"], { cwd: dir })).code).toBe(0);
    // Named with = and placed before the paths, so it cannot be mistaken for a suite.
    expect((await runHarness([...offline, `--history=${HISTORY}`, "evals/"], { cwd: dir })).code).toBe(0);
    const lines = (await readFile(path.join(dir, HISTORY), "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!);
    expect(Object.keys(first.suites)).toEqual(["order-router", "refund-policy"]);
    expect(first.suites["refund-policy"]).toMatchObject({ provider: "openai:gpt-4o-mini", judge: "openai:gpt-4o-mini", k: 5, passHatK: 0.6, gate: "pass" });
    expect(first).not.toHaveProperty("suites.refund-policy.cases");

    const r = await runHarness(["history"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("refund-policy  pass^5 over the last 2 runs");
    expect(r.stdout).toContain("order-router  pass^5 over the last 2 runs");
    expect(r.stdout).toMatch(/^ {2}▅▅ {2}min 0\.60 {2}max 0\.60 {2}latest 0\.60$/m);
    // A table row per run, per suite.
    const rows = /^│ \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ │/gm;
    expect(r.stdout.match(rows)).toHaveLength(4);

    const one = await runHarness(["history", HISTORY, "--suite", "refund-policy", "--last", "1"], { cwd: dir });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("refund-policy  pass^5 over the last 1 run ");
    expect(one.stdout).not.toContain("order-router");
    expect(one.stdout.match(rows)).toHaveLength(1);
  });

  it("the HTML report of a run with --history charts pass^k over it", async () => {
    const dir = await copyExamples();
    await runHarness([...offline, "--history"], { cwd: dir });
    expect((await runHarness([...offline, "--history", "--reporter", "html", "-o", "run.json"], { cwd: dir })).code).toBe(0);
    const html = await readFile(path.join(dir, "harness-report.html"), "utf8");
    expect(html).toContain("pass^k over the last 2 runs");
    // A saved run, drawn again with the history named.
    expect((await runHarness(["report", "run.json", "--reporter", "html:again.html", "--history", HISTORY], { cwd: dir })).code).toBe(0);
    expect(await readFile(path.join(dir, "again.html"), "utf8")).toContain("pass^k over the last 2 runs");
    const missing = await runHarness(["report", "run.json", "--reporter", "html:again.html", "--history", "nope.jsonl"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no history at nope.jsonl");
  });

  it("a corrupt line: exit 2 naming the file and line, from history and before eval runs anything", async () => {
    const dir = await copyExamples();
    await runHarness([...offline, "--history"], { cwd: dir });
    const file = path.join(dir, HISTORY);
    await writeFile(file, `${await readFile(file, "utf8")}{"schemaVersion":1,"time":\n${await readFile(file, "utf8")}`);
    const r = await runHarness(["history"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(".harness/history.jsonl:2:1  not valid JSON");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // history runs nothing, so it does not say so; eval, below, does.
    expect(r.stderr).toContain("1 problem in 1 file.\nhint:");
    expect(r.stderr).not.toContain("Nothing was run");
    const e = await runHarness([...offline, "--history", "-o", "run.json"], { cwd: dir });
    expect(e.code).toBe(2);
    expect(e.stderr).toContain(".harness/history.jsonl:2:1");
    expect(e.stderr).toContain("1 problem in 1 file. Nothing was run.");
    await expect(stat(path.join(dir, "run.json"))).rejects.toThrow();
  });

  it("missing or empty history: a clear message", async () => {
    const dir = await copyExamples();
    const missing = await runHarness(["history"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("harness: no history at .harness/history.jsonl");
    expect(missing.stderr).toContain("hint: record runs with harness eval --history");
    await writeFile(path.join(dir, "empty.jsonl"), "");
    const empty = await runHarness(["history", "empty.jsonl"], { cwd: dir });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe("empty.jsonl has no runs yet: record one with harness eval --history.\n");
  });

  it("refuses a suite file or a folder as the history, and --history with --shard", async () => {
    const dir = await copyExamples();
    const r = await runHarness([...offline, "--history", "evals/refund-policy.yaml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--history evals/refund-policy.yaml: that is a suite file, not a history");
    // The suites' folder, taken as the history's name, said only EISDIR.
    const folder = await runHarness([...offline, "--history", "evals/"], { cwd: dir });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe("harness: --history evals/: that is a folder, not a history file\nhint: write --history=FILE, or put --history after the suite paths\n");
    const s = await runHarness([...offline, "--shard", "1/2", "--history"], { cwd: dir });
    expect(s.code).toBe(2);
    expect(s.stderr).toContain("--history with --shard");
    await expect(stat(path.join(dir, HISTORY))).rejects.toThrow();
  });

  it("a run completed by --resume is recorded once; a --resume that runs nothing new of it is not recorded again", async () => {
    // Until the file "go" exists, the app says it started and never answers: the first run is interrupted under way.
    const dir = await makeProject({
      "app.js": `const fs = require("fs"); process.stdin.resume(); process.stdin.on("end", () => { if (fs.existsSync("go")) process.stdout.write("ok"); else { fs.writeFileSync("started", ""); setInterval(() => {}, 1000); } });\n`,
      "evals/wait.yaml": ["name: wait", "provider: exec:node app.js", "prompt: hi", "trials: 2", "graders:", "  - type: contains", "    value: ok", "cases:", "  - id: only", ""].join("\n"),
    });
    const lines = async () => (await readFile(path.join(dir, HISTORY), "utf8")).trimEnd().split("\n").map((l) => JSON.parse(l) as { runId?: string; suites: { wait: { k: number } } });
    expect((await interruptedWhen(["eval", "-q", "--history"], { cwd: dir, file: "started", what: "the app to start" })).code).toBe(130);
    await writeFile(path.join(dir, "go"), "");
    expect((await runHarness(["eval", "-q", "--resume", "--history"], { cwd: dir })).code).toBe(0);
    const [completed] = await lines();
    expect(completed!.runId).toEqual(expect.any(String));

    const again = await runHarness(["eval", "-q", "--resume", "--history"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Every trial was kept from the journal, and the history .harness/history.jsonl holds this run already: not added again.");
    expect(await lines()).toHaveLength(1);

    // A resume that runs more trials (-k 3 after 2) has figures of its own: recorded, under the same run.
    expect((await runHarness(["eval", "-q", "--resume", "--history", "-k", "3"], { cwd: dir })).code).toBe(0);
    // A run without --resume is another run.
    expect((await runHarness(["eval", "-q", "--history"], { cwd: dir })).code).toBe(0);
    const all = await lines();
    expect(all.map((e) => e.suites.wait.k)).toEqual([2, 3, 2]);
    expect(all[1]!.runId).toBe(completed!.runId);
    expect(all[2]!.runId).not.toBe(completed!.runId);
    // Read back, one run is one run: its later line stands for it.
    const shown = await runHarness(["history"], { cwd: dir });
    expect(shown.stdout).toContain("over the last 2 runs");
  });

  it("an interrupted run is not added to the history", async () => {
    // An app that says it started, then never answers: the run is under way when the marker appears.
    const dir = await makeProject({
      "app.js": `require("fs").writeFileSync("started", ""); setInterval(() => {}, 1000);\n`,
      "evals/hang.yaml": ["name: hang", "provider: exec:node app.js", "prompt: hi", "trials: 1", "graders:", "  - type: contains", "    value: ok", "cases:", "  - id: only", ""].join("\n"),
    });
    const r = await interruptedWhen(["eval", "-q", "--history"], { cwd: dir, file: "started", what: "the app to start" });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("The run was interrupted: not added to the history .harness/history.jsonl.");
    await expect(stat(path.join(dir, HISTORY))).rejects.toThrow();
  });
});
