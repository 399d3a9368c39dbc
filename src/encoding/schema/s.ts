/**
 * The schema builders, exported as the namespace `s` (`s.string()`, `s.object({...})`, and
 * the type `s.Infer<typeof X>`): the TypeScript counterpart of the Go `dynamodbav` tags.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { DynoEncodingError, DynoValidationError } from "../../errors.js";
import { fromItem as fromItemKey, toItem as toItemKey } from "../hooks.js";
import { planObject } from "./plan.js";
import {
  Schema,
  type AnySchema,
  type AttributeCustom,
  type DateFormat,
  type EmbedOptions,
  type Infer as InferType,
  type ItemCustom,
  type Literal,
  type ObjectOf,
  type Shape,
} from "./schema.js";

/** The value type of a schema: `type User = s.Infer<typeof User>`. */
export type Infer<S> = InferType<S>;

/** A string, stored as `S`. */
function stringSchema(): Schema<string> {
  return new Schema({ kind: "string" });
}

/** A finite JS number, stored as `N`; reading a number a JS number cannot hold exactly is an error. */
function numberSchema(): Schema<number> {
  return new Schema({ kind: "number" });
}

/** A bigint, stored as `N` (up to 38 digits), read back as a bigint. */
function bigintSchema(): Schema<bigint> {
  return new Schema({ kind: "bigint" });
}

/** A boolean, stored as `BOOL`. */
function booleanSchema(): Schema<boolean> {
  return new Schema({ kind: "boolean" });
}

/** Bytes (`Uint8Array`, `Buffer`), stored as `B`, read back as a `Uint8Array`. */
function binarySchema(): Schema<Uint8Array> {
  return new Schema({ kind: "binary" });
}

/** One of the given literal values (`s.literal("user")`, `s.literal("a", "b")`). */
function literalSchema<const L extends readonly [Literal, ...Literal[]]>(
  ...values: L
): Schema<L[number]> {
  if (values.length === 0) throw new DynoValidationError("s.literal()", "needs at least one value");
  for (const v of values as readonly unknown[]) {
    if (v !== null && typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean")
      throw new DynoValidationError(
        "s.literal()",
        `takes strings, numbers, booleans or null, not ${typeof v}`,
      );
  }
  return new Schema({ kind: "literal", values });
}

/**
 * A `Date`, stored as an ISO 8601 string (default), epoch milliseconds, or epoch seconds
 * (`{ as: "epochSeconds" }`, the format of a TTL attribute; milliseconds are truncated).
 */
function dateSchema(options: { as?: DateFormat } = {}): Schema<Date> {
  const as = options.as ?? "iso";
  if (as !== "iso" && as !== "epochMs" && as !== "epochSeconds") {
    throw new DynoValidationError(
      "s.date()",
      `as must be "iso", "epochMs" or "epochSeconds", not ${String(as)}`,
    );
  }
  return new Schema({ kind: "date", as });
}

/** Any JSON value, stored as a JSON string (`S`) and parsed back. */
function jsonSchema<T = unknown>(): Schema<T> {
  return new Schema({ kind: "json" });
}

/**
 * A `Set<string>` (`SS`). DynamoDB has no empty sets: as an object property an empty set is
 * not stored and reads back as an empty set (as `undefined` when the property is `.optional()`);
 * inside a list an empty set is an error.
 */
function stringSetSchema(): Schema<Set<string>> {
  return new Schema({ kind: "stringSet" });
}

/** A `Set<number>` (`NS`); empty sets as in {@link stringSetSchema}. Reading a number a JS number cannot hold exactly is an error. */
function numberSetSchema(): Schema<Set<number>> {
  return new Schema({ kind: "numberSet" });
}

/** A `Set<Uint8Array>` (`BS`); empty sets as in {@link stringSetSchema}. */
function binarySetSchema(): Schema<Set<Uint8Array>> {
  return new Schema({ kind: "binarySet" });
}

/** An array of one element schema, stored as `L`. */
function listSchema<S extends AnySchema>(item: S): Schema<InferType<S>[]> {
  return new Schema({ kind: "list", item: check(item, "s.list()") });
}

/** A JS `Map<string, V>`, stored as `M` and read back as a `Map` (a plain object is accepted too). */
function mapSchema<S extends AnySchema>(value: S): Schema<Map<string, InferType<S>>> {
  return new Schema({ kind: "map", value: check(value, "s.map()") });
}

/** A plain object with arbitrary keys and one value schema, stored as `M`. */
function recordSchema<S extends AnySchema>(value: S): Schema<Record<string, InferType<S>>> {
  return new Schema({ kind: "record", value: check(value, "s.record()") });
}

/**
 * An object with known properties, stored as `M` (or as the item itself at the top level).
 * Throws `DynoEncodingError` here, at definition, when two properties (embedded ones
 * included) would be stored under the same attribute name.
 */
function objectSchema<const S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  if (shape === null || typeof shape !== "object")
    throw new DynoValidationError("s.object()", "takes an object of schemas");
  return new Schema({ kind: "object", shape, plan: planObject(shape) });
}

