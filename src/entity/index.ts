/**
 * Entities (API.md sections 14 and 15): several item types in one table, their keys filled
 * from their properties through key templates; collections; versions, timestamps, TTL,
 * cursors and validation.
 * @module
 */
export {
  SharedTable,
  type SharedTableOptions,
  type SharedIndex,
  type EntityOptions,
  type EntityIndexes,
} from "./shared-table.js";
export {
  Entity,
  type EntityGetOptions,
  type EntityPutOptions,
  type EntityUpdateOptions,
  type EntityDeleteOptions,
  type EntityScanOptions,
  type EntityQueryOptions,
  type EntityBatchGetOptions,
} from "./entity.js";
export {
  Collection,
  CollectionItems,
  type Members,
  type EntityItem,
  type CollectionItem,
  type CollectionGroups,
  type CollectionQuery,
  type CollectionQueryOptions,
} from "./collection.js";
export { PagedItems, type Page, type PageRequest } from "../table/pages.js";
export type { ModelSession } from "../table/model-session.js";
export type * from "./types.js";
