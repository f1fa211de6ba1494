/**
 * One interface every target speaks. Providers translate requests and responses and
 * classify their errors; retries, timeouts and concurrency belong to the runner.
 */
import type { ErrorCategory, Message, Usage } from "../core/types.js";

export interface ProviderRequest {
  messages: Message[];
  /** The case's vars: the exec provider passes them on; model providers ignore them. */
  vars: Record<string, unknown>;
  /**
   * Ask for JSON matching this schema, through the provider's structured-output feature
   * (OpenAI response_format json_schema; Anthropic a forced tool call). The output is then
   * that JSON as text. Judges use it; a server that ignores it still answers in text.
   */
  responseFormat?: { name: string; schema: Record<string, unknown> };
  /**
   * Whether an answer can be read (a judge's: its verdict found). One that cannot is still
   * returned, for the caller to error, but is no answer to keep: it is never recorded as a
   * fixture, and --record asks again in place of one recorded before. Default: any answer.
   */
  readable?: (output: string) => boolean;
  /** Who asks: a judge grading an answer, or (absent) a case's own request. Only what errors say depends on it. */
  asks?: "judge";
}

export interface CallOptions {
  signal: AbortSignal;
  /** 0-based trial index: recorded fixtures are keyed by it, so k trials replay k answers. */
  trial: number;
  /**
   * The runner's time limit for this call (--timeout; default 60 s), which the runner enforces
   * through `signal`. The SDK clients are told it too: left to their own 10-minute default
   * they cut a longer call short, and the Anthropic one refuses a large max_tokens outright.
   */
  timeoutMs?: number;
}

export interface ProviderResponse {
  output: string;
  /** Where the secrets masked out of this answer came from ("$PGPASSWORD"), when any were: the answer is graded, and recorded, as masked. */
  masked?: string[];
  usage: Usage | null;
  costUsd: number | null;
  /** Time the call took; for a replayed fixture, the time it took when recorded; null for a batch answer (no call of its own). */
  latencyMs: number | null;
  /** Answered from a recorded fixture. */
  cached: boolean;
  /** The model declined to answer; the output holds what it said instead. */
  refused?: true;
  /** The answer stopped at the token limit partway; the output is what came before it. */
  truncated?: true;
  /** A live answer the fixtures layer wrote to a fixture (--record). */
  recorded?: true;
  /**
   * The answer of one call that another trial of this run was given first (cases sending the
   * same request share a fixture): its usage and cost are the answer's, to grade, but that
   * trial's to count.
   */
  shared?: true;
  /** The fixture file a replayed answer came from, relative to the project folder: an answer found unreadable names it. */
  fixture?: string;
  /** The provider's rate-limit headers say a window is used up for this many ms: pause, don't collect 429s. */
  exhaustedForMs?: number;
}

export interface Provider {
  /** e.g. "openai:gpt-4o-mini" */
  readonly id: string;
  call(request: ProviderRequest, options: CallOptions): Promise<ProviderResponse>;
  /** The provider's batch API (eval --batch), where it has one; answers it collects are then served by call(). */
  readonly batch?: BatchRunner;
}

/** One trial's request, as a batch carries it. */
export interface BatchEntry {
  request: ProviderRequest;
  trial: number;
}

/**
 * What each batch API call is told: its signal, and the runner's time limit for it, which the
 * runner enforces through the signal and the SDK is told too (requestOptions), as for a live call.
 */
export type BatchCallOptions = Required<Pick<CallOptions, "signal" | "timeoutMs">>;

/** What a provider batch API can do, in the runner's terms. */
export interface BatchApi {
  /**
   * Sends the requests as one batch; resolves with the batch's id. `customId` keys each answer;
   * `tag` marks the batch where the provider keeps a label (OpenAI's metadata), for `find`.
   */
  submit(items: { customId: string; body: unknown }[], options: BatchCallOptions, tag: string): Promise<string>;
  /**
   * The batch a submit created whose answer was lost (a timeout, a dropped connection), looked
   * for among the provider's latest batches by its tag. Where the provider keeps no tag, none is
   * found: those that could be it (as many requests, created since) are named, as unsure.
   */
  find(tag: string, sent: SentBatch, options: BatchCallOptions): Promise<FoundBatch>;
  /** How a person finds that batch in the provider's list, to cancel it: "the batch whose metadata …". */
  describeSent(tag: string, sent: SentBatch): string;
  /** Whether the batch has ended (completed, failed, expired or cancelled), and how far it got. */
  check(batchId: string, options: BatchCallOptions): Promise<{ ended: boolean; done: number; total: number }>;
  /**
   * The answers of an ended batch by custom id. An answer that stopped before any text comes as
   * its error (asked again live it would most likely stop alike, at full price); requests that
   * failed in the batch, or whose answer could not be read, are left out (they run live).
   */
  results(batchId: string, options: BatchCallOptions): Promise<Map<string, ProviderResponse | ProviderError>>;
}

