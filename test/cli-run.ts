/** Runs the real built CLI (bin/harness.js → dist/cli-bundle/) as a child process, in a folder of the test's choosing. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "./helpers/project.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(ROOT, "bin", "harness.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Keys of the machine's environment that must not leak into a test run. */
const SCRUB = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OPENAI_LOG", "ANTHROPIC_LOG", "FORCE_COLOR", "NO_COLOR", "HARNESS_TEST_PROGRESS_SCALE"];

export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of SCRUB) delete env[k];
  return { ...env, ...extra };
}

/**
 * `input`, when given, is piped to the CLI's stdin, which is then closed (as `printf … | harness` does).
 * `onStderr` is told all the run has written to stderr so far, each time it writes more.
 */
export function runHarness(args: string[], options: { cwd: string; env?: Record<string, string>; onSpawn?: (pid: number) => void; bin?: string; input?: string; onStderr?: (soFar: string) => void }): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [options.bin ?? BIN, ...args], { cwd: options.cwd, env: cleanEnv(options.env), maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
      resolve({ code: e ? (typeof e.code === "number" ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let soFar = "";
    if (options.onStderr) child.stderr?.on("data", (d: Buffer) => options.onStderr!((soFar += d)));
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** A fresh project folder holding the given files (paths relative to it). */
export async function makeProject(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "harness-cli-"));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

/** A copy of the repository's example suites and fixtures, so tests can change them. */
export async function copyExamples(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "harness-examples-"));
  await cp(path.join(ROOT, "evals"), path.join(dir, "evals"), { recursive: true });
  await cp(path.join(ROOT, "fixtures"), path.join(dir, "fixtures"), { recursive: true });
  await cp(path.join(ROOT, "schema"), path.join(dir, "schema"), { recursive: true });
  return dir;
}

/** Runs harness, and signals it once `file` (one the run writes: an app's, a module's) exists in `cwd`. */
export async function interruptedWhen(args: string[], options: { cwd: string; file: string; what: string; env?: Record<string, string>; signal?: NodeJS.Signals }): Promise<CliResult> {
  let pid = 0;
  const run = runHarness(args, { cwd: options.cwd, ...(options.env ? { env: options.env } : {}), onSpawn: (p) => (pid = p) });
  await waitFor(() => existsSync(path.join(options.cwd, options.file)), 30_000, options.what);
  process.kill(pid, options.signal ?? "SIGINT");
  return run;
}
