/**
 * The GitHub Action: its metadata checked by a schema validator from the npm registry,
 * its committed bundle checked fresh against the source, and its logic run by GitHub's
 * own local runner for JavaScript actions (@github/local-action) with inputs set as a
 * runner sets them.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { validateAction } from "@action-validator/core";
import { build } from "esbuild";
import http from "node:http";
import type { AddressInfo } from "node:net";
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
    expect(Object.keys(meta.inputs)).toEqual(["suites", "provider", "trials", "offline", "baseline", "update-baseline", "require-baseline", "pending", "fail-on", "working-directory", "report", "comment", "github-token"]);
    expect(Object.keys(meta.outputs)).toEqual(["status", "pass-at-k", "pass-hat-k", "regressions", "report"]);
    // Model API keys come from env; the only token is the workflow's own, defaulted and masked by the runner.
    for (const name of Object.keys(meta.inputs).filter((n) => n !== "github-token")) expect(name).not.toMatch(/key|token|secret/i);
    expect(meta.inputs["github-token"].default).toBe("${{ github.token }}");
    expect(meta.runs).toEqual({ using: "node24", main: "action/index.js" });
  });
});

describe("the committed bundle", () => {
  it("is what the source builds to now (run `npm run build:action` after changing src/)", async () => {
    const out = await build({ ...options, write: false, outfile: path.join(ROOT, "action/index.js") });
    const committed = await readFile(path.join(ROOT, "action/index.js"), "utf8");
    expect(out.outputFiles[0]!.text === committed, "action/index.js is stale: run npm run build:action").toBe(true);
  }, 60_000);

  it("carries zod's English messages alone, and zod still speaks them", async () => {
    const committed = await readFile(path.join(ROOT, "action/index.js"), "utf8");
    expect(committed).toContain("node_modules/zod/v4/locales/en.js");
    // Built anywhere else, a bundle naming this checkout's folder would differ from the committed one.
    expect(committed).not.toContain(ROOT);
    expect(committed).not.toMatch(/node_modules\/zod\/v4\/locales\/(?!en\.js)[\w-]+\.js/);
    // zod bundled as harness bundles it, asked for a message and its locales.
    const probe = await build({
      ...options,
      entryPoints: undefined,
      stdin: { contents: 'import { z } from "zod"; process.stdout.write(JSON.stringify([z.string().safeParse(1).error.issues[0].message, Object.keys(z.locales)]));', resolveDir: ROOT, loader: "js" },
      write: false,
      outfile: path.join(ROOT, "probe.mjs"),
    });
    const dir = await mkdtemp(path.join(tmpdir(), "harness-zod-"));
    await writeFile(path.join(dir, "probe.mjs"), probe.outputFiles[0]!.text);
    const out = await new Promise<string>((resolve, reject) => execFile(process.execPath, [path.join(dir, "probe.mjs")], (err, stdout) => (err ? reject(err) : resolve(stdout))));
    await rm(dir, { recursive: true, force: true });
    expect(JSON.parse(out)).toEqual(["Invalid input: expected string, received number", ["en"]]);
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
    INPUT_COMMENT: "false",
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
    expect(r.out).toMatch(/::error::harness: 1 regressed case(, 1 regressed suite)?; see the job summary/);
    expect(await readFile(path.join(dir, "summary.md"), "utf8")).toMatch(/^### ❌ Gate failed/);
    // fail-on none: the same run annotates but does not fail the job.
    const lenient = await localAction(inputs(dir, { "INPUT_FAIL-ON": "none" }), dir);
    expect(lenient.out).toContain("::set-output name=status::fail");
    expect(lenient.out).not.toContain("see the job summary");
  }, 180_000);
});

describe("the action's log", () => {
  it("shows the run's progress while it runs, not only once it is over", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "harness-action-log-"));
    await mkdir(path.join(dir, "evals"));
    await writeFile(path.join(dir, "evals/app.yaml"), "name: app\nprovider: exec:node app.mjs\nprompt: hi\ntrials: 2\ngraders:\n  - type: contains\n    value: ok\ncases:\n  - id: one\n");
    // The app answers once the test has seen a progress line in the log: a log held to the end never shows one, and the step never ends.
    await writeFile(path.join(dir, "app.mjs"), 'import { existsSync } from "node:fs";\nfor await (const _ of process.stdin);\nconst poll = () => (existsSync("go") ? process.stdout.write("ok") : setTimeout(poll, 20));\npoll();\n');
    await writeFile(path.join(dir, "summary.md"), "");
    const env = { GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"), INPUT_OFFLINE: "false", "INPUT_UPDATE-BASELINE": "false", "INPUT_FAIL-ON": "regression", INPUT_PENDING: "warn", INPUT_COMMENT: "false", HARNESS_TEST_PROGRESS_SCALE: "0.01" };
    const envFile = path.join(dir, ".action.env");
    await writeFile(envFile, Object.entries(env).map(([k, v]) => `${k}=${v}`).join("\n"));
    let out = "";
    let released = false;
    const code = await new Promise<number | null>((resolve) => {
      const child = execFile(process.execPath, [path.join(ROOT, "node_modules/@github/local-action/bin/local-action.js"), "run", ROOT, "src/action/main.ts", envFile], { cwd: ROOT, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 }, (err) =>
        resolve(err ? ((err as { code?: number }).code ?? 1) : 0),
      );
      child.stdout!.on("data", (d) => {
        out += d;
        // local-action shows each core.info as "::info::…".
        if (!released && /^(::info::)?harness: 0\/2 trials done, 0 errored, \d+ s elapsed$/m.test(out)) {
          released = true;
          void writeFile(path.join(dir, "go"), "");
        }
      });
    });
    expect(released, out).toBe(true);
    expect(code, out).toBe(0);
    expect(out).toContain("::set-output name=status::pass");
    // In the order it was said: the progress before the report's table.
    expect(out.search(/^(::info::)?harness: 0\/2 trials done/m)).toBeLessThan(out.indexOf("pass@2"));
  }, 120_000);
});

describe("the pull-request comment", () => {
  it("is created once, then updated in place on the next push, found by its hidden marker", async () => {
    // A fake GitHub REST API on 127.0.0.1: one PR, its comments in memory.
    // The marker alone proves nothing: anyone can write it. Only the token's own comment is the report.
    const forged = `<!-- harness-eval -->\n### ✅ Gate passed (forged)`;
    const comments: { id: number; body: string; user: { login: string; type: string } }[] = [
      { id: 1, body: "an unrelated review comment", user: { login: "alice", type: "User" } },
      { id: 3, body: forged, user: { login: "mallory", type: "User" } },
    ];
    const calls: string[] = [];
    const server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (c) => (text += c));
      req.on("end", () => {
        calls.push(`${req.method} ${req.url} ${req.headers.authorization}`);
        const body = text ? (JSON.parse(text) as { body: string }).body : "";
        // The workflow's token may not ask who it is.
        if (req.url === "/user") return void res.writeHead(403, { "content-type": "application/json" }).end('{"message":"Resource not accessible by integration"}');
        if (req.method === "GET") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(comments));
        if (req.method === "POST") {
          comments.push({ id: 2, body, user: { login: "github-actions[bot]", type: "Bot" } });
          return void res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(comments.at(-1)));
        }
        const id = Number(req.url!.split("/").pop());
        comments.find((c) => c.id === id)!.body = body;
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const dir = await mkdtemp(path.join(tmpdir(), "harness-action-pr-"));
      await cp(path.join(ROOT, "evals"), path.join(dir, "evals"), { recursive: true });
      await cp(path.join(ROOT, "fixtures"), path.join(dir, "fixtures"), { recursive: true });
      await writeFile(path.join(dir, "summary.md"), "");
      await writeFile(path.join(dir, "event.json"), JSON.stringify({ pull_request: { number: 42 } }));
      const env = {
        GITHUB_WORKSPACE: dir,
        GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
        GITHUB_EVENT_PATH: path.join(dir, "event.json"),
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        INPUT_OFFLINE: "true",
        "INPUT_UPDATE-BASELINE": "false",
        "INPUT_FAIL-ON": "regression",
        INPUT_PENDING: "warn",
        INPUT_COMMENT: "true",
        "INPUT_GITHUB-TOKEN": "ghs_test",
      };
      await localAction(env, dir);
      await localAction(env, dir);
      expect(calls.filter((c) => c.startsWith("POST"))).toEqual(["POST /repos/acme/shop/issues/42/comments Bearer ghs_test"]);
      expect(calls.filter((c) => c.startsWith("PATCH"))).toEqual(["PATCH /repos/acme/shop/issues/comments/2 Bearer ghs_test"]);
      expect(comments).toHaveLength(3);
      expect(comments[0]!.body).toBe("an unrelated review comment");
      expect(comments[1]!.body).toBe(forged);
      expect(comments[2]!.body).toMatch(/^<!-- harness-eval job=[0-9a-f]{12} -->\n<sub>harness eval: `harness eval`<\/sub>\n\n### ✅ Gate passed: no significant regression/);
    } finally {
      server.close();
    }
  }, 180_000);
});

/** The committed bundle run as the runner runs it: node action/index.js, inputs as INPUT_* variables. */
function runBundle(dir: string, inputs: Record<string, string>): Promise<{ code: number; out: string }> {
  const env = cleanEnv({
    GITHUB_WORKSPACE: dir,
    GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
    GITHUB_OUTPUT: path.join(dir, "output.txt"),
    INPUT_OFFLINE: "false",
    "INPUT_UPDATE-BASELINE": "false",
    "INPUT_FAIL-ON": "regression",
    INPUT_PENDING: "warn",
    INPUT_COMMENT: "false",
    ...inputs,
  });
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, "action/index.js")], { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe("the action's own checks", () => {
  /** A workspace whose suite of 12 cases runs a local app; `answer` is what the app says. */
  async function appWorkspace(answer: string): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "harness-action-app-"));
    const cases = Array.from({ length: 12 }, (_, i) => `  - id: case-${i + 1}\n    vars: { n: ${i + 1} }`).join("\n");
    // The app also reads its parent's first environment back from /proc (Linux), as it can.
    await writeFile(
      path.join(dir, "app.mjs"),
      [
        'import { existsSync, readFileSync } from "node:fs";',
        "for await (const _ of process.stdin);",
        "const first = existsSync(`/proc/${process.ppid}/environ`) ? readFileSync(`/proc/${process.ppid}/environ`, 'utf8').split('\\0').find((v) => v.startsWith('INPUT_GITHUB-TOKEN=')) ?? '' : '';",
        `console.log(${JSON.stringify(answer)} + " " + (process.env["INPUT_GITHUB-TOKEN"] ?? "") + " " + (process.env.ACTIONS_RUNTIME_TOKEN ?? "") + first.replace(/^[^=]*=/, " "));`,
      ].join("\n"),
    );
    // A javascript grader runs in the action's own process: it must not see the tokens either.
    await writeFile(path.join(dir, "g.mjs"), 'export default (output) => ({ pass: true, reason: `grader saw ${process.env["INPUT_GITHUB-TOKEN"]} ${process.env.ACTIONS_RUNTIME_TOKEN}` });\n');
    await writeFile(path.join(dir, "evals.yaml"), `name: app\nprovider: exec:node app.mjs\nprompt: "q {{n}}"\ntrials: 8\ngraders:\n  - type: contains\n    value: ok\n  - type: javascript\n    file: g.mjs\ncases:\n${cases}\n`);
    for (const f of ["summary.md", "output.txt"]) await writeFile(path.join(dir, f), "");
    return dir;
  }

  it("a boolean input that is neither true nor false fails the step at once, with what was expected, before any eval", async () => {
    const dir = await appWorkspace("ok");
    const r = await runBundle(dir, { INPUT_SUITES: "evals.yaml", INPUT_COMMENT: "yes" });
    expect(r.code).toBe(1);
    expect(r.out).toContain('::error::input comment must be true or false; got "yes"');
    expect(r.out).not.toMatch(/TypeError|\n\s+at /);
    await expect(readFile(path.join(dir, "harness-report.json"))).rejects.toThrow(/ENOENT/);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it("many regressions: 9 annotated, then the step's failure, which GitHub's 10 a step must not drop; the runner's tokens stay out of the eval", async () => {
    const dir = await appWorkspace("ok");
    const tokens = { "INPUT_GITHUB-TOKEN": "ghs_input_token_1", ACTIONS_RUNTIME_TOKEN: "rt_runtime_token_2" };
    // A line of spaces among the suites (a YAML block scalar's) is no path: harness refuses an empty one.
    const before = await runBundle(dir, { INPUT_SUITES: "evals.yaml\n   \nevals.yaml", "INPUT_UPDATE-BASELINE": "true", ...tokens });
    expect(before.code, before.out).toBe(0);
    await writeFile(path.join(dir, "app.mjs"), (await readFile(path.join(dir, "app.mjs"), "utf8")).replace('"ok"', '"no"'));
    const r = await runBundle(dir, { INPUT_SUITES: "evals.yaml", ...tokens });
    expect(r.code).toBe(1);
    const errors = r.out.split("\n").filter((l) => l.startsWith("::error"));
    expect(errors).toHaveLength(10);
    // The first nine problems, each case at its line (a title's colon is escaped in a workflow command).
    expect(errors.slice(0, 9).map((l) => /^::error title=Regression%3A app\/(case-\d+),file=evals\.yaml,line=\d+::/.exec(l)?.[1])).toEqual(Array.from({ length: 9 }, (_, i) => `case-${i + 1}`));
    // 12 cases broke; the suite's own test is the 13th problem, and is not a 13th case.
    expect(errors[9]).toBe("::error::harness: 12 regressed cases, 1 regressed suite (the first 9 annotated at their lines); see the job summary");
    const report = await readFile(path.join(dir, "harness-report.json"), "utf8");
    // The app printed both variables after its answer, and the grader in its reason: neither saw
    // them. What the app read back from /proc (Linux) is masked.
    expect(report).toMatch(existsSync("/proc/self/environ") ? /"output":"no {3}\*\*\*"/ : /"output":"no {2}"/);
    expect(report).toContain('"reason":"grader saw undefined undefined"');
    for (const t of Object.values(tokens)) expect(report + r.out).not.toContain(t);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});

describe("the committed bundle, run as the runner runs it", () => {
  it("node action/index.js with INPUT_* env writes its outputs to $GITHUB_OUTPUT and the summary", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "harness-action-bundle-"));
    await cp(path.join(ROOT, "evals"), path.join(dir, "evals"), { recursive: true });
    await cp(path.join(ROOT, "fixtures"), path.join(dir, "fixtures"), { recursive: true });
    for (const f of ["summary.md", "output.txt"]) await writeFile(path.join(dir, f), "");
    const env = cleanEnv({
      GITHUB_WORKSPACE: dir,
      GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
      GITHUB_OUTPUT: path.join(dir, "output.txt"),
      INPUT_OFFLINE: "true",
      "INPUT_UPDATE-BASELINE": "false",
      "INPUT_FAIL-ON": "regression",
      INPUT_PENDING: "warn",
      INPUT_COMMENT: "false",
    });
    const code = await new Promise<number | null>((resolve) => {
      execFile(process.execPath, [path.join(ROOT, "action/index.js")], { cwd: dir, env }, (err) => resolve(err ? ((err as { code?: number }).code ?? 1) : 0));
    });
    expect(code).toBe(0);
    const outputs = await readFile(path.join(dir, "output.txt"), "utf8");
    expect(outputs).toMatch(/^status<<(ghadelimiter_[\w-]+)\npass\n\1$/m);
    expect(outputs).toMatch(/^regressions<<(ghadelimiter_[\w-]+)\n0\n\1$/m);
    expect(await readFile(path.join(dir, "summary.md"), "utf8")).toMatch(/^### ✅ Gate passed/);
  }, 60_000);
});

