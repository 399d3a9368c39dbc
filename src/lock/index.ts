/**
 * Distributed lock on DynamoDB: safe without synchronized clocks, with fencing tokens and a
 * lost-lease signal.
 * @module
 */
export { acquireLock } from "./acquire.js";
export { withLock } from "./with-lock.js";
export { DistributedLock } from "./lock.js";
export type { LockOptions } from "./options.js";
export { lockAttributes, DEFAULT_ATTRIBUTE_PREFIX, type LockAttributes } from "./record.js";
export { tryAcquireLock, type TryLockOptions, type TryLockResult } from "./try-acquire.js";
export type { LockRecord } from "./record.js";
