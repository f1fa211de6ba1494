/**
 * The exec provider: the user's own program as the target. Targets are small .mjs
 * scripts written into a temp project and run with this very node binary.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, realpath, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProviderConfig } from "../src/config/schema.js";
import type { LoadedSuite, TrialResult } from "../src/core/types.js";
import { HarnessError, RunError } from "../src/errors.js";
import { createExecProvider, KILL_GRACE_MS, splitCommand } from "../src/providers/exec.js";
import { createProvider } from "../src/providers/registry.js";
import { ProviderError, type ProviderRequest, type ProviderResponse } from "../src/providers/types.js";
import { runSuites } from "../src/runner/run.js";
import { makeCase, makeSuite, tempProject, waitFor, type TempProject } from "./helpers/project.js";

const NODE = JSON.stringify(process.execPath); // quoted: the path may hold spaces

const SCRIPTS: Record<string, string> = {
  // Writes back exactly what arrived on stdin.
  "echo-stdin.mjs": `
    let data = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (d) => (data += d));
    process.stdin.on("end", () => process.stdout.write(data));
  `,
  // Answers with the prompt and the trial index, as a target app would.
  "answer.mjs": `
    let data = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (d) => (data += d));
    process.stdin.on("end", () => {
      const req = JSON.parse(data);
      process.stdout.write("trial " + req.trial + ": " + req.prompt + "\\n");
    });
  `,
  "args.mjs": `process.stdout.write(JSON.stringify(process.argv.slice(2)));`,
  "where.mjs": `process.stdout.write(JSON.stringify({ cwd: process.cwd(), flavour: process.env.HARNESS_TEST_FLAVOUR ?? null }));`,
  "fail.mjs": `
    process.stderr.write("something broke: " + (process.argv[2] ?? "no detail") + "\\n");
    process.stdout.write("partial output");
    process.exit(Number(process.argv[3] ?? 3));
  `,
  "noisy-fail.mjs": `
    process.stderr.write("HEAD-MARKER " + "x".repeat(5000) + " TAIL-MARKER");
    process.exit(1);
  `,
  "self-kill.mjs": `process.kill(process.pid, "SIGKILL");`,
  // An uncaught throw: Node prints the source line (which says "Error" too) before the error.
  "throws.mjs": `
    const policy = undefined;
    if (!policy) throw new Error("escalation policy file is missing");
  `,
  // Python's traceback, as a Python app would print it.
  "traceback.mjs": `
    process.stderr.write('Traceback (most recent call last):\\n  File "app.py", line 3, in <module>\\n    raise KeyError("policy")  # error path\\nKeyError: \\'policy\\'\\n');
    process.exit(1);
  `,
  "lines.mjs": `process.stdout.write("line one\\nline two\\n\\n");`,
  "ignore-stdin.mjs": `process.stdout.write("did not read stdin");`,
  // Never answers; records its pid so the test can check it was killed.
  "sleep.mjs": `
    import { writeFileSync } from "node:fs";
    writeFileSync(process.argv[2] ?? "sleep.pid", String(process.pid));
    setInterval(() => {}, 1000);
  `,
  // Ignores SIGTERM, as a program busy with cleanup (or badly written) may.
  "stubborn.mjs": `
    import { writeFileSync } from "node:fs";
    process.on("SIGTERM", () => {});
    writeFileSync("stubborn.pid", String(process.pid));
    setInterval(() => {}, 1000);
  `,
  // Starts a child of its own (not detached, as sh -c "a; b" does) and waits.
  "starts-child.mjs": `
    import { spawn } from "node:child_process";
    import { writeFileSync } from "node:fs";
    const c = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    writeFileSync("started.pid", String(c.pid));
    writeFileSync("starter.pid", String(process.pid));
    setInterval(() => {}, 1000);
  `,
  // Exits at once but leaves a grandchild holding its stdout open, as a
  // script that starts something in the background does.
  "leaves-grandchild.mjs": `
    import { spawn } from "node:child_process";
    import { writeFileSync } from "node:fs";
    const g = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: ["ignore", "inherit", "inherit"], detached: true });
    writeFileSync("grandchild.pid", String(g.pid));
    writeFileSync("child.pid", String(process.pid));
    g.unref();
    process.stdout.write("partial");
    process.exit(0);
  `,
};

let project: TempProject;
const pidsToKill: number[] = [];

beforeEach(async () => {
  project = await tempProject("harness-exec-");
  for (const [name, source] of Object.entries(SCRIPTS)) await writeFile(path.join(project.dir, name), source);
});

afterEach(async () => {
  for (const pid of pidsToKill.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await project.cleanup();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An orphan that died stays a zombie where the container's init does not reap it.
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return true;
  }
}

async function pidFrom(file: string): Promise<number> {
  await waitFor(() => existsSync(file), 10_000, `${path.basename(file)} to appear`);
  let text = "";
  await waitFor(
    () => {
      text = readText(file);
      return /^\d+$/.test(text);
    },
    10_000,
    "a pid",
  );
  const pid = Number(text);
  pidsToKill.push(pid);
  return pid;
}

/** Synchronous read, for polling inside waitFor. */
function readText(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

const REQUEST: ProviderRequest = {
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "first question" },
    { role: "assistant", content: "first answer" },
    { role: "user", content: "Where is order 42?" },
  ],
  vars: { order: 42, customer: { name: "Ana", tags: ["vip"] } },
};

