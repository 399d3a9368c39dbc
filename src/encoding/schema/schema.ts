/**
 * The schema value: a definition (what kind of value) plus field modifiers (how it sits in
 * an object). Schemas are immutable; every modifier returns a new one. Types fall out of the
 * values, as in zod: `s.Infer<typeof User>`.
 * @module
 */
import { DynoValidationError } from "../../errors.js";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshalValue } from "../api.js";
import { standardProps, type StandardSchemaV1 } from "./standard.js";

/** How a date is stored: ISO 8601 string, epoch milliseconds, or epoch seconds (TTL). */
export type DateFormat = "iso" | "epochMs" | "epochSeconds";

/** A literal value a schema can require. */
export type Literal = string | number | boolean | null;

/** Any schema, whatever its value type. */
export type AnySchema = Schema<unknown, boolean>;

/** The properties of an object schema. */
export type Shape = { readonly [prop: string]: AnySchema };

/** Prefix and suffix added to each attribute name of an embedded (flattened) value. */
export interface EmbedOptions {
  /** Put in front of each flattened attribute name, e.g. `"addr_"`. */
  prefix?: string;
  /** Put after each flattened attribute name. */
  suffix?: string;
}

/** Encoder and decoder pair of `s.custom`: the value is stored as a map (`M`). */
export interface ItemCustom<T> {
  /** Encodes the value as the attributes of a map. */
  toItem(value: T): Record<string, AttributeValue>;
  /** Decodes the value from the attributes of the map. */
  fromItem(item: Record<string, AttributeValue>): T;
}

/** Encoder and decoder pair of `s.custom`: the value is stored as any one attribute value. */
export interface AttributeCustom<T> {
  /** Encodes the value as one attribute value. */
  toAttribute(value: T): AttributeValue;
  /** Decodes the value from the attribute value. */
  fromAttribute(av: AttributeValue): T;
}

/** The runtime definition of a schema (its kind and parameters). */
export type Def =
  | { kind: "string" | "number" | "bigint" | "boolean" | "binary" | "json" | "any" }
  | { kind: "stringSet" | "numberSet" | "binarySet" }
  | { kind: "literal"; values: readonly Literal[] }
  | { kind: "date"; as: DateFormat }
  | { kind: "list"; item: AnySchema }
  | { kind: "map" | "record"; value: AnySchema }
  | { kind: "object"; shape: Shape; plan: ObjectPlan }
  | { kind: "embed"; inner: AnySchema; prefix: string; suffix: string }
  | { kind: "custom"; item?: ItemCustom<unknown>; attr?: AttributeCustom<unknown> };

/** The kind of a schema (`"string"`, `"object"`, ...). */
export type Kind = Def["kind"];

/** Field modifiers: meaningful where the schema is a property of an object schema. */
export interface Modifiers {
  /** The property may be missing (`undefined`): not stored, read back as absent. */
  readonly optional: boolean;
  /** `null` is allowed and stored as `NULL`. */
  readonly nullable: boolean;
  /** The attribute name, when it differs from the property name. */
  readonly attr: string | undefined;
  /** Never stored nor read. */
  readonly skip: boolean;
  /** `""`, an empty list, map or binary is not stored, and reads back empty. */
  readonly omitEmpty: boolean;
}

const PLAIN: Modifiers = {
  optional: false,
  nullable: false,
  attr: undefined,
  skip: false,
  omitEmpty: false,
};

/**
 * A schema for values of type `T`. `Opt` is `true` when the property it describes may be
 * missing from an object (`.optional()`, `.skip()`). Build schemas with `s`.
 */
export class Schema<T, Opt extends boolean = false> implements StandardSchemaV1<T, T> {
  /** Phantom: the value type (never set at run time). */
  declare readonly _type?: T;
  /** Phantom: whether the property is optional (never set at run time). */
  declare readonly _optional?: Opt;
  /** The kind and parameters (internal, but readable). */
  readonly def: Def;
  /** The field modifiers (internal, but readable). */
  readonly mods: Modifiers;

  /** Internal: the compiled encoder/decoder of this schema, per compilation mode (filled on first use). */
  readonly compiled: { readonly [mode: string]: unknown };

