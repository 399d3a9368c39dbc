/**
 * The key attribute names of a table for `batchWriteItemAll` (to find duplicate keys and to
 * match unprocessed items): described once per client and cached, and forgotten when DynamoDB
 * says the cached schema no longer fits (the table was re-created with another key).
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";

const described = new WeakMap<DynamoDBClient, Map<string, Promise<string[]>>>();

/**
 * The key attribute names of `table` (partition key first), from DescribeTable once per client
 * and table. `describe` sends the request (through the run's sender); a failure is not cached.
 */
export function keySchemaOf(
  client: DynamoDBClient,
  table: string,
  describe: () => Promise<{
    Table?: { KeySchema?: { AttributeName?: string; KeyType?: string }[] };
  }>,
): Promise<string[]> {
  let tables = described.get(client);
  if (!tables) described.set(client, (tables = new Map()));
  const cached = tables.get(table);
  if (cached) return cached;
  const loading = describe().then((out) => {
    const schema = out.Table?.KeySchema ?? [];
    const hash = schema.find((k) => k.KeyType === "HASH")?.AttributeName;
    const range = schema.find((k) => k.KeyType === "RANGE")?.AttributeName;
    if (!hash)
      throw new DynoValidationError(`RequestItems.${table}`, "DescribeTable gave no key schema");
    return range ? [hash, range] : [hash];
  });
  tables.set(table, loading);
  loading.catch(() => {
    if (tables.get(table) === loading) tables.delete(table);
  });
  return loading;
}

/** Forgets the cached key schema of `table` (the next {@link keySchemaOf} describes it again). */
export function forgetKeySchema(client: DynamoDBClient, table: string): void {
  described.get(client)?.delete(table);
}
