/**
 * Checks the lock's key against its table's key schema before the first write, so that a
 * missing, extra or mistyped key attribute is a `DynoValidationError` naming it rather than
 * an acquisition that fails (or, worse, a lock on another item). The schema is read with one
 * DescribeTable per client and table, and remembered.
 * @module
 */
import type {
  DynamoDBClient,
  KeySchemaElement,
  AttributeDefinition,
} from "@aws-sdk/client-dynamodb";
import type { AttributeValueMap } from "../builders/attribute-value.js";
import { DynoValidationError } from "../errors.js";
import type { Dyno } from "../session.js";
import { within } from "./wire.js";

/** A table's key attributes and their types, in schema order (partition key first). */
type KeySchema = readonly { name: string; type: string | undefined }[];

const known = new WeakMap<DynamoDBClient, Map<string, KeySchema>>();

/** Forgets a table's remembered key schema (after DynamoDB refused a key we had checked). */
export function forgetKeySchema(dyno: Dyno, table: string): void {
  known.get(dyno.client)?.delete(table);
}

async function keySchemaOf(
  dyno: Dyno,
  table: string,
  signal: AbortSignal | undefined,
  deadline: number,
): Promise<KeySchema | undefined> {
  const cached = known.get(dyno.client)?.get(table);
  if (cached) return cached;
  let described;
  try {
    described = await within(dyno.describeTable({ TableName: table }), signal, deadline);
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException") throw error;
    if (signal?.aborted) throw error;
    // e.g. no permission to describe, or no answer by the deadline: DynamoDB judges the key itself
    return undefined;
  }
  const elements: KeySchemaElement[] = described.Table?.KeySchema ?? [];
  const definitions: AttributeDefinition[] = described.Table?.AttributeDefinitions ?? [];
  const schema = [...elements]
    .sort((a, b) => (a.KeyType === "HASH" ? -1 : b.KeyType === "HASH" ? 1 : 0))
    .map((e) => ({
      name: e.AttributeName!,
      type: definitions.find((d) => d.AttributeName === e.AttributeName)?.AttributeType,
    }));
  if (schema.length === 0) return undefined;
  let tables = known.get(dyno.client);
  if (!tables) known.set(dyno.client, (tables = new Map()));
  tables.set(table, schema);
  return schema;
}

const typeOf = (value: AttributeValueMap[string]): string =>
  value.S !== undefined ? "S" : value.N !== undefined ? "N" : "B";

/**
 * Throws `DynoValidationError("key.<name>", ...)` when `key` is not exactly a primary key of
 * `table`: a key attribute missing, of the wrong type, or an attribute that is not part of the key.
 * The DescribeTable is given up at `deadline` (monotonic ms); the check is then skipped.
 */
export async function checkLockKey(
  dyno: Dyno,
  table: string,
  key: AttributeValueMap,
  signal: AbortSignal | undefined,
  deadline: number,
): Promise<void> {
  const schema = await keySchemaOf(dyno, table, signal, deadline);
  if (!schema) return;
  const describe = schema.map((k) => `${k.name} (${k.type ?? "?"})`).join(", ");
  for (const { name, type } of schema) {
    const value = key[name];
    if (value === undefined) {
      throw new DynoValidationError(
        `key.${name}`,
        `is missing: the key of table ${table} is ${describe}`,
      );
    }
    if (type && typeOf(value) !== type) {
      throw new DynoValidationError(
        `key.${name}`,
        `must be of type ${type} (the key of table ${table} is ${describe}), got ${typeOf(value)}`,
      );
    }
  }
  for (const name of Object.keys(key)) {
    if (!schema.some((k) => k.name === name)) {
      throw new DynoValidationError(
        `key.${name}`,
        `is not a key attribute of table ${table} (its key is ${describe})`,
      );
    }
  }
}
