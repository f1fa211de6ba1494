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

  it("keeps what legitimate text is made of: subdivision flags, an ideograph's variation selector, a Malayalam chillu, CR LF line ends", () => {
    for (const text of ["🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f} and 🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}", "葛\u{e0100}城", "辻\ufe00", "അവന്\u200d വന്നു", "Line one\r\nLine two\r\n"]) {
      expect(showControlChars(text)).toBe(text);
    }
  });

  it("but shows the same characters where they hide something: tags after no flag, a selector after a Latin letter, a lone CR", () => {
    expect(showControlChars("ok\u{e0069}\u{e0067}\u{e006e}")).toBe("ok\\u{e0069}\\u{e0067}\\u{e006e}");
    expect(showControlChars("🏴\u{e0067}\u{e0062}")).toBe("🏴\\u{e0067}\\u{e0062}");
    expect(showControlChars("a\u{e0100}")).toBe("a\\u{e0100}");
    expect(showControlChars("paid\rrefused")).toBe("paid␍refused");
    expect(showControlChars("ന്\u200d\u200dx")).toBe("ന്\\u{200d}\\u{200d}x");
  });

  it("shows a joiner that hides text: inside a Latin word, beside one emoji, alone or doubled", () => {
    expect(showControlChars("pa\u200dss")).toBe("pa\\u{200d}ss");
    expect(showControlChars("a\u200cb")).toBe("a\\u{200c}b");
    expect(showControlChars("👍\u200dx")).toBe("👍\\u{200d}x");
    expect(showControlChars("ی\u200c\u200cخ")).toBe("ی\\u{200c}\\u{200c}خ");
  });
});
