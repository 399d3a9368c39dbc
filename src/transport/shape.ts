/**
 * The request members the SDK's serializer sends, from its own schemas of the operations
 * (`@aws-sdk/client-dynamodb`'s `XxxInput$`): a structure's members only (unknown ones are
 * dropped), no member, map value or union member whose value is null or undefined, list
 * elements as given (`null` included, as the SDK sends them). Unions (AttributeValue) keep their
 * members as given, as the SDK's serializer keeps them.
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
    return value; // a list of simple values (64 + type: `SS`, `NS`, `BS`) is sent as given
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
    case UNION: {
      const names = s[4] as string[];
      const schemas = s[5] as Schema[];
      const out: Record<string, unknown> = {};
      for (const key in value) {
        const member = (value as Record<string, unknown>)[key];
        if (member == null) continue;
        const index = names.indexOf(key);
        put(out, key, index < 0 ? member : serializable(schemas[index]!, member));
      }
      return out;
    }
    case LIST:
      return Array.isArray(value)
        ? value.map((element: unknown) =>
            element == null ? null : serializable(s[4] as Schema, element),
          )
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
