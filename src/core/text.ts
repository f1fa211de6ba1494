/** Text from a model or an app, made safe to show on a terminal exactly as it is. */

/**
 * Control characters made visible: a carriage return or an escape sequence in an output
 * could otherwise hide what it says (a reviewer would see one text and judge another).
 * Newlines and tabs are kept.
 */
export function showControlChars(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (ch) => (ch === "\r" ? "␍" : `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`));
}
