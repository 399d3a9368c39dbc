/**
 * Keys and items as builders take them: plain objects are encoded by the encoding layer,
 * `AttributeValue` maps are taken as they are. Also canonical fingerprints of keys, used to
 * find the same key twice in one batch or transaction.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshalItem } from "../encoding/index.js";
import { DynoValidationError } from "../errors.js";

/** An item or key in DynamoDB's own format. */
export type AttributeValueMap = Record<string, AttributeValue>;

/** A key or item: a plain object (encoded by the encoding layer) or an `AttributeValue` map. */
export type ItemInput = Record<string, unknown>;

const isBinary = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isString = (v: unknown): v is string => typeof v === "string";
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !isBinary(v);

/** Checks the value of each `AttributeValue` member for the JS type DynamoDB's format requires. */
const MEMBER_CHECKS: Record<string, (v: unknown) => boolean> = {
  S: isString,
  N: isString,
  B: isBinary,
  SS: (v) => Array.isArray(v) && v.every(isString),
  NS: (v) => Array.isArray(v) && v.every(isString),
  BS: (v) => Array.isArray(v) && v.every(isBinary),
  M: (v) => isPlainObject(v) && Object.values(v).every(isAttributeValue),
  L: (v) => Array.isArray(v) && v.every(isAttributeValue),
  NULL: (v) => v === true,
  BOOL: (v) => typeof v === "boolean",
};

/** True when `value` is one `AttributeValue`: an object with exactly one member of the right JS type. */
export function isAttributeValue(value: unknown): value is AttributeValue {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1) return false;
  const check = MEMBER_CHECKS[keys[0]];
  return check !== undefined && check(value[keys[0]]);
}

/**
 * True when `value` is already in DynamoDB's format: a non-empty object each of whose values
 * is an `AttributeValue` (`{ S: "x" }`, `{ N: "1" }`, `{ M: { ... } }`, ...). Nested `M` and `L`
 * members are checked too, so `{ a: { M: 1 } }` is a plain object, not an `AttributeValue` map.
 */
export function isAttributeValueMap(value: unknown): value is AttributeValueMap {
  if (!isPlainObject(value)) return false;
  const values = Object.values(value);
  return values.length > 0 && values.every(isAttributeValue);
}

/**
 * Turns a key or item given to a builder into an `AttributeValue` map: an `AttributeValue`
 * map is copied as it is, a plain object is encoded. `field` names the input field in errors.
 */
export function toAttributeMap(
  value: ItemInput | AttributeValueMap,
  field: string,
): AttributeValueMap {
  if (!isPlainObject(value)) throw new DynoValidationError(field, "must be an object");
  if (Object.keys(value).length === 0) throw new DynoValidationError(field, "must not be empty");
  if (isAttributeValueMap(value)) return { ...value };
  const encoded = marshalItem(value);
  if (Object.keys(encoded).length === 0)
    throw new DynoValidationError(field, "has no defined attribute");
  return encoded;
}

/** Normalises a DynamoDB number so that `"1"`, `"1.0"` and `"10e-1"` compare equal, as DynamoDB does. */
function canonicalNumber(n: string): string {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(n);
  if (!m) return n;
  const [, sign, int, frac = "", exp = "0"] = m;
  let digits = (int + frac).replace(/^0+/, "");
  if (digits === "") return "0";
  let exponent = Number(exp) - frac.length;
  const trimmed = digits.replace(/0+$/, "");
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  return `${sign === "-" ? "-" : ""}${digits}e${exponent}`;
}

/** A canonical string for one `AttributeValue` (sets sorted, map members sorted, numbers normalised). */
function canonical(value: AttributeValue): string {
  if (value.S !== undefined) return `S${JSON.stringify(value.S)}`;
  if (value.N !== undefined) return `N${canonicalNumber(value.N)}`;
  if (value.B !== undefined) return `B${Buffer.from(value.B).toString("base64")}`;
  if (value.SS !== undefined) return `SS${JSON.stringify([...value.SS].sort())}`;
  if (value.NS !== undefined) return `NS${JSON.stringify(value.NS.map(canonicalNumber).sort())}`;
  if (value.BS !== undefined)
    return `BS${JSON.stringify(value.BS.map((b) => Buffer.from(b).toString("base64")).sort())}`;
  if (value.M !== undefined) return `M{${fingerprint(value.M)}}`;
  if (value.L !== undefined) return `L[${value.L.map(canonical).join(",")}]`;
  return JSON.stringify(value);
}

/**
 * A canonical string for a key (or the `names` attributes of an item), equal for two keys
 * that DynamoDB considers the same item. Returns `undefined` when `names` are given and the
 * item lacks one of them (then only DynamoDB can judge).
 */
export function fingerprint(map: AttributeValueMap, names?: readonly string[]): string | undefined {
  const keys = names ?? Object.keys(map);
  if (keys.some((k) => map[k] === undefined)) return undefined;
  return [...keys]
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(map[k])}`)
    .join(",");
}

/**
 * Tells items of a batch or transaction apart by their primary key. The key attribute names
 * of a table are declared, or learned from the keys given for that table (deletes, updates,
 * condition checks); while they are unknown, a put's whole item stands for its key, so only
 * identical items are caught and nothing valid is rejected.
 */
export class ItemIdentities {
  private readonly names = new Map<string, readonly string[]>();

  /** @param declared key attribute names per table, from `.keySchema(table, ...)`. */
  constructor(declared: ReadonlyMap<string, readonly string[]> = new Map()) {
    for (const [table, names] of declared) this.names.set(table, names);
  }

  /** Learns a table's key attribute names from one of its keys, unless they are known. */
  learn(table: string, key: AttributeValueMap | undefined): void {
    if (key && !this.names.has(table)) this.names.set(table, Object.keys(key));
  }

  /** An identity string for the item (or key) in `table`, or undefined when it cannot be judged. */
  of(table: string, item: AttributeValueMap | undefined): string | undefined {
    if (!item) return undefined;
    const print = fingerprint(item, this.names.get(table));
    return print === undefined ? undefined : `${table} {${print}}`;
  }
}
