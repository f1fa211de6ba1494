/**
 * The GitHub Action: its metadata checked by a schema validator from the npm registry,
 * its committed bundle checked fresh against the source, and its logic run by GitHub's
 * own local runner for JavaScript actions (@github/local-action) with inputs set as a
 * runner sets them.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { validateAction } from "@action-validator/core";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { options } from "../scripts/build-action.mjs";
import { cleanEnv, ROOT } from "./cli-run.js";

describe("action.yml", () => {
  const text = () => readFile(path.join(ROOT, "action.yml"), "utf8");

  it("passes the action schema, apart from node24, which that schema predates", async () => {
    const errors = validateAction(await text()).errors;
    // action-validator 0.6's schema lists runtimes up to node20; GitHub added node24 later. Any other error fails here.
    expect(errors).toHaveLength(1);
    const [only] = errors as { path: string; states: { errors: { code: string; path: string }[] }[] }[];
    expect(only!.path).toBe("/runs");
    expect(only!.states[0]!.errors).toEqual([expect.objectContaining({ code: "enum", path: "/runs/using" })]);
    expect(validateAction((await text()).replace("using: node24", "using: node20")).errors).toEqual([]);
    // The validator does catch real mistakes.
    expect(validateAction((await text()).replace("main: action/index.js", "mane: action/index.js")).errors.length).toBeGreaterThan(0);
  });

  it("declares the inputs and outputs the README documents, and takes no secret as an input", async () => {
    const meta = parse(await text());
    expect(Object.keys(meta.inputs)).toEqual(["suites", "provider", "trials", "offline", "baseline", "update-baseline", "pending", "fail-on", "working-directory", "report"]);
    expect(Object.keys(meta.outputs)).toEqual(["status", "pass-at-k", "pass-hat-k", "regressions", "report"]);
    for (const name of Object.keys(meta.inputs)) expect(name).not.toMatch(/key|token|secret/i);
    expect(meta.runs).toEqual({ using: "node24", main: "action/index.js" });
  });
});

describe("the committed bundle", () => {
  it("is what the source builds to now (run `npm run build:action` after changing src/)", async () => {
    const out = await build({ ...options, write: false, outfile: path.join(ROOT, "action/index.js") });
    const committed = await readFile(path.join(ROOT, "action/index.js"), "utf8");
    expect(out.outputFiles[0]!.text === committed, "action/index.js is stale: run npm run build:action").toBe(true);
  }, 60_000);
});

function localAction(env: Record<string, string>, workspace: string): Promise<{ code: number | null; out: string }> {
  const dotenv = Object.entries(env).map(([k, v]) => `${k}=${v}`).join("\n");
  return new Promise((resolve) => {
    const envFile = path.join(workspace, ".action.env");
    void writeFile(envFile, dotenv).then(() => {
      execFile(
        process.execPath,
        [path.join(ROOT, "node_modules/@github/local-action/bin/local-action.js"), "run", ROOT, "src/action/main.ts", envFile],
        { cwd: ROOT, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
  });
}

describe("the action under @github/local-action", () => {
  async function workspace(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "harness-action-"));
    await cp(path.join(ROOT, "evals"), path.join(dir, "evals"), { recursive: true });
    await cp(path.join(ROOT, "fixtures"), path.join(dir, "fixtures"), { recursive: true });
    await writeFile(path.join(dir, "summary.md"), "");
    return dir;
  }
  const inputs = (dir: string, extra: Record<string, string> = {}) => ({
    GITHUB_WORKSPACE: dir,
    GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
    INPUT_OFFLINE: "true",
    "INPUT_UPDATE-BASELINE": "false",
    "INPUT_FAIL-ON": "regression",
    INPUT_PENDING: "warn",
    ...extra,
  });

  it("passes on the example suites: outputs set, summary written", async () => {
    const dir = await workspace();
    const r = await localAction(inputs(dir), dir);
    expect(r.out).toContain("::set-output name=status::pass");
    expect(r.out).toContain("::set-output name=regressions::0");
    expect(r.out).toMatch(/::set-output name=pass-hat-k::0\.\d{4}/);
    expect(await readFile(path.join(dir, "summary.md"), "utf8")).toMatch(/^### ✅ Gate passed/);
    expect(r.out).not.toMatch(/::error/);
  }, 120_000);

  it("fails on a regression, annotating the case's line in its YAML file", async () => {
    const dir = await workspace();
    // A stricter grader: the photo case that passed 5/5 in the baseline now fails every trial.
    const suite = path.join(dir, "evals/refund-policy.yaml");
    await writeFile(suite, (await readFile(suite, "utf8")).replace('value: "photo"', 'value: "photograph of the receipt"'));
    const r = await localAction(inputs(dir), dir);
    expect(r.out).toContain("::set-output name=status::fail");
    expect(r.out).toMatch(/::error .*title=Regression: refund-policy\/damaged-item-asks-photo/);
    expect(r.out).toMatch(/file=evals\/refund-policy\.yaml/);
    expect(r.out).toMatch(/::error::harness: \d+ regressions?; see the job summary/);
    expect(await readFile(path.join(dir, "summary.md"), "utf8")).toMatch(/^### ❌ Gate failed/);
    // fail-on none: the same run annotates but does not fail the job.
    const lenient = await localAction(inputs(dir, { "INPUT_FAIL-ON": "none" }), dir);
    expect(lenient.out).toContain("::set-output name=status::fail");
    expect(lenient.out).not.toContain("see the job summary");
  }, 180_000);
});
