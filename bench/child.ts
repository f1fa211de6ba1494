/** Runs one measured Node process: wall time from the outside, CPU and peak RSS from a preload inside it. */
import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const PRELOAD = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), "usage-preload.mjs")).href;

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** performance.now() at spawn and at exit, on the clock of this process (and of the fake server in it). */
  startedAt: number;
  exitedAt: number;
  /** user + system, ms; null when the process died before it could report. */
  cpuMs: number | null;
  peakRssMb: number | null;
  /** File holding the child's stdout and stderr, for reading on failure. */
  logFile: string;
  timedOut: boolean;
}

export interface ChildOptions {
  /** A JavaScript entry file, run with this Node. */
  script: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where the child's output goes: big suites print big tables, which must not pile up in this process. */
  logFile: string;
  timeoutMs: number;
  /** Flags for Node itself, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

export async function runChild(o: ChildOptions): Promise<ChildRun> {
  const usageFile = `${o.logFile}.usage.json`;
  await rm(usageFile, { force: true });
  const fd = openSync(o.logFile, "w");
  const started = performance.now();
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), "--import", PRELOAD, o.script, ...o.args], {
    cwd: o.cwd,
    env: { ...o.env, BENCH_USAGE_FILE: usageFile },
    stdio: ["ignore", fd, fd],
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, o.timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (c, s) => resolve({ code: c, signal: s }));
  });
  const exitedAt = performance.now();
  const wallMs = exitedAt - started;
  clearTimeout(timer);
  closeSync(fd);
  const usage = await readFile(usageFile, "utf8")
    .then((t) => JSON.parse(t) as { userUs: number; systemUs: number; maxRssKb: number })
    .catch(() => null);
  return {
    code,
    signal,
    wallMs,
    startedAt: started,
    exitedAt,
    cpuMs: usage ? (usage.userUs + usage.systemUs) / 1000 : null,
    peakRssMb: usage ? usage.maxRssKb / 1024 : null,
    logFile: o.logFile,
    timedOut,
  };
}

/** The last lines of a child's log, to say why a run broke. */
export async function tailOf(file: string, lines = 8): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
