/**
 * When a suite file fails validation, the parts that are valid are still worth
 * checking (template variables, regexes, duplicate ids, grader files), so that one
 * run reports every problem rather than one layer at a time. A draft keeps each
 * valid field, and keeps list positions, with a hole where an entry was invalid,
 * so that problems found later still point at the right line.
 */
import { CaseSchema, GraderSpecSchema, SuiteFileSchema, type CaseSpec, type GraderSpec, type SuiteFile } from "./schema.js";

export type Holey<T> = (T | undefined)[];

export interface CaseDraft extends Omit<CaseSpec, "graders"> {
  graders?: Holey<GraderSpec> | undefined;
}

export interface SuiteDraft extends Omit<SuiteFile, "cases" | "graders"> {
  cases: Holey<CaseDraft>;
  graders?: Holey<GraderSpec> | undefined;
  /** Top-level keys that were present but invalid: checks that depend on them are skipped, not misreported. */
  invalid: ReadonlySet<string>;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

function salvageGraders(raw: unknown): Holey<GraderSpec> | undefined {
  return Array.isArray(raw) ? raw.map((g) => (GraderSpecSchema.safeParse(g).data as GraderSpec | undefined)) : undefined;
}

const CaseWithoutGraders = CaseSchema.omit({ graders: true });
const CASE_KEYS = Object.keys(CaseWithoutGraders.shape);

function salvageCase(raw: unknown): CaseDraft | undefined {
  if (!isPlainObject(raw)) return undefined;
  const known = Object.fromEntries(Object.entries(raw).filter(([k]) => CASE_KEYS.includes(k)));
  const parsed = CaseWithoutGraders.safeParse(known);
  return parsed.success ? { ...parsed.data, graders: salvageGraders(raw.graders) } : undefined;
}

export function draftFromValid(spec: SuiteFile): SuiteDraft {
  return { ...spec, invalid: new Set() };
}

export function salvageSuite(raw: Record<string, unknown>): SuiteDraft {
  const invalid = new Set<string>();
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(SuiteFileSchema.shape)) {
    if (!(key in raw)) continue;
    if (key === "cases") {
      if (Array.isArray(raw.cases)) out.cases = raw.cases.map(salvageCase);
      else invalid.add(key);
    } else if (key === "graders") {
      out.graders = salvageGraders(raw.graders);
      if (!Array.isArray(raw.graders)) invalid.add(key);
    } else {
      const parsed = schema.safeParse(raw[key]);
      if (parsed.success) out[key] = parsed.data;
      else invalid.add(key);
    }
  }
  return { ...(out as Omit<SuiteDraft, "cases" | "invalid">), cases: (out.cases as Holey<CaseDraft> | undefined) ?? [], invalid };
}
