/** `harness init`: scaffold evals/, fixtures/ and a CI workflow from templates/init, never overwriting a file. */
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
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

export async function initCommand(io: CliIo): Promise<number> {
  const files = await templateFiles(TEMPLATES);
  const existing: string[] = [];
  for (const rel of files) if (await stat(path.join(io.cwd, rel)).catch(() => null)) existing.push(rel);
  // All or nothing: a half-scaffolded project is worse than none.
  if (existing.length > 0) {
    throw new UsageError(`not overwriting ${existing.join(", ")}; nothing was written`, { hint: "move those files aside, or add a suite to evals/ by hand" });
  }
  for (const rel of files) {
    const file = path.join(io.cwd, rel);
    await mkdir(path.dirname(file), { recursive: true });
    // "wx": fail rather than replace, even if a file appeared since the check.
    await writeFile(file, await readFile(path.join(TEMPLATES, rel)), { flag: "wx" });
    io.stdout.write(`created ${rel}\n`);
  }
  io.stdout.write("\nNext: npx harness eval, then npx harness eval --update-baseline and commit evals/ and fixtures/.\n");
  return 0;
}
