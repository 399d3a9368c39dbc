/**
 * The rules of object fields, shared by both ways of compiling an object schema (the
 * interpreter and the code generator call exactly these): required and missing values,
 * `omitEmpty`, empty sets, flattened records, optional embeds and unknown attributes.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Codec } from "./codec.js";
import { PathError, describe, withSegment } from "./path-error.js";
import { STRICT, WRAP } from "./flags.js";
import { checkName, define, own } from "./marshal.js";
import type { AnySchema, Literal, ObjectPlan } from "./schema/schema.js";
import { decodeValue } from "./unmarshal.js";

type AV = Record<string, unknown>;

/** A required property that is missing. */
export function required(): never {
  throw new PathError("is required (the schema field is not optional)");
}

/** A required attribute that is missing from the item. */
export function missing(): never {
  throw new PathError("attribute is missing (the schema field is not optional)");
}

/** The value to encode an object from must be a non-null, non-array object. */
export function notAnObject(v: unknown): never {
  throw new PathError(`expected an object, got ${v === undefined ? "undefined" : describe(v)}`);
}

/** True for an attribute value `omitEmpty` leaves out: `""`, empty `B`, `L` or `M`. */
export function isEmptyAV(av: AttributeValue): boolean {
  const a = av as unknown as AV;
  if (a.S !== undefined) return a.S === "";
  if (a.L !== undefined) return (a.L as unknown[]).length === 0;
  if (a.M !== undefined) {
    for (const _ in a.M as object) return false;
    return true;
  }
  if (a.B !== undefined) return (a.B as Uint8Array).length === 0;
  return false;
}

/**
 * What a missing attribute of this kind decodes to when it was left out for being empty
 * (`omitEmpty`, or a set): `undefined` when a missing attribute is simply an error.
 */
export function emptyAttr(schema: AnySchema): AttributeValue | undefined {
  const kind = schema.def.kind;
  if (kind === "stringSet") return { SS: [] };
  if (kind === "numberSet") return { NS: [] };
  if (kind === "binarySet") return { BS: [] };
  if (!schema.mods.omitEmpty) return undefined;
  switch (kind) {
    case "string":
      return { S: "" };
    case "literal":
      return (schema.def as { values: readonly Literal[] }).values.includes("")
        ? { S: "" }
        : undefined;
    case "binary":
      return { B: new Uint8Array(0) };
    case "list":
      return { L: [] };
    case "map":
    case "record":
    case "object":
      return { M: {} };
    default:
      return undefined;
  }
}

/**
 * Whether `omitEmpty` applies to a field: only to kinds that have an empty value to read
 * back (string, binary, list, map, record, object, a literal that allows ""). Elsewhere
 * (`s.any()` included) it has no effect, so that nothing is read back different.
 */
export function omitsEmpty(schema: AnySchema): boolean {
  const kind = schema.def.kind;
  if (
    !schema.mods.omitEmpty ||
    kind === "stringSet" ||
    kind === "numberSet" ||
    kind === "binarySet"
  )
    return false;
  return emptyAttr(schema) !== undefined;
}

/** Encodes the keys of an embedded record into the item, checking for collisions. */
export function encEmbedRecord(
  x: unknown,
  out: Record<string, AttributeValue>,
  depth: number,
  prefix: string,
  suffix: string,
  known: ReadonlySet<string>,
  codec: Codec,
): void {
  if (x === null || typeof x !== "object" || Array.isArray(x)) notAnObject(x);
  let k: string | undefined;
  try {
    for (k in x as AV) {
      const v = (x as AV)[k];
      if (v === undefined) continue;
      const attr = prefix + k + suffix;
      if (known.has(attr) || Object.prototype.hasOwnProperty.call(out, attr)) {
        throw new PathError(
          `flattened key becomes attribute ${JSON.stringify(attr)}, which another field already uses`,
        );
      }
      const av = codec.enc(v, depth);
      if (av !== undefined) define(out, checkName(attr), av);
    }
  } catch (e) {
    throw withSegment(e, k!, x);
  }
}

/** Decodes the attributes an embedded record claims (not fixed, matching prefix and suffix). */
export function decEmbedRecord(
  m: Record<string, AttributeValue>,
  flags: number,
  prefix: string,
  suffix: string,
  known: ReadonlySet<string>,
  codec: Codec,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const min = prefix.length + suffix.length;
  let k: string | undefined;
  try {
    for (k in m) {
      if (known.has(k) || k.length < min || !k.startsWith(prefix) || !k.endsWith(suffix)) continue;
      const av = m[k];
      if (av === undefined) continue;
      define(out, k.slice(prefix.length, k.length - suffix.length), codec.dec(av, flags));
    }
  } catch (e) {
    throw withSegment(e, k!);
  }
  return out;
}

/** True when attribute `k` belongs to the flattened record `r` (it has its prefix and suffix). */
function inRecord(k: string, r: { prefix: string; suffix: string }): boolean {
  return (
    k.length >= r.prefix.length + r.suffix.length && k.startsWith(r.prefix) && k.endsWith(r.suffix)
  );
}

/** True when any attribute of an (embedded) plan is present in the map. */
export function anyPresent(m: Record<string, AttributeValue>, plan: ObjectPlan): boolean {
  for (const k of plan.known) if (own(m, k) !== undefined) return true;
  if (plan.records.length === 0) return false;
  for (const k in m) {
    for (const r of plan.records) {
      if (inRecord(k, r)) return true;
    }
  }
  return false;
}

/** Handles the attributes no field claims, per the flags: kept (schema-less), or an error. */
export function unknownAttrs(
  m: Record<string, AttributeValue>,
  out: Record<string, unknown>,
  flags: number,
  plan: ObjectPlan,
): void {
  let k: string | undefined;
  try {
    outer: for (k in m) {
      if (plan.known.has(k) || m[k] === undefined) continue;
      for (const r of plan.records) {
        if (inRecord(k, r)) continue outer;
      }
      if (flags & STRICT) throw new PathError('attribute is not in the schema (unknown: "error")');
      if (Object.prototype.hasOwnProperty.call(out, k)) {
        throw new PathError("unknown attribute has the name of a schema property; cannot keep it");
      }
      define(out, k, decodeValue(m[k], (flags & WRAP) !== 0, 1));
    }
  } catch (e) {
    throw withSegment(e, k!);
  }
}
