/**
 * Schema-less decoding: an `AttributeValue` to the JS value of the default mapping.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { PathError, describe, describeAttr, withSegment } from "./path-error.js";
import { MAX_DEPTH, define, tooDeep } from "./marshal.js";
import { parseN, type NumberValue } from "./numbers.js";

type AV = {
  S?: string;
  N?: string;
  BOOL?: boolean;
  NULL?: boolean;
  M?: Record<string, AttributeValue>;
  L?: AttributeValue[];
  B?: Uint8Array;
  SS?: string[];
  NS?: string[];
  BS?: Uint8Array[];
};

/**
 * Decodes any attribute value; `wrap` keeps imprecise numbers as `NumberValue`s, `depth` is
 * the nesting level of its container (DynamoDB returns nothing deeper than {@link MAX_DEPTH}
 * levels, so a deeper value, from another source, is refused rather than overflow the stack).
 */
export function decodeValue(av: AttributeValue, wrap: boolean, depth: number): unknown {
  const a = av as AV;
  let x: unknown;
  if ((x = a.S) !== undefined) return typeof x === "string" ? x : member(a);
  if ((x = a.N) !== undefined) return typeof x === "string" ? parseN(x, wrap) : member(a);
  if ((x = a.M) !== undefined)
    return decodeMap(x as Record<string, AttributeValue>, wrap, depth + 1);
  if ((x = a.BOOL) !== undefined) return typeof x === "boolean" ? x : member(a);
  if ((x = a.L) !== undefined) return decodeList(x as AttributeValue[], wrap, depth + 1);
  if (a.NULL !== undefined) return null;
  return decodeRare(a, wrap);
}

function decodeRare(a: AV, wrap: boolean): unknown {
  if (a === null || typeof a !== "object")
    throw new PathError(`${describeAttr(a)} is not an attribute value`);
  if (a.B !== undefined) return a.B instanceof Uint8Array ? a.B : member(a);
  if (a.SS !== undefined) return new Set(members(a, a.SS, "string"));
  if (a.NS !== undefined) {
    const out = new Set<number | NumberValue>();
    for (const n of members(a, a.NS, "string")) out.add(parseN(n, wrap));
    return out;
  }
  if (a.BS !== undefined) return new Set(members(a, a.BS, "binary"));
  throw new PathError(`${describeAttr(a)} is not an attribute value dyno-ts can read`);
}

/** An attribute value whose member is not of its type (`{ S: null }`, `{ M: [] }`): refused. */
function member(a: AV): never {
  throw new PathError(`${describeAttr(a)} is not an attribute value`);
}

/** The members of a set attribute value, each checked to be of the set's type. */
function members<E>(
  a: AV,
  list: readonly E[] | undefined,
  type: "string" | "binary",
): readonly E[] {
  if (!Array.isArray(list)) member(a);
  for (const x of list!) {
    if (type === "string" ? typeof x !== "string" : !(x instanceof Uint8Array)) {
      throw new PathError(`${describeAttr(a)} holds ${describe(x)}, which is not a ${type}`);
    }
  }
  return list!;
}

/** Decodes the attributes of a map (or an item) at nesting level `depth` into a plain object. */
export function decodeMap(
  m: Record<string, AttributeValue>,
  wrap: boolean,
  depth: number,
): Record<string, unknown> {
  if (depth > MAX_DEPTH) tooDeep();
  if (m === null || typeof m !== "object" || Array.isArray(m)) {
    throw new PathError(`${describeAttr({ M: m })} is not an attribute value`);
  }
  const out: Record<string, unknown> = {};
  let k: string | undefined;
  try {
    for (k in m) {
      const av = m[k];
      if (av === undefined) continue;
      const s = (av as AV).S;
      if (k === "__proto__") define(out, k, decodeValue(av, wrap, depth));
      else out[k] = typeof s === "string" ? s : decodeValue(av, wrap, depth);
    }
  } catch (e) {
    throw withSegment(e, k!);
  }
  return out;
}

/** Decodes the elements of a list at nesting level `depth` into an array. */
export function decodeList(l: AttributeValue[], wrap: boolean, depth: number): unknown[] {
  if (depth > MAX_DEPTH) tooDeep();
  const n = l.length;
  const out: unknown[] = new Array(n);
  let i = 0;
  try {
    for (; i < n; i++) out[i] = decodeValue(l[i], wrap, depth);
  } catch (e) {
    throw withSegment(e, i);
  }
  return out;
}
