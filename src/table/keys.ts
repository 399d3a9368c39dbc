/**
 * Keys of a table and its indexes: which properties they are, their attribute names and
 * types (for CreateTable), primary keys checked and encoded, and a query's key condition
 * turned into `key.*`.
 * @module
 */
import type { AttributeValue, ScalarAttributeType } from "@aws-sdk/client-dynamodb";
import { key as keyCond } from "../expression/key-condition.js";
import type { KeyCondition } from "../expression/types.js";
import { DynoEncodingError, DynoValidationError } from "../errors.js";
import { unmarshalValue } from "../encoding/api.js";
import { toPublic } from "../encoding/path-error.js";
import { ownValue, setOwn } from "../own.js";
import type { ItemModel } from "./paths.js";

/** One key property: its name in the schema, its attribute name and its DynamoDB type. */
export interface KeyField {
  readonly prop: string;
  readonly attr: string;
  readonly type: ScalarAttributeType;
}

/** The key of a table or of one of its indexes. */
export interface KeySchema {
  readonly partition: KeyField;
  readonly sort: KeyField | undefined;
}

/**
 * The key field for property `prop`: a required, top-level (not embedded) field stored as a
 * string, number or binary.
 * @throws DynoValidationError naming `where` (e.g. `partitionKey`, `indexes.byEmail.sortKey`).
 */
export function keyField(model: ItemModel, prop: unknown, where: string): KeyField {
  if (typeof prop !== "string" || prop === "") {
    throw new DynoValidationError(where, "expected the name of a property of the schema");
  }
  const f = model.field(prop);
  if (!f) {
    throw new DynoValidationError(
      where,
      `${JSON.stringify(prop)} is not a property of the schema (properties: ${model.plan.fields.map((x) => x.prop).join(", ")})`,
    );
  }
  if (f.type !== "field") {
    throw new DynoValidationError(
      where,
      `${prop} is embedded; a key must be a top-level attribute`,
    );
  }
  if (f.schema.mods.optional || f.schema.mods.nullable) {
    throw new DynoValidationError(
      where,
      `${prop} is optional or nullable; a key attribute is always there`,
    );
  }
  const type = scalarType(f.schema.def);
  if (!type) {
    throw new DynoValidationError(
      where,
      `${prop} is s.${f.schema.def.kind}(); a key is a string, number, bigint, binary, date or literal`,
    );
  }
  return { prop, attr: f.attr, type };
}

function scalarType(def: ItemModel["schema"]["def"]): ScalarAttributeType | undefined {
  switch (def.kind) {
    case "string":
      return "S";
    case "number":
    case "bigint":
      return "N";
    case "binary":
      return "B";
    case "date":
      return def.as === "iso" ? "S" : "N";
    case "literal":
      if (def.values.every((v) => typeof v === "string")) return "S";
      if (def.values.every((v) => typeof v === "number")) return "N";
      return undefined;
    default:
      return undefined;
  }
}

/** True for an object literal (or one without a prototype): a key, a query, a condition object. */
export const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

function names(keys: KeySchema): string {
  return keys.sort ? `${keys.partition.prop} and ${keys.sort.prop}` : keys.partition.prop;
}

/**
 * Checks a primary key (exactly the key properties, no other) and encodes it with the key
 * fields' codecs.
 * @throws DynoValidationError naming `key.<prop>`: a missing or extra property, a wrong type.
 */
export function encodeKey(
  model: ItemModel,
  keys: KeySchema,
  key: unknown,
  field = "key",
): Record<string, AttributeValue> {
  if (!isPlainObject(key)) {
    throw new DynoValidationError(field, `expected an object with ${names(keys)}`);
  }
  const out: Record<string, AttributeValue> = {};
  for (const k of [keys.partition, keys.sort]) {
    if (!k) continue;
    const value = ownValue(key, k.prop);
    if (value === undefined) {
      throw new DynoValidationError(
        `${field}.${k.prop}`,
        `the key needs ${k.prop} (the key is ${names(keys)})`,
      );
    }
    const path = { ...model.resolve(k.prop, field), label: `${field}.${k.prop}` };
    setOwn(out, k.attr, model.encode(path, value, field) as AttributeValue);
  }
  for (const prop of Object.keys(key)) {
    if (prop !== keys.partition.prop && prop !== keys.sort?.prop) {
      throw new DynoValidationError(
        `${field}.${prop}`,
        `${prop} is not part of the key (the key is ${names(keys)})`,
      );
    }
  }
  return out;
}

