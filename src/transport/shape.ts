/**
 * The request members the SDK's serializer sends, from its own schemas of the operations
 * (`@aws-sdk/client-dynamodb`'s `XxxInput$`): a structure's members only (unknown ones are
 * dropped), no member, map value, list element or union member whose value is null or undefined
 * (no list of DynamoDB's inputs is sparse). AttributeValues are written as the SDK's DynamoDB
 * codec (`@aws-sdk/dynamodb-codec`, `writeAttributeValue`) writes them: `null` kept in an `L`,
 * binary as base64, and a value of the wrong type (a number under `N`, an `ArrayBuffer` under
 * `B`) turned into what that codec sends, or the `TypeError` it throws.
 * @module
 */
import { INPUT_SCHEMAS } from "../sdk-snapshot.js";
import { setOwn } from "../own.js";

/** A schema as the SDK's generated code writes it: a number, a tuple, or a function to one. */
type Schema = number | readonly unknown[] | (() => Schema);

const STRUCT = 3;
const UNION = 4;
const LIST = 1;
const MAP = 2;
const MAP_OF_SIMPLE = 128;

/** A schema with its lazy references followed. */
type Resolved = number | readonly unknown[];

function resolve(schema: unknown): Resolved {
  let s = schema as Schema;
  while (typeof s === "function") s = s();
  return s;
}

/** The input schema of `operation` (`XxxInput$`), or undefined when the SDK exports none. */
export function inputSchema(operation: string): Resolved | undefined {
  const schema = INPUT_SCHEMAS[operation];
  return schema === undefined ? undefined : resolve(schema);
}

const memberSets = new WeakMap<readonly unknown[], ReadonlySet<string>>();

function membersOf(struct: readonly unknown[]): ReadonlySet<string> {
  let members = memberSets.get(struct);
  if (!members) memberSets.set(struct, (members = new Set(struct[4] as string[])));
  return members;
}

/**
 * Whether `value` has a member a structure of `schema` does not declare, anywhere above the
 * unions and simple values (where the SDK sends what it is given). Null values are not looked
 * for here: the caller finds them in the JSON text.
 */
export function hasUnknownMembers(schema: Schema, value: unknown): boolean {
  const s = resolve(schema);
  if (typeof s === "number" || s.length === 2 || value === null || typeof value !== "object")
    return false; // a simple schema (`[schema, traits]` too)
  switch (s[0]) {
    case STRUCT: {
      const members = membersOf(s);
      const schemas = s[5] as Schema[];
      const names = s[4] as string[];
      for (const key in value) if (!members.has(key)) return true;
      for (let i = 0; i < names.length; i++) {
        const member = (value as Record<string, unknown>)[names[i]!];
        if (member !== undefined && hasUnknownMembers(schemas[i]!, member)) return true;
      }
      return false;
    }
    case LIST:
      if (!Array.isArray(value)) return false;
      if (isLeaf(s[4])) return false;
      return value.some((element) => hasUnknownMembers(s[4] as Schema, element));
    case MAP: {
      if (isLeaf(s[5])) return false;
      for (const key in value)
        if (hasUnknownMembers(s[5] as Schema, (value as Record<string, unknown>)[key])) return true;
      return false;
    }
    default:
      return false;
  }
}

/** A union or simple schema: nothing below it is dropped but null values. */
function isLeaf(schema: unknown): boolean {
  const s = resolve(schema);
  return typeof s === "number" || s[0] === UNION || (typeof s[0] === "number" && s.length === 2);
}

