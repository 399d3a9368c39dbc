/**
 * The model contract: what every model (a `Table`, an entity) offers to the rooms above it —
 * transactions and batches over models, jobs and streams. A layer that takes "a model" takes
 * this interface, never a concrete class, so entities and tables plug in alike.
 *
 * A model turns typed inputs (items, keys, conditions, update functions) into *plans*: the
 * complete DynamoDB action — table, stored item or key with every computed attribute, the
 * conditions (the caller's and the model's own, e.g. a version check) and the update actions —
 * as unrendered expressions. One engine renders plans: `send.ts` for single calls (the model's
 * own `put`/`update`/`delete`/`get`), the transaction and batch layer for `dyno.transact` & co.,
 * through the ordinary input builders. The contract in prose is `CONTRACT.md`.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Condition, PathSegment, UpdateAction } from "../expression/types.js";
import type { ConditionInput, Updates } from "./expressions.js";

/** A stored item (or key) as DynamoDB holds it. */
export type StoredItem = Record<string, AttributeValue>;

/**
 * The optimistic-locking check a write carries: when its condition fails, the engine reads
 * the item as it was (`ReturnValuesOnConditionCheckFailure: "ALL_OLD"`) and, when the stored
 * version is not `expected`, rejects with `VersionConflictError` (a single write) or reports a
 * version conflict for the action (a transaction). When the version matched, it was the
 * caller's own condition that failed, and the SDK's error passes through.
 */
export interface VersionCheck {
  /** The stored attribute name of the version (a number). */
  readonly attribute: string;
  /** The version the stored item must have; `undefined`: the item must not exist. */
  readonly expected: number | undefined;
}

/** What every write plan holds. */
interface PlanBase {
  /** The DynamoDB table. */
  readonly table: string;
  /** The primary key the action addresses, as stored (computed key attributes included). */
  readonly key: StoredItem;
  /** The key as the model's users write it (`{ org, id }`), for errors and reports. */
  readonly keyProps: unknown;
  /** Conditions the stored item must meet, AND-ed: the caller's and the model's own. */
  readonly conditions: readonly Condition[];
  /** Present when the write is version-checked (see {@link VersionCheck}). */
  readonly version?: VersionCheck;
}

/** A put: the whole stored item (computed attributes, version and timestamps included). */
export interface PutPlan extends PlanBase {
  readonly kind: "Put";
  readonly item: StoredItem;
}

/** An update: the actions on the item's attributes (with the model's own, e.g. `updatedAt`). */
export interface UpdatePlan extends PlanBase {
  readonly kind: "Update";
  /** At least one action. */
  readonly actions: readonly UpdateAction[];
}

/** A delete. */
export interface DeletePlan extends PlanBase {
  readonly kind: "Delete";
}

/** A condition check (transactions only): `conditions` holds at least one condition. */
export interface CheckPlan extends PlanBase {
  readonly kind: "ConditionCheck";
}

/** Any write plan. */
export type WritePlan = PutPlan | UpdatePlan | DeletePlan | CheckPlan;

/** A read of one item by its key, and how to decode what comes back. */
export interface GetPlan<T> {
  /** The DynamoDB table. */
  readonly table: string;
  /** The primary key, as stored. */
  readonly key: StoredItem;
  /** The key as the model's users write it. */
  readonly keyProps: unknown;
  /** Attribute paths to read (every one the decoder needs, computed ones included); all when absent. */
  readonly projection?: readonly (readonly PathSegment[])[];
  /** Strongly consistent read (ignored inside a transaction, which always is). */
  readonly consistentRead?: boolean;
  /**
   * Decodes the stored item read at the key; `undefined` when the model does not show it
   * (another entity's item, or one whose TTL has passed unless `includeExpired`).
   */
  decode(item: StoredItem): T | undefined;
}

/** Options of {@link Model.putPlan}. */
export interface PutPlanOptions<T> {
  /** The caller's condition on the stored item. */
  condition?: ConditionInput<T>;
  /**
   * The put goes into a BatchWriteItem, which takes no condition: the plan must have none
   * (a model that cannot write the item without one throws `DynoValidationError` saying why).
   */
  batch?: boolean;
}

/** Options of {@link Model.updatePlan} and {@link Model.deletePlan}. */
export interface VersionedPlanOptions<T> {
  /** The caller's condition on the stored item. */
  condition?: ConditionInput<T>;
  /** The version the stored item must have (models with a version property; refused otherwise). */
  version?: number;
}

/** Options of {@link Model.getPlan}. */
export interface GetPlanOptions {
  /** Strongly consistent read. */
  consistentRead?: boolean;
  /** Reads only these top-level properties. */
  project?: readonly string[];
  /** Also return items whose TTL has passed (models with `ttl`). */
  includeExpired?: boolean;
}

/** A Table or an entity, as the layers above the model see it. `K` is its key type. */
export interface Model<T = unknown, K = unknown> {
  /** The DynamoDB table the model's items live in. */
  readonly name: string;
  /** The table's primary key attribute names (partition key, then sort key). */
  readonly keyAttributes: readonly string[];
  /**
   * True when a stored item belongs to this model: always for a plain Table; for an entity,
   * when the item's entity attribute names it.
   */
  ownsItem(item: StoredItem): boolean;
  /**
   * Decodes a stored item (a full item, as a scan or a stream's new image gives it) into the
   * model's type; computed attributes (an entity's key attributes and entity attribute) are
   * left out. Throws `DynoEncodingError` when the item does not fit the schema.
   */
  decodeItem(item: StoredItem): T;
  /**
   * The plan of a put of `item`.
   *
   * Every plan method takes `at`, where the action stands in the caller's input, and names
   * fields under it in its `DynoValidationError`s: `""` (a single call, the default) gives
   * `item.age`, `key.id`, `condition`, `version`; `"actions[3]"` gives `actions[3].item.age`...
   */
  putPlan(item: T, options?: PutPlanOptions<T>, at?: string): PutPlan;
  /** The plan of an update of the item at `key` with `actions` (`(u) => u.set(...)`). */
  updatePlan(
    key: K,
    actions: (u: Updates<T>) => Updates<T>,
    options?: VersionedPlanOptions<T>,
    at?: string,
  ): UpdatePlan;
  /** The plan of a delete of the item at `key`. */
  deletePlan(key: K, options?: VersionedPlanOptions<T>, at?: string): DeletePlan;
  /** The plan of a condition check on the item at `key` (transactions). */
  checkPlan(key: K, condition: ConditionInput<T>, at?: string): CheckPlan;
  /** The plan of a read of the item at `key`. */
  getPlan(key: K, options?: GetPlanOptions, at?: string): GetPlan<T>;
}

/** Any model. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any, any>;

/** The item type of model `M`. */
export type ModelItem<M extends AnyModel> = ReturnType<M["decodeItem"]>;

/** The key type of model `M`. */
export type ModelKey<M extends AnyModel> = Parameters<M["deletePlan"]>[0];
