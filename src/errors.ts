/**
 * The error hierarchy of dyno-ts. Every error the library throws extends {@link DynoError};
 * errors from DynamoDB itself are passed through as the SDK's own classes, untouched.
 * @module
 */

/** Base class of every error thrown by dyno-ts itself. */
export class DynoError extends Error {
  override name = "DynoError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A builder or option was given an incomplete or invalid input. `field` names what is wrong. */
export class DynoValidationError extends DynoError {
  override name = "DynoValidationError";
  /** The input field (or option) that is wrong, e.g. `"TableName"` or `"key.sk"`. */
  readonly field: string;
  /** A Standard Schema validator's issues, when a model's `validate` option refused an item. */
  readonly issues?: readonly unknown[];
  constructor(
    field: string,
    message: string,
    options?: { cause?: unknown; issues?: readonly unknown[] },
  ) {
    super(
      `${field}: ${message}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.field = field;
    if (options?.issues !== undefined) this.issues = options.issues;
  }
}

/** A value could not be encoded to, or decoded from, DynamoDB's `AttributeValue` format. */
export class DynoEncodingError extends DynoError {
  override name = "DynoEncodingError";
  /** Where the bad value is, e.g. `orders[3].lines[0].price`; `""` for the root value. */
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(path ? `${path}: ${message}` : message, options);
    this.path = path;
  }
}

/** An operation was cancelled (by `cancel()`, a session/pool signal or a closed pool). */
export class AbortError extends DynoError {
  override name = "AbortError";
  /**
   * Set when a `batchWriteItemAll` / `batchGetItemAll` is cancelled mid-run: what was confirmed
   * done (write requests written, in the input's shape; for gets, the output so far).
   */
  done?: unknown;
  /**
   * Set when a `batchWriteItemAll` / `batchGetItemAll` is cancelled mid-run: everything not
   * confirmed done (never sent, or in flight when cancelled), as an input that can be passed back in.
   */
  unprocessed?: unknown;
}

/** Who holds a lock, as its item says: the holder's name, advertised lease and fencing token. */
export interface LockHolder {
  /** The holder's `owner` name (informational: safety rests on the record version, not on names). */
  readonly owner: string;
  /** The lease the holder advertises, in ms; a waiter takes over after watching it unrenewed that long. */
  readonly leaseMs: number;
  /** The holder's fencing token. */
  readonly fencingToken: bigint;
}

/** A lock could not be acquired before its timeout (`timeoutMs` of `acquireLock`). */
export class LockTimeoutError extends DynoError {
  override name = "LockTimeoutError";
  /** How long `acquireLock` waited, in ms (on this process's monotonic clock). */
  readonly waitedMs: number;
  /** Who held the lock when the wait ended; undefined when no holder was seen (e.g. only failed requests). */
  readonly holder: LockHolder | undefined;
  /** The lock's table. */
  readonly table: string | undefined;
  /** The lock's key, as DynamoDB AttributeValues. */
  readonly key: Readonly<Record<string, unknown>> | undefined;
  constructor(
    message: string,
    details: {
      waitedMs?: number;
      holder?: LockHolder;
      table?: string;
      key?: Readonly<Record<string, unknown>>;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.waitedMs = details.waitedMs ?? 0;
    this.holder = details.holder;
    this.table = details.table;
    this.key = details.key;
  }
}

/** Why a held lock was lost. */
export type LockLostReason =
  /** No renewal succeeded within one lease (requests failing or hanging), so the lease ran out. */
  | "expired"
  /** A renewal (or the release) found the lock changed by someone else: taken over, or tampered with. */
  | "changed";

/** A held lock's lease could not be renewed: another process may now hold it. */
export class LockLostError extends DynoError {
  override name = "LockLostError";
  /** Why the lease was lost. */
  readonly reason: LockLostReason;
  /** The fencing token of the lost lock. */
  readonly fencingToken: bigint | undefined;
  /** Who holds the lock now, when the item says so (reason `"changed"`). */
  readonly holder: LockHolder | undefined;
  /** The lock's table. */
  readonly table: string | undefined;
  /** The lock's key, as DynamoDB AttributeValues. */
  readonly key: Readonly<Record<string, unknown>> | undefined;
  constructor(
    message: string,
    details: {
      reason?: LockLostReason;
      fencingToken?: bigint;
      holder?: LockHolder;
      table?: string;
      key?: Readonly<Record<string, unknown>>;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = details.reason ?? "expired";
    this.fencingToken = details.fencingToken;
    this.holder = details.holder;
    this.table = details.table;
    this.key = details.key;
  }
}

/**
 * An answer that cannot be DynamoDB's: a 2xx response whose body is not JSON (cut short, an HTML
 * page from a proxy), or lacks what DynamoDB always sends (a Scan/Query page without `Count`, a
 * BatchGetItem answer without a `Responses` list for a table it was asked for, a BatchWriteItem
 * answer without `UnprocessedItems`). Nothing in such an answer is taken as read or written.
 */
export class DynoResponseError extends DynoError {
  override name = "DynoResponseError";
  /** The DynamoDB operation answered, e.g. `"BatchWriteItem"`. */
  readonly operation: string;
  /** The tables the request was for. */
  readonly tables: readonly string[];
  /**
   * Set when it ends a `batchWriteItemAll` / `batchGetItemAll` run: what was confirmed done (as on
   * {@link BatchIncompleteError}).
   */
  done?: unknown;
  /** Set when it ends a batch run: everything not confirmed done, as an input to pass back in. */
  unprocessed?: unknown;
  /**
   * Set when it ends a `batchWriteItemAll` run: the write requests (input shape, a part of
   * `unprocessed`) whose answer could not be read, so they may or may not have been written.
   * Re-sending them is safe (a put or delete written twice leaves the same item).
   */
  uncertain?: unknown;
  constructor(
    operation: string,
    tables: readonly string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}${tables.length ? ` on ${tables.join(", ")}` : ""}: ${message}`, options);
    this.operation = operation;
    this.tables = tables;
  }
}

/** An exhaustive batch operation gave up with work left; `unprocessed` holds what was not done. */
export class BatchIncompleteError<U = unknown> extends DynoError {
  override name = "BatchIncompleteError";
  /**
   * The requests (or keys) that were never processed. From `batchWriteItemAll` /
   * `batchGetItemAll`: an input of the same shape as the one given (`{ RequestItems, ... }`)
   * holding exactly those, in the caller's order, so it can be passed back in.
   */
  readonly unprocessed: U;
  /**
   * What was done before giving up: for `batchWriteItemAll` the requests written (input shape),
   * for `batchGetItemAll` the output with every item read.
   */
  readonly done?: unknown;
  constructor(message: string, unprocessed: U, options?: { cause?: unknown; done?: unknown }) {
    super(message, options);
    this.unprocessed = unprocessed;
    if (options?.done !== undefined) this.done = options.done;
  }
}

/**
 * A version-checked write (a model with `version`, API.md section 15) found the stored item at
 * another version than the one it was conditioned on: someone else wrote it in between (or the
 * item is missing, or exists where a new one was put).
 */
export class VersionConflictError extends DynoError {
  override name = "VersionConflictError";
  /** The table the write went to. */
  readonly table: string;
  /** The item's key, as the model's users write it. */
  readonly key: unknown;
  /** The version the write expected; `undefined` when it expected no item. */
  readonly expected: number | undefined;
  /** The stored version; `undefined` when there was no item (or it held no version). */
  readonly actual: number | undefined;
  constructor(details: {
    table: string;
    key: unknown;
    expected: number | undefined;
    actual: number | undefined;
    cause?: unknown;
  }) {
    const { table, expected, actual } = details;
    const want = expected === undefined ? "no item" : `version ${expected}`;
    const found = actual === undefined ? "no item (or no version)" : `version ${actual}`;
    super(
      `version conflict on ${table} ${describeKey(details.key)}: expected ${want}, found ${found}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.table = table;
    this.key = details.key;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A key for a message: JSON where it can be, else its string form. */
function describeKey(key: unknown): string {
  try {
    return (
      JSON.stringify(key, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(key)
    );
  } catch {
    return String(key);
  }
}

/**
 * A job (`runJob`) failed: a page's handler kept failing after its retries. Every worker of the
 * job rejects with it, the one whose handler failed and every other one (which reads the failure
 * from the job's lease table, so its `cause` is an `Error` carrying the original's name and message).
 */
export class JobFailedError extends DynoError {
  override name = "JobFailedError";
  /** The job's id. */
  readonly job: string;
  /** The segment whose page kept failing. */
  readonly segment: number;
  constructor(message: string, details: { job: string; segment: number; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.job = details.job;
    this.segment = details.segment;
  }
}
