/** The run journal: what is written as trials end, what --resume keeps, and the lock between runs. */
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import { mkdir, open, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TrialResult } from "../src/core/types.js";
import { hasOutput, TrialWithStoredOutput, withFields } from "../src/core/stored-output.js";
import { UsageError } from "../src/errors.js";
import { answerOf, JournalWriter, readJournal, trialKey } from "../src/runner/journal.js";
import { hashOf } from "../src/core/hash.js";
import { ROOT } from "./cli-run.js";
import { processStart } from "../src/io/is-alive.js";
import { readLines } from "../src/io/read-lines.js";
import { makeCase, makeSuite, tempProject, type TempProject } from "./helpers/project.js";

let project: TempProject;
afterEach(async () => project?.cleanup());

function trial(index: number, over: Partial<TrialResult> = {}): TrialResult {
  return { index, output: `out-${index}`, passed: true, pending: false, grades: [], latencyMs: 5, usage: null, costUsd: null, cached: false, retries: 0, judge: null, error: null, ...over };
}

const suite = makeSuite({ providerId: "openai:m", dir: "/x", trials: 5, cases: [makeCase("a"), makeCase("b")] });
const [caseA, caseB] = suite.cases as [ReturnType<typeof makeCase>, ReturnType<typeof makeCase>];

