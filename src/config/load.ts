/**
 * Loads suite files: YAML with source positions → zod validation → plain LoadedSuite
 * data. Every problem in every file is collected before anything is thrown, each
 * with file:line:col, so a user fixes them in one pass.
 */
import path from "node:path";
import { hashOf } from "../core/hash.js";
import { DEFAULT_TRIALS } from "../defaults.js";
import type { LoadedCase, LoadedSuite, Message, ProviderRef } from "../core/types.js";
import { ConfigError, UsageError, type ConfigProblem } from "../errors.js";

export { MAX_FILE_BYTES, insideProject } from "./files.js";
import { splitCommand } from "./command.js";
import { parseSimpleYaml } from "./simple-yaml.js";
import { findSuiteFiles, insideProject, isInside, readTextFile } from "./files.js";
import { compileJsonSchema } from "./user-json-schema.js";
import { casesGradersHashes, codeFiles, versionOf } from "./code-version.js";
import { formatPath } from "./format-path.js";
import { draftFromValid, salvageSuite, type CaseDraft, type SuiteDraft } from "./salvage.js";
import { isModelGraded, ProviderSpecSchema, SuiteFileSchema, temperatureProblem, type GraderSpec, type ProviderConfig, type ProviderSpec } from "./schema.js";
import { missingVariables, renderTemplate } from "./template.js";

export interface LoadOptions {
  /** Project folder: relative paths resolve against it and file references may not leave it. Default: process.cwd(). */
  cwd?: string;
  /** Overrides every suite's provider (-p). */
  provider?: string;
  /** Overrides every suite's trials (-k). */
  trials?: number;
  /** The judge for model-graded graders that name none of their own (--judge; overrides the suites' judge:). */
  judge?: string;
}

export { DEFAULT_TRIALS };


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
      problems.push({ file: suite.file, ...(await namePlace(file)), message: `suite name "${suite.name}" is already used by ${other}; give one a different \`name:\`` });
    } else {
      names.set(suite.name, suite.file);
      suites.push(suite);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return suites;
}

/**
 * Where a valid suite's `name:` is, for the one problem found across files. Read again with
 * the yaml library, which knows where each node is: loading kept no positions, and this is
 * an error's path, not a run's. A suite without `name:` is named by its file: line 1.
 */
async function namePlace(abs: string): Promise<{ line: number; col: number }> {
  const [read, { parseYaml }, { positionOf }] = await Promise.all([readTextFile(abs), import("./parse-yaml.js"), import("./positions.js")]);
  const yaml = "text" in read ? parseYaml(read.text) : undefined;
  const place = yaml?.kind === "document" && yaml.doc.has("name") ? positionOf(yaml.doc, yaml.lineCounter, ["name"]) : undefined;
  return place ?? { line: 1, col: 1 };
}

async function loadSuiteFile(abs: string, cwd: string, options: LoadOptions, problems: ConfigProblem[]): Promise<LoadedSuite | undefined> {
  const file = path.relative(cwd, abs) || abs;
  const read = await readTextFile(abs);
  if ("problem" in read) {
    problems.push({ file, message: read.problem });
    return undefined;
  }
  const simple = parseSimpleYaml(read.text);
  if (simple && keepSpelling(simple.value, simple.sourceOf)) {
    const parsed = SuiteFileSchema.safeParse(withoutExtensions(simple.value));
    if (parsed.success) {
      const before = problems.length;
      const at = (p: (string | number)[]) => ({ file, path: formatPath(p) });
      const caseLine = (i: number) => simple.lineOf(["cases", i]);
      const suite = await buildSuite(draftFromValid(parsed.data), { abs, file, cwd, options, at, caseLine, problems, prompts: new Set() });
      if (problems.length === before) return suite;
      // The problems are found again below, with their positions.
      problems.length = before;
    }
  }
  return loadWithPositions(read.text, { abs, file, cwd, options, problems, prompts: new Set() });
}

/**
 * The suite read by the yaml library, which knows all of YAML and where each node is, for
 * texts the simple reader does not take and suites with a problem to show. It is imported
 * only then: a run of valid suites never loads it.
 */
