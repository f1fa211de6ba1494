/** Finding suite files and reading the files they point at: inside the project, text, and not huge. */
import { isUtf8 } from "node:buffer";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { ConfigError, UsageError, type ConfigProblem } from "../errors.js";

/** Suite and prompt files larger than this are refused rather than parsed. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
const SUITE_EXTENSIONS = new Set([".yaml", ".yml"]);

export async function findSuiteFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found: string[] = [];
  const problems: ConfigProblem[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    const info = await stat(abs).catch(() => null);
    if (!info) problems.push({ file: p, message: "no such file or folder" });
    else if (info.isDirectory()) found.push(...(await walk(abs)));
    else if (!SUITE_EXTENSIONS.has(path.extname(abs))) problems.push({ file: p, message: "not a suite file: suites are *.yaml or *.yml" });
    else found.push(abs);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (found.length === 0) {
    throw new UsageError(`no suite files (*.yaml, *.yml) in ${paths.join(", ")}`, {
      hint: "write one (see README: Suite format), or pass the path of a suite file",
    });
  }
  return [...new Set(found)];
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (e.isFile() && SUITE_EXTENSIONS.has(path.extname(e.name))) out.push(full);
    // A suite linked in from elsewhere runs as when named; a linked folder is not followed (it could loop).
    else if (e.isSymbolicLink() && SUITE_EXTENSIONS.has(path.extname(e.name)) && (await stat(full).catch(() => null))?.isFile()) out.push(full);
  }
  return out;
}

/** Reads a text file the user pointed at, refusing huge and binary files. */
export async function readTextFile(abs: string): Promise<{ text: string } | { problem: string }> {
  const info = await stat(abs).catch(() => null);
  if (!info || !info.isFile()) return { problem: "no such file" };
  if (info.size > MAX_FILE_BYTES) return { problem: `file is ${(info.size / 1048576).toFixed(1)} MiB; the limit is ${MAX_FILE_BYTES / 1048576} MiB` };
  let buf: Buffer;
  try {
    buf = await readFile(abs);
  } catch (err) {
    return { problem: `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  if (buf.includes(0)) return { problem: "file is binary (it contains NUL bytes); expected UTF-8 text" };
  // Decoding would turn each bad byte into U+FFFD, and the prompt sent would silently differ from the file.
  if (!isUtf8(buf)) {
    const at = firstBadByte(buf);
    return { problem: `not valid UTF-8${at === undefined ? "" : ` (byte ${at + 1}, line ${countLines(buf, at)})`}: save the file as UTF-8` };
  }
  // A Windows checkout (core.autocrlf) must not change the prompt, and with it the fixture keys and prompt
  // hashes; nor may the byte-order mark a Windows editor puts first, which no one means to send a model.
  return { text: buf.toString("utf8").replace(/^\uFEFF/, "").replace(/\r\n/g, "\n") };
}

/** Offset of the first byte that cannot start or continue a UTF-8 sequence; undefined for subtler faults (overlong forms, surrogates). */
function firstBadByte(buf: Buffer): number | undefined {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    for (let j = 1; j < length; j++) if (i + j >= buf.length || (buf[i + j]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return undefined;
}

function countLines(buf: Buffer, end: number): number {
  let line = 1;
  for (let i = 0; i < end; i++) if (buf[i] === 0x0a) line++;
  return line;
}

/** True when `target` (after following links) lies inside `root`; "missing" when it does not exist. */
export async function insideProject(target: string, root: string): Promise<boolean | "missing"> {
  const real = await realpath(target).catch(() => null);
  if (real === null) return "missing";
  const realRoot = await realpath(root);
  return isInside(path.relative(realRoot, real));
}

/** `rel` (from path.relative(root, x)) names something below root. A file named "..x" is inside. */
export function isInside(rel: string): boolean {
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