describe("whose comment is the report's", () => {
  /** A fake GitHub API: GET /user answers `user` (a status, or a login), and one PR's comments. */
  async function fakeApi(user: number | string, comments: { id: number; body: string; user: { login: string; type: string } }[]) {
    const calls: string[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        calls.push(`${req.method} ${req.url}`);
        const json = (status: number, body: unknown) => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
        if (req.url === "/user") return typeof user === "number" ? json(user, { message: "no" }) : json(200, { login: user });
        if (req.method === "GET") return json(200, comments);
        json(req.method === "POST" ? 201 : 200, {});
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const target = { api: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, repo: "acme/shop", pr: 7, token: "t" };
    return { calls, target, close: () => server.close() };
  }
  const marked = "<!-- harness-eval -->\nold report";

  it.each([
    ["a personal token's own comment is updated; a bot's with the marker is not its", "ana", { login: "some-app[bot]", type: "Bot" }, { login: "ana", type: "User" }],
    ["an app's installation token (GET /user refused) updates its bot's comment, never a person's", 403, { login: "mallory", type: "User" }, { login: "evals-app[bot]", type: "Bot" }],
  ] as const)("%s", async (_what, user, other, own) => {
    const { upsertComment } = await import("../src/action/comment.js");
    const api = await fakeApi(user, [
      { id: 5, body: marked, user: other },
      { id: 6, body: marked, user: own },
    ]);
    try {
      expect(await upsertComment(api.target, "k1", "new")).toBe("updated");
      expect(api.calls.filter((c) => !c.startsWith("GET"))).toEqual(["PATCH /repos/acme/shop/issues/comments/6"]);
    } finally {
      api.close();
    }
  });

  it("GET /user failing otherwise (a 502): nothing is guessed, nothing posted", async () => {
    const { upsertComment } = await import("../src/action/comment.js");
    const api = await fakeApi(502, [{ id: 6, body: marked, user: { login: "ana", type: "User" } }]);
    try {
      await expect(upsertComment(api.target, "k1", "new")).rejects.toThrow("GET /user: HTTP 502");
      expect(api.calls).toEqual(["GET /user"]);
    } finally {
      api.close();
    }
  });
});

describe("one comment per job, and what it says when there is no verdict", () => {
  /** A fake GitHub API for PR 9: comments in memory, the workflow's token (GET /user refused). */
  async function fakeGithub() {
    const comments: { id: number; body: string; user: { login: string; type: string } }[] = [];
    const server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (c) => (text += c));
      req.on("end", () => {
        const json = (status: number, body: unknown) => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
        if (req.url === "/user") return json(403, { message: "Resource not accessible by integration" });
        if (req.method === "GET") return json(200, comments);
        const body = (JSON.parse(text) as { body: string }).body;
        if (req.method === "POST") {
          comments.push({ id: comments.length + 1, body, user: { login: "github-actions[bot]", type: "Bot" } });
          return json(201, comments.at(-1));
        }
        comments.find((c) => c.id === Number(req.url!.split("/").pop()))!.body = body;
        json(200, {});
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { comments, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
  }

  /** Two folders of a monorepo, each a suite of 4 cases on an exec: app; `answers` says what each app answers. */
  async function monorepo(answers: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "harness-action-mono-"));
    for (const [pkg, answer] of Object.entries(answers)) {
      const cases = Array.from({ length: 4 }, (_, i) => `  - id: case-${i + 1}`).join("\n");
      await mkdir(path.join(dir, pkg, "evals"), { recursive: true });
      await writeFile(path.join(dir, pkg, "app.mjs"), `for await (const _ of process.stdin);\nconsole.log(${JSON.stringify(answer)});\n`);
      await writeFile(path.join(dir, pkg, "evals/s.yaml"), `name: ${pkg}\nprovider: exec:node app.mjs\nprompt: hi\ntrials: 5\ngraders:\n  - type: contains\n    value: ok\ncases:\n${cases}\n`);
    }
    await writeFile(path.join(dir, "event.json"), JSON.stringify({ pull_request: { number: 9 } }));
    for (const f of ["summary.md", "output.txt"]) await writeFile(path.join(dir, f), "");
    return dir;
  }
  const pr = (dir: string, api: string, extra: Record<string, string>) => ({
    GITHUB_EVENT_PATH: path.join(dir, "event.json"),
    GITHUB_REPOSITORY: "acme/mono",
    GITHUB_API_URL: api,
    GITHUB_WORKFLOW: "evals",
    GITHUB_JOB: "gate",
    INPUT_COMMENT: "true",
    "INPUT_GITHUB-TOKEN": "ghs_mono_token_3",
    ...extra,
  });

  it("two jobs on one pull request keep a comment each, each naming its job; a config error replaces the verdict it showed", async () => {
    const gh = await fakeGithub();
    const dir = await monorepo({ a: "ok", b: "ok" });
    try {
      for (const pkg of ["a", "b"]) {
        const written = await runBundle(dir, { "INPUT_WORKING-DIRECTORY": pkg, "INPUT_UPDATE-BASELINE": "true" });
        expect(written.code).toBe(0);
        // On a runner the new baseline is not saved until a later step commits it: said, with its path from the workspace.
        expect(written.out).toContain(`::notice title=harness%3A baseline written::the new baseline is written to ${pkg}/evals/baseline.json in this job's workspace only: commit it`);
      }
      await writeFile(path.join(dir, "a/app.mjs"), `for await (const _ of process.stdin);\nconsole.log("no");\n`);
      const a = await runBundle(dir, pr(dir, gh.url, { "INPUT_WORKING-DIRECTORY": "a" }));
      const b = await runBundle(dir, pr(dir, gh.url, { "INPUT_WORKING-DIRECTORY": "b" }));
      expect([a.code, b.code]).toEqual([1, 0]);
      expect(gh.comments).toHaveLength(2);
      const [ca, cb] = gh.comments;
      expect(ca!.body).toMatch(/^<!-- harness-eval job=[0-9a-f]{12} -->\n<sub>harness eval: `evals \/ gate` in `a`<\/sub>\n\n### ❌ Gate failed/);
      expect(cb!.body).toMatch(/^<!-- harness-eval job=[0-9a-f]{12} -->\n<sub>harness eval: `evals \/ gate` in `b`<\/sub>\n\n### ✅ Gate passed/);

      // A typo in b's suite: exit 2, and b's comment no longer shows "Gate passed".
      await writeFile(path.join(dir, "b/evals/s.yaml"), (await readFile(path.join(dir, "b/evals/s.yaml"), "utf8")).replace("type: contains", "type: containz"));
      const broken = await runBundle(dir, pr(dir, gh.url, { "INPUT_WORKING-DIRECTORY": "b" }));
      expect(broken.code).toBe(1);
      expect(gh.comments).toHaveLength(2);
      expect(gh.comments[1]!.body).toContain("### ⚠️ harness could not run: bad configuration (exit 2)");
      expect(gh.comments[1]!.body).toContain('unknown grader "containz" (did you mean "contains"?)');
      expect(gh.comments[1]!.body).not.toContain("Gate passed");
      // The problem at its line of the suite (from the workspace, as the diff shows it), and the job summary says it too.
      expect(broken.out).toContain('::error title=harness%3A bad configuration,file=b/evals/s.yaml,line=6,col=11::graders[0].type  unknown grader "containz" (did you mean "contains"?)');
      expect(await readFile(path.join(dir, "summary.md"), "utf8")).toContain('### ⚠️ harness could not run: bad configuration (exit 2)');
      expect(gh.comments[0]!.body).toContain("### ❌ Gate failed");
      for (const c of gh.comments) expect(c.body).not.toContain("ghs_mono_token_3");
    } finally {
      gh.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("a comment from before jobs had their own marker is taken over, not left standing stale", async () => {
    const gh = await fakeGithub();
    gh.comments.push({ id: 1, body: "<!-- harness-eval -->\n### ✅ Gate passed (an old verdict)", user: { login: "github-actions[bot]", type: "Bot" } });
    const dir = await monorepo({ a: "ok" });
    try {
      expect((await runBundle(dir, pr(dir, gh.url, { "INPUT_WORKING-DIRECTORY": "a", GITHUB_JOB: "eval_gate" }))).code).toBe(0);
      expect(gh.comments).toHaveLength(1);
      // Nothing is escaped inside a code span, where a backslash would show.
      expect(gh.comments[0]!.body).toMatch(/^<!-- harness-eval job=[0-9a-f]{12} -->\n<sub>harness eval: `evals \/ eval_gate` in `a`<\/sub>/);
      // A bad input fails the step before any run, and says so where the verdict was.
      const bad = await runBundle(dir, pr(dir, gh.url, { "INPUT_WORKING-DIRECTORY": "a", GITHUB_JOB: "eval_gate", "INPUT_FAIL-ON": "regresion" }));
      expect(bad.code).toBe(1);
      expect(gh.comments).toHaveLength(1);
      expect(gh.comments[0]!.body).toContain('### ⚠️ harness could not run: bad input: input fail-on must be regression, threshold or none; got "regresion"');
      expect(gh.comments[0]!.body).not.toContain("Gate passed");
    } finally {
      gh.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("update-baseline: the job passes, and its summary, status and annotations say the run was accepted, not that it failed", async () => {
    const dir = await monorepo({ a: "ok" });
    try {
      expect((await runBundle(dir, { "INPUT_WORKING-DIRECTORY": "a", "INPUT_UPDATE-BASELINE": "true" })).code).toBe(0);
      await writeFile(path.join(dir, "a/app.mjs"), `for await (const _ of process.stdin);\nconsole.log("no");\n`);
      const r = await runBundle(dir, { "INPUT_WORKING-DIRECTORY": "a", "INPUT_UPDATE-BASELINE": "true" });
      expect(r.code, r.out).toBe(0);
      expect(r.out).not.toMatch(/^::error/m);
      expect(await readFile(path.join(dir, "summary.md"), "utf8")).toMatch(/### ✅ Accepted as the new baseline: \d+ changes against the old one, below, not enforced/);
      expect(await readFile(path.join(dir, "output.txt"), "utf8")).toMatch(/^status<<(ghadelimiter_[\w-]+)\npass\n\1$/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a comment that cannot be posted (no event file) is a warning, not a failed job", async () => {
    const dir = await monorepo({ a: "ok" });
    try {
      const r = await runBundle(dir, { "INPUT_WORKING-DIRECTORY": "a", INPUT_COMMENT: "true", "INPUT_GITHUB-TOKEN": "ghs_t", GITHUB_REPOSITORY: "acme/mono", GITHUB_EVENT_PATH: path.join(dir, "no-such-event.json") });
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/^::warning::could not post the pull-request comment: ENOENT/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a cancelled job (SIGTERM) stops the run and its exec: apps, and says not judged", async () => {
    const dir = await monorepo({ a: "ok" });
    // A baseline the stopped run's cases passed: cancelled trials must not read as their regressions.
    expect((await runBundle(dir, { "INPUT_WORKING-DIRECTORY": "a", "INPUT_UPDATE-BASELINE": "true" })).code).toBe(0);
    await writeFile(path.join(dir, "summary.md"), "");
    // An app that says it started, then hangs.
    await writeFile(path.join(dir, "a/app.mjs"), 'import { writeFileSync } from "node:fs";\nwriteFileSync(`started-${process.pid}`, "");\nsetTimeout(() => {}, 60_000);\n');
    try {
      const env = cleanEnv({ GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"), GITHUB_OUTPUT: path.join(dir, "output.txt"), "INPUT_WORKING-DIRECTORY": "a", "INPUT_FAIL-ON": "regression" });
      const child = execFile(process.execPath, [path.join(ROOT, "action/index.js")], { cwd: dir, env });
      let out = "";
      child.stdout!.on("data", (d) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      const { readdir } = await import("node:fs/promises");
      const started = async () => (await readdir(path.join(dir, "a"))).filter((f) => f.startsWith("started-"));
      for (let i = 0; i < 200 && (await started()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const pids = (await started()).map((f) => Number(f.slice("started-".length)));
      expect(pids.length).toBeGreaterThan(0);
      child.kill("SIGTERM");
      expect(await exited).toBe(1);
      expect(out).toMatch(/::error::harness: the run could not be judged \(the run was interrupted by SIGTERM\)/);
      // What a stopped run found is no regression to annotate: the step's own failure is the only error.
      expect(out.split("\n").filter((l) => l.startsWith("::error"))).toHaveLength(1);
      expect(await readFile(path.join(dir, "summary.md"), "utf8")).toMatch(/^### ⚠️ Not judged: the run was interrupted by SIGTERM/);
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 60 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("require-baseline: no baseline fails the step rather than passing with nothing to compare against", async () => {
    const dir = await monorepo({ a: "no" });
    try {
      const lenient = await runBundle(dir, { "INPUT_WORKING-DIRECTORY": "a" });
      expect(lenient.code).toBe(0);
      const strict = await runBundle(dir, { "INPUT_WORKING-DIRECTORY": "a", "INPUT_REQUIRE-BASELINE": "true" });
      expect(strict.code).toBe(1);
      expect(strict.out).toContain("::error::harness: bad configuration (exit 2)");
      expect(strict.out).toContain("no baseline at evals/baseline.json");
      expect(await readFile(path.join(dir, "output.txt"), "utf8")).toMatch(/^status<<(ghadelimiter_[\w-]+)\nerror\n\1$/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
