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
}

export interface CallOptions {
  signal: AbortSignal;
  /** 0-based trial index: recorded fixtures are keyed by it, so k trials replay k answers. */
  trial: number;
}

export interface ProviderResponse {
  output: string;
  usage: Usage | null;
  costUsd: number | null;
  /** Time the call took; for a replayed fixture, the time it took when recorded. */
  latencyMs: number;
  /** Answered from a recorded fixture. */
  cached: boolean;
  /** The model declined to answer; the output holds what it said instead. */
  refused?: true;
  /** The provider's rate-limit headers say a window is used up for this many ms: pause, don't collect 429s. */
  exhaustedForMs?: number;
}

export interface Provider {
  /** e.g. "openai:gpt-4o-mini" */
  readonly id: string;
  call(request: ProviderRequest, options: CallOptions): Promise<ProviderResponse>;
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
  readonly hint: string | undefined;

  constructor(category: ErrorCategory, message: string, options: { retryAfterMs?: number; exhaustedForMs?: number; fatal?: boolean; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProviderError";
    this.category = category;
    this.retryAfterMs = options.retryAfterMs;
    this.exhaustedForMs = options.exhaustedForMs;
    this.fatal = options.fatal ?? false;
    this.hint = options.hint;
  }
}

/** Categories worth another try: the same request may well succeed later. */
export const RETRYABLE: ReadonlySet<ErrorCategory> = new Set(["rate-limit", "server-error", "timeout", "network"]);
