/** Turns zod's issues into problems a person can act on: the place in the file, and plain words. */
import { isMap, type Document, type LineCounter } from "yaml";
import type { z } from "zod";
import type { ConfigProblem } from "../errors.js";
import { formatPath } from "./format-path.js";
import { missingKey, plainWords } from "./issue-words.js";
import { positionOf } from "./positions.js";
import { GRADER_TYPES, GraderSpecSchema, KNOWN_KEYS } from "./schema.js";

export function describeIssue(issue: z.core.$ZodIssue, doc: Document, lineCounter: LineCounter, file: string): ConfigProblem[] {
  const p = issue.path.filter((k): k is string | number => typeof k !== "symbol");
  const where = (key?: string) => ({ file, path: formatPath(key === undefined ? p : [...p, key]), ...positionOf(doc, lineCounter, p, key) });
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const takers = GraderSpecSchema.options.filter((o) => key in o.shape && key !== "type").map((o) => o.shape.type.value);
      if (KNOWN_KEYS.includes(key)) {
        const where_ = takers.length > 0 ? `only ${takers.join(", ")} graders take it` : "it belongs elsewhere in a suite";
        return { ...where(key), message: `"${key}" is not a key here: ${where_}` };
      }
      if (key.startsWith("x-")) return { ...where(key), message: `unknown key "${key}" (x- keys are ignored only at a suite's top level)` };
      const guess = closest(key, KNOWN_KEYS);
      return { ...where(key), message: `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}` };
    });
  }
  if (issue.code === "invalid_union" && "discriminator" in issue && issue.discriminator === "type") {
    const value = doc.getIn(p);
    if (value === undefined) return [{ ...where(), message: `missing \`type:\`; expected one of: ${GRADER_TYPES.join(", ")}` }];
    const guess = closest(String(value), GRADER_TYPES);
    return [{ ...where(), message: `unknown grader "${String(value)}"${guess ? ` (did you mean "${guess}"?)` : ""}; expected one of: ${GRADER_TYPES.join(", ")}` }];
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // A union (e.g. provider: string or {id, config}): explain the branch the value was aiming at,
    // the one that got furthest before failing, rather than zod's bare "Invalid input".
    const depth = (branch: z.core.$ZodIssue[]) => Math.max(...branch.map((i) => i.path.length + (i.code === "invalid_type" ? 0 : 0.5)));
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
    return best.flatMap((inner) => describeIssue({ ...inner, path: [...issue.path, ...inner.path] }, doc, lineCounter, file));
  }
  if (issue.code === "invalid_type" && doc.getIn(p) === undefined) {
    return [{ ...where(), message: missingKey(issue.expected) }];
  }
  const message = plainWords(issue);
  // `prompt: {{q}}` unquoted is a YAML mapping inside a mapping, not a template.
  const node = doc.getIn(p, true);
  if (issue.code === "invalid_type" && issue.expected === "string" && isMap(node) && node.flow) {
    return [{ ...where(), message: `${message}: a value that starts with { is read as a YAML mapping; put a {{template}} in quotes, e.g. "{{question}}"` }];
  }
  return [{ ...where(), message }];
}

/** The known name nearest to `word` by edit distance, if it is a plausible typo. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
