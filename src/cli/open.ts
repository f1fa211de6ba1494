/** `harness eval --open` and `harness compare --open`: the HTML report, opened in the user's browser. */
import { spawn } from "node:child_process";
import path from "node:path";
import { UsageError } from "../errors.js";
import { REPORTERS, type Reporter, type ReporterChoice } from "../reporters/index.js";
import type { CliIo } from "./io.js";
import { targetOf } from "./reporting.js";

/** The reporters with html added when it was not asked for: --open needs a file to open. `registry` is eval's unless given (compare's). */
export function withHtmlReporter(choices: readonly ReporterChoice[]): ReporterChoice[];
export function withHtmlReporter<R>(choices: readonly ReporterChoice<R>[], registry: Readonly<Record<string, Reporter<R>>>): ReporterChoice<R>[];
export function withHtmlReporter(choices: readonly ReporterChoice<never>[], registry: Readonly<Record<string, Reporter<never>>> = REPORTERS): ReporterChoice<never>[] {
  return choices.some((c) => c.reporter.name === "html") ? [...choices] : [...choices, { reporter: registry.html!, file: undefined }];
}

/** The file the html reporter writes; --open cannot open standard output. */
export function htmlReportFile(choices: readonly ReporterChoice<never>[], cwd: string): string {
  const target = targetOf(choices.find((c) => c.reporter.name === "html")!, cwd);
  if (target === "stdout") throw new UsageError("--open needs the HTML report in a file, not on standard output", { hint: "use --reporter html or html:report.html" });
  return target;
}

/**
 * The command that opens a file: $BROWSER when set (the first of its path-separated
 * commands, as xdg-utils and Python read it; "%s" stands for the file), else the platform's opener.
 */
export function openerFor(file: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): [string, string[]] {
  const browser = env.BROWSER?.split(path.delimiter).find((s) => s.trim() !== "");
  if (browser) {
    const words = browser.trim().split(/\s+/);
    const args = words.slice(1);
    return [words[0]!, args.some((a) => a.includes("%s")) ? args.map((a) => a.replaceAll("%s", file)) : [...args, file]];
  }
  if (platform === "darwin") return ["open", [file]];
  // Not `cmd /c start`: cmd.exe would expand %VAR% in the path. Explorer opens a file with
  // its default program and takes the path as one plain argument.
  if (platform === "win32") return ["explorer.exe", [file]];
  return ["xdg-open", [file]];
}

/** Starts the browser detached, without a shell (the path is never parsed as a command); failure is only a warning. */
export async function openInBrowser(file: string, io: CliIo): Promise<void> {
  const [command, args] = openerFor(file, io.env, process.platform);
  const outcome = await new Promise<Error | null>((resolve) => {
    try {
      const child = spawn(command, args, { detached: true, stdio: "ignore", shell: false });
      child.once("spawn", () => {
        child.unref();
        resolve(null);
      });
      child.once("error", resolve);
    } catch (err) {
      resolve(err as Error);
    }
  });
  if (outcome) io.stderr.write(`harness: warning: could not open ${path.relative(io.cwd, file) || file} in a browser (${command}: ${outcome.message}); open it yourself\n`);
}