const SORT_OPS = ["eq", "lt", "le", "gt", "ge", "between", "beginsWith"] as const;
/** A sort key condition's operation in a query: `{ gt: x }`, `{ between: [lo, hi] }`... */
export type SortOp = (typeof SORT_OPS)[number];

/**
 * The operation and argument of a sort key condition object (tables and entities alike):
 * exactly one known operation; `between` takes a pair.
 * @throws DynoValidationError naming `what`.
 */
export function sortOperation(condition: Record<string, unknown>, what: string): [SortOp, unknown] {
  const ops = Object.keys(condition);
  const op = ops[0] as SortOp;
  if (ops.length !== 1 || !SORT_OPS.includes(op)) {
    throw new DynoValidationError(
      what,
      `expected a value or one of { ${SORT_OPS.join(" | ")} }, got { ${ops.join(", ")} }`,
    );
  }
  const arg = condition[op];
  if (op === "between" && (!Array.isArray(arg) || arg.length !== 2)) {
    throw new DynoValidationError(what, "between takes [low, high]");
  }
  return [op, arg];
}

/**
 * A query's key condition, `{ [partitionKey]: value, [sortKey]?: value | { op: value } }`,
 * as a `key.*` condition on the attribute names.
 * @throws DynoValidationError naming `key.<prop>`: a missing partition key, a property that
 *   is not a key of the table (or index), an unknown operator, a value of the wrong type.
 */
export function keyCondition(
  model: ItemModel,
  keys: KeySchema,
  query: unknown,
  where: string,
): KeyCondition {
  const field = "key";
  if (!isPlainObject(query)) {
    throw new DynoValidationError(
      field,
      `expected { ${keys.partition.prop}: value${keys.sort ? `, ${keys.sort.prop}?: condition` : ""} }`,
    );
  }
  for (const prop of Object.keys(query)) {
    if (prop !== keys.partition.prop && prop !== keys.sort?.prop) {
      throw new DynoValidationError(
        `${field}.${prop}`,
        `${prop} is not a key of ${where} (its key is ${names(keys)})`,
      );
    }
  }
  const value = (k: KeyField, v: unknown, what: string) =>
    model.operand({ ...model.resolve(k.prop, what), label: `${field}.${k.prop}` }, v, what);
  const pv = ownValue(query, keys.partition.prop);
  if (pv === undefined) {
    throw new DynoValidationError(
      `${field}.${keys.partition.prop}`,
      `a query needs the partition key ${keys.partition.prop}`,
    );
  }
  const partition = keyCond.eq(
    keys.partition.attr,
    value(keys.partition, pv, `${field}.${keys.partition.prop}`),
  );
  const sort = keys.sort;
  const sv = sort ? ownValue(query, sort.prop) : undefined;
  if (!sort || sv === undefined) return partition;
  const what = `${field}.${sort.prop}`;
  if (!isPlainObject(sv))
    return keyCond.and(partition, keyCond.eq(sort.attr, value(sort, sv, what)));
  const [op, arg] = sortOperation(sv, what);
  if (op === "between") {
    const [lo, hi] = arg as [unknown, unknown];
    return keyCond.and(
      partition,
      keyCond.between(sort.attr, value(sort, lo, what), value(sort, hi, what)),
    );
  }
  if (op === "beginsWith") {
    if (typeof arg !== "string")
      throw new DynoValidationError(what, "beginsWith takes a string prefix");
    return keyCond.and(partition, keyCond.beginsWith(sort.attr, arg));
  }
  return keyCond.and(partition, keyCond[op](sort.attr, value(sort, arg, what)));
}

/**
 * Decodes the key attributes of a stored key (or of a whole stored item) into the key
 * properties, each with its field's codec; other attributes are ignored.
 * @throws DynoEncodingError naming the attribute: missing, or not fitting its codec.
 */
export function decodeKey(
  model: ItemModel,
  keys: KeySchema,
  stored: Record<string, AttributeValue>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [keys.partition, keys.sort]) {
    if (!k) continue;
    const av = ownValue(stored, k.attr);
    if (av === undefined) {
      throw new DynoEncodingError(k.attr, `the key attribute of ${k.prop} is missing`);
    }
    const field = model.field(k.prop);
    try {
      setOwn(out, k.prop, unmarshalValue(av, field!.schema));
    } catch (e) {
      throw e instanceof DynoEncodingError ? toPublic(e, k.attr) : e;
    }
  }
  return out;
}
