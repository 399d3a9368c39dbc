/**
 * Schema-less encoding: any JS value of the default mapping to an `AttributeValue`.
 * Dispatch is by `typeof` first, loops are indexed or `for...in`, and paths are only built
 * when something goes wrong (see `path-error.ts`).
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { DepthError, PathError, describe, withSegment } from "./path-error.js";
import { toAttribute, toItem } from "./hooks.js";
import { isoOf } from "./iso.js";
import { bigintToN, canonicalN, decimalToN, isNumberValue, numberToN } from "./numbers.js";

/** DynamoDB nests at most 32 levels, the item itself being the first. */
export const MAX_DEPTH = 32;

/** Throws for a container at `depth` below the item when DynamoDB cannot nest that deep. */
export function tooDeep(): never {
  throw new DepthError(`nested deeper than DynamoDB's limit of ${MAX_DEPTH} levels`);
}

/** Encodes any value of the default mapping; `depth` is the nesting level of its container. */
export function encodeValue(v: unknown, depth: number): AttributeValue {
  switch (typeof v) {
    case "string":
      return { S: v };
    case "number":
      return { N: numberToN(v) };
    case "boolean":
      return { BOOL: v };
    case "object":
      return v === null ? { NULL: true } : encodeObject(v, depth);
    case "bigint":
      return { N: bigintToN(v) };
    case "undefined":
      throw new PathError("undefined cannot be stored here (use null, or leave the property out)");
    default:
      throw new PathError(`a ${typeof v} cannot be stored`);
  }
}

/** Encodes a non-null object: array, plain object, hooks, Date, Set, Map, binary, ... */
export function encodeObject(v: object, depth: number): AttributeValue {
  if (Array.isArray(v)) return { L: encodeList(v, depth + 1) };
  const hook = (v as { [toAttribute]?: unknown })[toAttribute];
  if (hook !== undefined) return callToAttribute(v, hook);
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    if ((v as { [toItem]?: unknown })[toItem] !== undefined) return { M: callToItem(v) };
    return { M: encodeMap(v as Record<string, unknown>, depth + 1) };
  }
  return encodeInstance(v, depth);
}

/** Encodes the properties of an object as a map; `undefined` properties are left out. */
export function encodeMap(
  v: Record<string, unknown>,
  depth: number,
): Record<string, AttributeValue> {
  if (depth > MAX_DEPTH) tooDeep();
  const out: Record<string, AttributeValue> = {};
  let k: string | undefined;
  try {
    for (k in v) {
      const x = v[k];
      if (x === undefined) continue;
      if (k === "__proto__" || k === "") define(out, checkName(k), encodeValue(x, depth));
      else out[k] = typeof x === "string" ? { S: x } : encodeValue(x, depth);
    }
  } catch (e) {
    throw withSegment(e, k!, v);
  }
  return out;
}

/** Encodes the elements of an array as a list; an `undefined` element is an error. */
export function encodeList(v: readonly unknown[], depth: number): AttributeValue[] {
  if (depth > MAX_DEPTH) tooDeep();
  const n = v.length;
  const out: AttributeValue[] = new Array(n);
  let i = 0;
  try {
    for (; i < n; i++) {
      const x = v[i];
      out[i] = typeof x === "string" ? { S: x } : encodeValue(x, depth);
    }
  } catch (e) {
    throw withSegment(e, i, v);
  }
  return out;
}

/** Throws on an empty attribute name, which DynamoDB rejects (at any depth). */
export function checkName(k: string): string {
  if (k === "") throw new PathError("an attribute name cannot be empty (DynamoDB rejects it)");
  return k;
}

/**
 * True for a name every object inherits from `Object.prototype` (`constructor`, `toString`,
 * `__proto__`, ...): a field of that name is read with {@link own}, so that only the
 * object's own property counts.
 */
export function inherited(k: string): boolean {
  return k in Object.prototype;
}

