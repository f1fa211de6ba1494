/**
 * What grades a case, as one text and as a short hash: the resume key (runner/journal.ts
 * trialKey) and the baseline (a case whose graders changed since) both read it, so "the
 * graders changed" means the same thing to both. Pure.
 */
import type { GraderSpec } from "../config/schema.js";
import { hashText, stableStringifyShared } from "./hash.js";

/**
 * The case's graders as loaded (the suite's first, then its own) in stable JSON: types, values,
 * rubrics, a grader's own judge, a javascript grader's file, export and config. Specs shared by
 * every case of a suite are stringified once (a 20,000-case suite's keys spent most of their time
 * sorting the same keys again).
 */
export function gradersText(graders: readonly GraderSpec[]): string {
  return `[${graders.map(stableStringifyShared).join(",")}]`;
}

/**
 * 16 hex digits of sha256 over gradersText and `code`, the hash of the grader modules' contents
 * (config/code-version.ts versionOf of the case's javascript graders' files; undefined when it
 * has none), so an edited grader module counts as changed graders, as it does for --resume.
 */
export function gradersHash(graders: readonly GraderSpec[], code: string | undefined): string {
  const text = gradersText(graders);
  return hashText(code === undefined ? text : `${text},${JSON.stringify(code)}`, 16);
}
