/** Every grader type, through the one entry point the runner uses: grade(spec, ctx). */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GraderSpec } from "../src/config/schema.js";
import { grade, GraderError, type GradeContext } from "../src/graders/index.js";

let dir: string;

function ctx(output: string, extra: Partial<GradeContext> = {}): GradeContext {
  const noJudge = () => Promise.reject(new Error("no judge in these tests"));
  return { output, vars: {}, latencyMs: 100, costUsd: 0.001, suiteDir: dir, messages: [], judge: noJudge, review: () => undefined, ...extra };
}

async function passes(spec: GraderSpec, output: string, extra: Partial<GradeContext> = {}): Promise<boolean> {
  return (await grade(spec, ctx(output, extra))).pass;
}

async function graderError(spec: GraderSpec, c: GradeContext): Promise<GraderError> {
  const err = await grade(spec, c).then(
    (g) => {
      throw new Error(`expected a GraderError, got ${JSON.stringify(g)}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraderError);
  return err as GraderError;
}

declare global {
  // eslint-disable-next-line no-var
  var __graderTestImports: Record<string, number> | undefined;
}

const COUNT = (name: string) =>
  `globalThis.__graderTestImports ??= {};\nglobalThis.__graderTestImports[${JSON.stringify(name)}] = (globalThis.__graderTestImports[${JSON.stringify(name)}] ?? 0) + 1;\n`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "harness-graders-"));
  const files: Record<string, string> = {
    "bool.mjs": `${COUNT("bool")}export default (output) => output.includes("yes");\n`,
    "number.mjs": `export default (output) => Number(output);\n`,
    "object.mjs": `export default (output, context) => {
  if (output === "full") return { pass: false, score: 0.25, reason: "custom reason" };
  if (output === "bare") return { pass: true };
  if (output === "bad-score") return { pass: false, score: 7, reason: 3 };
  return { pass: output === context.vars.want, reason: "want " + context.vars.want };
};\n`,
    "named.mjs": `export function check(output) { return output === "named"; }\nexport default () => false;\n`,
    "context.mjs": `export default (output, context) => ({ pass: true, reason: JSON.stringify(context) });\n`,
    "async.mjs": `export default async (output) => { await new Promise((r) => setTimeout(r, 5)); return output.length > 2; };\n`,
    "weird.mjs": `export default (output) => output === "string" ? "yes" : output === "nan" ? NaN : output === "null" ? null : 1.5;\n`,
    "unjsonable.mjs": `export default (output) => { const loop = { pass: "x" }; loop.self = loop; return { nan: NaN, big: 5n, symbol: Symbol("s"), loop }[output]; };\n`,
    "no-default.mjs": `export const notAFunction = 1;\n`,
    "throws-on-import.mjs": `${COUNT("throws-on-import")}throw new Error("boom at import");\n`,
    "throws-on-call.mjs": `export default () => { throw new Error("boom in call"); };\n`,
    "rejects.mjs": `export default async () => { throw new TypeError("async boom"); };\n`,
    "syntax-error.mjs": `export default (output) => {\n`,
    "counted.mjs": `${COUNT("counted")}export default () => true;\nexport const other = () => false;\n`,
  };
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  delete globalThis.__graderTestImports;
});

describe("grade()", () => {
  it("returns type, pass, score and reason", async () => {
    const g = await grade({ type: "contains", value: "b" }, ctx("abc"));
    expect(g).toEqual({ type: "contains", pass: true, score: 1, reason: expect.any(String) });
    const f = await grade({ type: "contains", value: "z" }, ctx("abc"));
    expect(f).toEqual({ type: "contains", pass: false, score: 0, reason: expect.stringContaining('"z"') });
    expect(f.reason).toContain('"abc"');
  });

  it("keeps the not- form's own type in the grade", async () => {
    expect((await grade({ type: "not-contains", value: "z" }, ctx("abc"))).type).toBe("not-contains");
    expect((await grade({ type: "not-regex", value: "z" }, ctx("abc"))).type).toBe("not-regex");
  });
});

describe("equals", () => {
  it("compares after trimming surrounding white space on both sides", async () => {
    expect(await passes({ type: "equals", value: "Paris" }, "  Paris\n")).toBe(true);
    expect(await passes({ type: "equals", value: " Paris\n" }, "Paris")).toBe(true);
    expect(await passes({ type: "equals", value: "Paris" }, "paris")).toBe(false);
    expect(await passes({ type: "equals", value: "Paris" }, "Paris, France")).toBe(false);
    expect(await passes({ type: "equals", value: "a b" }, "a  b")).toBe(false);
  });

  it("not-equals inverts it, with the same trimming", async () => {
    expect(await passes({ type: "not-equals", value: "Paris" }, " Paris ")).toBe(false);
    expect(await passes({ type: "not-equals", value: "Paris" }, "London")).toBe(true);
  });
});

describe("contains / icontains", () => {
  it("contains is case-sensitive", async () => {
    expect(await passes({ type: "contains", value: "refund" }, "Your refund is on its way")).toBe(true);
    expect(await passes({ type: "contains", value: "Refund" }, "Your refund is on its way")).toBe(false);
  });

  it("not-contains inverts contains", async () => {
    expect(await passes({ type: "not-contains", value: "sorry" }, "Here you go")).toBe(true);
    expect(await passes({ type: "not-contains", value: "sorry" }, "I'm sorry")).toBe(false);
    expect(await passes({ type: "not-contains", value: "Sorry" }, "I'm sorry")).toBe(true);
  });

  it("icontains ignores case on both sides", async () => {
    expect(await passes({ type: "icontains", value: "REFUND" }, "Your Refund")).toBe(true);
    expect(await passes({ type: "icontains", value: "refund" }, "YOUR REFUND")).toBe(true);
    expect(await passes({ type: "icontains", value: "refunds" }, "Your Refund")).toBe(false);
  });

  it("not-icontains inverts icontains", async () => {
    expect(await passes({ type: "not-icontains", value: "SORRY" }, "i am sorry")).toBe(false);
    expect(await passes({ type: "not-icontains", value: "SORRY" }, "no apology")).toBe(true);
  });
});

describe("starts-with", () => {
  it("ignores leading white space in the output", async () => {
    expect(await passes({ type: "starts-with", value: "Yes" }, "\n  Yes, it is")).toBe(true);
    expect(await passes({ type: "starts-with", value: "Yes" }, "Well, yes")).toBe(false);
    expect(await passes({ type: "starts-with", value: "yes" }, "Yes")).toBe(false);
  });

  it("not-starts-with inverts it", async () => {
    expect(await passes({ type: "not-starts-with", value: "As an AI" }, "  As an AI model…")).toBe(false);
    expect(await passes({ type: "not-starts-with", value: "As an AI" }, "Sure: 42")).toBe(true);
  });
});

describe("regex", () => {
  it("matches a JavaScript regular expression", async () => {
    expect(await passes({ type: "regex", value: "^order \\d{5}$" }, "order 00731")).toBe(true);
    expect(await passes({ type: "regex", value: "^order \\d{5}$" }, "order 731")).toBe(false);
  });

  it("applies flags", async () => {
    expect(await passes({ type: "regex", value: "^paris$" }, "PARIS")).toBe(false);
    expect(await passes({ type: "regex", value: "^paris$", flags: "i" }, "PARIS")).toBe(true);
    expect(await passes({ type: "regex", value: "^b$" }, "a\nb\nc")).toBe(false);
    expect(await passes({ type: "regex", value: "^b$", flags: "m" }, "a\nb\nc")).toBe(true);
    expect(await passes({ type: "regex", value: "a.c", flags: "s" }, "a\nc")).toBe(true);
    expect(await passes({ type: "regex", value: "\\p{Lu}", flags: "u" }, "é É")).toBe(true);
  });

  it("gives the same answer on every call with a g flag (no lastIndex carried between trials)", async () => {
    const spec: GraderSpec = { type: "regex", value: "cat", flags: "g" };
    const results: boolean[] = [];
    for (let i = 0; i < 6; i++) results.push(await passes(spec, "the cat sat"));
    expect(results).toEqual([true, true, true, true, true, true]);
    const negated: GraderSpec = { type: "not-regex", value: "cat", flags: "gi" };
    const nresults: boolean[] = [];
    for (let i = 0; i < 6; i++) nresults.push(await passes(negated, "the CAT sat"));
    expect(nresults).toEqual([false, false, false, false, false, false]);
  });

  it("names the pattern and flags in the reason", async () => {
    const g = await grade({ type: "regex", value: "^x+$", flags: "i" }, ctx("nope"));
    expect(g.pass).toBe(false);
    expect(g.reason).toContain("/^x+$/i");
    expect(g.reason).toContain('"nope"');
  });

  it("not-regex inverts it", async () => {
    expect(await passes({ type: "not-regex", value: "\\bTODO\\b" }, "all done")).toBe(true);
    expect(await passes({ type: "not-regex", value: "\\bTODO\\b" }, "TODO: finish")).toBe(false);
    expect(await passes({ type: "not-regex", value: "todo", flags: "i" }, "TODO")).toBe(false);
  });

  it("an invalid pattern (the loader normally refuses it) is a GraderError, not a failure", async () => {
    await graderError({ type: "regex", value: "(" }, ctx("x"));
  });
});

describe("is-json", () => {
  it("passes valid JSON of any kind", async () => {
    for (const out of ['{"a":1}', "[1,2]", "42", '"s"', "null", '  {"a": [true]}  \n']) {
      expect(await passes({ type: "is-json" }, out), out).toBe(true);
    }
  });

  it("fails invalid JSON, and a Markdown-fenced answer, with the parser's complaint", async () => {
    for (const out of ["", "{a:1}", "```json\n{\"a\":1}\n```", "{'a':1}", "[1,]"]) {
      const g = await grade({ type: "is-json" }, ctx(out));
      expect(g.pass, out).toBe(false);
      expect(g.score).toBe(0);
      expect(g.reason).toMatch(/^output is not valid JSON: /);
    }
  });
});