/** `o[k]` when `k` is an own property of `o`, else `undefined`. */
export function own(o: object, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined;
}

/** Sets `out[k]` as an own data property, even for `"__proto__"`. */
export function define(out: object, k: string, value: unknown): void {
  Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
}

/** Calls a value's `[toAttribute]()` and checks that it returned an attribute value. */
export function callToAttribute(v: object, hook: unknown): AttributeValue {
  if (typeof hook !== "function")
    throw new PathError(`[toAttribute] of ${describe(v)} is not a method`);
  let av: unknown;
  try {
    av = hook.call(v);
  } catch (e) {
    throw new PathError(
      `[toAttribute]() of ${describe(v)} failed: ${e instanceof Error ? e.message : String(e)}`,
      e,
    );
  }
  if (av === null || typeof av !== "object") {
    throw new PathError(
      `[toAttribute]() of ${describe(v)} returned ${describe(av)}, not an attribute value`,
    );
  }
  return av as AttributeValue;
}

/** Calls a value's `[toItem]()` and checks that it returned an object. */
export function callToItem(v: object): Record<string, AttributeValue> {
  const hook = (v as { [toItem]?: unknown })[toItem];
  if (typeof hook !== "function") throw new PathError(`[toItem] of ${describe(v)} is not a method`);
  let item: unknown;
  try {
    item = hook.call(v);
  } catch (e) {
    throw new PathError(
      `[toItem]() of ${describe(v)} failed: ${e instanceof Error ? e.message : String(e)}`,
      e,
    );
  }
  if (item === null || typeof item !== "object" || Array.isArray(item)) {
    throw new PathError(`[toItem]() of ${describe(v)} returned ${describe(item)}, not an item`);
  }
  return item as Record<string, AttributeValue>;
}

const LOSSY = [Promise, WeakMap, WeakSet, RegExp, Error] as const;

function encodeInstance(v: object, depth: number): AttributeValue {
  if (v instanceof Date) return { S: dateToIso(v) };
  if (v instanceof Uint8Array) return { B: v };
  if (v instanceof Set) return encodeSet(v);
  if (v instanceof Map) return { M: encodeMapObject(v, depth + 1) };
  if (isNumberValue(v)) return { N: decimalToN(v.value) };
  if ((v as { [toItem]?: unknown })[toItem] !== undefined) return { M: callToItem(v) };
  if (v instanceof ArrayBuffer) return { B: new Uint8Array(v) };
  if (ArrayBuffer.isView(v)) {
    throw new PathError(
      `${describe(v)} cannot be stored: convert it to a Uint8Array to store its bytes`,
    );
  }
  if (v instanceof String || v instanceof Number || v instanceof Boolean)
    return encodeValue(v.valueOf(), depth);
  for (const C of LOSSY) {
    if (v instanceof C) throw new PathError(`${describe(v)} cannot be stored`);
  }
  // Any other class instance: its own enumerable properties, like a Go struct's fields.
  return { M: encodeMap(v as Record<string, unknown>, depth + 1) };
}

/** `Date` → ISO 8601; an invalid date is an error. */
export function dateToIso(d: Date): string {
  const t = d.getTime();
  if (t !== t) throw new PathError("an invalid Date cannot be stored");
  return isoOf(d, t);
}

function encodeMapObject(m: Map<unknown, unknown>, depth: number): Record<string, AttributeValue> {
  if (depth > MAX_DEPTH) tooDeep();
  const out: Record<string, AttributeValue> = {};
  for (const [k, x] of m) {
    if (typeof k !== "string")
      throw new PathError(`a Map key must be a string to be stored, not ${describe(k)}`);
    if (x === undefined) continue;
    try {
      define(out, checkName(k), encodeValue(x, depth));
    } catch (e) {
      throw withSegment(e, k, m);
    }
  }
  return out;
}

