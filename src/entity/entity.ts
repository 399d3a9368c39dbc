/**
 * `Entity`: one item type of a shared table (API.md sections 14 and 15). Items go in and come
 * out typed as with a `Table`; the key attributes, index keys and entity attribute are
 * computed from the item's properties on every write and never returned. Versions, timestamps,
 * TTL and validation are applied here; conditions, updates and projections go through the
 * Table model's schema-aware expressions, and every call runs as the session's own operation.
 * @module
 */
import type { AttributeValue, ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetItemBuilder, QueryBuilder, ScanBuilder } from "../builders/read.js";
import { DeleteItemBuilder, PutItemBuilder, UpdateItemBuilder } from "../builders/write.js";
import { marshalItem, unmarshalItem } from "../encoding/api.js";
import type { AnySchema, Schema } from "../encoding/schema/schema.js";
import type { StandardSchemaV1 } from "../encoding/schema/standard.js";
import { DynoEncodingError, DynoValidationError, VersionConflictError } from "../errors.js";
import { cond, isCondition } from "../expression/condition.js";
import { update } from "../expression/update.js";
import type { Condition, PathSegment, UpdateAction } from "../expression/types.js";
import type { BatchOptions } from "../exhaustive/options.js";
import { Conditions, Updates, actionsOf } from "../table/expressions.js";
import type { RawItem } from "../table/items.js";
import { bindingOf } from "./cursor.js";
import { PagedItems } from "./pages.js";
import type { Model, StoredItem } from "../table/model.js";
import { getAll, readSource, writeAll } from "../table/runs.js";
import { encoded as encodedValue } from "../table/paths.js";
import type { ConditionInput } from "../table/table.js";
import type { PathValue, Projected, PropertyPath } from "../table/types.js";
import type { AttributeRef } from "../expression/operand.js";
import type { EntityDefinition } from "./definition.js";
import { encodeKey, keyAttributes, keyCondition, type EntityKeySchema } from "./keys.js";
import type { ModelSession } from "./session.js";
import type { EntityKey, EntityQuery, KeyOfIndex, KeyTemplates } from "./types.js";

/** Options of {@link Entity.get}. */
export interface EntityGetOptions<P> {
  /** Strongly consistent read. */
  consistentRead?: boolean;
  /** Reads only these top-level properties; the item's type narrows to them. */
  project?: readonly P[];
  /** Also returns an item whose TTL has passed (DynamoDB deletes such items up to days later). */
  includeExpired?: boolean;
}

/** Options of {@link Entity.put}. */
export interface EntityPutOptions<T> {
  /** The write happens only if the existing item meets it. */
  condition?: ConditionInput<T>;
  /** `"ALL_OLD"` returns the item the put replaced. */
  returnValues?: "NONE" | "ALL_OLD";
}

/** Options of {@link Entity.update}. */
export interface EntityUpdateOptions<T> {
  /** The update happens only if the existing item meets it. */
  condition?: ConditionInput<T>;
  /** The version the stored item must have (an entity with `version`); the update increments it. */
  version?: number;
  /** `"ALL_NEW"` returns the item after the update, `"ALL_OLD"` before it. */
  returnValues?: "NONE" | "ALL_NEW" | "ALL_OLD";
}

/** Options of {@link Entity.delete}. */
export interface EntityDeleteOptions<T> {
  /** The delete happens only if the item meets it. */
  condition?: ConditionInput<T>;
  /** The version the stored item must have (an entity with `version`). */
  version?: number;
  /** `"ALL_OLD"` returns the deleted item. */
  returnValues?: "NONE" | "ALL_OLD";
}

/** Options of {@link Entity.scan} (and, with more, of {@link Entity.query}). */
export interface EntityScanOptions<T, X, P> {
  /** Reads a declared index instead of the table. */
  index?: X;
  /** Keeps only the items that meet it (a FilterExpression). */
  filter?: ConditionInput<T>;
  /** Reads only these top-level properties; the items' type narrows to them. */
  project?: readonly P[];
  /** Strongly consistent reads (not on global secondary indexes). */
  consistentRead?: boolean;
  /** Stops after this many items. */
  maxItems?: number;
  /** Items DynamoDB evaluates per request (`Limit`). */
  pageSize?: number;
  /** Also returns items whose TTL has passed. */
  includeExpired?: boolean;
}

