/**
 * `mkdir -p` that cannot spin, and says which parent is a file. Node's recursive mkdir loops
 * forever where a file system refuses new folders yet reports their parent as existing
 * (`-o /proc/x/run.json`: EEXIST for /proc, ENOENT below it, at full CPU), and a parent that
 * is a file comes back from it as a bare EEXIST or ENOTDIR.
 */
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";

/** Something on the way cannot be a folder; its message names it. */
export class FolderError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** A folder on the way is a file. */
export class NotAFolderError extends FolderError {
  constructor(readonly file: string) {
    super(`${file} is a file, not a folder`, "ENOTDIR");
  }
}

export async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; ) {
    const info = await stat(at).catch((err: NodeJS.ErrnoException) => {
      // ENOTDIR: a file further up, found on the next step.
      if (err.code === "ENOENT" || err.code === "ENOTDIR") return null;
      throw err;
    });
    if (info) {
      if (!info.isDirectory()) throw new NotAFolderError(at);
      break;
    }
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  // One level at a time, from the top: each either works or fails once.
  for (const folder of missing.reverse()) {
    await mkdir(folder).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== "EEXIST") throw err;
      // Made meanwhile by another run: fine if it is a folder. A dangling symlink is EEXIST too.
      const info = await stat(folder).catch(() => null);
      if (!info) throw new FolderError(`${folder} is a symbolic link to nothing`, "ENOENT");
      if (!info.isDirectory()) throw new NotAFolderError(folder);
    });
  }
}
