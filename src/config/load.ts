/**
 * Loads suite files: YAML with source positions → zod validation → plain LoadedSuite
 * data. Every problem in every file is collected before anything is thrown, each
 * with file:line:col, so a user fixes them in one pass.
 */
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { LineCounter, parseDocument, Parser, type CST, type Document } from "yaml";
import type { z } from "zod";
import { hashOf } from "../core/hash.js";
import type { LoadedCase, LoadedSuite, Message, ProviderRef } from "../core/types.js";
import { ConfigError, UsageError, type ConfigProblem } from "../errors.js";
import { splitCommand } from "./command.js";
import { formatPath, positionOf } from "./positions.js";
import { GRADER_TYPES, ProviderSpecSchema, SuiteFileSchema, type CaseSpec, type SuiteFile } from "./schema.js";
import { missingVariables, renderTemplate } from "./template.js";

export interface LoadOptions {
  /** Project folder: relative paths resolve against it and file references may not leave it. Default: process.cwd(). */
  cwd?: string;
  /** Overrides every suite's provider (-p). */
  provider?: string;
  /** Overrides every suite's trials (-k). */
  trials?: number;
}

/** Suites default to this many trials per case: one run proves little. */
export const DEFAULT_TRIALS = 5;
/** Suite and prompt files larger than this are refused rather than parsed. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/**
 * Suite files nested deeper than this are refused before they are composed: yaml
 * composes recursively, and a few KiB of `[[[[…]]]]` reach the stack limit, where
 * V8 can abort the whole process (a fatal "RegExpCompiler" out-of-memory) instead of throwing.
 */
export const MAX_NESTING = 100;

const SUITE_EXTENSIONS = new Set([".yaml", ".yml"]);

/** Finds, parses and validates every suite under `paths` (default: evals/). */
export async function loadSuites(paths: readonly string[], options: LoadOptions = {}): Promise<LoadedSuite[]> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const files = await findSuiteFiles(paths.length > 0 ? paths : ["evals"], cwd);
  const problems: ConfigProblem[] = [];
  const suites: LoadedSuite[] = [];
  const names = new Map<string, string>();
  for (const file of files) {
    const suite = await loadSuiteFile(file, cwd, options, problems);
    if (!suite) continue;
    const other = names.get(suite.name);
    if (other) {
      problems.push({ file: suite.file, line: 1, col: 1, message: `suite name "${suite.name}" is already used by ${other}; give one a different \`name:\`` });
    } else {
      names.set(suite.name, suite.file);
      suites.push(suite);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return suites;
}

async function findSuiteFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found: string[] = [];
  const problems: ConfigProblem[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    const info = await stat(abs).catch(() => null);
    if (!info) problems.push({ file: p, message: "no such file or folder" });
    else if (info.isDirectory()) found.push(...(await walk(abs)));
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
  }
  return out;
}

/** Reads a text file the user pointed at, refusing huge and binary files. */
async function readTextFile(abs: string): Promise<{ text: string } | { problem: string }> {
  const info = await stat(abs).catch(() => null);
  if (!info || !info.isFile()) return { problem: "no such file" };
  if (info.size > MAX_FILE_BYTES) return { problem: `file is ${(info.size / 1048576).toFixed(1)} MiB; the limit is ${MAX_FILE_BYTES / 1048576} MiB` };
  const buf = await readFile(abs);
  if (buf.includes(0)) return { problem: "file is binary (it contains NUL bytes); expected UTF-8 text" };
  return { text: buf.toString("utf8") };
}

