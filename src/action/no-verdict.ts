/** The comment of a run that produced no verdict: what harness said, masked, in a code block that no text can close. */
import { isProgressLogLine } from "../cli/progress.js";
import { redactorFor } from "../core/secrets.js";
import { cell } from "../reporters/markdown.js";

/**
 * Lines of what harness said that the comment quotes, when it said more: the first (a bad
 * suite's problems come first, in file order) and the last (where a run says why it ended).
 */
const QUOTED_HEAD = 10;
const QUOTED_TAIL = 30;

export function couldNotRun(why: string, stderr: string, env: NodeJS.ProcessEnv): string {
  // Progress lines are left to the job log: a long run's would fill the quote.
  const lines = redactorFor(env).all(stderr).replace(/`/g, "'").trim().split("\n").filter((l) => !isProgressLogLine(l));
  const left = lines.length - QUOTED_HEAD - QUOTED_TAIL;
  const quoted = left > 0 ? [...lines.slice(0, QUOTED_HEAD), `… ${left} more line${left === 1 ? "" : "s"} in the job log`, ...lines.slice(-QUOTED_TAIL)] : lines;
  const said = quoted.join("\n").slice(0, 6000);
  const head = `### ⚠️ harness could not run: ${cell(why)}\n\nNo verdict: the last one shown here no longer holds.`;
  return said ? `${head} What harness said (the job log has it all):\n\n\`\`\`text\n${said}\n\`\`\`\n` : `${head}\n`;
}
