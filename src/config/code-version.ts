/**
 * The user's code that a suite runs, as far as harness can see it: the modules of its
 * `javascript` graders and the files named in its `exec:` command (`exec: node app.mjs`
 * names app.mjs). A trial kept by `--resume` must have run this same code. What
 * those files import is not followed, nor what a shell or `python -m` would find: the
 * README says to run afresh after changing only that.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { gradersHash } from "../core/graders-hash.js";
import { hashText } from "../core/hash.js";
import type { ProviderRef } from "../core/types.js";
import { splitCommand } from "./command.js";
import { insideProject } from "./files.js";
import type { GraderSpec } from "./schema.js";

/**
 * A named file larger than this (a model's weights, a data set) is known by its size and
 * modification time: hashing gigabytes at every load would cost more than the run it guards.
 */
export const MAX_HASHED_BYTES = 16 * 1024 * 1024;

/** Contents already hashed in this process, by path, size and modification time: `compare` loads each suite once per model. */
const hashed = new Map<string, Promise<string>>();

/**
 * A hash over the contents of those files, or undefined when the suite names none (its
 * trial keys then stay as they were before code was part of them).
 */
export async function codeVersion(provider: ProviderRef, graders: readonly GraderSpec[], suiteDir: string, cwd: string): Promise<string | undefined> {
  return versionOf(await codeFiles(provider, graders, suiteDir, cwd), cwd);
}

/** codeVersion of files already found. */
export function versionOf(files: ReadonlySet<string>, cwd: string): Promise<string | undefined> {
  return filesHash(files, cwd, (file, info) => contentOf(file, info.size, info.mtimeMs));
}

/** One hash over the files that exist, each by its path from `from` and what `content` makes of it; undefined when none does. */
async function filesHash(files: ReadonlySet<string>, from: string, content: (file: string, info: { size: number; mtimeMs: number }) => Promise<string>): Promise<string | undefined> {
  const parts: string[] = [];
  for (const file of [...files].sort()) {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) continue;
    // Forward slashes, so that the key does not depend on the separator of the system.
    parts.push(`${path.relative(from, file).split(path.sep).join("/")}\0${await content(file, info)}`);
  }
  return parts.length === 0 ? undefined : hashText(parts.join("\n"));
}

/** The user's code a suite runs, as far as it can be seen: javascript grader modules, and the files named in an exec: command. */
export async function codeFiles(provider: ProviderRef, graders: readonly GraderSpec[], suiteDir: string, cwd: string): Promise<Set<string>> {
  const files = graderModules(graders, suiteDir);
  if (provider.id.startsWith("exec:")) {
    const execCwd = path.resolve(cwd, provider.config.cwd ?? ".");
    for (const [i, word] of splitCommand(provider.id.slice("exec:".length)).entries()) {
      // Flags and settings are not files.
      if (word.startsWith("-") || word.includes("=")) continue;
      if (i === 0) {
        // The program: by bare name it is found on PATH, and one outside the project (or a
        // link out of it, .venv/bin/python) is the machine's, not the suite's code.
        if (!/[\\/]/.test(word) || (await insideProject(path.resolve(execCwd, word), cwd)) !== true) continue;
      }
      // Its arguments count wherever they are: `node ../app/agent.mjs` from a subfolder of a monorepo.
      files.add(path.resolve(execCwd, word));
    }
  }
  return files;
}

/** The modules of javascript graders, by absolute path. The loader has already kept them inside the project. */
function graderModules(graders: readonly GraderSpec[], suiteDir: string): Set<string> {
  const files = new Set<string>();
  for (const g of graders) if (g.type === "javascript") files.add(path.resolve(suiteDir, g.file));
  return files;
}

/**
 * Each case's gradersHash, in order, from its graders and the code of its grader modules
 * (without the exec: app's files: a changed app is what the gate is there to judge, not a
 * change of graders). Worked out once per set of modules: a suite's cases mostly share theirs.
 */
export async function casesGradersHashes(cases: readonly { graders: readonly GraderSpec[] }[], suiteDir: string): Promise<string[]> {
  const byModules = new Map<string, Promise<string | undefined>>();
  const hashes: string[] = [];
  for (const c of cases) {
    const files = graderModules(c.graders, suiteDir);
    const key = [...files].sort().join("\0");
    let code = byModules.get(key);
    if (!code) byModules.set(key, (code = modulesText(files, suiteDir)));
    hashes.push(gradersHash(c.graders, await code));
  }
  return hashes;
}

/**
 * The grader modules' contents as the baseline compares them, across machines and checkouts: by
 * path from the suite's folder (not from where harness runs: a CI job's working-directory), with
 * line endings as LF (a Windows checkout's CRLF is no change of grader), and a module too big to
 * hash by its size alone (a clone's modification times differ). --resume, on one machine, keeps versionOf.
 */
function modulesText(files: ReadonlySet<string>, suiteDir: string): Promise<string | undefined> {
  return filesHash(files, suiteDir, async (file, info) =>
    info.size > MAX_HASHED_BYTES ? `size ${info.size}` : readFile(file, "utf8").then((t) => hashText(t.replace(/\r\n/g, "\n")), (err: NodeJS.ErrnoException) => `unreadable ${err.code ?? "error"}`),
  );
}

function contentOf(file: string, size: number, mtimeMs: number): Promise<string> {
  if (size > MAX_HASHED_BYTES) return Promise.resolve(`size ${size} mtime ${mtimeMs}`);
  const key = `${file}\0${size}\0${mtimeMs}`;
  let hash = hashed.get(key);
  if (!hash) hashed.set(key, (hash = fileHash(file)));
  return hash;
}

/** sha256 of the file; a file that cannot be read (no permission, gone since) counts as such, never as an error of the load. */
function fileHash(file: string): Promise<string> {
  return new Promise((resolve) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", (err: NodeJS.ErrnoException) => resolve(`unreadable ${err.code ?? "error"}`))
      .on("end", () => resolve(hash.digest("hex")));
  });
}
