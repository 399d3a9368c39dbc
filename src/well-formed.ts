/**
 * DynamoDB stores strings as UTF-8, and a lone UTF-16 surrogate (half of a pair, e.g.
 * `"a\uD800"`) has no UTF-8 form: DynamoDB Local stores and matches it as U+FFFD, so a key read
 * back is not the key written (a batch cannot match it, two distinct keys become one item).
 * Both transports therefore refuse, before sending, a request holding a string (value, key,
 * attribute or table name) that is not well-formed UTF-16.
 * @module
 */
import { DynoValidationError } from "./errors.js";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `text` is well-formed UTF-16 (no lone surrogate), as `String.prototype.isWellFormed`. */
export const isWellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function"
    ? (text) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (text) => !LONE_SURROGATE.test(text);

/** Where `input` holds a string or a member name with a lone surrogate, or `undefined`. */
export function illFormedIn(input: unknown, path = "input"): string | undefined {
  if (typeof input === "string") return isWellFormed(input) ? undefined : path;
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const found = illFormedIn(input[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (!input || typeof input !== "object" || input instanceof Uint8Array) return undefined;
  const record = input as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!isWellFormed(name)) return `${path}[${JSON.stringify(name)}]`;
    const found = illFormedIn(record[name], `${path}.${name}`);
    if (found) return found;
  }
  return undefined;
}

/** The error for a request holding a lone surrogate at `where`. */
export function illFormedError(operation: string, where: string): DynoValidationError {
  return new DynoValidationError(
    where,
    `${operation}: the string holds a lone UTF-16 surrogate, which DynamoDB cannot store as ` +
      `given (it has no UTF-8 form; DynamoDB Local stores it as U+FFFD, so what is read back ` +
      `is not what was written); not sent. Use well-formed text (String.prototype.toWellFormed) ` +
      `or a binary attribute`,
  );
}

/**
 * Throws before sending when `input` holds a lone surrogate.
 * @throws DynoValidationError naming where.
 */
export function refuseIllFormed(operation: string, input: unknown): void {
  const where = illFormedIn(input);
  if (where !== undefined) throw illFormedError(operation, where);
}

/**
 * The direct transport's check on a request body it has serialized: `JSON.stringify` writes a
 * lone surrogate as a `\udXXX` escape (well-formed pairs as themselves), so only a body with
 * that text is walked to find where.
 * @throws DynoValidationError naming where.
 */
export function refuseIllFormedBody(operation: string, input: unknown, body: string): void {
  if (body.includes("\\ud")) refuseIllFormed(operation, input);
}
