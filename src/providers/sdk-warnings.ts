/**
 * The Anthropic SDK warns on the console at every call to a model it lists as deprecated ("The
 * model 'claude-sonnet-4-5' is deprecated…"): a run of 10,000 trials printed it 10,000 times
 * among the report, -q or not. It has no logger option for this, only console.warn.
 */

/**
 * Starts an SDK call, handing what the SDK warns while it builds the request to `warn` instead
 * of the console; the run says each text once. The SDK warns synchronously, before its first
 * await, so console.warn is taken for exactly that stretch: no other code runs in between.
 */
export function withWarningsTo<T>(warn: (text: string) => void, start: () => T): T {
  const own = console.warn;
  const heard: string[] = [];
  console.warn = (...args: unknown[]) => void heard.push(args.map(String).join(" "));
  try {
    return start();
  } finally {
    console.warn = own;
    for (const text of heard) warn(text);
  }
}
