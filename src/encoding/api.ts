/**
 * The entry points: `marshalItem`, `unmarshalItem`, their plurals and value forms, with or
 * without a schema. Internal path errors become a `DynoEncodingError` naming the path here.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { DynoEncodingError } from "../errors.js";
import { KEEP, STRICT, WRAP, codecOf, type Codec, type Mode } from "./codec.js";
import { canGenerate } from "./compile.js";
import { PathError, describe, explainDecodeError, toPublic } from "./path-error.js";
import { fromItem, type ItemClass } from "./hooks.js";
import { checkOptions } from "./options.js";
import { encodeObject, encodeValue } from "./marshal.js";
import { custom } from "./schema/s.js";
import { Schema, type AnySchema } from "./schema/schema.js";
import { decodeMap, decodeValue } from "./unmarshal.js";

/** What `marshal*` and `unmarshal*` accept as a schema: an `s` schema, or a class with `static [fromItem]`. */
export type SchemaLike<T> = Schema<T, boolean> | ItemClass<T>;

/** Options of the `marshal*` functions. */
export interface MarshalOptions {
  /**
   * How a schema is compiled: `true` generates specialised code with `new Function` (the
   * fastest), `false` interprets it (for a content security policy that forbids eval).
   * Default: generated code where the environment allows it. Both behave identically.
   */
  codegen?: boolean;
}

/** Options of the `unmarshal*` functions. */
export interface UnmarshalOptions extends MarshalOptions {
  /**
   * A number a JS number cannot hold exactly (beyond 2^53, or more than 15-17 significant
   * digits) is returned as a `NumberValue` instead of throwing. Applies to schema-less
   * decoding and to `s.any()` fields; `s.number()` always throws (use `s.bigint()`).
   */
  wrapNumbers?: boolean;
  /**
   * With a schema: what to do with attributes no field claims. `"drop"` (default) leaves
   * them out, `"keep"` adds them (decoded without a schema) under their attribute names,
   * `"error"` throws.
   */
  unknown?: "drop" | "keep" | "error";
}

let autoMode: Mode | undefined;

function modeOf(options: MarshalOptions | undefined): Mode {
  const want = options?.codegen;
  if (want === false) return "interpret";
  if (want === true) return "codegen";
  autoMode ??= canGenerate() ? "codegen" : "interpret";
  return autoMode;
}

function flagsOf(options: UnmarshalOptions | undefined): number {
  if (options === undefined) return 0;
  let flags = options.wrapNumbers ? WRAP : 0;
  if (options.unknown === "keep") flags |= KEEP;
  else if (options.unknown === "error") flags |= STRICT;
  return flags;
}

const classSchemas = new WeakMap<object, AnySchema>();

function toSchema(schema: unknown): AnySchema {
  if (schema instanceof Schema) return schema as AnySchema;
  if (
    typeof schema === "function" &&
    typeof (schema as unknown as Partial<ItemClass<unknown>>)[fromItem] === "function"
  ) {
    let s = classSchemas.get(schema);
    if (s === undefined) {
      s = custom(schema as unknown as ItemClass<unknown>) as AnySchema;
      classSchemas.set(schema, s);
    }
    return s;
  }
  throw new DynoEncodingError(
    "",
    `${describe(schema)} is not a schema (use s.object(...) or a class with [fromItem])`,
  );
}

/**
 * The codec of a schema in the default mode when it is generated code and already built (else
 * `undefined`: the general path builds it, or interprets).
 */
function compiledOf(schema: Schema<unknown, boolean>): Codec | undefined {
  return autoMode === "codegen" ? (schema.compiled as { codegen?: Codec }).codegen : undefined;
}

/**
 * The schema of the last `marshalItem`/`unmarshalItem` call that took the hot path, and its
 * generated item encoder/decoder (a codec, once built, is never replaced, and the default mode
 * never changes once known). Starts as a value no caller can pass.
 */
const NONE: unknown = Symbol("none");
let encSchema: unknown = NONE;
let encLast: (v: unknown, depth: number) => Record<string, AttributeValue> = () => {
  throw new Error("unreachable");
};
let decSchema: unknown = NONE;
let decLast: (m: Record<string, AttributeValue>, flags: number) => unknown = () => {
  throw new Error("unreachable");
};

function codec(schema: unknown, options: MarshalOptions | undefined): Codec {
  if (schema instanceof Schema) {
    // The hot path: no option, the mode is known, the codec is kept on the schema.
    const mode =
      options === undefined || options.codegen === undefined
        ? (autoMode ?? modeOf(undefined))
        : modeOf(options);
    return codecOf(schema as AnySchema, mode);
  }
  return codecOf(toSchema(schema), modeOf(options));
}

