/**
 * `acquireLock`: takes the lock by conditional UpdateItem only. A free lock is taken at once;
 * a held one is watched: the waiter notes the holder's record version and, on its own
 * monotonic clock, when it first saw it. Only when that same version is still there a whole
 * lease (the holder's advertised one) later does it take over, by an update conditional on
 * exactly that version. While the lock is held it is watched with strongly consistent reads
 * (cheaper than refused writes, and they do not compete with the holder's renewals), every
 * `retryMs`, jittered; a write is tried when the lock looks free or expired.
 * @module
 */
import { AbortError, DynoValidationError, LockTimeoutError } from "../errors.js";
import type { Dyno } from "../session.js";
import { checkLockKey, forgetKeySchema } from "./key-schema.js";
import { DistributedLock } from "./lock.js";
import { resolveLockOptions, type LockOptions } from "./options.js";
import {
  lockName,
  acquireInput,
  holderOf,
  newRecordVersion,
  parseFence,
  remember,
  type LockRecord,
} from "./record.js";
import {
  isConditionFailure,
  isTransient,
  jitter,
  monotonic,
  readLockRecord,
  recordAfterFailure,
  sendUpdate,
  sleep,
} from "./wire.js";

/** The least time the key check's DescribeTable is given. */
const KEY_CHECK_MS = 5000;

/** A holder's record version as a waiter watches it: since when (our clock) it has been unchanged. */
interface Watch {
  readonly rvn: string;
  readonly since: number;
  readonly leaseMs: number;
}

/**
 * Acquires the distributed lock at `options.key` in `options.table`, waiting up to
 * `options.timeoutMs`. Resolves with the held lock (its `fencingToken` strictly greater than
 * every earlier holder's); rejects with `LockTimeoutError` (with how long it waited and who
 * holds the lock), `AbortError` when `options.signal` aborts, `DynoValidationError` for bad
 * options (before any request; the key is checked against the table's key schema, read once
 * per client and table with DescribeTable), or DynamoDB's own error (e.g. a missing table).
 *
 * @example
 * ```ts
 * await using lock = await acquireLock(dyno, { table: "Locks", key: { id: "job-1" }, leaseMs: 1000, timeoutMs: 5000 });
 * await doWork(lock.fencingToken, lock.signal);
 * ```
 */
