/** The run history: the line a run becomes, the file's read and append, and the terminal chart. */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildHistoryEntry, historySeries, suiteGateStatus, type HistoryEntry } from "../src/core/history.js";
import { ConfigError } from "../src/errors.js";
import { appendHistory, readHistory } from "../src/history/store.js";
import { renderHistory, sparkline } from "../src/reporters/history.js";
import { regressedRun } from "./helpers/regressed-run.js";
import { tempProject, type TempProject } from "./helpers/project.js";

const result = regressedRun();
const git = { commit: "0123456789abcdef", dirty: false };

function entry(time: string, provider: string, passHatK: number | null): HistoryEntry {
  const e = buildHistoryEntry(result, git);
  return { ...e, time, suites: { "refund-policy": { ...e.suites["refund-policy"]!, provider, passHatK } } };
}

describe("buildHistoryEntry", () => {
  it("keeps the figures per suite, compactly, with NaN as null and the suite's gate", () => {
    const e = buildHistoryEntry(result, git);
    const s = result.suites[0]!;
    expect(e).toEqual({
      schemaVersion: 1,
      time: "2026-11-24T10:00:00.000Z",
      git,
      harnessVersion: "0.1.0",
      suites: {
        "refund-policy": {
          provider: "openai:gpt-4o-mini",
          judge: null,
          trials: 5,
          k: 5,
          passAtK: 0.5,
          passHatK: 0.5,
          passRate: s.passRate,
          interval: s.passRateInterval,
          costUsd: s.costUsd,
          gate: "fail",
        },
      },
    });
    expect(JSON.stringify(e)).not.toContain("trials\":[");
  });

  it("a suite the gate names fails; a run not judged is not-judged", () => {
    expect(suiteGateStatus(result, "refund-policy")).toBe("fail");
    expect(suiteGateStatus(result, "other")).toBe("pass");
    expect(suiteGateStatus({ gate: { ...result.gate, judged: false } }, "other")).toBe("not-judged");
  });
});

describe("historySeries", () => {
  const entries = [entry("t1", "a:m", 0.5), entry("t2", "a:m", 0.6), entry("t3", "b:m", 0.2), entry("t4", "b:m", null)];

  it("gives the suite's runs oldest first, marking where the provider changed", () => {
    expect(historySeries(entries, "refund-policy").map((p) => [p.time, p.passHatK, p.providerChanged])).toEqual([
      ["t1", 0.5, false],
      ["t2", 0.6, false],
      ["t3", 0.2, true],
      ["t4", null, false],
    ]);
  });

  it("keeps the last N, and the first of them is never a change", () => {
    expect(historySeries(entries, "refund-policy", 2).map((p) => [p.time, p.providerChanged])).toEqual([
      ["t3", false],
      ["t4", false],
    ]);
    expect(historySeries(entries, "nope")).toEqual([]);
  });
});

