/**
 * Test helpers: render expressions into raw SDK inputs (the builders are tested elsewhere)
 * and read back which items they select.
 */
import {
  ConditionalCheckFailedException,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import {
  ExpressionAttributes,
  renderProjection,
  type Condition,
  type KeyCondition,
  type PathInput,
} from "../../src/index.js";

/** A plain item, marshalled with the SDK's own marshaller (independent of dyno-ts encoding). */
export function toItem(item: Record<string, unknown>): Record<string, AttributeValue> {
  return marshall(item, { removeUndefinedValues: true });
}

/** Decodes an item with the SDK's own unmarshaller. */
export function fromItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  return unmarshall(item);
}

/** Scans the whole table with `filter` and returns the decoded items. */
export async function scanWith(
  client: DynamoDBClient,
  TableName: string,
  filter?: Condition,
  project?: readonly PathInput[],
): Promise<Record<string, unknown>[]> {
  const ctx = new ExpressionAttributes();
  const FilterExpression = filter?.render(ctx);
  const ProjectionExpression = project ? renderProjection(project, ctx) : undefined;
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({
        TableName,
        FilterExpression,
        ProjectionExpression,
        ExclusiveStartKey,
        ...ctx.toInput(),
      }),
    );
    items.push(...(out.Items ?? []).map(fromItem));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Queries with a key condition (and optional filter), returning decoded items in order. */
export async function queryWith(
  client: DynamoDBClient,
  TableName: string,
  keyCondition: KeyCondition,
  filter?: Condition,
): Promise<Record<string, unknown>[]> {
  const ctx = new ExpressionAttributes();
  const KeyConditionExpression = keyCondition.render(ctx);
  const FilterExpression = filter?.render(ctx);
  const out = await client.send(
    new QueryCommand({ TableName, KeyConditionExpression, FilterExpression, ...ctx.toInput() }),
  );
  return (out.Items ?? []).map(fromItem);
}

/** Puts `item` with `condition`; true when written, false when the condition failed. */
export async function putIf(
  client: DynamoDBClient,
  TableName: string,
  item: Record<string, unknown>,
  condition: Condition,
): Promise<boolean> {
  const ctx = new ExpressionAttributes();
  const ConditionExpression = condition.render(ctx);
  try {
    await client.send(
      new PutItemCommand({ TableName, Item: toItem(item), ConditionExpression, ...ctx.toInput() }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The sorted values of `field` in `items`. */
export function ids(items: readonly Record<string, unknown>[], field = "id"): string[] {
  return items.map((i) => String(i[field])).sort();
}
