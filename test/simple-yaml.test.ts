/**
 * The simple YAML reader is a fast path in front of the yaml library: whatever it takes,
 * it must read exactly as the library does, value and lines, and it must take the suites
 * people write, or it is no faster. Checked on the project's own suites and on generated
 * texts full of YAML's traps, against the library itself.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseYaml } from "../src/config/parse-yaml.js";
import { positionOf } from "../src/config/positions.js";
import { parseSimpleYaml } from "../src/config/simple-yaml.js";

const ROOT = path.resolve(import.meta.dirname, "..");

/** What the loader's slow path reads from `text`: the value and a line finder, or undefined when it refuses the text. */
function library(text: string) {
  const yaml = parseYaml(text);
  if (yaml.kind !== "document" || yaml.errors.length > 0) return undefined;
  let value: unknown;
  try {
    value = yaml.doc.toJS();
  } catch {
    return undefined;
  }
  return { value, lineOf: (p: (string | number)[]) => positionOf(yaml.doc, yaml.lineCounter, p)?.line };
}

/** Every path to a value inside `value`. */
function pathsIn(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsIn(v, [...prefix, i])));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...pathsIn(v, [...prefix, k]));
  return out;
}

/** Asserts the simple reader agrees with the library on `text`; says whether it took the text. */
function agrees(text: string): boolean {
  const simple = parseSimpleYaml(text);
  if (!simple) return false;
  const lib = library(text);
  expect(lib, `the library refuses a text the simple reader took:\n${text}`).toBeDefined();
  expect(simple.value).toStrictEqual(lib!.value);
  for (const p of pathsIn(simple.value)) expect(simple.lineOf(p), `line of ${JSON.stringify(p)} in:\n${text}`).toBe(lib!.lineOf(p));
  return true;
}

describe("the simple YAML reader", () => {
  it.each(["evals/refund-policy.yaml", "evals/order-router.yaml", "templates/init/evals/example.yaml"])("takes %s and reads it as the yaml library does", (file) => {
    expect(agrees(readFileSync(path.join(ROOT, file), "utf8"))).toBe(true);
  });

  it("takes a big generated suite, with each case's line", () => {
    const lines = ["name: big", "provider: openai:gpt-4o-mini", 'prompt: "Answer question {{n}}"', "graders:", "  - type: contains", "    value: ok", "cases:"];
    for (let i = 1; i <= 300; i++) lines.push(`  - id: case-${i}`, `    vars: { n: ${i} }`);
    const text = `${lines.join("\n")}\n`;
    expect(agrees(text)).toBe(true);
    expect(parseSimpleYaml(text)!.lineOf(["cases", 299])).toBe(8 + 2 * 299);
  });

  it.each([
    ["a: 1\n", { a: 1 }],
    ["a: -1.50\n", { a: -1.5 }],
    ["a: yes\nb: ~\nc: True\nd: 1.2.3\n", { a: "yes", b: null, c: true, d: "1.2.3" }],
    ["a: x #c\nb: C#\n", { a: "x", b: "C#" }],
    ["a: 'it''s'\nb: \"q\\\"\\n\\u00e9\"\n", { a: "it's", b: 'q"\né' }],
    ["a: { n: 1, m: [x, 'y z', -2] }\nb: []\n", { a: { n: 1, m: ["x", "y z", -2] }, b: [] }],
    ["a:\n- x\n- y\nb: 2\n", { a: ["x", "y"], b: 2 }],
    ["a: |\n  one\n\n  two  \n\nb: >-\n  f\n  g\n\n  h\n", { a: "one\n\ntwo  \n", b: "f g\nh" }],
    ["k:\n  - id: a\n    v:\n      - 1\n", { k: [{ id: "a", v: [1] }] }],
  ])("reads %j", (text, expected) => {
    expect(parseSimpleYaml(text)?.value).toStrictEqual(expected);
    expect(agrees(text)).toBe(true);
  });

  it.each([
    ["a: 1\na: 2\n", "a duplicate key"],
    ["a: &x 1\nb: *x\n", "anchors and aliases"],
    ["a: !!str 1\n", "a tag"],
    ["a: 0x1F\nb: 1e3\n", "a number the reader does not resolve itself"],
    ["a: b\n  c\n", "a plain scalar over two lines"],
    ["a: b: c\n", "a mapping inside a one-line value"],
    ["a: |+\n  x\n", "keep chomping"],
    ["a: \"x\n  y\"\n", "a quoted scalar over two lines"],
    ["a:\tb\n", "a tab"],
    ["a: b\r\n", "a carriage return"],
    ["---\na: b\n", "a document marker"],
    ["- a\n", "a sequence at the top"],
    ["\"a\": b\n", "a quoted key"],
    ["a: [x, ]\n", "a trailing comma"],
    ["a: |\n  x", "a block scalar with no final line break"],
  ])("leaves %j to the yaml library (%s)", (text) => {
    expect(parseSimpleYaml(text)).toBeUndefined();
  });
});

