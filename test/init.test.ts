import { mkdir, readdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { makeProject, runHarness } from "./cli-run.js";

describe("harness init", () => {
  it("scaffolds a suite that runs at once, fixtures/ and a PR workflow", async () => {
    const dir = await makeProject({});
    const r = await runHarness(["init"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("created evals/example.yaml");
    const run = await runHarness(["eval", "-q"], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("5 passed, 0 failed");
    const workflow = parse(await readFile(path.join(dir, ".github/workflows/evals.yml"), "utf8"));
    expect(Object.keys(workflow.on)).toEqual(["pull_request", "push"]);
    expect(workflow.on.pull_request_target).toBeUndefined();
    const steps = workflow.jobs.evals.steps.map((s: { run?: string }) => s.run ?? "");
    expect(steps.some((s: string) => s.includes("npx harness eval --offline --require-baseline"))).toBe(true);
    // A run leaves a journal and reports in the project: init says what to ignore, writing no .gitignore.
    expect(r.stdout).toContain("Add to .gitignore: .harness/ harness-report.* harness-summary.md (");
    await expect(readFile(path.join(dir, ".gitignore"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("names only what the project's .gitignore does not ignore yet, and nothing when it ignores all", async () => {
    const some = await makeProject({ ".gitignore": "node_modules\n/.harness\n" });
    expect((await runHarness(["init"], { cwd: some })).stdout).toContain("Add to .gitignore: harness-report.* harness-summary.md (");
    const all = await makeProject({ ".gitignore": ".harness/\r\nharness-report.*\r\nharness-summary.md\r\n" });
    const r = await runHarness(["init"], { cwd: all });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(".gitignore");
    expect(await readFile(path.join(all, ".gitignore"), "utf8")).toBe(".harness/\r\nharness-report.*\r\nharness-summary.md\r\n");
  });

  it("refuses to overwrite anything, and then writes nothing at all", async () => {
    const dir = await makeProject({ ".github/workflows/evals.yml": "mine\n" });
    const r = await runHarness(["init"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("not overwriting .github/workflows/evals.yml; nothing was written");
    expect(await readFile(path.join(dir, ".github/workflows/evals.yml"), "utf8")).toBe("mine\n");
    await expect(readFile(path.join(dir, "evals/example.yaml"), "utf8")).rejects.toThrow();
  });

  it("a link to nothing where a file or a folder goes: refused like any file, and nothing written", async () => {
    for (const [at, message] of [
      ["evals/example.yaml", "harness: not overwriting evals/example.yaml; nothing was written\n"],
      ["evals", "harness: evals is a link to nothing, where init makes a folder; nothing was written\n"],
    ] as const) {
      const dir = await makeProject({});
      await mkdir(path.join(dir, path.dirname(at)), { recursive: true });
      await symlink("/nonexistent/target", path.join(dir, at));
      const r = await runHarness(["init"], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr.replace(/hint: .*\n$/, "")).toBe(message);
      expect((await readdir(dir, { recursive: true })).sort()).toEqual(at === "evals" ? ["evals"] : ["evals", "evals/example.yaml"]);
    }
  });

  it("a file named evals, where init makes a folder: exit 2 with why, and nothing written, not even the workflow", async () => {
    const dir = await makeProject({ evals: "not a folder\n" });
    const r = await runHarness(["init"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("harness: evals is a file, where init makes a folder; nothing was written\n");
    await expect(readFile(path.join(dir, ".github/workflows/evals.yml"), "utf8")).rejects.toThrow(/ENOENT/);
  });
});
