/** Whether a process of this machine still runs: for files named after the process that wrote them. */
import { readFileSync } from "node:fs";

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

let bootId: string | undefined;

/**
 * When the process now holding `pid` started, as "<boot id>:<clock ticks since boot>" (Linux's
 * /proc/<pid>/stat, field 22, proc(5)): a pid reused by a later process, which containers do
 * often, gives another. Undefined where it cannot be read (not Linux, no such process, /proc hidden).
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ")", from field 3.
    const ticks = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[22 - 3];
    if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
    bootId ??= readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    return `${bootId}:${ticks}`;
  } catch {
    return undefined;
  }
}