describe("json-schema", () => {
  const schema = {
    type: "object",
    required: ["intent", "order_id"],
    additionalProperties: false,
    properties: {
      intent: { enum: ["track", "cancel"] },
      order_id: { type: ["string", "null"] },
      items: { type: "array", items: { type: "object", properties: { qty: { type: "integer", minimum: 1 } } } },
    },
  };

  it("passes output that matches", async () => {
    const g = await grade({ type: "json-schema", schema }, ctx('{"intent":"track","order_id":"00731"}'));
    expect(g).toEqual({ type: "json-schema", pass: true, score: 1, reason: expect.any(String) });
  });

  it("fails output that does not match, naming the path", async () => {
    const g = await grade({ type: "json-schema", schema }, ctx('{"intent":"track","order_id":731}'));
    expect(g.pass).toBe(false);
    expect(g.score).toBe(0);
    expect(g.reason).toContain("/order_id");
    const deep = await grade({ type: "json-schema", schema }, ctx('{"intent":"track","order_id":null,"items":[{"qty":1},{"qty":0}]}'));
    expect(deep.pass).toBe(false);
    expect(deep.reason).toContain("/items/1/qty");
  });

  it("names the root for a problem at the top", async () => {
    const g = await grade({ type: "json-schema", schema }, ctx("[1]"));
    expect(g.pass).toBe(false);
    expect(g.reason).toContain("(root)");
  });

  it("fails output that is not JSON at all", async () => {
    const g = await grade({ type: "json-schema", schema }, ctx("intent: track"));
    expect(g.pass).toBe(false);
    expect(g.reason).toMatch(/not valid JSON/);
  });

  it("supports draft 2020-12 schemas", async () => {
    const s2020 = { $schema: "https://json-schema.org/draft/2020-12/schema", type: "array", prefixItems: [{ type: "string" }, { type: "number" }], items: false };
    expect(await passes({ type: "json-schema", schema: s2020 }, '["a", 1]')).toBe(true);
    expect(await passes({ type: "json-schema", schema: s2020 }, '["a", 1, 2]')).toBe(false);
    expect(await passes({ type: "json-schema", schema: s2020 }, "[1, 1]")).toBe(false);
  });

  it("gives the same answer when the same schema is used again (compiled once, cached)", async () => {
    const spec: GraderSpec = { type: "json-schema", schema: { type: "object", required: ["a"] } };
    for (let i = 0; i < 3; i++) {
      expect(await passes(spec, '{"a":1}')).toBe(true);
      expect(await passes(spec, '{"b":1}')).toBe(false);
    }
  });

  it("an invalid schema is a GraderError, not a failed grade", async () => {
    const err = await graderError({ type: "json-schema", schema: { type: "no-such-type" } }, ctx("{}"));
    expect(err.message).toMatch(/schema is invalid/);
    await graderError({ type: "json-schema", schema: { type: "object", properties: { a: { minimum: "ten" } } } }, ctx("{}"));
  });
});

