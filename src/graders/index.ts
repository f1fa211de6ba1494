/** Runs one grader spec against one output. The switch is exhaustive: a new grader type will not compile until it is handled here. */
import type { GraderSpec } from "../config/schema.js";
import type { Grade } from "../core/types.js";
import { gradeJavascript } from "./javascript.js";
import { gradeWithJudge } from "./judge.js";
import { reviewKey } from "./review-key.js";
import { gradeIsJson, gradeJsonSchema } from "./json.js";
import { gradeText } from "./text.js";
import { GraderError, type GradeContext, type GradeOutcome } from "./types.js";

export { GraderError, type GradeContext, type JudgeCall } from "./types.js";

/** A grader's verdict: at once for the checks that need no waiting, a promise for the rest. */
function outcome(spec: GraderSpec, ctx: GradeContext): GradeOutcome | Promise<GradeOutcome> {
  switch (spec.type) {
    case "equals":
    case "contains":
    case "icontains":
    case "starts-with":
    case "regex":
    case "not-equals":
    case "not-contains":
    case "not-icontains":
    case "not-starts-with":
    case "not-regex":
      return gradeText(spec, ctx.output);
    case "is-json":
      return gradeIsJson(ctx.output);
    case "json-schema":
      return gradeJsonSchema(ctx.output, spec.schema);
    case "javascript":
      return gradeJavascript(spec, ctx);
    case "max-latency-ms": {
      if (ctx.latencyMs === null) throw new GraderError("max-latency-ms: this answer came from a provider batch (live, or recorded from one with --batch --record), which times no single call; record it live to grade latency");
      const pass = ctx.latencyMs <= spec.value;
      return { pass, score: pass ? 1 : 0, reason: `latency ${Math.round(ctx.latencyMs)} ms ${pass ? "≤" : ">"} ${spec.value} ms` };
    }
    case "max-cost": {
      if (ctx.costUsd === null) {
        throw new GraderError("cost is unknown: the provider reported no token usage (exec providers never do), or the model has no price (give inputPricePerMTok and outputPricePerMTok)");
      }
      const pass = ctx.costUsd <= spec.value;
      return { pass, score: pass ? 1 : 0, reason: `cost $${ctx.costUsd.toPrecision(3)} ${pass ? "≤" : ">"} $${spec.value}` };
    }
    case "rubric":
    case "closed-qa":
    case "factuality": {
      const key = reviewKey(spec)!;
      const human = ctx.review(key);
      return gradeWithJudge(spec, ctx).then((judged) => ({ ...judged, reviewKey: key, ...(human ? { human } : {}) }));
    }
    case "human": {
      const key = reviewKey(spec)!;
      const r = ctx.review(key);
      if (!r) return { pass: false, score: 0, reason: `awaiting human review (harness review): ${spec.instructions}`, pending: true, reviewKey: key };
      const pass = r.verdict === "pass";
      return { pass, score: pass ? 1 : 0, reason: `reviewed by ${r.reviewer}: ${r.verdict}${r.note ? ` (${r.note})` : ""}`, reviewKey: key };
    }
    default: {
      const never: never = spec;
      throw new Error(`unhandled grader ${JSON.stringify(never)}`);
    }
  }
}

/** Grades one output. Rejects with GraderError when the grader could not judge. */
export async function grade(spec: GraderSpec, ctx: GradeContext): Promise<Grade> {
  return gradeAtOnce(spec, ctx);
}

/**
 * grade(), but a grader that needs no waiting (the text, JSON and limit checks) answers with
 * its Grade at once, or throws at once: at thousands of trials a second, two async calls and
 * their microtask turns per grader were a measurable share of a run's CPU.
 */
export function gradeAtOnce(spec: GraderSpec, ctx: GradeContext): Grade | Promise<Grade> {
  let out: GradeOutcome | Promise<GradeOutcome>;
  try {
    out = outcome(spec, ctx);
  } catch (err) {
    throw couldNotJudge(spec, err);
  }
  if (!(out instanceof Promise)) return gradeOf(spec, out);
  return out.then(
    (o) => gradeOf(spec, o),
    (err: unknown) => {
      throw couldNotJudge(spec, err);
    },
  );
}

/**
 * The outcome with its grader's type first. The fields every outcome has are written in the
 * literal, so the object holds them itself; a spread after `type` put them in a property
 * store of their own, one more object for each of a run's 100,000 kept grades.
 */
function gradeOf(spec: GraderSpec, out: GradeOutcome): Grade {
  return Object.assign({ type: spec.type, pass: out.pass, score: out.score, reason: out.reason }, out);
}

/** Anything a grader throws means "could not judge", never "failed". */
function couldNotJudge(spec: GraderSpec, err: unknown): GraderError {
  return err instanceof GraderError ? err : new GraderError(`${spec.type}: ${(err as Error)?.message ?? String(err)}`);
}
