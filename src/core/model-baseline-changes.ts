/**
 * What changed since the baseline besides the model, for compare --against-baseline: cases
 * whose prompt or graders changed, and suites judged by another judge model or with other judge
 * instructions. Any of these can move a pass rate on its own, so the report flags them,
 * as eval's does ("same (prompt changed)"): differences may be theirs, not the model's.
 * The baseline keeps a prompt hash (and a graders hash, from when it had them) per case and, when it had them, the judge's model and
 * instructions' hashes per suite; what it does not record is not compared.
 */
import type { ComparisonSide } from "./comparison-sides.js";
import { hashChanged } from "./hash.js";
import type { BaselineChanges } from "./model-comparison-types.js";

export function baselineChanges(baseline: ComparisonSide, run: ComparisonSide): BaselineChanges {
  const changes: Required<BaselineChanges> = { promptChanged: [], gradersChanged: [], judgeChanged: [], judgePromptsChanged: [] };
  for (const suite of run.suites) {
    const base = baseline.suites.find((s) => s.name === suite.name);
    if (!base) continue;
    const stored = new Map(base.cases.map((c) => [c.id, c]));
    for (const c of suite.cases) {
      const b = stored.get(c.id);
      if (hashChanged(b?.promptHash, c.promptHash)) changes.promptChanged.push(`${suite.name}/${c.id}`);
      if (hashChanged(b?.gradersHash, c.gradersHash)) changes.gradersChanged.push(`${suite.name}/${c.id}`);
    }
    if (base.judgeModel && suite.judgeModel && base.judgeModel !== suite.judgeModel) changes.judgeChanged.push({ suite: suite.name, baseline: base.judgeModel, current: suite.judgeModel });
    const graders = Object.keys(suite.judgePrompts ?? {}).filter((t) => base.judgePrompts?.[t] !== undefined && base.judgePrompts[t] !== suite.judgePrompts![t]);
    if (graders.length > 0) changes.judgePromptsChanged.push({ suite: suite.name, graders });
  }
  return changes;
}
