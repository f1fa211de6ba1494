/**
 * Work to do when a run's signal fires, without a listener per piece of work. Every call,
 * grader and queued slot of a run watches one signal; an EventTarget checks its listeners
 * for duplicates on add and walks them on remove, so at hundreds of listeners each add and
 * remove cost a scan. One listener per signal runs them all instead.
 */
const pending = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `fn` once when `signal` aborts (at once if it has). The returned function cancels that. */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    fn();
    return () => {};
  }
  let set = pending.get(signal);
  if (!set) {
    const fns = (set = new Set());
    pending.set(signal, fns);
    signal.addEventListener(
      "abort",
      () => {
        for (const f of [...fns]) f();
        fns.clear();
      },
      { once: true },
    );
  }
  const fns = set;
  fns.add(fn);
  return () => void fns.delete(fn);
}
