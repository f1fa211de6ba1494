/**
 * A grader written by the user: a module whose export is called with the output.
 * It runs the user's own code by design; the loader has already refused modules
 * outside the project folder. Each module is imported once per process.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
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

async function loadFunction(file: string, exportName: string): Promise<GradeFunction> {
  let mod = modules.get(file);
  if (!mod) {
    mod = import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;
    modules.set(file, mod);
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = await mod;
  } catch (err) {
    throw new GraderError(scrub(`cannot load ${file}: ${(err as Error).message}`, true));
  }
  const fn = loaded[exportName];
  if (typeof fn !== "function") throw new GraderError(`${file} has no exported function "${exportName}"`);
  return fn as GradeFunction;
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
  throw new GraderError(scrub(`${spec.file} returned ${JSON.stringify(result)}; expected a boolean, a score in [0, 1], or { pass, score?, reason? }`, true));
}
