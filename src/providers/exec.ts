/**
 * `exec:<command>`: the user's own app or agent as the target. The request goes to
 * the command's stdin as JSON ({ prompt, messages, vars, trial }); its stdout is the
 * output. The command is split into words here and started without a shell, so
 * nothing in a case's vars can become a command.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";
import { splitCommand } from "../config/command.js";
import type { ProviderConfig } from "../config/schema.js";
import { ProviderError, type CallOptions, type Provider, type ProviderRequest, type ProviderResponse } from "./types.js";

const STDERR_TAIL = 2000;

/** How long a cancelled or timed-out command has between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2_000;

/**
 * Each command runs as the leader of a process group of its own (POSIX: a session of its own,
 * with no controlling terminal), so a cancelled or timed-out call ends everything it started,
 * not only the command: `sh -c "sleep 60; …"` left its sleep running, and with retries a hung
 * app left one orphan per attempt. A command that ignores SIGTERM gets SIGKILL after the grace,
 * or when harness exits if that comes first (after Ctrl-C, once the report is written); one
 * still running when harness exits (a hang-up) gets SIGKILL then too. A process the command
 * put in a group of its own (a daemon it detached) is its business.
 * On Windows there are no groups to signal, and a pid may be reused at once once its process
 * has gone: the command alone is ended, through its handle, once.
 */
const toKillAtExit = new Set<number>();
let killOnExit = false;

/** A command's group, running or in its grace: killed if harness exits first. */
function watchGroup(pid: number): void {
  toKillAtExit.add(pid);
  if (killOnExit) return;
  killOnExit = true;
  process.on("exit", () => {
    for (const group of toKillAtExit) signalGroup(group, "SIGKILL");
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function endGroup(pid: number): void {
  signalGroup(pid, "SIGTERM");
  setTimeout(() => {
    toKillAtExit.delete(pid);
    signalGroup(pid, "SIGKILL");
  }, KILL_GRACE_MS).unref();
}

/**
 * The stderr line most likely to say what went wrong: the first that states an error
 * ("Error: …", "KeyError: …", "fatal: …"), else the first that mentions one, else the last.
 * Node and Python print the failing source line above the error, and `throw new Error(…)`
 * or `raise ValueError(…)` mentions one too.
 */
function keyLine(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /^[\w.$]*(?:error|exception)\b:|^(?:fatal|panic)\b:/i.test(l)) ?? lines.find((l) => /error/i.test(l)) ?? lines[lines.length - 1] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export { splitCommand };

export function createExecProvider(command: string, config: ProviderConfig, projectDir: string, env: NodeJS.ProcessEnv = process.env): Provider {
  const id = `exec:${command}`;
  // The loader reports bad command lines with their place in the suite; this guards library callers.
  const argv = splitCommand(command);
  if (argv.length === 0) throw new ProviderError("bad-request", `${id}: empty command`, { fatal: true });
  const cwd = path.resolve(projectDir, config.cwd ?? ".");

  return {
    id,
    call(request: ProviderRequest, options: CallOptions): Promise<ProviderResponse> {
      /** spawn says ENOENT for a missing folder to run in as for a missing command: say which. */
      const spawnFailure = (e: NodeJS.ErrnoException): ProviderError => {
        const folder = e.code === "ENOENT" || e.code === "ENOTDIR" ? badFolder(cwd) : undefined;
        if (folder) return new ProviderError("bad-request", `${id}: its folder (config.cwd) ${folder}: ${path.relative(projectDir, cwd) || "."}`, { fatal: true, cause: e });
        if (e.code === "ENOENT") return new ProviderError("bad-request", `${id}: command not found: ${argv[0]}`, { fatal: true, cause: e });
        return new ProviderError("provider-error", `${id}: ${e.message}`, { cause: e });
      };
      const started = performance.now();
      const lastUser = [...request.messages].reverse().find((m) => m.role === "user");
      const input = JSON.stringify({ prompt: lastUser?.content ?? "", messages: request.messages, vars: request.vars, trial: options.trial });
      return new Promise((resolve, reject) => {
        if (options.signal.aborted) return reject(new ProviderError("cancelled", `${id}: cancelled`));
        let child: ChildProcessWithoutNullStreams;
        try {
          child = spawn(argv[0]!, argv.slice(1), {
            cwd,
            env: { ...env, ...config.env },
            shell: false,
            stdio: ["pipe", "pipe", "pipe"],
            // A group of its own, to end as a whole (see endGroup); on Windows it would open a console window.
            detached: process.platform !== "win32",
          });
        } catch (e) {
          // Some failures (a file as the folder: ENOTDIR) are thrown at once, not emitted.
          return reject(spawnFailure(e as NodeJS.ErrnoException));
        }
        if (process.platform !== "win32" && child.pid !== undefined) watchGroup(child.pid);
        const out: Buffer[] = [];
        let err = "";
        child.stdout.on("data", (d: Buffer) => out.push(d));
        child.stderr.on("data", (d: Buffer) => {
          err = (err + d.toString("utf8")).slice(-STDERR_TAIL);
        });
        // The command may exit without reading its stdin; that is its business.
        child.stdin.on("error", () => {});
        child.stdin.end(input);
        // Ends the command's whole group, even when the command itself has exited but something
        // it started still holds its stdout ("close" waits for that): answer now.
        const onAbort = () => {
          if (process.platform === "win32") child.kill();
          else if (child.pid !== undefined) endGroup(child.pid);
          // A command still in its grace must not keep harness from exiting (exit kills it),
          // nor may input it never read.
          child.unref();
          child.stdin.destroy();
          child.stdout.destroy();
          child.stderr.destroy();
          reject(new ProviderError("cancelled", `${id}: cancelled`));
        };
        options.signal.addEventListener("abort", onAbort, { once: true });
        child.on("error", (e: NodeJS.ErrnoException) => {
          options.signal.removeEventListener("abort", onAbort);
          reject(spawnFailure(e));
        });
        child.on("close", (code, signal) => {
          options.signal.removeEventListener("abort", onAbort);
          if (options.signal.aborted) return; // the "error" or abort handler has answered
          // Ended on its own: what it may have left running in the background is its business.
          if (child.pid !== undefined) toKillAtExit.delete(child.pid);
          if (code !== 0) {
            const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
            // The key line first, for one-line summaries; the whole stderr after it, unless that is all there was.
            const key = keyLine(err);
            const rest = err.trim() && err.trim() !== key ? `\n${err.trim()}` : "";
            reject(new ProviderError("provider-error", `${id}: ${why}${key ? `: ${key}` : ""}${rest}`));
            return;
          }
          const output = Buffer.concat(out).toString("utf8").replace(/\r?\n$/, "");
          resolve({ output, usage: null, costUsd: null, latencyMs: performance.now() - started, cached: false });
        });
      });
    },
  };
}

/** Why a folder cannot be run in, or undefined when it can. */
function badFolder(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : "is not a folder";
  } catch {
    return "does not exist";
  }
}
