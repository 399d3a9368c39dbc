/**
 * Signals: linking several into one, and signals whose state is judged when read (a lease that
 * may have run out while the process was too busy for any timer to fire).
 * @module
 */

/** The checks of signals judged on read (see {@link judgedOnRead}). */
const checks = new WeakMap<AbortSignal, () => void>();

const native = {
  aborted: Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted")!.get!,
  reason: Object.getOwnPropertyDescriptor(AbortSignal.prototype, "reason")!.get!,
  throwIfAborted: AbortSignal.prototype.throwIfAborted,
};

/**
 * Makes `signal` run `check` on every read of its state (`aborted`, `reason`,
 * `throwIfAborted()`), before answering; `check` aborts the signal's controller when the
 * condition it watches has come true. A timer may fire late (a synchronous stall, a long GC):
 * a signal judged on read is right the moment anyone looks at it, and so is every signal
 * linked from it ({@link linkSignals}) and every operation run under it. Returns `signal`.
 */
export function judgedOnRead(signal: AbortSignal, check: () => void): AbortSignal {
  checks.set(signal, check);
  Object.defineProperties(signal, {
    aborted: {
      configurable: true,
      get() {
        check();
        return native.aborted.call(signal) as boolean;
      },
    },
    reason: {
      configurable: true,
      get() {
        check();
        return native.reason.call(signal) as unknown;
      },
    },
    throwIfAborted: {
      configurable: true,
      value() {
        check();
        native.throwIfAborted.call(signal);
      },
    },
  });
  return signal;
}

/** True for a signal made by {@link judgedOnRead}, or linked from one. */
export function isJudgedOnRead(signal: AbortSignal | undefined): signal is AbortSignal {
  return signal !== undefined && checks.has(signal);
}

/**
 * An AbortSignal that aborts when any of `signals` does (AbortSignal.any where the runtime has
 * it). When one of them is judged on read, so is the result: reading it reads them.
 */
export function linkSignals(...signals: AbortSignal[]): AbortSignal {
  const linked = anySignal(signals);
  const judged = signals.filter((s) => checks.has(s));
  if (judged.length === 0 || linked.aborted) return linked;
  return judgedOnRead(linked, () => {
    for (const source of judged) checks.get(source)!(); // aborting a source aborts `linked` at once
  });
}

function anySignal(signals: AbortSignal[]): AbortSignal {
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
