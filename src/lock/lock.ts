/**
 * `DistributedLock`: a held lock. It renews its lease by heartbeats (conditional updates on
 * its own record version), aborts its `signal` the moment the lease is lost, and releases by
 * one more conditional update. A small state machine:
 *
 * ```
 * held ──release()──► releasing ──► released
 *   │                     │
 *   └──renewal refused, or no renewal for a whole lease──► lost (signal aborted)
 * ```
 * @module
 */
import type { AttributeValueMap } from "../builders/attribute-value.js";
import { DynoError, DynoValidationError, LockLostError } from "../errors.js";
import { cond } from "../expression/index.js";
import type { Condition, PathInput } from "../expression/types.js";
import { judgedOnRead } from "../operation/signals.js";
import type { Dyno } from "../session.js";
import type { ResolvedLockOptions } from "./options.js";
import {
  holderOf,
  lockName,
  newRecordVersion,
  releaseInput,
  remember,
  renewInput,
  type LockAttributes,
  type LockRecord,
  type LockTarget,
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

type State = "held" | "releasing" | "released" | "lost";

/** What acquisition hands to the lock: the record version it wrote, the token, and when. */
export interface Acquired {
  readonly rvn: string;
  readonly fencingToken: bigint;
  /** Monotonic time at which the acquiring request was sent: the lease runs from there. */
  readonly sentAt: number;
}

/**
 * A held distributed lock (from `acquireLock`). Safety does not depend on clocks agreeing
 * between processes: the lease is judged on this process's monotonic clock, from the sending
 * of the last renewal that succeeded; waiters judge it by watching the record version on theirs.
 *
 * While held, its heartbeat timers keep the Node process alive (as an open socket would), so a
 * forgotten `release()` shows up as a process that does not exit, not as a lock left to expire.
 * Once released or lost, no timer or request of the lock is left running.
 */
export class DistributedLock implements AsyncDisposable {
  /** The table holding the lock's item. */
  readonly table: string;
  /** The lock item's primary key. */
  readonly key: AttributeValueMap;
  /** This holder's name, as stored in the item. */
  readonly owner: string;
  /**
   * The fencing token: strictly greater than the token of every earlier holder of this key, as
   * long as the lock's item is written only by the lock (and UpdateItems that leave its `_lock_*`
   * attributes alone): a put, delete or TTL expiry of the item restarts the tokens at 1. Pass it with each write to the protected resource and have the resource refuse writes
   * with a lower token than it has seen, so that a holder paused past its lease cannot clobber
   * its successor's work.
   */
  readonly fencingToken: bigint;
  /** The lease in ms: without a successful renewal for this long, the lock is lost. */
  readonly leaseMs: number;
  /** How often the lease is renewed, in ms. */
  readonly heartbeatMs: number;
  /** The names of the lock's attributes on the item. */
  readonly attributes: LockAttributes;

  readonly #dyno: Dyno;
  readonly #target: LockTarget;
  readonly #options: ResolvedLockOptions;
  #state: State = "held";
  /** The last record version confirmed written by us. */
  #rvn: string;
  /** Record versions we tried to write since, with unknown outcome, and when each was sent. */
  readonly #pending = new Map<string, number>();
  /** Monotonic send time of the last successful write (acquisition or renewal). */
  #renewedAt: number;
  /** Aborted (with the `LockLostError`) when the lease is lost. */
  readonly #lost = new AbortController();
  /** Aborted on release or loss: cancels a renewal in flight and its waits. */
  readonly #stop = new AbortController();
  #heartbeat: ReturnType<typeof setTimeout> | undefined;
  #expiry: ReturnType<typeof setTimeout> | undefined;
  #renewing: Promise<void> | undefined;
  #released: Promise<void> | undefined;
  /** Why the last renewal attempt failed (the cause of an expiry). */
  #lastError: unknown;

  /** Made by `acquireLock`. @internal */
  constructor(dyno: Dyno, options: ResolvedLockOptions, acquired: Acquired) {
    this.#dyno = dyno;
    this.#options = options;
    this.#target = options;
    this.table = options.table;
    this.key = options.key;
    this.owner = options.owner;
    this.leaseMs = options.leaseMs;
    this.heartbeatMs = options.heartbeatMs;
    this.attributes = options.attributes;
    this.fencingToken = acquired.fencingToken;
    this.#rvn = acquired.rvn;
    this.#renewedAt = acquired.sentAt;
    // Timers cannot fire while the process is stalled: the lease is judged again on every read.
    judgedOnRead(this.#lost.signal, () => this.#checkLease());
    this.#schedule();
  }

  /**
   * True while the lease is held: not released, not lost, and renewed within the last lease.
   * Judged on this process's monotonic clock at each read.
   */
  get held(): boolean {
    this.#checkLease();
    return this.#state === "held";
  }

  /**
   * Aborted the moment the lease is lost (a renewal refused, or no renewal for a whole lease),
   * with the `LockLostError` as its reason. Not aborted by a normal `release()`.
   *
   * The lease is judged again whenever the signal is read (`aborted`, `reason`,
   * `throwIfAborted()`), so it is aborted by the time any code runs after the lease could
   * have lapsed, even when a stalled process kept the expiry timer from firing; an operation
   * run under it (`dyno.withSignal(lock.signal)`, or a pool's `signal`) checks it again before
   * each request goes out. A request sent just before can still land late: only writes fenced
   * with {@link fence} are safe.
   */
  get signal(): AbortSignal {
    this.#checkLease();
    return this.#lost.signal;
  }

  /**
   * A fenced write's condition: true when the item has no token at `path` yet, or a token
   * not newer than this lock's (`attribute_not_exists(path) OR path <= fencingToken`). Write
   * the token to `path` in the same request, and a holder whose lease ran out can never
   * overwrite what a later holder wrote, however late its write lands.
   *
   * `path` is a top-level attribute name, or an array of segments for any other path
   * (`["meta", "fence"]` for a nested one, `["a.b"]` for an attribute whose name holds a dot or
   * bracket). A string with `.` or `[` is refused: a condition would read it as a document path
   * while an item's key `"a.b"` is a literal name, and a fence on an attribute that is never
   * written is always true (no fencing at all).
   *
   * @example
   * ```ts
   * await dyno.putItem(new PutItemBuilder().table("Reports").item({ id: "daily", body, fence: lock.fencingToken }).condition(lock.fence("fence")).build());
   * ```
   * A stale write fails with DynamoDB's `ConditionalCheckFailedException`.
   */
  fence(path: PathInput): Condition {
    if (typeof path === "string" && /[.[\]]/.test(path))
      throw new DynoValidationError(
        "lock.fence",
        `${JSON.stringify(path)} is read as a document path by a condition but as a literal name in an item; pass ${JSON.stringify([path])} for an attribute so named, or the segments of the nested path`,
      );
    return cond.or(cond.notExists(path), cond.le(path, this.fencingToken));
  }

  /**
   * Releases the lock: clears the holder (only if the item still carries our record version,
   * so never someone else's lock), keeps the fencing token, and stops the heartbeats.
   * Idempotent: later calls return the same promise. Resolves at once when the lock was lost.
   * A release that finds the lock taken by someone else resolves and aborts `signal`.
   * Transient failures are retried for up to one lease; then it rejects with the last error
   * (the lease then simply runs out: the lock is not held by us any more either way).
   */
  release(): Promise<void> {
    return (this.#released ??= this.#release());
  }

  /** `await using lock = await acquireLock(...)` releases it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }

  get #leaseEnd(): number {
    return this.#renewedAt + this.leaseMs;
  }

  /** (Re)arms the heartbeat and the local lease expiry from the last successful write. */
  #schedule(): void {
    clearTimeout(this.#heartbeat);
    clearTimeout(this.#expiry);
    const now = monotonic();
    this.#expiry = setTimeout(() => this.#onExpiry(), Math.max(0, this.#leaseEnd - now));
    this.#heartbeat = setTimeout(
      () => (this.#renewing = this.#renew()),
      Math.max(0, this.#renewedAt + this.heartbeatMs - now),
    );
  }

  #onExpiry(): void {
    this.#expiry = undefined;
    this.#checkLease();
    if (this.#state === "held" && !this.#expiry) {
      this.#expiry = setTimeout(() => this.#onExpiry(), this.#leaseEnd - monotonic());
    }
  }

  /** Declares the lock lost once a whole lease has passed since the last successful write. */
  #checkLease(): void {
    if (this.#state !== "held" || monotonic() < this.#leaseEnd) return;
    const since = Math.round(monotonic() - this.#renewedAt);
    this.#lose(
      new LockLostError(
        `lock on ${lockName(this.table, this.key)} lost: no renewal succeeded for ${since} ms (lease ${this.leaseMs} ms)`,
        {
          reason: "expired",
          fencingToken: this.fencingToken,
          table: this.table,
          key: this.key,
          cause: this.#lastError,
        },
      ),
    );
  }

  #lose(error: LockLostError): void {
    if (this.#state !== "held" && this.#state !== "releasing") return;
    this.#state = "lost";
    this.#stopTimers();
    this.#stop.abort(error);
    this.#lost.abort(error);
  }

  #changed(record: LockRecord): void {
    const holder = holderOf(record, this.leaseMs);
    const now = holder ? `now held by ${holder.owner} (token ${holder.fencingToken})` : "now free";
    this.#lose(
      new LockLostError(
        `lock on ${lockName(this.table, this.key)} lost: its record was changed by someone else, ${now}`,
        {
          reason: "changed",
          fencingToken: this.fencingToken,
          holder,
          table: this.table,
          key: this.key,
        },
      ),
    );
  }

  #stopTimers(): void {
    clearTimeout(this.#heartbeat);
    clearTimeout(this.#expiry);
    this.#heartbeat = this.#expiry = undefined;
  }

  /** Our confirmed record version and those of attempts whose outcome is unknown. */
  #ours(): string[] {
    return [this.#rvn, ...this.#pending.keys()];
  }

  /** A write of record version `rvn` is known to have landed. */
  #confirm(rvn: string): void {
    this.#renewedAt = this.#pending.get(rvn) ?? this.#renewedAt;
    this.#rvn = rvn;
    this.#pending.clear();
    this.#lastError = undefined;
    this.#schedule();
  }

  /** One heartbeat: renew, retrying transient failures while the lease lasts. */
  async #renew(): Promise<void> {
    const stop = this.#stop.signal;
    while (this.#state === "held") {
      const sentAt = monotonic();
      if (sentAt >= this.#leaseEnd) return this.#checkLease();
      const rvn = newRecordVersion();
      const input = renewInput(
        this.#target,
        { owner: this.owner, leaseMs: this.leaseMs, rvn, nowMs: this.#options.now() },
        this.#ours(),
      );
      remember(this.#pending, rvn, sentAt);
      // Half of what is left of the lease (at least a heartbeat): a slow answer is waited for, and
      // a hung request still leaves time for a retry on a fresh connection.
      const remaining = this.#leaseEnd - sentAt;
      const deadline = Math.min(sentAt + Math.max(this.heartbeatMs, remaining / 2), this.#leaseEnd);
      try {
        await sendUpdate(this.#dyno, input, stop, deadline);
        if (this.#state === "held") this.#confirm(rvn);
        return;
      } catch (error) {
        if (this.#state !== "held") return;
        this.#lastError = error;
        if (isConditionFailure(error)) {
          try {
            const record = await recordAfterFailure(
              this.#dyno,
              this.#target,
              error,
              stop,
              this.#leaseEnd,
            );
            if (this.#state !== "held") return;
            // An attempt of ours landed after all (its answer was lost, or the SDK's retry found it).
            if (record.rvn !== undefined && this.#pending.has(record.rvn))
              return this.#confirm(record.rvn);
            return this.#changed(record);
          } catch (readError) {
            this.#lastError = readError;
          }
        }
      }
      const left = this.#leaseEnd - monotonic();
      await sleep(
        Math.min(jitter(Math.min(this.#options.retryMs, this.heartbeatMs / 4)), left),
        stop,
      );
    }
  }

  async #release(): Promise<void> {
    this.#checkLease();
    if (this.#state !== "held") return;
    this.#state = "releasing";
    this.#stopTimers();
    this.#stop.abort();
    await this.#renewing; // never rejects; after it, no renewal is in flight
    const attempts = new Set<string>();
    // Releasing is safe at any time (it is conditional on our version): allow it a whole lease.
    const giveUpAt = monotonic() + this.leaseMs;
    for (;;) {
      const rvn = newRecordVersion();
      const input = releaseInput(this.#target, rvn, this.#ours());
      attempts.add(rvn);
      // Half of what is left (at least a heartbeat): a black-holed request leaves time for a retry.
      const now = monotonic();
      const attemptDeadline = Math.min(
        giveUpAt,
        now + Math.max(this.heartbeatMs, (giveUpAt - now) / 2),
      );
      try {
        await sendUpdate(this.#dyno, input, undefined, attemptDeadline);
        this.#state = "released";
        return;
      } catch (error) {
        let failure = error;
        if (isConditionFailure(error)) {
          try {
            const record = await recordAfterFailure(
              this.#dyno,
              this.#target,
              error,
              undefined,
              giveUpAt,
            );
            if (record.rvn !== undefined && attempts.has(record.rvn)) {
              this.#state = "released"; // an earlier attempt of this release landed
              return;
            }
            this.#changed(record);
            return;
          } catch (readError) {
            failure = readError;
          }
        }
        if (!isTransient(failure)) {
          this.#state = "released";
          throw failure; // DynamoDB's own answer, as it is
        }
        if (monotonic() >= giveUpAt) {
          this.#state = "released";
          throw new DynoError(
            `release of lock on ${lockName(this.table, this.key)} (token ${this.fencingToken}) gave up after ${this.leaseMs} ms of failed or unanswered requests; the lease runs out by itself: ${failure instanceof Error ? failure.message : String(failure)}`,
            { cause: failure },
          );
        }
      }
      await sleep(jitter(Math.min(this.#options.retryMs, this.heartbeatMs / 4)));
    }
  }
}
