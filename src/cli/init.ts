/** `harness init`: scaffold evals/, fixtures/ and a CI workflow, never overwriting a file. */
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";
import { FILES } from "../init/templates.js";
import type { CliIo } from "./io.js";

export async function initCommand(io: CliIo): Promise<number> {
  const existing: string[] = [];
  for (const rel of Object.keys(FILES)) if (await stat(path.join(io.cwd, rel)).catch(() => null)) existing.push(rel);
  // All or nothing: a half-scaffolded project is worse than none.
  if (existing.length > 0) {
    throw new UsageError(`not overwriting ${existing.join(", ")}; nothing was written`, { hint: "move those files aside, or add a suite to evals/ by hand" });
  }
  for (const [rel, text] of Object.entries(FILES)) {
    const file = path.join(io.cwd, rel);
    await mkdir(path.dirname(file), { recursive: true });
    // "wx": fail rather than replace, even if a file appeared since the check.
    await writeFile(file, text, { flag: "wx" });
    io.stdout.write(`created ${rel}\n`);
  }
  io.stdout.write("\nNext: npx harness eval, then npx harness eval --update-baseline and commit evals/ and fixtures/.\n");
  return 0;
}
