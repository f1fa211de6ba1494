/**
 * A command's outputs against its inputs, before anything runs: `-o evals/baseline.json`,
 * `--reporter markdown:evals/refund-policy.yaml` or `--journal evals/graders/check.js` used to
 * overwrite the very files the run read, silently and with exit 0; `harness report run.json
 * --reporter html:run.json` replaced the only copy of a run. Two outputs on one file lost the
 * first. Each is a usage error now, with nothing written.
 */
import path from "node:path";
import type { LoadedSuite } from "../core/types.js";
import { UsageError } from "../errors.js";
import { targetOf } from "./reporting.js";
import type { ReporterChoice } from "../reporters/index.js";

/** A file a command writes or reads, by absolute path, with the option or role that names it. */
export interface Place {
  file: string;
  label: string;
}

export interface InputsOf {
  files: readonly Place[];
  /** Folders whose every file is an input (the fixtures). */
  folders?: readonly Place[];
}

/** Every file the suites read: each suite file, its file:// prompts, grader modules and the files its exec: command names. */
export function suiteInputs(suites: readonly LoadedSuite[]): Place[] {
  return suites.flatMap((s) => (s.reads ?? []).map((file) => ({ file, label: file === path.resolve(s.dir, path.basename(s.file)) ? "a suite file" : `read by suite "${s.name}"` })));
}

/** The files reporters write, by the option that names each. */
export function reporterOutputs(choices: readonly ReporterChoice<never>[], cwd: string): Place[] {
  const out: Place[] = [];
  for (const c of choices) {
    const target = targetOf(c, cwd);
    if (target !== "stdout") out.push({ file: target, label: `--reporter ${c.reporter.name}` });
  }
  return out;
}

export function checkOutputsApart(outputs: readonly Place[], inputs: InputsOf, cwd: string): void {
  const shown = (file: string) => path.relative(cwd, file) || file;
  const seen = new Map<string, string>();
  for (const o of outputs) {
    const file = path.resolve(o.file);
    const other = seen.get(file);
    if (other !== undefined) throw new UsageError(`${o.label} and ${other} would both write ${shown(file)}: the second would replace the first`, { hint: "give each its own file" });
    seen.set(file, o.label);
    const input = inputs.files.find((i) => path.resolve(i.file) === file);
    if (input) throw new UsageError(`${o.label} ${shown(file)}: that is ${input.label}, which this command reads; writing there would replace it`, { hint: "name another file for the output" });
    const folder = inputs.folders?.find((f) => isWithin(file, f.file));
    if (folder) throw new UsageError(`${o.label} ${shown(file)}: that is inside ${folder.label} (${shown(folder.file)}), which this command reads`, { hint: "name a file outside it" });
  }
}

function isWithin(file: string, folder: string): boolean {
  const rel = path.relative(path.resolve(folder), file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}