/** `value` as the SDK's serializer sends it under `schema` (a copy where anything is dropped). */
export function serializable(schema: Schema, value: unknown): unknown {
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return value;
  const s = resolve(schema);
  if (typeof s !== "number" && s.length === 2) return value; // a simple schema with traits
  if (typeof s === "number") {
    if (s >= MAP_OF_SIMPLE) return withoutNullValues(value as Record<string, unknown>);
    // a list of simple values (64 + type, e.g. AttributesToGet): the SDK skips null elements
    return Array.isArray(value) ? value.filter((element) => element != null) : value;
  }
  switch (s[0]) {
    case STRUCT: {
      const names = s[4] as string[];
      const schemas = s[5] as Schema[];
      const out: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) {
        const member = (value as Record<string, unknown>)[names[i]!];
        if (member != null) out[names[i]!] = serializable(schemas[i]!, member);
      }
      return out;
    }
    case UNION:
      return attributeValue(value as Record<string, unknown>, "");
    case LIST:
      return Array.isArray(value)
        ? value
            .filter((element) => element != null)
            .map((element: unknown) => serializable(s[4] as Schema, element))
        : value;
    case MAP: {
      const out: Record<string, unknown> = {};
      for (const key in value) {
        const member = (value as Record<string, unknown>)[key];
        if (member != null) put(out, key, serializable(s[5] as Schema, member));
      }
      return out;
    }
    default:
      return value;
  }
}

/** `out[key] = value`, as an own data member even for `__proto__` (a user's table or attribute name). */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") setOwn(out, key, value);
  else out[key] = value;
}

function withoutNullValues(map: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in map) if (map[key] != null) put(out, key, map[key]);
  return out;
}

/**
 * An AttributeValue as the SDK's DynamoDB codec writes it (`writeAttributeValue`), ready for
 * `JSON.stringify`: members whose value is null or undefined skipped, binary as base64, `null`
 * kept in an `L`, `BOOL` and `NULL` as booleans, and text members (`S`, `N`, a `B` that is not a
 * `Uint8Array`, `SS`/`NS` elements) as its string writer takes them: a value with no length
 * (a number, a bigint, an `ArrayBuffer`) as `""`, one with a length that is not a string a
 * `TypeError` (named here by its path, where the SDK's message names none).
 */
function attributeValue(av: Record<string, unknown>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in av) {
    const value = av[key];
    if (value == null) continue;
    const at = path === "" ? key : `${path}.${key}`;
    let written: unknown;
    switch (key) {
      case "B":
        written = value instanceof Uint8Array ? base64(value) : text(value, at);
        break;
      case "BS":
        written = (value as unknown[]).map((element, i) => binary(element, `${at}[${i}]`));
        break;
      case "L":
        written = (value as unknown[]).map((element, i) =>
          element == null
            ? null
            : attributeValue(element as Record<string, unknown>, `${at}[${i}]`),
        );
        break;
      case "M": {
        const map: Record<string, unknown> = {};
        for (const name in value as Record<string, unknown>) {
          const member = (value as Record<string, unknown>)[name];
          if (member != null)
            put(map, name, attributeValue(member as Record<string, unknown>, `${at}.${name}`));
        }
        written = map;
        break;
      }
      case "SS":
      case "NS":
        written = (value as unknown[]).map((element, i) => text(element, `${at}[${i}]`));
        break;
      case "S":
      case "N":
        written = text(value, at);
        break;
      case "BOOL":
      case "NULL":
        written = Boolean(value);
        break;
      default:
        written = value;
    }
    put(out, key, written);
  }
  return out;
}

/** A value under a text member, as the SDK's JSON string writer takes it. */
function text(value: unknown, at: string): string {
  if (typeof value === "string") return value;
  const length = value == null ? undefined : (value as { length?: unknown }).length;
  if (value == null || (typeof length === "number" && length > 0))
    throw new TypeError(`AttributeValue ${at}: expected a string, got ${describe(value)}`);
  return "";
}

/** An element of `BS`: the SDK writes a `Uint8Array` as base64 and encodes a string's UTF-8. */
function binary(value: unknown, at: string): string {
  if (value instanceof Uint8Array) return base64(value);
  if (typeof value === "string") return Buffer.from(value, "utf8").toString("base64");
  throw new TypeError(`AttributeValue ${at}: expected a Uint8Array, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null || typeof value !== "object")
    return String(value === null ? "null" : typeof value);
  return (value as object).constructor?.name ?? "an object";
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
