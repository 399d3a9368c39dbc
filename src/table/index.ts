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
  type DropOptions,
  type TableScanOptions,
} from "./table.js";
export { Conditions, Updates, type Comparand, type ElementOf } from "./expressions.js";
export { ItemIterable } from "./items.js";
export type {
  KeyDecoder,
  Model,
  AnyModel,
  ModelItem,
  ModelKey,
  StoredItem,
  PutPlan,
  UpdatePlan,
  DeletePlan,
  CheckPlan,
  GetPlan,
  WritePlan,
  VersionCheck,
  PutPlanOptions,
  VersionedPlanOptions,
  GetPlanOptions,
} from "./model.js";
export {
  TransactWriter,
  MAX_TRANSACTION_ACTIONS,
  type TransactOptions,
  type TransactPutOptions,
  type TransactWriteOptions,
} from "./transact.js";
export {
  TransactReader,
  type TransactGetRef,
  type TransactGetItemOptions,
  type TransactGetCallOptions,
  type TransactGetResult,
} from "./transact-get.js";
export {
  type ModelBatchGetOptions,
  type BatchGetRequest,
  type BatchGetResult,
} from "./batch-get.js";
export { BatchWriter } from "./batch-write.js";
export { transactionFailures, type TransactionFailure } from "./failures.js";
export type * from "./types.js";
