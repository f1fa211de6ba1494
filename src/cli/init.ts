/** `harness init`: scaffold evals/, fixtures/ and a CI workflow from templates/init, never overwriting a file. */
import { constants } from "node:fs";
import { access, lstat, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";
import { packageRoot } from "../package-root.js";
import type { CliIo } from "./io.js";

const TEMPLATES = path.join(packageRoot(), "templates", "init");

async function templateFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, e.name);
    if (e.isDirectory()) out.push(...(await templateFiles(path.join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

/**
 * Why the files could not all be written, found before the first is: a file where a folder
 * must go (a file named evals), a link there to nothing, or a folder that cannot be written in.
 */
async function unwritable(files: readonly string[], cwd: string): Promise<string[]> {
  const out = new Set<string>();
  for (const rel of files) {
    // The nearest entry on the way that exists already, a link to nothing included: the rest would be made.
    let dir = path.dirname(path.join(cwd, rel));
    while (!(await lstat(dir).catch(() => null)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const shown = path.relative(cwd, dir) || ".";
    const target = await stat(dir).catch(() => null);
    if (!target) out.add(`${shown} is a link to nothing, where init makes a folder`);
    else if (!target.isDirectory()) out.add(`${shown} is a file, where init makes a folder`);
    else if (!(await access(dir, constants.W_OK).then(() => true, () => false))) out.add(`cannot write in ${shown} (permission denied)`);
  }
  return [...out];
}

export async function initCommand(io: CliIo): Promise<number> {
  const files = await templateFiles(TEMPLATES);
  const existing: string[] = [];
  // lstat: a link to nothing is there too, and writing through it would fail half-way.
  for (const rel of files) if (await lstat(path.join(io.cwd, rel)).catch(() => null)) existing.push(rel);
  // All or nothing: a half-scaffolded project is worse than none.
  if (existing.length > 0) {
    throw new UsageError(`not overwriting ${existing.join(", ")}; nothing was written`, { hint: "move those files aside, or add a suite to evals/ by hand" });
  }
  const blocked = await unwritable(files, io.cwd);
  if (blocked.length > 0) throw new UsageError(`${blocked.join("; ")}; nothing was written`);
  for (const rel of files) {
    const file = path.join(io.cwd, rel);
    await mkdir(path.dirname(file), { recursive: true });
    // "wx": fail rather than replace, even if a file appeared since the check.
    await writeFile(file, await readFile(path.join(TEMPLATES, rel)), { flag: "wx" });
    io.stdout.write(`created ${rel}\n`);
  }
  io.stdout.write("\nNext: npx harness eval, then npx harness eval --update-baseline and commit evals/ and fixtures/.\n");
  // What a run leaves in the project that is not to be committed. A .gitignore is the
  // project's own, never written here: said, so the first commit does not carry a journal.
  const ignored = (await readFile(path.join(io.cwd, ".gitignore"), "utf8").catch(() => "")).split(/\r?\n/).map((l) => l.trim().replace(/^\//, ""));
  const missing = UNCOMMITTED.filter((p) => !ignored.includes(p) && !ignored.includes(p.replace(/\/$/, "")));
  if (missing.length > 0) io.stdout.write(`Add to .gitignore: ${missing.join(" ")} (the run journal and batch state, and the reports a run writes here).\n`);
  return 0;
}

/** What runs write into the project: the journal and batch state, the HTML report, the workflow's reports. */
const UNCOMMITTED = [".harness/", "harness-report.*", "harness-summary.md"];
