/**
 * `tryAcquireLock`: one conditional write, no waiting. For callers that watch many locks at once
 * (a job's lease taker lists every segment's record with one query and judges expiry on its own
 * monotonic clock, as `acquireLock` does for one key): the lock is taken when it is free, or
 * when its record version is one the caller has watched unchanged for a whole lease (`accept`).
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Dyno } from "../session.js";
import { DistributedLock } from "./lock.js";
import { resolveLockOptions, type LockOptions } from "./options.js";
import { acquireInput, newRecordVersion, parseFence, type LockRecord } from "./record.js";
import { isConditionFailure, monotonic, recordAfterFailure, sendUpdate } from "./wire.js";

/** Options of {@link tryAcquireLock}: those of `acquireLock` without the wait. */
export type TryLockOptions = Omit<LockOptions, "timeoutMs" | "retryMs">;

/** What one attempt found: the lock, or the record that refused it (who holds it, its version). */
export type TryLockResult =
  | {
      readonly lock: DistributedLock;
      readonly record?: undefined;
      /** The whole item as the acquisition left it (with `returnItem`). */
      readonly item?: Record<string, AttributeValue>;
    }
  | { readonly lock?: undefined; readonly record: LockRecord; readonly item?: undefined };

/**
 * Tries once to take the lock at `options.key`: succeeds when it is free, or when its record
 * version is one of `accept` (versions the caller watched unchanged for a whole lease on its own
 * clock; never judge them by another machine's timestamps). Resolves with `{ lock }` or with the
 * `{ record }` that refused it; rejects with DynamoDB's error for anything else (a transient
 * error leaves the outcome unknown: if that write landed, the lock looks held by `owner` and is
 * taken over after a lease like any other unrenewed one).
 *
 * With `returnItem`, a successful attempt also resolves with the whole item as the acquisition
 * left it (`ReturnValues: ALL_NEW`): what else the item holds, read atomically with taking the lock.
 *
 * Unlike `acquireLock`, the key is not checked against the table's key schema first: the caller
 * owns the table's layout.
 */
export async function tryAcquireLock(
  dyno: Dyno,
  options: TryLockOptions,
  accept: readonly string[] = [],
  returnItem = false,
): Promise<TryLockResult> {
  const opts = resolveLockOptions({ ...options, timeoutMs: 0 });
  const sentAt = monotonic();
  const rvn = newRecordVersion();
  const write = { owner: opts.owner, leaseMs: opts.leaseMs, rvn, nowMs: opts.now() };
  const deadline = sentAt + opts.leaseMs;
  try {
    const out = await sendUpdate(
      dyno,
      acquireInput(opts, write, accept, returnItem ? "ALL_NEW" : "UPDATED_NEW"),
      opts.signal,
      deadline,
    );
    const fencingToken = parseFence(out.Attributes?.[opts.attributes.fence]);
    const lock = new DistributedLock(dyno, opts, { rvn, sentAt, fencingToken });
    // Answered after a whole lease: not safe to use (the lock reports itself lost at once).
    if (!lock.held)
      return { record: { owner: opts.owner, rvn, fence: fencingToken, leaseMs: opts.leaseMs } };
    return returnItem ? { lock, item: out.Attributes ?? {} } : { lock };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { record: await recordAfterFailure(dyno, opts, error, opts.signal, deadline) };
  }
}
