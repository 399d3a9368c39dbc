/**
 * The run-time half of the Table model's typing: property paths resolved against the
 * schema's object plan (the encoding layer's own field layout, with `rename` and embed
 * prefixes already applied) into attribute paths, and values encoded with the codec of the
 * field they are compared with or written to. A wrong property name or a value the field's
 * codec refuses is a `DynoValidationError` naming the property path.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshalValue } from "../encoding/api.js";
import { isEmptyAV } from "../encoding/fields.js";
import { toAttribute } from "../encoding/hooks.js";
import * as s from "../encoding/schema/s.js";
import type { AnySchema, Field, ObjectPlan, Shape } from "../encoding/schema/schema.js";
import { DynoError, DynoValidationError } from "../errors.js";
import { formatPath, parsePath } from "../expression/path.js";
import { undeclared, undeclaredProperties } from "./extras.js";
import type { PathInput, PathSegment } from "../expression/types.js";

/** A property path resolved to its attribute path, with the schema of the value there. */
export interface ResolvedPath {
  /** The path as the user wrote it (property names), for messages: `address.city`. */
  readonly label: string;
  /** The property path's segments: `["address", "city"]`. */
  readonly props: readonly PathSegment[];
  /** The attribute path: `["addr_city"]`, `["Lines", 0, "sku"]`. */
  readonly segments: readonly PathSegment[];
  /** The schema of the value at the path; `undefined` inside `s.any()` (schema-less). */
  readonly schema: AnySchema | undefined;
  /**
   * What the last segment names: a declared property (`field`, with the property's schema and
   * modifiers, `s.any()` included), a list element, a key of a record or map (`entry`), or a
   * place inside `s.any()` (`free`). Whether the value there may go missing depends on it.
   */
  readonly slot: Slot;
}

/** What the last segment of a resolved path names (see {@link ResolvedPath.slot}). */
export type Slot =
  | { readonly kind: "field"; readonly schema: AnySchema }
  | { readonly kind: "element" | "entry" | "free" };

/** An embedded object (`s.embed(s.object(...))`) named whole: its attributes sit in the enclosing map. */
export interface EmbedTarget {
  /** The path as the user wrote it: `alt`. */
  readonly label: string;
  /** The property path's segments. */
  readonly props: readonly PathSegment[];
  /** The attribute path of the map holding the embed's attributes (`[]`: the item). */
  readonly base: readonly PathSegment[];
  /** The embed's field (its schema carries the modifiers; its plan the attribute names). */
  readonly field: Extract<Field, { type: "embedObject" }>;
}

/** A value already encoded by its field's codec, carried through the expression builders as is. */
export interface EncodedValue {
  [toAttribute](): AttributeValue;
}

/** Carries an encoded value through the expression builders unchanged. */
export const encoded = (av: AttributeValue): EncodedValue => ({ [toAttribute]: () => av });

/** Where a path stands while it is resolved: inside one map of the item (a plan), or at a value. */
interface Level {
  /** Set while the path is inside a map of known fields (the item, a nested object, an embed). */
  plan?: ObjectPlan;
  /** The schema of the value reached; `undefined` inside `s.any()`. */
  schema: AnySchema | undefined;
}

/** How many resolved paths an {@link ItemModel} keeps. */
const MAX_CACHED_PATHS = 1000;

/** Names the properties of a plan (embedded ones with their prefix), for "did you mean" messages. */
function propsOf(plan: ObjectPlan): string {
  return plan.fields.map((f) => f.prop).join(", ");
}

/**
 * The item model of one table: its object schema and plan, and the translation of property
 * paths and values into what DynamoDB stores.
 */
export class ItemModel {
  /** The table's object schema. */
  readonly schema: AnySchema;
  /** The schema's object plan (attribute names decided by the encoding layer). */
  readonly plan: ObjectPlan;
  readonly #shape: Shape;
  readonly #picked = new Map<string, AnySchema>();
  /** Property paths resolved before (a table resolves the same few paths on every call). */
  readonly #resolved = new Map<string, ResolvedPath>();

  constructor(schema: AnySchema) {
    if (schema?.def?.kind !== "object") {
      throw new DynoValidationError(
        "schema",
        "a table's schema must be an object schema (s.object({...}))",
      );
    }
    this.schema = schema;
    this.plan = schema.def.plan;
    this.#shape = schema.def.shape;
  }

  /** The top-level field of property `prop`, or undefined. */
  field(prop: string): Field | undefined {
    return this.plan.fields.find((f) => f.prop === prop);
  }

