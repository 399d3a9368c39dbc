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

/** Whether `value` is a promise or another thenable (what `await` would wait for). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** The thenables among `answers`, in order. */
export function thenablesOf(answers: readonly unknown[]): PromiseLike<unknown>[] {
  const thenables: PromiseLike<unknown>[] = [];
  for (const answer of answers) if (isThenable(answer)) thenables.push(answer);
  return thenables;
}

/** Puts the settled `values` of the thenables among `answers` (as {@link thenablesOf} listed them) in their places. */
export function putSettled(answers: unknown[], values: readonly unknown[]): void {
  for (let i = 0, j = 0; i < answers.length; i++)
    if (isThenable(answers[i])) answers[i] = values[j++];
}

/** Awaits `answers` one by one: throws the first failure in their order (call it when some fail). */
export async function firstFailureInOrder(answers: readonly unknown[]): Promise<never> {
  for (const answer of answers) await answer;
  throw new Error("firstFailureInOrder: every answer settled"); // not reached
}

/**
 * `owner[key]()`'s answer, a provider asked as a method of its config; a synchronous throw becomes
 * a rejected answer, so that it fails in its turn among the answers awaited together (as in the
 * SDK's async middleware), not before providers the SDK asks earlier. A value that is not a
 * function is its own answer (undefined when there is none).
 */
export function answerOf(owner: object, key: string): unknown {
  const provider = (owner as Record<string, unknown>)[key];
  if (typeof provider !== "function") return provider;
  try {
    return (provider as () => unknown).call(owner);
  } catch (error) {
    return Promise.reject(error as Error);
  }
}