describe("the history file", () => {
  let project: TempProject;
  let file: string;
  /** A history file whose folder exists, for tests that write it directly. */
  let flat: string;
  beforeEach(async () => {
    project = await tempProject("harness-history-");
    file = path.join(project.dir, ".harness", "history.jsonl");
    flat = path.join(project.dir, "history.jsonl");
  });
  afterEach(() => project.cleanup());

  it("a missing file is an empty history; appends make one line per run, read back in order", async () => {
    expect(await readHistory(file)).toEqual({ entries: [], exists: false, tornLine: null });
    await appendHistory(file, entry("t1", "a:m", 0.5));
    await appendHistory(file, entry("t2", "a:m", 0.6));
    const text = await readFile(file, "utf8");
    expect(text.split("\n")).toHaveLength(3); // two lines and the final newline
    const h = await readHistory(file);
    expect(h.entries.map((e) => e.time)).toEqual(["t1", "t2"]);
    expect(h.tornLine).toBeNull();
  });

  it("a byte-order mark an editor put before the first line is not part of it", async () => {
    await writeFile(flat, `\uFEFF${JSON.stringify(entry("t1", "a:m", 0.5))}\n`);
    expect((await readHistory(flat)).entries.map((e) => e.time)).toEqual(["t1"]);
  });

  it("a corrupt line is an error naming the file and the line", async () => {
    const good = JSON.stringify(entry("t1", "a:m", 0.5));
    await writeFile(flat, `${good}\n{"schemaVersion": 1, "time": 3}\n${good}\nnot json\n{}\n[]\n`);
    const err = await readHistory(flat, "history.jsonl").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    // Every problem of a line, in the suite loader's words: a missing key at its object, a wrong one at its value.
    expect((err as ConfigError).message.replace(/\(Unexpected token.*\); each/, "(…); each")).toBe(
      [
        "history.jsonl:2:1  git  missing required key; expected object",
        "history.jsonl:2:1  harnessVersion  missing required key; expected string",
        "history.jsonl:2:1  suites  missing required key; expected object",
        "history.jsonl:2:30  time  expected string, received number",
        "history.jsonl:4:1  not valid JSON (…); each line is one run",
        "history.jsonl:5:1  not a run of harness eval --history (it has no schemaVersion); each line is one run",
        'history.jsonl:6:1  not a run of harness eval --history (it holds an array, not an object with "schemaVersion": 1); each line is one run',
        "7 problems in 1 file. Nothing was run.",
      ].join("\n"),
    );
    expect((err as ConfigError).hint).toBe("delete or fix the lines named above; every other line is one run, oldest first");
  });

  it("an unknown schemaVersion is an error, not skipped", async () => {
    await appendHistory(file, entry("t1", "a:m", 0.5));
    await writeFile(file, `${(await readFile(file, "utf8")).replace('"schemaVersion":1', '"schemaVersion":2')}`);
    await expect(readHistory(file, "h")).rejects.toThrow(/h:1:1 {2}schemaVersion 2 is not one this harness reads/);
  });

  it("a torn last line (a write cut short) is left out and named; the next append cuts it off", async () => {
    await appendHistory(file, entry("t1", "a:m", 0.5));
    const torn = JSON.stringify(entry("t2", "a:m", 0.6)).slice(0, 40);
    await writeFile(file, `${await readFile(file, "utf8")}${torn}`);
    const h = await readHistory(file);
    expect(h.entries.map((e) => e.time)).toEqual(["t1"]);
    expect(h.tornLine).toBe(2);

    await appendHistory(file, entry("t3", "a:m", 0.7));
    // A newline after the fragment would have made it a corrupt line for good: it is cut off.
    const h2 = await readHistory(file, "h");
    expect(h2.entries.map((e) => e.time)).toEqual(["t1", "t3"]);
    expect(h2.tornLine).toBeNull();
  });

  it("a last line without its newline but whole is read, and kept by the next append", async () => {
    await writeFile(flat, JSON.stringify(entry("t1", "a:m", 0.5)));
    expect((await readHistory(flat)).entries).toHaveLength(1);
    await appendHistory(flat, entry("t2", "a:m", 0.6));
    expect((await readHistory(flat)).entries.map((e) => e.time)).toEqual(["t1", "t2"]);
  });
});

describe("the terminal chart", () => {
  it("one bar per run on the absolute 0–1 scale; a run without a value is a dot", () => {
    expect(sparkline([0, 0.125, 0.5, 0.99, 1, null])).toBe("▁▂▅██·");
  });

  it("shows min, max, latest, a caret where the provider changed, and a row per run", () => {
    const text = renderHistory([entry("2026-11-01T00:00:00.000Z", "a:m", 0.5), entry("2026-11-02T00:00:00.000Z", "a:m", 1), entry("2026-11-03T00:00:00.000Z", "b:m", 0.25)], { color: false });
    const lines = text.split("\n");
    expect(lines[0]).toBe("refund-policy  pass^5 over the last 3 runs (oldest → latest)");
    expect(lines[1]).toBe("  ▅█▃  min 0.25  max 1.00  latest 0.25");
    expect(lines[2]).toBe("    ^");
    expect(lines[3]).toBe("  ^ provider changed: a:m → b:m (run of 2026-11-03T00:00:00.000Z)");
    expect(text.match(/│ 2026-11-0\d 00:00:00Z/g)).toHaveLength(3);
    expect(text).toContain("0123456");
  });
});