function itemOf(
  value: unknown,
  schema: unknown,
  options: MarshalOptions | undefined,
): Record<string, AttributeValue> {
  if (schema === undefined) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new PathError(
        `an item must be an object, not ${value === undefined ? "undefined" : describe(value)}`,
      );
    }
    const av = encodeObject(value, 0);
    if (av.M === undefined)
      throw new PathError(`an item must be a map, but ${describe(value)} is not stored as one`);
    return av.M;
  }
  const c = codec(schema, options);
  if (c.encItem) return c.encItem(value, 1);
  const av = c.enc(value, 0);
  if (av?.M === undefined) throw new PathError("the schema does not describe an item (a map)");
  return av.M;
}

function fromItemOf(
  item: Record<string, AttributeValue>,
  schema: unknown,
  options: UnmarshalOptions | undefined,
): unknown {
  if (item === null || typeof item !== "object")
    throw new PathError(`an item must be an object, not ${describe(item)}`);
  if (schema === undefined) return decodeMap(item, options?.wrapNumbers === true, 1);
  const c = codec(schema, options);
  const flags = flagsOf(options);
  if (c.decItem) return c.decItem(item, flags);
  return c.dec({ M: item }, flags);
}

/**
 * Encodes an object as a DynamoDB item (`Record<string, AttributeValue>`).
 *
 * Without a schema, the default mapping of API.md section 6 applies (string→S, number→N,
 * bigint→N, boolean→BOOL, null→NULL, Uint8Array→B, Set→SS/NS/BS, array→L, object and Map→M,
 * Date→ISO string, NumberValue→N, `[toItem]`/`[toAttribute]` hooks; `undefined` properties
 * are left out; other class instances are stored as maps of their own enumerable properties).
 * With a schema, the value is checked against it and encoded by its compiled encoder.
 * @throws DynoEncodingError naming the path of the bad value (e.g. `orders[3].lines[0].price`).
 */
export function marshalItem<T>(
  value: NoInfer<T>,
  schema: SchemaLike<T>,
  options?: MarshalOptions,
): Record<string, AttributeValue>;
export function marshalItem(
  value: object,
  schema?: undefined,
  options?: MarshalOptions,
): Record<string, AttributeValue>;
export function marshalItem(
  value: unknown,
  schema?: unknown,
  options?: MarshalOptions,
): Record<string, AttributeValue> {
  if (schema === encSchema && options === undefined) {
    // The hottest path: the schema of the previous call (see unmarshalItem).
    try {
      return encLast(value, 1);
    } catch (e) {
      throw toPublic(e);
    }
  }
  return marshalItemFirst(value, schema, options);
}

/** `marshalItem` with another schema than the last call's (kept apart so the entry inlines). */
function marshalItemFirst(
  value: unknown,
  schema: unknown,
  options: MarshalOptions | undefined,
): Record<string, AttributeValue> {
  if (options === undefined && schema instanceof Schema) {
    // The hot path (see unmarshalItem).
    const enc = compiledOf(schema)?.encItem;
    if (enc !== undefined) {
      encSchema = schema;
      encLast = enc;
      try {
        return enc(value, 1);
      } catch (e) {
        throw toPublic(e);
      }
    }
  }
  return marshalItemAny(value, schema, options);
}

function marshalItemAny(
  value: unknown,
  schema: unknown,
  options: MarshalOptions | undefined,
): Record<string, AttributeValue> {
  if (options !== undefined) checkOptions(options, "marshalItem");
  try {
    if (schema !== undefined) {
      const enc = codec(schema, options).encItem;
      if (enc !== undefined) return enc(value, 1);
    }
    return itemOf(value, schema, options);
  } catch (e) {
    throw toPublic(e);
  }
}

/** {@link marshalItem} for each value; an error's path starts with the index (`[3].name`). */
export function marshalItems<T>(
  values: readonly NoInfer<T>[],
  schema: SchemaLike<T>,
  options?: MarshalOptions,
): Record<string, AttributeValue>[];
export function marshalItems(
  values: readonly object[],
  schema?: undefined,
  options?: MarshalOptions,
): Record<string, AttributeValue>[];
export function marshalItems(
  values: readonly unknown[],
  schema?: unknown,
  options?: MarshalOptions,
): Record<string, AttributeValue>[] {
  if (options !== undefined) checkOptions(options, "marshalItems");
  const out: Record<string, AttributeValue>[] = new Array(values.length);
  let i = 0;
  try {
    for (; i < values.length; i++) out[i] = itemOf(values[i], schema, options);
  } catch (e) {
    throw toPublic(e, `[${i}]`);
  }
  return out;
}

/**
 * Decodes a DynamoDB item. Without a schema: the default mapping (numbers are JS numbers
 * unless that would lose precision, which throws unless `wrapNumbers`). With a schema: the
 * item is checked against it (a mismatch names the attribute path) and decoded to its type.
 * @throws DynoEncodingError naming the path of the bad attribute.
 */
