/** Text from a model or an app, made safe to show on a terminal exactly as it is. */

/**
 * C0/C1 controls, and the invisible characters that reorder or hide text: bidi overrides,
 * zero-width and other format characters, fillers that render as nothing, and the tag and
 * variation-selector blocks, in which text can be smuggled that a person cannot see but a
 * model reads. The two selectors that pick an emoji's or a symbol's look (U+FE0E, U+FE0F)
 * stay: they follow many emoji and hide nothing.
 */
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0d\ufeff\uffa0\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;

/**
 * Emoji a zero-width joiner may join into one (👩‍💻): a pictograph, maybe with its
 * presentation selector or a skin tone, on either side.
 */
const EMOJI_BEFORE = /\p{Extended_Pictographic}(?:\ufe0f|\p{Emoji_Modifier})?$/u;
const EMOJI_AFTER = /^\p{Extended_Pictographic}/u;

/**
 * Scripts whose spelling uses the zero-width joiner and non-joiner between letters (Persian
 * "می‌خواهم", a Devanagari half form): there they are part of the word, not hidden text.
 */
const JOINING = "\\p{scx=Arabic}\\p{scx=Syriac}\\p{scx=Nko}\\p{scx=Mongolian}\\p{scx=Devanagari}\\p{scx=Bengali}\\p{scx=Gurmukhi}\\p{scx=Gujarati}\\p{scx=Oriya}\\p{scx=Tamil}\\p{scx=Telugu}\\p{scx=Kannada}\\p{scx=Malayalam}\\p{scx=Sinhala}";
const JOINING_BEFORE = new RegExp(`[${JOINING}]$`, "u");
const JOINING_AFTER = new RegExp(`^[${JOINING}]`, "u");

/** A virama: after one, a joiner picks a conjunct's or a word-final letter's form (Malayalam's chillu "ന്‍"). */
const AFTER_VIRAMA = /[\u094d\u09cd\u0a4d\u0acd\u0b4d\u0bcd\u0c4d\u0ccd\u0d4d\u0dca]$/u;

/** Whether the joiner (U+200C, U+200D) at `at` joins what its script or an emoji sequence joins. */
function joinsLegitimately(ch: string, text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 4), at);
  const after = text.slice(at + 1, at + 3);
  if (ch === "\u200d" && EMOJI_BEFORE.test(before) && EMOJI_AFTER.test(after)) return true;
  if (AFTER_VIRAMA.test(before) && text[at + 1] !== "\u200c" && text[at + 1] !== "\u200d") return true;
  return JOINING_BEFORE.test(before) && JOINING_AFTER.test(after);
}

/**
 * A subdivision flag (England 🏴󠁧󠁢󠁥󠁮󠁧󠁿): the black flag, then its region's code in tag letters,
 * then the cancel tag. Its tag characters are the flag, not hidden text.
 */
const TAG_FLAG = /\u{1f3f4}[\u{e0030}-\u{e0039}\u{e0061}-\u{e007a}]{1,6}\u{e007f}/gu;

/** Where in `text` tag characters belong to a subdivision flag: their UTF-16 offsets. */
function flagTags(text: string): Set<number> {
  const at = new Set<number>();
  if (!text.includes("\u{e007f}")) return at;
  for (const m of text.matchAll(TAG_FLAG)) for (let i = m.index + 2; i < m.index + m[0].length; i += 2) at.add(i);
  return at;
}

/** An ideograph's variation selector (葛󠄀): it picks a glyph, as U+FE0F picks an emoji's look. */
const AFTER_IDEOGRAPH = /\p{Ideographic}$/u;

/**
 * Control characters made visible: a carriage return or an escape sequence in an output
 * could otherwise hide what it says (a reviewer would see one text and judge another).
 * Newlines (CR LF too) and tabs are kept, and so are the joiners in an emoji sequence or in a
 * word of a script that spells with them, a subdivision flag's tags, and an ideograph's
 * variation selector: shown as codes, they would garble legitimate text.
 */
export function showControlChars(text: string): string {
  let flags: Set<number> | undefined;
  return text.replace(INVISIBLE, (ch: string, at: number) => {
    // A line end of CR LF ends a line and hides nothing; a lone CR can overwrite one.
    if (ch === "\r") return text[at + 1] === "\n" ? ch : "␍";
    if ((ch === "\u200c" || ch === "\u200d") && joinsLegitimately(ch, text, at)) return ch;
    const code = ch.codePointAt(0)!;
    if (code >= 0xe0020 && code <= 0xe007f && (flags ??= flagTags(text)).has(at)) return ch;
    if (((code >= 0xe0100 && code <= 0xe01ef) || (code >= 0xfe00 && code <= 0xfe0d)) && AFTER_IDEOGRAPH.test(text.slice(Math.max(0, at - 2), at))) return ch;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}
