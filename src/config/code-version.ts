/**
 * The user's code that a suite runs, as far as harness can see it: the modules of its
 * `javascript` graders and the files named in its `exec:` command (`exec: node app.mjs`
 * names app.mjs). A trial kept by `--resume` must have run this same code. What those files
 * import is not followed: the README says to run afresh after changing it.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { ProviderRef } from "../core/types.js";
import type { GraderSpec } from "./schema.js";
import { splitCommand } from "./command.js";

/**
 * A hash over the contents of those files, or undefined when the suite names none (its
 * trial keys then stay as they were before code was part of them).
 */
export async function codeVersion(provider: ProviderRef, graders: readonly GraderSpec[], suiteDir: string, cwd: string): Promise<string | undefined> {
  const files = new Set<string>();
  for (const g of graders) if (g.type === "javascript") files.add(path.resolve(suiteDir, g.file));
  if (provider.id.startsWith("exec:")) {
    const execCwd = path.resolve(cwd, provider.config.cwd ?? ".");
    for (const word of splitCommand(provider.id.slice("exec:".length))) {
      // Flags and settings are not files; a bare program name (node, python) is found on PATH, not here.
      if (word.startsWith("-") || word.includes("=")) continue;
      files.add(path.resolve(execCwd, word));
    }
  }
  const parts: string[] = [];
  for (const file of [...files].sort()) {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) continue;
    parts.push(`${path.relative(cwd, file)}\0${await fileHash(file)}`);
  }
  if (parts.length === 0) return undefined;
  return createHash("sha256").update(parts.join("\n")).digest("hex");
}

function fileHash(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}
