import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { suiteJsonSchemaText } from "../src/config/json-schema.js";

describe("schema/suite.schema.json", () => {
  it("is what the zod schema generates (run `npm run schema` after changing it)", () => {
    const committed = readFileSync(new URL("../schema/suite.schema.json", import.meta.url), "utf8");
    expect(committed).toBe(suiteJsonSchemaText());
  });

  it("refuses unknown keys and names every grader type", () => {
    const schema = JSON.parse(suiteJsonSchemaText());
    expect(schema.additionalProperties).toBe(false);
    const text = JSON.stringify(schema);
    for (const t of ["equals", "not-regex", "is-json", "json-schema", "javascript", "max-latency-ms", "max-cost"]) expect(text).toContain(`"const":"${t}"`);
  });
});
