/**
 * Keys of batch requests: a canonical string per key (to find duplicates and to match
 * unprocessed parts to the caller's requests), and the key attribute names of a table
 * (described once per client and cached).
 * @module
 */
import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";

/**
 * One key attribute value as a string; N normalized (`"1.50"` and `"1.5"` are one number). A
 * string is length-prefixed, so that no value (NULs and all) can end one attribute early and
 * make two different keys one.
 */
function scalar(name: string, value: AttributeValue | undefined, where: string): string {
  if (value?.S !== undefined) return `S${value.S.length}:${value.S}`;
  if (value?.N !== undefined) return `N${normalizeNumber(value.N)}`;
  if (value?.B !== undefined) return `B${Buffer.from(value.B).toString("base64")}`;
  throw new DynoValidationError(
    where,
    `key attribute ${JSON.stringify(name)} is missing or not S, N or B`,
  );
}

/**
 * A number's canonical form, exactly (no float on the way): the significant digits and the
 * decimal point's place, so `"1e21"`, `"1E+21"` and `"1000000000000000000000"` (how DynamoDB
 * returns it) are one number, as are `"1.50"`, `"1.5"` and `"15e-1"`, and `"0"` and `"-0"`.
 */
function normalizeNumber(n: string): string {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(n.trim());
  if (!m) return n;
  const int = m[2] ?? "";
  let digits = int + (m[3] ?? "");
  let point = int.length + Number(m[4] ?? 0);
  const lead = /^0*/.exec(digits)![0].length;
  digits = digits.slice(lead).replace(/0+$/, "");
  point -= lead;
  if (digits === "") return "0";
  return `${m[1] === "-" ? "-" : ""}${digits}e${point}`;
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

/**
 * The entry of `record` at `key`, made by `make` when the record has none of its own. A table
 * may be called `constructor` or `toString`: `record[key] ??= ...` would find Object.prototype's
 * member there.
 */
export function ownEntry<T>(record: Record<string, T>, key: string, make: () => T): T {
  if (Object.hasOwn(record, key)) return record[key]!;
  const value = make();
  Object.defineProperty(record, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
  return value;
}