function exec(command: string, config: ProviderConfig = {}) {
  return createExecProvider(command, config, project.dir);
}

function call(command: string, request: ProviderRequest = REQUEST, trial = 0, signal = new AbortController().signal, config: ProviderConfig = {}) {
  return exec(command, config).call(request, { signal, trial });
}

async function callError(command: string, request: ProviderRequest = REQUEST): Promise<ProviderError> {
  let res: ProviderResponse | undefined;
  try {
    res = await call(command, request);
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error(`expected the call to fail, got ${JSON.stringify(res)}`);
}

describe("exec provider", () => {
  it("sends {prompt, messages, vars, trial} as JSON on stdin", async () => {
    const res = await call(`${NODE} echo-stdin.mjs`, REQUEST, 7);
    const sent = JSON.parse(res.output) as Record<string, unknown>;
    expect(Object.keys(sent).sort()).toEqual(["messages", "prompt", "trial", "vars"]);
    expect(sent.prompt).toBe("Where is order 42?");
    expect(sent.messages).toEqual(REQUEST.messages);
    expect(sent.vars).toEqual(REQUEST.vars);
    expect(sent.trial).toBe(7);
  });

  it("sends an empty prompt when there is no user message", async () => {
    const res = await call(`${NODE} echo-stdin.mjs`, { messages: [{ role: "system", content: "only system" }], vars: {} });
    expect(JSON.parse(res.output)).toMatchObject({ prompt: "", vars: {} });
  });

  it("returns stdout as the output, minus one trailing newline, with no usage or cost", async () => {
    const res = await call(`${NODE} answer.mjs`, REQUEST, 2);
    expect(res.output).toBe("trial 2: Where is order 42?");
    expect(res.usage).toBeNull();
    expect(res.costUsd).toBeNull();
    expect(res.cached).toBe(false);
    expect(res.latencyMs).toBeGreaterThanOrEqual(0);
    const lines = await call(`${NODE} lines.mjs`);
    expect(lines.output).toBe("line one\nline two\n");
  });

  it("does not mind a command that never reads stdin", async () => {
    const big: ProviderRequest = { messages: [{ role: "user", content: "x".repeat(1_000_000) }], vars: {} };
    const res = await call(`${NODE} ignore-stdin.mjs`, big);
    expect(res.output).toBe("did not read stdin");
  });

  it("fails a non-zero exit as provider-error carrying the stderr text", async () => {
    const err = await callError(`${NODE} fail.mjs "disk on fire" 3`);
    expect(err.category).toBe("provider-error");
    expect(err.fatal).toBe(false);
    expect(err.message).toContain("exited with code 3");
    expect(err.message).toContain("something broke: disk on fire");
    expect(err.message).toContain("exec:");
  });

  it("says a one-line stderr once", async () => {
    const err = await callError(`${NODE} -e "console.error('app: refusing input 1'); process.exit(1)"`);
    expect(err.message).toMatch(/: exited with code 1: app: refusing input 1$/);
  });

  it("names the error itself, not the source line a runtime prints above it", async () => {
    // The key line leads (one-line summaries show it); the whole stderr follows.
    const first = async (command: string) => (await callError(command)).message.split("\n")[0];
    expect(await first(`${NODE} throws.mjs`)).toMatch(/: exited with code 1: Error: escalation policy file is missing$/);
    expect(await first(`${NODE} traceback.mjs`)).toMatch(/: exited with code 1: KeyError: 'policy'$/);
  });

  it("keeps only the tail of a long stderr", async () => {
    const err = await callError(`${NODE} noisy-fail.mjs`);
    expect(err.category).toBe("provider-error");
    expect(err.message).toContain("TAIL-MARKER");
    expect(err.message).not.toContain("HEAD-MARKER");
    expect(err.message.length).toBeLessThan(2500);
  });

  it("reports a command killed by a signal", async () => {
    const err = await callError(`${NODE} self-kill.mjs`);
    expect(err.category).toBe("provider-error");
    expect(err.message).toContain("SIGKILL");
  });

  it("fails a command that does not exist as fatal", async () => {
    const err = await callError("harness-no-such-command-4f1e --flag");
    expect(err.fatal).toBe(true);
    expect(err.category).toBe("bad-request");
    expect(err.message).toContain("command not found");
    expect(err.message).toContain("harness-no-such-command-4f1e");
  });

  it("a folder to run in (config.cwd) that does not exist, or is a file, is named as such, not as a missing command", async () => {
    for (const [cwd, why] of [["no-such-folder", "does not exist"], ["self-kill.mjs", "is not a folder"]] as const) {
      const err = await call(`${NODE} echo.mjs`, REQUEST, 0, new AbortController().signal, { cwd }).then(
        () => undefined,
        (e: ProviderError) => e,
      );
      expect(err?.fatal).toBe(true);
      expect(err?.message).toContain(`its folder (config.cwd) ${why}: ${cwd}`);
      expect(err?.message).not.toContain("command not found");
    }
  });

  it("refuses an empty command as fatal", () => {
    for (const command of ["", "   "]) {
      let caught: unknown;
      try {
        exec(command);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ProviderError);
      expect((caught as ProviderError).fatal).toBe(true);
    }
  });

  it("never lets vars become a command: there is no shell", async () => {
    const vars = {
      a: "; touch PWNED",
      b: "$(touch PWNED)",
      c: "`touch PWNED`",
      d: "| touch PWNED",
      e: "&& touch PWNED",
      f: "\n touch PWNED \n",
    };
    const request: ProviderRequest = { messages: [{ role: "user", content: "$(touch PWNED); touch PWNED" }], vars };
    const res = await call(`${NODE} echo-stdin.mjs`, request);
    const sent = JSON.parse(res.output) as { vars: unknown; prompt: string };
    // The target got them as plain data, byte for byte...
    expect(sent.vars).toEqual(vars);
    expect(sent.prompt).toBe("$(touch PWNED); touch PWNED");
    // ...and nothing ran them.
    expect(existsSync(path.join(project.dir, "PWNED"))).toBe(false);
    expect(existsSync(path.join(process.cwd(), "PWNED"))).toBe(false);
  });

  it("passes shell metacharacters in the command as literal arguments", async () => {
    const res = await call(`${NODE} args.mjs "; touch PWNED" '$(touch PWNED)' && touch PWNED; \`touch PWNED\` | cat > PWNED`);
    expect(JSON.parse(res.output)).toEqual(["; touch PWNED", "$(touch PWNED)", "&&", "touch", "PWNED;", "`touch", "PWNED`", "|", "cat", ">", "PWNED"]);
    expect(existsSync(path.join(project.dir, "PWNED"))).toBe(false);
  });

  it("runs in the project folder, or config.cwd under it, with config.env", async () => {
    const sub = path.join(project.dir, "app");
    await mkdir(sub);
    await writeFile(path.join(sub, "where.mjs"), SCRIPTS["where.mjs"]!);
    const inProject = JSON.parse((await call(`${NODE} where.mjs`)).output) as { cwd: string; flavour: string | null };
    expect(await realpath(inProject.cwd)).toBe(await realpath(project.dir));
    expect(inProject.flavour).toBeNull();
    const res = await call(`${NODE} where.mjs`, REQUEST, 0, new AbortController().signal, { cwd: "app", env: { HARNESS_TEST_FLAVOUR: "mint" } });
    const inSub = JSON.parse(res.output) as { cwd: string; flavour: string | null };
    expect(await realpath(inSub.cwd)).toBe(await realpath(sub));
    expect(inSub.flavour).toBe("mint");
  });

  it("kills the command and ends the call as cancelled when the signal aborts", async () => {
    const ac = new AbortController();
    const pending = call(`${NODE} sleep.mjs sleep.pid`, REQUEST, 0, ac.signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    const pid = await pidFrom(path.join(project.dir, "sleep.pid"));
    ac.abort();
    const err = await pending;
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).category).toBe("cancelled");
    await waitFor(() => !isAlive(pid), 10_000, "the command to be killed");
  });

  it("a command that ignores SIGTERM is killed outright after the grace", async () => {
    const ac = new AbortController();
    const pending = call(`${NODE} stubborn.mjs`, REQUEST, 0, ac.signal).catch((e: unknown) => e);
    const pid = await pidFrom(path.join(project.dir, "stubborn.pid"));
    ac.abort();
    expect(((await pending) as ProviderError).category).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 300));
    expect(isAlive(pid)).toBe(true); // SIGTERM first: it gets its grace
    await waitFor(() => !isAlive(pid), KILL_GRACE_MS + 10_000, "SIGKILL after the grace");
  }, 30_000);

  it("a cancelled call lets go of input the command never read, so it cannot hold harness open", async () => {
    // 1 MiB is more than a pipe holds: the write stays pending while the command lives (its grace).
    const big: ProviderRequest = { messages: [{ role: "user", content: "x".repeat(1 << 20) }], vars: {} };
    const writes = () => process.getActiveResourcesInfo().filter((r) => r === "SimpleWriteWrap").length;
    const before = writes();
    const ac = new AbortController();
    const pending = call(`${NODE} stubborn.mjs`, big, 0, ac.signal).catch((e: unknown) => e);
    const pid = await pidFrom(path.join(project.dir, "stubborn.pid"));
    expect(writes()).toBeGreaterThan(before);
    ac.abort();
    expect(((await pending) as ProviderError).category).toBe("cancelled");
    await waitFor(() => writes() === before, 1_000, "the pending write to go");
    expect(isAlive(pid)).toBe(true); // still in its grace: the write went with the pipe, not with the command
  }, 30_000);

  it("a cancelled call ends what the command started, not only the command", async () => {
    const ac = new AbortController();
    const pending = call(`${NODE} starts-child.mjs`, REQUEST, 0, ac.signal).catch((e: unknown) => e);
    const starter = await pidFrom(path.join(project.dir, "starter.pid"));
    const started = await pidFrom(path.join(project.dir, "started.pid"));
    ac.abort();
    expect(((await pending) as ProviderError).category).toBe("cancelled");
    await waitFor(() => !isAlive(starter) && !isAlive(started), 10_000, "the command and its child to end");
  }, 30_000);

  it("ends the call on abort even when the command has exited but a background child holds its stdout", async () => {
    const ac = new AbortController();
    let settled = false;
    const pending = call(`${NODE} leaves-grandchild.mjs`, REQUEST, 0, ac.signal).then(
      (r) => ((settled = true), r),
      (e: unknown) => ((settled = true), e),
    );
    const child = await pidFrom(path.join(project.dir, "child.pid"));
    await pidFrom(path.join(project.dir, "grandchild.pid"));
    // Wait until the command itself is gone (reaped): only the grandchild keeps the pipe open.
    await waitFor(() => !isAlive(child), 10_000, "the command to exit");
    expect(settled).toBe(false);
    ac.abort();
    // A generous guard: a correct provider answers at once; a broken one never does.
    const guard = new Promise((resolve) => setTimeout(() => resolve("still pending"), 5_000).unref());
    const outcome = await Promise.race([pending, guard]);
    expect(outcome).toBeInstanceOf(ProviderError);
    expect((outcome as ProviderError).category).toBe("cancelled");
  }, 30_000);
});

