/** How far model-graded graders agree with people who graded the same outputs. Pure. */
import { hashOf } from "./hash.js";
import { cohensKappa } from "./stats.js";
import type { JudgeAgreement, SuiteResult } from "./types.js";

export function judgeAgreement(suites: readonly SuiteResult[]): JudgeAgreement[] {
  // One pair per distinct output: a fixture replayed in five trials is one judgement, not five.
  const byGrader = new Map<string, Map<string, [boolean, boolean]>>();
  for (const s of suites) {
    for (const c of s.cases) {
      for (const t of c.trials) {
        if (t.output === null) continue;
        for (const g of t.grades) {
          if (!g.human || !g.reviewKey) continue;
          const pairs = byGrader.get(g.type) ?? new Map<string, [boolean, boolean]>();
          pairs.set(hashOf([s.name, c.id, g.reviewKey, t.output]), [g.pass, g.human.verdict === "pass"]);
          byGrader.set(g.type, pairs);
        }
      }
    }
  }
  return [...byGrader.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([grader, pairs]) => ({ grader, pairs: pairs.size, ...cohensKappa([...pairs.values()]) }));
}
