/** Writes go to a temporary file in the same folder, then rename over the target: a crash never leaves half a file. */
import { open, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";
import { FolderError, makeFolders } from "./make-folders.js";

function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
}

/** Throws a UsageError (exit 2) naming `label` when `file` cannot be written. */
export async function writeFileAtomic(file: string, data: string, label = "output"): Promise<void> {
  // A device or pipe (/dev/stdout, a FIFO) is written to, never renamed over.
  const existing = await stat(file).catch(() => null);
  if (existing && !existing.isFile() && !existing.isDirectory()) {
    await writeFile(file, data).catch((err: Error) => {
      throw new UsageError(`cannot write the ${label} to ${file}: ${err.message}`, { cause: err });
    });
    return;
  }
  const tmp = tempName(file);
  try {
    await makeFolders(path.dirname(file));
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    // Cleaning up must not hide why the write failed (a parent that is a file fails rm too).
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new UsageError(`cannot write the ${label} to ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Checks before a run that `file` can be written, by writing and removing a
 * temporary file beside it: a bad -o path is found before the model calls, not after.
 */
export async function checkWritable(file: string, label: string): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (info?.isDirectory()) throw new UsageError(`${label} ${file} is a folder; give the path of a file`);
  if (info && !info.isFile()) return; // a device or pipe: written directly
  const tmp = tempName(file);
  try {
    await makeFolders(path.dirname(file));
    await writeFile(tmp, "");
  } catch (err) {
    const why = err instanceof FolderError ? err.message : ((err as NodeJS.ErrnoException).code ?? (err as Error).message);
    throw new UsageError(`${label} ${file}: cannot write there (${why})`, { cause: err });
  } finally {
    // A parent that is a file fails rm too: that must not hide the message above.
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** writeFileAtomic for text made in pieces, so a report of any size is never one string. */
export async function writeChunksAtomic(file: string, pieces: Iterable<string>, label = "output"): Promise<void> {
  const existing = await stat(file).catch(() => null);
  const direct = existing !== null && !existing.isFile() && !existing.isDirectory();
  const tmp = direct ? file : tempName(file);
  let fh;
  try {
    if (!direct) await makeFolders(path.dirname(file));
    fh = await open(tmp, "w");
    let buffered: string[] = [];
    let size = 0;
    for (const piece of pieces) {
      buffered.push(piece);
      size += piece.length;
      if (size >= 1 << 20) {
        await fh.write(buffered.join(""));
        buffered = [];
        size = 0;
      }
    }
    await fh.write(buffered.join(""));
    await fh.close();
    fh = undefined;
    if (!direct) await rename(tmp, file);
  } catch (err) {
    await fh?.close().catch(() => undefined);
    if (!direct) await rm(tmp, { force: true }).catch(() => undefined);
    throw new UsageError(`cannot write the ${label} to ${file}: ${(err as Error).message}`, { cause: err });
  }
}