async function loadWithPositions(text: string, ctx: Omit<BuildContext, "at" | "caseLine">): Promise<LoadedSuite | undefined> {
  const [{ MAX_NESTING, aliasTrouble, parseYaml, plainSource }, { positionOf }, { describeIssue }] = await Promise.all([import("./parse-yaml.js"), import("./positions.js"), import("./issues.js")]);
  const { file, problems } = ctx;
  let yaml;
  try {
    yaml = parseYaml(text);
  } catch (err) {
    // yaml reports problems as errors of the document; this is only for what it throws anyway.
    problems.push({ file, message: `invalid YAML: ${(err as Error).message}` });
    return undefined;
  }
  if (yaml.kind === "too-deep") {
    problems.push({ file, line: yaml.line, col: yaml.col, message: `nested more than ${MAX_NESTING} levels deep; a suite never needs that many` });
    return undefined;
  }
  const { doc, lineCounter } = yaml;
  if (yaml.errors.length > 0) {
    for (const e of yaml.errors) {
      const message = e.code === "MULTIPLE_DOCS" ? "a suite file holds one YAML document; this one has several (`---`): split them into files" : e.message;
      problems.push({ file, line: e.line, col: e.col, message: `invalid YAML: ${message}` });
    }
    return undefined;
  }
  let raw: unknown;
  try {
    // toJS() throws on aliases it cannot resolve, and on alias "billion laughs" expansion.
    raw = doc.toJS();
  } catch (err) {
    problems.push({ file, ...aliasTrouble(doc, lineCounter), message: `invalid YAML: ${(err as Error).message}` });
    return undefined;
  }
  // Tagged values (!!binary, !!set, !!omap) become Buffers, Sets and Maps: not a suite.
  if (raw === null || typeof raw !== "object" || Object.getPrototypeOf(raw) !== Object.prototype) {
    problems.push({ file, line: 1, col: 1, message: "expected a suite: a mapping with at least `cases:` (and a `prompt:` or `messages:`)" });
    return undefined;
  }
  keepSpelling(raw as Record<string, unknown>, (p) => plainSource(doc, p));
  const parsed = SuiteFileSchema.safeParse(withoutExtensions(raw as Record<string, unknown>));
  const at = (p: (string | number)[], key?: string) => ({ file, path: formatPath(p), ...positionOf(doc, lineCounter, p, key) });
  const caseLine = (i: number) => at(["cases", i]).line ?? 1;
  const full = { ...ctx, at, caseLine };
  if (parsed.success) return buildSuite(draftFromValid(parsed.data), full);
  for (const issue of parsed.error.issues) problems.push(...describeIssue(issue, doc, lineCounter, file));
  // Check what is valid too, so one run reports every problem; the suite itself is not used.
  await buildSuite(salvageSuite(raw as Record<string, unknown>), full);
  return undefined;
}

/**
 * The suite without its top-level `x-` keys: a place for YAML anchors that cases refer to,
 * as in Compose files. Any other unknown key is still refused, as a typo would be.
 */
function withoutExtensions(raw: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(raw);
  if (!keys.some(isExtension)) return raw;
  return Object.fromEntries(keys.filter((k) => !isExtension(k)).map((k) => [k, raw[k]]));
}

const isExtension = (key: string): boolean => key.startsWith("x-");

/** Each grader list of a suite with its path: the suite's own, then each case's. */
function graderLists<G>(graders: G | undefined, cases: readonly unknown[]): [(string | number)[], G | undefined][] {
  return [[["graders"], graders], ...cases.map((c, i): [(string | number)[], G | undefined] => [["cases", i, "graders"], (c as { graders?: G } | null | undefined)?.graders])];
}

/** Graders whose value is a number; every other grader compares its value as text. */
const NUMBER_VALUED = new Set(["max-latency-ms", "max-cost"]);

/**
 * Unquoted grader values keep their spelling: `value: 1.10` is the text "1.10", which YAML
 * alone reads as the number 1.1 (and `007` as 7, `True` as true). Changes `raw` in place;
 * false when a spelling is not known (the value came from a flow collection or an alias).
 */
