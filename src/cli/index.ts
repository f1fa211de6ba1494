/**
 * The command line: commander wiring over the library. Commands are imported only
 * when run, and exit codes are decided here and nowhere else.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { DEFAULT_ALPHA, DEFAULT_BATCH_POLL_MS, DEFAULT_CONCURRENCY, DEFAULT_FIXTURES_DIR, DEFAULT_MAX_ERROR_SHARE, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS } from "../defaults.js";
import { ConfigError, ExitCode, HarnessError, UsageError } from "../errors.js";
import { packageRoot } from "../package-root.js";
import { defaultIo, type CliIo } from "./io.js";

export { heapFlagFor } from "./heap.js";

export function harnessVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** Flags of every command that runs suites. */
export interface RunFlags {
  provider?: string;
  judge?: string;
  trials?: string;
  concurrency: string;
  timeout: string;
  retries: string;
  record?: boolean;
  offline?: boolean;
  fixtures: string;
  reviews?: string;
}

/** Flags of the commands that gate and report a run (eval, merge). */
export interface GateFlags {
  baseline?: string;
  requireBaseline?: boolean;
  updateBaseline?: boolean;
  pending: "warn" | "fail";
  alpha: string;
  maxErrorRate: string;
  output?: string;
  reporter?: string[];
  color?: boolean;
}

/** Flags of `harness merge`. */
export type MergeFlags = GateFlags;

/** Flags of `harness review`. */
export interface ReviewFlags extends RunFlags {
  sample: string;
  reviewer?: string;
  from?: string;
  /** Offer outputs that already have a verdict, to give another. */
  redo?: boolean;
  /** Every --case given, as written. */
  case?: string[];
}

/** Flags of `harness eval`, as commander parses them. */
export interface EvalFlags extends RunFlags, GateFlags {
  at?: string;
  shard?: string;
  /** Every --case given, as written. */
  case?: string[];
  quiet?: boolean;
  resume?: boolean;
  journal?: string;
  batch?: boolean;
  batchPoll?: string;
  /** --history alone is true: the default file. */
  history?: string | boolean;
  open?: boolean;
}

/** Flags of `harness compare`, as commander parses them: -p repeats. */
export interface CompareFlags extends Omit<RunFlags, "provider">, Pick<GateFlags, "alpha" | "maxErrorRate" | "output" | "reporter" | "color" | "baseline"> {
  /** Every -p in order; undefined when none was given. */
  provider?: string[];
  againstBaseline?: boolean;
  quiet?: boolean;
  open?: boolean;
}

