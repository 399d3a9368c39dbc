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