function keepSpelling(raw: Record<string, unknown>, sourceOf: (p: (string | number)[]) => string | undefined): boolean {
  let known = true;
  for (const [base, graders] of graderLists<unknown>(raw.graders, Array.isArray(raw.cases) ? raw.cases : [])) {
    if (!Array.isArray(graders)) continue;
    graders.forEach((g: unknown, j) => {
      if (g === null || typeof g !== "object") return;
      const grader = g as { type?: unknown; value?: unknown };
      if (NUMBER_VALUED.has(String(grader.type)) || (typeof grader.value !== "number" && typeof grader.value !== "boolean")) return;
      const source = sourceOf([...base, j, "value"]);
      if (source === undefined) known = false;
      else grader.value = source;
    });
  }
  return known;
}

interface BuildContext {
  abs: string;
  file: string;
  cwd: string;
  options: LoadOptions;
  /** Where the node at a path is, for a problem: with no position when the simple reader read the file (see loadSuiteFile). */
  at: (p: (string | number)[], key?: string) => Omit<ConfigProblem, "message">;
  /** The line where case i starts. */
  caseLine: (i: number) => number;
  problems: ConfigProblem[];
  /** file:// prompts read so far. */
  prompts: Set<string>;
}

async function buildSuite(spec: SuiteDraft, ctx: BuildContext): Promise<LoadedSuite | undefined> {
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
    if (!c) continue; // invalid, already reported
    const first = seen.get(c.id);
    if (first !== undefined) {
      problems.push({ ...at(["cases", i, "id"]), message: `duplicate case id "${c.id}" (first used by cases[${first}]); ids must be unique within a suite` });
    } else {
      seen.set(c.id, i);
    }
    // A duplicate is still checked: its other problems are shown now, not after the id is fixed.
    const loaded = await buildCase(spec, c, i, suitePrompt, dir, ctx, provider);
    if (loaded && first === undefined) cases.push(loaded);
  }
  await checkGraders(spec, dir, ctx);
  const judge = ctx.options.judge !== undefined ? { id: ctx.options.judge, config: {} } : spec.judge !== undefined ? refOf(spec.judge) : undefined;
  checkJudges(spec, judge, ctx);
  const name = spec.name ?? path.basename(file, path.extname(file));
  if (name === "__proto__") problems.push({ ...at([]), message: 'the suite is named "__proto__" after its file, a name that is reserved: give it a `name:`' });
  if (problems.length > before || !provider) return undefined;
  const code = await codeFiles(provider, cases.flatMap((c) => c.graders), dir, ctx.cwd);
  const version = await versionOf(code, ctx.cwd);
  const graders = await casesGradersHashes(cases, dir);
  return {
    name,
    file,
    dir,
    provider,
    judge,
    trials: ctx.options.trials ?? spec.trials ?? DEFAULT_TRIALS,
    threshold: spec.threshold,
    cases: cases.map((c, i) => ({ ...c, gradersHash: graders[i]! })),
    ...(version !== undefined ? { code: version } : {}),
    reads: [ctx.abs, ...ctx.prompts, ...code],
  };
}

