/** A JSON file the user named on the command line, read whole; its problems are config problems of that file (exit 2). */
import { readFile } from "node:fs/promises";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { jsonErrorAt } from "./json-position.js";
import { jsonProblems, versionOf } from "../config/issue-words.js";

/**
 * `what`: the kind of file, as the messages name it ("the run report"). With a shape, the file
 * must match its schema: every mismatch is a problem at its line. A file that is not that kind
 * of file at all (`looksLike` says no: a baseline given for a report) is one problem, `notIt`.
 */
export async function readJsonFile<T>(file: string, label: string, what: string, shape: JsonShape<T>): Promise<T>;
export async function readJsonFile(file: string, label: string, what: string): Promise<unknown>;
export async function readJsonFile(file: string, label: string, what: string, shape?: JsonShape<unknown>): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === "ENOENT" ? "no such file" : code === "EISDIR" ? `a folder, not ${what}` : `cannot read ${what}: ${(err as Error).message}`;
    throw new ConfigError([{ file: label, message }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([{ file: label, ...jsonErrorAt(text, err), message: `${what} is not valid JSON: ${(err as Error).message}` }]);
  }
  if (!shape) return json;
  const version = shape.schemaVersion === undefined ? undefined : versionOf(json, shape.schemaVersion);
  if (version?.kind === "other-version") {
    throw new ConfigError([{ file: label, message: `${what} has schemaVersion ${version.version}, not one this harness reads (${shape.schemaVersion})` }], {
      hint: "it was written by a different harness version: read it with that version, or write it again with this one",
    });
  }
  if (!shape.looksLike(json)) throw new ConfigError([{ file: label, message: typeof shape.notIt === "string" ? shape.notIt : shape.notIt(json) }]);
  const parsed = shape.schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new ConfigError(await jsonProblems(parsed.error.issues, json, text, label));
}

export interface JsonShape<T> {
  schema: z.ZodType<T>;
  /** The schemaVersion this harness reads, when the file has one: another number is another harness's file, said so. */
  schemaVersion?: number;
  looksLike: (json: unknown) => boolean;
  /** What the file is instead, when looksLike says no: the words can depend on what it is. */
  notIt: string | ((json: unknown) => string);
}
