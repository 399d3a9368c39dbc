/**
 * Exhaustive operations: scans and queries to the end (sequential or parallel), page and item
 * iterators, and batch reads and writes of any size. Public exports only.
 * @module
 */
export {
  exhaustiveMethods,
  installExhaustiveMethods,
  type ExhaustiveArg,
  type ExhaustiveMethodName,
  type ExhaustiveMethods,
} from "./methods.js";
export type { ExhaustiveRuntime } from "./runtime.js";
export type {
  BatchOptions,
  BatchWriteOptions,
  ExhaustiveOptions,
  IterateOptions,
  PaginateOptions,
  Progress,
  ScanAllOptions,
} from "./options.js";
export { MAX_GET_KEYS } from "./batch-get.js";
export { MAX_WRITE_REQUESTS } from "./batch-write.js";
export { MAX_ITEM_BYTES, MAX_REQUEST_BYTES, itemSize, type ItemSize } from "./size.js";