  /**
   * Resolves a property path (`"address.city"`, `"lines[0].sku"`, or segments) into the
   * attribute path DynamoDB sees.
   * @param what the function asking, for messages (`cond.eq`, `u.set`).
   * @throws DynoValidationError naming the path: an unknown property, an index into a
   *   non-list, a path into a scalar, or a path that stops at a flattened embed.
   */
  resolve(path: PathInput, what: string): ResolvedPath {
    return this.#cached(path, what, false) as ResolvedPath;
  }

  /**
   * Resolves a property path as {@link resolve} does, but a path naming an embedded object
   * whole (`"alt"`) is its {@link EmbedTarget} instead of an error (updates replace and remove
   * embedded objects attribute by attribute).
   */
  target(path: PathInput, what: string): ResolvedPath | EmbedTarget {
    return this.#cached(path, what, true);
  }

  #cached(path: PathInput, what: string, embeds: boolean): ResolvedPath | EmbedTarget {
    if (typeof path !== "string") return this.#resolve(path, what, embeds);
    let r = this.#resolved.get(path);
    if (r === undefined) {
      const got = this.#resolve(path, what, embeds);
      if (!("segments" in got)) return got;
      r = got;
      Object.freeze(r.segments);
      // record keys are open-ended: cache a bounded number of paths
      if (this.#resolved.size < MAX_CACHED_PATHS) this.#resolved.set(path, Object.freeze(r));
    }
    return r;
  }

  #resolve(path: PathInput, what: string, embeds: boolean): ResolvedPath | EmbedTarget {
    let props: PathSegment[];
    try {
      props = parsePath(path);
    } catch (e) {
      throw new DynoValidationError(
        typeof path === "string" ? path : JSON.stringify(path),
        `${what}: ${(e as Error).message}`,
      );
    }
    const label = formatPath(props);
    const fail = (message: string): never => {
      throw new DynoValidationError(label, `${what}: ${message}`);
    };
    const out: PathSegment[] = [];
    let slot: Slot = { kind: "field", schema: this.schema };
    let level: Level = { plan: this.plan, schema: this.schema };
    for (let i = 0; i < props.length; i++) {
      const seg = props[i]!;
      const last = i === props.length - 1;
      const here = formatPath(props.slice(0, i + 1));
      if (level.plan) {
        if (typeof seg === "number")
          fail(`${formatPath(props.slice(0, i))} is an object, not a list`);
        const f = level.plan.fields.find((x) => x.prop === seg);
        if (!f) {
          const where = i === 0 ? "the schema" : formatPath(props.slice(0, i));
          fail(
            `${JSON.stringify(seg)} is not a property of ${where} (properties: ${propsOf(level.plan)})`,
          );
        }
        if (f!.type === "field") {
          out.push(f!.attr);
          slot = { kind: "field", schema: f!.schema };
          level = next(f!.schema);
        } else if (f!.type === "embedObject") {
          if (last && embeds) return { label, props, base: [...out], field: f! };
          if (last)
            fail(`${here} is embedded (flattened into the item); name one of its properties`);
          level = { plan: f!.plan, schema: f!.schema };
        } else {
          if (last) {
            fail(
              `${here} is a flattened record, whose attribute names are open-ended: name one ` +
                `of its keys (${here}.someKey)${embeds ? "; to replace or remove it whole, put the item" : ""}`,
            );
          }
          const key = props[++i]!;
          if (typeof key !== "string") fail(`${here} is a record, not a list`);
          out.push(f!.prefix + key + f!.suffix);
          slot = { kind: "entry" };
          level = next(f!.value);
        }
        continue;
      }
      const schema = level.schema;
      if (schema === undefined) {
        out.push(seg); // inside s.any(): names and indexes as given
        slot = { kind: "free" };
        continue;
      }
      const def = schema.def;
      if (def.kind === "list") {
        if (typeof seg !== "number")
          fail(`${formatPath(props.slice(0, i))} is a list; index it ([0])`);
        out.push(seg);
        slot = { kind: "element" };
        level = next(def.item);
      } else if (def.kind === "record" || def.kind === "map") {
        if (typeof seg !== "string") fail(`${formatPath(props.slice(0, i))} is a map, not a list`);
        out.push(seg);
        slot = { kind: "entry" };
        level = next(def.value);
      } else {
        fail(
          `${formatPath(props.slice(0, i))} is s.${def.kind}(), which has no ${typeof seg === "number" ? "elements" : "properties"}`,
        );
      }
    }
    return { label, props, segments: out, schema: level.schema, slot };

