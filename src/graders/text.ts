/** String checks. Each has a `not-` form that inverts it. */
import type { GradeOutcome } from "./types.js";

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
      return new RegExp(value, flags).test(output);
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
