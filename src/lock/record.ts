/**
 * The lock's record: a few namespaced attributes on the item at the lock's key, read from an
 * item and written by conditional UpdateItem inputs that SET or REMOVE only those attributes.
 *
 * | attribute (default prefix `_lock_`) | meaning |
 * |---|---|
 * | `_lock_owner` | the holder's name; absent when the lock is free |
 * | `_lock_rvn` | record version number: a fresh random value on every acquisition, renewal and release |
 * | `_lock_fence` | fencing token: a number incremented by every acquisition, never reset |
 * | `_lock_lease_ms` | the holder's lease: how long a waiter must see `_lock_rvn` unchanged before taking over |
 * | `_lock_renewed_at` | ISO time of the last write, on the writer's wall clock: for humans only |
 * @module
 */
import type { AttributeValue, UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import { randomUUID } from "node:crypto";
import type { AttributeValueMap } from "../builders/attribute-value.js";
import { UpdateItemBuilder } from "../builders/write.js";
import type { LockHolder } from "../errors.js";
import { cond, update } from "../expression/index.js";

/** The default prefix of the lock's attribute names. */
export const DEFAULT_ATTRIBUTE_PREFIX = "_lock_";

/** The names of the lock's attributes on its item. */
export interface LockAttributes {
  readonly owner: string;
  readonly rvn: string;
  readonly fence: string;
  readonly leaseMs: string;
  readonly renewedAt: string;
}

/** The lock's attribute names for a prefix (default `"_lock_"`). */
export function lockAttributes(prefix: string = DEFAULT_ATTRIBUTE_PREFIX): LockAttributes {
  return {
    owner: `${prefix}owner`,
    rvn: `${prefix}rvn`,
    fence: `${prefix}fence`,
    leaseMs: `${prefix}lease_ms`,
    renewedAt: `${prefix}renewed_at`,
  };
}

/** The lock's state as one item holds it. */
export interface LockRecord {
  /** The holder's name; undefined when the lock is free. */
  readonly owner: string | undefined;
  /** The record version; undefined on an item that never held the lock. */
  readonly rvn: string | undefined;
  /** The last fencing token handed out (0 before the first acquisition). */
  readonly fence: bigint;
  /** The holder's advertised lease, in ms. */
  readonly leaseMs: number | undefined;
}

/**
 * How many record versions of our own a condition accepts at most (DynamoDB allows 100 `IN`
 * operands). Attempts beyond it are forgotten, oldest first: if one of those landed after
 * all, the lock merely looks taken (safe: it is then waited out, or reported lost).
 */
export const MAX_OWN_VERSIONS = 50;

/** Adds `rvn` to `pending`, forgetting the oldest entries beyond {@link MAX_OWN_VERSIONS}. */
export function remember(pending: Map<string, number>, rvn: string, sentAt: number): void {
  pending.set(rvn, sentAt);
  for (const old of pending.keys()) {
    if (pending.size <= MAX_OWN_VERSIONS) break;
    pending.delete(old);
  }
}

/** A new record version number. */
export const newRecordVersion = (): string => randomUUID();

/** Reads the lock's record from an item (undefined item: no such item). */
export function readRecord(
  item: Record<string, AttributeValue> | undefined,
  names: LockAttributes,
): LockRecord {
  const lease = Number(item?.[names.leaseMs]?.N);
  return {
    owner: item?.[names.owner]?.S,
    rvn: item?.[names.rvn]?.S,
    fence: parseFence(item?.[names.fence]),
    leaseMs: Number.isFinite(lease) && lease > 0 ? lease : undefined,
  };
}

/** The fencing token stored in an attribute (0 when absent). */
export function parseFence(value: AttributeValue | undefined): bigint {
  const n = value?.N;
  if (n === undefined) return 0n;
  try {
    return BigInt(n);
  } catch {
    return 0n; // not an integer: no token of ours ever wrote it
  }
}

/** The holder a record names, for errors; undefined when the lock is free. */
export function holderOf(record: LockRecord, fallbackLeaseMs: number): LockHolder | undefined {
  if (record.owner === undefined) return undefined;
  return {
    owner: record.owner,
    leaseMs: record.leaseMs ?? fallbackLeaseMs,
    fencingToken: record.fence,
  };
}

/** Where the lock lives and who writes it. */
/**
 * The lock's name in messages: its table and key, e.g. `Locks {id: "job-7"}` (strings quoted,
 * numbers as written, binary as base64).
 */
export function lockName(table: string, key: AttributeValueMap): string {
  const parts = Object.entries(key).map(([name, value]) => {
    const v = value as { S?: string; N?: string; B?: Uint8Array };
    const shown =
      v.S !== undefined
        ? JSON.stringify(v.S)
        : v.N !== undefined
          ? v.N
          : v.B !== undefined
            ? `<${Buffer.from(v.B).toString("base64")}>`
            : JSON.stringify(value);
    return `${JSON.stringify(name).slice(1, -1)}: ${shown}`;
  });
  return `${table} {${parts.join(", ")}}`;
}

export interface LockTarget {
  readonly table: string;
  readonly key: AttributeValueMap;
  readonly attributes: LockAttributes;
}

/** What a holder writes: its name, lease, the new record version and the wall-clock time. */
export interface HolderWrite {
  readonly owner: string;
  readonly leaseMs: number;
  readonly rvn: string;
  readonly nowMs: number;
}

function builder(target: LockTarget): UpdateItemBuilder {
  // On a failed condition, DynamoDB Local and DynamoDB return the item with the error: no extra read.
  return new UpdateItemBuilder({
    TableName: target.table,
    Key: target.key,
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
  });
}

function holderActions(names: LockAttributes, write: HolderWrite) {
  return [
    update.set(names.owner, write.owner),
    update.set(names.rvn, write.rvn),
    update.set(names.leaseMs, write.leaseMs),
    update.set(names.renewedAt, new Date(write.nowMs).toISOString()),
  ];
}

/**
 * Acquisition: succeeds when the lock is free (no owner) or its record version is one of
 * `rvns` (a lease watched until it expired, or our own earlier attempts whose outcome is
 * unknown). Increments the fencing token and returns it (`UPDATED_NEW`, or the whole item with `ALL_NEW`).
 */
export function acquireInput(
  target: LockTarget,
  write: HolderWrite,
  rvns: readonly string[],
  returnValues: "UPDATED_NEW" | "ALL_NEW" = "UPDATED_NEW",
): UpdateItemCommandInput {
  const names = target.attributes;
  const free = cond.notExists(names.owner);
  return builder(target)
    .update(update.add(names.fence, 1), ...holderActions(names, write))
    .condition(rvns.length ? cond.or(free, cond.in(names.rvn, ...rvns)) : free)
    .returnValues(returnValues)
    .build();
}

/** Renewal: succeeds only while the record version is one of ours (`rvns`); writes a new one. */
export function renewInput(
  target: LockTarget,
  write: HolderWrite,
  rvns: readonly string[],
): UpdateItemCommandInput {
  const names = target.attributes;
  return builder(target)
    .update(...holderActions(names, write))
    .condition(cond.and(cond.exists(names.owner), cond.in(names.rvn, ...rvns)))
    .build();
}

/**
 * Release: only while the record version is one of ours; clears the holder and lease, keeps
 * the fencing token and writes a new record version (the item is never deleted, so the next
 * holder's token continues from this one).
 */
export function releaseInput(
  target: LockTarget,
  rvn: string,
  rvns: readonly string[],
): UpdateItemCommandInput {
  const names = target.attributes;
  return builder(target)
    .update(
      update.set(names.rvn, rvn),
      update.remove(names.owner),
      update.remove(names.leaseMs),
      update.remove(names.renewedAt),
    )
    .condition(cond.and(cond.exists(names.owner), cond.in(names.rvn, ...rvns)))
    .build();
}