/** Options of {@link Entity.query}. */
export interface EntityQueryOptions<T, X, P> extends EntityScanOptions<T, X, P> {
  /** Descending sort key order. */
  descending?: boolean;
}

/** Options of {@link Entity.batchGet}. */
export interface EntityBatchGetOptions extends BatchOptions {
  /** Strongly consistent reads. */
  consistentRead?: boolean;
  /** Also returns items whose TTL has passed. */
  includeExpired?: boolean;
}

/** The behaviour options of an entity (besides its schema and templates). */
export interface EntityBehaviour {
  /** Checks every item a put writes before anything is sent (any Standard Schema: zod, valibot, `s.*`...). */
  readonly validate: StandardSchemaV1 | undefined;
  /** Signs cursors (HMAC-SHA256), so that a modified cursor is refused. */
  readonly cursorSecret: string | Uint8Array | undefined;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

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
> implements Model<T> {
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
  /** Attribute name → property, for the properties key templates name. */
  readonly #templateAttrs = new Map<string, string>();

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
    for (const prop of definition.kinds.keys()) {
      const f = definition.model.field(prop);
      if (f?.type === "field") this.#templateAttrs.set(f.attr, prop);
    }
  }

  // ------------------------------------------------------------------ the Model contract

  /** True when the stored item's entity attribute names this entity. */
  ownsItem(item: StoredItem): boolean {
    return item[this.definition.entityAttribute]?.S === this.definition.name;
  }

  /** Decodes a stored item with the entity's schema; computed attributes are left out. */
  decodeItem(item: StoredItem): T {
    return this.#decode(item) as T;
  }

  /** True when the item's TTL has passed (it is still stored until DynamoDB deletes it). */
  isExpired(item: StoredItem): boolean {
    const ttl = this.definition.ttl;
    const n = ttl ? item[ttl.attr]?.N : undefined;
    return n !== undefined && Number(n) <= nowSeconds();
  }

  // ------------------------------------------------------------------ items

  /** Reads one item by its key (the properties its key templates name); `undefined` when there is none. */
  async get<P extends keyof T & string = keyof T & string>(
    key: EntityKey<T, K>,
    options: EntityGetOptions<P> = {},
  ): Promise<Projected<T, P> | undefined> {
    const d = this.definition;
    const b = new GetItemBuilder().table(this.name).key(encodeKey(d.key, d.kinds, key, "key"));
    if (options.consistentRead) b.consistentRead();
    let schema: AnySchema = d.model.schema;
    if (options.project !== undefined) {
      const picked = d.model.projection(options.project, "project");
      schema = picked.schema;
      const extra: PathSegment[][] = [[d.entityAttribute]];
      if (d.ttl) extra.push([d.ttl.attr]);
      b.project(...picked.paths, ...extra);
    }
    const out = await this.#session.getItem(b.build());
    const item = out.Item;
    if (!item || !this.ownsItem(item) || (!options.includeExpired && this.isExpired(item)))
      return undefined;
    return this.#decode(item, schema) as Projected<T, P>;
  }

