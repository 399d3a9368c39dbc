/**
 * Keys and items as builders take them: plain objects are encoded by the encoding layer,
 * `AttributeValue` maps are taken as they are (the rule is on {@link toAttributeMap}; the
 * form can be stated with {@link asPlainObject} / {@link asAttributeValues}). Also canonical fingerprints of keys, used to
 * find the same key twice in one batch or transaction.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshalItem } from "../encoding/index.js";
import { bytesIdentity, numberIdentity, tryKeyIdentity } from "../encoding/identity.js";
import { copyData } from "../copy.js";
import { DynoValidationError } from "../errors.js";

/** An item or key in DynamoDB's own format. */
export type AttributeValueMap = Record<string, AttributeValue>;

/** A key or item: a plain object (encoded by the encoding layer) or an `AttributeValue` map. */
export type ItemInput = Record<string, unknown>;

/** Marks a key or item whose form is stated rather than guessed (see {@link asPlainObject}). */
const itemForm: unique symbol = Symbol("dyno.itemForm");

/** A key or item wrapped by {@link asPlainObject} or {@link asAttributeValues}. */
export type StatedItem = {
  readonly [itemForm]: "plain" | "encoded";
  readonly value: Readonly<Record<string, unknown>>;
};

/**
 * Says that a key or item given to a builder is a plain object to encode, even when every
 * value looks like an `AttributeValue`: `.item(asPlainObject({ size: { S: "small" } }))` stores
 * a map `size` holding an attribute `S`.
 */
export function asPlainObject(value: Readonly<Record<string, unknown>>): StatedItem {
  return { [itemForm]: "plain", value };
}

/**
 * Says that a key or item given to a builder is already in DynamoDB's format (e.g. a
 * `LastEvaluatedKey`): it is checked strictly and taken as it is, never encoded.
 * `.build()`'s caller gets a `DynoValidationError` naming the attribute that is not a
 * well-formed `AttributeValue`.
 */
export function asAttributeValues(value: Readonly<AttributeValueMap>): StatedItem {
  return { [itemForm]: "encoded", value };
}

const isBinary = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isString = (v: unknown): v is string => typeof v === "string";
/** A number as DynamoDB writes one: optional sign, digits, optional fraction and exponent. */
const isNumber = (v: unknown): v is string =>
  typeof v === "string" && /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** Checks the value of each `AttributeValue` member for the JS type DynamoDB's format requires. */
const MEMBER_CHECKS: Record<string, (v: unknown) => boolean> = {
  S: isString,
  N: isNumber,
  B: isBinary,
  SS: (v) => Array.isArray(v) && v.length > 0 && v.every(isString),
  NS: (v) => Array.isArray(v) && v.length > 0 && v.every(isNumber),
  BS: (v) => Array.isArray(v) && v.length > 0 && v.every(isBinary),
  M: (v) => isPlainObject(v) && Object.values(v).every(isAttributeValue),
  L: (v) => Array.isArray(v) && v.every(isAttributeValue),
  NULL: (v) => v === true,
  BOOL: (v) => typeof v === "boolean",
};

/**
 * True when `value` is one well-formed `AttributeValue`: a plain object with exactly one own
 * member, one of `S N B SS NS BS M L NULL BOOL`, whose value has the JS type DynamoDB's format
 * requires (`S` a string, `N` a string holding a number, `B` a `Uint8Array`, sets non-empty
 * arrays of those, `M` a plain object and `L` an array of well-formed values, `NULL: true`,
 * `BOOL` a boolean).
 */
export function isAttributeValue(value: unknown): value is AttributeValue {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1) return false;
  const check = Object.prototype.hasOwnProperty.call(MEMBER_CHECKS, keys[0])
    ? MEMBER_CHECKS[keys[0]]
    : undefined;
  return check !== undefined && check(value[keys[0]]);
}

/**
 * True when `value` is already in DynamoDB's format: a non-empty plain object each of whose
 * values is a well-formed `AttributeValue` (see {@link isAttributeValue}; nested `M` and `L`
 * members are checked too, so `{ a: { M: 1 } }` is a plain object, not an `AttributeValue` map).
 */
export function isAttributeValueMap(value: unknown): value is AttributeValueMap {
  if (!isPlainObject(value)) return false;
  const values = Object.values(value);
  return values.length > 0 && values.every(isAttributeValue);
}

/**
 * Turns a key or item given to a builder into an `AttributeValue` map of the builder's own
 * (a deep copy: later changes to the caller's object do not reach the builder).
 *
 * The rule, when the form is not stated: a map every value of which is a well-formed
 * `AttributeValue` ({@link isAttributeValue}) is taken as already encoded; a map none of whose
 * values is one is a plain object, encoded by the encoding layer; a map with some of each is
 * refused as ambiguous. {@link asPlainObject} and {@link asAttributeValues} state the form.
 *
 * @param field names the input field in errors.
 */
export function toAttributeMap(
  value: ItemInput | AttributeValueMap | StatedItem,
  field: string,
): AttributeValueMap {
  const stated = statedForm(value);
  const map: unknown = stated ? (value as StatedItem).value : value;
  if (!isPlainObject(map)) throw new DynoValidationError(field, "must be an object");
  const names = Object.keys(map);
  if (names.length === 0) throw new DynoValidationError(field, "must not be empty");
  if (stated === "encoded") {
    for (const name of names) {
      if (!isAttributeValue(map[name])) {
        throw new DynoValidationError(
          `${field}.${name}`,
          `is not a well-formed AttributeValue (asAttributeValues was given ${describe(map[name])})`,
        );
      }
    }
  }
  if (stated === undefined) {
    const encoded = names.filter((name) => isAttributeValue(map[name]));
    if (encoded.length === names.length) return copyData(map as AttributeValueMap, field);
    if (encoded.length > 0) {
      const plain = names.find((name) => !encoded.includes(name))!;
      throw new DynoValidationError(
        field,
        `is ambiguous: ${JSON.stringify(encoded[0])} looks like an AttributeValue but ` +
          `${JSON.stringify(plain)} does not; wrap it in asPlainObject(...) to encode it, ` +
          `or give every attribute as an AttributeValue`,
      );
    }
  }
  if (stated === "encoded") return copyData(map as AttributeValueMap, field);
  const out = marshalItem(map);
  if (Object.keys(out).length === 0)
    throw new DynoValidationError(field, "has no defined attribute");
  return out;
}

function statedForm(value: unknown): "plain" | "encoded" | undefined {
  return typeof value === "object" && value !== null && itemForm in value
    ? (value as StatedItem)[itemForm]
    : undefined;
}

function describe(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? typeof value;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One spelling per DynamoDB number value (see `numberIdentity`); a malformed one as given. */
function canonicalNumber(n: string): string {
  return numberIdentity(n) ?? n;
}

/** A canonical string for one `AttributeValue` (sets sorted, map members sorted, numbers normalised). */
function canonical(value: AttributeValue): string {
  if (value.S !== undefined) return `S${JSON.stringify(value.S)}`;
  if (value.N !== undefined) return `N${canonicalNumber(value.N)}`;
  if (value.B !== undefined) return `B${JSON.stringify(bytesIdentity(value.B) ?? "")}`;
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
  if (names) return tryKeyIdentity(map, names);
  const keys = Object.keys(map);
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
