/** Temporary project folders and LoadedSuite literals for runner, fixture and exec tests. */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { GraderSpec, ProviderConfig } from "../../src/config/schema.js";
import type { LoadedCase, LoadedSuite, Message } from "../../src/core/types.js";

/** A dummy key: tests grep written files for it, so it must be distinctive. */
export const DUMMY_OPENAI_KEY = "sk-test-DUMMY-openai-9f3c1a7e";
export const DUMMY_ANTHROPIC_KEY = "sk-ant-test-DUMMY-anthropic-4b8d2e6f";

export interface TempProject {
  dir: string;
  cleanup(): Promise<void>;
}

export async function tempProject(prefix = "harness-test-"): Promise<TempProject> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface CaseOptions {
  messages?: Message[];
  prompt?: string;
  vars?: Record<string, unknown>;
  graders?: GraderSpec[];
}

export function makeCase(id: string, options: CaseOptions = {}): LoadedCase {
  const messages = options.messages ?? [{ role: "user", content: options.prompt ?? `prompt for ${id}` }];
  return {
    id,
    description: undefined,
    vars: options.vars ?? {},
    messages,
    graders: options.graders ?? [],
    line: 1,
    promptHash: `hash-${id}`,
  };
}

export interface SuiteOptions {
  name?: string;
  providerId: string;
  config?: ProviderConfig;
  trials?: number;
  cases: LoadedCase[];
  /** Absolute folder of the suite file (grader modules resolve against it). */
  dir: string;
  judge?: { id: string; config: ProviderConfig };
}

export function makeSuite(options: SuiteOptions): LoadedSuite {
  const name = options.name ?? "suite";
  return {
    name,
    file: `evals/${name}.yaml`,
    dir: options.dir,
    provider: { id: options.providerId, config: options.config ?? {} },
    judge: options.judge,
    trials: options.trials ?? 1,
    threshold: undefined,
    cases: options.cases,
  };
}

/** Calls `fn` until it returns true, or throws after `timeoutMs` (a generous guard, not a timed assertion). */
export async function waitFor(fn: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