export async function acquireLock(dyno: Dyno, options: LockOptions): Promise<DistributedLock> {
  if (!dyno || typeof (dyno as { updateItem?: unknown }).updateItem !== "function") {
    throw new DynoValidationError("dyno", "expected a Dyno session");
  }
  const opts = resolveLockOptions(options);
  const started = monotonic();
  const { signal } = opts;
  const aborted = () =>
    new AbortError(`acquireLock on ${opts.table} was aborted`, { cause: signal?.reason });
  if (signal?.aborted) throw aborted();
  try {
    // Bounded like every lock request, but by at least 5 s: the check is made once per table
    // and is worth waiting for on a slow day; one that cannot be made is skipped.
    const checkDeadline = started + Math.max(opts.leaseMs, KEY_CHECK_MS);
    await checkLockKey(dyno, opts.table, opts.key, signal, checkDeadline);
  } catch (error) {
    if (signal?.aborted) throw aborted();
    throw error;
  }
  const deadline = started + opts.timeoutMs;
  let watch: Watch | undefined;
  let seen: LockRecord | undefined;
  let lastError: unknown;
  /** Our attempts whose outcome is unknown (transient failures): if one landed, the lock is ours. */
  const ambiguous = new Map<string, number>();
  const timedOut = () => {
    const holder = seen && holderOf(seen, opts.leaseMs);
    const waitedMs = Math.round(monotonic() - started);
    return new LockTimeoutError(
      `lock on ${lockName(opts.table, opts.key)} not acquired within ${opts.timeoutMs} ms (waited ${waitedMs} ms)` +
        (holder ? `: held by ${holder.owner} (token ${holder.fencingToken})` : ""),
      { waitedMs, holder, table: opts.table, key: opts.key, cause: holder ? undefined : lastError },
    );
  };

  /** Attempts a conditional write; resolves with the lock, or with what the item now says. */
  const attempt = async (): Promise<DistributedLock | LockRecord | undefined> => {
    const sentAt = monotonic();
    const rvn = newRecordVersion();
    const accept = [...ambiguous.keys()];
    if (watch && sentAt - watch.since >= watch.leaseMs) accept.push(watch.rvn);
    remember(ambiguous, rvn, sentAt);
    const write = { owner: opts.owner, leaseMs: opts.leaseMs, rvn, nowMs: opts.now() };
    // A lease, even past the timeout (so timeoutMs 0 tries once): an answer later than that
    // would be of no use, and a black-holed request is given up and tried again.
    const requestDeadline = sentAt + opts.leaseMs;
    try {
      const out = await sendUpdate(
        dyno,
        acquireInput(opts, write, accept),
        signal,
        requestDeadline,
      );
      // Answered after our own lease ran out: not safe to use, but still ours unless taken over
      // (its version stays among ours, so the next attempt takes it back at once).
      if (monotonic() - sentAt >= opts.leaseMs) return undefined;
      const fencingToken = parseFence(out.Attributes?.[opts.attributes.fence]);
      return new DistributedLock(dyno, opts, { rvn, sentAt, fencingToken });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      ambiguous.delete(rvn); // refused: this one never landed
      const readDeadline = Math.min(
        Math.max(deadline, requestDeadline),
        monotonic() + opts.leaseMs,
      );
      return recordAfterFailure(dyno, opts, error, signal, readDeadline);
    }
  };

  // Write when the lock looks free, expired or possibly ours; otherwise watch it with reads,
  // which cost less than refused writes and do not compete with the holder's renewals.
  let record: LockRecord | undefined;
  for (;;) {
    const now = monotonic();
    const expired = watch !== undefined && now - watch.since >= watch.leaseMs;
    const write = !record || record.owner === undefined || expired || ambiguous.size > 0;
    try {
      // A poll gets at most a lease (and what is left of the budget): a stalled read is given
      // up and polled again, so it can neither hold an unbounded wait nor use up a finite one.
      const result = write
        ? await attempt()
        : await readLockRecord(dyno, opts, signal, Math.min(deadline, now + opts.leaseMs));
      if (result instanceof DistributedLock) return result;
      if (result) record = result;
    } catch (error) {
      if (signal?.aborted) throw aborted();
      lastError = error;
      if (isKeyMismatch(error)) {
        forgetKeySchema(dyno, opts.table);
        throw new DynoValidationError(
          "key",
          `does not match the key schema of table ${opts.table}`,
          {
            cause: error,
          },
        );
      }
      if (!isTransient(error)) throw error;
    }
    if (signal?.aborted) throw aborted();
    if (record) {
      const mine = record.rvn === undefined ? undefined : ambiguous.get(record.rvn);
      if (mine !== undefined && record.owner !== undefined) {
        // An earlier attempt of ours landed after all (its answer was lost).
        return new DistributedLock(dyno, opts, {
          rvn: record.rvn!,
          sentAt: mine,
          fencingToken: record.fence,
        });
      }
      seen = record;
      if (record.owner !== undefined && record.rvn !== undefined && watch?.rvn !== record.rvn) {
        watch = { rvn: record.rvn, since: monotonic(), leaseMs: record.leaseMs ?? opts.leaseMs };
      }
    }
    const after = monotonic();
    if (after >= deadline) throw timedOut();
    // Seen free by a read: write at once.
    if (!write && record?.owner === undefined) continue;
    let wait = jitter(opts.retryMs);
    if (watch) wait = Math.min(wait, watch.since + watch.leaseMs - after);
    await sleep(Math.min(wait, deadline - after), signal);
    if (signal?.aborted) throw aborted();
  }
}

/** DynamoDB's answer to a key that does not fit the table (when the schema could not be read first). */
function isKeyMismatch(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | null;
  return e?.name === "ValidationException" && /key element does not match/i.test(e.message ?? "");
}
