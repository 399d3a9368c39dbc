/** An AbortSignal that aborts when any of `signals` does (AbortSignal.any where the runtime has it). */
export function linkSignals(...signals: AbortSignal[]): AbortSignal {
  const any = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any;
  if (any) return any(signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), {
      once: true,
      signal: controller.signal,
    });
  }
  return controller.signal;
}

/**
 * One abort listener on `parent` for any number of concurrent parts of a run (segments, chunk
 * workers): each {@link AbortFanOut.child} is a signal of its own, aborted with the parent's
 * reason, on which that part's requests add their listeners. So a run at concurrency 16 adds one
 * listener to the caller's signal, not sixteen (Node warns past ten: MaxListenersExceededWarning).
 */
export class AbortFanOut {
  readonly #parent: AbortSignal;
  readonly #children = new Set<AbortController>();
  readonly #onAbort = () => {
    for (const child of this.#children) child.abort(this.#parent.reason);
    this.#children.clear();
  };

  constructor(parent: AbortSignal) {
    this.#parent = parent;
    if (!parent.aborted) parent.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** A new child signal; `release()` it when its part is done (it then no longer follows the parent). */
  child(): { signal: AbortSignal; release(): void } {
    const controller = new AbortController();
    if (this.#parent.aborted) controller.abort(this.#parent.reason);
    else this.#children.add(controller);
    return { signal: controller.signal, release: () => this.#children.delete(controller) };
  }

  /** Stops following the parent (call when the run ends). */
  close(): void {
    this.#parent.removeEventListener("abort", this.#onAbort);
    this.#children.clear();
  }
}

/** The callbacks registered through {@link onAbort}, per signal: one real listener each. */
const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` once when `signal` aborts (at once when it already has); returns the unsubscribe. However many callers
 * subscribe to one signal (every operation running under a session scope or a pool's signal),
 * the signal holds one listener, so Node never warns of a leak (MaxListenersExceededWarning).
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return () => {};
  }
  let set = subscribers.get(signal);
  if (!set) {
    const callbacks = new Set<() => void>();
    set = callbacks;
    subscribers.set(signal, callbacks);
    signal.addEventListener(
      "abort",
      () => {
        subscribers.delete(signal);
        for (const fn of callbacks) fn();
      },
      { once: true },
    );
  }
  const entry = () => callback();
  set.add(entry);
  const callbacks = set;
  return () => {
    callbacks.delete(entry);
  };
}
