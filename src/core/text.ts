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
 * Control characters made visible: a carriage return or an escape sequence in an output
 * could otherwise hide what it says (a reviewer would see one text and judge another).
 * Newlines and tabs are kept.
 */
export function showControlChars(text: string): string {
  return text.replace(INVISIBLE, (ch) => {
    if (ch === "\r") return "␍";
    const code = ch.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}
