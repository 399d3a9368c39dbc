/**
 * The Table model (API.md section 9): a DynamoDB table seen through an object schema.
 * @module
 */
export {
  Table,
  type TableOptions,
  type ConditionInput,
  type PutOptions,
  type UpdateOptions,
  type DeleteOptions,
  type GetOptions,
  type ScanOptions,
  type QueryOptions,
  type CreateOptions,
  type TableScanOptions,
} from "./table.js";
export { Conditions, Updates, type Comparand, type ElementOf } from "./expressions.js";
export { ItemIterable } from "./items.js";
export type { KeyDecoder, Model, StoredItem } from "./model.js";
export type * from "./types.js";
