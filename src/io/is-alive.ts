/** Whether a process of this machine still runs: for files named after the process that wrote them. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