/**
 * Flattens an object (or a record) into the enclosing object's attributes, each name wrapped
 * in `prefix` and `suffix` (the Go tag's embedded struct). Nested embeds compose their prefixes.
 * A flattened record owns every attribute that matches its prefix and suffix and that no
 * fixed field claims (without a prefix: every unclaimed attribute). Two fields on one
 * attribute name, or two records whose names could overlap, are a `DynoEncodingError` here.
 * An optional embed reads back absent when none of its attributes is present.
 */
function embedSchema<T>(inner: Schema<T, boolean>, options: EmbedOptions = {}): Schema<T> {
  const kind = check(inner as AnySchema, "s.embed()").def.kind;
  if (kind !== "object" && kind !== "record") {
    throw new DynoEncodingError("", `s.embed() takes s.object() or s.record(), not s.${kind}()`);
  }
  for (const k of ["prefix", "suffix"] as const) {
    const v: unknown = options?.[k];
    if (v !== undefined && typeof v !== "string")
      throw new DynoValidationError(`s.embed(): ${k}`, `must be a string, not ${typeof v}`);
  }
  return new Schema({
    kind: "embed",
    inner: inner as AnySchema,
    prefix: options.prefix ?? "",
    suffix: options.suffix ?? "",
  });
}

/** Any value of the default (schema-less) mapping. */
function anySchema(): Schema<unknown> {
  return new Schema({ kind: "any" });
}

/** A class with `static [fromItem](item)` whose instances have `[toItem]()`. */
type ItemClassLike<T> = { [fromItemKey](item: Record<string, AttributeValue>): T };

/**
 * A value with its own encoding: `{ toItem, fromItem }` (stored as `M`),
 * `{ toAttribute, fromAttribute }` (any attribute value), or a class with
 * `static [fromItem](item)` whose instances implement `[toItem]()`.
 */
function customSchema<T>(custom: ItemCustom<T> | AttributeCustom<T> | ItemClassLike<T>): Schema<T> {
  if (
    typeof custom === "function" &&
    typeof (custom as ItemClassLike<T>)[fromItemKey] === "function"
  ) {
    const cls = custom as ItemClassLike<T>;
    return new Schema({
      kind: "custom",
      item: {
        toItem(v: unknown) {
          const m = (v as { [k: symbol]: unknown })[toItemKey];
          if (typeof m !== "function") throw new TypeError("the value has no [toItem]() method");
          return m.call(v) as Record<string, AttributeValue>;
        },
        fromItem: (item) => cls[fromItemKey](item),
      },
    });
  }
  const c = custom as Partial<ItemCustom<T> & AttributeCustom<T>>;
  if (typeof c.toItem === "function" && typeof c.fromItem === "function") {
    return new Schema({ kind: "custom", item: c as ItemCustom<unknown> });
  }
  if (typeof c.toAttribute === "function" && typeof c.fromAttribute === "function") {
    return new Schema({ kind: "custom", attr: c as AttributeCustom<unknown> });
  }
  throw new DynoValidationError(
    "s.custom()",
    "takes { toItem, fromItem }, { toAttribute, fromAttribute }, or a class with static [fromItem]",
  );
}

function check(schema: AnySchema, where: string): AnySchema {
  if (!(schema instanceof Schema))
    throw new DynoValidationError(where, "takes a schema (s.string(), s.object(), ...)");
  return schema;
}

export {
  stringSchema as string,
  numberSchema as number,
  bigintSchema as bigint,
  booleanSchema as boolean,
  binarySchema as binary,
  literalSchema as literal,
  dateSchema as date,
  jsonSchema as json,
  stringSetSchema as stringSet,
  numberSetSchema as numberSet,
  binarySetSchema as binarySet,
  listSchema as list,
  mapSchema as map,
  recordSchema as record,
  objectSchema as object,
  embedSchema as embed,
  anySchema as any,
  customSchema as custom,
};
