/** Writes schema/suite.schema.json from the zod schema. A test fails when the committed file is stale. */
import { writeFileSync } from "node:fs";
import { suiteJsonSchemaText } from "../src/config/json-schema.js";

writeFileSync(new URL("../schema/suite.schema.json", import.meta.url), suiteJsonSchemaText());
console.log("wrote schema/suite.schema.json");
