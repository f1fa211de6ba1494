/**
 * Property-based tests (fast-check): generated suites and garbage never make the loader
 * throw anything but the project's own config errors; the statistics keep their laws.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadSuites } from "../src/config/load.js";
import { fisherLess, passAtK, passHatK, suitePassRateInterval } from "../src/core/stats.js";
import { ConfigError, UsageError } from "../src/errors.js";

const word = fc.constantFrom("provider", "prompt", "messages", "cases", "graders", "vars", "trials", "id", "type", "value", "judge", "votes", "threshold", "instructions", "x");
const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom("openai:gpt-4o-mini", "exec:node a.js", "contains", "rubric", "human", "{{q}}", "file://x.md", "(unclosed"));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, scalar, fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(word, tie("node"), { maxKeys: 5 })),
})).node;

async function loadText(text: string): Promise<"ok" | "config-error"> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "harness-prop-"));
  await writeFile(path.join(dir, "s.yaml"), text);
  try {
    await loadSuites(["s.yaml"], { cwd: dir });
    return "ok";
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) return "config-error";
    throw err;
  }
}

describe("the loader, on generated input", () => {
  it("never throws anything but ConfigError or UsageError, whatever the structure", async () => {
    await fc.assert(fc.asyncProperty(value, async (v) => {
      expect(["ok", "config-error"]).toContain(await loadText(stringify(v)));
    }), { numRuns: 150, seed: 20261124 });
  }, 60_000);

  it("nor on arbitrary text", async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), async (t) => {
      expect(["ok", "config-error"]).toContain(await loadText(t));
    }), { numRuns: 150, seed: 7 });
  }, 60_000);
});

describe("statistics, as laws", () => {
  const counts = fc.integer({ min: 1, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n })));

  it("0 ≤ pass^k ≤ pass@1 ≤ pass@k ≤ 1, and more passes never lowers either", () => {
    fc.assert(fc.property(counts, ([n, c, k]) => {
      const at = passAtK(n, c, k);
      const hat = passHatK(n, c, k);
      expect(hat).toBeGreaterThanOrEqual(0);
      expect(hat).toBeLessThanOrEqual(c / n + 1e-12);
      expect(c / n).toBeLessThanOrEqual(at + 1e-12);
      expect(at).toBeLessThanOrEqual(1);
      if (c < n) {
        expect(passAtK(n, c + 1, k)).toBeGreaterThanOrEqual(at - 1e-12);
        expect(passHatK(n, c + 1, k)).toBeGreaterThanOrEqual(hat - 1e-12);
      }
    }), { seed: 1 });
  });

  it("a drop is never less likely than the same drop with more passes now", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.nat(), fc.nat(), (nB, nC, a, b) => {
      const cB = a % (nB + 1);
      const cC = b % nC;
      expect(fisherLess(cB, nB, cC + 1, nC)).toBeGreaterThanOrEqual(fisherLess(cB, nB, cC, nC) - 1e-12);
    }), { seed: 2 });
  });

  it("the suite interval holds its rate and stays in [0, 1]", () => {
    const cases = fc.array(fc.integer({ min: 1, max: 10 }).chain((n) => fc.record({ n: fc.constant(n), c: fc.integer({ min: 0, max: n }) })), { minLength: 1, maxLength: 30 });
    fc.assert(fc.property(cases, (cs) => {
      const { rate, interval } = suitePassRateInterval(cs);
      expect(interval[0]).toBeGreaterThanOrEqual(0);
      expect(interval[1]).toBeLessThanOrEqual(1);
      expect(interval[0]).toBeLessThanOrEqual(rate + 1e-12);
      expect(interval[1]).toBeGreaterThanOrEqual(rate - 1e-12);
    }), { seed: 3 });
  });
});

describe("renderJsonChunks", () => {
  it("writes the same data as JSON.stringify, indented as it indents down to `depth` and on one line below, NaN and undefined included", async () => {
    const { renderJsonChunks } = await import("../src/reporters/json.js");
    const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
      array: fc.array(tie("tree"), { maxLength: 5 }),
      object: fc.dictionary(fc.string({ maxLength: 6 }), tie("tree"), { maxKeys: 5 }),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), tree, { maxKeys: 6 }), fc.integer({ min: 0, max: 6 }), (value, depth) => {
        const text = [...renderJsonChunks(value as never, depth)].join("");
        expect(JSON.parse(text)).toStrictEqual(JSON.parse(JSON.stringify(value)));
        // Strings in JSON never hold a raw newline: every line break is the layout's.
        for (const line of text.split("\n")) expect(/^ */.exec(line)![0].length).toBeLessThanOrEqual(2 * depth);
        expect([...renderJsonChunks(value as never, 0)].join("")).toBe(`${JSON.stringify(value)}\n`);
        expect([...renderJsonChunks(value as never, 100)].join("")).toBe(`${JSON.stringify(value, null, 2)}\n`);
      }),
      { numRuns: 400 },
    );
  });
});
