/** Reads and writes the versioned baseline file (default evals/baseline.json). */
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { Baseline, BaselineCase, CaseResult, SuiteResult } from "../core/types.js";
import { BaselineError, ConfigError, UsageError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { MAX_TRIALS } from "../defaults.js";
import { atLine } from "../io/json-position.js";
import { jsonProblems, versionOf } from "../config/issue-words.js";

export { DEFAULT_BASELINE_PATH } from "../defaults.js";

const count = z.number().int().nonnegative();
/** A case's trials: no run has more than MAX_TRIALS, and a hand-edited billion crashed the statistics. */
const trialsCount = count.max(MAX_TRIALS);
const metric = z.number().min(0).max(1).nullable();

const BaselineSchema = z.object({
  schemaVersion: z.literal(1),
  createdAt: z.string(),
  harnessVersion: z.string(),
  git: z.object({ commit: z.string().nullable(), dirty: z.boolean().nullable() }),
  suites: z.record(
    z.string(),
    z.object({
      provider: z.string(),
      trials: count,
      k: count,
      passAtK: metric,
      passHatK: metric,
      passRate: metric,
      judgePrompts: z.record(z.string(), z.string()).optional(),
      judgeModel: z.string().optional(),
      cases: z.record(z.string(), z.object({ n: trialsCount, passes: trialsCount, errored: trialsCount, promptHash: z.string(), gradersHash: z.string().optional() }).refine((c) => c.passes <= c.n, "passes must not exceed n")),
    }),
  ),
});

/**
 * The baseline at `file` (`label` names it in messages), or null when there is none. Corrupt
 * or unknown-version files are errors, never ignored.
 */
export async function readBaseline(file: string, label = file): Promise<Baseline | null> {
  let text: string;
  try {
    // A byte-order mark (an editor's) is no part of the JSON, as it is none of a suite's.
    text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new BaselineError(`${label}: cannot read the baseline (${(err as Error).message})`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`${label}: the baseline is not valid JSON${atLine(text, err)} (${(err as Error).message})`, {
      hint: REWRITE_HINT,
    });
  }
  const version = versionOf(json, 1);
  if (version.kind === "not-it") {
    throw new BaselineError(`${label}: not a harness baseline (${version.why})`, {
      hint: "harness eval --update-baseline writes one from a run: move this file away first (it is read before it is replaced), or name another with --baseline",
    });
  }
  if (version.kind === "other-version") {
    throw new BaselineError(`${label}: baseline schemaVersion ${version.version} is not one this harness reads (1)`, {
      hint: "it was written by a different harness version; delete it and write a new one with --update-baseline",
    });
  }
  const parsed = BaselineSchema.safeParse(json);
  // Every problem, each at its line, as a suite's are.
  if (!parsed.success) throw new ConfigError(await jsonProblems(parsed.error.issues, json, text, label), { hint: REWRITE_HINT });
  return parsed.data;
}

/** --update-baseline reads the old baseline too (to keep the suites a run leaves out): a broken one must go first. */
const REWRITE_HINT = "restore it from git (git checkout -- the file), or fix it, or delete it and write a new one with --update-baseline";


function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** The commit checked out in `cwd` and whether the tree has changes; nulls outside a git repository. */
export function gitState(cwd: string): Baseline["git"] {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { cwd, stdio: ["ignore", "pipe", "ignore"] }).toString().trim() !== "";
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

/**
 * A new baseline from this run's suites, keeping the entries of suites this run
 * did not include, so updating one suite never drops another's history.
 */
export function buildBaseline(suites: readonly SuiteResult[], previous: Baseline | null, harnessVersion: string, cwd: string): Baseline {
  const out: Baseline = { schemaVersion: 1, createdAt: new Date().toISOString(), harnessVersion, git: gitState(cwd), suites: { ...(previous?.suites ?? {}) } };
  for (const s of suites) {
    out.suites[s.name] = {
      provider: s.provider,
      trials: s.trials,
      k: s.k,
      passAtK: finiteOrNull(s.passAtK),
      passHatK: finiteOrNull(s.passHatK),
      passRate: finiteOrNull(s.passRate),
      ...(Object.keys(s.judgePrompts).length > 0 ? { judgePrompts: s.judgePrompts } : {}),
      ...(s.judgeModel ? { judgeModel: s.judgeModel } : {}),
      cases: Object.fromEntries(
        s.cases.flatMap((c) => {
          if (!unsettled(c)) return [[c.id, { n: c.n, passes: c.passes, errored: c.errored, promptHash: c.promptHash, ...(c.gradersHash !== undefined ? { gradersHash: c.gradersHash } : {}) }]];
          const kept = previousEntry(previous, s.name, c.id);
          return kept ? [[c.id, kept]] : [];
        }),
      ),
    };
  }
  return out;
}

/**
 * A case this run cannot set the reference for. With trials awaiting a person, its judged
 * trials are those another grader failed, a sample of failures (1 of 5 judged, and failed,
 * would be written 0/1, and the case could never regress again); with every trial errored it
 * has no counts at all (n 0: never compared again). Such a case keeps its previous entry, or,
 * with none, stays out of the baseline until a run judges it: "new", not a false reference.
 */
function unsettled(c: CaseResult): boolean {
  return c.pending > 0 || c.n === 0;
}

function previousEntry(previous: Baseline | null, suite: string, id: string): BaselineCase | undefined {
  if (!previous || !Object.hasOwn(previous.suites, suite)) return undefined;
  const cases = previous.suites[suite]!.cases;
  return Object.hasOwn(cases, id) ? cases[id] : undefined;
}

/** The lines saying which cases buildBaseline kept at their previous entry, or left out, as this run could not judge them. */
export function keptForPending(suites: readonly SuiteResult[], previous: Baseline | null): string | undefined {
  const kept: string[] = [];
  const left: string[] = [];
  for (const s of suites) for (const c of s.cases) if (unsettled(c)) (previousEntry(previous, s.name, c.id) ? kept : left).push(`${s.name}/${c.id}`);
  const list = (ids: string[]) => `${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", …" : ""}`;
  const cases = (n: number) => `${n} case${n === 1 ? "" : "s"}`;
  const why = "(trials awaiting human review, or every trial errored)";
  const lines = [
    ...(kept.length > 0 ? [`Kept the previous baseline entries of ${cases(kept.length)} this run could not judge ${why}: ${list(kept)}.`] : []),
    ...(left.length > 0 ? [`Left out of the baseline ${cases(left.length)} this run could not judge ${why}, with no entry before: ${list(left)}.`] : []),
  ];
  return lines.length > 0 ? `${lines.join("\n")}\n` : undefined;
}

export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(baseline, null, 2)}\n`, "baseline");
}

/**
 * Why a baseline cannot be this run's, when it has none of the run's cases: another project's
 * file, or one from before the suites were renamed. Gated against it, every case is "new" and
 * the gate passes whatever happened. Undefined when some case is shared, or the baseline is empty.
 */
export function foreignBaseline(suites: readonly { name: string; cases: readonly { id: string }[] }[], baseline: Baseline, label: string): string | undefined {
  const names = Object.keys(baseline.suites);
  if (names.length === 0 || suites.every((s) => s.cases.length === 0)) return undefined;
  for (const s of suites) {
    const stored = Object.hasOwn(baseline.suites, s.name) ? baseline.suites[s.name]! : undefined;
    if (stored && s.cases.some((c) => Object.hasOwn(stored.cases, c.id))) return undefined;
  }
  const shown = names.length <= 5 ? names.join(", ") : `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;
  return `the baseline ${label} has none of this run's cases (its suites: ${shown}; this run's: ${suites.map((s) => s.name).join(", ")})`;
}

/** A foreign baseline (foreignBaseline's reason) refused, where `refuse`; otherwise the warning line to print. */
export function refuseOrWarn(foreign: string | undefined, refuse: boolean, hint: string): string | undefined {
  if (foreign === undefined) return undefined;
  if (refuse) throw new UsageError(foreign, { hint });
  return `harness: warning: ${foreign}: every case is new, so nothing can regress\n`;
}