/** Encodes a `Set` of strings (SS), numbers / bigints / NumberValues (NS) or binaries (BS). */
export function encodeSet(set: ReadonlySet<unknown>): AttributeValue {
  if (set.size === 0)
    throw new PathError("an empty set cannot be stored (DynamoDB has no empty sets)");
  let kind: "S" | "N" | "B" | undefined;
  // Distinct JS numbers are distinct decimals; a bigint or a NumberValue may equal another member.
  let exact = false;
  const out: (string | Uint8Array)[] = [];
  for (const x of set) {
    let k: "S" | "N" | "B";
    let member: string | Uint8Array;
    if (typeof x === "string") {
      k = "S";
      member = x;
    } else if (typeof x === "number") {
      k = "N";
      member = numberToN(x);
    } else if (typeof x === "bigint") {
      k = "N";
      member = bigintToN(x);
      exact = true;
    } else if (x instanceof Uint8Array) {
      k = "B";
      member = x;
    } else if (x !== null && typeof x === "object" && isNumberValue(x)) {
      k = "N";
      member = decimalToN(x.value);
      exact = true;
    } else {
      throw new PathError(`a set can hold strings, numbers or binaries, not ${describe(x)}`);
    }
    if (kind === undefined) kind = k;
    else if (k !== kind)
      throw new PathError(`a mixed set cannot be stored (it holds both ${kind} and ${k} members)`);
    out.push(member);
  }
  if (kind === "S") return { SS: out as string[] };
  if (kind === "N") {
    if (exact) distinct(set, out, (n) => canonicalN(n as string), "number");
    return { NS: out as string[] };
  }
  distinct(set, out, bytesKey, "binary");
  return { BS: out as Uint8Array[] };
}

/** The bytes of a binary as a string, to compare binaries by content. */
export function bytesKey(b: string | Uint8Array): string {
  const u = b as Uint8Array;
  let key = "";
  for (let i = 0; i < u.length; i += 8192)
    key += String.fromCharCode.apply(null, u.subarray(i, i + 8192) as unknown as number[]);
  return key;
}

/**
 * {@link distinct} for a binary set: a small set is compared pairwise, byte by byte, instead of
 * building a key string per member (most of the cost of a small set); a duplicate, or a larger
 * set, goes to {@link distinct}, so the error is the same.
 */
export function distinctBytes(set: ReadonlySet<unknown>, stored: readonly Uint8Array[]): void {
  const n = stored.length;
  if (n < 2) return;
  if (n > 8) return distinct(set, stored, bytesKey, "binary");
  for (let i = 1; i < n; i++) {
    const a = stored[i]!;
    const len = a.length;
    for (let j = 0; j < i; j++) {
      const b = stored[j]!;
      if (b.length !== len) continue;
      let k = 0;
      while (k < len && a[k] === b[k]) k++;
      if (k === len) return distinct(set, stored, bytesKey, "binary");
    }
  }
}

/**
 * Throws when two members of a set are stored as the same value (DynamoDB rejects such a set
 * as holding duplicates): `1` and `1n`, `1` and `NumberValue("1.0")`, two equal Uint8Arrays.
 * `stored[i]` is the stored form of the i-th member of `set`.
 */
export function distinct(
  set: ReadonlySet<unknown>,
  stored: readonly (string | Uint8Array)[],
  key: (m: string | Uint8Array) => string,
  what: "number" | "binary",
): void {
  if (stored.length < 2) return;
  const seen = new Map<string, number>();
  for (let i = 0; i < stored.length; i++) {
    const k = key(stored[i]);
    const j = seen.get(k);
    if (j === undefined) {
      seen.set(k, i);
      continue;
    }
    const members = [...set];
    const shown =
      what === "number"
        ? `${describe(members[j])} and ${describe(members[i])}`
        : `two Uint8Arrays of the same bytes (${(stored[i] as Uint8Array).length} long)`;
    throw new PathError(
      `the set holds ${shown}, which DynamoDB stores as the same ${what}: a set cannot hold duplicates`,
    );
  }
}
