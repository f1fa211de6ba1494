/** String checks. Each has a `not-` form that inverts it. */
import vm from "node:vm";
import type { GraderSpec } from "../config/schema.js";
import { GraderError, type GradeOutcome } from "./types.js";

/**
 * A regex that backtracks catastrophically on a long output (say /(a+)+$/) would block the
 * whole process, beyond the reach of timeouts and Ctrl-C. The match runs as a script in a
 * separate context with a time limit, which V8 can interrupt mid-match.
 */
export const REGEX_TIME_LIMIT_MS = 1000;
const regexScript = new vm.Script("re.test(s)");
const regexContext = vm.createContext({ re: /(?:)/, s: "" });

function boundedTest(re: RegExp, text: string): boolean {
  regexContext.re = re;
  regexContext.s = text;
  try {
    return regexScript.runInContext(regexContext, { timeout: REGEX_TIME_LIMIT_MS }) as boolean;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      throw new GraderError(`regex /${re.source}/ did not finish within ${REGEX_TIME_LIMIT_MS} ms on an output of ${text.length} characters: it backtracks catastrophically; rewrite it`);
    }
    throw err;
  } finally {
    regexContext.s = "";
  }
}

export type TextCheck = "equals" | "contains" | "icontains" | "starts-with" | "regex";

/** The text graders: each TextCheck and its `not-` form. */
export type TextSpec = Extract<GraderSpec, { type: TextCheck | `not-${TextCheck}` }>;

const SNIPPET = 80;

function snippet(s: string): string {
  const one = s.replace(/\s+/g, " ").trim();
  return JSON.stringify(one.length > SNIPPET ? `${one.slice(0, SNIPPET)}…` : one);
}

function test(check: TextCheck, output: string, value: string, flags: string | undefined): boolean {
  switch (check) {
    case "equals":
      return output.trim() === value.trim();
    case "contains":
      return output.includes(value);
    case "icontains":
      return output.toLowerCase().includes(value.toLowerCase());
    case "starts-with":
      return output.trimStart().startsWith(value);
    case "regex":
      // A fresh RegExp per call: with "g" or "y", a shared one would carry lastIndex from trial to trial.
      return boundedTest(new RegExp(value, flags), output);
  }
}

const VERB: Record<TextCheck, string> = {
  equals: "equal",
  contains: "contain",
  icontains: "contain (ignoring case)",
  "starts-with": "start with",
  regex: "match",
};

interface Check {
  check: TextCheck;
  negate: boolean;
  flags: string | undefined;
  /** What the reason says was expected, e.g. `must contain "ok"`. */
  expected: string;
  /** The whole reason when the check passes. */
  passed: string;
}

/**
 * Each spec's check, worked out once: every passing trial of a case then shares one reason
 * string. Built per trial, it was a chain of string pieces that each of 100,000 trials kept.
 */
const checks = new WeakMap<TextSpec, Check>();

function checkOf(spec: TextSpec): Check {
  let c = checks.get(spec);
  if (!c) {
    const negate = spec.type.startsWith("not-");
    const check = (negate ? spec.type.slice("not-".length) : spec.type) as TextCheck;
    const flags = "flags" in spec ? spec.flags : undefined;
    const expected = `${negate ? "must not" : "must"} ${VERB[check]} ${check === "regex" ? `/${spec.value}/${flags ?? ""}` : JSON.stringify(spec.value)}`;
    checks.set(spec, (c = { check, negate, flags, expected, passed: `${expected}: ok` }));
  }
  return c;
}

export function gradeText(spec: TextSpec, output: string): GradeOutcome {
  const { check, negate, flags, expected, passed } = checkOf(spec);
  const hit = test(check, output, spec.value, flags);
  const pass = negate ? !hit : hit;
  return { pass, score: pass ? 1 : 0, reason: pass ? passed : `output ${expected}; got ${snippet(output)}` };
}
