/**
 * Items as JSON lines. `dynamodb`: `{"Item":{...}}` with AttributeValues (binary as base64), the
 * format of DynamoDB's own exports to S3 and lossless both ways. `plain`: the decoded item as
 * plain JSON, for reading (sets become arrays, binary base64 strings, numbers beyond a double's
 * precision strings).
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { NumberValue, marshalItem, unmarshalItem } from "../index.js";
import { illFormedIn, isWellFormed } from "../well-formed.js";
import type { Format } from "./args.js";

type Item = Record<string, AttributeValue>;

/** Sets an own property, even one named `__proto__` (an attribute name like any other). */
function define(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

const base64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");

function toJson(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(toJson) };
  if (value.M !== undefined) return { M: itemToJson(value.M) };
  return value;
}

function itemToJson(item: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) define(out, name, toJson(value));
  return out;
}

/** One item as a JSON line (without the newline). */
export function formatItem(item: Item, format: Format): string {
  if (format === "dynamodb") return JSON.stringify({ Item: itemToJson(item) });
  return JSON.stringify(
    unmarshalItem(item, undefined, { wrapNumbers: true }),
    (_key, value: unknown) => {
      if (value instanceof NumberValue) {
        const n = Number(value.value);
        return String(n) === value.value ? n : value.value;
      }
      if (value instanceof Set) return [...(value as Set<unknown>)];
      if (value instanceof Uint8Array) return base64(value);
      if (typeof value === "bigint") return value.toString();
      return value;
    },
  );
}

/** A line that is not a valid item: the message names the line. */
export class LineError extends Error {
  override name = "LineError";
}

const TYPES = new Set(["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"]);

/**
 * Decodes standard padded base64 (RFC 4648 section 4, as DynamoDB's exports write binary), refusing
 * anything else — the URL-safe alphabet, missing padding, whitespace, stray characters — that
 * `Buffer.from(text, "base64")` would silently decode into other bytes.
 */
function fromBase64(text: string, path: string): Uint8Array {
  const bytes = Buffer.from(text, "base64");
  const canonical = bytes.toString("base64");
  if (canonical !== text) {
    const shown =
      text.length > 40 ? `${JSON.stringify(text.slice(0, 40))}...` : JSON.stringify(text);
    if (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
      // The form is right, but the last character before the padding sets bits no byte holds.
      throw new LineError(
        `${path}: ${shown} is not canonical base64: the character before the "=" padding sets ` +
          `bits beyond the last byte (the same bytes are written ${JSON.stringify(canonical.slice(-4))} at the end)`,
      );
    }
    throw new LineError(
      `${path}: ${shown} is not standard padded base64 (A-Z a-z 0-9 + /, "=" padding to a ` +
        `multiple of 4 characters, no whitespace)`,
    );
  }
  return bytes;
}

function fromJson(value: unknown, path: string): AttributeValue {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new LineError(`${path}: expected an AttributeValue such as {"S":"..."}`);
  }
  const keys = Object.keys(value);
  const type = keys[0];
  if (keys.length !== 1 || !TYPES.has(type!)) {
    throw new LineError(
      `${path}: expected an AttributeValue with one of ${[...TYPES].join(", ")}, got keys ${JSON.stringify(keys)}`,
    );
  }
  const v = (value as Record<string, unknown>)[type!];
  const strings = (what: string) => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      throw new LineError(`${path}.${type}: expected an array of ${what}`);
    }
    return (v as string[]).map((x, i) => wellFormed(x, `${path}.${type}[${i}]`));
  };
  switch (type) {
    case "S":
    case "N":
      if (typeof v !== "string") throw new LineError(`${path}.${type}: expected a string`);
      wellFormed(v, `${path}.${type}`);
      return type === "S" ? { S: v } : { N: v };
    case "B":
      if (typeof v !== "string") throw new LineError(`${path}.B: expected a base64 string`);
      return { B: fromBase64(v, `${path}.B`) };
    case "SS":
      return { SS: strings("strings") };
    case "NS":
      return { NS: strings("number strings") };
    case "BS":
      return {
        BS: strings("base64 strings").map((s, i) => fromBase64(s, `${path}.BS[${i}]`)),
      };
    case "BOOL":
      if (typeof v !== "boolean") throw new LineError(`${path}.BOOL: expected true or false`);
      return { BOOL: v };
    case "NULL":
      if (v !== true) throw new LineError(`${path}.NULL: expected true`);
      return { NULL: true };
    case "L":
      if (!Array.isArray(v)) throw new LineError(`${path}.L: expected an array`);
      return { L: v.map((x, i) => fromJson(x, `${path}[${i}]`)) };
    default:
      return { M: itemFromJson(v, path) };
  }
}

function itemFromJson(value: unknown, path: string): Item {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new LineError(`${path}: expected an object of AttributeValues`);
  }
  const out: Item = {};
  for (const [name, v] of Object.entries(value)) {
    const at = `${path}.${name}`;
    define(
      out,
      wellFormed(name, `${path}[${JSON.stringify(name)}] (an attribute name)`),
      fromJson(v, at),
    );
  }
  return out;
}

/**
 * A string DynamoDB cannot store: one with a lone UTF-16 surrogate (a `"\ud800"` escape in JSON
 * without its pair), which has no UTF-8 form.
 */
const illFormed = (where: string): LineError =>
  new LineError(
    `${where}: holds a lone UTF-16 surrogate (a "\\ud800"-like escape without its pair), ` +
      `which has no UTF-8 form: DynamoDB cannot store it`,
  );

/** `text`, refused when it is not well-formed UTF-16. */
function wellFormed(text: string, where: string): string {
  if (!isWellFormed(text)) throw illFormed(where);
  return text;
}

/** Parses one JSON line into an item; throws {@link LineError} naming what is wrong. */
export function parseItem(line: string, format: Format): Item {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new LineError(`not JSON: ${(error as Error).message}`);
  }
  if (format === "plain") {
    if (!json || typeof json !== "object" || Array.isArray(json))
      throw new LineError("expected a JSON object");
    const item = marshalItem(json as Record<string, unknown>);
    const bad = illFormedIn(item, "item");
    if (bad !== undefined) throw illFormed(bad);
    return item;
  }
  const wrapper = json as { Item?: unknown } | null;
  if (
    !wrapper ||
    typeof wrapper !== "object" ||
    Array.isArray(wrapper) ||
    !Object.hasOwn(wrapper, "Item")
  ) {
    throw new LineError(
      'expected {"Item":{...}} (the dynamodb format; --format plain reads plain objects)',
    );
  }
  return itemFromJson(wrapper.Item, "Item");
}
