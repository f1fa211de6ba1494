/**
 * Expected failures, each with a stable code and the exit code the CLI maps it to.
 * Anything thrown that is not a HarnessError is a bug and is printed with its stack.
 */

/** Exit codes: each means one thing. */
export const ExitCode = {
  /** The gate passed. */
  ok: 0,
  /** The gate failed: a significant regression, or a suite threshold not met. */
  gateFailed: 1,
  /** Usage or config error: nothing was run. */
  usage: 2,
  /** The run could not be judged: provider down, no key, too many errored trials. */
  runError: 3,
  /** Interrupted by SIGINT (128 + 2). */
  sigint: 130,
  /** Interrupted by SIGTERM (128 + 15). */
  sigterm: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface HarnessErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class HarnessError extends Error {
  /** Stable, machine-readable code, e.g. "config.invalid". */
  readonly code: string;
  /** What the user can do about it. */
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;

  constructor(code: string, message: string, exitCode: ExitCodeValue, options: HarnessErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.exitCode = exitCode;
  }
}

/** One problem in one config file, with its position when known. */
export interface ConfigProblem {
  file: string;
  line?: number;
  col?: number;
  /** Dotted path inside the document, e.g. "cases[0].graders[1].type". */
  path?: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
  return p.path ? `${where}  ${p.path}  ${p.message}` : `${where}  ${p.message}`;
}

export interface ConfigErrorOptions extends HarnessErrorOptions {
  /** Whether the command runs anything: only then does the summary end "Nothing was run." Default true. */
  forRun?: boolean;
}

/** A suite, baseline or other input file is invalid. Carries every problem found, not just the first. */
export class ConfigError extends HarnessError {
  /** Every problem, in file and line order. */
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[], { forRun = true, ...options }: ConfigErrorOptions = {}) {
    const sorted = [...problems].sort(
      (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0),
    );
    const files = new Set(sorted.map((p) => p.file)).size;
    const summary = `${sorted.length} problem${sorted.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}.${forRun ? " Nothing was run." : ""}`;
    super("config.invalid", [...shownLines(sorted), summary].join("\n"), ExitCode.usage, options);
    this.problems = sorted;
  }
}

/** Problems shown per file: a file that is not a suite at all (a README passed by mistake) should not fill the screen. */
const SHOWN_PER_FILE = 20;
const SHOWN_MESSAGE_CHARS = 300;

function shownLines(sorted: readonly ConfigProblem[]): string[] {
  const lines: string[] = [];
  const perFile = new Map<string, number>();
  for (const p of sorted) {
    const n = (perFile.get(p.file) ?? 0) + 1;
    perFile.set(p.file, n);
    if (n <= SHOWN_PER_FILE) {
      const message = p.message.length > SHOWN_MESSAGE_CHARS ? `${p.message.slice(0, SHOWN_MESSAGE_CHARS)}…` : p.message;
      lines.push(formatProblem({ ...p, message }));
    }
  }
  for (const [file, n] of perFile) if (n > SHOWN_PER_FILE) lines.push(`${file}  … and ${n - SHOWN_PER_FILE} more problems in this file`);
  return lines;
}

/** The command line itself is wrong (unknown provider, bad flag value). */
export class UsageError extends HarnessError {
  constructor(message: string, options: HarnessErrorOptions = {}) {
    super("usage", message, ExitCode.usage, options);
  }
}

/** The run could not be judged. */
export class RunError extends HarnessError {
  constructor(code: string, message: string, options: HarnessErrorOptions = {}) {
    super(code, message, ExitCode.runError, options);
  }
}

/** A recorded fixture is unreadable: bad input (exit 2), found only when its trial runs, so not "nothing was run". */
export class FixtureError extends HarnessError {
  constructor(message: string, options: HarnessErrorOptions = {}) {
    super("fixture.corrupt", message, ExitCode.usage, { hint: "delete it and re-record with --record, or restore it from git", ...options });
  }
}

/** The baseline file is unreadable, corrupt or of an unknown version. */
export class BaselineError extends HarnessError {
  constructor(message: string, options: HarnessErrorOptions = {}) {
    super("baseline.invalid", message, ExitCode.usage, options);
  }
}
