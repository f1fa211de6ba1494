/**
 * A reviewer's report, end to end: a suite's grader changed from `equals PASS` to `contains A`
 * after its baseline was written, and every case went "up" with the gate passing and nothing
 * said. The real binary, in a temp project, with an exec: app (no model, no key).
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeProject, runHarness } from "./cli-run.js";

const app = (answer: string) => `process.stdout.write(${JSON.stringify(answer)});\n`;

/** Four cases, four trials, graded by `grader` for every case (a suite-level grader). */
const suite = (grader: string) =>
  ["name: g", `provider: 'exec:${JSON.stringify(process.execPath)} app.mjs'`, 'prompt: "hi"', "trials: 4", "graders:", `  - ${grader}`, "cases:", "  - id: c1", "  - id: c2", "  - id: c3", "  - id: c4", ""].join("\n");

const NOTE =
  "Graders changed since the baseline for 4 cases (g/c1, g/c2, g/c3, g/c4): pass rates may differ for that reason. " +
  "If the new graders are intended, make them the reference: harness eval --update-baseline, then commit evals/baseline.json.";

describe("graders changed since the baseline", () => {
  it("a grader changed from `equals PASS` to `contains A`: the gate passes as a changed prompt would, and every reporter says the graders changed", async () => {
    const dir = await makeProject({ "evals/g.yaml": suite("{ type: equals, value: PASS }"), "app.mjs": app("FAIL") });
    expect((await runHarness(["eval", "-q", "--update-baseline"], { cwd: dir })).code).toBe(0);
    const baseline = JSON.parse(await readFile(path.join(dir, "evals/baseline.json"), "utf8"));
    expect(baseline.suites.g.cases.c1.gradersHash).toMatch(/^[0-9a-f]{16}$/);

    await writeFile(path.join(dir, "evals/g.yaml"), suite("{ type: contains, value: A }"));
    const r = await runHarness(["eval", "--reporter", "terminal,markdown:summary.md,html:r.html,junit:r.xml", "-o", "run.json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/c1 .*\b(up|improved) \(graders changed\)/);
    expect(r.stdout).toContain(`  ${NOTE}\n`);
    expect(r.stdout).toContain("Gate: PASS (no significant regression)");
    // In Markdown the commands are code spans: copied from the page, they are what the shell reads.
    const inMarkdown = NOTE.replace("harness eval --update-baseline", "`harness eval --update-baseline`").replace("evals/baseline.json.", "`evals/baseline.json`.");
    expect(await readFile(path.join(dir, "summary.md"), "utf8")).toContain(`\n⚠️ ${inMarkdown}\n`);
    const html = await readFile(path.join(dir, "r.html"), "utf8");
    expect(html).toContain(`<p class="meta">${NOTE}</p>`);
    expect(html).toMatch(/\(baseline 0\/4\), graders changed<\/span>/);
    const run = JSON.parse(await readFile(path.join(dir, "run.json"), "utf8"));
    expect(run.comparison.cases.map((c: { gradersChanged: boolean }) => c.gradersChanged)).toEqual([true, true, true, true]);
    expect(run.suites[0].cases[0].gradersHash).not.toBe(baseline.suites.g.cases.c1.gradersHash);

    // The reporters read it from the result: `report` says it again, and not once the result does not.
    expect((await runHarness(["report", "run.json"], { cwd: dir })).stdout).toContain(NOTE);
    for (const c of run.comparison.cases) c.gradersChanged = false;
    await writeFile(path.join(dir, "unflagged.json"), JSON.stringify(run));
    const unflagged = await runHarness(["report", "unflagged.json"], { cwd: dir });
    expect(unflagged.code).toBe(0);
    expect(unflagged.stdout).not.toContain("graders changed");
    expect(unflagged.stdout).not.toContain("Graders changed");

    // Accepted as the reference, the same graders say nothing more.
    const accepted = await runHarness(["eval", "--update-baseline"], { cwd: dir });
    expect(accepted.stdout).toContain("This run becomes their reference (--update-baseline).");
    expect(accepted.stdout).not.toContain("If the new graders are intended");
    const again = await runHarness(["eval"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/graders changed/i);
  });

  it("a baseline written before graders were hashed: nothing is said about graders until --update-baseline records them", async () => {
    const dir = await makeProject({ "evals/g.yaml": suite("{ type: equals, value: PASS }"), "app.mjs": app("FAIL") });
    expect((await runHarness(["eval", "-q", "--update-baseline"], { cwd: dir })).code).toBe(0);
    const file = path.join(dir, "evals/baseline.json");
    const baseline = JSON.parse(await readFile(file, "utf8"));
    for (const c of Object.values<Record<string, unknown>>(baseline.suites.g.cases)) delete c.gradersHash;
    await writeFile(file, JSON.stringify(baseline));
    await writeFile(path.join(dir, "evals/g.yaml"), suite("{ type: contains, value: A }"));
    const r = await runHarness(["eval"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Gate: PASS");
    expect(r.stdout).not.toMatch(/graders changed/i);
    // Written again, the baseline records what grades each case, and the next change is said.
    expect((await runHarness(["eval", "-q", "--update-baseline"], { cwd: dir })).code).toBe(0);
    await writeFile(path.join(dir, "evals/g.yaml"), suite("{ type: contains, value: F }"));
    expect((await runHarness(["eval"], { cwd: dir })).stdout).toContain("Graders changed since the baseline for 4 cases");
  });

  it("a grader module unchanged is no change of graders: run from the suite's folder, or checked out with CRLF line endings", async () => {
    const check = "export default (output) => output === \"PASS\";\n// one\n// two\n";
    // The exec: app is found from where harness runs: one in each folder it runs from.
    const dir = await makeProject({ "evals/g.yaml": suite("{ type: javascript, file: check.mjs }"), "evals/check.mjs": check, "app.mjs": app("PASS"), "evals/app.mjs": app("PASS") });
    expect((await runHarness(["eval", "-q", "--update-baseline"], { cwd: dir })).code).toBe(0);
    // A CI job whose working-directory is the suites' folder: the same graders, read from elsewhere.
    const elsewhere = await runHarness(["eval", ".", "--baseline", "baseline.json", "-o", "../from-evals.json"], { cwd: path.join(dir, "evals") });
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    const run = JSON.parse(await readFile(path.join(dir, "from-evals.json"), "utf8"));
    expect(run.comparison.cases.map((c: { gradersChanged: boolean }) => c.gradersChanged)).toEqual([false, false, false, false]);
    // A Windows checkout (core.autocrlf): the same module with CRLF line endings.
    await writeFile(path.join(dir, "evals/check.mjs"), check.replace(/\n/g, "\r\n"));
    const crlf = await runHarness(["eval"], { cwd: dir });
    expect(crlf.code, crlf.stderr).toBe(0);
    expect(crlf.stdout).not.toMatch(/graders changed/i);
    // A change of its code still is one.
    await writeFile(path.join(dir, "evals/check.mjs"), check.replace("// two", "// three"));
    expect((await runHarness(["eval"], { cwd: dir })).stdout).toContain("Graders changed since the baseline for 4 cases");
  });

  it("a javascript grader's module edited is a change of graders; a regression on it says so in junit and on GitHub too", async () => {
    const check = (want: string) => `export default (output) => output === ${JSON.stringify(want)};\n`;
    const dir = await makeProject({ "evals/g.yaml": suite("{ type: javascript, file: check.mjs }"), "evals/check.mjs": check("PASS"), "app.mjs": app("PASS") });
    expect((await runHarness(["eval", "-q", "--update-baseline"], { cwd: dir })).code).toBe(0);
    // The app unchanged: only the grader's code now fails it, on more trials than the baseline had, so that each case's drop is significant.
    await writeFile(path.join(dir, "evals/check.mjs"), check("PASSED"));
    const r = await runHarness(["eval", "-k", "8", "--reporter", "terminal,junit:r.xml,github"], { cwd: dir, env: { GITHUB_ACTIONS: "true" } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("REGRESSED (graders changed)");
    expect(r.stdout).toMatch(/g\/c1: 4\/4 → 0\/8 passing \(one-sided Fisher .*\); the graders changed since the baseline\n/);
    expect(r.stdout).toMatch(/::error .*; the graders changed since the baseline/);
    expect(await readFile(path.join(dir, "r.xml"), "utf8")).toContain("; the graders changed since the baseline");
    // Whatever failed, the note says how to accept the new graders.
    expect(r.stdout).toContain("Graders changed since the baseline for 4 cases");
  });
});
