/**
 * A saved run report (`eval -o`), as `report`, `merge` and `review --from` read it back: the
 * fields the reporters and the exit code rely on, checked once at the edge. A report edited by
 * hand, cut short or written by something else used to pass a check of its top level and then
 * fail deep in a reporter with a stack trace; `gate.status: "weird"` exited 0. Other fields are
 * let through as they are (loose objects): a report from a later harness may carry more.
 * Numbers may be null: JSON writes NaN (not computable) so. A field a later harness added is
 * optional here where the reporters took its absence in their stride; one they never could
 * (a report from before gate.judged) is said to be missing, rather than crashing them.
 */
import { z } from "zod";
import { CLIMB_ORDER } from "../core/rate-limits.js";

const num = z.number().nullable();
const count = z.number().int().min(0);

const GradeSchema = z.looseObject({ type: z.string(), pass: z.boolean(), score: num, reason: z.string() });

const TrialSchema = z.looseObject({
  index: count,
  output: z.string().nullable(),
  passed: z.boolean().nullable(),
  grades: z.array(GradeSchema),
  latencyMs: num,
  error: z.looseObject({ category: z.string(), message: z.string() }).nullable(),
});

const AtKSchema = z.array(z.looseObject({ k: count, passAtK: num, passHatK: num }));
// max came later than p50 and p95 (23415ba): reports before it have none, and read as before.
const LatencySchema = z.looseObject({ p50: num, p95: num, max: num.optional() });

const CaseSchema = z.looseObject({
  id: z.string(),
  line: z.number(),
  n: count,
  passes: count,
  errored: count,
  pending: count,
  k: count,
  passAtK: num,
  passHatK: num,
  at: AtKSchema,
  trials: z.array(TrialSchema),
  // What graded the case, for merge to write into a baseline; absent in reports before it.
  gradersHash: z.string().optional(),
});

const SuiteSchema = z.looseObject({
  name: z.string(),
  file: z.string(),
  provider: z.string(),
  trials: count,
  k: count,
  passAtK: num,
  passHatK: num,
  passRate: num,
  passRateInterval: z.tuple([num, num]),
  at: AtKSchema,
  totals: z.looseObject({ cases: count, trials: count, passed: count, failed: count, errored: count, pending: count }),
  latencyMs: LatencySchema,
  cases: z.array(CaseSchema),
});

const RegressionSchema = z.looseObject({ kind: z.enum(["case", "suite", "threshold", "pending"]), suite: z.string(), caseId: z.string().optional(), message: z.string() });

const GateSchema = z.looseObject({
  status: z.enum(["pass", "fail"]),
  judged: z.boolean(),
  notJudgedReason: z.string().nullable(),
  pending: z.looseObject({ trials: count, policy: z.string() }),
  regressions: z.array(RegressionSchema),
  accepted: z.array(RegressionSchema).optional(),
  improvements: z.array(z.looseObject({ suite: z.string(), caseId: z.string(), message: z.string() })),
  newCases: z.array(z.looseObject({ suite: z.string(), caseId: z.string() })),
  missingCases: z.array(z.looseObject({ suite: z.string(), caseId: z.string() })),
});

// climbedBack came later than the rest (Added within schema 1): reports before it have none.
const RateLimitSchema = z.looseObject({
  provider: z.string(),
  role: z.enum(["target", "judge"]),
  rateLimited: count,
  lowest: count,
  max: count,
  climbedBack: z.enum(CLIMB_ORDER).optional(),
});

export const RunReportSchema = z.looseObject({
  schemaVersion: z.literal(1),
  startedAt: z.string(),
  durationMs: z.number(),
  interrupted: z.enum(["SIGINT", "SIGTERM"]).nullable(),
  suites: z.array(SuiteSchema),
  errors: z.looseObject({ total: count, errored: count, share: num, byCategory: z.record(z.string(), count) }),
  // gradersChanged came later (within schema 1): reports before it have none, and say nothing of graders.
  comparison: z.looseObject({ cases: z.array(z.looseObject({ suite: z.string(), caseId: z.string(), status: z.string(), gradersChanged: z.boolean().optional() })), suites: z.array(z.looseObject({ suite: z.string() })) }).nullable(),
  judgeAgreement: z.array(z.looseObject({ grader: z.string() })),
  rateLimits: z.array(RateLimitSchema).optional(),
  // A merged run's shard reports, named in the command that accepts it; absent before merge recorded them.
  mergedFrom: z.array(z.string()).optional(),
  gate: GateSchema,
});

/** A run report to read back: one that is not a run report at all is said in one line, not a problem per field. */
export const RUN_REPORT = {
  schema: RunReportSchema,
  schemaVersion: 1,
  looksLike: (json: unknown) => {
    const r = json as { schemaVersion?: unknown; suites?: unknown; gate?: unknown } | null;
    return typeof r === "object" && r !== null && r.schemaVersion === 1 && Array.isArray(r.suites) && typeof r.gate === "object" && r.gate !== null;
  },
  notIt: (json: unknown) =>
    (json as { kind?: unknown } | null)?.kind === "model-comparison"
      ? "a harness compare result, not a run report: harness report renders runs (harness eval -o); compare writes its reports as it runs (harness compare --reporter markdown:FILE, html:FILE)"
      : "not a harness run report (schemaVersion 1, with suites and gate): write one with harness eval -o",
};
