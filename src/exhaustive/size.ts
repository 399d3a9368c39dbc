/**
 * Item sizes, for DynamoDB's limits: an item's size as DynamoDB counts it (attribute names plus
 * values, for the 400 KB item limit) and a close upper bound of its JSON size on the wire (for
 * the 16 MB request limit). Both in one walk over the item.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** DynamoDB's item size limit: 400 KB. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** DynamoDB's request size limit for BatchWriteItem / BatchGetItem: 16 MB. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

// eslint-disable-next-line no-control-regex -- JSON escapes exactly these characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029]/;

/** Sizes of one item: as DynamoDB counts it, and a bound of its JSON on the wire. */
export interface ItemSize {
  bytes: number;
  wire: number;
}

let wire = 0;

function stringWire(value: string, bytes: number): number {
  return NEEDS_ESCAPE.test(value) ? Buffer.byteLength(JSON.stringify(value)) : bytes + 2;
}

function numberBytes(value: string): number {
  const digits = value
    .replace(/[eE].*$/, "")
    .replace(/[^0-9]/g, "")
    .replace(/^0+|0+$/g, "").length;
  return Math.ceil(Math.max(1, digits) / 2) + 1;
}

function valueSize(value: AttributeValue): number {
  wire += 8;
  if (value.S !== undefined) {
    const bytes = Buffer.byteLength(value.S);
    wire += stringWire(value.S, bytes);
    return bytes;
  }
  if (value.N !== undefined) {
    wire += value.N.length + 2;
    return numberBytes(value.N);
  }
  if (value.B !== undefined) {
    wire += Math.ceil(value.B.length / 3) * 4 + 2;
    return value.B.length;
  }
  if (value.BOOL !== undefined || value.NULL !== undefined) {
    wire += 5;
    return 1;
  }
  if (value.SS) return value.SS.reduce((sum, s) => sum + valueSize({ S: s }), 0);
  if (value.NS) return value.NS.reduce((sum, n) => sum + valueSize({ N: n }), 0);
  if (value.BS) return value.BS.reduce((sum, b) => sum + valueSize({ B: b }), 0);
  if (value.L) return value.L.reduce((sum, v) => sum + 1 + valueSize(v), 3);
  if (value.M) return 3 + mapSize(value.M, 1);
  return 0;
}

function mapSize(map: Record<string, AttributeValue>, perEntry: number): number {
  let size = 0;
  for (const name in map) {
    const bytes = Buffer.byteLength(name);
    wire += stringWire(name, bytes) + 2;
    size += perEntry + bytes + valueSize(map[name]);
  }
  return size;
}

/** The sizes of an item (or a key). */
export function itemSize(item: Record<string, AttributeValue>): ItemSize {
  wire = 2;
  const bytes = mapSize(item, 0);
  return { bytes, wire };
}