describe("javascript", () => {
  it("a boolean result is pass/fail with score 1/0", async () => {
    expect(await grade({ type: "javascript", file: "bool.mjs" }, ctx("yes please"))).toEqual({ type: "javascript", pass: true, score: 1, reason: expect.any(String) });
    expect(await grade({ type: "javascript", file: "bool.mjs" }, ctx("no"))).toEqual({ type: "javascript", pass: false, score: 0, reason: expect.any(String) });
  });

  it("a number in [0, 1] is the score, passing at 0.5 or more", async () => {
    const g = (out: string) => grade({ type: "javascript", file: "number.mjs" }, ctx(out));
    expect(await g("0.75")).toMatchObject({ pass: true, score: 0.75 });
    expect(await g("0.5")).toMatchObject({ pass: true, score: 0.5 });
    expect(await g("0.49")).toMatchObject({ pass: false, score: 0.49 });
    expect(await g("0")).toMatchObject({ pass: false, score: 0 });
    expect(await g("1")).toMatchObject({ pass: true, score: 1 });
  });

  it("a number outside [0, 1], NaN, null or a string is a GraderError", async () => {
    await graderError({ type: "javascript", file: "number.mjs" }, ctx("1.01"));
    await graderError({ type: "javascript", file: "number.mjs" }, ctx("-0.1"));
    for (const out of ["string", "nan", "null", "other"]) await graderError({ type: "javascript", file: "weird.mjs" }, ctx(out));
  });

  it("says what a result JSON cannot hold was (NaN, a BigInt, a symbol, a loop), and what was expected", async () => {
    const said = async (out: string) => (await graderError({ type: "javascript", file: "unjsonable.mjs" }, ctx(out))).message;
    const expected = "; expected a boolean, a score in [0, 1], or { pass, score?, reason? }";
    expect(await said("nan")).toBe(`unjsonable.mjs returned NaN${expected}`);
    expect(await said("big")).toBe(`unjsonable.mjs returned 5n${expected}`);
    expect(await said("symbol")).toBe(`unjsonable.mjs returned Symbol(s)${expected}`);
    expect(await said("loop")).toBe(`unjsonable.mjs returned <ref *1> { pass: 'x', self: [Circular *1] }${expected}`);
  });

  it("an object result gives pass, score and reason, defaulting what it leaves out", async () => {
    const spec: GraderSpec = { type: "javascript", file: "object.mjs" };
    expect(await grade(spec, ctx("full"))).toEqual({ type: "javascript", pass: false, score: 0.25, reason: "custom reason" });
    expect(await grade(spec, ctx("bare"))).toEqual({ type: "javascript", pass: true, score: 1, reason: expect.stringContaining("object.mjs") });
    expect(await grade(spec, ctx("bad-score"))).toEqual({ type: "javascript", pass: false, score: 0, reason: expect.any(String) });
    expect(await grade(spec, ctx("x", { vars: { want: "x" } }))).toEqual({ type: "javascript", pass: true, score: 1, reason: "want x" });
    expect(await grade(spec, ctx("y", { vars: { want: "x" } }))).toMatchObject({ pass: false, score: 0 });
  });

  it("awaits an async function", async () => {
    expect(await passes({ type: "javascript", file: "async.mjs" }, "long")).toBe(true);
    expect(await passes({ type: "javascript", file: "async.mjs" }, "no")).toBe(false);
  });

  it("passes vars, latency, cost and the spec's config as the context", async () => {
    const g = await grade(
      { type: "javascript", file: "context.mjs", config: { threshold: 3 } },
      ctx("out", { vars: { a: 1 }, latencyMs: 250, costUsd: 0.5 }),
    );
    expect(JSON.parse(g.reason)).toEqual({ vars: { a: 1 }, latencyMs: 250, costUsd: 0.5, config: { threshold: 3 } });
  });

  it("calls a named export when given one", async () => {
    expect(await passes({ type: "javascript", file: "named.mjs", export: "check" }, "named")).toBe(true);
    expect(await passes({ type: "javascript", file: "named.mjs" }, "named")).toBe(false);
  });

  it("resolves the file against the suite folder", async () => {
    expect(await passes({ type: "javascript", file: "./bool.mjs" }, "yes", { suiteDir: dir })).toBe(true);
    expect(await passes({ type: "javascript", file: path.join(path.basename(dir), "bool.mjs") }, "yes", { suiteDir: path.dirname(dir) })).toBe(true);
  });

  it("a missing export is a GraderError naming it", async () => {
    const err = await graderError({ type: "javascript", file: "no-default.mjs" }, ctx("x"));
    expect(err.message).toContain('"default"');
    const named = await graderError({ type: "javascript", file: "named.mjs", export: "nope" }, ctx("x"));
    expect(named.message).toContain('"nope"');
    const notFn = await graderError({ type: "javascript", file: "no-default.mjs", export: "notAFunction" }, ctx("x"));
    expect(notFn.message).toContain('"notAFunction"');
  });

  it("a missing module is a GraderError", async () => {
    const err = await graderError({ type: "javascript", file: "does-not-exist.mjs" }, ctx("x"));
    expect(err.message).toContain("does-not-exist.mjs");
  });

  it("a module that throws while loading is a GraderError, every time, and is not re-imported", async () => {
    const spec: GraderSpec = { type: "javascript", file: "throws-on-import.mjs" };
    const first = await graderError(spec, ctx("x"));
    expect(first.message).toContain("boom at import");
    const second = await graderError(spec, ctx("x"));
    expect(second.message).toContain("boom at import");
    expect(globalThis.__graderTestImports?.["throws-on-import"]).toBe(1);
  });

  it("a module with a syntax error is a GraderError", async () => {
    await graderError({ type: "javascript", file: "syntax-error.mjs" }, ctx("x"));
  });

  it("a function that throws or rejects is a GraderError naming the file and the message", async () => {
    const err = await graderError({ type: "javascript", file: "throws-on-call.mjs" }, ctx("x"));
    expect(err.message).toContain("throws-on-call.mjs");
    expect(err.message).toContain("boom in call");
    const rej = await graderError({ type: "javascript", file: "rejects.mjs" }, ctx("x"));
    expect(rej.message).toContain("async boom");
  });

  it("imports each module once, however many trials, exports or concurrent calls use it", async () => {
    const spec: GraderSpec = { type: "javascript", file: "counted.mjs" };
    await Promise.all(Array.from({ length: 10 }, () => grade(spec, ctx("x"))));
    for (let i = 0; i < 5; i++) await grade(spec, ctx("x"));
    await grade({ type: "javascript", file: "counted.mjs", export: "other" }, ctx("x"));
    await grade({ type: "javascript", file: "./counted.mjs" }, ctx("x"));
    expect(globalThis.__graderTestImports?.["counted"]).toBe(1);
    // bool.mjs was used by several tests above: still one import.
    await grade({ type: "javascript", file: "bool.mjs" }, ctx("x"));
    expect(globalThis.__graderTestImports?.["bool"]).toBe(1);
  });
});

