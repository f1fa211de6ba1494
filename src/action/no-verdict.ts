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
/** Characters quoted in all, and in one line (a server's long message, a stack frame). */
const QUOTED_CHARS = 6000;
const LINE_CHARS = 500;

export function couldNotRun(why: string, stderr: string, env: NodeJS.ProcessEnv): string {
  // Progress lines are left to the job log: a long run's would fill the quote.
  const lines = redactorFor(env)
    .all(stderr)
    .replace(/`/g, "'")
    .trim()
    .split("\n")
    .filter((l) => !isProgressLogLine(l))
    .map((l) => (l.length > LINE_CHARS ? `${l.slice(0, LINE_CHARS)}…` : l));
  // The tail first, within the budget: cut from the front, the end (why the run ended) was lost.
  // Room kept for the line that says how many were left out.
  let used = 40;
  const fits = (line: string) => {
    if (used + line.length + 1 > QUOTED_CHARS) return false;
    used += line.length + 1;
    return true;
  };
  let from = lines.length;
  while (from > 0 && lines.length - from < QUOTED_TAIL && fits(lines[from - 1]!)) from--;
  let to = 0;
  while (to < Math.min(QUOTED_HEAD, from) && fits(lines[to]!)) to++;
  const left = from - to;
  const said = [...lines.slice(0, to), ...(left > 0 ? [`… ${left} more line${left === 1 ? "" : "s"} in the job log`] : []), ...lines.slice(from)].join("\n");
  const head = `### ⚠️ harness could not run: ${cell(why)}\n\nNo verdict: the last one shown here no longer holds.`;
  return said ? `${head} What harness said (the job log has it all):\n\n\`\`\`text\n${said}\n\`\`\`\n` : `${head}\n`;
}