    function next(schema: AnySchema): Level {
      if (schema.def.kind === "object") return { plan: schema.def.plan, schema };
      return { schema: schema.def.kind === "any" ? undefined : schema };
    }
  }

  /**
   * Encodes `value` with the codec of the field at `path` (a `Date` stored as epoch seconds
   * becomes its `N`, a set field's value a set).
   * @returns undefined when the field's codec stores nothing for it (an empty set, or an
   *   empty value of an `omitEmpty` field), which a write turns into REMOVE.
   * @throws DynoValidationError naming the path, for a value of the wrong type.
   */
  encode(path: ResolvedPath, value: unknown, what: string): AttributeValue | undefined {
    if (value === undefined) {
      throw new DynoValidationError(path.label, `${what}: the value is undefined`);
    }
    const schema = path.schema;
    if (schema !== undefined) {
      const k = schema.def.kind;
      if (
        (k === "stringSet" || k === "numberSet" || k === "binarySet") &&
        value instanceof Set &&
        value.size === 0
      ) {
        return undefined;
      }
    }
    if (schema !== undefined) {
      const extra = undeclaredProperties(schema, value);
      if (extra.length > 0) {
        throw new DynoValidationError(
          formatPath([...path.props, ...extra[0]!]),
          `${what}: ${undeclared(extra, path.props)}`,
        );
      }
    }
    try {
      const av = schema === undefined ? marshalValue(value) : marshalValue(value, schema);
      if (schema?.mods.omitEmpty && isEmptyAV(av)) return undefined;
      return av;
    } catch (e) {
      if (!(e instanceof DynoError)) throw e;
      throw new DynoValidationError(path.label, `${what}: ${strip(e)}`, { cause: e });
    }
  }

  /**
   * A value ready for the expression builders: encoded by the field's codec and carried as
   * an {@link EncodedValue}, so that `cond.*`, `key.*` and `update.*` place it unchanged.
   * @throws DynoValidationError when the codec stores nothing for it (an empty set).
   */
  operand(path: ResolvedPath, value: unknown, what: string): EncodedValue {
    const av = this.encode(path, value, what);
    if (av === undefined) {
      throw new DynoValidationError(
        path.label,
        `${what}: an empty value cannot be compared or written here`,
      );
    }
    return encoded(av);
  }

  /** The schema of one element of the value at `path`: a set's member, a list's item, a string's substring. */
  element(path: ResolvedPath): ResolvedPath {
    const schema = path.schema;
    const kind = schema?.def.kind;
    const of =
      kind === "stringSet" || kind === "string"
        ? s.string()
        : kind === "numberSet"
          ? s.number()
          : kind === "binarySet" || kind === "binary"
            ? s.binary()
            : schema?.def.kind === "list"
              ? schema.def.item
              : undefined;
    return { ...path, schema: of };
  }

  /**
   * The attribute paths that hold top-level properties `props` (every attribute of an
   * embedded object), and the schema that decodes an item holding only those.
   * @throws DynoValidationError for an unknown property, or an embedded record (its names are open).
   */
  projection(
    props: readonly string[],
    what: string,
  ): { paths: PathSegment[][]; schema: AnySchema } {
    if (!Array.isArray(props) || props.length === 0) {
      throw new DynoValidationError(what, "expected a non-empty array of property names");
    }
    const paths: PathSegment[][] = [];
    for (const prop of props) {
      const f = this.field(prop);
      if (!f) {
        throw new DynoValidationError(
          `${what}.${String(prop)}`,
          `${JSON.stringify(prop)} is not a property of the schema (properties: ${propsOf(this.plan)})`,
        );
      }
      if (f.type === "field") paths.push([f.attr]);
      else if (f.type === "embedObject") for (const a of f.plan.known) paths.push([a]);
      else {
        throw new DynoValidationError(
          `${what}.${prop}`,
          "a flattened record has open attribute names and cannot be projected; read the whole item",
        );
      }
    }
    const id = [...new Set(props)].sort().join("\u0000");
    let schema = this.#picked.get(id);
    if (schema === undefined) {
      schema = s.object(Object.fromEntries(props.map((p) => [p, this.#shape[p]!]))) as AnySchema;
      this.#picked.set(id, schema);
    }
    return { paths, schema };
  }
}

/** An encoding error's message without its path prefix (the path is reported separately). */
function strip(e: DynoError): string {
  const path = (e as { path?: unknown }).path;
  if (typeof path === "string" && path !== "" && e.message.startsWith(`${path}: `)) {
    return `${e.message.slice(path.length + 2)} (at ${path} of the value)`;
  }
  return e.message;
}
