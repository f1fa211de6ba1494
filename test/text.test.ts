/** showControlChars: what every report shows of a model's text, hidden characters as codes. */
import { describe, expect, it } from "vitest";
import { showControlChars } from "../src/core/text.js";

describe("showControlChars", () => {
  it("keeps the joiners of emoji sequences: a family, a flag, a skin tone, a selector", () => {
    for (const emoji of ["👨‍👩‍👧", "🏳️‍🌈", "❤️‍🔥", "👩🏽‍💻"]) expect(showControlChars(`ok ${emoji}!`)).toBe(`ok ${emoji}!`);
  });

  it("keeps the joiners of scripts that spell with them: Persian, Devanagari", () => {
    expect(showControlChars("می‌خواهم")).toBe("می‌خواهم");
    expect(showControlChars("क्‍ष")).toBe("क्‍ष");
    expect(showControlChars("日本語 한국어 Ελληνικά")).toBe("日本語 한국어 Ελληνικά");
  });

  it("shows a joiner that hides text: inside a Latin word, beside one emoji, alone or doubled", () => {
    expect(showControlChars("pa\u200dss")).toBe("pa\\u{200d}ss");
    expect(showControlChars("a\u200cb")).toBe("a\\u{200c}b");
    expect(showControlChars("👍\u200dx")).toBe("👍\\u{200d}x");
    expect(showControlChars("ی\u200c\u200cخ")).toBe("ی\\u{200c}\\u{200c}خ");
  });
});
