/**
 * The options of `acquireLock` and `withLock`, and their validation: every bad option is a
 * `DynoValidationError` naming it, thrown before any request is sent.
 * @module
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import {
  toAttributeMap,
  type AttributeValueMap,
  type ItemInput,
} from "../builders/attribute-value.js";
import { DynoValidationError } from "../errors.js";
import { lockAttributes, DEFAULT_ATTRIBUTE_PREFIX, type LockAttributes } from "./record.js";

/** Options of {@link acquireLock} and {@link withLock}. */
export interface LockOptions {
  /**
   * The table holding the lock's item: a dedicated lock table or any table. The fencing token is
   * kept in the item: never put, delete or TTL-expire the lock's item (a data item the
   * application replaces restarts the tokens), see the README.
   */
  table: string;
  /** The full primary key of the lock's item (a plain object, or an `AttributeValue` map). */
  key: ItemInput | AttributeValueMap;
  /**
   * How long the lease lasts without a renewal, in ms. A waiter takes the lock over only after
   * watching it unrenewed for this long on its own clock; the holder considers the lock lost
   * when no renewal has succeeded for this long on its clock.
   */
  leaseMs: number;
  /** How often the holder renews the lease, in ms; below `leaseMs`. Default: `leaseMs / 3`. */
  heartbeatMs?: number;
  /**
   * How long to wait for the lock, in ms; then `LockTimeoutError`. `0` tries once;
   * `Infinity` waits until acquired or `signal` aborts.
   */
  timeoutMs: number;
  /** Mean delay between attempts while waiting, in ms (each delay jittered ±50%). Default: `leaseMs / 5`, 10–1000. */
  retryMs?: number;
  /**
   * Cancels the wait: `acquireLock` rejects with `AbortError`. It concerns acquisition only; a
   * held lock is ended by `release()`.
   */
  signal?: AbortSignal;
  /** A name for the holder, stored on the item for humans and errors. Default: `host:pid:random`. */
  owner?: string;
  /** Prefix of the lock's attributes on the item. Default `"_lock_"` (see {@link lockAttributes}). */
  attributePrefix?: string;
  /**
   * The wall clock (epoch ms) for the `renewed_at` timestamp stored for humans. Never used for
   * any decision: safety rests on each process's own monotonic clock. Default `Date.now`.
   */
  now?: () => number;
}

/** Validated options with defaults filled in. */
export interface ResolvedLockOptions {
  readonly table: string;
  readonly key: AttributeValueMap;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly timeoutMs: number;
  readonly retryMs: number;
  readonly signal: AbortSignal | undefined;
  readonly owner: string;
  readonly attributes: LockAttributes;
  readonly now: () => number;
}

const KNOWN = new Set([
  "table",
  "key",
  "leaseMs",
  "heartbeatMs",
  "timeoutMs",
  "retryMs",
  "signal",
  "owner",
  "attributePrefix",
  "now",
]);

const isPositive = (n: unknown): n is number =>
  typeof n === "number" && Number.isFinite(n) && n > 0;

function positive(value: unknown, field: string): number {
  if (!isPositive(value)) {
    throw new DynoValidationError(
      field,
      `must be a positive finite number of ms, got ${show(value)}`,
    );
  }
  return value;
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  return String(value);
}

const processTag = randomUUID().slice(0, 8);

/** Checks `options` and fills in defaults; throws `DynoValidationError` naming the bad option. */
export function resolveLockOptions(options: LockOptions): ResolvedLockOptions {
  if (!options || typeof options !== "object") {
    throw new DynoValidationError("options", "expected { table, key, leaseMs, timeoutMs, ... }");
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name)) {
      throw new DynoValidationError(name, `is not a lock option (known: ${[...KNOWN].join(", ")})`);
    }
  }
  if (typeof options.table !== "string" || options.table === "") {
    throw new DynoValidationError("table", "must be a non-empty table name");
  }
  if (options.key === undefined || options.key === null) {
    throw new DynoValidationError("key", "is required: the primary key of the lock's item");
  }
  const key = toAttributeMap(options.key, "key");
  for (const [name, value] of Object.entries(key)) {
    if (value.S === undefined && value.N === undefined && value.B === undefined) {
      throw new DynoValidationError(
        `key.${name}`,
        "a key attribute must be a string, number or binary",
      );
    }
    if (value.S === "" || (value.B !== undefined && value.B.length === 0)) {
      throw new DynoValidationError(`key.${name}`, "a key attribute must not be empty");
    }
  }
  const leaseMs = positive(options.leaseMs, "leaseMs");
  const heartbeatMs =
    options.heartbeatMs === undefined ? leaseMs / 3 : positive(options.heartbeatMs, "heartbeatMs");
  if (heartbeatMs >= leaseMs) {
    throw new DynoValidationError(
      "heartbeatMs",
      `must be below leaseMs (${leaseMs}), got ${heartbeatMs}: the lease would run out between renewals`,
    );
  }
  const timeoutMs = options.timeoutMs;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new DynoValidationError(
      "timeoutMs",
      `is required: ms to wait (0 = try once, Infinity = until acquired), got ${show(timeoutMs)}`,
    );
  }
  const retryMs =
    options.retryMs === undefined
      ? Math.min(1000, Math.max(10, leaseMs / 5))
      : positive(options.retryMs, "retryMs");
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new DynoValidationError("signal", "must be an AbortSignal");
  }
  if (options.owner !== undefined && (typeof options.owner !== "string" || options.owner === "")) {
    throw new DynoValidationError("owner", "must be a non-empty string");
  }
  const prefix = options.attributePrefix ?? DEFAULT_ATTRIBUTE_PREFIX;
  if (typeof prefix !== "string" || prefix === "") {
    throw new DynoValidationError("attributePrefix", "must be a non-empty string");
  }
  const attributes = lockAttributes(prefix);
  const lockNames = new Set(Object.values(attributes));
  for (const name of Object.keys(key)) {
    if (lockNames.has(name)) {
      throw new DynoValidationError(
        `key.${name}`,
        `is one of the lock's own attributes (prefix "${prefix}")`,
      );
    }
  }
  if (options.now !== undefined && typeof options.now !== "function") {
    throw new DynoValidationError("now", "must be a function returning epoch ms");
  }
  return {
    table: options.table,
    key,
    leaseMs,
    heartbeatMs,
    timeoutMs,
    retryMs,
    signal: options.signal,
    owner: options.owner ?? `${hostname()}:${process.pid}:${processTag}`,
    attributes,
    now: options.now ?? Date.now,
  };
}
