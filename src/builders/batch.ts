/**
 * Builders for one BatchGetItem or BatchWriteItem request. (For any number of keys or
 * writes, with retries of unprocessed ones, use `batchGetItemAll` / `batchWriteItemAll`.)
 * @module
 */
import type {
  BatchGetItemCommandInput,
  BatchWriteItemCommandInput,
  KeysAndAttributes,
} from "@aws-sdk/client-dynamodb";
import type { PathInput } from "../expression/types.js";
import { ownValue, setOwn } from "../own.js";
import {
  ItemIdentities,
  toAttributeMap,
  type AttributeValueMap,
  type ItemInput,
} from "./attribute-value.js";
import { CapacityBuilder, MultiWriteBuilder } from "./base.js";
import { addProjection, toPaths, withAttributes } from "./expressions.js";
import { checkCount, requireObject, requireString, UniqueSet } from "./validate.js";

/** One key or item, or several. */
export type OneOrMany<T> = T | readonly T[];

/** Encodes one or several keys or items; `field` names them in errors. */
function toAttributeMaps(
  values: OneOrMany<ItemInput | AttributeValueMap>,
  field: string,
): AttributeValueMap[] {
  const list: readonly (ItemInput | AttributeValueMap)[] = Array.isArray(values)
    ? values
    : [values];
  return list.map((v, i) => toAttributeMap(v, `${field}[${i}]`));
}

/** Options of {@link BatchGetItemBuilder.get}. */
export interface BatchGetOptions {
  /** Attributes to return for this table's items; repeated `.get` calls for a table add paths. */
  project?: string | readonly PathInput[];
  /** Strongly consistent reads for this table. */
  consistentRead?: boolean;
}

/** The most keys one BatchGetItem request may hold. */
const MAX_BATCH_GET_KEYS = 100;
/** The most requests one BatchWriteItem request may hold. */
const MAX_BATCH_WRITES = 25;

/**
 * Builds one `BatchGetItemCommandInput` (at most 100 keys, no key twice in a table).
 * @example new BatchGetItemBuilder().get("Users", [{ id: "u1" }, { id: "u2" }], { project: ["name"] }).build()
 */
export class BatchGetItemBuilder extends CapacityBuilder<BatchGetItemCommandInput> {
  private readonly projections = new Map<string, PathInput[]>();

  /** Reads these keys from `table`. */
  get(
    table: string,
    keys: OneOrMany<ItemInput | AttributeValueMap>,
    options: BatchGetOptions = {},
  ): this {
    requireString(table, "RequestItems");
    const requests = (this.draft.RequestItems ??= {});
    const entry = { ...ownValue(requests, table) } as KeysAndAttributes;
    entry.Keys = [...(entry.Keys ?? []), ...toAttributeMaps(keys, `RequestItems.${table}.Keys`)];
    if (options.consistentRead !== undefined) entry.ConsistentRead = options.consistentRead;
    setOwn(requests, table, entry);
    if (options.project !== undefined) {
      const paths = toPaths(options.project);
      this.projections.set(table, [...(this.projections.get(table) ?? []), ...paths]);
    }
    return this;
  }

  protected override render(out: BatchGetItemCommandInput): void {
    if (this.projections.size === 0) return;
    out.RequestItems = { ...out.RequestItems };
    for (const [table, paths] of this.projections) {
      const entry = { ...ownValue(out.RequestItems, table) } as KeysAndAttributes;
      setOwn(
        out.RequestItems,
        table,
        withAttributes(entry, (ctx) => {
          entry.ProjectionExpression = addProjection(
            entry.ProjectionExpression,
            paths,
            ctx,
            entry.ExpressionAttributeNames,
          );
        }),
      );
    }
  }

  protected validate(out: BatchGetItemCommandInput): void {
    requireObject(out.RequestItems, "RequestItems");
    let count = 0;
    for (const [table, entry] of Object.entries(out.RequestItems!)) {
      const field = `RequestItems.${table}.Keys`;
      requireObject(entry.Keys, field);
      const unique = new UniqueSet(field, "key");
      for (const key of entry.Keys!) unique.add(new ItemIdentities().of(table, key));
      count += entry.Keys!.length;
    }
    checkCount(count, MAX_BATCH_GET_KEYS, "RequestItems", "keys");
  }
}

/**
 * Builds one `BatchWriteItemCommandInput` (at most 25 puts and deletes, no item twice).
 * @example new BatchWriteItemBuilder().put("Users", [{ id: "u1" }, { id: "u2" }]).delete("Users", { id: "u0" }).build()
 */
export class BatchWriteItemBuilder extends MultiWriteBuilder<BatchWriteItemCommandInput> {
  /** Puts these items into `table`. */
  put(table: string, items: OneOrMany<ItemInput | AttributeValueMap>): this {
    const encoded = toAttributeMaps(items, `RequestItems.${table}.PutRequest.Item`);
    return this.add(
      table,
      encoded.map((Item) => ({ PutRequest: { Item } })),
    );
  }

  /** Deletes the items with these keys from `table`. */
  delete(table: string, keys: OneOrMany<ItemInput | AttributeValueMap>): this {
    const encoded = toAttributeMaps(keys, `RequestItems.${table}.DeleteRequest.Key`);
    return this.add(
      table,
      encoded.map((Key) => ({ DeleteRequest: { Key } })),
    );
  }

  private add(
    table: string,
    requests: NonNullable<BatchWriteItemCommandInput["RequestItems"]>[string],
  ): this {
    requireString(table, "RequestItems");
    const all = (this.draft.RequestItems ??= {});
    setOwn(all, table, [...(ownValue(all, table) ?? []), ...requests]);
    return this;
  }

  protected validate(out: BatchWriteItemCommandInput): void {
    requireObject(out.RequestItems, "RequestItems");
    const identities = new ItemIdentities(this.keyNames);
    const tables = Object.entries(out.RequestItems!);
    for (const [table, requests] of tables)
      for (const r of requests) identities.learn(table, r.DeleteRequest?.Key);
    let count = 0;
    for (const [table, requests] of tables) {
      const field = `RequestItems.${table}`;
      requireObject(requests, field);
      const unique = new UniqueSet(field, "item");
      requests.forEach((r, i) => {
        const item = r.PutRequest?.Item ?? r.DeleteRequest?.Key;
        requireObject(item, `${field}[${i}]`);
        unique.add(identities.of(table, item));
      });
      count += requests.length;
    }
    checkCount(count, MAX_BATCH_WRITES, "RequestItems", "put or delete requests");
  }
}