  /** Use the `s` builders instead. */
  constructor(def: Def, mods: Modifiers = PLAIN) {
    this.def = def;
    this.mods = mods;
    this.compiled = { codegen: undefined, interpret: undefined };
  }

  /**
   * Standard Schema v1 (https://standardschema.dev), vendor `"dyno-ts"`: `validate(value)` gives
   * `{ value }` when the schema's codec can store the value (the check a write makes), else
   * `{ issues: [{ message, path }] }`. So `s.*` schemas plug into any tool taking a Standard Schema.
   */
  get "~standard"(): StandardSchemaV1.Props<T, T> {
    return standardProps<T>(this as AnySchema, (value, schema) => marshalValue(value, schema));
  }

  /** The property may be missing or `undefined`: then it is not stored, and reads back absent. */
  optional(): Schema<T, true> {
    return withModifiers(this.def, { ...this.mods, optional: true });
  }
  /** `null` is allowed (stored as `NULL`). */
  nullable(): Schema<T | null, Opt> {
    return withModifiers(this.def, { ...this.mods, nullable: true });
  }
  /** Stores the property under another attribute name (the Go tag's name). */
  rename(attributeName: string): Schema<T, Opt> {
    if (typeof attributeName !== "string" || attributeName === "") {
      throw new DynoValidationError("rename()", "the attribute name must be a non-empty string");
    }
    return withModifiers(this.def, { ...this.mods, attr: attributeName });
  }
  /** Never stored nor read (the Go tag `"-"`). The property becomes optional in the type. */
  skip(): Schema<T, true> {
    return withModifiers(this.def, { ...this.mods, skip: true });
  }
  /**
   * `""`, an empty list, an empty map and an empty binary are not stored (the Go `omitempty`),
   * and a missing attribute reads back as that empty value. No effect on other kinds.
   */
  omitEmpty(): Schema<T, Opt> {
    return withModifiers(this.def, { ...this.mods, omitEmpty: true });
  }
}

/**
 * A schema of `def` with other modifiers, kept outside the class body: a class that names itself
 * inside its body is renamed by bundlers (`_Schema`), and `Schema.name` would show that name.
 */
function withModifiers<T, Opt extends boolean>(def: Def, mods: Modifiers): Schema<T, Opt> {
  return new Schema<T, Opt>(def, mods);
}

/** The value type a schema describes; an optional schema includes `undefined`. */
export type Infer<S> =
  S extends Schema<infer T, infer O>
    ? O extends true
      ? T | undefined
      : T
    : S extends ClassSchema<infer C>
      ? C
      : never;

/** A class given as a schema: `static [fromItem](item)` decodes, instances' `[toItem]()` encode. */
export type ClassSchema<T> = { [k: symbol]: unknown } & (abstract new (...args: never[]) => T);

type OptionalKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends Schema<unknown, true> ? K : never;
}[keyof S];

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The object type of a shape: optional and skipped properties become optional keys. */
export type ObjectOf<S extends Shape> = Simplify<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
    [K in OptionalKeys<S>]?: Infer<S[K]>;
  }
>;

/** One property of an object schema, flattened and with its attribute name decided. */
export type Field =
  | {
      /** A property stored under one attribute. */
      type: "field";
      prop: string;
      attr: string;
      schema: AnySchema;
    }
  | {
      /** An embedded object: its fields sit in the same map, names composed. */
      type: "embedObject";
      prop: string;
      schema: AnySchema;
      plan: ObjectPlan;
    }
  | {
      /** An embedded record: each key becomes `prefix + key + suffix`. */
      type: "embedRecord";
      prop: string;
      schema: AnySchema;
      value: AnySchema;
      prefix: string;
      suffix: string;
    };

/** The flattened layout of an object schema, computed once when it is defined. */
export interface ObjectPlan {
  /** The fields, in shape order (skipped properties are not in it). */
  readonly fields: readonly Field[];
  /** Every fixed attribute name of the map, embedded ones included. */
  readonly known: ReadonlySet<string>;
  /** Every embedded record (nested embeds included), by composed prefix and suffix. */
  readonly records: readonly { prefix: string; suffix: string }[];
}
