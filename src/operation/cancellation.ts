/**
 * The cancellation state of one operation run. Creating an AbortSignal (and collecting it
 * later) costs Node about as much as all of dyno-ts's own work per operation, so a run that
 * no middleware sees (nothing but the final handler can hold its signal) takes its
 * controller from a pool; only a controller never aborted and with no listener left goes
 * back. A run with middleware gets a fresh controller, since user code may keep the signal.
 * @module
 */
import { getEventListeners } from "node:events";

const pool: AbortController[] = [];

/** The method a {@link Cancellation} calls for its abort reason (a symbol: not public API). */
export const abortReason: unique symbol = Symbol("dyno.abortReason");

/** What a cancellation asks for its abort reason, only when a signal needs one (see `abort`). */
export interface AbortReasonSource {
  [abortReason](): unknown;
}
const POOL_LIMIT = 64;

/** Cancellation of one operation run. */
export class Cancellation {
  #controller: AbortController | undefined;
  #pooled = false;
  #aborted: AbortReasonSource | undefined;

  /** The run's signal; `pooled` only where no user code can keep it past the run. */
  signal(pooled: boolean): AbortSignal {
    if (!this.#controller) {
      this.#pooled = pooled;
      this.#controller = (pooled && pool.pop()) || new AbortController();
      if (this.#aborted) this.#controller.abort(this.#aborted[abortReason]());
    }
    return this.#controller.signal;
  }

  /**
   * Aborts the signal, now or when it is made. The reason is asked of `source` only when a
   * signal exists or is made: a queued operation that is cancelled never makes one, so closing
   * a pool with a million queued operations builds (and allocates) nothing for them.
   */
  abort(source: AbortReasonSource): void {
    if (this.#aborted) return;
    this.#aborted = source;
    this.#controller?.abort(source[abortReason]());
  }

  /** The run is over: a clean pooled controller goes back to the pool. */
  release(): void {
    const controller = this.#controller;
    if (
      controller &&
      this.#pooled &&
      !controller.signal.aborted &&
      pool.length < POOL_LIMIT &&
      getEventListeners(controller.signal, "abort").length === 0
    ) {
      pool.push(controller);
    }
    this.#controller = undefined;
  }
}
