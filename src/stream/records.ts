/**
 * Stream records as they arrive — in a Lambda `DynamoDBStreamEvent` (binary values base64) or
 * from the DynamoDB Streams API (`GetRecords`, binary values as bytes) — checked and turned
 * into stored items the models decode.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import { setOwn } from "../own.js";
import type { StoredItem } from "../table/model.js";

/** What happened to the item: DynamoDB Streams' `eventName`. */
export type ChangeType = "INSERT" | "MODIFY" | "REMOVE";

/**
 * An attribute value as a stream record carries it: the SDK's `AttributeValue`, except that a
 * Lambda event carries `B` and `BS` members as base64 strings.
 */
export type StreamAttributeValue =
  | AttributeValue
  | { B: string }
  | { BS: readonly string[] }
  | { M: Record<string, StreamAttributeValue> }
  | { L: readonly StreamAttributeValue[] };

/** The `dynamodb` part of a stream record (Lambda's and the Streams API's have the same members). */
export interface StreamRecordData {
  /** The primary key attributes of the item changed. */
  readonly Keys?: Record<string, StreamAttributeValue>;
  /** The item after the change (views `NEW_IMAGE`, `NEW_AND_OLD_IMAGES`). */
  readonly NewImage?: Record<string, StreamAttributeValue>;
  /** The item before the change (views `OLD_IMAGE`, `NEW_AND_OLD_IMAGES`). */
  readonly OldImage?: Record<string, StreamAttributeValue>;
  /** The record's sequence number, unique and ordered within its shard. */
  readonly SequenceNumber?: string;
  /** When the change was made: epoch seconds in Lambda events, a `Date` from the Streams API. */
  readonly ApproximateCreationDateTime?: number | Date;
  /** The size of the record in bytes. */
  readonly SizeBytes?: number;
  /** Which images the stream records. */
  readonly StreamViewType?: string;
}

/**
 * One stream record: the shape of a Lambda `DynamoDBStreamEvent` record and of a Streams API
 * `Record` (structural, so neither `aws-lambda` types nor the streams client are needed).
 */
export interface StreamRecordInput {
  /** `"INSERT"`, `"MODIFY"` or `"REMOVE"`. */
  readonly eventName?: string;
  /** The record's unique id. */
  readonly eventID?: string;
  /** The stream's ARN (Lambda events); names the table the record comes from. */
  readonly eventSourceARN?: string;
  /** Who made the change: `{ type: "Service", principalId: "dynamodb.amazonaws.com" }` for a TTL deletion. */
  readonly userIdentity?: { readonly type?: string; readonly principalId?: string } | null;
  /** The change itself. */
  readonly dynamodb?: StreamRecordData;
}

/** A Lambda `DynamoDBStreamEvent` (structurally), or an array of records (Lambda's or the Streams API's). */
export type StreamEventInput =
  { readonly Records: readonly StreamRecordInput[] } | readonly StreamRecordInput[];

/** A record checked and converted: images and keys as stored items, bytes decoded. */
export interface ParsedRecord {
  readonly index: number;
  readonly type: ChangeType;
  readonly table: string | undefined;
  readonly keys: StoredItem | undefined;
  readonly newImage: StoredItem | undefined;
  readonly oldImage: StoredItem | undefined;
  readonly sequenceNumber: string | undefined;
  readonly removedByTtl: boolean;
  readonly record: StreamRecordInput;
}

const CHANGE_TYPES: ReadonlySet<string> = new Set(["INSERT", "MODIFY", "REMOVE"]);

/**
 * The records of an event, checked to be an array.
 * @throws DynoValidationError naming `event` when it is neither an event nor an array of records.
 */
export function recordsOf(event: StreamEventInput): readonly StreamRecordInput[] {
  if (Array.isArray(event)) return event as readonly StreamRecordInput[];
  const records =
    event !== null && typeof event === "object"
      ? (event as { Records?: unknown }).Records
      : undefined;
  if (!Array.isArray(records)) {
    throw new DynoValidationError(
      "event",
      "expected a DynamoDB stream event ({ Records: [...] }) or an array of stream records",
    );
  }
  return records as readonly StreamRecordInput[];
}

/** The table a stream ARN belongs to (`arn:aws:dynamodb:region:account:table/NAME/stream/...`). */
export function tableOfStreamArn(arn: string | undefined): string | undefined {
  if (typeof arn !== "string") return undefined;
  const match = /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/([^/]+)\/stream\/./.exec(arn);
  return match?.[1];
}

/**
 * Checks and converts record `index`.
 * @throws DynoValidationError naming `Records[index]....` for a record that is not a DynamoDB
 *   stream record: an unknown event name, no `dynamodb` member, an `eventSourceARN` that is not
 *   a DynamoDB stream's, a malformed attribute value (a number included).
 */