describe("exec through the runner", () => {
  function execSuite(command: string, trials: number, cases = 1): LoadedSuite {
    return makeSuite({
      providerId: `exec:${command}`,
      trials,
      dir: project.dir,
      cases: Array.from({ length: cases }, (_, i) => makeCase(`case-${i}`, { prompt: `question ${i}`, graders: [{ type: "contains", value: `question ${i}` }] })),
    });
  }

  it("runs each trial with its own index, and never records fixtures", async () => {
    const run = await runSuites([execSuite(`${NODE} answer.mjs`, 3, 2)], { cwd: project.dir, env: {}, fixtures: "record", concurrency: 3 });
    for (const [ci, c] of run.suites[0]!.cases.entries()) {
      expect(c.trials.map((t: TrialResult) => t.output)).toEqual([0, 1, 2].map((t) => `trial ${t}: question ${ci}`));
      expect(c.trials.every((t) => t.passed === true && t.cached === false)).toBe(true);
    }
    expect(existsSync(path.join(project.dir, "fixtures"))).toBe(false);
  });

  it("leaves a failing command's trials errored (provider-error), retried no more than asked", async () => {
    const run = await runSuites([execSuite(`${NODE} fail.mjs oops 2`, 2)], { cwd: project.dir, retry: { retries: 3, baseDelayMs: 1 } });
    for (const t of run.suites[0]!.cases[0]!.trials) {
      expect(t.error?.category).toBe("provider-error");
      expect(t.error?.message).toContain("something broke: oops");
      expect(t.retries).toBe(0); // provider-error is not retryable
      expect(t.passed).toBeNull();
    }
  });

  it("ends a command that takes too long as a timeout, and kills it", async () => {
    const run = await runSuites([execSuite(`${NODE} sleep.mjs sleep.pid`, 1)], { cwd: project.dir, timeoutMs: 300, retry: { retries: 0 } });
    const t = run.suites[0]!.cases[0]!.trials[0]!;
    expect(t.error?.category).toBe("timeout");
    const pid = await pidFrom(path.join(project.dir, "sleep.pid"));
    await waitFor(() => !isAlive(pid), 10_000, "the command to be killed");
  });

  it("times out a command whose background child holds its stdout, instead of hanging the run", async () => {
    // The time limit must outlast the command's own start, or it is killed before it leaves
    // the grandchild: under load (a full test run beside other work) 500 ms did not.
    const pending = runSuites([execSuite(`${NODE} leaves-grandchild.mjs`, 1)], { cwd: project.dir, timeoutMs: 3_000, retry: { retries: 0 } });
    await pidFrom(path.join(project.dir, "grandchild.pid"));
    const guard = new Promise((resolve) => setTimeout(() => resolve("still pending"), 20_000).unref());
    const outcome = await Promise.race([pending, guard]);
    expect(outcome).not.toBe("still pending");
    const t = (outcome as Awaited<typeof pending>).suites[0]!.cases[0]!.trials[0]!;
    expect(t.error?.category).toBe("timeout");
  }, 45_000);

  it("stops the run with a RunError when the command does not exist", async () => {
    const err = await runSuites([execSuite("harness-no-such-command-4f1e", 3, 2)], { cwd: project.dir, concurrency: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).exitCode).toBe(3);
    expect((err as RunError).code).toBe("provider.bad-request");
    expect((err as RunError).message).toContain("command not found");
  });

  it("stops the run with a HarnessError on an unusable command line", async () => {
    for (const id of ["exec:   ", "exec:node 'unclosed"]) {
      const suite = { ...execSuite("x", 1), provider: { id, config: {} } };
      const err = await runSuites([suite], { cwd: project.dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HarnessError);
    }
  });

  it("is built by the registry from an exec: id", async () => {
    const p = await createProvider({ id: `exec:${NODE} answer.mjs`, config: {} }, { cwd: project.dir, fixturesDir: "fixtures", fixtures: "offline" });
    const res = await p.call({ messages: [{ role: "user", content: "hi" }], vars: {} }, { signal: new AbortController().signal, trial: 5 });
    // Offline mode does not apply to exec: it always runs the current code.
    expect(res.output).toBe("trial 5: hi");
    expect(res.cached).toBe(false);
  });
});

describe("splitCommand", () => {
  it.each([
    ["node app.js", ["node", "app.js"]],
    ["  node   app.js  ", ["node", "app.js"]],
    ["node\tapp.js\n--flag", ["node", "app.js", "--flag"]],
    ['node "my app.js" --name=x', ["node", "my app.js", "--name=x"]],
    ["node 'my app.js'", ["node", "my app.js"]],
    [`echo 'say "hi"'`, ["echo", 'say "hi"']],
    [`echo "it's"`, ["echo", "it's"]],
    [`echo "a \\"quoted\\" word"`, ["echo", 'a "quoted" word']],
    [`echo 'no \\escape in single'`, ["echo", "no \\escape in single"]],
    ["my\\ app.js", ["my app.js"]],
    ["a\\\\b", ["a\\b"]],
    [`pre"mid dle"post`, ["premid dlepost"]],
    [`x "" ''`, ["x", "", ""]],
    ["$(touch PWNED) ; rm -rf /", ["$(touch", "PWNED)", ";", "rm", "-rf", "/"]],
    ["", []],
    ["   ", []],
  ])("splits %j", (input, expected) => {
    expect(splitCommand(input)).toEqual(expected);
  });

  it.each([`node "app.js`, `node 'app.js`, `echo "a\\"`])("refuses an unclosed quote in %j", (input) => {
    expect(() => splitCommand(input)).toThrow(/unclosed/);
  });
});
