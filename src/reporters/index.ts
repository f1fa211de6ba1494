/** Reporters by name. Each renders the one RunResult; none recomputes a figure or a verdict. */
import type { HistoryEntry } from "../core/history.js";
import type { RunResult } from "../core/types.js";
import { renderGithub } from "./github.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderTerminal } from "./terminal.js";

export interface ReporterContext {
  color: boolean;
  env: NodeJS.ProcessEnv;
  /** The run history, when the command read one (eval --history): the HTML report charts it. */
  history?: readonly HistoryEntry[] | undefined;
}

export interface Reporter {
  name: string;
  /** Where it writes when no file is named: a file, or standard output. */
  defaultTarget: { file: string } | "stdout";
  /** A promise for reporters loaded only when used (html). */
  render(result: RunResult, ctx: ReporterContext): string | Promise<string>;
}

export const REPORTERS: Record<string, Reporter> = {
  terminal: { name: "terminal", defaultTarget: "stdout", render: (r, ctx) => renderTerminal(r, { color: ctx.color }) },
  json: { name: "json", defaultTarget: { file: "harness-report.json" }, render: (r) => renderJson(r) },
  junit: { name: "junit", defaultTarget: { file: "harness-junit.xml" }, render: (r) => renderJunit(r) },
  markdown: { name: "markdown", defaultTarget: { file: "harness-summary.md" }, render: (r) => renderMarkdown(r) },
  // Workflow commands mean something only to a GitHub Actions runner; elsewhere they are noise.
  github: { name: "github", defaultTarget: "stdout", render: (r, ctx) => (ctx.env.GITHUB_ACTIONS === "true" ? renderGithub(r) : "") },
  // Loaded on use: its page template and charts cost start-up time no other command should pay.
  html: { name: "html", defaultTarget: { file: "harness-report.html" }, render: async (r, ctx) => (await import("./html.js")).renderHtml(r, { history: ctx.history }) },
};

export interface ReporterChoice {
  reporter: Reporter;
  /** A file to write, or undefined for the reporter's default target. */
  file: string | undefined;
}
