/**
 * Builders for reads: GetItem, Query and Scan.
 * @module
 */
import type {
  GetItemCommandInput,
  QueryCommandInput,
  ScanCommandInput,
  Select,
} from "@aws-sdk/client-dynamodb";
import type { Condition, KeyCondition, PathInput } from "../expression/types.js";
import { DynoValidationError } from "../errors.js";
import type { AttributeValueMap, ItemInput } from "./attribute-value.js";
import { ItemBuilder, type ItemInputFields } from "./base.js";
import { checkKeyCondition } from "./expressions.js";
import { checkInteger, requireObject } from "./validate.js";

/** The fields every read input has. */
interface ReadInputFields extends ItemInputFields {
  ConsistentRead?: boolean | undefined;
}

/** Base of the read builders: projection and read consistency. */
abstract class ReadBuilder<I extends ReadInputFields> extends ItemBuilder<I> {
  /** Returns only these attributes (a `ProjectionExpression`); repeated calls add paths. */
  project(...paths: PathInput[]): this {
    this.projection.push(...paths);
    return this;
  }

  /** Reads with strong consistency (not available on global secondary indexes). */
  consistentRead(consistent = true): this {
    this.draft.ConsistentRead = consistent;
    return this;
  }
}

/**
 * Builds a `GetItemCommandInput`.
 * @example new GetItemBuilder().table("Users").key({ id: "u1" }).project("name", "address.city").build()
 */
export class GetItemBuilder extends ReadBuilder<GetItemCommandInput> {
  /** The item's full primary key. */
  key(key: ItemInput | AttributeValueMap): this {
    return this.setKey(key);
  }

  protected override validate(out: GetItemCommandInput): void {
    super.validate(out);
    this.requireKey(out);
  }
}

/** The fields Query and Scan share. */
type ListInput = QueryCommandInput | ScanCommandInput;

/** Base of Query and Scan: index, filter, page size, start key, `Select`. */
abstract class ListBuilder<I extends ListInput> extends ReadBuilder<I> {
  /** Reads a secondary index instead of the table. */
  index(name: string): this {
    this.draft.IndexName = name;
    return this;
  }

  /** Adds a filter applied after the read; repeated calls are AND-ed. */
  filter(condition: Condition): this {
    return this.addCondition(condition, "FilterExpression");
  }

  /** The most items DynamoDB evaluates for this page (`Limit`), a positive integer. */
  limit(n: number): this {
    this.draft.Limit = n;
    return this;
  }

  /** Continues after this key (a previous page's `LastEvaluatedKey`). */
  startKey(key: ItemInput | AttributeValueMap): this {
    return this.setKey(key, "ExclusiveStartKey");
  }

  /** What to return: `"ALL_ATTRIBUTES"`, `"ALL_PROJECTED_ATTRIBUTES"`, `"SPECIFIC_ATTRIBUTES"` or `"COUNT"`. */
  select(select: Select): this {
    this.draft.Select = select;
    return this;
  }

  protected override validate(out: I): void {
    super.validate(out);
    checkInteger(out.Limit, "Limit");
    if (out.ExclusiveStartKey !== undefined)
      requireObject(out.ExclusiveStartKey, "ExclusiveStartKey");
    const projected = Boolean(out.ProjectionExpression || out.AttributesToGet?.length);
    if (out.Select === "SPECIFIC_ATTRIBUTES" && !projected) {
      throw new DynoValidationError("Select", "SPECIFIC_ATTRIBUTES needs a projection (.project)");
    }
    if (out.Select !== undefined && out.Select !== "SPECIFIC_ATTRIBUTES" && projected) {
      throw new DynoValidationError("Select", `${out.Select} cannot be combined with a projection`);
    }
    if (out.Select === "ALL_PROJECTED_ATTRIBUTES" && !out.IndexName) {
      throw new DynoValidationError("Select", "ALL_PROJECTED_ATTRIBUTES needs an index (.index)");
    }
  }
}

/**
 * Builds a `QueryCommandInput`.
 * @example
 * new QueryBuilder().table("Orders").keyCondition(key.and(key.eq("pk", "c#1"), key.beginsWith("sk", "2024-")))
 *   .filter(cond.gt("total", 100)).descending().limit(20).build()
 */
export class QueryBuilder extends ListBuilder<QueryCommandInput> {
  /**
   * The key condition: `key.eq(pk, v)`, or `key.and(key.eq(pk, v), key.<op>(sk, ...))`.
   * Repeated calls are AND-ed (e.g. one for the partition key, one for the sort key). A
   * `cond.*` condition that only uses what a key condition allows is accepted too.
   */
  keyCondition(condition: KeyCondition | Condition): this {
    this.keyConditions.push(checkKeyCondition(condition, "KeyConditionExpression"));
    return this;
  }

  /** Returns items in descending sort-key order (`ScanIndexForward: false`). */
  descending(descending = true): this {
    this.draft.ScanIndexForward = !descending;
    return this;
  }

  protected override validate(out: QueryCommandInput): void {
    super.validate(out);
    if (!out.KeyConditionExpression && !out.KeyConditions) {
      throw new DynoValidationError(
        "KeyConditionExpression",
        "a Query needs a key condition (.keyCondition)",
      );
    }
  }
}

/** The most segments a parallel scan may have. */
const MAX_SEGMENTS = 1_000_000;

/**
 * Builds a `ScanCommandInput`.
 * @example new ScanBuilder().table("Users").filter(cond.exists("email")).segment(0, 4).build()
 */
export class ScanBuilder extends ListBuilder<ScanCommandInput> {
  /** Scans segment `index` of `total` (a parallel scan); `0 <= index < total <= 1,000,000`. */
  segment(index: number, total: number): this {
    this.draft.Segment = index;
    this.draft.TotalSegments = total;
    return this;
  }

  protected override validate(out: ScanCommandInput): void {
    super.validate(out);
    if ((out.Segment === undefined) !== (out.TotalSegments === undefined)) {
      throw new DynoValidationError("Segment", "Segment and TotalSegments go together");
    }
    checkInteger(out.TotalSegments, "TotalSegments", 1, MAX_SEGMENTS);
    if (out.TotalSegments !== undefined)
      checkInteger(out.Segment, "Segment", 0, out.TotalSegments - 1);
  }
}