/** A batch being sent: when the upload began (ms since the epoch) and how many requests it carried. */
export interface SentBatch {
  since: number;
  requests: number;
}

/**
 * What a look for a batch found: it, none, or no sure answer; `final` where looking again
 * cannot give one (batches that could be it, where none can be told for sure).
 */
export type FoundBatch = { kind: "found"; batchId: string } | { kind: "none" } | { kind: "unsure"; why: string; final?: true };

/** A batch API wrapped with fixtures: only unrecorded trials are sent, and answers are recorded like live ones. */
export interface BatchRunner {
  /** The entries that need a model's answer (no fixture), each with the custom id it goes by. */
  needed(entries: BatchEntry[]): Promise<(BatchEntry & { customId: string })[]>;
  submit(entries: (BatchEntry & { customId: string })[], options: BatchCallOptions, tag: string): Promise<string>;
  find(tag: string, sent: SentBatch, options: BatchCallOptions): Promise<FoundBatch>;
  describeSent(tag: string, sent: SentBatch): string;
  check(batchId: string, options: BatchCallOptions): Promise<{ ended: boolean; done: number; total: number }>;
  /** Fetches an ended batch's answers and keeps them for call(); resolves with how many came back. */
  collect(batchId: string, options: BatchCallOptions): Promise<number>;
}

/** A model provider whose answers can be recorded and replayed. */
export interface RecordableProvider extends Provider {
  readonly kind: "openai" | "anthropic";
  readonly model: string;
  /**
   * What decides the answer: the body sent on the wire without credentials or
   * addresses, so a fixture recorded through a proxy replays without it.
   */
  requestIdentity(request: ProviderRequest): unknown;
  /** The provider's batch API: bodies are requestIdentity's, answers priced at the batch discount. */
  readonly batchApi?: BatchApi;
}

/** A call that failed, classified so the runner can decide whether to retry. */
export class ProviderError extends Error {
  readonly category: ErrorCategory;
  /** From Retry-After / retry-after-ms, when the server said. */
  readonly retryAfterMs: number | undefined;
  /** A 429 whose rate-limit headers say a window is used up for this many ms: every call should wait. */
  readonly exhaustedForMs: number | undefined;
  /** Set when the failure means no further call can succeed (no key, bad key). */
  readonly fatal: boolean;
  /** Set when the request never reached a server: the connection was refused, or the host has no address. */
  readonly unreachable: boolean;
  readonly hint: string | undefined;

  constructor(
    category: ErrorCategory,
    message: string,
    options: { retryAfterMs?: number; exhaustedForMs?: number; fatal?: boolean; unreachable?: boolean; hint?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProviderError";
    this.category = category;
    this.retryAfterMs = options.retryAfterMs;
    this.exhaustedForMs = options.exhaustedForMs;
    this.fatal = options.fatal ?? false;
    this.unreachable = options.unreachable ?? false;
    this.hint = options.hint;
  }

  /** The same error in other words (its secrets scrubbed): everything else it says is kept. */
  withText(message: string, hint: string | undefined): ProviderError {
    const copy = new ProviderError(this.category, message, {
      fatal: this.fatal,
      unreachable: this.unreachable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.exhaustedForMs === undefined ? {} : { exhaustedForMs: this.exhaustedForMs }),
      ...(hint === undefined ? {} : { hint }),
    });
    copy.stack = `${copy.name}: ${message}`;
    return copy;
  }
}

/** Categories worth another try: the same request may well succeed later (a garbled body is usually a proxy's or server's passing fault). */
export const RETRYABLE: ReadonlySet<ErrorCategory> = new Set(["rate-limit", "server-error", "timeout", "network", "malformed-output"]);
