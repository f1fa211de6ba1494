/** String checks. Each has a `not-` form that inverts it. */
import vm from "node:vm";
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

export function gradeText(check: TextCheck, negate: boolean, output: string, value: string, flags?: string): GradeOutcome {
  const hit = test(check, output, value, flags);
  const pass = negate ? !hit : hit;
  const expected = `${negate ? "must not" : "must"} ${VERB[check]} ${check === "regex" ? `/${value}/${flags ?? ""}` : JSON.stringify(value)}`;
  const reason = pass ? `${expected}: ok` : `output ${expected}; got ${snippet(output)}`;
  return { pass, score: pass ? 1 : 0, reason };
}
