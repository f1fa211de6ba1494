/** The JSON Schema of suite files, generated from the zod schema so editors complete and check YAML. */
import { z } from "zod";
import { SuiteFileSchema } from "./schema.js";

export function suiteJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SuiteFileSchema, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
  return {
    ...schema,
    // Top-level x- keys are ignored by the loader (a place for YAML anchors); editors should accept them too.
    patternProperties: { "^x-": {} },
    title: "harness eval suite",
    description: "A suite of real failure cases: each case says which failure it guards, and is run k times.",
  };
}

export function suiteJsonSchemaText(): string {
  return `${JSON.stringify(suiteJsonSchema(), null, 2)}\n`;
}
