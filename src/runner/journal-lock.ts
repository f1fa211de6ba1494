/**
 * One writer per run journal. Two runs writing one journal would interleave their trials: the
 * second is refused, unless the first is dead. The lock appears with its holder already in it
 * (written aside, then linked into place), so no one can read it half-made; a stale lock is
 * removed by one taker alone before it is taken, so two runs cannot both take it.
 */
import { link, open, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { UsageError } from "../errors.js";
import { isAlive, processStart } from "../io/is-alive.js";

/** Who holds a lock. `host` and `started` tell the run from a later process given its pid; locks of earlier versions hold the pid alone. */
interface Holder {
  pid: number;
  host?: string;
  started?: string;
}

/** Takes `lock` for the journal shown as `label`, or says who holds it and what to do. */
export async function takeLock(lock: string, label: string): Promise<void> {
  const mine = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  const started = processStart(process.pid);
  const me: Holder = { pid: process.pid, host: hostname(), ...(started ? { started } : {}) };
  const failed = (err: Error) => new UsageError(`cannot lock the run journal ${label}: ${err.message}`, { cause: err });
  await writeFile(mine, JSON.stringify(me)).catch((err: Error) => {
    throw failed(err);
  });
  try {
    // Each round either takes the lock, finds it held, or waits out another taker's removal of a stale one (milliseconds).
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        await link(mine, lock);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw failed(err as Error);
      }
      const seen = await readLock(lock);
      if (seen === undefined) continue;
      const holder = parseHolder(seen.text);
      const held = holder ? holds(holder) : "no";
      if (held !== "no") throw heldBy(holder!.pid, held, label);
      if (!(await removeStale(lock, seen.ino, mine))) await new Promise((r) => setTimeout(r, 20));
    }
    throw new UsageError(`cannot lock the run journal ${label}: another run keeps taking it`, {
      hint: `if no other harness run is starting on this journal, delete the files named ${label}.lock* and run again`,
    });
  } finally {
    await rm(mine, { force: true });
  }
}

/** The lock's text and inode, read through one descriptor; undefined when it is gone. */
async function readLock(lock: string): Promise<{ text: string; ino: number } | undefined> {
  const handle = await open(lock, "r").catch(() => undefined);
  if (!handle) return undefined;
  try {
    const { ino } = await handle.stat();
    return { text: await handle.readFile("utf8"), ino };
  } finally {
    await handle.close();
  }
}

/**
 * Removes a stale lock, as one taker alone: the one that links a marker named after the lock
 * file's inode. Moving the lock aside and giving back one found alive could not be undone
 * once a third run had taken the empty place: two runs held the journal. A lock changes only by
 * being removed, and only the marker's holder removes a lock of that inode, so what it reads
 * again stays until it removes it. Says whether this taker held the marker.
 */
async function removeStale(lock: string, ino: number, mine: string): Promise<boolean> {
  const marker = `${lock}.${ino}.taking`;
  try {
    await link(mine, marker);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // A taker killed while removing leaves its marker: it goes once its taker is dead. (Two runs
    // finding it so at once could remove each other's marker: that needs a kill in those few ms first.)
    const taker = parseHolder((await readLock(marker))?.text ?? "");
    if (!taker || holds(taker) === "no") await rm(marker, { force: true });
    return false;
  }
  try {
    const now = await readLock(lock);
    const holder = now && parseHolder(now.text);
    if (now?.ino === ino && (!holder || holds(holder) === "no")) await rm(lock, { force: true });
  } finally {
    await rm(marker, { force: true });
  }
  return true;
}

function parseHolder(text: string): Holder | undefined {
  let h: Partial<Holder> | null;
  try {
    const value: unknown = JSON.parse(text);
    // An earlier version's lock is the bare pid.
    h = typeof value === "number" ? { pid: value } : (value as Partial<Holder> | null);
  } catch {
    return undefined;
  }
  if (typeof h !== "object" || h === null || !Number.isInteger(h.pid) || h.pid! <= 0) return undefined;
  return { pid: h.pid!, ...(typeof h.host === "string" ? { host: h.host } : {}), ...(typeof h.started === "string" ? { started: h.started } : {}) };
}

/**
 * Whether the holder still runs: "no" when its pid is gone (or is ours: it died, and we were
 * given its pid), "yes" when that pid's process started when the holder did, "maybe" when that
 * cannot be told (another host, no /proc, a lock of an earlier version) and the pid is alive.
 */
function holds(h: Holder): "yes" | "no" | "maybe" {
  if (h.pid === process.pid || !isAlive(h.pid)) return "no";
  if (h.started === undefined || h.host !== hostname()) return "maybe";
  const now = processStart(h.pid);
  if (now === undefined) return "maybe";
  return now === h.started ? "yes" : "no";
}

function heldBy(pid: number, held: "yes" | "maybe", label: string): UsageError {
  const wait = "wait for it, or give this run a journal of its own with --journal <file>";
  return new UsageError(`another harness run (pid ${pid}) is writing the run journal ${label}`, {
    hint: held === "yes" ? wait : `${wait}. If no harness run is writing it (a run killed with -9 leaves its lock, and pid ${pid} may be another program's by now), delete ${label}.lock and run again`,
  });
}
