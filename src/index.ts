/** The library API: everything the CLI does, callable from code. */
export { loadSuites, type LoadOptions, DEFAULT_TRIALS } from "./config/load.js";
export { SuiteFileSchema, GraderSpecSchema, type SuiteFile, type GraderSpec } from "./config/schema.js";
export { runSuites, type RunOptions } from "./runner/run.js";
export { buildRunResult, type BuildOptions } from "./core/result.js";
export { compareToBaseline, DEFAULT_ALPHA } from "./core/compare.js";
export { decideGate, tooManyErrors } from "./core/gate.js";
export { passAtK, passHatK, wilsonInterval, fisherLess, fisherGreater, fisherLessFloor, holmAdjust, taroneHolm, suitePassRateInterval } from "./core/stats.js";
export { readBaseline, writeBaseline, buildBaseline, DEFAULT_BASELINE_PATH } from "./baseline/baseline.js";
export { renderJson } from "./reporters/json.js";
export { renderTerminal } from "./reporters/terminal.js";
export { runCli } from "./cli/index.js";
export * from "./errors.js";
export type * from "./core/types.js";
export { judgePairwise, buildPairwiseRequest, type PairwiseResult } from "./graders/pairwise.js";
export { buildJudgeRequest, parseJudgeAnswer, judgePrompt } from "./graders/judge.js";
export { openReviews, DEFAULT_REVIEWS_PATH, type Review, type ReviewStore } from "./reviews/store.js";
export { cohensKappa } from "./core/stats.js";
