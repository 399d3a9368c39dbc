/**
 * `withLock`: runs a function while holding a lock, and releases it afterwards.
 * @module
 */
import { DynoValidationError } from "../errors.js";
import type { Dyno } from "../session.js";
import { acquireLock } from "./acquire.js";
import type { DistributedLock } from "./lock.js";
import type { LockOptions } from "./options.js";

/**
 * Acquires the lock (as {@link acquireLock}), runs `fn(lock)`, and releases the lock when `fn`
 * settles, whether it returned or threw.
 *
 * If the lease is lost while `fn` runs, `lock.signal` aborts at once (pass it on to what `fn`
 * awaits); `withLock` still waits for `fn` to settle, so that nothing of it runs on after
 * `withLock` does, and then rejects with that `LockLostError` whatever `fn` returned or threw:
 * its result was computed without the guarantee of exclusion (the fencing token is what keeps
 * its writes safe). Otherwise it resolves with `fn`'s result or rejects with `fn`'s error; if
 * only the release fails, it rejects with the release's error.
 *
 * @example
 * ```ts
 * const total = await withLock(dyno, { table: "Locks", key: { id: "report" }, leaseMs: 2000, timeoutMs: 10_000 },
 *   async (lock) => buildReport({ fencingToken: lock.fencingToken, signal: lock.signal }));
 * ```
 */
export async function withLock<T>(
  dyno: Dyno,
  options: LockOptions,
  fn: (lock: DistributedLock) => T | PromiseLike<T>,
): Promise<T> {
  if (typeof fn !== "function") {
    throw new DynoValidationError("fn", "expected a function to run while holding the lock");
  }
  const lock = await acquireLock(dyno, options);
  let result: T;
  try {
    result = await fn(lock);
  } catch (error) {
    const lost = lostError(lock);
    await lock.release().catch(() => {}); // fn's error (or the loss) is what the caller needs
    throw lost ?? error;
  }
  const lost = lostError(lock);
  if (lost) throw lost;
  await lock.release();
  return result;
}

/** The `LockLostError` when the lease was lost (checked now, so a lease run out counts too). */
function lostError(lock: DistributedLock): unknown {
  lock.held; // eslint-disable-line @typescript-eslint/no-unused-expressions -- checks the lease now
  return lock.signal.aborted ? lock.signal.reason : undefined;
}
