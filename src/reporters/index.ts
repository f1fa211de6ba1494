/** Reporters by name. Each renders the one RunResult; none recomputes a figure or a verdict. */
import type { ModelComparison } from "../core/model-comparison-types.js";
import type { HistoryEntry } from "../core/history.js";
import type { RunResult } from "../core/types.js";
import { renderCompareMarkdown } from "./compare-markdown.js";
import { renderCompareTerminal } from "./compare-terminal.js";
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
  /** The JSON report this command wrote (or read), as the user named it: where the terminal points for what it leaves out. */
  saved?: string | undefined;
}

/** Renders one finished result: a run (eval, report, merge) or a comparison (compare). */
export interface Reporter<R = RunResult> {
  name: string;
  /** Where it writes when no file is named: a file, or standard output. */
  defaultTarget: { file: string } | "stdout";
  /** A promise for reporters loaded only when used (html). */
  render(result: R, ctx: ReporterContext): string | Promise<string>;
}

export const REPORTERS: Record<string, Reporter> = {
  terminal: { name: "terminal", defaultTarget: "stdout", render: (r, ctx) => renderTerminal(r, { color: ctx.color, saved: ctx.saved }) },
  json: { name: "json", defaultTarget: { file: "harness-report.json" }, render: (r) => renderJson(r) },
  junit: { name: "junit", defaultTarget: { file: "harness-junit.xml" }, render: (r) => renderJunit(r) },
  markdown: { name: "markdown", defaultTarget: { file: "harness-summary.md" }, render: (r) => renderMarkdown(r) },
  // Workflow commands mean something only to a GitHub Actions runner; elsewhere they are noise.
  github: { name: "github", defaultTarget: "stdout", render: (r, ctx) => (ctx.env.GITHUB_ACTIONS === "true" ? renderGithub(r) : "") },
  // Loaded on use: its page template and charts cost start-up time no other command should pay.
  html: { name: "html", defaultTarget: { file: "harness-report.html" }, render: async (r, ctx) => (await import("./html.js")).renderHtml(r, { history: ctx.history }) },
};

/** The reporters of harness compare, each over the one ModelComparison. */
export const COMPARE_REPORTERS: Record<string, Reporter<ModelComparison>> = {
  terminal: { name: "terminal", defaultTarget: "stdout", render: (r, ctx) => renderCompareTerminal(r, { color: ctx.color, saved: ctx.saved }) },
  json: { name: "json", defaultTarget: { file: "harness-compare.json" }, render: (r) => renderJson(r) },
  markdown: { name: "markdown", defaultTarget: { file: "harness-compare.md" }, render: (r) => renderCompareMarkdown(r) },
  // Loaded on use, as the run's html reporter is.
  html: { name: "html", defaultTarget: { file: "harness-compare.html" }, render: async (r) => (await import("./compare-html.js")).renderCompareHtml(r) },
};

export interface ReporterChoice<R = RunResult> {
  reporter: Reporter<R>;
  /** A file to write, or undefined for the reporter's default target. */
  file: string | undefined;
}
