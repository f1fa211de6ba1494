/**
 * Every default in one place, so the CLI's help, the library and the README cannot
 * drift apart. Plain constants: importing this costs nothing at start-up.
 */

/** Trials per case when a suite does not say: one run proves little. */
export const DEFAULT_TRIALS = 5;
/** The most trials of one case that a suite's `trials:` or -k may ask for. */
export const MAX_TRIALS = 10_000;
/** Calls in flight at once, across all cases and trials (-j). */
export const DEFAULT_CONCURRENCY = 8;
/** More calls in flight than any provider allows one key; past it, the workers alone filled memory (-j 100,000,000). */
export const MAX_CONCURRENCY = 10_000;
/** setTimeout's limit (2^31 − 1 ms, 24.8 days): past it Node fires at once, and every call "timed out" after 1 ms. */
export const MAX_TIMEOUT_MS = 2_147_483_647;
/** Per-call timeout in ms, also the longest a grader may take. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Retries after the first attempt, on 429, 5xx, timeouts and connection errors. */
export const DEFAULT_RETRIES = 4;
/** Significance level of the regression gate, for the whole run. */
export const DEFAULT_ALPHA = 0.05;
/**
 * How long a provider that answered earlier in the run may stay unreachable (connections
 * refused, its name unknown) while trials keep retrying; after that, each tries once.
 */
export const UNREACHABLE_PATIENCE_MS = 60_000;
/**
 * How long a provider that answered earlier in the run may answer 429 to every call, once a
 * trial has used up its retries on them, while trials keep retrying; after that, each tries once.
 */
export const RATE_LIMITED_PATIENCE_MS = 60_000;
/** The shortest wait on a provider's rate limit that a run says it is waiting on: shorter ones are ridden out before anyone could read of them. */
export const RATE_LIMIT_WAIT_NOTICE_MS = 5_000;
/** Above this share of errored trials a run cannot be judged (exit 3). */
export const DEFAULT_MAX_ERROR_SHARE = 0.1;
export const DEFAULT_BASELINE_PATH = "evals/baseline.json";
export const DEFAULT_FIXTURES_DIR = "fixtures";
/** The run journal: each trial as it ends, so an interrupted run can be resumed (--resume). */
export const DEFAULT_JOURNAL_PATH = ".harness/journal.jsonl";
/** First wait between polls of a provider batch (eval --batch), in ms. */
export const DEFAULT_BATCH_POLL_MS = 5_000;
/** Where batch ids are kept until their run completes, so an interrupted batch is picked up, not sent twice. */
export const DEFAULT_BATCH_STATE_DIR = ".harness/batches";
