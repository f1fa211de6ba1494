import { describe, expect, it } from "vitest";
import { useColor, type CliIo } from "../src/cli/io.js";

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
