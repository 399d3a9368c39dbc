/**
 * Input builders: fluent construction of SDK inputs, validated by `.build()`.
 * @module
 */
export {
  asAttributeValues,
  asPlainObject,
  isAttributeValue,
  isAttributeValueMap,
  type AttributeValueMap,
  type ItemInput,
  type StatedItem,
} from "./attribute-value.js";
export { GetItemBuilder, QueryBuilder, ScanBuilder } from "./read.js";
export {
  PutItemBuilder,
  UpdateItemBuilder,
  DeleteItemBuilder,
  type OldReturnValue,
} from "./write.js";
export {
  BatchGetItemBuilder,
  BatchWriteItemBuilder,
  type BatchGetOptions,
  type OneOrMany,
} from "./batch.js";
export {
  TransactGetItemsBuilder,
  TransactWriteItemsBuilder,
  type TransactGetOptions,
} from "./transact.js";
export {
  CreateTableBuilder,
  UpdateTableBuilder,
  type Billing,
  type GsiOptions,
  type IndexProjection,
  type KeyAttribute,
  type LsiOptions,
  type SseOptions,
  type Throughput,
} from "./table-admin.js";
