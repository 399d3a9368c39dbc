/**
 * The cancellation state of one operation run, and a pool of abort controllers for the
 * SDK calls. Creating an AbortSignal (and collecting it later) costs Node about as much as
 * all of dyno-ts's own work per operation, so the signal handed to `client.send` comes
 * from a pool: only a signal that was never aborted and has no listener left goes back.
 * The signal middleware sees (`ctx.signal`) is the operation's own, created on first use,
 * so user code never holds a pooled one.
 * @module
 */
import { getEventListeners } from "node:events";

const pool: AbortController[] = [];
const POOL_LIMIT = 64;

/** Cancellation of one operation run: aborts its SDK calls and its public signal together. */
export class Cancellation {
  #transport: AbortController | undefined;
  #public: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  /** True once {@link Cancellation.abort} was called. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** The signal for `client.send` (pooled; internal to the final handler). */
  transportSignal(): AbortSignal {
    this.#transport ??= this.#make(pool.pop());
    return this.#transport.signal;
  }

  /** The operation's own signal, for middleware (created on first use). */
  publicSignal(): AbortSignal {
    this.#public ??= this.#make(undefined);
    return this.#public.signal;
  }

  /** Aborts every signal handed out, now and later. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#transport?.abort(reason);
    this.#public?.abort(reason);
  }

  /** The run is over: a clean transport controller goes back to the pool. */
  release(): void {
    const controller = this.#transport;
    this.#transport = undefined;
    if (
      controller &&
      !controller.signal.aborted &&
      pool.length < POOL_LIMIT &&
      getEventListeners(controller.signal, "abort").length === 0
    ) {
      pool.push(controller);
    }
  }

  #make(reused: AbortController | undefined): AbortController {
    const controller = reused ?? new AbortController();
    if (this.#aborted) controller.abort(this.#reason);
    return controller;
  }
}
