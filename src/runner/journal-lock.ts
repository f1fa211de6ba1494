/**
 * One writer per run journal. Two runs writing one journal would interleave their trials: the
 * second is refused, unless the first is dead. The lock appears with its holder already in it
 * (written aside, then linked into place), so no one can read it half-made; a stale lock is
 * moved aside before it is taken, so two runs cannot both take it.
 */
import { link, readFile, rename, rm, writeFile } from "node:fs/promises";
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
  await writeFile(mine, JSON.stringify(me)).catch((err: Error) => {
    throw new UsageError(`cannot lock the run journal ${label}: ${err.message}`, { cause: err });
  });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(mine, lock);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new UsageError(`cannot lock the run journal ${label}: ${(err as Error).message}`, { cause: err });
      }
      const text = await readFile(lock, "utf8").catch(() => "");
      const holder = parseHolder(text);
      const held = holder ? holds(holder) : "no";
      if (held !== "no") throw heldBy(holder!.pid, held, label);
      // Left by a run that died: only one taker's rename succeeds; the others try again.
      const aside = `${mine}.stale`;
      if (await rename(lock, aside).then(() => true, () => false)) {
        // Another taker may have replaced the stale lock between our read and our rename: give theirs back.
        if ((await readFile(aside, "utf8").catch(() => "")) !== text) await link(aside, lock).catch(() => undefined);
        await rm(aside, { force: true });
      }
    }
    throw new UsageError(`cannot lock the run journal ${label}: another run keeps taking it`);
  } finally {
    await rm(mine, { force: true });
  }
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