async function loadSuiteFile(abs: string, cwd: string, options: LoadOptions, problems: ConfigProblem[]): Promise<LoadedSuite | undefined> {
  const file = path.relative(cwd, abs) || abs;
  const read = await readTextFile(abs);
  if ("problem" in read) {
    problems.push({ file, message: read.problem });
    return undefined;
  }
  const deep = tooDeep(read.text, MAX_NESTING);
  if (deep) {
    problems.push({ file, ...deep, message: `nested more than ${MAX_NESTING} levels deep; a suite never needs that many` });
    return undefined;
  }
  const lineCounter = new LineCounter();
  let doc: Document;
  let raw: unknown;
  try {
    doc = parseDocument(read.text, { lineCounter, uniqueKeys: true, prettyErrors: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        problems.push({ file, line: pos?.line, col: pos?.col, message: `invalid YAML: ${e.message.split(" at line ")[0]}` });
      }
      return undefined;
    }
    // toJS() throws on aliases it cannot resolve, and on alias "billion laughs" expansion.
    raw = doc.toJS();
  } catch (err) {
    problems.push({ file, message: `invalid YAML: ${(err as Error).message}` });
    return undefined;
  }
  // Tagged values (!!binary, !!set, !!omap) become Buffers, Sets and Maps: not a suite.
  if (raw === null || typeof raw !== "object" || Object.getPrototypeOf(raw) !== Object.prototype) {
    problems.push({ file, line: 1, col: 1, message: "expected a suite: a mapping with at least `cases:` (and a `prompt:` or `messages:`)" });
    return undefined;
  }
  const parsed = SuiteFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...describeIssue(issue, doc, lineCounter, file));
    return undefined;
  }
  const at = (p: (string | number)[], key?: string) => ({ file, path: formatPath(p), ...positionOf(doc, lineCounter, p, key) });
  return buildSuite(parsed.data, { abs, file, cwd, options, at, problems, doc });
}

interface BuildContext {
  abs: string;
  file: string;
  cwd: string;
  options: LoadOptions;
  at: (p: (string | number)[], key?: string) => Omit<ConfigProblem, "message">;
  problems: ConfigProblem[];
  doc: Document;
}