export function parseRecord(record: StreamRecordInput, index: number): ParsedRecord {
  const where = `Records[${index}]`;
  if (record === null || typeof record !== "object") {
    throw new DynoValidationError(where, "expected a stream record object");
  }
  const type = record.eventName;
  if (typeof type !== "string" || !CHANGE_TYPES.has(type)) {
    throw new DynoValidationError(
      `${where}.eventName`,
      `expected "INSERT", "MODIFY" or "REMOVE", got ${JSON.stringify(type) ?? "undefined"}`,
    );
  }
  const data = record.dynamodb;
  if (data === null || typeof data !== "object") {
    throw new DynoValidationError(`${where}.dynamodb`, "the record has no dynamodb member");
  }
  const sequenceNumber = data.SequenceNumber;
  if (
    sequenceNumber !== undefined &&
    (typeof sequenceNumber !== "string" || sequenceNumber === "")
  ) {
    throw new DynoValidationError(
      `${where}.dynamodb.SequenceNumber`,
      "expected a non-empty string",
    );
  }
  const identity = record.userIdentity;
  const arn: unknown = record.eventSourceARN;
  const table = arn === undefined || arn === null ? undefined : tableOfStreamArn(arn as string);
  if (arn !== undefined && arn !== null && table === undefined) {
    throw new DynoValidationError(
      `${where}.eventSourceARN`,
      `expected a DynamoDB stream ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL), got ${JSON.stringify(arn) ?? String(arn)}`,
    );
  }
  return {
    index,
    type: type as ChangeType,
    table,
    keys: imageOf(data.Keys, `${where}.dynamodb.Keys`),
    newImage: imageOf(data.NewImage, `${where}.dynamodb.NewImage`),
    oldImage: imageOf(data.OldImage, `${where}.dynamodb.OldImage`),
    sequenceNumber,
    removedByTtl:
      type === "REMOVE" &&
      identity?.type === "Service" &&
      identity.principalId === "dynamodb.amazonaws.com",
    record,
  };
}

function imageOf(
  image: Record<string, StreamAttributeValue> | undefined,
  where: string,
): StoredItem | undefined {
  if (image === undefined || image === null) return undefined;
  if (typeof image !== "object" || Array.isArray(image)) {
    throw new DynoValidationError(where, "expected a map of attribute values");
  }
  return mapOf(image, where);
}

function mapOf(m: Record<string, StreamAttributeValue>, where: string): StoredItem {
  const out: StoredItem = {};
  for (const name of Object.keys(m)) setOwn(out, name, valueOf(m[name], `${where}.${name}`));
  return out;
}

function valueOf(v: unknown, where: string): AttributeValue {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new DynoValidationError(where, "expected an attribute value such as { S: ... }");
  }
  const members = Object.keys(v);
  if (members.length !== 1) {
    throw new DynoValidationError(
      where,
      `an attribute value has exactly one type member, got ${members.length ? members.join(", ") : "none"}`,
    );
  }
  const tag = members[0]!;
  const x = (v as Record<string, unknown>)[tag];
  switch (tag) {
    case "S":
      if (typeof x === "string") return { S: x };
      break;
    case "N":
      if (typeof x === "string" && NUMBER.test(x)) return { N: x };
      break;
    case "BOOL":
      if (typeof x === "boolean") return { BOOL: x };
      break;
    case "NULL":
      if (x === true) return { NULL: true };
      break;
    case "B":
      return { B: bytesOf(x, where) };
    case "SS":
    case "NS":
      if (
        Array.isArray(x) &&
        x.every((e) => typeof e === "string" && (tag === "SS" || NUMBER.test(e)))
      ) {
        return tag === "SS" ? { SS: [...(x as string[])] } : { NS: [...(x as string[])] };
      }
      break;
    case "BS":
      if (Array.isArray(x)) return { BS: x.map((e, i) => bytesOf(e, `${where}[${i}]`)) };
      break;
    case "M":
      if (x !== null && typeof x === "object" && !Array.isArray(x)) {
        return { M: mapOf(x as Record<string, StreamAttributeValue>, where) };
      }
      break;
    case "L":
      if (Array.isArray(x)) return { L: x.map((e, i) => valueOf(e, `${where}[${i}]`)) };
      break;
    default:
      throw new DynoValidationError(where, `unknown attribute value type ${JSON.stringify(tag)}`);
  }
  throw new DynoValidationError(where, `malformed ${tag} value`);
}

/** A DynamoDB number as the wire carries it: decimal digits, an optional sign, point and exponent. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes from a Lambda event's base64 string, or the Streams API's bytes as they are. */
function bytesOf(x: unknown, where: string): Uint8Array {
  if (x instanceof Uint8Array) return x;
  if (typeof x !== "string") {
    throw new DynoValidationError(where, "expected binary data: a base64 string or bytes");
  }
  if (!BASE64.test(x)) throw new DynoValidationError(where, "malformed base64 binary value");
  const buf = Buffer.from(x, "base64");
  return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}
