/** A JSON file the user named on the command line, read whole; its problems are config problems of that file (exit 2). */
import { readFile } from "node:fs/promises";
import { ConfigError } from "../errors.js";
import { jsonErrorAt } from "./json-position.js";

/** `what`: the kind of file, as the messages name it ("the run report"). */
export async function readJsonFile(file: string, label: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === "ENOENT" ? "no such file" : code === "EISDIR" ? `a folder, not ${what}` : `cannot read ${what}: ${(err as Error).message}`;
    throw new ConfigError([{ file: label, message }]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError([{ file: label, ...jsonErrorAt(text, err), message: `${what} is not valid JSON: ${(err as Error).message}` }]);
  }
}
