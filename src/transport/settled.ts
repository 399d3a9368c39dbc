/**
 * A provider's last settled answer, to read without waiting again: the SDK's constant config
 * providers (`normalizeProvider`) return the same promise on every call, so a request can take
 * its value at once instead of spending an `await` (a microtask and its garbage) on it. A
 * provider that makes a new promise per call is awaited per call, as before.
 * @module
 */

/** {@link LastSettled.get}'s answer for a promise not seen settled. */
export const UNSETTLED: unique symbol = Symbol("unsettled");

/** The last promise seen settled at one call site, and its value. */
export class LastSettled<T> {
  #promise: Promise<T> | undefined;
  #value: T | undefined;

  /** What `promise` resolved to, when it is the one last seen settled; else {@link UNSETTLED}. */
  get(promise: Promise<T>): T | typeof UNSETTLED {
    return promise === this.#promise ? (this.#value as T) : UNSETTLED;
  }

  /** Remembers that `promise` resolved to `value` (after the caller awaited it). */
  remember(promise: Promise<T>, value: T): void {
    this.#promise = promise;
    this.#value = value;
  }
}
