/**
 * Compiles the JSON Schemas that suites give json-schema graders, once per distinct
 * schema. The loader compiles them to report a bad schema with its line before any
 * model call; the grader reuses the compiled validator. Ajv is imported only when a
 * suite has such a grader.
 */
import type { ValidateFunction } from "ajv";
import { hashOf } from "../core/hash.js";

const compiled = new Map<string, Promise<ValidateFunction>>();

async function compile(schema: Record<string, unknown>): Promise<ValidateFunction> {
  const is2020 = typeof schema.$schema === "string" && schema.$schema.includes("2020-12");
  const mod = is2020 ? await import("ajv/dist/2020.js") : await import("ajv");
  const Ajv = mod.default.default ?? mod.default;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

/** Rejects with Ajv's own message when the schema is not a valid JSON Schema. */
export function compileJsonSchema(schema: Record<string, unknown>): Promise<ValidateFunction> {
  const key = hashOf(schema);
  let hit = compiled.get(key);
  if (!hit) {
    hit = compile(schema);
    compiled.set(key, hit);
  }
  return hit;
}
