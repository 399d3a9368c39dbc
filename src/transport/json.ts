/**
 * The JSON bodies of the data-plane operations. SDK inputs are already in DynamoDB's JSON
 * shape except for binary values (`Uint8Array`, sent as base64) and the idempotency token
 * that the SDK fills in for TransactWriteItems and ExecuteTransaction; outputs are DynamoDB's
 * JSON except for binary values (base64 in JSON, `Uint8Array` in the SDK's outputs).
 * @module
 */
import { randomUUID } from "node:crypto";
import { hasUnknownMembers, inputSchema, serializable } from "./shape.js";

/** Operations whose `ClientRequestToken` the SDK generates when the input has none. */
const idempotentOperations: ReadonlySet<string> = new Set([
  "TransactWriteItems",
  "ExecuteTransaction",
]);

/**
 * Where `JSON.stringify` wrote a binary value: a `Uint8Array` under `B` or in `BS` becomes an
 * object (`{"0":..}`, or `{}` when empty; a `Buffer` `{"type":"Buffer",..}`), where an
 * AttributeValue (the only other thing a `B` key can hold, as an attribute name) has a type
 * key. Inside a JSON string every quote is escaped, so text cannot match.
 */
const SERIALIZED_BINARY = /"BS?":\[?\{(?:"0"|"type"|\})/;

/** A JSON string (its quotes escaped inside, so it cannot end early). */
const STRING = String.raw`"(?:[^"\\]|\\.)*"`;

/**
 * Where an AttributeValue member may hold what the SDK's codec does not send as given: binary
 * (`B`, `BS`), anything but a string under `S`, `N` or `B`, anything but a boolean under `BOOL`
 * or `NULL`, a set of text with an element that is not a string. An attribute named like a
 * type (`{"S":{"S":"x"}}`) matches too, which only costs the walk.
 */
const NOT_AS_GIVEN = new RegExp(
  String.raw`"(?:[SNB]|BS)":[^"]|"(?:BOOL|NULL)":[^tf]|"[SN]S":\[(?!\]|${STRING}(?:,${STRING})*\])`,
);

/**
 * The request body of `operation` with `input`, as the SDK's serializer writes it: members the
 * operation's input does not declare and null or undefined values are not sent, AttributeValues
 * as the SDK's DynamoDB codec writes them (see `shape.ts`).
 */
export function requestBody(operation: string, input: object): string {
  let body = input as Record<string, unknown>;
  if (idempotentOperations.has(operation) && body.ClientRequestToken == null) {
    body = { ...body, ClientRequestToken: randomUUID() };
  }
  const schema = inputSchema(operation);
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    // a bigint: the SDK writes one as a number, or under `N`/`S` as its string writer takes it
    if (schema === undefined) throw error;
    return JSON.stringify(serializable(schema, body));
  }
  if (schema === undefined)
    return SERIALIZED_BINARY.test(text) ? JSON.stringify(withoutBinary(body)) : text;
  // Most inputs need no copy: the text shows any null (undefined in a list too) and any
  // AttributeValue member not sent as given, a walk of the structures (not the items) any
  // unknown member; only then is a copy made as the SDK would write it.
  if (hasNull(text) || NOT_AS_GIVEN.test(text) || hasUnknownMembers(schema, body))
    return JSON.stringify(serializable(schema, body));
  return text;
}

/**
 * Whether `text` holds `null`. `"ull"` first: V8 scans for a pattern's first character, and `n`
 * is among the most frequent in a body (a 25-item batch: ~35 µs for `"null"`, under 2 µs for
 * `"ull"`); every `null` holds `ull`, so only a body that has it is searched again.
 */
function hasNull(text: string): boolean {
  return text.includes("ull") && text.includes("null");
}

/** `value` with every `Uint8Array` replaced by its base64 text (a copy only where needed). */
function withoutBinary(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Uint8Array) return base64(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      const replaced = withoutBinary(element);
      if (replaced !== element) (copy ??= value.slice())[i] = replaced;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const element = (value as Record<string, unknown>)[key];
    if (typeof element !== "object" || element === null) continue;
    const replaced = withoutBinary(element);
    if (replaced !== element) (copy ??= { ...(value as Record<string, unknown>) })[key] = replaced;
  }
  return copy ?? value;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * Parses a response body: DynamoDB's JSON, with every binary attribute value (`{ B }`, `{ BS }`,
 * at any depth: items, keys, unprocessed requests, cancellation reasons) as `Uint8Array`.
 */
export function parseBody(text: string): Record<string, unknown> {
  if (text.length === 0) return {};
  const parsed = JSON.parse(text) as Record<string, unknown>;
  // Only a body with a "B" or "BS" key can hold binary: skip the walk otherwise (a regular
  // expression scans a large page about three times faster than two `includes`).
  if (BINARY_KEY.test(text)) decodeBinary(parsed);
  return parsed;
}

const BINARY_KEY = /"BS?":/;

function decodeBinary(value: unknown): void {
  if (typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    for (const element of value) decodeBinary(element);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const element = record[key];
    if (key === "B" && typeof element === "string") record[key] = fromBase64(element);
    else if (key === "BS" && Array.isArray(element) && typeof element[0] === "string") {
      record[key] = element.map((entry) => fromBase64(entry as string));
    } else decodeBinary(element);
  }
}

/** Base64 text as a plain `Uint8Array` (not a `Buffer`), as the SDK gives binary values. */
export function fromBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, "base64");
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
