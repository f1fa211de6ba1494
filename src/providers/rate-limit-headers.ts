/**
 * The providers' own rate-limit headers, read on every answer: when a window is used up, no
 * call can succeed before it resets, so the runner pauses rather than collecting 429s.
 * OpenAI sends x-ratelimit-{remaining,reset}-{requests,tokens} with Go-style durations
 * ("6m0s", "20ms"); Anthropic sends anthropic-ratelimit-{requests,tokens,input-tokens,
 * output-tokens}-{remaining,reset} with RFC 3339 times.
 */

const OPENAI_WINDOWS = ["requests", "tokens"].map((w) => [`x-ratelimit-remaining-${w}`, `x-ratelimit-reset-${w}`] as const);
const ANTHROPIC_WINDOWS = ["requests", "tokens", "input-tokens", "output-tokens"].map((w) => [`anthropic-ratelimit-${w}-remaining`, `anthropic-ratelimit-${w}-reset`] as const);

/** "1h2m3.5s", "6m0s", "20ms", "0.5s" → milliseconds; undefined when it is not such a duration. */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === "" || !/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(s)) return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };
  let ms = 0;
  for (const [, n, u] of s.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) ms += Number(n) * unit[u!]!;
  return ms;
}

function resetIn(value: string, dialect: "openai" | "anthropic", now: number): number | undefined {
  if (dialect === "openai") return parseGoDuration(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long until a used-up window resets, in ms: the longest over the windows at 0 remaining;
 * undefined while every window has room (or the server sends no such headers).
 */
export function exhaustedFor(headers: Headers | undefined, dialect: "openai" | "anthropic", now = Date.now()): number | undefined {
  if (!headers || typeof headers.get !== "function") return undefined;
  let wait: number | undefined;
  for (const [remainingName, resetName] of dialect === "openai" ? OPENAI_WINDOWS : ANTHROPIC_WINDOWS) {
    const remaining = headers.get(remainingName)?.trim();
    if (remaining === undefined || remaining === "" || Number(remaining) > 0) continue;
    const reset = headers.get(resetName);
    const ms = reset ? resetIn(reset, dialect, now) : undefined;
    if (ms !== undefined) wait = Math.max(wait ?? 0, ms);
  }
  return wait;
}
