/** jsonErrorAt: the line and column where JSON.parse gave up, checked against hand-counted places. */
import { describe, expect, it } from "vitest";
import { atLine, jsonErrorAt } from "../src/io/json-position.js";

function errorOf(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (err) {
    return err;
  }
  throw new Error("expected a parse error");
}

describe("jsonErrorAt", () => {
  it("finds the line and column of the offending character", () => {
    // Line 3 is `  "b" 2`: the 2 (column 7) is where a colon was expected.
    const text = '{\n  "a": 1,\n  "b" 2\n}';
    expect(jsonErrorAt(text, errorOf(text))).toEqual({ line: 3, col: 7 });
    expect(atLine(text, errorOf(text))).toBe(" at line 3, column 7");
  });

  it("points past the last character of text that ends early", () => {
    const text = '{\n  "a": [1,';
    // Line 2, `  "a": [1,`, has 10 characters: the input ended at column 11.
    expect(jsonErrorAt(text, errorOf(text))).toEqual({ line: 2, col: 11 });
    expect(jsonErrorAt("", errorOf(""))).toEqual({ line: 1, col: 1 });
  });

  it("says nothing when the error gives no place", () => {
    expect(jsonErrorAt("{}", new Error("something else"))).toBeUndefined();
    expect(atLine("{}", new Error("something else"))).toBe("");
  });
});