export function unmarshalItem<T>(
  item: Record<string, AttributeValue>,
  schema: SchemaLike<T>,
  options?: UnmarshalOptions,
): T;
export function unmarshalItem(
  item: Record<string, AttributeValue>,
  schema?: undefined,
  options?: UnmarshalOptions,
): Record<string, unknown>;
export function unmarshalItem(
  item: Record<string, AttributeValue>,
  schema?: unknown,
  options?: UnmarshalOptions,
): unknown {
  if (schema === decSchema && options === undefined && item !== null && typeof item === "object") {
    // The hottest path: the schema of the previous call (items come in runs of one schema), one
    // identity compare instead of `instanceof` (~9 ns, as much as decoding a tiny item), in a
    // function small enough to be inlined into its caller.
    try {
      return decLast(item, 0);
    } catch (e) {
      throw toPublic(explainDecodeError(e, item));
    }
  }
  return unmarshalItemFirst(item, schema, options);
}

/** `unmarshalItem` with another schema than the last call's. */
function unmarshalItemFirst(
  item: Record<string, AttributeValue>,
  schema: unknown,
  options: UnmarshalOptions | undefined,
): unknown {
  if (options === undefined && schema instanceof Schema) {
    // The hot path, kept to constant-name loads: a schema already compiled in the default mode.
    const dec = compiledOf(schema)?.decItem;
    if (dec !== undefined && item !== null && typeof item === "object") {
      decSchema = schema;
      decLast = dec;
      try {
        return dec(item, 0);
      } catch (e) {
        throw toPublic(explainDecodeError(e, item));
      }
    }
  }
  return unmarshalItemAny(item, schema, options);
}

function unmarshalItemAny(
  item: Record<string, AttributeValue>,
  schema: unknown,
  options: UnmarshalOptions | undefined,
): unknown {
  if (options !== undefined) checkOptions(options, "unmarshalItem");
  try {
    if (schema !== undefined && item !== null && typeof item === "object") {
      const dec = codec(schema, options).decItem;
      if (dec !== undefined) return dec(item, options === undefined ? 0 : flagsOf(options));
    }
    return fromItemOf(item, schema, options);
  } catch (e) {
    throw toPublic(explainDecodeError(e, item));
  }
}

/** {@link unmarshalItem} for each item; an error's path starts with the index. */
export function unmarshalItems<T>(
  items: readonly Record<string, AttributeValue>[],
  schema: SchemaLike<T>,
  options?: UnmarshalOptions,
): T[];
export function unmarshalItems(
  items: readonly Record<string, AttributeValue>[],
  schema?: undefined,
  options?: UnmarshalOptions,
): Record<string, unknown>[];
export function unmarshalItems(
  items: readonly Record<string, AttributeValue>[],
  schema?: unknown,
  options?: UnmarshalOptions,
): unknown[] {
  if (options !== undefined) checkOptions(options, "unmarshalItems");
  const out: unknown[] = new Array(items.length);
  let i = 0;
  try {
    for (; i < items.length; i++) out[i] = fromItemOf(items[i], schema, options);
  } catch (e) {
    throw toPublic(explainDecodeError(e, items[i]), `[${i}]`);
  }
  return out;
}

/**
 * Encodes one value as an `AttributeValue` (expression values, keys, list elements): any
 * value of the default mapping, or a value of the schema.
 * @throws DynoEncodingError naming the path of the bad value.
 */
export function marshalValue<T>(
  value: NoInfer<T>,
  schema: SchemaLike<T>,
  options?: MarshalOptions,
): AttributeValue;
export function marshalValue(
  value: unknown,
  schema?: undefined,
  options?: MarshalOptions,
): AttributeValue;
export function marshalValue(
  value: unknown,
  schema?: unknown,
  options?: MarshalOptions,
): AttributeValue {
  if (options !== undefined) checkOptions(options, "marshalValue");
  try {
    if (schema === undefined) return encodeValue(value, 1);
    const av = codec(schema, options).enc(value, 1);
    if (av === undefined)
      throw new PathError("an empty set cannot be stored as a value (DynamoDB has no empty sets)");
    return av;
  } catch (e) {
    throw toPublic(e);
  }
}

/**
 * Decodes one `AttributeValue`, by the default mapping or by a schema.
 * @throws DynoEncodingError naming the path of the bad attribute.
 */
export function unmarshalValue<T>(
  av: AttributeValue,
  schema: SchemaLike<T>,
  options?: UnmarshalOptions,
): T;
export function unmarshalValue(
  av: AttributeValue,
  schema?: undefined,
  options?: UnmarshalOptions,
): unknown;
export function unmarshalValue(
  av: AttributeValue,
  schema?: unknown,
  options?: UnmarshalOptions,
): unknown {
  if (options !== undefined) checkOptions(options, "unmarshalValue");
  try {
    if (schema === undefined) return decodeValue(av, options?.wrapNumbers === true, 1);
    return codec(schema, options).dec(av, flagsOf(options));
  } catch (e) {
    throw toPublic(explainDecodeError(e, av, false));
  }
}
