
/**
 * Where JSON.parse gave up, as a line and column (from 1): V8 says only "at position N" (Node
 * 22 adds the line), or nothing at all when the text ends early. Bad input names its line.
 */
export function jsonErrorAt(text: string, err: unknown): { line: number; col: number } | undefined {
  const message = (err as Error)?.message ?? "";
  const at = /at position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : /end of JSON input/.test(message) ? text.length : undefined;
  if (offset === undefined) return undefined;
  const before = text.slice(0, offset);
  const lastNewline = before.lastIndexOf("\n");
  return { line: before.split("\n").length, col: offset - lastNewline };
}

/** " at line L, column C" for a message, or nothing when the place is unknown. */
export function atLine(text: string, err: unknown): string {
  const where = jsonErrorAt(text, err);
  return where ? ` at line ${where.line}, column ${where.col}` : "";
}

/**
 * Where a path inside a JSON text is, as a line and column, or its nearest parent that is there
 * (a missing key is found at its object). Only a file that failed its schema is read so: the
 * yaml library (json-places.ts) is loaded then, not by every run.
 */
export async function jsonPlaces(text: string): Promise<(p: readonly PropertyKey[]) => { line?: number; col?: number }> {
  return (await import("./json-places.js")).placesIn(text);
}
