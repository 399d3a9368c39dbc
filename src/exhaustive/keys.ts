/**
 * Keys of batch requests: a canonical string per key (to find duplicates and to match
 * unprocessed parts to the caller's requests), and the key attribute names of a table
 * (described once per client and cached).
 * @module
 */
import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";

/** One key attribute value as a string; N normalized (`"1.50"` and `"1.5"` are one number). */
function scalar(name: string, value: AttributeValue | undefined, where: string): string {
  if (value?.S !== undefined) return `S${value.S}`;
  if (value?.N !== undefined) return `N${normalizeNumber(value.N)}`;
  if (value?.B !== undefined) return `B${Buffer.from(value.B).toString("base64")}`;
  throw new DynoValidationError(
    where,
    `key attribute ${JSON.stringify(name)} is missing or not S, N or B`,
  );
}

function normalizeNumber(n: string): string {
  const m = /^([-+]?)0*(\d*?)(?:\.(\d*?)0*)?$/.exec(n.trim());
  if (!m) return String(Number(n));
  const int = m[2] || "0";
  const frac = m[3] ?? "";
  const sign = m[1] === "-" && (int !== "0" || frac !== "") ? "-" : "";
  return `${sign}${int}${frac ? `.${frac}` : ""}`;
}

/** The canonical string of the key of `item` under `names` (the table's key attributes). */
export function keyString(
  item: Record<string, AttributeValue>,
  names: readonly string[],
  where: string,
): string {
  let out = "";
  for (const name of names) out += `${scalar(name, item[name], where)}\u0000`;
  return out;
}

/** The canonical string of a key given whole (its own attributes, in name order). */
export function wholeKeyString(key: Record<string, AttributeValue>, where: string): string {
  return keyString(key, Object.keys(key).sort(), where);
}

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
  loading.catch(() => tables.delete(table));
  return loading;
}