function resolveProvider(spec: SuiteDraft, ctx: BuildContext): ProviderRef | undefined {
  const override = ctx.options.provider;
  if (override !== undefined) {
    const config = carriedConfig(spec, override);
    const problem = temperatureProblem(override, config);
    if (problem) {
      ctx.problems.push({ ...ctx.at(["provider", "config", "temperature"]), message: `${problem}; -p carries the suite's sampling options to the model it names` });
      return undefined;
    }
    return { id: override, config };
  }
  if (spec.provider === undefined) {
    if (spec.invalid.has("provider")) return undefined; // already reported
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

/**
 * What of the suite's provider options still applies under -p: sampling options always
 * (comparing models at different temperatures would be unfair); the server address for
 * the same kind of provider; prices and exec settings only for the very same provider.
 */
function carriedConfig(spec: SuiteDraft, override: string): ProviderConfig {
  if (typeof spec.provider !== "object" || !spec.provider.config) return {};
  const own = spec.provider.config;
  if (spec.provider.id === override) return own;
  const kind = (id: string) => id.slice(0, id.indexOf(":"));
  const { temperature, maxTokens, topP, seed, baseURL } = own;
  const sampling = Object.fromEntries(Object.entries({ temperature, maxTokens, topP, seed }).filter(([, v]) => v !== undefined));
  return kind(spec.provider.id) === kind(override) && baseURL !== undefined ? { ...sampling, baseURL } : sampling;
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
  const found = await insideProject(target, ctx.cwd);
  // A path that leaves the project breaks the rule whether or not a file is there.
  const inside = found === "missing" && !isInside(path.relative(ctx.cwd, target)) ? false : found;
  if (inside === "missing") {
    ctx.problems.push({ ...ctx.at(p), message: `${value}: no such file (looked for ${path.relative(ctx.cwd, target)})` });
    return undefined;
  }
  if (!inside) {
    ctx.problems.push({ ...ctx.at(p), message: outsideProject("file:// prompts", value, ctx.cwd) });
    return undefined;
  }
  const read = await readTextFile(target);
  if ("problem" in read) {
    ctx.problems.push({ ...ctx.at(p), message: `${value}: ${read.problem}` });
    return undefined;
  }
  ctx.prompts.add(target);
  return read.text;
}

/** The rule first (README: Suite format), then the path that breaks it. */
function outsideProject(what: string, value: string, cwd: string): string {
  return `${what} must stay inside the project folder; ${value} points outside the project (${cwd})`;
}

async function buildCase(spec: SuiteDraft, c: CaseDraft, i: number, suitePrompt: string | undefined, dir: string, ctx: BuildContext, provider: ProviderRef | undefined): Promise<LoadedCase | undefined> {
  const { at, problems } = ctx;
  const before = problems.length;
  const vars = { ...(spec.vars ?? {}), ...(c.vars ?? {}) };
  const prompt = await casePrompt(spec, c, i, suitePrompt, dir, ctx);
  // With invalid suite vars, which variables exist is unknown: say nothing rather than something wrong.
  for (const m of prompt && !spec.invalid.has("vars") ? prompt.templates : []) {
    const missing = missingVariables(m.content, vars);
    if (missing.length > 0) {
      const where = c.vars ? at(["cases", i, "vars"]) : at(["cases", i, "id"]);
      problems.push({
        ...where,
        message: `the prompt (${formatPath(prompt!.path)}) uses ${missing.map((v) => `{{${v}}}`).join(", ")} but case "${c.id}" does not supply ${missing.length === 1 ? "it" : "them"} in \`vars:\``,
      });
    }
  }
  // Checked whatever became of the prompt: graders do not depend on it.
  if ((spec.graders?.length ?? 0) + (c.graders?.length ?? 0) === 0 && !spec.invalid.has("graders")) {
    problems.push({ ...at(["cases", i, "id"]), message: `case "${c.id}" has no graders, so it could never fail; add \`graders:\` to the case or the suite` });
  }
  if (problems.length > before || !prompt) return undefined;
  const messages = prompt.templates.map((m) => ({ role: m.role, content: renderTemplate(m.content, vars) }));
  return {
    id: c.id,
    description: c.description,
    vars,
    messages,
    graders: [...(spec.graders ?? []), ...(c.graders ?? [])].filter((g): g is GraderSpec => g !== undefined),
    line: ctx.caseLine(i),
    // What the case asks: a model sees the messages only, an exec: app gets the vars as well,
    // so a changed var changes its question (and the baseline must say so).
    promptHash: hashOf(provider?.id.startsWith("exec:") && Object.keys(vars).length > 0 ? { messages, vars } : messages, 16),
  };
}

/**
 * The case's prompt templates (its own, or the suite's) and the path they were written at;
 * undefined when there are none to use: a problem is reported, or already was.
 */
async function casePrompt(spec: SuiteDraft, c: CaseDraft, i: number, suitePrompt: string | undefined, dir: string, ctx: BuildContext): Promise<{ templates: Message[]; path: (string | number)[] } | undefined> {
  if (c.prompt !== undefined && c.messages !== undefined) {
    ctx.problems.push({ ...ctx.at(["cases", i, "messages"]), message: "give either `prompt:` or `messages:`, not both" });
    return undefined;
  }
  if (c.prompt !== undefined || c.messages !== undefined) {
    const p = ["cases", i, c.prompt !== undefined ? "prompt" : "messages"];
    const text = c.prompt !== undefined ? await resolvePromptText(c.prompt, dir, p, ctx) : undefined;
    const templates = text !== undefined ? [{ role: "user" as const, content: text }] : c.messages;
    return templates && { templates, path: p }; // none: an unreadable file:// prompt, already reported
  }
  if (spec.invalid.has("prompt") || spec.invalid.has("messages")) return undefined; // already reported
  if (spec.prompt === undefined && spec.messages === undefined) {
    ctx.problems.push({ ...ctx.at(["cases", i]), message: "no prompt: give the suite (or this case) a `prompt:` or `messages:`" });
    return undefined;
  }
  const templates = suitePrompt !== undefined ? [{ role: "user" as const, content: suitePrompt }] : spec.messages;
  return templates && { templates, path: [spec.prompt !== undefined ? "prompt" : "messages"] };
}

/** Checks what zod cannot: regexes compile, grader modules exist inside the project (links followed). */
async function checkGraders(spec: SuiteDraft, dir: string, ctx: BuildContext): Promise<void> {
  for (const [base, graders] of graderLists(spec.graders, spec.cases)) {
    for (const [j, g] of (graders ?? []).entries()) {
      if (!g) continue;
      if (g.type === "regex" || g.type === "not-regex") {
        try {
          new RegExp(g.value, g.flags);
        } catch (e) {
          ctx.problems.push({ ...ctx.at([...base, j, "value"]), message: `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}` });
        }
      }
      if (g.type === "json-schema") {
        try {
          await compileJsonSchema(g.schema);
        } catch (e) {
          ctx.problems.push({ ...ctx.at([...base, j, "schema"]), message: `invalid JSON Schema: ${(e as Error).message}` });
        }
      }
      if (g.type === "javascript") {
        const target = path.resolve(dir, g.file);
        const inside = isInside(path.relative(ctx.cwd, target)) ? await insideProject(target, ctx.cwd) : false;
        if (inside === "missing") {
          ctx.problems.push({ ...ctx.at([...base, j, "file"]), message: `${g.file}: no such file (looked for ${path.relative(ctx.cwd, target)})` });
        } else if (!inside) {
          ctx.problems.push({ ...ctx.at([...base, j, "file"]), message: outsideProject("grader modules", g.file, ctx.cwd) });
        }
      }
    }
  }
}

function refOf(spec: ProviderSpec): ProviderRef {
  return typeof spec === "string" ? { id: spec, config: {} } : { id: spec.id, config: spec.config ?? {} };
}

/** Every model-graded grader needs a judge: its own, --judge, or the suite's. (The schema has refused exec: judges.) */
function checkJudges(spec: SuiteDraft, suiteJudge: ProviderRef | undefined, ctx: BuildContext): void {
  if (suiteJudge !== undefined || spec.invalid.has("judge")) return;
  for (const [base, graders] of graderLists(spec.graders, spec.cases)) {
    for (const [j, g] of (graders ?? []).entries()) {
      if (g && isModelGraded(g) && g.judge === undefined) {
        ctx.problems.push({ ...ctx.at([...base, j, "type"]), message: `a ${g.type} grader needs a judge: add \`judge: openai:gpt-4o-mini\` (or another model) to the grader or the suite, or pass --judge` });
      }
    }
  }
}

/** Validates a --judge value: a model, since a judge must answer in structured output. */
export function parseJudgeId(id: string): string {
  const r = ProviderSpecSchema.safeParse(id);
  if (!r.success || id.startsWith("exec:")) throw new UsageError(`--judge "${id}": expected a model, e.g. "openai:gpt-4o-mini" or "anthropic:claude-haiku-4-5"`);
  return id;
}

/** Validates a -p/--provider value with the same rule as the suite file. */
export function parseProviderId(id: string): string {
  const r = ProviderSpecSchema.safeParse(id);
  if (!r.success) throw new UsageError(`-p/--provider "${id}": ${r.error.issues[0]?.message ?? "invalid"}`);
  const bad = commandProblem(id);
  if (bad) throw new UsageError(`-p/--provider ${bad}`);
  return id;
}