describe("max-latency-ms", () => {
  it("passes at or under the limit and fails over it", async () => {
    const spec: GraderSpec = { type: "max-latency-ms", value: 500 };
    expect(await passes(spec, "x", { latencyMs: 499.6 })).toBe(true);
    expect(await passes(spec, "x", { latencyMs: 500 })).toBe(true);
    expect(await passes(spec, "x", { latencyMs: 500.1 })).toBe(false);
    const g = await grade(spec, ctx("x", { latencyMs: 1234 }));
    expect(g).toEqual({ type: "max-latency-ms", pass: false, score: 0, reason: expect.stringContaining("1234") });
  });
});

describe("max-cost", () => {
  it("passes at or under the limit and fails over it", async () => {
    const spec: GraderSpec = { type: "max-cost", value: 0.01 };
    expect(await passes(spec, "x", { costUsd: 0.005 })).toBe(true);
    expect(await passes(spec, "x", { costUsd: 0.01 })).toBe(true);
    expect(await passes(spec, "x", { costUsd: 0.0101 })).toBe(false);
    expect(await passes({ type: "max-cost", value: 0 }, "x", { costUsd: 0 })).toBe(true);
    const g = await grade(spec, ctx("x", { costUsd: 0.02 }));
    expect(g).toEqual({ type: "max-cost", pass: false, score: 0, reason: expect.stringContaining("0.02") });
  });

  it("an unknown cost is a GraderError (cannot judge), not a pass or a fail", async () => {
    const err = await graderError({ type: "max-cost", value: 1 }, ctx("x", { costUsd: null }));
    expect(err.message).toMatch(/cost is unknown/);
  });
});

describe("a regex that backtracks catastrophically", () => {
  it("is stopped after its time limit and makes the trial errored, not the process hang", async () => {
    const err = await graderError({ type: "regex", value: "(a+)+$" }, ctx(`${"a".repeat(40)}b`));
    expect(err.message).toMatch(/did not finish within 1000 ms on an output of 41 characters/);
  });

  it("ordinary regexes on long outputs still match", async () => {
    expect(await passes({ type: "regex", value: "refund", flags: "i" }, `${"x".repeat(200_000)} REFUND`)).toBe(true);
  });
});
