/** Appends one whole line to a JSON-lines file, the way every such file here is written. */
import { appendFile, mkdir, open } from "node:fs/promises";
import path from "node:path";

async function endsWithoutNewline(file: string): Promise<boolean> {
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
export async function appendLine(file: string, line: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const lead = (await endsWithoutNewline(file)) ? "\n" : "";
  await appendFile(file, `${lead}${line}\n`);
}