/** Where the first collection nested deeper than `max` starts, found on yaml's CST without recursion. */
function tooDeep(text: string, max: number): { line: number; col: number } | undefined {
  const lineCounter = new LineCounter();
  const stack: [CST.Token, number][] = [];
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) stack.push([token, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type === "document") {
      if (token.value) stack.push([token.value, depth]);
    } else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth >= max) return lineCounter.linePos(token.offset);
      for (const item of token.items as CST.CollectionItem[]) {
        if (item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

async function buildSuite(spec: SuiteFile, ctx: BuildContext): Promise<LoadedSuite | undefined> {
  const { file, at, problems } = ctx;
  const before = problems.length;
  const dir = path.dirname(ctx.abs);

  const provider = resolveProvider(spec, ctx);
  if (spec.prompt !== undefined && spec.messages !== undefined) {
    problems.push({ ...at(["messages"]), message: "give either `prompt:` or `messages:`, not both" });
  }
  const suitePrompt = spec.prompt !== undefined ? await resolvePromptText(spec.prompt, dir, ["prompt"], ctx) : undefined;

  const seen = new Map<string, number>();
  const cases: LoadedCase[] = [];
  for (const [i, c] of spec.cases.entries()) {
    const first = seen.get(c.id);
    if (first !== undefined) {
      problems.push({ ...at(["cases", i, "id"]), message: `duplicate case id "${c.id}" (first used by cases[${first}]); ids must be unique within a suite` });
      continue;
    }
    seen.set(c.id, i);
    const loaded = await buildCase(spec, c, i, suitePrompt, dir, ctx);
    if (loaded) cases.push(loaded);
  }
  await checkGraders(spec, dir, ctx);
  if (problems.length > before || !provider) return undefined;
  return {
    name: spec.name ?? path.basename(file, path.extname(file)),
    file,
    dir,
    provider,
    trials: ctx.options.trials ?? spec.trials ?? DEFAULT_TRIALS,
    threshold: spec.threshold,
    cases,
  };
}

function resolveProvider(spec: SuiteFile, ctx: BuildContext): ProviderRef | undefined {
  const override = ctx.options.provider;
  if (override !== undefined) {
    // The -p value was validated by the CLI; suite-level options (baseURL, prices) apply only to the suite's own provider.
    const own = typeof spec.provider === "object" && spec.provider.id === override ? spec.provider.config ?? {} : {};
    return { id: override, config: own };
  }
  if (spec.provider === undefined) {
    ctx.problems.push({ file: ctx.file, line: 1, col: 1, message: "no provider: add `provider: openai:gpt-4o-mini` (or another) to the suite, or pass -p" });
    return undefined;
  }
  const ref = typeof spec.provider === "string" ? { id: spec.provider, config: {} } : { id: spec.provider.id, config: spec.provider.config ?? {} };
  const bad = commandProblem(ref.id);
  if (bad) {
    ctx.problems.push({ ...ctx.at(typeof spec.provider === "string" ? ["provider"] : ["provider", "id"]), message: bad });
    return undefined;
  }
  return ref;
}

/** For `exec:` ids, why the command line cannot be run; undefined when it can (or is not exec). */
function commandProblem(id: string): string | undefined {
  if (!id.startsWith("exec:")) return undefined;
  try {
    if (splitCommand(id.slice("exec:".length)).length === 0) return `"${id}": the command is empty`;
  } catch (err) {
    return `"${id}": ${(err as Error).message}`;
  }
  return undefined;
}

/** `file://x.md` is read relative to the suite file, and must stay inside the project folder. */
async function resolvePromptText(value: string, dir: string, p: (string | number)[], ctx: BuildContext): Promise<string | undefined> {
  if (!value.startsWith("file://")) return value;
  const target = path.resolve(dir, value.slice("file://".length));
  const inside = await insideProject(target, ctx.cwd);
  if (inside === "missing") {
    ctx.problems.push({ ...ctx.at(p), message: `${value}: no such file (looked for ${path.relative(ctx.cwd, target)})` });
    return undefined;
  }
  if (!inside) {
    ctx.problems.push({ ...ctx.at(p), message: `${value}: points outside the project folder ${ctx.cwd}; prompts must live inside it` });
    return undefined;
  }
  const read = await readTextFile(target);
  if ("problem" in read) {
    ctx.problems.push({ ...ctx.at(p), message: `${value}: ${read.problem}` });
    return undefined;
  }
  return read.text;
}

/** True when `target` (after following links) lies inside `root`; "missing" when it does not exist. */
export async function insideProject(target: string, root: string): Promise<boolean | "missing"> {
  const real = await realpath(target).catch(() => null);
  if (real === null) return "missing";
  const realRoot = await realpath(root);
  return isInside(path.relative(realRoot, real));
}

/** `rel` (from path.relative(root, x)) names something below root. A file named "..x" is inside. */
function isInside(rel: string): boolean {
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

async function buildCase(spec: SuiteFile, c: CaseSpec, i: number, suitePrompt: string | undefined, dir: string, ctx: BuildContext): Promise<LoadedCase | undefined> {
  const { at, problems } = ctx;
  const before = problems.length;
  const vars = { ...(spec.vars ?? {}), ...(c.vars ?? {}) };
  if (c.prompt !== undefined && c.messages !== undefined) {
    problems.push({ ...at(["cases", i, "messages"]), message: "give either `prompt:` or `messages:`, not both" });
    return undefined;
  }
  let templates: Message[] | undefined;
  let templatePath: (string | number)[];
  if (c.prompt !== undefined || c.messages !== undefined) {
    templatePath = ["cases", i, c.prompt !== undefined ? "prompt" : "messages"];
    const text = c.prompt !== undefined ? await resolvePromptText(c.prompt, dir, templatePath, ctx) : undefined;
    templates = text !== undefined ? [{ role: "user", content: text }] : c.messages;
  } else {
    templatePath = [spec.prompt !== undefined ? "prompt" : "messages"];
    templates = suitePrompt !== undefined ? [{ role: "user", content: suitePrompt }] : spec.messages;
    if (spec.prompt === undefined && spec.messages === undefined) {
      problems.push({ ...at(["cases", i]), message: "no prompt: give the suite (or this case) a `prompt:` or `messages:`" });
      return undefined;
    }
  }
  if (!templates) return undefined; // an unreadable file:// prompt, already reported
  for (const m of templates) {
    const missing = missingVariables(m.content, vars);
    if (missing.length > 0) {
      const where = c.vars ? at(["cases", i, "vars"]) : at(["cases", i, "id"]);
      problems.push({
        ...where,
        message: `the prompt (${formatPath(templatePath)}) uses ${missing.map((v) => `{{${v}}}`).join(", ")} but case "${c.id}" does not supply ${missing.length === 1 ? "it" : "them"} in \`vars:\``,
      });
    }
  }
  if ((spec.graders?.length ?? 0) + (c.graders?.length ?? 0) === 0) {
    problems.push({ ...at(["cases", i, "id"]), message: `case "${c.id}" has no graders, so it could never fail; add \`graders:\` to the case or the suite` });
  }
  if (problems.length > before) return undefined;
  const messages = templates.map((m) => ({ role: m.role, content: renderTemplate(m.content, vars) }));
  return {
    id: c.id,
    description: c.description,
    vars,
    messages,
    graders: [...(spec.graders ?? []), ...(c.graders ?? [])],
    line: at(["cases", i]).line ?? 1,
    promptHash: hashOf(messages, 16),
  };
}

/** Checks what zod cannot: regexes compile, grader modules exist inside the project (links followed). */
async function checkGraders(spec: SuiteFile, dir: string, ctx: BuildContext): Promise<void> {
  const lists: [(string | number)[], SuiteFile["graders"]][] = [[["graders"], spec.graders]];
  spec.cases.forEach((c, i) => lists.push([["cases", i, "graders"], c.graders]));
  for (const [base, graders] of lists) {
    for (const [j, g] of (graders ?? []).entries()) {
      if (g.type === "regex" || g.type === "not-regex") {
        try {
          new RegExp(g.value, g.flags);
        } catch (e) {
          ctx.problems.push({ ...ctx.at([...base, j, "value"]), message: `invalid regular expression: ${(e as Error).message}` });
        }
      }
      if (g.type === "javascript") {
        const target = path.resolve(dir, g.file);
        const inside = isInside(path.relative(ctx.cwd, target)) ? await insideProject(target, ctx.cwd) : false;
        if (inside === "missing") {
          ctx.problems.push({ ...ctx.at([...base, j, "file"]), message: `${g.file}: no such file (looked for ${path.relative(ctx.cwd, target)})` });
        } else if (!inside) {
          ctx.problems.push({ ...ctx.at([...base, j, "file"]), message: `${g.file}: points outside the project folder; grader modules must live inside it` });
        }
      }
    }
  }
}

function describeIssue(issue: z.core.$ZodIssue, doc: Document, lineCounter: LineCounter, file: string): ConfigProblem[] {
  const p = issue.path.filter((k): k is string | number => typeof k !== "symbol");
  const where = (key?: string) => ({ file, path: formatPath(key === undefined ? p : [...p, key]), ...positionOf(doc, lineCounter, p, key) });
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ ...where(key), message: `unknown key "${key}"` }));
  }
  if (issue.code === "invalid_union" && "discriminator" in issue && issue.discriminator === "type") {
    const value = doc.getIn(p);
    if (value === undefined) return [{ ...where(), message: `missing \`type:\`; expected one of: ${GRADER_TYPES.join(", ")}` }];
    const guess = closest(String(value), GRADER_TYPES);
    return [{ ...where(), message: `unknown grader "${String(value)}"${guess ? ` (did you mean "${guess}"?)` : ""}; expected one of: ${GRADER_TYPES.join(", ")}` }];
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // A union (e.g. provider: string or {id, config}): explain the branch the value was aiming at,
    // the one that got furthest before failing, rather than zod's bare "Invalid input".
    const depth = (branch: z.core.$ZodIssue[]) => Math.max(...branch.map((i) => i.path.length + (i.code === "invalid_type" ? 0 : 0.5)));
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
    return best.flatMap((inner) => describeIssue({ ...inner, path: [...issue.path, ...inner.path] }, doc, lineCounter, file));
  }
  if (issue.code === "invalid_type" && doc.getIn(p) === undefined) {
    return [{ ...where(), message: `missing required key; expected ${issue.expected}` }];
  }
  const message = issue.message.replace(/^Invalid input: /, "");
  return [{ ...where(), message }];
}

/** The known name nearest to `word` by edit distance, if it is a plausible typo. */
function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Validates a -p/--provider value with the same rule as the suite file. */
export function parseProviderId(id: string): string {
  const r = ProviderSpecSchema.safeParse(id);
  if (!r.success) throw new UsageError(`-p/--provider "${id}": ${r.error.issues[0]?.message ?? "invalid"}`);
  const bad = commandProblem(id);
  if (bad) throw new UsageError(`-p/--provider ${bad}`);
  return id;
}
