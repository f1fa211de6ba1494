/**
 * A grader written by the user: a module whose export is called with the output.
 * It runs the user's own code by design; the loader has already refused modules
 * outside the project folder. Each module is imported once per process.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";
import { redactorFor, type Redactor } from "../core/secrets.js";
import { GraderError, type GradeContext, type GradeOutcome } from "./types.js";

type GradeFunction = (output: string, context: Record<string, unknown>) => unknown;

const modules = new Map<string, Promise<Record<string, unknown>>>();

/**
 * The module runs in this process and sees its environment: what it says (a reason, an error)
 * is scrubbed of the secrets in it, as a provider's answers are.
 */
let redactor: Redactor | undefined;
const scrub = (text: string, all = false) => {
  redactor ??= redactorFor(process.env);
  return all ? redactor.all(text) : redactor.values(text);
};

function loadModule(file: string): Promise<Record<string, unknown>> {
  let mod = modules.get(file);
  if (!mod) {
    mod = import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;
    modules.set(file, mod);
  }
  return mod;
}

async function loadFunction(file: string, exportName: string): Promise<GradeFunction> {
  let loaded: Record<string, unknown>;
  try {
    loaded = await loadModule(file);
  } catch (err) {
    throw new GraderError(scrub(`cannot load ${file}: ${(err as Error).message}`, true));
  }
  const fn = loaded[exportName];
  if (typeof fn !== "function") throw new GraderError(`${file} has no exported function "${exportName}"`);
  return fn as GradeFunction;
}

/** Why a grader module cannot grade: with its place in the module, when the module says. */
export interface ModuleProblem {
  message: string;
  line?: number;
  col?: number;
  /** "export": the module loads but lacks the function, so the suite naming it is what to fix. */
  about?: "export";
}

/**
 * Why a grader module cannot grade, found before a run makes any call: it does not load (a
 * syntax error, a throw at import, a missing package), or has no such function. Undefined when
 * it can. Where the module says (a syntax error's or a throw's line), the problem says too.
 */
export async function checkGraderModule(file: string, exportName: string, timeoutMs: number): Promise<ModuleProblem | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), timeoutMs)));
  const outcome = await Promise.race([loadModule(file).then((mod) => ({ mod }), (err: unknown) => ({ err })), late]);
  clearTimeout(timer);
  if (outcome === "late") return { message: `this grader module did not finish loading within ${timeoutMs} ms` };
  if ("err" in outcome) {
    const err = outcome.err;
    const place = err instanceof SyntaxError ? await syntaxErrorPlace(file) : placeInStack(err, file);
    return { message: scrub(`this grader module does not load: ${(err as Error)?.message ?? String(err)}`, true), ...place };
  }
  if (typeof outcome.mod[exportName] === "function") return undefined;
  const functions = Object.keys(outcome.mod).filter((k) => typeof outcome.mod[k] === "function");
  return { message: `this grader module has no exported function "${exportName}"${functions.length > 0 ? ` (its functions: ${functions.join(", ")}); name one with export:` : ""}`, about: "export" };
}

/** A syntax error's line and column: Node's import error names neither, its --check does. */
async function syntaxErrorPlace(file: string): Promise<{ line: number; col: number } | undefined> {
  const { execFile } = await import("node:child_process");
  const stderr = await new Promise<string>((resolve) => execFile(process.execPath, ["--check", file], { timeout: 10_000 }, (_, __, err) => resolve(String(err))));
  const lines = stderr.split("\n");
  const at = lines.findIndex((l) => l.startsWith(`${file}:`));
  const line = at >= 0 ? Number(lines[at]!.slice(file.length + 1)) : Number.NaN;
  if (!Number.isInteger(line)) return undefined;
  const caret = lines[at + 2]?.indexOf("^") ?? -1;
  return { line, col: caret >= 0 ? caret + 1 : 1 };
}

/** Where in the module a throw at import came from: its first frame in that file (named by URL or by path). */
function placeInStack(err: unknown, file: string): { line: number; col: number } | undefined {
  const stack = String((err as Error | undefined)?.stack ?? "");
  for (const name of [pathToFileURL(file).href, file]) {
    const at = stack.indexOf(`${name}:`);
    const m = at >= 0 ? /^:(\d+):(\d+)/.exec(stack.slice(at + name.length)) : null;
    if (m) return { line: Number(m[1]), col: Number(m[2]) };
  }
  return undefined;
}

/**
 * The function may return a boolean, a score in [0, 1] (passing at 0.5 or more),
 * or { pass, score?, reason? }, or a promise of any of these.
 */
export async function gradeJavascript(spec: { file: string; export?: string | undefined; config?: unknown }, ctx: GradeContext): Promise<GradeOutcome> {
  const file = path.resolve(ctx.suiteDir, spec.file);
  const fn = await loadFunction(file, spec.export ?? "default");
  let result: unknown;
  try {
    result = await fn(ctx.output, { vars: ctx.vars, latencyMs: ctx.latencyMs, costUsd: ctx.costUsd, config: spec.config });
  } catch (err) {
    throw new GraderError(scrub(`${spec.file} threw: ${(err as Error)?.message ?? String(err)}`, true));
  }
  if (typeof result === "boolean") return { pass: result, score: result ? 1 : 0, reason: `${spec.file} returned ${result}` };
  if (typeof result === "number" && result >= 0 && result <= 1) {
    return { pass: result >= 0.5, score: result, reason: `${spec.file} scored ${result}` };
  }
  if (result !== null && typeof result === "object" && typeof (result as { pass?: unknown }).pass === "boolean") {
    const r = result as { pass: boolean; score?: unknown; reason?: unknown };
    const score = typeof r.score === "number" && r.score >= 0 && r.score <= 1 ? r.score : r.pass ? 1 : 0;
    return { pass: r.pass, score, reason: typeof r.reason === "string" ? scrub(r.reason) : `${spec.file} returned pass: ${r.pass}` };
  }
  throw new GraderError(scrub(`${spec.file} returned ${shown(result)}; expected a boolean, a score in [0, 1], or { pass, score?, reason? }`, true));
}

/**
 * A returned value as JSON where JSON says what it was, else as Node shows it: JSON turns NaN
 * into null, drops a symbol or a function, and throws at a BigInt or a loop, so the message
 * named the wrong value, or none.
 */
function shown(value: unknown): string {
  let lossy = false;
  try {
    const json = JSON.stringify(value, (_key, v: unknown) => {
      if ((typeof v === "number" && !Number.isFinite(v)) || typeof v === "symbol" || typeof v === "function" || v === undefined) lossy = true;
      return v;
    });
    if (!lossy && json !== undefined) return json;
  } catch {
    // A BigInt or a loop.
  }
  return inspect(value, { breakLength: Infinity, depth: 3 });
}
