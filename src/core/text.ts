/** Text from a model or an app, made safe to show on a terminal exactly as it is. */

/** C0/C1 controls, and the invisible format characters that reorder or hide text (bidi overrides, zero-width). */
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * Control characters made visible: a carriage return or an escape sequence in an output
 * could otherwise hide what it says (a reviewer would see one text and judge another).
 * Newlines and tabs are kept.
 */
export function showControlChars(text: string): string {
  return text.replace(INVISIBLE, (ch) => {
    if (ch === "\r") return "␍";
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}
