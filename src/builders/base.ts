/**
 * The machinery every builder shares: a private copy of the input being extended, the
 * `.build()` template (render pending expressions, then validate), and for the single-item
 * and list builders the table, key, condition, filter, key condition, projection and
 * update state.
 * @module
 */
import type {
  ReturnConsumedCapacity,
  ReturnItemCollectionMetrics,
  ReturnValue,
  ReturnValuesOnConditionCheckFailure,
} from "@aws-sdk/client-dynamodb";
import type {
  Condition,
  ExpressionAttributeMaps,
  KeyCondition,
  PathInput,
  UpdateAction,
} from "../expression/types.js";
import { toAttributeMap, type AttributeValueMap, type ItemInput } from "./attribute-value.js";
import {
  addProjection,
  andConditions,
  andKeyConditions,
  checkCondition,
  mergeUpdate,
  withAttributes,
} from "./expressions.js";
import { copyData } from "../copy.js";
import { DynoValidationError } from "../errors.js";
import { checkOneOf, requireObject, requireString } from "./validate.js";

/**
 * Base of every builder. The input given to the constructor is deep-copied, so neither the
 * builder nor the inputs it builds ever change the caller's object; and each `.build()`
 * returns an input of its own, sharing no object with the builder, with other builds or with
 * the `cond`/`update` values it was given, so that mutating one built input (as a middleware
 * editing `ctx.input` may) changes nothing else.
 */
export abstract class InputBuilder<I extends object> {
  /** The input under construction (a private copy); plain setters write here directly. */
  protected readonly draft: I;

  /**
   * @param existing an SDK input to extend; its expressions and placeholders are kept.
   * @throws DynoValidationError naming the path of a member that is not data (a function).
   */
  constructor(existing?: I) {
    this.draft = existing ? copyData(existing, "") : ({} as I);
  }

  /**
   * Returns the SDK input: the existing input with everything given to the builder merged in.
   * May be called more than once; each call returns a new object that shares nothing with
   * the builder or with another build.
   * @throws DynoValidationError when the input is incomplete or invalid, naming the field.
   */
  build(): I {
    const out = copyData(this.draft, ""); // expressions render fresh values (see renderValue)
    this.render(out);
    this.validate(out);
    return out;
  }

  /** Writes pending expressions (and anything else computed) into `out`. */
  protected render(_out: I): void {}

  /** Throws a `DynoValidationError` when `out` is incomplete or invalid. */
  protected abstract validate(out: I): void;
}

/** Builders of inputs that can report consumed capacity. */
export abstract class CapacityBuilder<
  I extends { ReturnConsumedCapacity?: ReturnConsumedCapacity | undefined },
> extends InputBuilder<I> {
  /** Asks DynamoDB to report the capacity the request consumed (`"TOTAL"` by default). */
  returnConsumedCapacity(mode: ReturnConsumedCapacity = "TOTAL"): this {
    this.draft.ReturnConsumedCapacity = mode;
    return this;
  }
}

/**
 * Base of BatchWriteItem and TransactWriteItems builders: item collection metrics, and the
 * key attribute names per table that `.build()` uses to find the same item twice.
 */
export abstract class MultiWriteBuilder<
  I extends {
    ReturnConsumedCapacity?: ReturnConsumedCapacity | undefined;
    ReturnItemCollectionMetrics?: ReturnItemCollectionMetrics | undefined;
  },
> extends CapacityBuilder<I> {
  /** Key attribute names declared per table with {@link MultiWriteBuilder.keySchema}. */
  protected readonly keyNames = new Map<string, readonly string[]>();

  /**
   * Declares `table`'s key attributes, so that `.build()` can reject two writes of the same
   * item even when they are puts (otherwise the key names are learned from the keys of
   * deletes, updates and condition checks, and puts are compared as whole items).
   */
  keySchema(table: string, partitionKey: string, sortKey?: string): this {
    this.keyNames.set(table, sortKey === undefined ? [partitionKey] : [partitionKey, sortKey]);
    return this;
  }

  /** Asks for item collection metrics (tables with local secondary indexes). */
  returnItemCollectionMetrics(mode: ReturnItemCollectionMetrics = "SIZE"): this {
    this.draft.ReturnItemCollectionMetrics = mode;
    return this;
  }
}

/**
 * The fields of a single-table input that builders fill in. (`| undefined` on each, as in
 * the SDK's own inputs, so that they satisfy it under `exactOptionalPropertyTypes`.)
 */
export interface ItemInputFields extends ExpressionAttributeMaps {
  TableName?: string | undefined;
  Key?: AttributeValueMap | undefined;
  ReturnConsumedCapacity?: ReturnConsumedCapacity | undefined;
  ConditionExpression?: string | undefined;
  FilterExpression?: string | undefined;
  KeyConditionExpression?: string | undefined;
  ProjectionExpression?: string | undefined;
  UpdateExpression?: string | undefined;
}

/** Legacy parameters that DynamoDB refuses to combine with their expression counterparts. */
const LEGACY_PARAMETERS = [
  ["KeyConditions", "KeyConditionExpression"],
  ["QueryFilter", "FilterExpression"],
  ["ScanFilter", "FilterExpression"],
  ["Expected", "ConditionExpression"],
  ["AttributeUpdates", "UpdateExpression"],
  ["AttributesToGet", "ProjectionExpression"],
] as const;

