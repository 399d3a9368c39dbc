/**
 * `acquireLock`: takes the lock by conditional UpdateItem only. A free lock is taken at once;
 * a held one is watched: the waiter notes the holder's record version and, on its own
 * monotonic clock, when it first saw it. Only when that same version is still there a whole
 * lease (the holder's advertised one) later does it take over, by an update conditional on
 * exactly that version. Between attempts it sleeps `retryMs`, jittered.
 * @module
 */
import { AbortError, DynoValidationError, LockTimeoutError } from "../errors.js";
import type { Dyno } from "../session.js";
import { checkLockKey, forgetKeySchema } from "./key-schema.js";
import { DistributedLock, type Acquired } from "./lock.js";
import { resolveLockOptions, type LockOptions, type ResolvedLockOptions } from "./options.js";
import {
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
  recordAfterFailure,
  sendUpdate,
  sleep,
} from "./wire.js";

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
    await checkLockKey(dyno, opts.table, opts.key, signal);
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
      `lock on ${opts.table} not acquired within ${opts.timeoutMs} ms (waited ${waitedMs} ms)` +
        (holder ? `: held by ${holder.owner} (token ${holder.fencingToken})` : ""),
      { waitedMs, holder, cause: holder ? undefined : lastError },
    );
  };

  for (;;) {
    const sentAt = monotonic();
    const rvn = newRecordVersion();
    const accept = [...ambiguous.keys()];
    if (watch && sentAt - watch.since >= watch.leaseMs) accept.push(watch.rvn);
    remember(ambiguous, rvn, sentAt);
    const input = acquireInput(
      opts,
      { owner: opts.owner, leaseMs: opts.leaseMs, rvn, nowMs: opts.now() },
      accept,
    );
    // A request in flight at the timeout still gets up to a lease to answer (so timeoutMs 0 tries once).
    const requestDeadline = Math.max(deadline, sentAt + opts.leaseMs);
    try {
      const out = await sendUpdate(dyno, input, signal, requestDeadline);
      if (monotonic() - sentAt >= opts.leaseMs) {
        // Answered after our own lease ran out: not safe to use, but still ours unless taken
        // over (its version stays among ours): try again at once.
        if (monotonic() >= deadline) throw timedOut();
        continue;
      }
      return lock(dyno, opts, {
        rvn,
        sentAt,
        fencingToken: parseFence(out.Attributes?.[opts.attributes.fence]),
      });
    } catch (error) {
      if (signal?.aborted) throw aborted();
      lastError = error;
      if (isConditionFailure(error)) {
        ambiguous.delete(rvn); // refused: this one never landed
        let record: LockRecord;
        try {
          record = await recordAfterFailure(dyno, opts, error, signal, requestDeadline);
        } catch (readError) {
          if (signal?.aborted) throw aborted();
          if (!isTransient(readError)) throw readError;
          lastError = readError;
          record = seen ?? { owner: undefined, rvn: undefined, fence: 0n, leaseMs: undefined };
        }
        const mine = record.rvn === undefined ? undefined : ambiguous.get(record.rvn);
        if (mine !== undefined && record.owner !== undefined) {
          // An earlier attempt of ours landed after all (its answer was lost).
          return lock(dyno, opts, { rvn: record.rvn!, sentAt: mine, fencingToken: record.fence });
        }
        seen = record;
        if (record.owner !== undefined && record.rvn !== undefined) {
          if (watch?.rvn !== record.rvn) {
            watch = {
              rvn: record.rvn,
              since: monotonic(),
              leaseMs: record.leaseMs ?? opts.leaseMs,
            };
          }
        }
      } else if (isKeyMismatch(error)) {
        forgetKeySchema(dyno, opts.table);
        throw new DynoValidationError(
          "key",
          `does not match the key schema of table ${opts.table}`,
          {
            cause: error,
          },
        );
      } else if (!isTransient(error)) {
        throw error;
      }
    }
    const now = monotonic();
    if (now >= deadline) throw timedOut();
    let wait = jitter(opts.retryMs);
    if (watch) wait = Math.min(wait, watch.since + watch.leaseMs - now);
    await sleep(Math.min(wait, deadline - now), signal);
    if (signal?.aborted) throw aborted();
  }
}

function lock(dyno: Dyno, opts: ResolvedLockOptions, acquired: Acquired): DistributedLock {
  return new DistributedLock(dyno, opts, acquired);
}

/** DynamoDB's answer to a key that does not fit the table (when the schema could not be read first). */
function isKeyMismatch(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | null;
  return e?.name === "ValidationException" && /key element does not match/i.test(e.message ?? "");
}
