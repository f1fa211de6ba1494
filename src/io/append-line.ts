/** Appends one whole line to a JSON-lines file, the way every such file here is written. */
import { appendFile, open, readFile, truncate } from "node:fs/promises";
import { makeFolders } from "./make-folders.js";
import path from "node:path";

/** A file that exists, is not empty, and whose last byte is not a newline: its last line is unfinished. */
export async function endsWithoutNewline(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return false;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/**
 * One append of one whole line: a crash cannot interleave or half-write earlier lines.
 * A file last saved by an editor, or torn by a crash, may lack its final newline: the new
 * line never glues onto it.
 */
export async function appendLine(file: string, line: string, options: { dropTornLine?: boolean } = {}): Promise<void> {
  await makeFolders(path.dirname(file));
  if (options.dropTornLine && (await endsWithoutNewline(file))) {
    // A line cut short by a crash: readers skip it while it is last, but a newline after it
    // would make it a corrupt line in the middle for good. Cut it off instead (a whole line
    // that only lacks its newline stays).
    const text = await readFile(file, "utf8");
    const start = text.lastIndexOf("\n") + 1;
    if (!isJson(text.slice(start))) await truncate(file, Buffer.byteLength(text.slice(0, start)));
  }
  const lead = (await endsWithoutNewline(file)) ? "\n" : "";
  await appendFile(file, `${lead}${line}\n`);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
