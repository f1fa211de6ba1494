/** makeFolders: mkdir -p that names a parent that is a file, and cannot spin where Node's does. */
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeFolders, NotAFolderError } from "../src/io/make-folders.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "harness-folders-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("makeFolders", () => {
  it("makes every missing level, and leaves folders that exist", async () => {
    const deep = path.join(dir, "a", "b", "c");
    await makeFolders(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
    await makeFolders(deep);
    await makeFolders(path.join(dir, "a"));
    expect((await stat(deep)).isDirectory()).toBe(true);
  });

  it("two at once on the same path both succeed", async () => {
    const deep = path.join(dir, "x", "y", "z");
    await Promise.all([makeFolders(deep), makeFolders(deep), makeFolders(path.join(deep, "w"))]);
    expect((await stat(path.join(deep, "w"))).isDirectory()).toBe(true);
  });

  it("names the parent that is a file, however deep below it the path goes", async () => {
    await writeFile(path.join(dir, "afile"), "not a folder\n");
    for (const target of ["afile", path.join("afile", "x"), path.join("afile", "x", "y")]) {
      const err = await makeFolders(path.join(dir, target)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotAFolderError);
      expect((err as NotAFolderError).message).toBe(`${path.join(dir, "afile")} is a file, not a folder`);
    }
  });

  it("refuses a dangling symbolic link on the way, rather than saying it made the folder", async () => {
    await symlink(path.join(dir, "gone"), path.join(dir, "link"));
    await expect(makeFolders(path.join(dir, "link", "x"))).rejects.toThrow(`${path.join(dir, "link")} is a symbolic link to nothing`);
  });

  it("fails, rather than spinning, where the file system refuses new folders (procfs)", async () => {
    // Node's own mkdir({ recursive: true }) never returns here. Linux only: elsewhere there is no /proc.
    if (existsSync("/proc/self/stat")) await expect(makeFolders("/proc/harness-no-such-folder/x")).rejects.toMatchObject({ code: "ENOENT" });
    await expect(makeFolders(path.join(dir, "fine"))).resolves.toBeUndefined();
  });
});
