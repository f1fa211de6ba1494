/** What code a suite runs, for --resume's trial keys: which files count, and that their contents (not their names alone) decide. */
import { createHash } from "node:crypto";
import { mkdtemp, stat, symlink, truncate, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { codeVersion, MAX_HASHED_BYTES } from "../src/config/code-version.js";
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

  it("takes the files a command names wherever they are, but not a program outside the project", async () => {
    const dir = await makeProject({ "app.mjs": "1\n", "tools/run.mjs": "3\n" });
    const elsewhere = await mkdtemp(path.join(tmpdir(), "harness-outside-"));
    await writeFile(path.join(elsewhere, "agent.mjs"), "2\n");
    await writeFile(path.join(elsewhere, "python"), "#!/bin/sh\n");
    // A monorepo's app beside the eval folder: `node ../app/agent.mjs` from the project.
    const rel = path.relative(dir, path.join(elsewhere, "agent.mjs"));
    expect(await codeVersion({ id: `exec:node ${rel}`, config: {} }, [contains], dir, dir)).toBe(sha(`${rel.split(path.sep).join("/")}\0${sha("2\n")}`));
    // The program itself, named by a path out of the project, is the machine's.
    expect(await codeVersion({ id: `exec:${path.join(elsewhere, "python")} app.mjs`, config: {} }, [contains], dir, dir)).toBe(sha(`app.mjs\0${sha("1\n")}`));
    // ...and so is one reached through a link out of the project (.venv/bin/python).
    await symlink(path.join(elsewhere, "python"), path.join(dir, "python-link"));
    expect(await codeVersion({ id: "exec:./python-link app.mjs", config: {} }, [contains], dir, dir)).toBe(sha(`app.mjs\0${sha("1\n")}`));
    // The project's own program counts.
    expect(await codeVersion({ id: "exec:./tools/run.mjs", config: {} }, [contains], dir, dir)).toBe(sha(`tools/run.mjs\0${sha("3\n")}`));
  });

  it("knows a file too large to hash at every load by its size and modification time", async () => {
    const dir = await makeProject({ "app.mjs": "1\n" });
    const big = path.join(dir, "weights.bin");
    await writeFile(big, "");
    await truncate(big, MAX_HASHED_BYTES + 1); // sparse: no 16 MiB written
    await utimes(big, 1_700_000_000, 1_700_000_000);
    const ref = { id: "exec:node app.mjs weights.bin", config: {} };
    const { mtimeMs } = await stat(big);
    expect(await codeVersion(ref, [contains], dir, dir)).toBe(sha([`app.mjs\0${sha("1\n")}`, `weights.bin\0size ${MAX_HASHED_BYTES + 1} mtime ${mtimeMs}`].join("\n")));
    await utimes(big, 1_700_000_100, 1_700_000_100);
    expect(await codeVersion(ref, [contains], dir, dir)).not.toBe(sha([`app.mjs\0${sha("1\n")}`, `weights.bin\0size ${MAX_HASHED_BYTES + 1} mtime ${mtimeMs}`].join("\n")));
  });

  it("takes the program itself when the command names it by path, and a project file whose name starts with two dots", async () => {
    const dir = await makeProject({ "bin/agent.sh": "echo ok\n", "..notes.txt": "n\n" });
    const v = await codeVersion({ id: "exec:./bin/agent.sh ..notes.txt", config: {} }, [contains], dir, dir);
    expect(v).toBe(sha([`..notes.txt\0${sha("n\n")}`, `bin/agent.sh\0${sha("echo ok\n")}`].join("\n")));
    // By name alone it is found on PATH, wherever that leads: not the project's file.
    expect(await codeVersion({ id: "exec:agent.sh", config: { cwd: "bin" } }, [contains], dir, dir)).toBeUndefined();
  });
});
