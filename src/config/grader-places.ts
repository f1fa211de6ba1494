/**
 * Where a suite names a grader module's function: its `export:` key, or its `file:` key when
 * it names none (the default export). For a problem found only when the run loads the module,
 * so that it points at the line to change. The suite is read again with the yaml library, which
 * knows where each node is: loading kept no positions, and this is an error's path, not a run's.
 */
import path from "node:path";
import type { ConfigProblem } from "../errors.js";
import { readTextFile } from "./files.js";
import { formatPath } from "./format-path.js";
import { parseYaml } from "./parse-yaml.js";
import { positionOf } from "./positions.js";

/**
 * Each place in the suite file `suiteFile` (absolute; `label` names it) where a javascript
 * grader of the suite, or of one of the cases `caseIds`, names function `exportName` of module
 * `module` (absolute). None when the file no longer reads as it did.
 */
export async function placesNaming(suiteFile: string, label: string, module: string, exportName: string, caseIds: ReadonlySet<string>): Promise<Omit<ConfigProblem, "message">[]> {
  const read = await readTextFile(suiteFile);
  const yaml = "text" in read ? parseYaml(read.text) : undefined;
  if (yaml?.kind !== "document" || yaml.errors.length > 0) return [];
  let raw: unknown;
  try {
    raw = yaml.doc.toJS();
  } catch {
    return [];
  }
  const suite = (raw ?? {}) as { graders?: unknown; cases?: unknown };
  const cases = Array.isArray(suite.cases) ? (suite.cases as unknown[]) : [];
  const lists: [(string | number)[], unknown][] = [
    [["graders"], suite.graders],
    ...cases.flatMap((c, i): [(string | number)[], unknown][] => {
      const { id, graders } = (c ?? {}) as { id?: unknown; graders?: unknown };
      return typeof id === "string" && caseIds.has(id) ? [[["cases", i, "graders"], graders]] : [];
    }),
  ];
  const places = new Map<string, Omit<ConfigProblem, "message">>();
  for (const [base, graders] of lists) {
    if (!Array.isArray(graders)) continue;
    graders.forEach((g: unknown, j) => {
      const grader = (g ?? {}) as { type?: unknown; file?: unknown; export?: unknown };
      if (grader.type !== "javascript" || typeof grader.file !== "string") return;
      if (path.resolve(path.dirname(suiteFile), grader.file) !== module || (grader.export ?? "default") !== exportName) return;
      const key = grader.export !== undefined ? "export" : "file";
      const p = formatPath([...base, j, key]);
      places.set(p, { file: label, path: p, ...positionOf(yaml.doc, yaml.lineCounter, [...base, j], key) });
    });
  }
  return [...places.values()];
}
