/**
 * `Entity`: one item type of a shared table (API.md sections 14 and 15). Items go in and come
 * out typed as with a `Table`; the key attributes, index keys and entity attribute are
 * computed from the item's properties on every write and never returned. Versions, timestamps,
 * TTL and validation are applied here; conditions, updates and projections go through the
 * Table model's schema-aware expressions, and every call runs as the session's own operation.
 * @module
 */
import { QueryBuilder, ScanBuilder } from "../builders/read.js";
import { unmarshalItem } from "../encoding/api.js";
import type { AnySchema, Schema } from "../encoding/schema/schema.js";
import type { StandardSchemaV1 } from "../encoding/schema/standard.js";
import { DynoValidationError } from "../errors.js";
import { cond, isCondition } from "../expression/condition.js";
import type { Condition } from "../expression/types.js";
import type { BatchOptions } from "../exhaustive/options.js";
import { modelBatchGet, type ModelBatchGetOptions } from "../table/batch-get.js";
import type {
  DeleteOptions,
  GetOptions,
  PutOptions,
  QueryOptions,
  ScanOptions,
  UpdateOptions,
} from "../table/table.js";
import { modelBatchDelete, writeEntries } from "../table/batch-write.js";
import {
  checkScanOptions,
  DELETE_OPTIONS,
  GET_OPTIONS,
  PUT_OPTIONS,
  QUERY_OPTIONS,
  SCAN_OPTIONS,
  UPDATE_OPTIONS,
} from "../table/table.js";
import { checkOptions } from "../table/options.js";
import {
  Conditions,
  keyAgnostic,
  type ConditionInput,
  type Updates,
} from "../table/expressions.js";
import type { RawItem } from "../table/items.js";
import type {
  CheckPlan,
  DeletePlan,
  GetPlan,
  GetPlanOptions,
  Model,
  PutPlan,
  PutPlanOptions,
  StoredItem,
  UpdatePlan,
  VersionedPlanOptions,
} from "../table/model.js";
import { checkMaxItems, readSource } from "../table/runs.js";
import { sendDelete, sendGet, sendPut, sendUpdate } from "../table/send.js";
import type { KeyProps, Projected } from "../table/types.js";
import { bindingOf } from "../table/cursor.js";
import type { EntityDefinition } from "./definition.js";
import { keyCondition, type EntityKeySchema } from "./keys.js";
import { PagedItems } from "../table/pages.js";
import {
  checkPlan,
  deletePlan,
  expired,
  getPlan,
  nowSeconds,
  putPlan,
  updatePlan,
  validateAsync,
} from "./plans.js";
import type { ModelSession } from "../table/model-session.js";
import type { EntityKey, EntityQuery, KeyOfIndex, KeyTemplates } from "./types.js";

/** Options of {@link Entity.get}: a Table's ({@link GetOptions}). */
export type EntityGetOptions<P> = GetOptions<P>;

/** Options of {@link Entity.put}: a Table's ({@link PutOptions}). */
export type EntityPutOptions<T> = PutOptions<T>;

/** Options of {@link Entity.update}: a Table's ({@link UpdateOptions}). */
export type EntityUpdateOptions<T> = UpdateOptions<T>;

/** Options of {@link Entity.delete}: a Table's ({@link DeleteOptions}). */
export type EntityDeleteOptions<T> = DeleteOptions<T>;

/** Options of {@link Entity.scan}: a Table's ({@link ScanOptions}; `index` names one of the entity's indexes). */
export type EntityScanOptions<T, X, P> = ScanOptions<T, X, P>;

/** Options of {@link Entity.query}: a Table's ({@link QueryOptions}). */
export type EntityQueryOptions<T, X, P> = QueryOptions<T, X, P>;

/** Options of {@link Entity.batchGet}: a Table's ({@link ModelBatchGetOptions}). */
export type EntityBatchGetOptions = ModelBatchGetOptions;

