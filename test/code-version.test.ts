/** What code a suite runs, for --resume's trial keys: which files count, and that their contents (not their names alone) decide. */
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { codeVersion } from "../src/config/code-version.js";
import type { GraderSpec } from "../src/config/schema.js";
import { makeProject } from "./cli-run.js";

const openai = { id: "openai:gpt-4o-mini", config: {} };
const contains: GraderSpec = { type: "contains", value: "ok" };
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("codeVersion", () => {
  it("is undefined for a suite that runs none of the user's code", async () => {
    const dir = await makeProject({ "evals/s.yaml": "" });
    expect(await codeVersion(openai, [contains], path.join(dir, "evals"), dir)).toBeUndefined();
    // A command naming no file of the project: `node` is found on PATH, flags are not files.
    expect(await codeVersion({ id: "exec:node -e 1 --flag=x", config: {} }, [contains], path.join(dir, "evals"), dir)).toBeUndefined();
  });

  it("hashes each grader module by its path from the project and its contents", async () => {
    const dir = await makeProject({ "graders/a.mjs": "export default () => true;\n" });
    const graders: GraderSpec[] = [contains, { type: "javascript", file: "../graders/a.mjs" }, { type: "javascript", file: "../graders/a.mjs", export: "other" }];
    const v = await codeVersion(openai, graders, path.join(dir, "evals"), dir);
    // One file, counted once, whatever the number of graders using it.
    expect(v).toBe(sha(`graders/a.mjs\0${sha("export default () => true;\n")}`));
    await writeFile(path.join(dir, "graders/a.mjs"), "export default () => false;\n");
    expect(await codeVersion(openai, graders, path.join(dir, "evals"), dir)).not.toBe(v);
  });

  it("takes the files an exec: command names, from the command's own folder, in a stable order", async () => {
    const dir = await makeProject({ "app/main.py": "print('ok')\n", "app/prompts.txt": "be brief\n" });
    const ref = { id: "exec:python3 -u main.py --prompts prompts.txt missing.py", config: { cwd: "app" } };
    const v = await codeVersion(ref, [contains], dir, dir);
    expect(v).toBe(sha([`app/main.py\0${sha("print('ok')\n")}`, `app/prompts.txt\0${sha("be brief\n")}`].join("\n")));
    // The same files named in another order give the same version.
    expect(await codeVersion({ ...ref, id: "exec:python3 -u prompts.txt main.py" }, [contains], dir, dir)).toBe(v);
    await writeFile(path.join(dir, "app/prompts.txt"), "be thorough\n");
    expect(await codeVersion(ref, [contains], dir, dir)).not.toBe(v);
  });
});