  /**
   * Writes an item (replacing any with its key), its key attributes, index keys and entity
   * attribute computed from it. With `version`: an item without a version is written as
   * version 1 and only where none exists; an item with version n only over version n, and is
   * stored as n + 1 (a mismatch rejects with `VersionConflictError`). With `timestamps`:
   * `updatedAt` is now, `createdAt` too unless the item gives it. With `validate`: the item
   * is checked first, and nothing is sent when it fails.
   */
  put(item: T, options: EntityPutOptions<T> & { returnValues: "ALL_OLD" }): Promise<T | undefined>;
  put(item: T, options?: EntityPutOptions<T>): Promise<void>;
  async put(item: T, options: EntityPutOptions<T> = {}): Promise<T | undefined | void> {
    await this.#validate(item, "item");
    const { stored, expected } = this.#prepare(item, "item");
    const b = new PutItemBuilder().table(this.name).item(stored);
    this.#condition(b, options.condition);
    const d = this.definition;
    if (d.version) {
      b.condition(
        expected === undefined
          ? cond.notExists([d.key.partition.attr])
          : cond.eq([d.version.attr], expected),
      );
      b.returnValuesOnConditionCheckFailure("ALL_OLD");
    }
    if (options.returnValues) b.returnValues(options.returnValues);
    const out = await this.#checked(true, item, expected, () => this.#session.putItem(b.build()));
    if (options.returnValues === "ALL_OLD")
      return out.Attributes ? (this.#decode(out.Attributes) as T) : undefined;
  }

  /**
   * Updates an item with actions on its properties: `(u) => u.set("name", "Ada")`. Setting a
   * property an index key template names recomputes that index key (every property of its
   * templates must then be set in the same update; removing one takes the item out of the
   * index). Properties of the table's key templates cannot change. With `version`, the update
   * is conditioned on it (when `options.version` is given) and increments it; with
   * `timestamps`, it sets `updatedAt`.
   */
  update(
    key: EntityKey<T, K>,
    actions: (u: Updates<T>) => Updates<T>,
    options: EntityUpdateOptions<T> & { returnValues: "ALL_NEW" },
  ): Promise<T>;
  update(
    key: EntityKey<T, K>,
    actions: (u: Updates<T>) => Updates<T>,
    options: EntityUpdateOptions<T> & { returnValues: "ALL_OLD" },
  ): Promise<T | undefined>;
  update(
    key: EntityKey<T, K>,
    actions: (u: Updates<T>) => Updates<T>,
    options?: EntityUpdateOptions<T>,
  ): Promise<void>;
  async update(
    key: EntityKey<T, K>,
    actions: (u: Updates<T>) => Updates<T>,
    options: EntityUpdateOptions<T> = {},
  ): Promise<T | undefined | void> {
    const d = this.definition;
    const storedKey = encodeKey(d.key, d.kinds, key, "key");
    const all = this.#updateActions(key as Record<string, unknown>, actions);
    const b = new UpdateItemBuilder().table(this.name).key(storedKey).update(all);
    this.#condition(b, options.condition);
    const expected = this.#expected(options.version);
    if (expected !== undefined) {
      b.condition(cond.eq([d.version!.attr], expected));
      b.returnValuesOnConditionCheckFailure("ALL_OLD");
    }
    if (options.returnValues) b.returnValues(options.returnValues);
    const out = await this.#checked(expected !== undefined, key, expected, () =>
      this.#session.updateItem(b.build()),
    );
    if (options.returnValues === "ALL_NEW" || options.returnValues === "ALL_OLD") {
      return out.Attributes ? (this.#decode(out.Attributes) as T) : undefined;
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
    const d = this.definition;
    const b = new DeleteItemBuilder().table(this.name).key(encodeKey(d.key, d.kinds, key, "key"));
    this.#condition(b, options.condition);
    const expected = this.#expected(options.version);
    if (expected !== undefined) {
      b.condition(cond.eq([d.version!.attr], expected));
      b.returnValuesOnConditionCheckFailure("ALL_OLD");
    }
    if (options.returnValues) b.returnValues(options.returnValues);
    const out = await this.#checked(expected !== undefined, key, expected, () =>
      this.#session.deleteItem(b.build()),
    );
    if (options.returnValues === "ALL_OLD")
      return out.Attributes ? (this.#decode(out.Attributes) as T) : undefined;
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
    this.#keysOf(options.index);
    return this.#items("Scan", () => new ScanBuilder().table(this.name), options);
  }

  /** Reads items by their keys (any number; unprocessed keys retried), in the order of the keys; missing ones left out. */
  async batchGet(
    keys: readonly EntityKey<T, K>[],
    options: EntityBatchGetOptions = {},
  ): Promise<T[]> {
    if (!Array.isArray(keys)) throw new DynoValidationError("keys", "expected an array of keys");
    if (keys.length === 0) return [];
    const d = this.definition;
    const encoded = keys.map((k, i) => encodeKey(d.key, d.kinds, k, `keys[${i}]`));
    const { includeExpired, ...rest } = options;
    const items = await getAll(this.#session, this.name, encoded, rest);
    const byKey = new Map(items.map((item) => [this.#fingerprint(item), item]));
    const out: T[] = [];
    for (const k of encoded) {
      const item = byKey.get(this.#fingerprint(k));
      if (item && this.ownsItem(item) && (includeExpired || !this.isExpired(item)))
        out.push(this.#decode(item) as T);
    }
    return out;
  }

  /**
   * Writes items (any number, in requests of 25, unprocessed ones retried until written), each
   * validated first (nothing is sent when one fails) and with its computed attributes and
   * timestamps. An entity with `version` refuses: a batch write cannot check versions.
   */
  async batchPut(items: readonly T[], options: BatchOptions = {}): Promise<void> {
    if (!Array.isArray(items)) throw new DynoValidationError("items", "expected an array of items");
    if (this.definition.version) {
      throw new DynoValidationError(
        "items",
        `entity ${this.entity} has a version property and a batch write cannot check versions; use put (or a transaction)`,
      );
    }
    for (let i = 0; i < items.length; i++) await this.#validate(items[i], `items[${i}]`);
    const requests = items.map((item, i) => ({
      PutRequest: { Item: this.#prepare(item, `items[${i}]`).stored },
    }));
    await this.#write(requests, options);
  }

  /** Deletes items by their keys (any number, unprocessed ones retried). */
  async batchDelete(keys: readonly EntityKey<T, K>[], options: BatchOptions = {}): Promise<void> {
    if (!Array.isArray(keys)) throw new DynoValidationError("keys", "expected an array of keys");
    const d = this.definition;
    const requests = keys.map((k, i) => ({
      DeleteRequest: { Key: encodeKey(d.key, d.kinds, k, `keys[${i}]`) },
    }));
    await this.#write(requests, options);
  }

  // ------------------------------------------------------------------ helpers

  /** @internal The stored item of a put: timestamps, version and computed attributes applied. */
  #prepare(item: T, field: string): { stored: StoredItem; expected: number | undefined } {
    if (item === null || typeof item !== "object")
      throw new DynoValidationError(field, "expected an item object");
    const d = this.definition;
    let value = item as Record<string, unknown>;
    let expected: number | undefined;
    if (d.version || d.createdAt || d.updatedAt) {
      value = { ...value };
      const now = new Date();
      if (d.updatedAt) value[d.updatedAt.prop] = now;
      if (d.createdAt && value[d.createdAt.prop] === undefined) value[d.createdAt.prop] = now;
      if (d.version) {
        const v = value[d.version.prop];
        if (v !== undefined && (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1)) {
          throw new DynoValidationError(
            `${field}.${d.version.prop}`,
            `a version is a positive integer, got ${String(v)}`,
          );
        }
        expected = v as number | undefined;
        value[d.version.prop] = expected === undefined ? 1 : expected + 1;
      }
    }
    let stored: StoredItem;
    try {
      stored = marshalItem(value, d.model.schema);
    } catch (e) {
      if (e instanceof DynoEncodingError) {
        throw new DynoValidationError(
          e.path ? `${field}.${e.path}` : field,
          e.message.slice(e.path ? e.path.length + 2 : 0),
          { cause: e },
        );
      }
      throw e;
    }
    for (const attr of d.computed) {
      if (stored[attr] !== undefined) {
        throw new DynoValidationError(
          field,
          `the item would store ${attr}, which the shared table computes (an embedded record's key?)`,
        );
      }
    }
    Object.assign(stored, keyAttributes(d.key, d.kinds, value, field, true));
    for (const ix of d.indexes.values()) {
      const attrs = keyAttributes(ix, d.kinds, value, field, false);
      if (attrs) Object.assign(stored, attrs);
    }
    stored[d.entityAttribute] = { S: d.name };
    return { stored, expected };
  }

  async #validate(item: unknown, field: string): Promise<void> {
    const v = this.#behaviour.validate;
    if (!v) return;
    const result = await v["~standard"].validate(item);
    if (result.issues) {
      const first = result.issues[0];
      const at = (first?.path ?? [])
        .map((p) => (typeof p === "object" ? String(p.key) : String(p)))
        .join(".");
      throw new DynoValidationError(
        at ? `${field}.${at}` : field,
        `failed validation: ${result.issues.map((i) => i.message).join("; ")}`,
        { issues: result.issues },
      );
    }
  }

  #expected(version: unknown): number | undefined {
    if (version === undefined) return undefined;
    if (!this.definition.version) {
      throw new DynoValidationError("version", `entity ${this.entity} has no version property`);
    }
    if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 1) {
      throw new DynoValidationError(
        "version",
        `a version is a positive integer, got ${String(version)}`,
      );
    }
    return version;
  }

  /**
   * Runs a write; a version-checked one (`versioned`) whose condition failed becomes
   * `VersionConflictError` when the stored version (read back with
   * `ReturnValuesOnConditionCheckFailure`) is not the one expected; when it is, the caller's own
   * condition failed and the SDK's error passes through.
   */
  async #checked<O>(
    versioned: boolean,
    keyOf: unknown,
    expected: number | undefined,
    run: () => PromiseLike<O>,
  ): Promise<O> {
    const d = this.definition;
    if (!versioned || !d.version) return run();
    try {
      return await run();
    } catch (e) {
      if ((e as { name?: unknown }).name !== "ConditionalCheckFailedException") throw e;
      const old = (e as ConditionalCheckFailedException).Item;
      const exists = old !== undefined && Object.keys(old).length > 0;
      const n = exists ? old[d.version.attr]?.N : undefined;
      const actual = n === undefined ? undefined : Number(n);
      const matched = expected === undefined ? !exists : exists && actual === expected;
      if (matched) throw e;
      throw new VersionConflictError({
        table: this.name,
        key: this.#keyProps(keyOf),
        expected,
        actual,
        cause: e,
      });
    }
  }

  #keyProps(value: unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const p of this.definition.key.props) out[p] = (value as Record<string, unknown>)[p];
    return out;
  }

  #updateActions(key: Record<string, unknown>, fn: (u: Updates<T>) => Updates<T>): UpdateAction[] {
    if (typeof fn !== "function")
      throw new DynoValidationError("actions", "expected a function (u) => u.set(...)...");
    const d = this.definition;
    const u = new TrackedUpdates<T>(d.model, d.kinds);
    const returned = fn(u);
    if (returned !== u && returned !== undefined) {
      throw new DynoValidationError(
        "actions",
        "return the update builder it was given (u) => u.set(...)",
      );
    }
    const actions = [...actionsOf(u)];
    const touched = new Map<string, UpdateAction["clause"]>();
    for (const action of actions) {
      const path = (action as { path?: readonly PathSegment[] }).path;
      const attr = path?.[0];
      if (typeof attr !== "string") continue;
      if (d.version && attr === d.version.attr) {
        throw new DynoValidationError(
          d.version.prop,
          "the version is managed by the entity; pass { version } to check it",
        );
      }
      const prop = this.#templateAttrs.get(attr);
      if (prop === undefined) continue;
      if (d.key.props.includes(prop)) {
        throw new DynoValidationError(
          prop,
          `${prop} is part of the key (template ${d.key.partition.template.props.includes(prop) ? d.key.partition.template.source : d.key.sort!.template.source}); put a new item instead`,
        );
      }
      if (path!.length !== 1 || (action.clause !== "SET" && action.clause !== "REMOVE")) {
        throw new DynoValidationError(
          prop,
          `${prop} is named in an index key template: set it (or remove it) as a whole`,
        );
      }
      touched.set(prop, action.clause);
    }
    for (const ix of d.indexes.values()) {
      const hit = ix.props.filter((p) => touched.has(p));
      if (hit.length === 0) continue;
      const attrs = [ix.partition.attr, ...(ix.sort ? [ix.sort.attr] : [])];
      if (hit.some((p) => touched.get(p) === "REMOVE")) {
        for (const a of attrs) actions.push(update.remove([a]));
        continue;
      }
      const values: Record<string, unknown> = {};
      const missing: string[] = [];
      for (const p of ix.props) {
        const v = u.values.has(p) ? u.values.get(p) : key[p];
        if (v === undefined) missing.push(p);
        else values[p] = v;
      }
      if (missing.length) {
        throw new DynoValidationError(
          "actions",
          `setting ${hit.join(", ")} changes the key of index ${ix.index}: set ${missing.join(", ")} in the same update too`,
        );
      }
      const computed = keyAttributes(ix, d.kinds, values, "actions", true)!;
      for (const [a, v] of Object.entries(computed)) actions.push(update.set([a], encodedValue(v)));
    }
    // Properties of the key and the entity attribute: an update that creates the item stores them too.
    for (const p of d.key.props) {
      const f = d.model.field(p)!;
      actions.push(
        update.set(
          [(f as { attr: string }).attr],
          encodedValue(d.model.encode(d.model.resolve(p, "key"), key[p], "key")!),
        ),
      );
    }
    actions.push(update.set([d.entityAttribute], d.name));
    const now = new Date();
    if (d.updatedAt && !actions.some((a) => firstOf(a) === d.updatedAt!.attr)) {
      actions.push(
        update.set([d.updatedAt.attr], encodedValue(encodeAt(d, d.updatedAt.prop, now))),
      );
    }
    if (d.createdAt && !actions.some((a) => firstOf(a) === d.createdAt!.attr)) {
      actions.push(
        update.setIfNotExists([d.createdAt.attr], encodedValue(encodeAt(d, d.createdAt.prop, now))),
      );
    }
    if (d.version) actions.push(update.increment([d.version.attr]));
    return actions;
  }

  #condition(
    b: { condition(c: Condition): unknown },
    condition: ConditionInput<T> | undefined,
  ): void {
    if (condition === undefined) return;
    const c =
      typeof condition === "function"
        ? condition(new Conditions<T>(this.definition.model))
        : condition;
    if (!isCondition(c))
      throw new DynoValidationError("condition", "expected a condition, or (c) => c.eq(...)");
    b.condition(c);
  }

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
    if (
      options.maxItems !== undefined &&
      (!Number.isInteger(options.maxItems) || options.maxItems < 1)
    ) {
      throw new DynoValidationError(
        "maxItems",
        `must be a positive integer, got ${String(options.maxItems)}`,
      );
    }
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

  #decode(item: RawItem, schema: AnySchema = this.definition.model.schema): unknown {
    return unmarshalItem(item, schema);
  }

