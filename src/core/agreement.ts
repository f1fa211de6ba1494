/**
 * How far model-graded graders agree with people who graded the same outputs. Pure.
 * One row per grader (suite and rubric), so one bad rubric cannot hide behind good
 * ones, and one row per grader type over all suites.
 */
import { hashOf } from "./hash.js";
import { cohensKappa } from "./stats.js";
import type { JudgeAgreement, SuiteResult } from "./types.js";
import { hasOutput } from "./stored-output.js";

export function judgeAgreement(suites: readonly SuiteResult[]): JudgeAgreement[] {
  // One pair per distinct output: a fixture replayed in five trials is one judgement, not five.
  const groups = new Map<string, { row: Omit<JudgeAgreement, "pairs" | "agreement" | "agreementInterval" | "kappa" | "kappaInterval">; pairs: Map<string, [boolean, boolean]> }>();
  const add = (id: string, row: Omit<JudgeAgreement, "pairs" | "agreement" | "agreementInterval" | "kappa" | "kappaInterval">, key: string, pair: [boolean, boolean]) => {
    const g = groups.get(id) ?? { row, pairs: new Map<string, [boolean, boolean]>() };
    g.pairs.set(key, pair);
    groups.set(id, g);
  };
  for (const s of suites) {
    for (const c of s.cases) {
      for (const t of c.trials) {
        if (!hasOutput(t)) continue;
        for (const g of t.grades) {
          if (!g.human || !g.reviewKey) continue;
          const key = hashOf([s.name, c.id, g.reviewKey, t.output]);
          const pair: [boolean, boolean] = [g.pass, g.human.verdict === "pass"];
          add(`${s.name}\u0000${g.reviewKey}`, { grader: g.type, suite: s.name, reviewKey: g.reviewKey }, key, pair);
          add(`*\u0000${g.type}`, { grader: g.type, suite: null, reviewKey: null }, key, pair);
        }
      }
    }
  }
  const perType = new Map<string, number>();
  for (const { row } of groups.values()) if (row.suite !== null) perType.set(row.grader, (perType.get(row.grader) ?? 0) + 1);
  return [...groups.values()]
    // A total over a single grader would only repeat its row.
    .filter(({ row }) => row.suite !== null || (perType.get(row.grader) ?? 0) > 1)
    .map(({ row, pairs }) => ({ ...row, pairs: pairs.size, ...cohensKappa([...pairs.values()]) }))
    .sort((a, b) => a.grader.localeCompare(b.grader) || (a.suite === null ? -1 : b.suite === null ? 1 : a.suite.localeCompare(b.suite)) || (a.reviewKey ?? "").localeCompare(b.reviewKey ?? ""));
}
