/**
 * Key identity as DynamoDB judges it: two keys name the same item exactly when, attribute by
 * attribute, their numbers have the same decimal value (any notation, any number of digits:
 * `"1E+30"`, `"1000000000000000000000000000000"` and `"10e29"` are one; `-0` is `0`), their
 * binaries the same bytes (a `Uint8Array` of any view, a `Buffer`, or base64 text as on the
 * wire) and their strings the same code points (a string with a lone surrogate has no identity:
 * DynamoDB cannot store it as given, see `well-formed.ts`). The identity is a string built so that no two
 * different keys can share it: every attribute name and value is length-prefixed, so no choice
 * of names, NULs or separators inside a value can make one key read as another.
 *
 * Everything that compares keys (batch runs, matching unprocessed keys, the Table model's
 * batch reads, builders checking for duplicates) goes through this module.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import { decompose } from "./numbers.js";
import { isWellFormed } from "../well-formed.js";

/** An item or key as AttributeValues. */
type AttributeMap = Record<string, AttributeValue>;

/** Why a value has no key identity; `undefined` when it has one. */
type Refusal = string;

/** A length-prefixed piece: `<length>:<text>` cannot be confused with any other piece. */
const piece = (text: string): string => `${text.length}:${text}`;

/** The exact decimal value of an `N` string, in one spelling per value; undefined for a non-number. */
export function numberIdentity(n: string): string | undefined {
  if (typeof n !== "string") return undefined;
  const d = decompose(n);
  if (!d) return undefined;
  return d.digits ? `${d.neg ? "-" : ""}${d.digits}e${d.exp}` : "0";
}

/**
 * An `N` string as DynamoDB writes it back (plain decimal, no exponent, no redundant zeros:
 * `"60E+30"` → `"60000000000000000000000000000000"`, `"1e-7"` → `"0.0000001"`, `"-0"` → `"0"`);
 * undefined for a non-number.
 */
export function dynamoNotation(n: string): string | undefined {
  const d = typeof n === "string" ? decompose(n) : undefined;
  if (!d) return undefined;
  if (!d.digits) return "0";
  const { digits, exp } = d;
  let out: string;
  if (exp >= digits.length - 1) out = digits + "0".repeat(exp - digits.length + 1);
  else if (exp >= 0) out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else out = `0.${"0".repeat(-exp - 1)}${digits}`;
  return d.neg ? `-${out}` : out;
}

/** The bytes of a `B` value as a one-char-per-byte string; undefined when it is not binary. */
export function bytesIdentity(b: unknown): string | undefined {
  if (b instanceof Uint8Array)
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
  // Base64 text, as DynamoDB's JSON carries binaries (and as the direct transport sends a string).
  if (typeof b === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(b) && b.length % 4 === 0)
    return Buffer.from(b, "base64").toString("latin1");
  return undefined;
}

/** The identity of one key attribute value, or why it has none. */
function scalar(value: AttributeValue | undefined): { id: string } | Refusal {
  if (value === null || typeof value !== "object") return "is missing";
  const v = value as { S?: unknown; N?: unknown; B?: unknown };
  if (v.S !== undefined) {
    if (typeof v.S !== "string") return "has an S that is not a string";
    if (!isWellFormed(v.S))
      return "has an S with a lone UTF-16 surrogate, which DynamoDB cannot store as given (it has no UTF-8 form); use well-formed text";
    return { id: `S${piece(v.S)}` };
  }
  if (v.N !== undefined) {
    const n = numberIdentity(v.N as string);
    if (n === undefined) return `has N ${JSON.stringify(v.N)}, which is not a number`;
    return { id: `N${piece(n)}` };
  }
  if (v.B !== undefined) {
    const b = bytesIdentity(v.B);
    if (b === undefined) return "has a B that is neither a Uint8Array nor base64 text";
    return { id: `B${piece(b)}` };
  }
  return "is not an S, N or B value (a key attribute must be one)";
}

/** An own property (never one inherited from `Object.prototype`, whatever the name). */
function own(map: AttributeMap, name: string): AttributeValue | undefined {
  return Object.prototype.hasOwnProperty.call(map, name) ? map[name] : undefined;
}

function build(
  key: AttributeMap,
  names: readonly string[] | undefined,
): { id: string } | { name: string; why: Refusal } {
  if (key === null || typeof key !== "object") return { name: "", why: "is not a key" };
  const list = names ?? Object.keys(key).sort();
  let id = "";
  for (const name of list) {
    const s = scalar(own(key, name));
    if (typeof s === "string") return { name, why: s };
    id += piece(name) + s.id;
  }
  return { id };
}

/**
 * The identity of a key: its attributes `names` (the table's key attribute names; for an item,
 * only those are read), or every attribute of `key` when `names` is omitted. Equal identities ⇔
 * DynamoDB's same item.
 * @param where names the key in errors, e.g. `RequestItems.Users.Keys[3]`.
 * @throws DynoValidationError naming `where.<attribute>` when an attribute is missing, is not
 *   S, N or B, or holds a malformed number or binary.
 */
export function keyIdentity(
  key: AttributeMap,
  names: readonly string[] | undefined,
  where: string,
): string {
  const out = build(key, names);
  if ("id" in out) return out.id;
  throw new DynoValidationError(
    out.name ? `${where}.${out.name}` : where,
    out.name ? `key attribute ${JSON.stringify(out.name)} ${out.why}` : out.why,
  );
}

/** Like {@link keyIdentity}, for keys that come back from DynamoDB: undefined instead of throwing. */
export function tryKeyIdentity(
  key: AttributeMap | undefined,
  names?: readonly string[],
): string | undefined {
  if (!key) return undefined;
  const out = build(key, names);
  return "id" in out ? out.id : undefined;
}

/** The identity of `table` plus a key identity: one string per (table, key), for maps over several tables. */
export function tableKeyIdentity(table: string, keyId: string): string {
  return piece(table) + keyId;
}
