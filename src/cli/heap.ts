/**
 * How the executable tunes V8's heap for a run of a given size. V8 sizes the next
 * old-generation limit at up to 4x the live heap, and a big run's live heap grows with
 * every trial it keeps: 100,000 trials peaked at 490 MB RSS though at most 100 MB was live.
 * Growing the heap by half at a time keeps that run near 260 MB, but costs 4-10% more CPU;
 * at 10,000 trials it took 5% more wall time to save 25 MB (126 MB against 150). So only
 * runs of LEAN_HEAP_TRIALS or more are tuned, and never when the user chose a growth factor.
 */
export const LEAN_HEAP_TRIALS = 20_000;

/** The V8 flag for a run of `trials`, or undefined to leave V8 as it is. */
export function heapFlagFor(trials: number, execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  const userGrowth = [...execArgv, ...(nodeOptions ?? "").split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent/.test(a));
  return trials >= LEAN_HEAP_TRIALS && !userGrowth ? "--heap-growing-percent=50" : undefined;
}
