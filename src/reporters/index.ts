/** Reporters by name. Each renders the one RunResult; none recomputes a figure or a verdict. */
import type { RunResult } from "../core/types.js";
import { renderGithub } from "./github.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderTerminal } from "./terminal.js";

export interface ReporterContext {
  color: boolean;
  env: NodeJS.ProcessEnv;
}

export interface Reporter {
  name: string;
  /** Where it writes when no file is named: a file, or standard output. */
  defaultTarget: { file: string } | "stdout";
  render(result: RunResult, ctx: ReporterContext): string;
}

export const REPORTERS: Record<string, Reporter> = {
  terminal: { name: "terminal", defaultTarget: "stdout", render: (r, ctx) => renderTerminal(r, { color: ctx.color }) },
  json: { name: "json", defaultTarget: { file: "harness-report.json" }, render: (r) => renderJson(r) },
  junit: { name: "junit", defaultTarget: { file: "harness-junit.xml" }, render: (r) => renderJunit(r) },
  markdown: { name: "markdown", defaultTarget: { file: "harness-summary.md" }, render: (r) => renderMarkdown(r) },
  // Workflow commands mean something only to a GitHub Actions runner; elsewhere they are noise.
  github: { name: "github", defaultTarget: "stdout", render: (r, ctx) => (ctx.env.GITHUB_ACTIONS === "true" ? renderGithub(r) : "") },
};

export interface ReporterChoice {
  reporter: Reporter;
  /** A file to write, or undefined for the reporter's default target. */
  file: string | undefined;
}
