import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { reportError } from "../src/cli/index.js";
import { useColor, type CliIo } from "../src/cli/io.js";
import { parseReporters, writeReports } from "../src/cli/reporting.js";
import { regressedRun } from "./helpers/regressed-run.js";

const io = (isTTY: boolean, env: Record<string, string>): CliIo => ({ stdout: { write: () => true, isTTY }, stderr: { write: () => true }, env, cwd: "/" });

describe("useColor", () => {
  it("follows the terminal, NO_COLOR, FORCE_COLOR (0 and false mean off) and the flag, in that order of strength", () => {
    expect(useColor(io(true, {}), undefined)).toBe(true);
    expect(useColor(io(false, {}), undefined)).toBe(false);
    expect(useColor(io(true, { NO_COLOR: "1" }), undefined)).toBe(false);
    expect(useColor(io(true, { NO_COLOR: "" }), undefined)).toBe(true);
    expect(useColor(io(false, { FORCE_COLOR: "1" }), undefined)).toBe(true);
    expect(useColor(io(true, { FORCE_COLOR: "0" }), undefined)).toBe(false);
    expect(useColor(io(true, { FORCE_COLOR: "false" }), undefined)).toBe(false);
    expect(useColor(io(true, { NO_COLOR: "1", FORCE_COLOR: "1" }), undefined)).toBe(false);
    expect(useColor(io(false, { NO_COLOR: "1" }), true)).toBe(true);
    expect(useColor(io(true, {}), false)).toBe(false);
  });
});

describe("writeReports: colour decided per target", () => {
  const ESC = "\u001b[";
  /** The terminal report to stdout, a terminal, and to a file at once. */
  async function write(env: Record<string, string>, flag: boolean | undefined): Promise<{ stdout: string; file: string }> {
    const cwd = mkdtempSync(path.join(tmpdir(), "harness-colour-"));
    let stdout = "";
    const tty: CliIo = { stdout: { write: (s: string) => ((stdout += s), true), isTTY: true }, stderr: { write: () => true }, env, cwd };
    await writeReports(regressedRun(), parseReporters(["terminal,terminal:term.txt"]), tty, { color: flag });
    const file = readFileSync(path.join(cwd, "term.txt"), "utf8");
    rmSync(cwd, { recursive: true });
    return { stdout, file };
  }

  it("a file written from a terminal has no colour; the terminal has", async () => {
    const { stdout, file } = await write({}, undefined);
    expect(stdout).toContain(ESC);
    expect(file).not.toContain(ESC);
    expect(file).toContain("refund-window");
  });

  it("--color and FORCE_COLOR still colour the file; --no-color and NO_COLOR the terminal neither", async () => {
    expect((await write({}, true)).file).toContain(ESC);
    expect((await write({ FORCE_COLOR: "1" }, undefined)).file).toContain(ESC);
    expect((await write({}, false)).stdout).not.toContain(ESC);
    expect((await write({ NO_COLOR: "1" }, undefined)).stdout).not.toContain(ESC);
  });
});

describe("reportError: the system refusing a file is the user's to fix, not a bug", () => {
  const capture = () => {
    let text = "";
    return { io: { stdout: { write: () => true }, stderr: { write: (s: string) => ((text += s), true) }, env: {}, cwd: "/work/p" } as CliIo, text: () => text };
  };
  const errno = (code: string, syscall: string, file: string) => Object.assign(new Error(`${code}: ${syscall} '${file}'`), { code, syscall, path: file });

  it.each([
    ["EACCES", "open", "/work/p/evals/a.yaml", "harness: cannot open evals/a.yaml: permission denied\n"],
    ["EACCES", "scandir", "/work/p/evals", "harness: cannot list evals: permission denied\n"],
    ["ENOTDIR", "mkdir", "/work/p/out/x", "harness: cannot make the folder out/x: a part of the path is a file, where a folder was expected\n"],
    ["EROFS", "open", "/mnt/ro/r.json", "harness: cannot open /mnt/ro/r.json: the file system is read-only\n"],
  ])("%s on %s: exit 2, one line, no stack", (code, syscall, file, said) => {
    const c = capture();
    expect(reportError(errno(code, syscall, file), c.io)).toBe(2);
    expect(c.text()).toBe(said);
  });

  it("anything else is still a bug, with its stack and exit 3", () => {
    const c = capture();
    expect(reportError(new TypeError("x is undefined"), c.io)).toBe(3);
    expect(c.text()).toContain("internal error; this is a bug");
    expect(c.text()).toContain("TypeError: x is undefined\n    at ");
    // An errno error with no path is not a file the user named.
    expect(reportError(Object.assign(new Error("ECONNRESET"), { code: "ECONNRESET" }), capture().io)).toBe(3);
  });
});