function buildProgram(io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command();
  program
    .name("harness")
    .description("Run eval suites of real failure cases k times; gate on significant regressions.")
    .version(harnessVersion(), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  withGateOptions(
    withRunOptions(
      program
        .command("eval")
        .description("run suites (default: evals/) and gate against the baseline")
        .argument("[paths...]", "suite files or folders (default: evals/)"),
    ),
  )
    .option("--at <list>", "also report pass@k and pass^k at these k, e.g. 1,3")
    .option("--case <pattern>", `run only these cases: ${CASE_PATTERNS}`, collect, [])
    .option("--shard <i/n>", "run a stable i-th of n parts of the cases (for CI matrices); harness merge gates them")
    .option("-q, --quiet", "no progress, nor waits on rate limits (warnings still print)")
    .option("--resume", "continue an interrupted run: keep the trials its journal holds, run the rest")
    .option("--journal <file>", "where each trial is written as it ends (default: .harness/journal.jsonl)", fileName)
    .addOption(new Option("--batch", "send unrecorded requests through the providers' batch APIs (half price, up to 24 h); rerun the same command to pick up an interrupted batch").conflicts("offline"))
    .option("--batch-poll <ms>", "first wait between batch status polls; grows by half each time, up to 60 s", String(DEFAULT_BATCH_POLL_MS))
    .option("--history [file]", "append this run's figures to a history file (default: .harness/history.jsonl); see harness history", fileName)
    .option("--open", OPEN_HELP)
    .action(async (paths: string[] | undefined, flags: EvalFlags) => {
      const { evalCommand } = await import("./eval.js");
      setCode(await evalCommand(paths ?? [], flags, io));
    });

  withGateOptions(
    program
      .command("merge")
      .description("join shard reports (eval --shard … -o) into one run and apply the gate once")
      .argument("<reports...>", "run reports written by harness eval --shard i/n -o"),
  ).action(async (files: string[], flags: MergeFlags) => {
      const { mergeCommand } = await import("./merge.js");
      setCode(await mergeCommand(files, flags, io));
    });

  program
    .command("init")
    .description("scaffold evals/ with an example suite, fixtures/ and .github/workflows/evals.yml (never overwrites)")
    .action(async () => {
      const { initCommand } = await import("./init.js");
      setCode(await initCommand(io));
    });

  program
    .command("report")
    .description("render a saved run (eval -o) again with any reporter; exits as that run's gate did")
    .argument("<run.json>", "a run report written by harness eval -o")
    .option("--reporter <spec>", REPORTER_HELP, collect, [])
    .option("--history <file>", "a history file (eval --history): the HTML report charts pass^k over it", fileName)
    .option("--color", "force colour")
    .option("--no-color", "no colour")
    .action(async (file: string, flags: { reporter?: string[]; history?: string; color?: boolean }) => {
      const { reportCommand } = await import("./report.js");
      setCode(await reportCommand(file, flags, io));
    });

  program
    .command("history")
    .description("pass^k of each suite over the runs recorded by eval --history: a sparkline and a table")
    .argument("[file]", "the history file (default: .harness/history.jsonl)")
    .option("--suite <name>", "only this suite")
    .option("--last <n>", "runs shown per suite", "20")
    .option("--color", "force colour")
    .option("--no-color", "no colour")
    .action(async (file: string | undefined, flags: { suite?: string; last: string; color?: boolean }) => {
      const { historyCommand } = await import("./history.js");
      setCode(await historyCommand(file, flags, io));
    });

  withRunOptions(
    program
      .command("review")
      .description("give verdicts on outputs awaiting human review, check a sample of the judge's, or change verdicts given (--redo)")
      .argument("[paths...]", "suite files or folders (default: evals/)"),
  )
    .option("--sample <n>", "also review up to n outputs that a model-graded grader judged, to measure the judge", "0")
    .option("--reviewer <name>", "your name in the reviews file (default: HARNESS_REVIEWER, git user.name, or the login; the name used is shown before the first output)")
    .option("--from <report.json>", "review the outputs of a saved run (eval -o), e.g. CI's, instead of running the suites", fileName)
    .option("--redo", "offer outputs that already have a verdict, to change it: a new line is added after the old one, and the later wins")
    .option("--case <pattern>", `review only these cases: ${CASE_PATTERNS}`, collect, [])
    .addHelpText(
      "after",
      [
        "",
        "Keys, one a line: p pass; f fail, then a note (Enter for none); n a note before",
        "the verdict; s skip; b back to the previous output, to give it another verdict;",
        "q quit. Every verdict is kept at once; a changed one is a later line in the",
        "reviews file (the earlier stays), and the later wins.",
      ].join("\n"),
    )
    .action(async (paths: string[] | undefined, flags: ReviewFlags) => {
      const { reviewCommand } = await import("./review.js");
      setCode(await reviewCommand(paths ?? [], flags, io));
    });

  withReportOptions(
    withRunOptions(
      program
        .command("compare")
        .description("run the same suites on two or more models and say whether the candidates are worse than the first (the reference)")
        .argument("[paths...]", "suite files or folders (default: evals/)"),
      new Option("-p, --provider <id>", "a model to compare, repeated: the first is the reference, e.g. -p openai:gpt-4o-mini -p anthropic:claude-haiku-4-5").argParser((v: string, prev: string[] | undefined) => collect(v, prev ?? [])),
    ),
    "terminal (default), json, markdown, html",
  )
    .option("--against-baseline", "compare one run (its -p, or the suites' providers) with the stored baseline instead")
    .option("--baseline <file>", "baseline for --against-baseline (default: evals/baseline.json)", fileName)
    .option("-q, --quiet", "no progress, nor waits on rate limits (warnings still print)")
    .option("--open", OPEN_HELP)
    .action(async (paths: string[] | undefined, flags: CompareFlags) => {
      const { compareCommand } = await import("./compare.js");
      setCode(await compareCommand(paths ?? [], flags, io));
    });

  return program;
}

const CASE_PATTERNS = "an id, or suite/id, with * and ? as wildcards; repeat or comma-separate for several";
const OPEN_HELP = "open the HTML report in a browser ($BROWSER, else the system's opener); adds --reporter html if missing";
const RUN_REPORTERS = "terminal (default), json, junit, markdown, github, html";
const REPORTER_HELP = `${RUN_REPORTERS}, each as name or name:file; repeat or comma-separate for several`;

/** Repeatable options collect every value given. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The options that say how a run is gated and reported: eval and merge share them. */
function withGateOptions(cmd: Command): Command {
  return withReportOptions(
    cmd
      .option("--baseline <file>", "baseline to gate against (default: evals/baseline.json)", fileName)
      .option("--update-baseline", "write this run as the new baseline (regressions against the old one do not fail; thresholds still do)")
      .option("--require-baseline", "a missing baseline is an error (exit 2), not a pass: for CI")
      .addOption(new Option("--pending <policy>", "trials awaiting human review: warn, or fail the gate").choices(["warn", "fail"]).default("warn")),
  );
}

/** Significance, errors allowed, and where results go: eval, merge and compare share them. */
function withReportOptions(cmd: Command, reporters = RUN_REPORTERS): Command {
  return cmd
    .option("--alpha <a>", "significance level of the regression gate, for the whole run", String(DEFAULT_ALPHA))
    .option("--max-error-rate <share>", "more errored trials than this share: exit 3", String(DEFAULT_MAX_ERROR_SHARE))
    .option("-o, --output <file>", "write the whole run as JSON", fileName)
    .option("--reporter <spec>", `${reporters}, each as name or name:file; repeat or comma-separate for several`, collect, [])
    .option("--color", "force colour")
    .option("--no-color", "no colour");
}

/** A file or folder name: an empty one (`-o "$OUT"` with OUT unset) is a mistake, never "no file" or the project folder. */
function fileName(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError("expected a file name, got an empty one");
  return value;
}

/** The options that say how suites run, shared by every command that runs them: one mapping, no drift. */
function withRunOptions(
  cmd: Command,
  provider = new Option("-p, --provider <id>", "run every suite against this provider, e.g. openai:gpt-4o-mini").argParser((v: string, prev: string | undefined) => {
    // The last -p used to win in silence: two models are a comparison, not one run.
    if (prev !== undefined) throw new InvalidArgumentError(`one provider per run (got ${prev} and ${v}); to set models against each other: harness compare -p ${prev} -p ${v}`);
    return v;
  }),
): Command {
  return cmd
    .addOption(provider)
    .option("-k, --trials <n>", "trials per case, 1 to 10,000 (overrides the suites' trials:)")
    .option("--judge <id>", "judge model for rubric, closed-qa and factuality graders that name none (overrides the suites' judge:)")
    .option("-j, --concurrency <n>", "model calls in flight at once (judges have a limit of their own of the same size)", String(DEFAULT_CONCURRENCY))
    .option("--timeout <ms>", "per-call (and per-grader) timeout", String(DEFAULT_TIMEOUT_MS))
    .option("--retries <n>", "retries on 429, 5xx and timeouts", String(DEFAULT_RETRIES))
    .addOption(new Option("--record", "record answers missing from fixtures/ (needs a key)").conflicts("offline"))
    .option("--offline", "use recorded fixtures only: a missing one is an error, no network")
    .option("--fixtures <dir>", "fixtures folder", fileName, DEFAULT_FIXTURES_DIR)
    .option("--reviews <file>", "people's verdicts, for human graders and judge checks (default: evals/reviews.jsonl)", fileName);
}

/** Runs the CLI and returns the exit code. Never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return ExitCode.usage;
    }
    // commander shows the general help for `help <anything>`, with exit 0: a typo there is a typo.
    if (argv[0] === "help" && argv[1] !== undefined && !program.commands.some((c) => c.name() === argv[1])) {
      throw new UsageError(`help ${argv[1]}: no such command; the commands are ${program.commands.map((c) => c.name()).join(", ")}`);
    }
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (err) {
    return reportError(err, io);
  }
}

/** Expected errors print as a message and a hint; anything else is a bug and prints its stack. */
export function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // help and version exit "successfully" through the override.
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return ExitCode.ok;
    return ExitCode.usage;
  }
  if (err instanceof HarnessError) {
    // Config problems are already one "file:line:col  path  message" line each.
    io.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `harness: ${err.message}\n`);
    if (err.hint) io.stderr.write(`hint: ${err.hint}\n`);
    return err.exitCode;
  }
  const file = fileProblem(err, io.cwd);
  if (file) {
    io.stderr.write(`harness: ${file}\n`);
    return ExitCode.usage;
  }
  io.stderr.write(`harness: internal error; this is a bug, please report it with the lines below.\n${(err as Error)?.stack ?? String(err)}\n`);
  return ExitCode.runError;
}

/**
 * The system refusing a file the user named or owns (no permission, a file where a folder
 * should be), met where no command expected it: the user's to fix, so a message and exit 2,
 * never a stack trace. Every command checks what it can first; this is the net under them.
 */
function fileProblem(err: unknown, cwd: string): string | undefined {
  const e = err as NodeJS.ErrnoException | null;
  const why = FILE_ERRORS[e?.code ?? ""];
  if (!why || typeof e?.path !== "string") return undefined;
  const rel = path.relative(cwd, e.path);
  const shown = rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? e.path : rel;
  return `cannot ${VERBS[e.syscall ?? ""] ?? "use"} ${shown}: ${why}`;
}

const VERBS: Record<string, string> = { open: "open", read: "read", write: "write", scandir: "list", opendir: "list", mkdir: "make the folder", rename: "rename", unlink: "remove", rmdir: "remove", stat: "look at", lstat: "look at", access: "use", copyfile: "copy" };

const FILE_ERRORS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  EISDIR: "it is a folder, where a file was expected",
  ENOTDIR: "a part of the path is a file, where a folder was expected",
  EEXIST: "a file is in the way",
  ENOENT: "no such file or folder",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "the name is too long",
};
