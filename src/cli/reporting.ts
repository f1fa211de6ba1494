/** Which reporters a command runs, and where each one writes: one mapping for eval, report, merge and compare. */
import path from "node:path";
import type { HistoryEntry } from "../core/history.js";
import type { RunResult } from "../core/types.js";
import { UsageError } from "../errors.js";
import { checkWritable, writeFileAtomic } from "../io/atomic-write.js";
import { REPORTERS, type Reporter, type ReporterChoice } from "../reporters/index.js";
import { useColor, type CliIo } from "./io.js";

/** "terminal", "junit:out/junit.xml", "markdown,github": repeatable and comma-separated. */
export function parseReporters(specs: readonly string[] | undefined): ReporterChoice[];
export function parseReporters<R>(specs: readonly string[] | undefined, registry: Readonly<Record<string, Reporter<R>>>): ReporterChoice<R>[];
export function parseReporters(specs: readonly string[] | undefined, registry: Readonly<Record<string, Reporter<never>>> = REPORTERS): ReporterChoice<never>[] {
  const list = (specs ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) return [{ reporter: registry.terminal!, file: undefined }];
  return list.map((spec) => {
    const colon = spec.indexOf(":");
    const name = colon < 0 ? spec : spec.slice(0, colon);
    const file = colon < 0 ? undefined : spec.slice(colon + 1);
    const reporter = Object.hasOwn(registry, name) ? registry[name] : undefined;
    if (!reporter) throw new UsageError(`--reporter "${name}": expected one of ${Object.keys(registry).join(", ")} (optionally name:file)`);
    if (file === "") throw new UsageError(`--reporter "${spec}": give a file after the colon, or leave the colon out`);
    return { reporter, file };
  });
}

export function targetOf(choice: ReporterChoice<never>, cwd: string): string | "stdout" {
  if (choice.file === "-") return "stdout";
  if (choice.file !== undefined) return path.resolve(cwd, choice.file);
  return choice.reporter.defaultTarget === "stdout" ? "stdout" : path.resolve(cwd, choice.reporter.defaultTarget.file);
}

/** Before a run: every file a reporter will write must be writable, so nothing fails after the model calls. */
export async function checkReporterTargets(choices: readonly ReporterChoice<never>[], cwd: string): Promise<void> {
  for (const c of choices) {
    const target = targetOf(c, cwd);
    if (target !== "stdout") await checkWritable(target, `--reporter ${c.reporter.name}`);
  }
}

/** `saved`: the JSON report the command wrote (or read), as the user named it. */
export async function writeReports<R = RunResult>(
  result: R,
  choices: readonly ReporterChoice<R>[],
  io: CliIo,
  { color, history, saved }: { color: boolean | undefined; history?: readonly HistoryEntry[] | undefined; saved?: string | undefined },
): Promise<void> {
  for (const c of choices) {
    const target = targetOf(c, io.cwd);
    // Per target: a file written from a terminal is no terminal, and escape codes would litter it.
    const ctx = { color: useColor(io, color, target === "stdout" && io.stdout.isTTY === true), env: io.env, history, saved };
    const text = await c.reporter.render(result, ctx);
    if (target === "stdout") io.stdout.write(text);
    else {
      await writeFileAtomic(target, text, `${c.reporter.name} report`);
      // Said on stderr, so a run with only file reporters still tells where its result went.
      io.stderr.write(`Wrote the ${c.reporter.name} report to ${path.relative(io.cwd, target) || target}.\n`);
    }
  }
}