/**
 * Base of the builders for one table (Get, Put, Update, Delete, Query, Scan): the table,
 * the key, and the expressions that are rendered, with one shared placeholder context,
 * when the input is built.
 */
export abstract class ItemBuilder<I extends ItemInputFields> extends CapacityBuilder<I> {
  /** Conditions to AND onto `ConditionExpression`. */
  protected readonly conditions: Condition[] = [];
  /** Conditions to AND onto `FilterExpression`. */
  protected readonly filters: Condition[] = [];
  /** Key conditions to AND onto `KeyConditionExpression`. */
  protected readonly keyConditions: KeyCondition[] = [];
  /** Paths to add to `ProjectionExpression`. */
  protected readonly projection: PathInput[] = [];
  /** Actions to merge into `UpdateExpression`. */
  protected readonly actions: UpdateAction[] = [];

  /** The table name (or ARN). */
  table(name: string): this {
    this.draft.TableName = name;
    return this;
  }

  /** Adds a condition (as `ConditionExpression`, or `FilterExpression` for `field: "FilterExpression"`). */
  protected addCondition(
    condition: Condition,
    field: "ConditionExpression" | "FilterExpression",
  ): this {
    const list = field === "FilterExpression" ? this.filters : this.conditions;
    list.push(checkCondition(condition, field));
    return this;
  }

  /** Sets the key from a plain object or an `AttributeValue` map. */
  protected setKey(
    key: ItemInput | AttributeValueMap,
    field: "Key" | "ExclusiveStartKey" = "Key",
  ): this {
    (this.draft as Record<string, unknown>)[field] = toAttributeMap(key, field);
    return this;
  }

  protected override render(out: I): void {
    const pending = [
      this.conditions,
      this.filters,
      this.keyConditions,
      this.projection,
      this.actions,
    ];
    if (pending.every((list) => list.length === 0)) return;
    withAttributes(out, (ctx) => {
      if (this.keyConditions.length) {
        out.KeyConditionExpression = andKeyConditions(
          out.KeyConditionExpression,
          this.keyConditions,
          ctx,
        );
      }
      if (this.filters.length)
        out.FilterExpression = andConditions(out.FilterExpression, this.filters, ctx);
      if (this.conditions.length)
        out.ConditionExpression = andConditions(out.ConditionExpression, this.conditions, ctx);
      if (this.projection.length)
        out.ProjectionExpression = addProjection(
          out.ProjectionExpression,
          this.projection,
          ctx,
          out.ExpressionAttributeNames,
        );
      if (this.actions.length)
        out.UpdateExpression = mergeUpdate(
          out.UpdateExpression,
          this.actions,
          ctx,
          out.ExpressionAttributeNames,
        );
    });
  }

  protected validate(out: I): void {
    requireString(out.TableName, "TableName");
    const fields = out as Record<string, unknown>;
    for (const [legacy, expression] of LEGACY_PARAMETERS) {
      if (fields[legacy] !== undefined && fields[expression] !== undefined) {
        throw new DynoValidationError(
          legacy,
          `this legacy parameter cannot be combined with ${expression}`,
        );
      }
    }
  }

  /** Validation for inputs that address one item. */
  protected requireKey(out: I): void {
    requireObject(out.Key, "Key");
  }
}

/** The fields of a write input (Put, Update, Delete). */
export interface WriteInputFields extends ItemInputFields {
  ReturnValues?: ReturnValue | undefined;
  ReturnValuesOnConditionCheckFailure?: ReturnValuesOnConditionCheckFailure | undefined;
  ReturnItemCollectionMetrics?: ReturnItemCollectionMetrics | undefined;
}

/** Base of PutItem, UpdateItem and DeleteItem builders; `RV` are the `ReturnValues` the operation allows. */
export abstract class WriteBuilder<
  I extends WriteInputFields,
  RV extends ReturnValue,
> extends ItemBuilder<I> {
  /** The `ReturnValues` this operation accepts, checked by `.build()`. */
  protected abstract readonly allowedReturnValues: readonly RV[];

  /** Adds a condition the item must meet for the write to happen; repeated calls are AND-ed. */
  condition(condition: Condition): this {
    return this.addCondition(condition, "ConditionExpression");
  }

  /** Which item attributes DynamoDB returns (`ReturnValues`). */
  returnValues(values: RV): this {
    this.draft.ReturnValues = values;
    return this;
  }

  /** Whether a failed condition's error carries the item as it was (`"ALL_OLD"`, the default here). */
  returnValuesOnConditionCheckFailure(
    values: ReturnValuesOnConditionCheckFailure = "ALL_OLD",
  ): this {
    this.draft.ReturnValuesOnConditionCheckFailure = values;
    return this;
  }

  /** Asks for item collection metrics (tables with local secondary indexes). */
  returnItemCollectionMetrics(mode: ReturnItemCollectionMetrics = "SIZE"): this {
    this.draft.ReturnItemCollectionMetrics = mode;
    return this;
  }

  protected override validate(out: I): void {
    super.validate(out);
    checkOneOf(out.ReturnValues, this.allowedReturnValues, "ReturnValues");
  }
}
