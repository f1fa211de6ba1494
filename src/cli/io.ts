/** Where the CLI writes, and what it reads of its environment: injectable so tests can run it in-process. */
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  /** `columns`: a terminal's width, which the progress line keeps within. */
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  /** Where interactive commands (review) read answers. Default: process.stdin. */
  stdin?: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM; its reason is the signal's name. */
  signal?: AbortSignal;
  /** Told how many trials a run will make, before its first call: the executable tunes the process for it (see heap.ts). */
  sizeRun?(trials: number): void;
}

export function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/**
 * Colour when writing to a terminal, unless NO_COLOR is set (no-color.org); FORCE_COLOR forces it.
 * `toTerminal`: whether this output goes to one; default, whether stdout is one.
 */
export function useColor(io: CliIo, flag: boolean | undefined, toTerminal = io.stdout.isTTY === true): boolean {
  if (flag !== undefined) return flag;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  // FORCE_COLOR=0 (or "false") turns colour off, as chalk and Node read it.
  if (io.env.FORCE_COLOR === "0" || io.env.FORCE_COLOR === "false") return false;
  if (io.env.FORCE_COLOR !== undefined) return true;
  return toTerminal;
}
