/**
 * GitHub Actions workflow commands: an error annotation per regressed case, pointing at
 * the case's line in its suite file, so a pull request shows why without opening logs.
 */
import type { RunResult } from "../core/types.js";

// https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts (escaping rules)
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

function command(level: "error" | "warning" | "notice", props: Record<string, string | number | undefined>, message: string): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(",");
  return `::${level}${p ? ` ${p}` : ""}::${escapeData(message)}`;
}

export function renderGithub(result: RunResult): string {
  const lines: string[] = [];
  // A run not judged is annotated as such: what it found among trials that may have been cancelled is no regression to point at.
  for (const r of result.gate.judged ? result.gate.regressions : []) {
    const suite = result.suites.find((s) => s.name === r.suite);
    const c = r.kind === "case" ? suite?.cases.find((x) => x.id === r.caseId) : undefined;
    const title = r.kind === "case" ? `Regression: ${r.suite}/${r.caseId}` : `Gate: ${r.suite} (${r.kind})`;
    lines.push(command("error", { file: suite?.file, line: c?.line, title }, `${r.message}${c?.description ? `\nGuards: ${c.description}` : ""}`));
  }
  if (!result.gate.judged && !result.gate.deferred) lines.push(command("warning", { title: "harness: run not judged" }, result.gate.notJudgedReason ?? ""));
  if (result.gate.pending.trials > 0) lines.push(command("notice", { title: "harness: reviews pending" }, `${result.gate.pending.trials} trial${result.gate.pending.trials === 1 ? " awaits" : "s await"} human review`));
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