/** The behaviour options of an entity (besides its schema and templates). */
export interface EntityBehaviour {
  /** Checks every item a put writes before anything is sent (any Standard Schema: zod, valibot, `s.*`...). */
  readonly validate: StandardSchemaV1 | undefined;
  /** Signs cursors (HMAC-SHA256), so that a modified cursor is refused. */
  readonly cursorSecret: string | Uint8Array | undefined;
}

/**
 * One item type of a shared table. Made by `app.entity(name, options)`.
 *
 * @example
 * ```ts
 * const Users = app.entity("User", {
 *   schema: User,
 *   key: { partitionKey: "ORG#{org}", sortKey: "USER#{id}" },
 *   indexes: { gsi1: { partitionKey: "EMAIL#{email}", sortKey: "USER" } },
 * });
 * await Users.put({ org: "acme", id: "u1", email: "ada@acme.example", name: "Ada" });
 * const ada = await Users.get({ org: "acme", id: "u1" });
 * for await (const u of Users.query({ org: "acme" })) console.log(u.name);
 * ```
 */
export class Entity<
  T,
  N extends string = string,
  K extends KeyTemplates = KeyTemplates,
  IX extends { readonly [index: string]: KeyTemplates } = Record<never, never>,
> implements Model<T, EntityKey<T, K>> {
  /** The DynamoDB table the entity's items live in. */
  readonly name: string;
  /** The entity's name, stored in the entity attribute of each of its items. */
  readonly entity: N;
  /** The items' schema. */
  readonly schema: Schema<T, boolean>;
  /** @internal The compiled definition. */
  readonly definition: EntityDefinition;
  readonly #session: ModelSession;
  readonly #behaviour: EntityBehaviour;
  /** The secret the entity signs its cursors with, if any. */
  get cursorSecret(): string | Uint8Array | undefined {
    return this.#behaviour.cursorSecret;
  }

  /** Use `app.entity(name, options)`. */
  constructor(
    session: ModelSession,
    table: string,
    definition: EntityDefinition,
    behaviour: EntityBehaviour,
  ) {
    this.#session = session;
    this.name = table;
    this.entity = definition.name as N;
    this.definition = definition;
    this.schema = definition.model.schema as Schema<T, boolean>;
    this.#behaviour = behaviour;
  }

  // ------------------------------------------------------------------ the Model contract

  /** The table's primary key attribute names (partition key, then sort key). */
  get keyAttributes(): readonly string[] {
    const k = this.definition.key;
    return k.sort ? [k.partition.attr, k.sort.attr] : [k.partition.attr];
  }

  /** True when the stored item's entity attribute names this entity. */
  ownsItem(item: StoredItem): boolean {
    return this.definition.owns(item);
  }

  /** Decodes a stored item with the entity's schema; computed attributes are left out. */
  decodeItem(item: StoredItem): T {
    return unmarshalItem(item, this.definition.model.schema) as T;
  }

  /** True when the item's TTL has passed (it is still stored until DynamoDB deletes it). */
  isExpired(item: StoredItem): boolean {
    return expired(this.definition, item);
  }

  /** The plan of a put (the Model contract; `put`, transactions and batches send it). */
  putPlan(item: T, options?: PutPlanOptions<T>, at?: string): PutPlan {
    return putPlan(this.definition, this.#behaviour.validate, item, options, at);
  }

  /** The plan of an update (the Model contract). */
  updatePlan(
    key: EntityKey<T, K>,
    actions: (u: Updates<T>) => Updates<T>,
    options?: VersionedPlanOptions<T>,
    at?: string,
  ): UpdatePlan {
    return updatePlan(this.definition, key, actions, options, at);
  }

  /** The plan of a delete (the Model contract). */
  deletePlan(key: EntityKey<T, K>, options?: VersionedPlanOptions<T>, at?: string): DeletePlan {
    return deletePlan(this.definition, key, options, at);
  }

  /** The plan of a condition check (the Model contract; transactions). */
  checkPlan(key: EntityKey<T, K>, condition: ConditionInput<T>, at?: string): CheckPlan {
    return checkPlan(this.definition, key, condition, at);
  }

  /** The plan of a read by key (the Model contract). */
  getPlan(key: EntityKey<T, K>, options?: GetPlanOptions, at?: string): GetPlan<T> {
    return getPlan<T>(this.definition, key, options, at);
  }

  // ------------------------------------------------------------------ items

  /** Reads one item by its key (the properties its key templates name); `undefined` when there is none (or it has expired). */
  async get<P extends keyof T & string = keyof T & string>(
    key: EntityKey<T, K>,
    options: EntityGetOptions<P> = {},
  ): Promise<Projected<T, P> | undefined> {
    checkOptions(options, GET_OPTIONS, "");
    return (await sendGet(this.#session, this.getPlan(key, options))) as
      Projected<T, P> | undefined;
  }

  /**
   * Writes an item (replacing any with its key), its key attributes, index keys and entity
   * attribute computed from it. With `version`: an item without a version is written as
   * version 1 and only where none exists; an item with version n only over version n, and is
   * stored as n + 1 (a mismatch rejects with `VersionConflictError`). With `timestamps`:
   * `updatedAt` is now (replacing a value the item gives), `createdAt` too unless the item gives it. With `validate`: the item
   * is checked first, and nothing is sent when it fails.
   */
  put(item: T, options: EntityPutOptions<T> & { returnValues: "ALL_OLD" }): Promise<T | undefined>;
  put(item: T, options?: EntityPutOptions<T>): Promise<void>;
  async put(item: T, options: EntityPutOptions<T> = {}): Promise<T | undefined | void> {
    checkOptions(options, PUT_OPTIONS, "");
    await validateAsync(this.#behaviour.validate, item, "item");
    const { returnValues, ...rest } = options;
    const plan = putPlan(this.definition, this.#behaviour.validate, item, rest, "", true);
    const out = await sendPut(this.#session, plan, returnValues);
    if (returnValues === "ALL_OLD")
      return out.Attributes ? this.decodeItem(out.Attributes) : undefined;
  }

  /**
   * Updates an item with actions on its properties: `(u) => u.set("name", "Ada")`. Setting a
   * property an index key template names recomputes that index key (every property of its
   * templates must then be set in the same update; removing one takes the item out of the
   * index). Properties of the table's key templates cannot change. With `version`, the update
   * is conditioned on `options.version` when given and always increments it; with
   * `timestamps`, it sets `updatedAt` (and `createdAt` where missing); the actions cannot touch
   * the version or the timestamps.
   */
  update(
    key: EntityKey<T, K>,
    actions: (u: Updates<T, KeyProps<EntityKey<T, K>>>) => Updates<T, KeyProps<EntityKey<T, K>>>,
    options: EntityUpdateOptions<T> & { returnValues: "ALL_NEW" },
  ): Promise<T>;
  update(
    key: EntityKey<T, K>,
    actions: (u: Updates<T, KeyProps<EntityKey<T, K>>>) => Updates<T, KeyProps<EntityKey<T, K>>>,
    options: EntityUpdateOptions<T> & { returnValues: "ALL_OLD" },
  ): Promise<T | undefined>;
  update(
    key: EntityKey<T, K>,
    actions: (u: Updates<T, KeyProps<EntityKey<T, K>>>) => Updates<T, KeyProps<EntityKey<T, K>>>,
    options?: EntityUpdateOptions<T>,
  ): Promise<void>;
  async update(
    key: EntityKey<T, K>,
    actions: (u: Updates<T, KeyProps<EntityKey<T, K>>>) => Updates<T, KeyProps<EntityKey<T, K>>>,
    options: EntityUpdateOptions<T> = {},
  ): Promise<T | undefined | void> {
    checkOptions(options, UPDATE_OPTIONS, "");
    const { returnValues, ...rest } = options;
    const out = await sendUpdate(
      this.#session,
      this.updatePlan(key, keyAgnostic(actions), rest),
      returnValues,
    );
    if (returnValues === "ALL_NEW" || returnValues === "ALL_OLD") {
      return out.Attributes ? this.decodeItem(out.Attributes) : undefined;
    }
  }

  /** Deletes an item by its key (conditioned on `version` when given); with `returnValues: "ALL_OLD"`, returns it. */
  delete(
    key: EntityKey<T, K>,
    options: EntityDeleteOptions<T> & { returnValues: "ALL_OLD" },
  ): Promise<T | undefined>;
  delete(key: EntityKey<T, K>, options?: EntityDeleteOptions<T>): Promise<void>;
  async delete(
    key: EntityKey<T, K>,
    options: EntityDeleteOptions<T> = {},
  ): Promise<T | undefined | void> {
    checkOptions(options, DELETE_OPTIONS, "");
    const { returnValues, ...rest } = options;
    const out = await sendDelete(this.#session, this.deletePlan(key, rest), returnValues);
    if (returnValues === "ALL_OLD")
      return out.Attributes ? this.decodeItem(out.Attributes) : undefined;
  }

  /**
   * This entity's items in one partition: `Users.query({ org: "acme" })` reads the partition
   * key template filled from the properties, and the sort key template filled from the left up
   * to its first missing property (`begins_with`), so other entities in the partition are not
   * read. A condition on the last sort key property given: `{ id: { beginsWith: "a" } }`,
   * `{ at: { between: [from, to] } }`, `{ at: { gt: since } }`. An index: `{ index: "gsi1" }`.
   */
  query<
    X extends (keyof IX & string) | undefined = undefined,
    P extends keyof T & string = keyof T & string,
  >(
    key: EntityQuery<T, KeyOfIndex<K, IX, X>>,
    options: EntityQueryOptions<T, X, P> = {},
  ): PagedItems<Projected<T, P>> {
    checkOptions(options, QUERY_OPTIONS, "");
    const keys = this.#keysOf(options.index);
    const condition = keyCondition(
      keys,
      this.definition.kinds,
      key,
      keys.index ? `index ${keys.index}` : `entity ${this.entity}`,
    );
    return this.#items(
      "Query",
      () => {
        const b = new QueryBuilder().table(this.name).keyCondition(condition);
        if (options.descending) b.descending();
        return b;
      },
      options,
    );
  }

  /** Every item of this entity (filtered on the entity attribute), in the table or an index. */
  scan<
    X extends (keyof IX & string) | undefined = undefined,
    P extends keyof T & string = keyof T & string,
  >(options: EntityScanOptions<T, X, P> = {}): PagedItems<Projected<T, P>> {
    checkScanOptions(options, SCAN_OPTIONS);
    this.#keysOf(options.index);
    return this.#items("Scan", () => new ScanBuilder().table(this.name), options);
  }

  /** Reads items by their keys (any number; unprocessed keys retried), in the order of the keys; missing (and expired) ones left out. */
  async batchGet(
    keys: readonly EntityKey<T, K>[],
    options: EntityBatchGetOptions = {},
  ): Promise<T[]> {
    return (await modelBatchGet(this.#session, this, keys, options)) as T[];
  }

  /**
   * Writes items (any number, in requests of 25, unprocessed ones retried until written), each
   * validated first (nothing is sent when one fails) and with its computed attributes and
   * timestamps. An entity with `version` refuses a batch put: a batch cannot check the stored
   * version, and writing one unchecked would reset it.
   */
  async batchPut(items: readonly T[], options: BatchOptions = {}): Promise<void> {
    if (!Array.isArray(items)) throw new DynoValidationError("items", "expected an array of items");
    for (let i = 0; i < items.length; i++)
      await validateAsync(this.#behaviour.validate, items[i], `items[${i}].item`);
    const entries = items.map((item, i) => {
      const at = `items[${i}]`;
      return {
        model: this,
        plan: putPlan(this.definition, undefined, item, { batch: true }, at, true),
        at,
      };
    });
    await writeEntries(this.#session, entries, options);
  }

  /** Deletes items by their keys (any number, unprocessed ones retried). */
  async batchDelete(keys: readonly EntityKey<T, K>[], options: BatchOptions = {}): Promise<void> {
    await modelBatchDelete(this.#session, this, keys, options);
  }

  // ------------------------------------------------------------------ helpers

  #keysOf(index: string | undefined): EntityKeySchema {
    if (index === undefined) return this.definition.key;
    const keys = this.definition.indexes.get(index);
    if (!keys) {
      const known = [...this.definition.indexes.keys()];
      throw new DynoValidationError(
        "index",
        `${JSON.stringify(index)} is not an index of entity ${this.entity} (${known.length ? `indexes: ${known.join(", ")}` : "it declares none"})`,
      );
    }
    return keys;
  }

  /** @internal The filter every read of this entity carries: its entity attribute, and unexpired TTL. */
  ownFilter(includeExpired: boolean | undefined): Condition {
    const d = this.definition;
    const own = cond.eq([d.entityAttribute], d.name);
    if (!d.ttl || includeExpired) return own;
    return cond.and(
      own,
      cond.or(cond.notExists([d.ttl.attr]), cond.gt([d.ttl.attr], nowSeconds())),
    );
  }

  #items<P>(
    operation: "Query" | "Scan",
    make: () => QueryBuilder | ScanBuilder,
    options: EntityScanOptions<T, unknown, P>,
  ): PagedItems<Projected<T, P & keyof T>> {
    const d = this.definition;
    checkMaxItems(options.maxItems);
    let schema: AnySchema = d.model.schema;
    const build = (own: Condition | undefined) => {
      const b = make();
      if (options.index !== undefined) b.index(options.index as string);
      if (own) b.filter(own);
      if (options.filter !== undefined) {
        const f =
          typeof options.filter === "function"
            ? options.filter(new Conditions<T>(d.model))
            : options.filter;
        if (!isCondition(f))
          throw new DynoValidationError("filter", "expected a condition, or (c) => c.eq(...)");
        b.filter(f);
      }
      if (options.consistentRead) b.consistentRead();
      if (options.pageSize !== undefined) b.limit(options.pageSize);
      if (options.project !== undefined) {
        const picked = d.model.projection(options.project as readonly string[], "project");
        b.project(...picked.paths);
        schema = picked.schema;
      }
      return b.build();
    };
    const input = build(this.ownFilter(options.includeExpired));
    const keys = this.#keysOf(options.index as string | undefined);
    const keyAttributes = [
      d.key.partition.attr,
      d.key.sort?.attr,
      keys.partition.attr,
      keys.sort?.attr,
    ];
    const decode = (item: RawItem) => this.#decode(item, schema) as Projected<T, P & keyof T>;
    return new PagedItems(
      readSource(this.#session, { operation, input, schema, maxItems: options.maxItems }),
      {
        session: this.#session,
        operation,
        input,
        // Bound to the read without its TTL cut-off (the current time), with the entity's name.
        binding: () =>
          bindingOf([
            this.name,
            this.entity,
            operation,
            options.includeExpired === true,
            build(cond.eq([d.entityAttribute], d.name)),
          ]),
        keyAttributes: [...new Set(keyAttributes.filter((a): a is string => a !== undefined))],
        secret: this.#behaviour.cursorSecret,
      },
      decode,
    );
  }

  #decode(item: RawItem, schema: AnySchema): unknown {
    return unmarshalItem(item, schema);
  }
}