  #fingerprint(item: RawItem): string {
    const k = this.definition.key;
    return JSON.stringify([item[k.partition.attr]?.S, k.sort ? item[k.sort.attr]?.S : undefined]);
  }

  async #write(
    requests: { PutRequest?: { Item: StoredItem }; DeleteRequest?: { Key: StoredItem } }[],
    options: BatchOptions,
  ): Promise<void> {
    if (requests.length === 0) return;
    const k = this.definition.key;
    await writeAll(
      this.#session,
      this.name,
      [k.partition.attr, ...(k.sort ? [k.sort.attr] : [])],
      requests,
      options,
    );
  }
}

/** An update builder that also remembers the values set on template properties (to recompute index keys). */
class TrackedUpdates<T> extends Updates<T> {
  readonly values = new Map<string, unknown>();
  readonly #props: ReadonlyMap<string, unknown>;
  constructor(model: EntityDefinition["model"], props: ReadonlyMap<string, unknown>) {
    super(model);
    this.#props = props;
  }
  override set<P extends PropertyPath<T>>(path: P, value: PathValue<T, P> | AttributeRef): this {
    if (typeof path === "string" && this.#props.has(path)) this.values.set(path, value);
    return super.set(path, value);
  }
}

const firstOf = (a: UpdateAction) => (a as { path?: readonly PathSegment[] }).path?.[0];

function encodeAt(d: EntityDefinition, prop: string, value: unknown): AttributeValue {
  return d.model.encode(d.model.resolve(prop, prop), value, prop)!;
}
