/** is-json and json-schema. Strict: an answer wrapped in a Markdown fence is not JSON, as a parser downstream would agree. */
import type { ErrorObject, ValidateFunction } from "ajv";
import { compileJsonSchema } from "../config/user-json-schema.js";
import { GraderError, type GradeOutcome } from "./types.js";

function parse(output: string): { ok: true; value: unknown } | { ok: false; why: string } {
  try {
    return { ok: true, value: JSON.parse(output) };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}

export function gradeIsJson(output: string): GradeOutcome {
  const r = parse(output);
  return r.ok ? { pass: true, score: 1, reason: "output is valid JSON" } : { pass: false, score: 0, reason: `output is not valid JSON: ${r.why}` };
}

async function compile(schema: Record<string, unknown>): Promise<ValidateFunction> {
  try {
    return await compileJsonSchema(schema);
  } catch (err) {
    throw new GraderError(`the json-schema grader's schema is invalid: ${(err as Error).message}`);
  }
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).slice(0, 3).map((e) => `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`).join("; ");
}

export async function gradeJsonSchema(output: string, schema: Record<string, unknown>): Promise<GradeOutcome> {
  const validate = await compile(schema);
  const r = parse(output);
  if (!r.ok) return { pass: false, score: 0, reason: `output is not valid JSON: ${r.why}` };
  if (validate(r.value)) return { pass: true, score: 1, reason: "output matches the schema" };
  return { pass: false, score: 0, reason: `output does not match the schema: ${describe(validate.errors)}` };
}
