/** Appends one whole line to a JSON-lines file, the way every such file here is written. */
import { appendFile, open, type FileHandle } from "node:fs/promises";
import { makeFolders } from "./make-folders.js";
import path from "node:path";

/** A file that exists, is not empty, and whose last byte is not a newline: its last line is unfinished. */
export async function endsWithoutNewline(file: string): Promise<boolean> {
  const ends = await withFile(file, "r", async (handle) => {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  });
  return ends ?? false;
}

/**
 * Cuts off a last line that a crash left unfinished, reading the file back from its end only
 * (a run journal may be larger than memory): readers skip such a line while it is last, but a
 * newline after it would make it a corrupt line in the middle for good. A whole line that only
 * lacks its newline stays. Says whether the file still ends mid-line (with that whole line).
 */
export async function dropTornLine(file: string): Promise<boolean> {
  const endsMidLine = await withFile(file, "r+", async (handle) => {
    const info = await handle.stat();
    if (!info.isFile()) return false;
    const start = await lastLineStart(handle, info.size);
    if (start === info.size) return false;
    const tail = Buffer.alloc(info.size - start);
    await handle.read(tail, 0, tail.length, start);
    if (isJson(tail.toString("utf8"))) return true;
    await handle.truncate(start);
    return false;
  });
  return endsMidLine ?? false;
}

/** What `use` makes of the file opened with `flags`; undefined when it cannot be opened (missing, say). */
async function withFile<T>(file: string, flags: string, use: (handle: FileHandle) => Promise<T>): Promise<T | undefined> {
  let handle;
  try {
    handle = await open(file, flags);
  } catch {
    return undefined;
  }
  try {
    return await use(handle);
  } finally {
    await handle.close();
  }
}

/** Where the file's last line starts: just past its last newline, 0 with none, `size` when it ends with one. */
async function lastLineStart(handle: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0; ) {
    const from = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - from, from);
    const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at >= 0) return from + at + 1;
    end = from;
  }
  return 0;
}

/**
 * One append of one whole line: a crash cannot interleave or half-write earlier lines.
 * A file last saved by an editor, or torn by a crash, may lack its final newline: the new
 * line never glues onto it.
 */
export async function appendLine(file: string, line: string, options: { dropTornLine?: boolean } = {}): Promise<void> {
  await makeFolders(path.dirname(file));
  const lead = (options.dropTornLine ? await dropTornLine(file) : await endsWithoutNewline(file)) ? "\n" : "";
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
