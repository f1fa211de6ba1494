/**
 * The folder of this package (package.json, prompts/, templates/), found by walking up
 * from the running module: src/… under vitest, dist/… when built, action/index.js when
 * bundled for the GitHub Action. A fixed "../.." would be right in only some of those.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const pkg = path.join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "harness") return (root = dir);
    dir = path.dirname(dir);
  }
  throw new Error("cannot find the harness package folder (package.json named harness) above this module");
}
