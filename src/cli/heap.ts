/**
 * How the executable tunes V8's heap for a run of a given size. V8 sizes the next
 * old-generation limit at up to 4x the live heap, and a big run's live heap grows with
 * every trial it keeps: 100,000 trials once peaked at 490 MB RSS though at most 100 MB was live.
 * Letting the heap at most double keeps that run near 245 MB. On one core, a bound costs
 * CPU in more old-generation collections: measured at 100,000 trials (harness pinned to a
 * core, 7-10 runs each), growing by half took 0.314 ms of CPU a trial and 213 MB, doubling
 * 0.300 ms and 245 MB, tripling 0.292 ms and 300 MB (370 MB with answers of 2,000
 * characters, too near the 400 MB bound); V8's own sizing, 0.307 ms and 340 MB, was no
 * cheaper. With a second core free for V8's concurrent marking, five runs each showed no
 * difference. At 10,000 trials growing by half cost 5% more wall time to save 25 MB, so
 * only runs of LEAN_HEAP_TRIALS or more are tuned, and never when the user chose a growth factor.
 */
export const LEAN_HEAP_TRIALS = 20_000;

/** The V8 flag for a run of `trials`, or undefined to leave V8 as it is. */
export function heapFlagFor(trials: number, execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  const userGrowth = [...execArgv, ...(nodeOptions ?? "").split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent/.test(a));
  return trials >= LEAN_HEAP_TRIALS && !userGrowth ? "--heap-growing-percent=100" : undefined;
}