// Pieces chosen for YAML's traps: numbers of every form, null and bool spellings, colons
// and hashes inside values, quotes and escapes, flow collections, indicators.
const SCALARS = [
  "a", "hello world", "x: y", "x:", "a #c", "a#b", "C#", "-x", "-1", "-0", "0", "007", "12", "1.5", "-2.25", "1.", ".5", "1e3", "0x1F", "0o7",
  "+1", ".inf", "-.inf", ".nan", "~", "null", "NULL", "Null", "nUll", "true", "True", "TRUE", "tRue", "yes", "no", "2024-01-01", "1.2.3",
  "http://x.y/z", "a:b", "a :b", "'it''s'", "'a'", "' a '", '"a\\nb"', '"q\\"x"', '"\\u00e9\\/"', '"\\x41"', '"\\e"', '"t\\tx"', '""', "''", "[a, b]", "[]", "{}", "{ n: 1 }",
  "{n: 1, m: [x, 'y']}", "[a, ]", "[a b, -1, 2.5]", "{ a: b: c }", "{ a: 1, a: 2 }", "[[x], {y: z}]", "&a x", "*a", "!!str 1", "? x", "%x", "@x", "`x",
  "a  ", "é ü ✓", "a  # comment", "'unterminated", '"unterminated', "[unterminated", "a, b", "x ]", "#", "'a' b", '"a"# c', '"a" # c',
  "😀 ok", "it's", "a  b", "'a #b'", "['a', \"b\"]", '{ "a": 1 }', "[a] # c", "-", ":", "a: b #", '"a\\', '"\\uZZZZ"', "' '", '"x" y',
  "123456789012345678", "0.1", "-0.5", "1.0000000000000001", "{ n: }", "[a, [b, [c]]]", "{ a: { b: 1 } }", "a\u2028b",
];
// What suites mostly hold, so that texts without a trap are common enough to compare.
const PLAIN = ["a", "hello world", "12", "1.5", "-3", "true", "null", "'quoted'", '"double"', "{ n: 1 }", "[a, b]", "C#", "a:b", "é ü ✓"];
const KEYS = ["id", "name", "vars", "n", "prompt", "a-b", "_x", "dup", "dup"];
const ODD_KEYS = ["true", "null", "Null", "x y", "'q'", "1", "__proto__", "a.b", "<<"];
const BLOCK_LINES = ["line", "two words", "line", "two words", "# not a comment", "a: b", "- x", "", "trailing ", "  more indented", "   ", "    deeper"];

/** A generated YAML text of nested mappings and sequences, from a seed. */
function generate(rng: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const chance = (p: number) => rng() < p;
  const out: string[] = [];
  const scalar = () => (chance(0.8) ? pick(PLAIN) : pick(SCALARS));
  const pad = (n: number) => " ".repeat(Math.max(0, n));
  const noise = (indent: number) => {
    if (chance(0.08)) out.push(chance(0.5) ? "" : `${pad(indent + Math.floor(rng() * 3) - 1)}# note`);
  };
  const blockScalar = (indent: number) => {
    const base = indent + pick([0, 1, 2, 2, 2, 3]);
    const n = 1 + Math.floor(rng() * 4);
    if (chance(0.15)) out.push(pad(base + 2));
    for (let i = 0; i < n; i++) {
      const l = pick(BLOCK_LINES);
      out.push(l === "" ? "" : l.trim() === "" ? l : `${pad(base)}${l}`);
    }
  };
  const mapping = (indent: number, depth: number, first?: string) => {
    const n = 1 + Math.floor(rng() * 4);
    for (let i = 0; i < n; i++) {
      const key = chance(0.9) ? pick(KEYS) : pick(ODD_KEYS);
      const lead = i === 0 && first !== undefined ? first : pad(indent + (chance(0.04) ? pick([-1, 1]) : 0));
      const shape = depth > 3 ? 0 : rng();
      if (shape < 0.6) out.push(`${lead}${key}: ${scalar()}`);
      else if (shape < 0.7) {
        out.push(`${lead}${key}: ${pick(["|", ">", "|-", ">-", "|+", "| # c", "|2"])}`);
        blockScalar(indent);
      } else if (shape < 0.85) {
        out.push(`${lead}${key}:`);
        sequence(indent + pick([0, 2, 2, 4]), depth + 1);
      } else {
        out.push(`${lead}${key}:${chance(0.1) ? "  # c" : ""}`);
        if (chance(0.9)) mapping(indent + pick([1, 2, 2, 4]), depth + 1);
      }
      noise(indent);
    }
  };
  const sequence = (indent: number, depth: number) => {
    const n = 1 + Math.floor(rng() * 4);
    for (let i = 0; i < n; i++) {
      const lead = `${pad(indent + (chance(0.04) ? 1 : 0))}-${pick([" ", " ", "  "])}`;
      const shape = depth > 3 ? 0 : rng();
      if (shape < 0.5) out.push(`${lead}${scalar()}`);
      else if (shape < 0.9) mapping(lead.length, depth + 1, lead);
      else if (shape < 0.95) {
        out.push(`${lead}${pick(["|", ">-"])}`);
        blockScalar(indent);
      } else out.push(`${lead.trimEnd()}`);
      noise(indent);
    }
  };
  mapping(0, 0);
  let text = out.join("\n");
  if (chance(0.9)) text += "\n";
  return text;
}

describe("the simple YAML reader, on generated texts", () => {
  it("reads every text it takes exactly as the yaml library does, and takes many of them", () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.noBias(fc.integer({ min: 0, max: 2 ** 31 - 1 })), (seed) => {
        let s = seed >>> 0;
        const rng = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
        runs++;
        if (agrees(generate(rng))) taken++;
      }),
      { numRuns: 4000, seed: 20261129 },
    );
    // The traps make most texts fall back; enough must still be taken for the check to mean something.
    expect(taken / runs).toBeGreaterThan(0.1);
  });
});
