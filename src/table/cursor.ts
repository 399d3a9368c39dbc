/**
 * Cursors: the opaque, URL-safe string a page of a query or scan hands to an API client, to
 * come back for the next page. It holds the page's `LastEvaluatedKey` and a digest of the read
 * it belongs to (table, index, key condition, filter and model), so a cursor of another read is
 * refused; with a secret it is signed (HMAC-SHA256), so a modified one is refused too.
 * Format: `base64url(JSON [1, key, binding])`, then `.` and `base64url(hmac)` when signed.
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import { setOwn } from "../own.js";

/** A `LastEvaluatedKey`. */
export type StartKey = Record<string, AttributeValue>;

/** The digest a cursor is bound to: what identifies the read (never its page size). */
export function bindingOf(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 22);
}

const sign = (secret: string | Uint8Array, payload: string) =>
  createHmac("sha256", secret).update(payload).digest("base64url");

/** Encodes a cursor. */
export function encodeCursor(
  key: StartKey,
  binding: string,
  secret: string | Uint8Array | undefined,
): string {
  const flat: Record<string, [string, string]> = {};
  for (const [attr, av] of Object.entries(key)) {
    if (av.S !== undefined) setOwn(flat, attr, ["S", av.S] as [string, string]);
    else if (av.N !== undefined) setOwn(flat, attr, ["N", av.N] as [string, string]);
    else if (av.B !== undefined)
      setOwn(flat, attr, ["B", Buffer.from(av.B).toString("base64")] as [string, string]);
    else throw new DynoValidationError("cursor", `a key attribute ${attr} that is not S, N or B`);
  }
  const payload = Buffer.from(JSON.stringify([1, flat, binding])).toString("base64url");
  return secret === undefined ? payload : `${payload}.${sign(secret, payload)}`;
}

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const refuse = (why: string): never => {
  throw new DynoValidationError("cursor", why);
};

/**
 * Decodes a cursor of the read `binding` holding exactly the key attributes `attrs`.
 * @throws DynoValidationError (field `cursor`): not a cursor, signed with another secret or
 *   modified, unsigned where a secret is set, or a cursor of another read.
 */
export function decodeCursor(
  cursor: unknown,
  binding: string,
  attrs: readonly string[],
  secret: string | Uint8Array | undefined,
): StartKey {
  if (typeof cursor !== "string" || cursor === "")
    refuse("expected a cursor string from a previous page");
  const [payload, signature, ...rest] = (cursor as string).split(".");
  if (rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(payload!)) refuse("not a cursor of dyno-ts");
  if (secret !== undefined) {
    if (signature === undefined)
      refuse("the cursor is not signed, and this model signs its cursors (cursorSecret)");
    const want = Buffer.from(sign(secret, payload!));
    const got = Buffer.from(signature!);
    if (want.length !== got.length || !timingSafeEqual(want, got)) {
      refuse("the cursor was modified, or signed with another secret");
    }
  } else if (signature !== undefined) {
    refuse("the cursor is signed, and this model has no cursorSecret to check it");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"));
  } catch {
    return refuse("not a cursor of dyno-ts");
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== 1 ||
    typeof parsed[2] !== "string"
  ) {
    refuse("not a cursor of dyno-ts");
  }
  const [, flat, bound] = parsed as [number, unknown, string];
  if (bound !== binding) refuse("the cursor belongs to another query or model");
  if (flat === null || typeof flat !== "object" || Array.isArray(flat))
    refuse("not a cursor of dyno-ts");
  const key: StartKey = {};
  const entries = Object.entries(flat as Record<string, unknown>);
  for (const [attr, v] of entries) {
    if (!attrs.includes(attr) || !Array.isArray(v) || v.length !== 2 || typeof v[1] !== "string") {
      refuse(`the cursor holds ${attr}, which is not a key attribute of this read`);
    }
    const [type, value] = v as [string, string];
    if (type === "S") setOwn(key, attr, { S: value } as AttributeValue);
    else if (type === "N" && NUMBER.test(value)) setOwn(key, attr, { N: value } as AttributeValue);
    else if (type === "B" && BASE64.test(value))
      setOwn(key, attr, { B: Buffer.from(value, "base64") } as AttributeValue);
    else
      refuse(
        `the cursor holds ${attr} as ${JSON.stringify(type)} ${JSON.stringify(value)}, not a key value`,
      );
  }
  const missing = attrs.filter((a) => !Object.prototype.hasOwnProperty.call(key, a));
  if (missing.length > 0)
    refuse(`the cursor lacks ${missing.join(", ")}, a key attribute of this read`);
  return key;
}
