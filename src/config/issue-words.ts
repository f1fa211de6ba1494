/**
 * zod's issues in the words of the rest of harness ("missing required key; expected string",
 * not "Invalid input: expected string, received undefined"), for suites and for the JSON files
 * harness reads back (baseline, run report, history, reviews) alike.
 */
import type { z } from "zod";
import type { ConfigProblem } from "../errors.js";
import { jsonPlaces } from "../io/json-position.js";
import { formatPath } from "./format-path.js";

/** zod's messages in plain words: "expected a number ≥ 1", not "Too small: expected number to be >=1". */
export function plainWords(issue: z.core.$ZodIssue): string {
  if (issue.code === "too_small" && issue.origin === "number") return `expected a ${"inclusive" in issue && issue.inclusive === false ? "number >" : "number ≥"} ${String(issue.minimum)}`;
  if (issue.code === "too_big" && issue.origin === "number") return `expected a ${"inclusive" in issue && issue.inclusive === false ? "number <" : "number ≤"} ${String(issue.maximum)}`;
  if (issue.code === "invalid_value" && issue.values.length > 1) return `expected one of: ${issue.values.map(String).join(", ")}`;
  if (issue.code === "invalid_format" && issue.format === "datetime") return "expected an ISO 8601 time in UTC, e.g. 2026-01-31T09:30:00Z";
  return issue.message.replace(/^Invalid input: /, "");
}

/** The message for a wrong type where nothing is written: a key left out. */
export const missingKey = (expected: string) => `missing required key; expected ${expected}`;

/**
 * Every issue of a JSON text as a problem of `label`, at its line and column (a missing key at
 * its object, as in a suite). `firstLine`: the line the text starts at, for one line of a
 * JSON-lines file.
 */
export async function jsonProblems(issues: readonly z.core.$ZodIssue[], json: unknown, text: string, label: string, firstLine = 1): Promise<ConfigProblem[]> {
  const place = await jsonPlaces(text);
  return issues.map((issue) => {
    const p = issue.path.filter((k): k is string | number => typeof k !== "symbol");
    const { line, col } = place(p);
    const missing = p.length > 0 && valueAt(json, p) === undefined;
    const words = !missing ? plainWords(issue) : issue.code === "invalid_type" ? missingKey(issue.expected) : `missing required key; ${plainWords(issue)}`;
    // zod calls an object keyed by name a record; in JSON it is an object.
    const message = words.replace(/\bexpected record\b/, "expected object");
    return { file: label, ...(line !== undefined ? { line: line + firstLine - 1, col } : {}), ...(p.length > 0 ? { path: formatPath(p) } : {}), message };
  });
}

function valueAt(json: unknown, p: readonly (string | number)[]): unknown {
  let at = json;
  for (const key of p) {
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/**
 * Whether a JSON value read back is the versioned file expected, before its schema is asked:
 * a number other than `expected` in schemaVersion means another harness version wrote it; no
 * schemaVersion at all (or no object) means harness did not, and saying "another version"
 * would send the user looking for one. Anything else is left to the schema.
 */
export function versionOf(json: unknown, expected: number): { kind: "ok" } | { kind: "other-version"; version: number } | { kind: "not-it"; why: string } {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return { kind: "not-it", why: `it holds ${kindOf(json)}, not an object with "schemaVersion": ${expected}` };
  if (!Object.hasOwn(json, "schemaVersion")) return { kind: "not-it", why: "it has no schemaVersion" };
  const version = (json as { schemaVersion: unknown }).schemaVersion;
  return typeof version === "number" && version !== expected ? { kind: "other-version", version } : { kind: "ok" };
}

function kindOf(json: unknown): string {
  if (Array.isArray(json)) return "an array";
  if (json === null) return "null";
  return typeof json === "string" ? "a string" : typeof json === "number" ? "a number" : `${String(json)}`;
}