describe("run journal", () => {
  it("keeps trials graded to the end, grades again those whose grading failed, reruns the rest; the last line for a trial wins", async () => {
    project = await tempProject();
    const file = path.join(project.dir, ".harness", "journal.jsonl");
    const keyA = trialKey(suite, caseA);
    const w = await JournalWriter.open(file, "journal", { resume: false });
    w.trial("suite", "a", keyA, trial(0));
    w.trial("suite", "a", keyA, trial(1, { passed: false }));
    w.trial("suite", "a", keyA, trial(2, { passed: null, output: null, error: { category: "server-error", message: "500" } }));
    w.trial("suite", "a", keyA, trial(3, { passed: null, truncated: true, error: { category: "cancelled", message: "stopped" } }));
    w.trial("suite", "a", keyA, trial(4, { passed: null, pending: true }));
    // Trial 0 was later redone and errored: it must run again.
    w.trial("suite", "a", keyA, trial(0, { passed: null, error: { category: "timeout", message: "slow" } }));
    await w.close(true);

    const prior = await readJournal(file, "journal");
    expect(prior.skipped).toBe(0);
    const kept = [0, 1, 2, 3, 4].map((i) => {
      const t = prior.get(suite, caseA, keyA, i);
      return t ? (t.pending ? "awaiting a person" : t.passed) : "run again";
    });
    // One awaiting a person is kept: the run looks its verdict up again, and asks no judge twice.
    expect(kept).toEqual(["run again", false, "run again", "run again", "awaiting a person"]);
    // Of the others, the ones whose call was answered are graded again from that answer, not asked
    // again: 0 and 3 (grading stopped or failed); 2 never got an answer.
    const regraded = [0, 1, 2, 3, 4].map((i) => prior.answer(suite, caseA, keyA, i)?.output ?? null);
    expect(regraded).toEqual(["out-0", null, null, "out-3", null]);
    // What the provider said of an answer goes with it: graded again, a cut answer is still counted as cut.
    expect(prior.answer(suite, caseA, keyA, 3)?.truncated).toBe(true);
    // Another case, or the same case under another key, keeps nothing.
    expect(prior.get(suite, caseB, keyA, 1)).toBeUndefined();
    expect(prior.get(suite, caseA, "other-key", 1)).toBeUndefined();
    // The lock is released on close.
    await expect(stat(`${file}.lock`)).rejects.toThrow();
  });

  it("names its run: a resume keeps the id of the run it continues, a fresh run has a new one, an older journal its first start time", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "j.jsonl");
    const first = await JournalWriter.open(file, "j.jsonl", { resume: false });
    await first.close();
    const prior = await readJournal(file, "j.jsonl");
    expect(prior.runId).toBe(first.runId);
    const resumed = await JournalWriter.open(file, "j.jsonl", { resume: true, runId: prior.runId });
    await resumed.close();
    expect(resumed.runId).toBe(first.runId);
    expect((await readJournal(file, "j.jsonl")).runId).toBe(first.runId);
    const fresh = await JournalWriter.open(file, "j.jsonl", { resume: false });
    await fresh.close();
    expect(fresh.runId).not.toBe(first.runId);
    await writeFile(file, `{"kind":"run","schemaVersion":1,"startedAt":"2026-11-20T10:00:00.000Z","resumed":false}\n`);
    expect((await readJournal(file, "j.jsonl")).runId).toBe("2026-11-20T10:00:00.000Z");
  });

  it("records what each run asked for; a resume reads the last run's, and none from a journal without it or with one edited out of shape", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "j.jsonl");
    const first = { trials: { s: 20 }, cases: ["a*"], provider: "openai:gpt-4o" };
    await (await JournalWriter.open(file, "j.jsonl", { resume: false, scope: first })).close(true);
    expect((await readJournal(file, "j.jsonl")).scope).toEqual(first);
    const second = { trials: { s: 30 } };
    await (await JournalWriter.open(file, "j.jsonl", { resume: true, scope: second })).close(true);
    expect((await readJournal(file, "j.jsonl")).scope).toEqual(second);
    const run = (scope: unknown) => `${JSON.stringify({ kind: "run", schemaVersion: 1, startedAt: "2026-01-01T00:00:00.000Z", resumed: false, runId: "r", scope })}\n`;
    await writeFile(file, run(undefined));
    expect((await readJournal(file, "j.jsonl")).scope).toBeUndefined();
    for (const bad of [{ trials: { s: "20" } }, { trials: null }, { trials: {}, cases: "a" }, { trials: {}, provider: 3 }]) {
      await writeFile(file, run(bad));
      expect((await readJournal(file, "j.jsonl")).scope, JSON.stringify(bad)).toBeUndefined();
    }
  });

  it("gives each output back from the file by its byte range, before and after the lines are flushed", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "j.jsonl");
    const w = await JournalWriter.open(file, "j.jsonl", { resume: false });
    // Multi-byte characters and JSON escapes shift byte offsets away from string lengths.
    const outputs = ["plain ".repeat(60), "é — ✓ 🙂 \"quoted\"\n\ttab \\ back ".repeat(20), "x".repeat(5000), `${"y".repeat(256)}z`];
    const readers = outputs.map((o, i) => w.trial("s é", `c-${i}`, "k", trial(i, { output: o, refused: i === 1 ? true : undefined })));
    // Still gathered in memory: reading flushes first.
    expect(readers.map((r) => r?.())).toEqual(outputs);
    // Short outputs and no output at all stay with the trial: nothing to read back.
    expect(w.trial("s", "c", "k", trial(8, { output: "y".repeat(256) }))).toBeUndefined();
    expect(w.trial("s", "c", "k", trial(9, { output: null, passed: null, error: { category: "timeout", message: "t" } }))).toBeUndefined();
    w.end(false);
    expect(readers.map((r) => r?.())).toEqual(outputs);
    // Every line is the JournalLine it stands for.
    const lines = (await readFile(file, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { kind: string; trial?: TrialResult; suite?: string });
    expect(lines.map((l) => l.kind)).toEqual(["run", "trial", "trial", "trial", "trial", "trial", "trial", "end"]);
    expect(lines[2]).toEqual({ kind: "trial", suite: "s é", caseId: "c-1", key: "k", trial: JSON.parse(JSON.stringify(trial(1, { output: outputs[1]!, refused: true }))) });
    // Ended, not closed: the journal is still held, so no other run can cut it under the report.
    await expect(stat(`${file}.lock`)).resolves.toBeDefined();
    await w.close();
    await expect(stat(`${file}.lock`)).rejects.toThrow();
  });

  it("offers no reading back from a journal that is not a regular file; the outputs stay in memory", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "null.jsonl");
    await symlink("/dev/null", file);
    const w = await JournalWriter.open(file, "null.jsonl", { resume: false });
    expect(w.trial("s", "c", "k", trial(0, { output: "long ".repeat(100) }))).toBeUndefined();
    await w.close();
  });

  it("reads back through the descriptor it writes with: a journal deleted mid-run still gives its outputs", async () => {
    project = await tempProject();
    const file = path.join(project.dir, ".harness", "journal.jsonl");
    const w = await JournalWriter.open(file, "journal", { resume: false });
    const text = "answered before the folder was cleaned ".repeat(10);
    const read = w.trial("s", "c", "k", trial(0, { output: text }));
    await rm(path.dirname(file), { recursive: true, force: true });
    w.end(false);
    expect(read?.()).toBe(text);
    await w.close();
    // Closed, it reads nothing: the file may be another run's by now.
    expect(() => read?.()).toThrow(/closed/);
  });

  it("a trial with its output on disk reports and serialises as the trial it was", () => {
    const given = trial(6, { output: "another case's answer", shared: true });
    for (const plain of [trial(3, { output: "long answer" }), trial(4, { output: "declined", refused: true, passed: false, grades: [{ type: "contains", pass: false, score: 0, reason: "r" }] }), trial(5, { output: "cut sh", truncated: true }), given]) {
      let reads = 0;
      const stored = new TrialWithStoredOutput(plain, () => (reads++, plain.output!));
      expect(JSON.stringify(stored, null, 2)).toBe(JSON.stringify(plain, null, 2));
      expect(Object.keys(stored.toJSON())).toEqual(Object.keys(plain));
      expect("refused" in stored).toBe(plain.refused === true);
      // Graded again on a resume, a shared answer is still counted on the trial given it first.
      expect(answerOf(stored, stored.output).shared).toBe(plain.shared);
      // Whether it was answered is known without reading the output back.
      const before = reads;
      expect(hasOutput(stored)).toBe(true);
      expect(reads).toBe(before);
    }
    expect(hasOutput(trial(0, { output: null }))).toBe(false);
    // Given today's verdicts on a resume, a trial stored on disk stays so, its output whole; a plain one stays plain.
    const grades = [{ type: "human", pass: false, score: 0, reason: "a person said no" }];
    const stored = new TrialWithStoredOutput(trial(7, { output: "on disk" }), () => "on disk");
    const changed = withFields(stored, { grades, passed: false });
    expect(changed).toBeInstanceOf(TrialWithStoredOutput);
    expect(JSON.parse(JSON.stringify(changed))).toEqual({ ...trial(7, { output: "on disk" }), grades, passed: false });
    expect(withFields(trial(8), { passed: false })).toEqual(trial(8, { passed: false }));
  });

  it("builds a trial's key from cached pieces, equal to the hash of the whole", () => {
    const shared = [{ type: "contains", value: "x" }, { type: "javascript", file: "g.js", config: { b: [1, { z: 1, a: null }], a: "é" } }] as const;
    const judged = { ...suite, judge: { id: "openai:judge", config: { temperature: 0, seed: 7 } } };
    for (const s of [suite, judged]) {
      for (const c of [caseA, makeCase("v", { vars: { z: 1, a: { y: [2, 1], b: "q" } }, graders: [...shared] as never }), makeCase("w", { graders: [...shared, { type: "regex", value: "a+" }] as never })]) {
        // Twice: the second time the shared pieces come from the cache.
        for (let i = 0; i < 2; i++) expect(trialKey(s, c)).toBe(hashOf([s.provider, s.judge ?? null, c.messages, c.vars, c.graders]));
      }
    }
  });

  it("keys a trial by what decides it: the prompt, the graders and the model", () => {
    const base = trialKey(suite, caseA);
    expect(trialKey(suite, makeCase("a"))).toBe(base);
    expect(trialKey(suite, makeCase("a", { prompt: "edited" }))).not.toBe(base);
    expect(trialKey(suite, makeCase("a", { graders: [{ type: "contains", value: "x" }] }))).not.toBe(base);
    expect(trialKey({ ...suite, provider: { id: "openai:other", config: {} } }, caseA)).not.toBe(base);
  });

  it("skips a torn last line, and a resumed writer cuts it off under its lock: the next resume finds nothing unreadable", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "j.jsonl");
    const key = trialKey(suite, caseA);
    const w = await JournalWriter.open(file, "j.jsonl", { resume: false });
    w.trial("suite", "a", key, trial(0));
    w.trial("suite", "a", key, trial(1));
    await w.close(true);
    // A crash mid-write: half a line, no newline.
    const full = await readFile(file, "utf8");
    const lines = full.trimEnd().split("\n");
    await writeFile(file, `${lines.slice(0, -2).join("\n")}\n${lines.at(-2)!.slice(0, 40)}`);

    let prior = await readJournal(file, "j.jsonl");
    expect(prior.skipped).toBe(1);
    expect(prior.get(suite, caseA, key, 0)?.output).toBe("out-0");
    expect(prior.get(suite, caseA, key, 1)).toBeUndefined();

    const again = await JournalWriter.open(file, "j.jsonl", { resume: true });
    again.trial("suite", "a", key, trial(1, { output: "redone" }));
    await again.close(false);
    prior = await readJournal(file, "j.jsonl");
    expect(prior.skipped).toBe(0);
    expect(prior.get(suite, caseA, key, 0)?.output).toBe("out-0");
    expect(prior.get(suite, caseA, key, 1)?.output).toBe("redone");
    // Every line is whole: the torn one is gone, nothing else is.
    const kinds = (await readFile(file, "utf8")).trimEnd().split("\n").map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds).toEqual(["run", "trial", "run", "trial", "end"]);
  });

  it("keeps a whole last line that only lacks its newline, and cuts a torn one however long, when a resume takes the journal", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "j.jsonl");
    const key = trialKey(suite, caseA);
    const line = (t: TrialResult) => JSON.stringify({ kind: "trial", suite: "suite", caseId: "a", key, trial: t });
    const head = `{"kind":"run","schemaVersion":1,"startedAt":"2026-01-01T00:00:00.000Z","resumed":false,"runId":"r"}\n${line(trial(0))}\n`;
    // Whole, no newline: kept, and the resumed run's first line starts after it.
    await writeFile(file, `${head}${line(trial(1))}`);
    await (await JournalWriter.open(file, "j.jsonl", { resume: true })).close(false);
    let prior = await readJournal(file, "j.jsonl");
    expect(prior.skipped).toBe(0);
    expect(prior.get(suite, caseA, key, 1)?.output).toBe("out-1");
    // Torn, and longer than any one chunk read back from the end (64 KB), with multi-byte characters.
    const long = line(trial(2, { output: "é✓".repeat(40_000) }));
    await writeFile(file, `${head}${long.slice(0, -10)}`);
    await (await JournalWriter.open(file, "j.jsonl", { resume: true })).close(false);
    expect((await readFile(file, "utf8")).startsWith(`${head}{"kind":"run"`)).toBe(true);
    prior = await readJournal(file, "j.jsonl");
    expect(prior.get(suite, caseA, key, 0)?.output).toBe("out-0");
    expect(prior.get(suite, caseA, key, 2)).toBeUndefined();
  });

  it("counts unreadable lines since the last resumed run only: those before it were said, and their trials ran again, then", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "j.jsonl");
    const run = (resumed: boolean) => JSON.stringify({ kind: "run", schemaVersion: 1, startedAt: "2026-01-01T00:00:00.000Z", resumed, runId: "r" });
    // A torn line that an earlier harness made a middle line by writing a newline after it.
    await writeFile(file, [run(false), "garbage", '{"kind":"trial","sui', run(true), "more garbage", ""].join("\n"));
    expect((await readJournal(file, "j.jsonl")).skipped).toBe(1);
    await writeFile(file, [run(false), "garbage", '{"kind":"trial","sui', run(false), ""].join("\n"));
    expect((await readJournal(file, "j.jsonl")).skipped).toBe(2);
  });

  it("reads lines a chunk at a time, whatever the chunk size: across chunk ends, in the middle of a character, with CR, and a torn last line", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "lines.txt");
    const lines = ["", "é✓🙂 \"q\"", "a".repeat(40), "", "x\r", "end, torn"];
    await writeFile(file, lines.join("\n"));
    const starts = lines.map((_, i) => Buffer.byteLength(lines.slice(0, i).map((l) => `${l}\n`).join("")));
    const handle = await open(file, "r");
    try {
      for (const chunkSize of [1, 2, 3, 5, 16, 1 << 20]) {
        const got: { text: string; start: number }[] = [];
        for await (const line of readLines(handle, { chunkSize })) got.push({ text: line.bytes.toString("utf8"), start: line.start });
        expect(got, `chunks of ${chunkSize}`).toEqual(lines.map((text, i) => ({ text, start: starts[i] })));
      }
    } finally {
      await handle.close();
    }
  });

  it("keeps a long output of a kept trial on disk, read back from the journal until closed; the same trials whatever the chunk size, CRLF too", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "j.jsonl");
    const key = trialKey(suite, caseA);
    const long = (i: number) => `${i} é — ✓ 🙂 "quoted"\n\tback \\ slash `.repeat(30 + i);
    const w = await JournalWriter.open(file, "j.jsonl", { resume: false });
    for (let i = 0; i < 4; i++) w.trial("suite", "a", key, trial(i, { output: i === 1 ? "short" : long(i) }));
    w.trial("suite", "a", key, trial(4, { output: long(4), passed: null, error: { category: "grader-error", message: "bug" } }));
    await w.close(true);
    // Written by hand, keys in another order: still kept, its output in memory.
    const { index, ...rest } = trial(0, { output: long(9) });
    const edited = { kind: "trial", suite: "suite", caseId: "b", key, trial: { ...rest, index } };
    const lines = `${await readFile(file, "utf8")}${JSON.stringify(edited)}\n{"kind":"trial","sui`;
    for (const [name, text] of [["LF", lines], ["CRLF", lines.replaceAll("\n", "\r\n")]] as const) {
      await writeFile(file, text);
      for (const chunkSize of [3, 64, 1000, undefined]) {
        const prior = await readJournal(file, "j.jsonl", chunkSize === undefined ? {} : { chunkSize });
        const what = `${name}, chunks of ${chunkSize ?? "default"}`;
        expect(prior.skipped, what).toBe(1);
        const kept = [0, 1, 2, 3].map((i) => prior.get(suite, caseA, key, i)!);
        expect(kept.map((t) => t.output), what).toEqual([long(0), "short", long(2), long(3)]);
        expect(kept.map((t) => t instanceof TrialWithStoredOutput), what).toEqual([true, false, true, true]);
        expect(prior.answer(suite, caseA, key, 4)?.output, what).toBe(long(4));
        const handEdited = prior.get(suite, caseB, key, 0)!;
        expect([handEdited.output, handEdited instanceof TrialWithStoredOutput], what).toEqual([long(9), false]);
        await prior.close?.();
        expect(() => kept[0]!.output, what).toThrow();
      }
    }
  });

  it("skips lines that parse but are not trials, and garbage", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "j.jsonl");
    const key = trialKey(suite, caseA);
    const good = JSON.stringify({ kind: "trial", suite: "suite", caseId: "a", key, trial: trial(2) });
    // Edited by hand: a grade of null, an error with no category.
    const nullGrade = JSON.stringify({ kind: "trial", suite: "suite", caseId: "a", key, trial: { ...trial(3), grades: [null] } });
    const badError = JSON.stringify({ kind: "trial", suite: "suite", caseId: "a", key, trial: { ...trial(4), error: "boom" } });
    await writeFile(file, ["\u0000\u0001binary", "[1,2]", '{"kind":"trial","suite":"suite"}', "null", good, nullGrade, badError, ""].join("\n"));
    const prior = await readJournal(file, "j.jsonl");
    expect(prior.skipped).toBe(6);
    expect(prior.get(suite, caseA, key, 3)).toBeUndefined();
    expect(prior.get(suite, caseA, key, 2)?.output).toBe("out-2");
  });

  it("counts as changed a trial whose last attempt finished under another key, once, and not one that errored since", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "j.jsonl");
    const line = (key: string, t: TrialResult) => JSON.stringify({ kind: "trial", suite: "suite", caseId: "a", key, trial: t });
    const error = { category: "timeout" as const, message: "no answer" };
    await writeFile(
      file,
      [
        line("old", trial(0)), // finished under the old key only
        line("old", trial(1)),
        line("new", trial(1, { error, output: null, passed: null })), // edited, then errored under the new key
        line("new", trial(2)), // finished under the new key
        "",
      ].join("\n"),
    );
    const prior = await readJournal(file, "j.jsonl");
    for (const index of [0, 0, 1, 2, 3]) prior.get(suite, caseA, "new", index);
    // Trial 0 (asked twice): its finish was under the old key. Trial 1 runs again because it errored, not for a change.
    expect(prior.changed).toBe(1);
    expect(prior.get(suite, caseA, "new", 2)?.output).toBe("out-2");
  });

  it("resuming without a journal is a usage error that names the file", async () => {
    project = await tempProject();
    const err = await readJournal(path.join(project.dir, "none.jsonl"), "none.jsonl").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe("nothing to resume: no run journal at none.jsonl");
  });

  it("never writes over a file that is not a run journal; an empty one, or an earlier journal, it starts afresh", async () => {
    project = await tempProject();
    const notes = path.join(project.dir, "notes.txt");
    await writeFile(notes, "my notes\n");
    const err = await JournalWriter.open(notes, "notes.txt", { resume: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe("notes.txt exists and is not a run journal: harness will not write over it");
    expect(await readFile(notes, "utf8")).toBe("my notes\n");
    const journal = path.join(project.dir, "j.jsonl");
    await writeFile(journal, "");
    const first = await JournalWriter.open(journal, "j.jsonl", { resume: false });
    await first.close(false);
    const again = await JournalWriter.open(journal, "j.jsonl", { resume: false });
    await again.close(false);
  });

  it("refuses a folder named as the journal, starting or resuming, and writes or locks nothing", async () => {
    project = await tempProject();
    const folder = path.join(project.dir, "runs");
    await mkdir(folder);
    const message = "the run journal runs is a folder: harness needs a file there";
    for (const attempt of [() => JournalWriter.open(folder, "runs", { resume: false }), () => JournalWriter.open(folder, "runs", { resume: true }), () => readJournal(folder, "runs")]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toBe(message);
      expect((err as UsageError).hint).toBe(`name the file with --journal, e.g. --journal ${path.join("runs", "journal.jsonl")}`);
    }
    expect(await readdir(project.dir)).toEqual(["runs"]);
    expect(await readdir(folder)).toEqual([]);
  });

  it("refuses a second writer while the first lives, and takes over a lock left by a dead run", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "j.jsonl");
    const first = await JournalWriter.open(file, "j.jsonl", { resume: false });
    await first.close(true);
    // Another live process holds the lock (this process's own pid would read as a stale lock of ours).
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      await writeFile(`${file}.lock`, String(other.pid));
      const err = await JournalWriter.open(file, "j.jsonl", { resume: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toBe(`another harness run (pid ${other.pid}) is writing the run journal j.jsonl`);
      // A bare pid (an earlier version's lock) cannot be told from a reused one: the hint says when the lock may go.
      expect((err as UsageError).hint).toBe(
        `wait for it, or give this run a journal of its own with --journal <file>. If no harness run is writing it (a run killed with -9 leaves its lock, and pid ${other.pid} may be another program's by now), delete j.jsonl.lock and run again`,
      );
    } finally {
      other.kill();
      await new Promise((r) => other.once("exit", r));
    }
    // The holder is dead now: its lock is stale, and the journal is appended to, not cut.
    const second = await JournalWriter.open(file, "j.jsonl", { resume: true });
    await second.close(false);
    const kinds = (await readFile(file, "utf8")).trim().split("\n").map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds).toEqual(["run", "end", "run", "end"]);
  });

  it("tells a live run holding the lock from a program given its pid after it died (where start times can be read)", async () => {
    project = await tempProject();
    const file = path.join(project.dir, "j.jsonl");
    const child = path.join(project.dir, "hold.mjs");
    const built = pathToFileURL(path.join(ROOT, "dist/runner/journal.js")).href;
    await writeFile(child, `import { JournalWriter } from ${JSON.stringify(built)};
const w = await JournalWriter.open(process.argv[2], "j", { resume: false }); console.log("GOT");
process.stdin.resume(); process.stdin.on("end", async () => { await w.close(false); process.exit(0); });
`);
    const holder = spawn(process.execPath, [child, file], { stdio: ["pipe", "pipe", "inherit"] });
    await new Promise<void>((resolve) => holder.stdout.on("data", (d: Buffer) => d.toString().includes("GOT") && resolve()));
    const canTell = processStart(process.pid) !== undefined;
    const lock = await readFile(`${file}.lock`, "utf8");
    const refused = async () => (await JournalWriter.open(file, "j.jsonl", { resume: true }).catch((e: unknown) => e)) as UsageError;
    try {
      const err = await refused();
      expect(err.message).toBe(`another harness run (pid ${holder.pid}) is writing the run journal j.jsonl`);
      // A run known to be alive is never worth deleting the lock of.
      expect(err.hint?.includes("delete j.jsonl.lock")).toBe(!canTell);
    } finally {
      holder.kill("SIGKILL");
      await new Promise((r) => holder.once("exit", r));
    }
    // The holder was killed, leaving its lock, and its pid is another program's now.
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      await writeFile(`${file}.lock`, lock.replace(String(holder.pid), String(other.pid)));
      if (canTell) {
        await (await JournalWriter.open(file, "j.jsonl", { resume: true })).close(false);
        // Taken over and let go: the lock went with the run that took it.
        await expect(stat(`${file}.lock`)).rejects.toThrow();
      } else {
        expect((await refused()).hint).toContain(`pid ${other.pid} may be another program's by now), delete j.jsonl.lock`);
      }
    } finally {
      other.kill();
      await new Promise((r) => other.once("exit", r));
    }
  });

  it("of several runs racing for one journal, with or without a stale lock, exactly one gets it", async () => {
    project = await tempProject();
    const child = path.join(project.dir, "take.mjs");
    const built = pathToFileURL(path.join(ROOT, "dist/runner/journal.js")).href;
    // Each waits for the word to go, once loaded, and the one that gets the journal holds it until every outcome is in:
    // how long a process takes to start on a loaded machine must not decide the race.
    await writeFile(child, `import { JournalWriter } from ${JSON.stringify(built)};
import { once } from "node:events";
console.log("READY"); await once(process.stdin, "data");
try { const w = await JournalWriter.open(process.argv[2], "j", { resume: true }); console.log("GOT"); await once(process.stdin, "end"); await w.close(false); }
catch (e) { console.log("REFUSED"); }
`);
    const start = (file: string) => {
      const p = spawn(process.execPath, [child, file], { stdio: ["pipe", "pipe", "inherit"] });
      let out = "";
      const said = (word: RegExp) => new Promise<string>((resolve) => { const check = () => { const m = word.exec(out); if (m) resolve(m[0]); }; p.stdout.on("data", (d: Buffer) => { out += d.toString(); check(); }); check(); });
      return { p, ready: said(/READY/), outcome: said(/GOT|REFUSED/), exited: new Promise((r) => p.once("exit", r)) };
    };
    for (let round = 0; round < 6; round++) {
      const file = path.join(project.dir, `j${round}.jsonl`);
      await writeFile(file, "");
      if (round % 2 === 1) await writeFile(`${file}.lock`, "999999"); // a run that died
      const takers = [start(file), start(file), start(file)];
      await Promise.all(takers.map((t) => t.ready));
      for (const t of takers) t.p.stdin.write("go\n");
      const outcomes = await Promise.all(takers.map((t) => t.outcome));
      for (const t of takers) t.p.stdin.end();
      await Promise.all(takers.map((t) => t.exited));
      expect(outcomes.filter((o) => o === "GOT"), `round ${round}: ${outcomes.join(", ")}`).toHaveLength(1);
    }
  });
});
