// A disk that fills mid-write: node:fs's writeSync writes part of a piece, then fails with ENOSPC,
// as a real full disk does. The journal must still give back every output it took.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TrialResult } from "../src/core/types.js";
import { JournalWriter } from "../src/runner/journal.js";
import { tempProject, type TempProject } from "./helpers/project.js";
import path from "node:path";

const disk = vi.hoisted(() => ({ room: Number.POSITIVE_INFINITY }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const writeSync = (fd: number, data: Buffer, offset = 0): number => {
    const length = Math.min(data.length - offset, disk.room);
    if (length <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    disk.room -= length;
    return fs.writeSync(fd, data, offset, length);
  };
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

let project: TempProject;
afterEach(async () => {
  disk.room = Number.POSITIVE_INFINITY;
  await project?.cleanup();
});

function trial(index: number, output: string): TrialResult {
  return { index, output, passed: true, pending: false, grades: [], latencyMs: 5, usage: null, costUsd: null, cached: false, retries: 0, judge: null, error: null };
}

describe("run journal on a disk that fills", () => {
  it("holds in memory what could not be written, an output cut by the failure included, and gives every output back", async () => {
    project = await tempProject();
    const w = await JournalWriter.open(path.join(project.dir, "j.jsonl"), "j.jsonl", { resume: false });
    // Room for the run line and part of the first piece of trials: the failure cuts an output.
    disk.room = 400;
    const outputs = [0, 1, 2].map((i) => `output ${i} `.repeat(40));
    const readers = outputs.map((o, i) => w.trial("s", "c", "k", trial(i, o)));
    expect(readers.map((r) => r?.())).toEqual(outputs);
    expect((w.error as NodeJS.ErrnoException | null)?.code).toBe("ENOSPC");
    // After the failure, later trials are held in memory too.
    const late = w.trial("s", "c", "k", trial(3, "late ".repeat(80)));
    w.end(true);
    expect(late?.()).toBe("late ".repeat(80));
    expect(readers.map((r) => r?.())).toEqual(outputs);
    await w.close();
  });
});
